//! Scheduled publication. Every server process runs the same step; a scheduled article goes
//! live exactly once, because the status change is a single conditional UPDATE that only one
//! transaction can win.

use pressroom_domain::ArticleId;

use crate::changes::ArticleReach;
use crate::webhooks::queue_deliveries;
use crate::{audit, Actor, Result, Store, WebhookEvent};

impl Store {
    /// Publishes every scheduled article whose time has come; returns those this call published.
    pub async fn publish_due(&self, now: i64) -> Result<Vec<ArticleId>> {
        let mut w = self.begin_write().await?;
        let published: Vec<(i64, String, String)> = sqlx::query_as(
            "UPDATE articles SET status = 'published', updated_at = $1 WHERE status = 'scheduled' AND published_at <= $1 \
             RETURNING id, lang, translation_key",
        )
        .bind(now)
        .fetch_all(&mut *w.tx)
        .await?;
        for (id, lang, translation_key) in &published {
            crate::editorial::follow_in_tags(&mut w.tx, *id).await?;
            w.record_article_change(*id, &ArticleReach::new(true, lang, translation_key));
            w.record_public_event(*id, pressroom_record::Event::Publish, "", None);
            queue_deliveries(&mut w, WebhookEvent::Publish, *id).await?;
            audit(&mut w.tx, &Actor::system("scheduler"), "publish", &format!("article:{id}"), "the scheduled time was reached").await?;
        }
        w.commit().await?;
        Ok(published.into_iter().map(|(id, _, _)| ArticleId(id)).collect())
    }
}
