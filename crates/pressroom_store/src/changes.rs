//! Following the change feed, so that every process learns of every committed change: on
//! PostgreSQL by LISTEN/NOTIFY (sent at commit by [`crate::WriteTx::record_change`]), on SQLite by
//! reading the feed's last id a few times a second — one indexed lookup, not a reload.

use std::time::Duration;

use sqlx::postgres::PgListener;
use std::sync::atomic::Ordering;

use tokio::sync::watch;

use crate::{announce, Engine, Result, Store, CHANGES_CHANNEL};

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

    /// Changes after `after`, oldest first, at most `limit`: (change id, article id if any).
    pub async fn changes_since(&self, after: i64, limit: i64) -> Result<Vec<(i64, Option<i64>)>> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as("SELECT id, article_id FROM changes WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows)
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
