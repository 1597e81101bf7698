//! Media records: uploaded images and files. The bytes live on disk under a random key; the
//! database keeps what they are, who uploaded them, and their alt text in each language.

use pressroom_domain::{ArticleId, Lang, MediaItem, MediaKind, Page, PAGE_SIZE};
use sqlx::Row;

use crate::{audit, now, to_time, Actor, Result, Store, StoreError};

/// What an upload produced, ready to record.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub kind: MediaKind,
    pub storage_key: String,
    pub original_name: String,
    pub content_type: String,
    pub byte_size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub sha256: String,
}

const COLUMNS: &str = "m.id, m.kind, m.storage_key, m.original_name, m.content_type, m.byte_size, m.width, m.height, m.created_at";

impl Store {
    pub async fn create_media(&self, media: &NewMedia, actor: &Actor) -> Result<i64> {
        let mut w = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO media (kind, storage_key, original_name, content_type, byte_size, width, height, sha256, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(media.kind.as_str())
        .bind(&media.storage_key)
        .bind(&media.original_name)
        .bind(&media.content_type)
        .bind(media.byte_size)
        .bind(media.width)
        .bind(media.height)
        .bind(&media.sha256)
        .bind(actor.user.map(|u| u.0))
        .bind(now())
        .fetch_one(&mut *w.tx)
        .await?;
        audit(&mut w.tx, actor, "media.upload", &format!("media:{id}"), &media.original_name).await?;
        w.commit().await?;
        Ok(id)
    }

    /// One page of the library, newest first.
    pub async fn media_page(&self, page: u32) -> Result<Page<MediaItem>> {
        let total: i64 = sqlx::query("SELECT COUNT(*) FROM media").fetch_one(&self.pool).await?.try_get(0)?;
        let offset = u64::from(page.saturating_sub(1)) * u64::from(PAGE_SIZE);
        let sql = format!("SELECT {COLUMNS} FROM media m ORDER BY m.id DESC LIMIT {PAGE_SIZE} OFFSET {offset}");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in &rows {
            items.push(self.media_from_row(row).await?);
        }
        Ok(Page { items, page, total: total.max(0) as u64 })
    }

    pub async fn media_by_key(&self, storage_key: &str) -> Result<MediaItem> {
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE m.storage_key = $1");
        let row = sqlx::query(&sql).bind(storage_key).fetch_optional(&self.pool).await?.ok_or(StoreError::NotFound)?;
        self.media_from_row(&row).await
    }

    pub async fn set_media_alt(&self, id: i64, lang: &Lang, alt: &str, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM media_alt WHERE media_id = $1 AND lang = $2").bind(id).bind(lang.as_str()).execute(&mut *w.tx).await?;
        if !alt.trim().is_empty() {
            sqlx::query("INSERT INTO media_alt (media_id, lang, alt) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(lang.as_str())
                .bind(alt.trim())
                .execute(&mut *w.tx)
                .await?;
        }
        w.record_change("media").await?;
        audit(&mut w.tx, actor, "media.alt", &format!("media:{id}"), &format!("{lang}: {}", alt.trim())).await?;
        w.commit().await?;
        Ok(())
    }

    /// An article's gallery and attachments, in order.
    pub async fn article_media(&self, article: ArticleId) -> Result<(Vec<MediaItem>, Vec<MediaItem>)> {
        let sql = format!("SELECT {COLUMNS}, x.role FROM article_media x JOIN media m ON m.id = x.media_id WHERE x.article_id = $1 ORDER BY x.role, x.position");
        let rows = sqlx::query(&sql).bind(article.0).fetch_all(&self.pool).await?;
        let (mut gallery, mut attachments) = (Vec::new(), Vec::new());
        for row in &rows {
            let role: String = row.try_get(9)?;
            let item = self.media_from_row(row).await?;
            if role == "gallery" {
                gallery.push(item);
            } else {
                attachments.push(item);
            }
        }
        Ok((gallery, attachments))
    }

    async fn media_from_row(&self, row: &sqlx::any::AnyRow) -> Result<MediaItem> {
        let id: i64 = row.try_get(0)?;
        let kind: String = row.try_get(1)?;
        let alt: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.lang, a.alt FROM media_alt a JOIN languages l ON l.code = a.lang WHERE a.media_id = $1 ORDER BY l.position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(MediaItem {
            id,
            kind: if kind == "image" { MediaKind::Image } else { MediaKind::File },
            storage_key: row.try_get(2)?,
            original_name: row.try_get(3)?,
            content_type: row.try_get(4)?,
            byte_size: row.try_get(5)?,
            width: row.try_get(6)?,
            height: row.try_get(7)?,
            created_at: to_time(row.try_get(8)?),
            alt,
        })
    }
}
