//! Several `pressroom serve` processes on one PostgreSQL database, as behind a load balancer:
//! what one process (or an import run from a third) changes, all serve within a second; a
//! scheduled item is published once; an outage of the database is survived. These tests run
//! when `PRESSROOM_TEST_POSTGRES` is set.

mod common;

use std::time::Duration;

use common::process::{pressroom_ok, within, Server};
use pressroom_store::testing::TempPostgres;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

async fn status(url: &str) -> u16 {
    reqwest::get(url).await.map_or(0, |r| r.status().as_u16())
}

async fn body(url: &str) -> String {
    match reqwest::get(url).await {
        Ok(response) => response.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

fn article(title: &str, slug: &str, date: &str, status: &str) -> String {
    format!(
        "---\ntitle: {title}\nlang: en\nsection: news\nslug: {slug}\ndate: {date}\ntranslation: {slug}\nstatus: {status}\n---\n\nBody.\n"
    )
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn two_servers_serve_what_a_third_process_imports() {
    let db = TempPostgres::required().await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    pressroom_ok(&["init", "--demo", "--data", &path("init"), "--database", db.url()]);
    let a = Server::start(&dir.path().join("a"), db.url()).await;
    let b = Server::start(&dir.path().join("b"), db.url()).await;
    for server in [&a, &b] {
        assert!(!body(&format!("{}/en/", server.base)).await.contains("Extraordinary session"));
    }

    let folder = dir.path().join("breaking");
    std::fs::create_dir_all(&folder).unwrap();
    let now = OffsetDateTime::now_utc();
    std::fs::write(
        folder.join("now.md"),
        article("Extraordinary session convened", "extraordinary-session", &now.format(&Rfc3339).unwrap(), "published"),
    )
    .unwrap();
    let due = (now + Duration::from_secs(4)).replace_nanosecond(0).unwrap();
    std::fs::write(
        folder.join("later.md"),
        article("Scheduled statement", "scheduled-statement", &due.format(&Rfc3339).unwrap(), "scheduled"),
    )
    .unwrap();
    pressroom_ok(&["import", "--data", &path("importer"), "--database", db.url(), folder.to_str().unwrap()]);

    for server in [&a, &b] {
        let home = format!("{}/en/", server.base);
        let seen = within(Duration::from_secs(1), || async { body(&home).await.contains("Extraordinary session convened") }).await;
        assert!(seen.is_some(), "{} did not show the import within a second", server.base);
        assert_eq!(status(&format!("{}/en/news/extraordinary-session", server.base)).await, 200);
        assert_eq!(status(&format!("{}/en/news/scheduled-statement", server.base)).await, 404, "not before its time");
        let search = format!("{}/en/search?q=extraordinary", server.base);
        let indexed = within(Duration::from_secs(1), || async { body(&search).await.contains("Extraordinary session convened") }).await;
        assert!(indexed.is_some(), "{}: the import did not reach its search index within a second", server.base);
    }

    let wait = (due - OffsetDateTime::now_utc()).unsigned_abs() + Duration::from_millis(1500);
    for server in [&a, &b] {
        let url = format!("{}/en/news/scheduled-statement", server.base);
        let live = within(wait, || async { status(&url).await == 200 }).await;
        assert!(live.is_some(), "{} did not publish the scheduled item on time:\n{}", server.base, server.log_text());
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(db.url()).await.unwrap();
    let (publications,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log l JOIN articles a ON l.target = 'article:' || CAST(a.id AS TEXT) \
         WHERE l.actor = 'scheduler' AND a.slug = 'scheduled-statement'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(publications, 1, "two servers, one publication");
    pool.close().await;
}

/// A TCP relay in front of PostgreSQL that the test can cut and restore, so that the database
/// goes away for the server under test and for nobody else.
struct Relay {
    port: u16,
    target: String,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: &str) -> Relay {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let relay = Relay { port, target: target.to_owned(), tasks: Default::default() };
        relay.up().await;
        relay
    }

    async fn up(&self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        let target = self.target.clone();
        let tasks = self.tasks.clone();
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let connection = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().unwrap().push(connection);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    /// Refuses new connections and cuts every open one.
    fn down(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn an_unreachable_database_answers_503_and_the_server_recovers() {
    let db = TempPostgres::required().await;
    let dir = tempfile::tempdir().unwrap();
    pressroom_ok(&["init", "--demo", "--data", dir.path().join("init").to_str().unwrap(), "--database", db.url()]);
    let (scheme_and_host, database) = db.url().rsplit_once('/').unwrap();
    let authority = scheme_and_host.rsplit_once('@').map_or(scheme_and_host.trim_start_matches("postgres://"), |(_, host)| host);
    let relay = Relay::start(authority).await;
    let user = scheme_and_host.trim_start_matches("postgres://").split_once('@').map_or("postgres", |(user, _)| user);
    let through_relay = format!("postgres://{user}@127.0.0.1:{}/{database}", relay.port);
    let server = Server::start(&dir.path().join("serve"), &through_relay).await;
    let news = format!("{}/en/news/", server.base);
    assert_eq!(status(&news).await, 200);

    relay.down();
    // A page already rendered is still served from memory; one that needs the database says
    // the site is briefly unavailable.
    assert_eq!(status(&news).await, 200);
    let uncached = format!("{}/en/archive/", server.base);
    for _ in 0..4 {
        let response = reqwest::get(&uncached).await.unwrap();
        assert_eq!(response.status().as_u16(), 503);
        let html = response.text().await.unwrap();
        assert!(html.contains("The site is temporarily unavailable"), "{html}");
        assert!(html.contains("Collective Security Treaty Organization"), "the outage page keeps the site's name and style");
    }
    relay.up().await;
    let back = within(Duration::from_secs(10), || async { status(&uncached).await == 200 }).await;
    assert!(back.is_some(), "the server did not recover:\n{}", server.log_text());
    let log = server.log_text();
    assert_eq!(log.matches("the database is unreachable").count(), 1, "logged once, not per request:\n{log}");
    assert_eq!(log.matches("the database is reachable again").count(), 1, "{log}");

    // Connections cut by the server side: no request fails with a 500, and service resumes.
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(db.url()).await.unwrap();
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()")
        .bind(database)
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let statuses = std::sync::Mutex::new(Vec::new());
    let recovered = within(Duration::from_secs(10), || async {
        let s = status(&news).await;
        statuses.lock().unwrap().push(s);
        s == 200
    })
    .await;
    let statuses = statuses.into_inner().unwrap();
    assert!(recovered.is_some() && !statuses.contains(&500), "statuses after pg_terminate_backend: {statuses:?}");
}

/// A rolling restart of two servers behind nginx under load: each is told to stop (SIGTERM),
/// finishes what it was doing, exits 0 and comes back, while nginx sends new requests to the
/// other; wrk sees no failed request. Needs nginx and wrk (`PRESSROOM_TEST_NGINX=1`; .ci/run
/// installs them) besides PostgreSQL.
#[tokio::test]
#[ignore = "needs PostgreSQL, nginx and wrk: set PRESSROOM_TEST_POSTGRES and PRESSROOM_TEST_NGINX=1, pass --include-ignored"]
async fn a_rolling_restart_behind_nginx_loses_no_request() {
    assert!(std::env::var("PRESSROOM_TEST_NGINX").is_ok_and(|v| v == "1"), "set PRESSROOM_TEST_NGINX=1 (nginx and wrk installed)");
    let db = TempPostgres::required().await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    pressroom_ok(&["init", "--demo", "--data", path("init").to_str().unwrap(), "--database", db.url()]);
    let (port_a, port_b, port_nginx) = (common::process::free_port(), common::process::free_port(), common::process::free_port());
    let mut servers = vec![
        ("a", port_a, Some(Server::start_with(&path("a"), db.url(), port_a, &[], &[]).await)),
        ("b", port_b, Some(Server::start_with(&path("b"), db.url(), port_b, &[], &[]).await)),
    ];

    let proxy = path("nginx");
    std::fs::create_dir_all(proxy.join("tmp")).unwrap();
    let config = format!(
        "worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\nevents {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {p}/tmp; proxy_temp_path {p}/tmp; fastcgi_temp_path {p}/tmp;\n  \
         uwsgi_temp_path {p}/tmp; scgi_temp_path {p}/tmp;\n  \
         upstream pressroom {{ server 127.0.0.1:{port_a} max_fails=0; server 127.0.0.1:{port_b} max_fails=0; keepalive 16; }}\n  \
         server {{\n    listen 127.0.0.1:{port_nginx};\n    location / {{\n      proxy_pass http://pressroom;\n      \
         proxy_http_version 1.1;\n      proxy_set_header Connection \"\";\n      proxy_next_upstream error timeout http_502 http_503;\n    }}\n  }}\n}}\n",
        p = proxy.display()
    );
    std::fs::write(proxy.join("nginx.conf"), config).unwrap();
    let _nginx = Nginx(
        std::process::Command::new("nginx")
            .args(["-p", proxy.to_str().unwrap(), "-c", proxy.join("nginx.conf").to_str().unwrap(), "-g", "daemon off;"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nginx runs"),
    );
    let front = format!("http://127.0.0.1:{port_nginx}/en/");
    assert!(within(Duration::from_secs(10), || async { status(&front).await == 200 }).await.is_some(), "nginx serves the site");

    let load = tokio::task::spawn_blocking(move || {
        std::process::Command::new("wrk").args(["-t2", "-c8", "-d12s", &front]).output().expect("wrk runs")
    });
    for (name, port, server) in &mut servers {
        tokio::time::sleep(Duration::from_secs(3)).await;
        let stopped = server.take().expect("the server runs");
        assert!(stopped.terminate().success(), "server {name} exits 0 on SIGTERM");
        *server = Some(Server::start_with(&path(name), db.url(), *port, &[], &[]).await);
    }
    let report = load.await.unwrap();
    let text = String::from_utf8_lossy(&report.stdout).into_owned();
    assert!(text.contains("Requests/sec"), "{text}");
    assert!(!text.contains("Non-2xx") && !text.contains("Socket errors"), "no request lost:\n{text}");
}

/// An nginx master process, told to quit (SIGQUIT, which takes its workers along) when dropped,
/// even when a test fails.
struct Nginx(std::process::Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill").args(["-QUIT", &self.0.id().to_string()]).status();
        let _ = self.0.wait();
    }
}

/// A rolling upgrade on one PostgreSQL: the new release's servers start at once and its
/// migrations run exactly once (one process holds the lock, the others then find nothing to do),
/// while a server of the previous release keeps serving, saving and answering ready on the
/// schema moved past it. The next release's migration is stood in for by what every migration
/// is allowed to do: a new table and a new column with a default.
#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn an_upgrade_migrates_once_while_the_previous_release_keeps_serving() {
    let db = TempPostgres::required().await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    let starting: Vec<_> = ["one", "two", "three"]
        .map(|name| {
            let (data, url) = (path(name), db.url().to_owned());
            std::thread::spawn(move || pressroom_ok(&["migrate", "--data", &data, "--database", &url]))
        })
        .into();
    let applied: usize = starting
        .into_iter()
        .map(|process| {
            let said = process.join().expect("every migrate process succeeds");
            said.split_whitespace().next().and_then(|n| n.parse::<usize>().ok()).unwrap_or_else(|| panic!("{said}"))
        })
        .sum();
    assert_eq!(applied, pressroom_store::LATEST_VERSION as usize, "each migration applied once among the three");

    pressroom_ok(&["init", "--demo", "--data", &path("init"), "--database", db.url()]);
    let token = common::process::editor_token(&dir.path().join("init"), db.url());
    let previous = Server::start(&dir.path().join("previous"), db.url()).await;
    let next = pressroom_store::LATEST_VERSION + 1;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(db.url()).await.unwrap();
    sqlx::raw_sql(&format!(
        "CREATE TABLE briefings (id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL); \
         ALTER TABLE articles ADD COLUMN reading_minutes BIGINT NOT NULL DEFAULT 0; \
         INSERT INTO schema_migrations (version, name, applied_at) VALUES ({next}, 'briefings', 0)"
    ))
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let ready: serde_json::Value = reqwest::get(format!("{}/readyz", previous.base)).await.unwrap().json().await.unwrap();
    assert_eq!((ready["status"].as_str(), ready["checks"]["schema"]["database"].as_i64()), (Some("ready"), Some(next)), "{ready}");
    let post = reqwest::Method::POST;
    let article = serde_json::json!({"lang": "en", "section": "news", "title": "Saved during the upgrade", "body": "Text."});
    let created = common::process::api(&previous, post.clone(), "/api/v1/articles", &token, article).await;
    let id = created["id"].as_i64().unwrap_or_else(|| panic!("the save is acknowledged: {created}"));
    common::process::api(&previous, post, &format!("/api/v1/articles/{id}/status"), &token, serde_json::json!({"action": "publish"})).await;
    let home = format!("{}/en/", previous.base);
    let shown = within(Duration::from_secs(2), || async { body(&home).await.contains("Saved during the upgrade") }).await;
    assert!(shown.is_some(), "the previous release serves what it saved:\n{}", previous.log_text());

    // The previous release itself is not started again on the newer schema: it says why.
    let refused = common::process::pressroom(&["migrate", "--data", &path("previous"), "--database", db.url()]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && said.contains(&next.to_string()), "{said}");
}
