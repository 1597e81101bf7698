//! What operators rely on, against a real `pressroom serve`: liveness and readiness, metrics on a
//! listener of their own, JSON log lines with request ids and without secrets.

mod common;

use common::attributes;
use common::process::{free_port, pressroom_ok, Server};
use reqwest::StatusCode;

/// A demo site served with metrics and JSON logs; the admin's password.
async fn served(dir: &std::path::Path, metrics_port: u16) -> (Server, String) {
    let data = dir.to_str().expect("a UTF-8 path");
    let init = pressroom_ok(&["init", "--demo", "--data", data]);
    let password = init.lines().find_map(|l| l.trim().strip_prefix("password:")).expect("a password is printed").trim().to_owned();
    let database = format!("sqlite://{}", dir.join("pressroom.db").display());
    let metrics = format!("127.0.0.1:{metrics_port}");
    let server =
        Server::start_with(dir, &database, free_port(), &["--metrics-listen", &metrics], &[("PRESSROOM_LOG_FORMAT", "json")]).await;
    (server, password)
}

async fn metrics_text(port: u16) -> String {
    let response = reqwest::get(format!("http://127.0.0.1:{port}/metrics")).await.expect("the metrics answer");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    response.text().await.expect("a body")
}

#[tokio::test]
async fn health_and_metrics_for_the_operations_team() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let metrics_port = free_port();
    let (server, _) = served(dir.path(), metrics_port).await;
    let get = |path: &str| reqwest::get(format!("{}{path}", server.base));

    // What the server holds resident is what it uses: it keeps its memory out of transparent
    // huge pages (see main.rs).
    #[cfg(target_os = "linux")]
    {
        let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid())).expect("the server's status");
        assert!(status.lines().any(|line| line.split_whitespace().eq(["THP_enabled:", "0"])), "{status}");
    }

    let live = get("/livez").await.unwrap();
    assert_eq!((live.status(), live.headers()["cache-control"].clone()), (StatusCode::OK, "no-store".parse().unwrap()));
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let ready: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(ready["status"], "ready", "{ready}");
    assert!(ready["checks"]["search_documents"].is_u64(), "{ready}");
    // Never on the public address.
    assert_eq!(get("/metrics").await.unwrap().status(), StatusCode::NOT_FOUND);

    // Some traffic: pages (the second read from the cache), a search, a failed sign-in.
    for path in ["/en/", "/en/", "/en/news/", "/en/search?q=council", "/no/such/page"] {
        get(path).await.unwrap();
    }
    let client = common::browser();
    let form = client.get(format!("{}/admin/login", server.base)).send().await.unwrap().text().await.unwrap();
    let login_csrf = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    client
        .post(format!("{}/admin/login", server.base))
        .form(&[("email", "admin@localhost"), ("password", "not the password"), ("login_csrf", &login_csrf)])
        .send()
        .await
        .unwrap();
    let text = metrics_text(metrics_port).await;
    for wanted in [
        // Once when the server was waited for, twice here: by the route's pattern, not the address.
        "pressroom_http_requests_total{route=\"/{lang}/\",method=\"GET\",status=\"200\"} 3",
        "pressroom_http_requests_total{route=\"/{lang}/{section}/{slug}\",method=\"GET\",status=\"404\"} 1",
        "pressroom_http_requests_total{route=\"/admin/login\",method=\"POST\",status=\"401\"} 1",
        "pressroom_http_request_duration_seconds_bucket{route=\"/{lang}/search\",method=\"GET\",le=\"+Inf\"} 1",
        "pressroom_page_cache_hits_total 2",
        "pressroom_page_cache_misses_total",
        "pressroom_page_cache_bytes",
        "pressroom_render_seconds_count",
        "pressroom_search_seconds_count 1",
        "pressroom_login_failures_total 1",
        "pressroom_db_pool_connections",
        "pressroom_scheduler_queue_depth 0",
        "pressroom_webhook_queue_depth 0",
        "pressroom_change_feed_lag 0",
    ] {
        assert!(text.contains(wanted), "/metrics has {wanted}:\n{text}");
    }
    prometheus_parses(&text);

    // The media folder unreachable (a file where it should be): not ready, and it says why.
    let media = dir.path().join("media");
    let _ = std::fs::remove_dir_all(&media);
    std::fs::write(&media, "not a folder").unwrap();
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let ready: serde_json::Value = ready.json().await.unwrap();
    let failing = ready["failing"][0].as_str().unwrap_or_default();
    assert!(failing.starts_with(&format!("media: {}: ", media.display())) && failing.contains("cannot be reached"), "{ready}");
}

/// Prometheus's own parser (the `prometheus-client` Python package, which `.ci/run` installs)
/// reads the whole text; without it (a plain `cargo test`), the check is left to CI.
fn prometheus_parses(text: &str) {
    if std::env::var("PRESSROOM_TEST_PROMETHEUS").is_err() {
        return;
    }
    let script = "import sys\nfrom prometheus_client.parser import text_string_to_metric_families\n\
                  families = list(text_string_to_metric_families(sys.stdin.read()))\nprint(len(families))";
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "Prometheus's parser refuses the metrics: {}", String::from_utf8_lossy(&output.stderr));
    let families: usize = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap();
    assert!(families >= 10, "{families} metric families");
}

