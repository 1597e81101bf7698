//! Webhooks: addresses told when an article is published, updated or withdrawn. A delivery is
//! written in the same transaction as the change it reports, so none is lost and none is sent
//! for a change that did not commit; servers then claim and send them (see `pressroom_web`).

use pressroom_domain::Status;

use crate::{audit, now, Actor, Result, Store, StoreError, WriteTx};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookEvent {
    /// An article went live: published by an editor or by its schedule.
    Publish,
    /// A live article was edited.
    Update,
    /// A live article was withdrawn: unpublished, archived or deleted.
    Unpublish,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 3] = [WebhookEvent::Publish, WebhookEvent::Update, WebhookEvent::Unpublish];

    pub fn as_str(self) -> &'static str {
        match self {
            WebhookEvent::Publish => "publish",
            WebhookEvent::Update => "update",
            WebhookEvent::Unpublish => "unpublish",
        }
    }

    pub fn parse(s: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// What moving an article from `from` to `to` tells the outside world, if anything.
    pub fn of_transition(from: Status, to: Status) -> Option<WebhookEvent> {
        match (from == Status::Published, to == Status::Published) {
            (false, true) => Some(WebhookEvent::Publish),
            (true, false) => Some(WebhookEvent::Unpublish),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: i64,
    pub url: String,
    /// The HMAC key deliveries are signed with.
    pub secret: String,
    pub events: Vec<WebhookEvent>,
    pub created_at: i64,
}

/// A delivery as admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub next_attempt_at: i64,
}

/// A delivery waiting to be sent, with what sending needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
}

type DeliveryRow = (i64, i64, String, String, i64, Option<i64>, Option<String>, i64, i64);

fn events_of(text: &str) -> Vec<WebhookEvent> {
    text.split(',').filter_map(WebhookEvent::parse).collect()
}

/// Queues `event` about `article_id` for every webhook that listens to it. Call it inside the
/// change's transaction, while the article is still readable (before a delete).
pub(crate) async fn queue_deliveries(w: &mut WriteTx<'_>, event: WebhookEvent, article_id: i64) -> Result<()> {
    let hooks: Vec<(i64, String)> = sqlx::query_as("SELECT id, events FROM webhooks").fetch_all(&mut *w.tx).await?;
    let listening: Vec<i64> = hooks.into_iter().filter(|(_, events)| events_of(events).contains(&event)).map(|(id, _)| id).collect();
    if listening.is_empty() {
        return Ok(());
    }
    let article: Option<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT a.lang, s.key, a.slug, a.title, a.translation_key, a.published_at \
         FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = $1",
    )
    .bind(article_id)
    .fetch_optional(&mut *w.tx)
    .await?;
    let (lang, section, slug, title, translation_key, published_at) = article.ok_or(StoreError::NotFound)?;
    let now = now();
    let payload = serde_json::json!({
        "event": event.as_str(),
        "occurred_at": now,
        "article": {
            "id": article_id,
            "lang": lang,
            "section": section,
            "slug": slug,
            "title": title,
            "translation_key": translation_key,
            "published_at": published_at,
            "path": format!("/{lang}/{section}/{slug}"),
        },
    })
    .to_string();
    for webhook in listening {
        sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, event, payload, state, attempts, next_attempt_at, created_at) \
             VALUES ($1, $2, $3, 'pending', 0, $4, $4)",
        )
        .bind(webhook)
        .bind(event.as_str())
        .bind(&payload)
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
    }
    Ok(())
}

impl Store {
    pub async fn create_webhook(&self, url: &str, secret: &str, events: &[WebhookEvent], actor: &Actor) -> Result<i64> {
        let events = events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",");
        let mut w = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as("INSERT INTO webhooks (url, secret, events, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(url)
            .bind(secret)
            .bind(&events)
            .bind(now())
            .fetch_one(&mut *w.tx)
            .await?;
        audit(&mut w.tx, actor, "webhook.create", &format!("webhook:{id}"), &format!("{url} ({events})")).await?;
        w.commit().await?;
        Ok(id)
    }

    pub async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let rows: Vec<(i64, String, String, String, i64)> =
            sqlx::query_as("SELECT id, url, secret, events, created_at FROM webhooks ORDER BY id").fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(id, url, secret, events, created_at)| Webhook { id, url, secret, events: events_of(&events), created_at })
            .collect())
    }

    /// Removes a webhook and its delivery record.
    pub async fn delete_webhook(&self, id: i64, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1").bind(id).execute(&mut *w.tx).await?;
        let done = sqlx::query("DELETE FROM webhooks WHERE id = $1").bind(id).execute(&mut *w.tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&mut w.tx, actor, "webhook.delete", &format!("webhook:{id}"), "").await?;
        w.commit().await?;
        Ok(())
    }

    /// The latest deliveries, newest first.
    pub async fn deliveries(&self, limit: i64) -> Result<Vec<Delivery>> {
        let rows: Vec<DeliveryRow> = sqlx::query_as(
            "SELECT id, webhook_id, event, state, attempts, last_status, last_error, created_at, next_attempt_at \
             FROM webhook_deliveries ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, webhook_id, event, state, attempts, last_status, last_error, created_at, next_attempt_at)| Delivery {
                id,
                webhook_id,
                event,
                state,
                attempts,
                last_status,
                last_error,
                created_at,
                next_attempt_at,
            })
            .collect())
    }

    /// Pending deliveries whose time has come, oldest first.
    pub async fn due_deliveries(&self, now: i64, limit: i64) -> Result<Vec<DueDelivery>> {
        let rows: Vec<(i64, String, String, String, String, i64, i64)> = sqlx::query_as(
            "SELECT d.id, w.url, w.secret, d.event, d.payload, d.attempts, d.next_attempt_at \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.state = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, url, secret, event, payload, attempts, next_attempt_at)| DueDelivery {
                id,
                url,
                secret,
                event,
                payload,
                attempts,
                next_attempt_at,
            })
            .collect())
    }

    /// Takes a due delivery for this process until `lease_until`; `false` when another server
    /// took it first. A server that dies while sending leaves it to be retried after the lease.
    pub async fn claim_delivery(&self, delivery: &DueDelivery, lease_until: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = $1 \
             WHERE id = $2 AND state = 'pending' AND attempts = $3 AND next_attempt_at = $4",
        )
        .bind(lease_until)
        .bind(delivery.id)
        .bind(delivery.attempts)
        .bind(delivery.next_attempt_at)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records one attempt: delivered, or failed with the next try at `retry_at` (`None`: given
    /// up).
    pub async fn record_attempt(&self, id: i64, status: Option<u16>, error: Option<&str>, retry_at: Option<i64>) -> Result<()> {
        let delivered = error.is_none();
        let state = match (delivered, retry_at) {
            (true, _) => "delivered",
            (false, Some(_)) => "pending",
            (false, None) => "failed",
        };
        let now = now();
        sqlx::query(
            "UPDATE webhook_deliveries SET state = $1, attempts = attempts + 1, last_status = $2, last_error = $3, \
             next_attempt_at = $4, finished_at = $5 WHERE id = $6",
        )
        .bind(state)
        .bind(status.map(i64::from))
        .bind(error)
        .bind(retry_at.unwrap_or(now))
        .bind((state != "pending").then_some(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
