//! The browser side of the browser tests: Debian's Chromium driven through ChromeDriver (the
//! WebDriver protocol, by `fantoccini`), axe-core injected into pages, the Nu HTML Checker run
//! over their markup, and screenshots at a phone's, a tablet's and a desktop's width.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// The widths every page is photographed at: a phone, a tablet, a desktop.
pub const WIDTHS: [u32; 3] = [375, 768, 1280];

/// The repository's root, where `browser/node_modules` and `screenshots/` are.
pub fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository exists")
}

/// The browser tests are `#[ignore]`d unless asked for; asked for without their browser, they
/// fail with a reason rather than pass without having run.
pub fn require_browser() {
    assert!(
        std::env::var("PRESSROOM_TEST_BROWSER").is_ok_and(|v| v == "1"),
        "the browser tests need Chromium, ChromeDriver and the checkers (see the README): set PRESSROOM_TEST_BROWSER=1"
    );
}

/// A headless Chromium with its ChromeDriver; both end when this is dropped.
pub struct Chrome {
    driver: Child,
    pub client: Client,
    /// The language the browser asks pages in.
    pub lang: String,
}

impl Chrome {
    /// A browser reading English, with JavaScript on or off.
    pub async fn start(javascript: bool) -> Chrome {
        Chrome::start_in("en", javascript).await
    }

    /// A browser whose reader prefers `lang` (its `Accept-Language`).
    pub async fn start_in(lang: &str, javascript: bool) -> Chrome {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        // In a process group of its own with the browsers it starts, so that a failed test
        // (which never reaches `quit`) still takes them all down when dropped.
        let driver = Command::new("chromedriver")
            .process_group(0)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt-get install chromium-driver)");
        let address = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if reqwest::get(format!("{address}/status")).await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut options = json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", "--window-size=1280,900", format!("--lang={lang}")],
            "prefs": { "intl.accept_languages": lang },
        });
        if !javascript {
            options["prefs"]["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector).capabilities(capabilities).connect(&address).await.expect("a browser session");
        Chrome { driver, client, lang: lang.to_owned() }
    }

    /// Opens `url` and waits for it to load.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("{url} opens: {e}"));
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("a current address");
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Clicks the first element matching `css` — a link or a button — and waits until the page
    /// it leads to has loaded (a mark left on the old page is gone, the new one is complete).
    pub async fn click(&self, css: &str) {
        let element = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css} is on the page: {e}"));
        self.run("window.pressroomOldPage = true", vec![]).await;
        element.click().await.unwrap_or_else(|e| panic!("{css} can be clicked: {e}"));
        let loaded = "return !window.pressroomOldPage && document.readyState === 'complete'";
        for _ in 0..200 {
            if self.client.execute(loaded, vec![]).await.is_ok_and(|v| v == true) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("clicking {css} led to no new page");
    }

    /// Types into the field `css` (after emptying it).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.client.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css} is on the page: {e}"));
        field.clear().await.expect("the field empties");
        field.send_keys(text).await.expect("the field takes text");
    }

    pub async fn text(&self, css: &str) -> String {
        match self.client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    pub async fn count(&self, css: &str) -> usize {
        self.client.find_all(Locator::Css(css)).await.map(|all| all.len()).unwrap_or(0)
    }

    /// Runs `script` in the page with `args`, returning its value.
    pub async fn run(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("the script runs: {e}"))
    }

    /// What the browser console recorded since the last call that a reader should never cause:
    /// errors, and requests that failed.
    pub async fn console_problems(&self) -> Vec<String> {
        let entries = self.client.issue_cmd(BrowserLog).await.expect("chromedriver gives the browser log");
        entries
            .as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE" || entry["level"] == "WARNING")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// The WCAG 2.1 A and AA rules axe-core finds broken on the page, one line each.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let axe = AXE.get_or_init(|| {
            std::fs::read_to_string(repository().join("browser/node_modules/axe-core/axe.min.js"))
                .expect("axe-core is installed (npm ci --prefix browser)")
        });
        self.run(axe, vec![]).await;
        let script = "const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));";
        let found = self.client.execute_async(script, vec![]).await.expect("axe runs");
        found.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
    }

    /// Photographs the whole page at each of [`WIDTHS`] into `screenshots/NAME-WIDTH.png`, laid
    /// out at exactly that width (a headless window cannot be narrower than 500 px, so the
    /// viewport is set through the DevTools protocol). Returns the widths the page overflows.
    pub async fn screenshots(&self, name: &str) -> Vec<String> {
        let folder = repository().join("screenshots");
        std::fs::create_dir_all(&folder).expect("the screenshots folder");
        let mut overflows = Vec::new();
        for width in WIDTHS {
            self.viewport(width, 900).await;
            let size = self.run("return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]", vec![]).await;
            let (wide, high) = (size[0].as_u64().unwrap_or(0), size[1].as_u64().unwrap_or(900));
            if wide > u64::from(width) {
                overflows.push(format!("{name} is {wide} px wide at {width} px: readers must scroll sideways"));
            }
            self.viewport(width, high.clamp(600, 8000) as u32).await;
            let png = self.client.screenshot().await.expect("a screenshot");
            std::fs::write(folder.join(format!("{name}-{width}.png")), png).expect("the screenshot is written");
        }
        self.client.issue_cmd(DevTools("Emulation.clearDeviceMetricsOverride", json!({}))).await.expect("the viewport resets");
        overflows
    }

    async fn viewport(&self, width: u32, height: u32) {
        let metrics = json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false });
        self.client.issue_cmd(DevTools("Emulation.setDeviceMetricsOverride", metrics)).await.expect("the viewport is set");
    }

    /// The browser's cookies as a `Cookie` header, to fetch what it sees with another client.
    pub async fn cookie_header(&self) -> String {
        let cookies = self.client.get_all_cookies().await.expect("the browser's cookies");
        cookies.iter().map(|c| format!("{}={}", c.name(), c.value())).collect::<Vec<_>>().join("; ")
    }

    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.driver.id())]).status();
        let _ = self.driver.wait();
    }
}

/// ChromeDriver's log endpoint: what the page wrote to the console and the requests that failed.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// A DevTools protocol command, sent through ChromeDriver.
#[derive(Debug)]
struct DevTools(&'static str, Value);

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.0, "params": self.1 }).to_string()))
    }
}

/// Runs the Nu HTML Checker over `pages` (name, markup) at once; returns its errors, each with
/// the page's name and the line.
pub fn markup_errors(pages: &[(String, String)]) -> Vec<String> {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut files = Vec::new();
    for (name, html) in pages {
        let file = folder.path().join(format!("{name}.html"));
        std::fs::write(&file, html).expect("the page is written");
        files.push(file);
    }
    let checker = repository().join("browser/node_modules/vnu-jar/build/dist/vnu.jar");
    let output = Command::new("java")
        .arg("-jar")
        .arg(&checker)
        .args(["--errors-only", "--format", "json"])
        .args(&files)
        .output()
        .expect("java runs the Nu HTML Checker (npm ci --prefix browser)");
    let report: Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|_| {
        panic!("the checker's report is JSON: {}", String::from_utf8_lossy(&output.stderr));
    });
    report["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            let page = m["url"].as_str().unwrap_or_default().rsplit('/').next().unwrap_or_default().to_owned();
            format!("{page}:{}: {}", m["lastLine"], m["message"].as_str().unwrap_or_default())
        })
        .collect()
}
