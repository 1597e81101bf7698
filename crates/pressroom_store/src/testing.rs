//! Support for tests that need a database of their own: a fresh PostgreSQL database per test,
//! so that tests run in parallel without seeing each other, dropped when the value is dropped.

use sqlx::{AnyPool, Executor};

use crate::Result;

/// The variable naming the PostgreSQL server tests may create databases on.
pub const POSTGRES_ENV: &str = "PRESSROOM_TEST_POSTGRES";

pub struct TempPostgres {
    admin_url: String,
    url: String,
    name: String,
}

impl TempPostgres {
    /// A new empty database on the server named by `PRESSROOM_TEST_POSTGRES`, or `None` when
    /// the variable is not set.
    pub async fn from_env() -> Option<TempPostgres> {
        let admin_url = std::env::var(POSTGRES_ENV).ok()?;
        Some(TempPostgres::create(&admin_url).await.expect("PRESSROOM_TEST_POSTGRES names a server where databases can be created"))
    }

    /// A new empty database on the server named by `PRESSROOM_TEST_POSTGRES`, for a test that
    /// only makes sense there (marked `#[ignore]`, run with `--include-ignored`): without the
    /// variable it fails, rather than passing without having run.
    pub async fn required() -> TempPostgres {
        match TempPostgres::from_env().await {
            Some(db) => db,
            None => panic!("this test needs a PostgreSQL server: set {POSTGRES_ENV}, e.g. postgres://postgres@127.0.0.1:5432/test"),
        }
    }

    /// Creates an empty database on the server of `admin_url`.
    pub async fn create(admin_url: &str) -> Result<TempPostgres> {
        sqlx::any::install_default_drivers();
        let name = format!("pressroom_test_{}_{}", std::process::id(), unique());
        let admin = AnyPool::connect(admin_url).await?;
        admin.execute(format!("CREATE DATABASE {name}").as_str()).await?;
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
        Ok(TempPostgres { admin_url: admin_url.to_owned(), url: format!("{base}/{name}"), name })
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TempPostgres {
    /// Drops the database, closing whatever connections are left. Runs on a thread of its own
    /// because a test's runtime may be shutting down when this is dropped.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let admin = AnyPool::connect(&admin_url).await.ok()?;
                let result = admin.execute(sql.as_str()).await;
                admin.close().await;
                result.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("could not drop the test database {}", self.name);
        }
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    u64::from(nanos) * 1000 + NEXT.fetch_add(1, Ordering::Relaxed)
}
