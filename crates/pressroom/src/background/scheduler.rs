//! Publishes scheduled articles when their time comes.

use std::time::Duration;

use pressroom_store::Store;
use time::OffsetDateTime;

const SCHEDULE_TICK: Duration = Duration::from_secs(1);

/// Publishes scheduled articles when their time comes, checking every second. Runs in every
/// server process; the store makes sure each article is published once.
pub fn spawn(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SCHEDULE_TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match store.publish_due(OffsetDateTime::now_utc().unix_timestamp()).await {
                Ok(published) if !published.is_empty() => tracing::info!(count = published.len(), "published scheduled articles"),
                Ok(_) => {}
                // The web layer reports an unreachable database; here it is enough to try again.
                Err(err) => tracing::debug!(error = %err, "the scheduler could not run"),
            }
        }
    });
}
