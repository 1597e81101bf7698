//! Support for tests that need a database of their own: a fresh PostgreSQL database per test,
//! so that tests run in parallel without seeing each other, dropped when the test ends.

use sqlx::{AnyPool, Executor};

use crate::Result;

pub struct TempPostgres {
    admin_url: String,
    url: String,
    name: String,
}

impl TempPostgres {
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

    /// Drops the database, closing whatever connections are left.
    pub async fn drop(self) -> Result<()> {
        let admin = AnyPool::connect(&self.admin_url).await?;
        admin.execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str()).await?;
        admin.close().await;
        Ok(())
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    u64::from(nanos) * 1000 + NEXT.fetch_add(1, Ordering::Relaxed)
}
