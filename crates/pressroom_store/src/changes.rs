//! Following the change feed, so that every process learns of every committed change: on
//! PostgreSQL by LISTEN/NOTIFY (sent at commit by [`crate::WriteTx::record_change`]), on SQLite by
//! reading the feed's last id a few times a second — one indexed lookup, not a reload.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::{Engine, Result, Store, CHANGES_CHANNEL};

const SQLITE_POLL: Duration = Duration::from_millis(200);
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

impl Store {
    /// The id of the latest change committed by any process (0 when there is none).
    pub async fn latest_change(&self) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM changes").fetch_one(&self.pool).await?;
        Ok(id)
    }

    /// A receiver that always holds the latest change id, updated in the background for as long
    /// as any receiver is alive.
    pub async fn follow_changes(&self) -> Result<watch::Receiver<i64>> {
        let (sender, receiver) = watch::channel(self.latest_change().await?);
        let store = self.clone();
        match self.engine {
            Engine::Sqlite => {
                tokio::spawn(async move {
                    let mut tick = tokio::time::interval(SQLITE_POLL);
                    loop {
                        tokio::select! {
                            _ = tick.tick() => store.publish_latest(&sender).await,
                            () = sender.closed() => break,
                        }
                    }
                });
            }
            Engine::Postgres => {
                tokio::spawn(async move {
                    tokio::select! {
                        () = store.listen(&sender) => {},
                        () = sender.closed() => {},
                    }
                });
            }
        }
        Ok(receiver)
    }

    async fn publish_latest(&self, sender: &watch::Sender<i64>) {
        if let Ok(latest) = self.latest_change().await {
            sender.send_if_modified(|current| {
                let newer = latest > *current;
                if newer {
                    *current = latest;
                }
                newer
            });
        }
    }

    /// Listens for notifications, reconnecting when the connection is lost; after every
    /// notification or reconnection it reads the feed's last id, so a notification missed while
    /// disconnected is never a change missed.
    async fn listen(&self, sender: &watch::Sender<i64>) {
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
            self.publish_latest(sender).await;
            loop {
                match listener.try_recv().await {
                    Ok(_) => self.publish_latest(sender).await,
                    Err(_) => {
                        tokio::time::sleep(RECONNECT_PAUSE).await;
                        break;
                    }
                }
            }
        }
    }
}
