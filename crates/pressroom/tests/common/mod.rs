//! A real site for tests: a SQLite file in a temporary directory, the demo content, and the
//! real router served on a loopback port.

#![allow(dead_code)] // each test binary uses a different part of this helper

pub mod desk;
pub mod process;

use pressroom::{app_state, open_site, web_config, SiteLocation};
use pressroom_store::testing::TempPostgres;
use pressroom_store::Store;
use reqwest::redirect::Policy;
use reqwest::StatusCode;

pub struct TestSite {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
    /// The PostgreSQL database of a site on that engine, dropped with the site.
    pub postgres: Option<TempPostgres>,
}

/// The engine a test site runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl TestSite {
    /// The demo site on SQLite.
    pub async fn demo() -> TestSite {
        TestSite::start(Engine::Sqlite, true, |_| {}).await.expect("SQLite is always available")
    }

    /// The demo site on `engine`; `None` for PostgreSQL when `PRESSROOM_TEST_POSTGRES` is not set.
    pub async fn demo_on(engine: Engine) -> Option<TestSite> {
        TestSite::start(engine, true, |_| {}).await
    }

    /// Starts a site; `prepare` may write files (a theme) into the data directory first.
    pub async fn start(engine: Engine, demo: bool, prepare: impl FnOnce(&std::path::Path)) -> Option<TestSite> {
        TestSite::start_configured(engine, demo, prepare, |_| {}).await
    }

    /// Starts a site with settings changed by `configure` (shorter retry pauses, say).
    pub async fn start_configured(
        engine: Engine,
        demo: bool,
        prepare: impl FnOnce(&std::path::Path),
        configure: impl FnOnce(&mut pressroom_web::WebConfig),
    ) -> Option<TestSite> {
        let postgres = match engine {
            Engine::Sqlite => None,
            Engine::Postgres => Some(TempPostgres::from_env().await?),
        };
        let dir = tempfile::tempdir().expect("a temporary directory");
        prepare(dir.path());
        let location = SiteLocation {
            data: dir.path().to_owned(),
            database: postgres.as_ref().map(|db| db.url().to_owned()),
            ..SiteLocation::default()
        };
        let (store, _) = open_site(&location, demo).await.expect("the site opens");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        let mut config = web_config(&location, &base).unwrap();
        // A test calls from one address as fast as it can: the limits meant for the public are
        // off unless a test turns them on (tests/hardening.rs does).
        config.rate_limits = pressroom_web::limits::RateLimits { search: 0, api: 0, preview: 0 };
        configure(&mut config);
        let state = app_state(store.clone(), &location, config).await.expect("the state builds");
        let search = state.search.clone();
        let app = pressroom_web::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await });
        // The search index of a new site is built in the background while it serves; tests of
        // the demo content start once it is there.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while demo && search.is_empty() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let client = reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).build().expect("a client");
        Some(TestSite { dir, base, store, client, postgres })
    }

    /// Runs SQL directly on the site's database, for what a test must arrange behind the
    /// program's back (an expired session, a damaged row).
    pub async fn execute(&self, sql: &str) {
        let url = match &self.postgres {
            Some(db) => db.url().to_owned(),
            None => format!("sqlite://{}", self.dir.path().join("pressroom.db").display()),
        };
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&url).await.expect("the test database opens");
        sqlx::query(sql).execute(&pool).await.expect("the SQL runs");
        pool.close().await;
    }

    /// Announces a change made with [`TestSite::execute`], as every write of the program does,
    /// so that the servers' caches follow it; returns once they have.
    pub async fn announce_change(&self) {
        self.execute("INSERT INTO changes (at, kind) VALUES (2000000000, 'test')").await;
        if self.postgres.is_some() {
            self.execute("SELECT pg_notify('pressroom_changes', '')").await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(format!("{}{path}", self.base)).send().await.expect("the server answers")
    }

    /// The status and body of `path`.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("a text body"))
    }

    /// The body of a page that must answer 200.
    pub async fn ok(&self, path: &str) -> String {
        let (status, body) = self.page(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}");
        body
    }
}

