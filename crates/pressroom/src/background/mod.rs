//! Work a server process does by itself, beside answering requests, all of it started here:
//! the search index follows the change feed ([`indexer`]), webhook deliveries are sent and
//! retried ([`webhooks`]), scheduled articles go live ([`scheduler`]), and the public record's
//! checkpoints are signed ([`record`]). Each runs in every
//! server process and is safe to run in several: the feed is read by each, a delivery or a
//! scheduled publication is claimed by one.

pub mod indexer;
mod record;
mod scheduler;
pub mod webhooks;

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use pressroom_record::LogKey;
use pressroom_search::SearchIndex;
use pressroom_store::Store;
use pressroom_web::WebConfig;
use tokio::sync::watch;

/// Starts all background work over `store`, woken by `changes`; returns the search index it
/// keeps current, for the web layer to search.
pub fn start(
    store: &Store,
    changes: &watch::Receiver<i64>,
    search_dir: &Path,
    config: Arc<WebConfig>,
    log_key: LogKey,
) -> anyhow::Result<Arc<SearchIndex>> {
    let (indexer, rebuild) = indexer::Indexer::open(search_dir).context("the search index could not be opened")?;
    let indexer = Arc::new(indexer);
    let search = indexer.index.clone();
    indexer::spawn(indexer, store.clone(), changes.clone(), rebuild);
    webhooks::spawn(store.clone(), config, changes.clone());
    scheduler::spawn(store.clone());
    record::spawn(store.clone(), changes.clone(), log_key);
    Ok(search)
}
