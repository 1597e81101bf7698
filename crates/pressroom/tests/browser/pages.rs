//! Every page type — public pages in both languages, the high-contrast mode, the back office —
//! opened in the browser and checked: no axe-core violation of WCAG 2.1 A and AA, nothing in
//! the console, zero errors from the Nu HTML Checker on the markup as served; each one
//! photographed at three widths.

use serde_json::Value;

use crate::harness::{markup_errors, Chrome};
use crate::{sign_in, BrowserSite};

/// What is wrong with the pages, one line per problem, and the pages' markup for the checker.
#[derive(Default)]
struct Findings {
    problems: Vec<String>,
    markup: Vec<(String, String)>,
}

impl Findings {
    /// Opens `path` as the browser's reader, and records what is wrong with it.
    async fn check(&mut self, chrome: &Chrome, site: &BrowserSite, name: &str, path: &str) {
        let url = site.url(path);
        chrome.open(&url).await;
        for problem in chrome.console_problems().await {
            // The one failed request a "not found" page has is itself.
            if !(name.starts_with("not-found") && problem.starts_with(&url)) {
                self.problems.push(format!("{name} ({path}) console: {problem}"));
            }
        }
        for violation in chrome.accessibility_violations().await {
            self.problems.push(format!("{name} ({path}) axe: {violation}"));
        }
        self.problems.extend(chrome.screenshots(name).await);
        let html = reqwest::Client::new()
            .get(&url)
            .header("cookie", chrome.cookie_header().await)
            .header("accept-language", chrome.lang.as_str())
            .send()
            .await
            .expect("the page answers")
            .text()
            .await
            .expect("a body");
        self.markup.push((name.to_owned(), html));
    }
}

async fn api(site: &BrowserSite, path: &str) -> Value {
    reqwest::get(site.url(path)).await.expect("the API answers").json().await.expect("JSON")
}

fn path_of(url: &Value) -> String {
    let url = url.as_str().expect("an address");
    url.splitn(4, '/').nth(3).map(|rest| format!("/{rest}")).expect("an absolute address")
}

pub async fn check_every_page_type() {
    let site = BrowserSite::start().await;
    let chrome = Chrome::start(true).await;
    let mut findings = Findings::default();
    let tag = api(&site, "/api/v1/tags").await[0]["key"].as_str().expect("a tag").to_owned();
    for (lang, word) in [("en", "council"), ("ru", "совет")] {
        let latest = &api(&site, &format!("/api/v1/articles?lang={lang}&section=news&per_page=1")).await["items"][0];
        let article = path_of(&latest["url"]);
        let record = format!("{article}/record");
        let published = latest["published_at"].as_str().expect("a date");
        let (year, month) = (&published[..4], &published[5..7]);
        let event = path_of(&api(&site, &format!("/api/v1/articles?lang={lang}&section=events&per_page=1")).await["items"][0]["url"]);
        let document = path_of(&api(&site, &format!("/api/v1/articles?lang={lang}&section=documents&per_page=1")).await["items"][0]["url"]);
        let pages = [
            ("documents", format!("/{lang}/documents/")),
            ("documents-filtered", format!("/{lang}/documents/?type=decision&year=2025&sort=number")),
            ("document", document),
            ("events", format!("/{lang}/events/")),
            ("events-month", format!("/{lang}/events/2025/06/")),
            ("event", event),
            ("home", format!("/{lang}/")),
            ("news", format!("/{lang}/news/")),
            ("news-page-2", format!("/{lang}/news/?page=2")),
            ("section", format!("/{lang}/interviews/")),
            ("article", article),
            ("record", record),
            ("tag", format!("/{lang}/tags/{tag}")),
            ("archive", format!("/{lang}/archive/")),
            ("archive-year", format!("/{lang}/archive/{year}/")),
            ("archive-month", format!("/{lang}/archive/{year}/{month}/")),
            ("search", format!("/{lang}/search?q={word}")),
            ("search-nothing", format!("/{lang}/search?q=zzxqvj")),
            ("not-found", format!("/{lang}/no-such-page")),
        ];
        for (kind, path) in &pages {
            findings.check(&chrome, &site, &format!("{kind}-{lang}"), path).await;
        }
        if lang == "en" {
            let path = format!("/en/news/{}", crate::LONG_WORDS_SLUG);
            findings.check(&chrome, &site, "article-long-words-en", &path).await;
        }
        // The same reader in the high-contrast mode, switched on as a reader does.
        chrome.open(&site.url(&format!("/{lang}/"))).await;
        chrome.click("a.contrast-toggle").await;
        for (kind, path) in pages.iter().filter(|(kind, _)| ["home", "article", "search"].contains(kind)) {
            findings.check(&chrome, &site, &format!("contrast-{kind}-{lang}"), path).await;
        }
        chrome.click("a.contrast-toggle").await;
    }

    chrome.quit().await;
    // The back office speaks the editor's language: every page in each.
    let article = api(&site, "/api/v1/articles?lang=en&per_page=1").await["items"][0]["id"].as_i64().expect("an article");
    let event = api(&site, "/api/v1/articles?lang=en&section=events&per_page=1").await["items"][0]["id"].as_i64().expect("an event");
    let document =
        api(&site, "/api/v1/articles?lang=en&section=documents&per_page=1").await["items"][0]["id"].as_i64().expect("a document");
    for lang in ["en", "ru"] {
        let chrome = Chrome::start_in(lang, true).await;
        check_the_back_office(&chrome, &site, &mut findings, lang, article, [event, document]).await;
        chrome.quit().await;
    }

    let mut problems = findings.problems;
    problems.extend(markup_errors(&findings.markup));
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
}

/// `typed` are an event and a document, whose editors show their own fields.
async fn check_the_back_office(chrome: &Chrome, site: &BrowserSite, findings: &mut Findings, lang: &str, article: i64, typed: [i64; 2]) {
    let [event, document] = typed;
    findings.check(chrome, site, &format!("admin-login-{lang}"), "/admin/login").await;
    sign_in(chrome, site, "admin@localhost", &site.admin_password).await;
    let admin_pages = [
        ("admin-home", "/admin/".to_owned()),
        ("admin-articles", "/admin/articles".to_owned()),
        ("admin-new-article", "/admin/articles/new".to_owned()),
        ("admin-edit-article", format!("/admin/articles/{article}")),
        // An event's editor shows its facts and not the report field.
        ("admin-edit-event", format!("/admin/articles/{event}")),
        // A document's editor shows its details and not the event's.
        ("admin-edit-document", format!("/admin/articles/{document}")),
        ("admin-history", format!("/admin/articles/{article}/history")),
        ("admin-media", "/admin/media".to_owned()),
        ("admin-users", "/admin/users".to_owned()),
        ("admin-settings", "/admin/settings".to_owned()),
        ("admin-audit", "/admin/audit".to_owned()),
        ("admin-account", "/admin/account".to_owned()),
        ("admin-second-factor", "/admin/account/totp".to_owned()),
        ("admin-tokens", "/admin/tokens".to_owned()),
        ("admin-webhooks", "/admin/webhooks".to_owned()),
        ("admin-translations", "/admin/translations".to_owned()),
        ("admin-translation", format!("/admin/articles/new?translation_of={article}&lang=ru")),
        ("admin-media-picker", format!("/admin/articles/{article}/media")),
        ("admin-preview-links", format!("/admin/articles/{document}/previews")),
    ];
    for (name, path) in &admin_pages {
        findings.check(chrome, site, &format!("{name}-{lang}"), path).await;
    }
}
