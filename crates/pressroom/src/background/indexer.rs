//! Keeps this process's search index following the content: it reads the change feed from the
//! last change it indexed (kept in the index folder) and updates the articles concerned,
//! whichever process made the change. A missing or unreadable index is rebuilt from the
//! database in the background while the site keeps serving.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use pressroom_domain::{Article, ArticleId};
use pressroom_search::SearchIndex;
use pressroom_store::{ChangeReach, Store, StoreError};
use tokio::sync::watch;

const POSITION_FILE: &str = "pressroom-position";
const BATCH: i64 = 500;

/// The index with where it stands in the change feed.
pub struct Indexer {
    pub index: Arc<SearchIndex>,
    dir: PathBuf,
}

impl Indexer {
    /// Opens the index in `dir`, or an empty new one when it is missing or unreadable (then
    /// `needs_rebuild` is true).
    pub fn open(dir: &Path) -> Result<(Indexer, bool), pressroom_search::SearchError> {
        let position = std::fs::read_to_string(dir.join(POSITION_FILE)).ok().and_then(|p| p.trim().parse::<i64>().ok());
        let (index, rebuild) = match (SearchIndex::open(dir), position) {
            (Ok(index), Some(_)) => (index, false),
            (Ok(_), None) | (Err(_), _) => (SearchIndex::recreate(dir)?, true),
        };
        Ok((Indexer { index: Arc::new(index), dir: dir.to_owned() }, rebuild))
    }

    fn position(&self) -> i64 {
        std::fs::read_to_string(self.dir.join(POSITION_FILE)).ok().and_then(|p| p.trim().parse().ok()).unwrap_or(0)
    }

    fn set_position(&self, id: i64) -> std::io::Result<()> {
        let tmp = self.dir.join(format!("{POSITION_FILE}.tmp"));
        std::fs::write(&tmp, id.to_string())?;
        std::fs::rename(tmp, self.dir.join(POSITION_FILE))
    }

    /// Rebuilds the whole index from the database; `progress` hears the total, then each article.
    pub async fn rebuild(&self, store: &Store, progress: &(dyn Fn(Option<u64>) + Sync)) -> Result<u64, String> {
        // The feed position is taken first: changes made during the rebuild are applied after it.
        let start = store.latest_change().await.map_err(|e| e.to_string())?;
        progress(Some(store.count_published().await.map_err(|e| e.to_string())?.max(0) as u64));
        self.index.clear().map_err(|e| e.to_string())?;
        let mut after = ArticleId(0);
        let mut count = 0;
        loop {
            let batch = store.published_batch(after, BATCH).await.map_err(|e| e.to_string())?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            for article in &batch {
                let attached = attached_text(store, article).await.map_err(|e| e.to_string())?;
                self.index.update(article, &attached).map_err(|e| e.to_string())?;
                progress(None);
                count += 1;
            }
        }
        self.index.commit().map_err(|e| e.to_string())?;
        self.index.merge_segments().map_err(|e| e.to_string())?;
        self.set_position(start).map_err(|e| e.to_string())?;
        Ok(count)
    }

    /// Applies every change after the last one indexed.
    pub async fn catch_up(&self, store: &Store) -> Result<usize, StoreError> {
        let mut applied = 0;
        loop {
            let changes = store.changes_since(self.position(), BATCH).await?;
            let Some(last) = changes.last().map(|change| change.id) else { return Ok(applied) };
            // The index holds published articles only: a change no reader sees leaves it as it is.
            let mut ids: Vec<i64> =
                changes.iter().filter(|change| change.reach != ChangeReach::Hidden).filter_map(|change| change.article_id).collect();
            ids.sort_unstable();
            ids.dedup();
            for id in ids {
                match store.article(ArticleId(id)).await {
                    Ok(article) => {
                        let attached = attached_text(store, &article).await?;
                        self.index.update(&article, &attached).map_err(|e| StoreError::Invalid(e.to_string()))?
                    }
                    Err(StoreError::NotFound) => self.index.remove(id),
                    Err(other) => return Err(other),
                }
                applied += 1;
            }
            self.index.commit().map_err(|e| StoreError::Invalid(e.to_string()))?;
            self.set_position(last).map_err(|e| StoreError::Invalid(e.to_string()))?;
        }
    }
}

/// The text of a document's attached files (its PDFs), searched with it; other items' files
/// are not read.
async fn attached_text(store: &Store, article: &Article) -> Result<String, StoreError> {
    match article.document {
        Some(_) => store.attachment_text(article.id.0).await,
        None => Ok(String::new()),
    }
}

/// Runs the indexer for the life of the process: a rebuild first when needed, then a catch-up
/// whenever the change feed moves (and every few seconds, in case a signal was missed).
pub fn spawn(indexer: Arc<Indexer>, store: Store, mut changes: watch::Receiver<i64>, rebuild: bool) {
    tokio::spawn(async move {
        if rebuild {
            match indexer.rebuild(&store, &|_| {}).await {
                Ok(count) => tracing::info!(count, "search index rebuilt"),
                Err(err) => tracing::error!(error = %err, "the search index could not be rebuilt"),
            }
        }
        loop {
            if let Err(err) = indexer.catch_up(&store).await {
                tracing::debug!(error = %err, "the search index could not catch up yet");
            }
            let _ = tokio::time::timeout(Duration::from_secs(5), changes.changed()).await;
        }
    });
}
