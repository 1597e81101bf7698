//! Signs the public record's checkpoints: soon after each change (a second's pause gathers a
//! burst of saves into one checkpoint), and every half minute in case a change on another
//! server was missed. Every server process runs it; the store lets one of them sign each size.

use std::time::Duration;

use pressroom_record::LogKey;
use pressroom_store::Store;
use tokio::sync::watch;

const GATHER: Duration = Duration::from_secs(1);
const AT_LEAST_EVERY: Duration = Duration::from_secs(30);

pub fn spawn(store: Store, mut changes: watch::Receiver<i64>, key: LogKey) {
    tokio::spawn(async move {
        loop {
            match store.sign_log(&key).await {
                Ok(Some(size)) => tracing::info!(size, "signed a checkpoint of the public record"),
                Ok(None) => {}
                Err(err) => tracing::warn!(error = %err, "the public record's checkpoint could not be signed"),
            }
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(AT_LEAST_EVERY) => {}
            }
            tokio::time::sleep(GATHER).await;
        }
    });
}
