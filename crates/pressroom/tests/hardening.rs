//! Security by default, over real HTTP: every response's security headers, the back office's
//! cookies and sign-ins on a site served over HTTPS, and the limits on what one client may ask.

mod common;

use common::desk::{add_user, csrf, page, png, signed_in, upload, PASSWORD};
use common::{attributes, texts, token_for, Engine, TestSite};
use pressroom_domain::{Role, Scope};
use reqwest::StatusCode;

/// A demo site whose public address is `https://…` (served here over loopback HTTP, as behind a
/// TLS-terminating proxy).
async fn https_site() -> TestSite {
    TestSite::start_configured(Engine::Sqlite, true, |_| {}, |config| config.base_url = "https://news.example.org".to_owned())
        .await
        .expect("SQLite is always available")
}

/// The headers every answer carries, whatever it is.
const EVERY_RESPONSE: [(&str, &str); 6] = [
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("strict-transport-security", "max-age=31536000; includeSubDomains"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
];

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let site = https_site().await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let home = site.ok("/en/").await;
    let article = attributes(&site.ok("/en/news/").await, "main .news-title a", "href").remove(0);
    let stylesheet = attributes(&home, "link[rel=stylesheet]", "href").remove(0);
    let mut answers = Vec::new();
    for path in [
        "/",
        "/en/",
        article.as_str(),
        "/en/news",
        "/en/no-such-section/",
        "/en/search?q=council",
        "/en/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
        stylesheet.as_str(),
        "/log/checkpoint",
        "/api/v1/articles",
        "/api/v1/articles/999999",
        "/admin/login",
        "/admin/articles",
        "/livez",
        "/preview/0000000000000000000000000000000000000000000000000000000000000000",
    ] {
        answers.push((format!("GET {path}"), client.get(format!("{}{path}", site.base)).send().await.unwrap()));
    }
    answers.push((
        "POST /admin/login".into(),
        client.post(format!("{}/admin/login", site.base)).form(&[("email", "x")]).send().await.unwrap(),
    ));
    let statuses: Vec<u16> = answers.iter().map(|(_, r)| r.status().as_u16()).collect();
    for status in [200, 303, 308, 403, 404] {
        assert!(statuses.contains(&status), "answers of every kind: {statuses:?}");
    }
    for (request, response) in &answers {
        for (name, value) in EVERY_RESPONSE {
            assert_eq!(response.headers().get(name).map(|v| v.to_str().unwrap()), Some(value), "{request}: {name}");
        }
        let policy = response.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"), "{request}: {policy}");
    }

    // Over plain HTTP (a site tried on a laptop) browsers are not told to insist on HTTPS.
    let plain = TestSite::demo().await;
    let response = reqwest::get(format!("{}/en/", plain.base)).await.unwrap();
    assert!(response.headers().get("strict-transport-security").is_none());
    assert_eq!(response.headers()["cross-origin-opener-policy"], "same-origin");
}

/// Signs in with `cookie` (the login form's) and returns the answer.
async fn sign_in_over(site: &TestSite, client: &reqwest::Client) -> reqwest::Response {
    let form = client.get(format!("{}/admin/login", site.base)).send().await.unwrap();
    let set: Vec<String> = form.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(
        set.iter().all(|c| c.starts_with("__Host-") && c.contains("; Secure") && c.contains("Path=/") && !c.contains("Domain")),
        "{set:?}"
    );
    let cookie = set.iter().map(|c| c.split(';').next().unwrap()).collect::<Vec<_>>().join("; ");
    let login_csrf = attributes(&form.text().await.unwrap(), "input[name=login_csrf]", "value").remove(0);
    client
        .post(format!("{}/admin/login", site.base))
        .header("cookie", cookie)
        .form(&[("email", "editor@example.org"), ("password", PASSWORD), ("login_csrf", &login_csrf), ("next", "/admin/")])
        .send()
        .await
        .unwrap()
}

fn session_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-pressroom_session=") && !c.starts_with("__Host-pressroom_session=;"))
        .expect("a session cookie")
}

