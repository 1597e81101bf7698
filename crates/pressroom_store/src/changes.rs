//! Following the change feed, so that every process learns of every committed change: on
//! PostgreSQL by LISTEN/NOTIFY (sent at commit by [`crate::WriteTx::record_change`]), on SQLite by
//! reading the feed's last id a few times a second — one indexed lookup, not a reload.

use std::time::Duration;

use sqlx::postgres::PgListener;
use std::sync::atomic::Ordering;

use tokio::sync::watch;

use crate::{announce, Engine, Result, Store, CHANGES_CHANNEL};

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub article_id: Option<i64>,
    pub reach: ChangeReach,
}

/// Which public pages a change may alter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeReach {
    /// None: the article was not published before the change and is not after it.
    Hidden,
    /// The pages of the article's language, the item's pages in its other languages, and the
    /// pages that are not in one language (the sitemap, the API).
    Item { lang: String, translation_key: String },
    /// Any page.
    Everything,
}

impl ChangeReach {
    /// A change's reach from its row: not public is hidden; an item's language and key narrow
    /// it; anything less (a change to sections, settings or media, or a row missing either)
    /// reaches every page, so a doubt always drops more pages, never fewer.
    pub fn from_columns(public: i64, lang: Option<String>, translation_key: Option<String>) -> ChangeReach {
        match (public != 0, lang, translation_key) {
            (false, _, _) => ChangeReach::Hidden,
            (true, Some(lang), Some(translation_key)) => ChangeReach::Item { lang, translation_key },
            (true, _, _) => ChangeReach::Everything,
        }
    }
}

/// What a writer knows of the article it changed, recorded with the change.
#[derive(Debug, Clone)]
pub(crate) struct ArticleReach {
    pub public: bool,
    pub lang: Option<String>,
    pub translation_key: Option<String>,
}

impl ArticleReach {
    /// An article of item `translation_key` in `lang`, published before the change or after it
    /// when `public`.
    pub fn new(public: bool, lang: &str, translation_key: &str) -> ArticleReach {
        ArticleReach { public, lang: Some(lang.to_owned()), translation_key: Some(translation_key.to_owned()) }
    }

    /// A change that moved an article between languages or items: its old pages and its new
    /// ones may both differ, so any page may.
    pub fn moved() -> ArticleReach {
        ArticleReach { public: true, lang: None, translation_key: None }
    }
}

const SQLITE_POLL: Duration = Duration::from_millis(200);
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

impl Store {
    /// The id of the latest change committed by any process (0 when there is none).
    pub async fn latest_change(&self) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM changes").fetch_one(&self.pool).await?;
        Ok(id)
    }

    /// When change `id` was committed, in Unix seconds; the latest change's time when `id` is
    /// unknown, and 0 for an empty feed.
    pub async fn change_time(&self, id: i64) -> Result<i64> {
        let (at,): (i64,) =
            sqlx::query_as("SELECT COALESCE((SELECT at FROM changes WHERE id = $1), (SELECT at FROM changes ORDER BY id DESC LIMIT 1), 0)")
                .bind(id)
                .fetch_one(&self.pool)
                .await?;
        Ok(at)
    }

    /// Changes after `after`, oldest first, at most `limit`.
    pub async fn changes_since(&self, after: i64, limit: i64) -> Result<Vec<Change>> {
        let rows: Vec<(i64, Option<i64>, i64, Option<String>, Option<String>)> =
            sqlx::query_as("SELECT id, article_id, public, lang, translation_key FROM changes WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, article_id, public, lang, translation_key)| Change {
                id,
                article_id,
                reach: ChangeReach::from_columns(public, lang, translation_key),
            })
            .collect())
    }

    /// A receiver that always holds the latest change id: this process's own commits arrive at
    /// once, other processes' through a follower started on the first call, which runs for the
    /// life of the runtime.
    pub async fn follow_changes(&self) -> Result<watch::Receiver<i64>> {
        announce(&self.changes, self.latest_change().await?);
        if !self.following.swap(true, Ordering::SeqCst) {
            let store = self.clone();
            match self.engine {
                Engine::Sqlite => {
                    tokio::spawn(async move {
                        let mut tick = tokio::time::interval(SQLITE_POLL);
                        loop {
                            tick.tick().await;
                            store.publish_latest().await;
                        }
                    });
                }
                Engine::Postgres => {
                    tokio::spawn(async move { store.listen().await });
                }
            }
        }
        Ok(self.changes.subscribe())
    }

    async fn publish_latest(&self) {
        if let Ok(latest) = self.latest_change().await {
            announce(&self.changes, latest);
        }
    }

    /// Listens for notifications, reconnecting when the connection is lost; after every
    /// notification or reconnection it reads the feed's last id, so a notification missed while
    /// disconnected is never a change missed.
    async fn listen(&self) {
        loop {
            let mut listener = match PgListener::connect(&self.url).await {
                Ok(listener) => listener,
                Err(_) => {
                    tokio::time::sleep(RECONNECT_PAUSE).await;
                    continue;
                }
            };
            if listener.listen(CHANGES_CHANNEL).await.is_err() {
                tokio::time::sleep(RECONNECT_PAUSE).await;
                continue;
            }
            self.publish_latest().await;
            loop {
                match listener.try_recv().await {
                    Ok(_) => self.publish_latest().await,
                    Err(_) => {
                        tokio::time::sleep(RECONNECT_PAUSE).await;
                        break;
                    }
                }
            }
        }
    }
}
