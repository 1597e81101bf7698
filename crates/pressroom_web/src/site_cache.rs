//! The site (languages, sections, names) kept in memory and reloaded only when the change feed
//! says something changed, in this process or any other; and the database's health, so that an
//! outage is logged once when it starts and once when it ends, not on every request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use pressroom_domain::Site;
use pressroom_store::{Store, StoreError};
use tokio::sync::watch;

pub struct SiteCache {
    changes: watch::Receiver<i64>,
    cached: RwLock<Option<Snapshot>>,
}

/// The site as of one change of the feed, and when that change was made.
#[derive(Clone)]
struct Snapshot {
    change: i64,
    site: Arc<Site>,
    /// Unix seconds: every public page is at most this new, hence its `Last-Modified`.
    changed_at: i64,
}

impl SiteCache {
    pub fn new(changes: watch::Receiver<i64>) -> SiteCache {
        SiteCache { changes, cached: RwLock::new(None) }
    }

    /// The current site, from memory unless a change was committed since it was loaded.
    pub async fn get(&self, store: &Store) -> Result<Arc<Site>, StoreError> {
        Ok(self.snapshot(store).await?.site)
    }

    /// When the latest change to the site's content was committed, in Unix seconds.
    pub async fn last_modified(&self, store: &Store) -> Result<i64, StoreError> {
        Ok(self.snapshot(store).await?.changed_at)
    }

    async fn snapshot(&self, store: &Store) -> Result<Snapshot, StoreError> {
        let current = *self.changes.borrow();
        if let Some(snapshot) = self.cached.read().expect("the site cache lock is never poisoned").as_ref() {
            if snapshot.change == current {
                return Ok(snapshot.clone());
            }
        }
        let site = Arc::new(store.site().await?);
        let changed_at = store.change_time(current).await?;
        let snapshot = Snapshot { change: current, site, changed_at };
        *self.cached.write().expect("the site cache lock is never poisoned") = Some(snapshot.clone());
        Ok(snapshot)
    }

    /// The last site loaded, however old: enough to render an error page while the database
    /// is away.
    pub fn last_known(&self) -> Option<Arc<Site>> {
        self.cached.read().expect("the site cache lock is never poisoned").as_ref().map(|s| s.site.clone())
    }

    /// The latest change this process knows of.
    pub fn current_change(&self) -> i64 {
        *self.changes.borrow()
    }

    /// A receiver of the change feed, for whatever else must follow it.
    pub fn changes(&self) -> watch::Receiver<i64> {
        self.changes.clone()
    }
}

/// Whether the database was last seen unreachable.
#[derive(Default)]
pub struct DbHealth {
    down: AtomicBool,
}

impl DbHealth {
    pub fn unreachable(&self, cause: &str) {
        if !self.down.swap(true, Ordering::Relaxed) {
            tracing::error!(%cause, "the database is unreachable; pages that need it answer 503 until it returns");
        }
    }

    pub fn reachable(&self) {
        if self.down.load(Ordering::Relaxed) && self.down.swap(false, Ordering::Relaxed) {
            tracing::info!("the database is reachable again");
        }
    }
}
