//! Scheduled publication. Every server process runs the same step; a scheduled article goes
//! live exactly once, because the status change is a single conditional UPDATE that only one
//! transaction can win.

use pressroom_domain::ArticleId;
use sqlx::Row;

use crate::changes::ArticleReach;
use crate::record::{ItemFields, KnownItem, ITEM_COLUMNS};
use crate::webhooks::queue_deliveries;
use crate::{audit, Actor, Result, Store, WebhookEvent};

impl Store {
    /// Publishes every scheduled article whose time has come; returns those this call published.
    pub async fn publish_due(&self, now: i64) -> Result<Vec<ArticleId>> {
        let mut w = self.begin_write().await?;
        let update = format!(
            "UPDATE articles SET status = 'published', updated_at = $1 WHERE status = 'scheduled' AND published_at <= $1 \
             RETURNING id, {ITEM_COLUMNS}"
        );
        let rows = sqlx::query(&update).bind(now).fetch_all(&mut *w.tx).await?;
        let mut published = Vec::with_capacity(rows.len());
        for row in rows {
            let (id, item): (i64, _) = (row.try_get(0)?, ItemFields::read(&row, 1)?);
            let tag_keys = crate::editorial::follow_in_tags(&mut w.tx, id).await?;
            w.record_article_change(id, &ArticleReach::new(true, item.lang(), item.translation_key()));
            w.record_public_event(id, pressroom_record::Event::Publish, "", Some(KnownItem::stored(item, &tag_keys)));
            queue_deliveries(&mut w, WebhookEvent::Publish, id).await?;
            audit(&mut w.tx, &Actor::system("scheduler"), "publish", &format!("article:{id}"), "the scheduled time was reached").await?;
            published.push(ArticleId(id));
        }
        w.commit().await?;
        Ok(published)
    }
}
