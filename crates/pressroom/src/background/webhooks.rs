//! Sends webhook deliveries. Every server runs this loop; a delivery is claimed by a
//! conditional update before it is sent, so one server sends it. The body is signed with the
//! webhook's secret — HMAC-SHA256 over `"{timestamp}.{body}"`, in the header
//! `Pressroom-Signature: t={timestamp},v1={hex}` — and a failure is retried after a pause that
//! doubles each time, until [`MAX_ATTEMPTS`]. Receivers are reached only through the outbound
//! guard (`pressroom_web::outbound`): no private, loopback or metadata address unless the
//! settings allow it.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use pressroom_store::{DueDelivery, Store};
use sha2::Sha256;
use tokio::sync::watch;

use pressroom_web::outbound::{system_lookup, GuardedResolver, OutboundPolicy};
use pressroom_web::WebConfig;

/// Attempts before a delivery is given up (with the standard 30 s pause, about two hours).
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed delivery is left to the server that claimed it.
const LEASE_SECONDS: i64 = 60;
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The signature header's value for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Starts the delivery loop: it wakes when the change feed moves (a change may have queued
/// deliveries) and every second for retries.
pub fn spawn(store: Store, config: Arc<WebConfig>, mut changes: watch::Receiver<i64>) {
    tokio::spawn(async move {
        // The client resolves names through the guard, and connects only to addresses it allowed;
        // no proxy from the environment, which would resolve names past it.
        let policy = Arc::new(std::sync::RwLock::new(OutboundPolicy::default()));
        let resolver = GuardedResolver::new(system_lookup(), policy.clone());
        let client = match reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .build()
        {
            Ok(client) => client,
            Err(err) => {
                tracing::error!(error = %err, "webhooks cannot be sent: the HTTP client did not start");
                return;
            }
        };
        loop {
            match OutboundPolicy::load(&store).await {
                Ok(current) => *policy.write().expect("the policy lock is never poisoned") = current,
                Err(err) => tracing::warn!(error = %err, "the outbound settings could not be read"),
            }
            let current = policy.read().expect("the policy lock is never poisoned").clone();
            if let Err(err) = send_due(&store, &client, &config, &current).await {
                tracing::warn!(error = %err, "webhook deliveries could not be read");
            }
            tokio::select! {
                changed = changes.changed() => if changed.is_err() { tokio::time::sleep(Duration::from_secs(1)).await },
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    });
}

async fn send_due(store: &Store, client: &reqwest::Client, config: &WebConfig, policy: &OutboundPolicy) -> pressroom_store::Result<()> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    for delivery in store.due_deliveries(now, 20).await? {
        if !store.claim_delivery(&delivery, now + LEASE_SECONDS).await? {
            continue;
        }
        let outcome = match policy.refusal(&delivery.url) {
            Some(why) => Err(format!("refused: {why}")),
            None => send(client, config, &delivery).await,
        };
        let attempt = delivery.attempts + 1;
        let (status, error) = match &outcome {
            Ok(status) if (200..300).contains(status) => (Some(*status), None),
            Ok(status) => (Some(*status), Some(format!("the receiver answered HTTP {status}"))),
            Err(err) => (None, Some(err.clone())),
        };
        let retry_at = match &error {
            Some(_) if attempt < MAX_ATTEMPTS => {
                let pause = config.webhook_retry.as_secs().max(1) as i64 * (1 << (attempt - 1).min(16));
                Some(time::OffsetDateTime::now_utc().unix_timestamp() + pause)
            }
            _ => None,
        };
        if let Some(error) = &error {
            tracing::info!(delivery = delivery.id, attempt, %error, retry = retry_at.is_some(), "a webhook delivery failed");
        }
        store.record_attempt(delivery.id, status, error.as_deref(), retry_at).await?;
    }
    Ok(())
}

/// Posts one delivery; the HTTP status, or why nothing was received.
async fn send(client: &reqwest::Client, config: &WebConfig, delivery: &DueDelivery) -> Result<u16, String> {
    let mut payload: serde_json::Value = serde_json::from_str(&delivery.payload).map_err(|e| format!("a damaged payload: {e}"))?;
    if let Some(path) = payload["article"]["path"].as_str() {
        payload["article"]["url"] = serde_json::Value::String(format!("{}{path}", config.base_url));
    }
    let body = payload.to_string();
    let timestamp = time::OffsetDateTime::now_utc().unix_timestamp();
    let response = client
        .post(&delivery.url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "Pressroom-Webhooks")
        .header("Pressroom-Event", &delivery.event)
        .header("Pressroom-Delivery", delivery.id.to_string())
        .header("Pressroom-Signature", signature(&delivery.secret, timestamp, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("could not be sent: {}", error_chain(&e)))?;
    Ok(response.status().as_u16())
}

/// An error with its causes, so that a refusal by the address guard is told in full.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}