#[tokio::test]
async fn sessions_under_https_are_host_bound_new_at_each_sign_in_and_audited() {
    let site = https_site().await;
    add_user(&site, "editor@example.org", Role::Editor).await;
    // Cookies are given back by hand: a client's cookie store keeps `Secure` ones for HTTPS.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let first = sign_in_over(&site, &client).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let first = session_of(&first);
    assert!(first.contains("HttpOnly") && first.contains("SameSite=Lax") && first.contains("; Secure"), "{first}");
    let pair = first.split(';').next().unwrap().to_owned();
    let account = client.get(format!("{}/admin/account", site.base)).header("cookie", &pair).send().await.unwrap();
    assert_eq!(account.status(), StatusCode::OK, "the __Host- cookie is the session");
    let plain_name = pair.replace("__Host-", "");
    let refused = client.get(format!("{}/admin/account", site.base)).header("cookie", plain_name).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::SEE_OTHER, "a cookie without the prefix is not one of this site's under HTTPS");

    // A new session id at every sign-in.
    let second = session_of(&sign_in_over(&site, &client).await);
    assert_ne!(first.split(';').next(), second.split(';').next());

    // A sign-in from an address not seen before for this account is marked in the audit log.
    let log = site.store.audit_entries("editor@", "login", 1).await.unwrap();
    let details: Vec<&str> = log.items.iter().rev().filter(|e| e.action == "login").map(|e| e.detail.as_str()).collect();
    assert_eq!(details, ["from a new address", ""]);
}

#[tokio::test]
async fn one_client_cannot_search_call_or_open_previews_without_limit() {
    let limits = pressroom_web::limits::RateLimits { search: 2, api: 2, preview: 1 };
    let site = TestSite::start_configured(Engine::Sqlite, true, |_| {}, |config| config.rate_limits = limits)
        .await
        .expect("SQLite is always available");
    let first = common::token_for(&site, "one@example.org", Role::Editor, &[pressroom_domain::Scope::Write]).await;
    let second = common::token_for(&site, "two@example.org", Role::Editor, &[pressroom_domain::Scope::Write]).await;
    let client = reqwest::Client::new();
    let get = |path: &str, token: Option<&str>| {
        let request = client.get(format!("{}{path}", site.base));
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.send()
    };
    // A burst is served (three seconds' worth, at least ten), then the client is told to wait.
    for (path, token) in [("/en/search?q=council", None), ("/api/v1/articles", Some(first.as_str())), ("/preview/00", None)] {
        let mut statuses = Vec::new();
        let mut retry_after = None;
        for _ in 0..25 {
            let response = get(path, token).await.unwrap();
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<u64>().unwrap());
            }
            statuses.push(response.status().as_u16());
        }
        let served = statuses.iter().filter(|s| **s != 429).count();
        assert!((10..=12).contains(&served), "{path}: {statuses:?}");
        assert!(retry_after.is_some_and(|s| s >= 1), "{path}: 429 says when to come back");
    }
    // Another token is another client; and the limited one is served again after the wait.
    assert_eq!(get("/api/v1/articles", Some(&second)).await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(get("/api/v1/articles", Some(&first)).await.unwrap().status(), StatusCode::OK);
    // Pages are not limited.
    for _ in 0..30 {
        assert_eq!(get("/en/", None).await.unwrap().status(), StatusCode::OK);
    }
}

/// Reads from `stream` until the server answers or closes; what it sent, and how long that took.
async fn answer_of(stream: &mut tokio::net::TcpStream) -> (String, std::time::Duration) {
    use tokio::io::AsyncReadExt;
    let started = std::time::Instant::now();
    let mut buffer = vec![0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buffer)).await;
    let text = match read {
        Ok(Ok(n)) => String::from_utf8_lossy(&buffer[..n]).into_owned(),
        Ok(Err(_)) => String::new(),
        Err(_) => panic!("the server held the connection open for 10 s"),
    };
    (text, started.elapsed())
}