/// Texts of the elements `selector` matches.
pub fn texts(html: &str, selector: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("a valid selector");
    document.select(&selector).map(|e| e.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")).collect()
}

/// Values of `attribute` on the elements `selector` matches.
pub fn attributes(html: &str, selector: &str, attribute: &str) -> Vec<String> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(selector).expect("a valid selector");
    document.select(&selector).filter_map(|e| e.value().attr(attribute).map(str::to_owned)).collect()
}

/// Why a PostgreSQL test failed to start.
pub const NEEDS_POSTGRES: &str =
    "this test needs a PostgreSQL server: set PRESSROOM_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test";

/// Runs each listed `async fn(TestSite)` as a test on SQLite and as a second test on
/// PostgreSQL, ignored unless asked for (`--include-ignored`, with `PRESSROOM_TEST_POSTGRES`).
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let site = $crate::common::TestSite::demo_on($crate::common::Engine::Sqlite).await.expect("SQLite is always available");
                    super::$name(site).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
                async fn $name() {
                    let site = $crate::common::TestSite::demo_on($crate::common::Engine::Postgres).await;
                    super::$name(site.expect($crate::common::NEEDS_POSTGRES)).await;
                }
            )*
        }
    };
}

/// Like [`on_both_engines!`], with webhook retries after one second instead of thirty.
#[macro_export]
macro_rules! on_both_engines_configured {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let site = $crate::common::TestSite::start_configured($crate::common::Engine::Sqlite, true, |_| {}, $crate::common::quick_retries)
                        .await
                        .expect("SQLite is always available");
                    super::$name(site).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
                async fn $name() {
                    let site = $crate::common::TestSite::start_configured($crate::common::Engine::Postgres, true, |_| {}, $crate::common::quick_retries).await;
                    super::$name(site.expect($crate::common::NEEDS_POSTGRES)).await;
                }
            )*
        }
    };
}

pub fn quick_retries(config: &mut pressroom_web::WebConfig) {
    config.webhook_retry = std::time::Duration::from_secs(1);
}

/// A browser of its own, reading English, with its own cookies, not following redirects.
pub fn browser() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("accept-language", "en".parse().expect("a valid header"));
    reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).default_headers(headers).build().expect("a client")
}

/// A browser signed in to the back office at `base`.
pub async fn sign_in(base: &str, email: &str, password: &str) -> reqwest::Client {
    let client = browser();
    let form = client.get(format!("{base}/admin/login")).send().await.expect("the sign-in page").text().await.expect("a body");
    let login_csrf = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    let response = client
        .post(format!("{base}/admin/login"))
        .form(&[("email", email), ("password", password), ("login_csrf", &login_csrf), ("next", "/admin/")])
        .send()
        .await
        .expect("the sign-in answers");
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{email} signs in");
    client
}

/// The password of the accounts the tests make.
pub const PASSWORD: &str = "a long enough password";

/// A user with `role` (made with [`PASSWORD`] unless they exist) and a new API token for them
/// with `scopes`; returns the token.
pub async fn token_for(site: &TestSite, email: &str, role: pressroom_domain::Role, scopes: &[pressroom_domain::Scope]) -> String {
    let system = pressroom_store::Actor::system("test");
    let user = match site.store.user_by_email(email).await.expect("the user is read") {
        Some(user) => user.id,
        None => {
            let hash = pressroom_web::auth::hash_password(PASSWORD);
            site.store.create_user(email, email, role, &hash, &system).await.expect("the user is made")
        }
    };
    let token = pressroom_web::admin::tokens::generate_token();
    let hash = pressroom_web::auth::hash_token(&token);
    site.store.create_token(user, &pressroom_domain::scope_list(scopes), &hash, scopes, &system).await.expect("the token is made");
    token
}