#[tokio::test]
async fn log_lines_are_json_with_request_ids_and_no_secrets() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (server, password) = served(dir.path(), free_port()).await;
    let data = dir.path().to_str().unwrap();
    let token = pressroom_ok(&["token", "create", "--data", data, "--user", "admin@localhost", "--name", "logs", "--scope", "read_drafts"]);
    let token = token.split_whitespace().find(|w| w.starts_with("prt_")).expect("a token is printed").to_owned();

    // A request id from the load balancer is kept and answered; otherwise one is made.
    let client = reqwest::Client::new();
    let response = client.get(format!("{}/en/", server.base)).header("x-request-id", "lb-7f3a").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "lb-7f3a");
    let made = reqwest::get(format!("{}/en/news/", server.base)).await.unwrap();
    assert_eq!(made.headers()["x-request-id"].len(), 16);
    let refused = client.get(format!("{}/en/", server.base)).header("x-request-id", "a b\"c").send().await.unwrap();
    assert_ne!(refused.headers()["x-request-id"], "a b\"c", "an id that is not a plain token is replaced");

    // Secrets travel: a password (right and wrong), a session cookie, an API token, a preview link.
    let wrong = "a-wrong-password-that-must-not-be-logged";
    let signed_in = common::sign_in(&server.base, "admin@localhost", &password).await;
    let browser = common::browser();
    let form = browser.get(format!("{}/admin/login", server.base)).send().await.unwrap().text().await.unwrap();
    let login_csrf = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    browser
        .post(format!("{}/admin/login", server.base))
        .form(&[("email", "admin@localhost"), ("password", wrong), ("login_csrf", &login_csrf)])
        .send()
        .await
        .unwrap();
    let account = signed_in.get(format!("{}/admin/account", server.base)).send().await.unwrap().text().await.unwrap();
    let csrf = attributes(&account, "input[name=csrf]", "value").remove(0);
    let draft = signed_in
        .post(format!("{}/admin/articles", server.base))
        .form(&common::desk::article_fields(&csrf, "A draft to check", "Text."))
        .send()
        .await
        .unwrap();
    let draft = draft.headers()["location"].to_str().unwrap().split('?').next().unwrap().to_owned();
    let made = signed_in
        .post(format!("{}{draft}/previews", server.base))
        .form(&[("csrf", csrf.as_str()), ("hours", "1")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preview = attributes(&made, "#new-link", "value").pop();
    if let Some(link) = &preview {
        assert_eq!(reqwest::get(link).await.unwrap().status(), StatusCode::OK);
    }
    let api = client.get(format!("{}/api/v1/articles?status=draft", server.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let log = server.log_text();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("a JSON line ({e}): {line}")))
        .collect();
    assert!(lines.len() > 10, "{log}");
    let requests: Vec<&serde_json::Value> = lines.iter().filter(|l| l["fields"]["message"] == "request").collect();
    let from_balancer = requests.iter().find(|l| l["span"]["id"] == "lb-7f3a").expect("the request's line carries its id");
    assert_eq!(from_balancer["fields"]["route"], "/{lang}/");
    assert_eq!(from_balancer["fields"]["status"], 200);
    assert!(requests.iter().any(|l| l["fields"]["route"] == "/preview/{secret}"), "the preview's line names its route, not its address");
    let session = signed_in_cookie(&server, &password).await;
    let mut secrets = vec![password.as_str(), wrong, token.as_str(), csrf.as_str(), session.as_str()];
    let secret = preview.as_deref().and_then(|link| link.rsplit('/').next()).expect("a preview link was made").to_owned();
    secrets.push(&secret);
    for secret in secrets {
        assert!(!log.contains(secret), "a secret ({}…) is in the log:\n{log}", &secret[..6.min(secret.len())]);
    }
}

/// A session cookie's value, from a sign-in of its own.
async fn signed_in_cookie(server: &Server, password: &str) -> String {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = client.get(format!("{}/admin/login", server.base)).send().await.unwrap();
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let html = form.text().await.unwrap();
    let login_csrf = attributes(&html, "input[name=login_csrf]", "value").remove(0);
    let answer = client
        .post(format!("{}/admin/login", server.base))
        .header("cookie", cookie)
        .form(&[("email", "admin@localhost"), ("password", password), ("login_csrf", &login_csrf), ("next", "/admin/")])
        .send()
        .await
        .unwrap();
    let set = answer.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    set.iter()
        .find_map(|c| c.split(';').next().and_then(|kv| kv.split_once('=')).map(|(_, v)| v.to_owned()))
        .filter(|v| !v.is_empty())
        .expect("a session cookie")
}