#[tokio::test]
async fn slow_and_greedy_clients_cannot_hold_the_server() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    common::process::pressroom_ok(&["init", "--demo", "--data", data]);
    let database = format!("sqlite://{}", dir.path().join("pressroom.db").display());
    let args = ["--header-timeout", "1", "--body-timeout", "1", "--max-connections-per-address", "4"];
    let server = common::process::Server::start_with(dir.path(), &database, common::process::free_port(), &args, &[]).await;
    let address = server.base.trim_start_matches("http://").to_owned();
    let connect = || tokio::net::TcpStream::connect(address.clone());

    // Headers trickled in: the connection is closed after the time-out, not held.
    let mut slow = connect().await.unwrap();
    slow.write_all(b"GET /en/ HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
    let (answer, waited) = answer_of(&mut slow).await;
    assert!(!answer.contains("200 OK") && waited < std::time::Duration::from_secs(4), "{answer:?} after {waited:?}");

    // A body promised and not sent: answered, not waited for.
    let mut promised = connect().await.unwrap();
    promised
        .write_all(b"POST /admin/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a")
        .await
        .unwrap();
    let (answer, waited) = answer_of(&mut promised).await;
    assert!(answer.starts_with("HTTP/1.1 4"), "a 4xx answer: {answer:?}");
    assert!(waited < std::time::Duration::from_secs(4), "{waited:?}");

    // Four connections held from one address: the fifth is closed at once; others still served.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut stream = connect().await.unwrap();
        stream.write_all(b"GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n").await.unwrap();
        assert!(answer_of(&mut stream).await.0.starts_with("HTTP/1.1 200"));
        held.push(stream); // kept alive, holding its place
    }
    let mut fifth = connect().await.unwrap();
    let _ = fifth.write_all(b"GET /livez HTTP/1.1\r\nHost: localhost\r\n\r\n").await;
    let (answer, waited) = answer_of(&mut fifth).await;
    assert!(answer.is_empty() && waited < std::time::Duration::from_millis(900), "refused at once: {answer:?} {waited:?}");
    drop(held);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(reqwest::get(format!("{}/livez", server.base)).await.unwrap().status(), StatusCode::OK, "places are given back");

    // Told to stop, it stops cleanly.
    assert!(server.terminate().success(), "SIGTERM ends the server with status 0");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_client_is_the_forwarded_address() {
    let limits = pressroom_web::limits::RateLimits { search: 1, api: 0, preview: 0 };
    let loopback: std::net::IpAddr = "127.0.0.1".parse().unwrap();
    let proxied = TestSite::start_configured(
        Engine::Sqlite,
        true,
        |_| {},
        |config| {
            config.rate_limits = limits;
            config.trusted_proxies = vec![loopback];
        },
    )
    .await
    .expect("SQLite is always available");
    let client = reqwest::Client::new();
    let search_as = |site: &TestSite, forwarded: &str| {
        client.get(format!("{}/en/search?q=council", site.base)).header("x-forwarded-for", forwarded.to_owned()).send()
    };
    // One reader exhausts their searches; another, through the same proxy, is still served.
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(search_as(&proxied, "198.51.100.7, 203.0.113.5").await.unwrap().status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(search_as(&proxied, "203.0.113.6").await.unwrap().status(), StatusCode::OK, "another reader");

    // Without the proxy trusted, the header is only words: the connection's address decides.
    let direct = TestSite::start_configured(Engine::Sqlite, true, |_| {}, |config| config.rate_limits = limits)
        .await
        .expect("SQLite is always available");
    let mut statuses = Vec::new();
    for n in 0..12 {
        statuses.push(search_as(&direct, &format!("203.0.113.{n}")).await.unwrap().status().as_u16());
    }
    assert!(statuses.contains(&429), "a client cannot choose its address: {statuses:?}");
}

/// The upload limits are the site's settings: a site that takes 1 MB files and 1-megapixel
/// pictures refuses more, through the back office and the API alike, records nothing it
/// refused, and its upload form says what it takes.
#[tokio::test]
async fn uploads_are_held_to_the_sites_limits() {
    let limits = pressroom_web::media::UploadLimits { max_bytes: 1 << 20, max_pixels: 1_000_000 };
    let site = TestSite::start_configured(Engine::Sqlite, true, |_| {}, |config| config.uploads = limits)
        .await
        .expect("SQLite is always available");
    add_user(&site, "author@example.org", Role::Author).await;
    let client = signed_in(&site, "author@example.org").await;
    let token = csrf(&site, &client).await;

    let (_, library) = page(&site, &client, "/admin/media").await;
    assert!(texts(&library, "#h-file")[0].ends_with("At most 1 MB. Pictures: at most 1 megapixels."), "{:?}", texts(&library, "#h-file"));
    let (status, html) = upload(&site, &client, &token, "report.pdf", vec![b'%'; (1 << 20) + 200 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(texts(&html, ".form-error")[0].contains("too large"));
    let (status, html) = upload(&site, &client, &token, "wide.png", png(1250, 1000)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html, ".form-error")[0].contains("more pixels than this site accepts"));

    let api = token_for(&site, "author@example.org", Role::Author, &[Scope::Write]).await;
    let send = |bytes: Vec<u8>, name: &str| {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
        site.client.post(format!("{}/api/v1/media", site.base)).bearer_auth(&api).multipart(form).send()
    };
    assert_eq!(send(vec![b'%'; 2 << 20], "report.pdf").await.unwrap().status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(send(png(1250, 1000), "wide.png").await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(site.store.media_page("", 1).await.unwrap().total, 0, "nothing refused was recorded");

    assert_eq!(upload(&site, &client, &token, "square.png", png(1000, 1000)).await.0, StatusCode::SEE_OTHER, "within the limits");
    assert_eq!(send(png(800, 600), "small.png").await.unwrap().status(), StatusCode::CREATED);
}
