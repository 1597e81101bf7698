//! Media records: uploaded images and files. The bytes live on disk under a random key; the
//! database keeps what they are, who uploaded them, and their alt text in each language.

use std::collections::HashMap;

use pressroom_domain::{ArticleId, Lang, MediaItem, MediaKind, Page, PAGE_SIZE};
use sqlx::any::AnyRow;
use sqlx::AnyConnection;
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
    /// The text of a PDF, for the search index.
    pub text: Option<String>,
}

const COLUMNS: &str = "m.id, m.kind, m.storage_key, m.original_name, m.content_type, m.byte_size, m.width, m.height, m.created_at";

impl Store {
    pub async fn create_media(&self, media: &NewMedia, actor: &Actor) -> Result<i64> {
        let mut w = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO media (kind, storage_key, original_name, content_type, byte_size, width, height, sha256, uploaded_by, created_at, text) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
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
        .bind(media.text.as_deref())
        .fetch_one(&mut *w.tx)
        .await?;
        audit(&mut w.tx, actor, "media.upload", &format!("media:{id}"), &media.original_name).await?;
        w.commit().await?;
        Ok(id)
    }

    /// One page of the library, newest first; with `text`, only items whose file name or alt
    /// text (in any language) contains it.
    pub async fn media_page(&self, text: &str, page: u32) -> Result<Page<MediaItem>> {
        let text = text.trim();
        // SQLite's LIKE folds ASCII letters only, so the words are also tried in lower case and
        // capitalised, which covers how names and descriptions are written.
        let lower = text.to_lowercase();
        let capitalised: String = lower.chars().take(1).flat_map(char::to_uppercase).chain(lower.chars().skip(1)).collect();
        let patterns = [text, &lower, &capitalised].map(|variant| if text.is_empty() { String::new() } else { format!("%{variant}%") });
        let filter = if text.is_empty() {
            "$1 = $2 AND $2 = $3"
        } else {
            "m.original_name LIKE $1 OR m.original_name LIKE $2 OR m.original_name LIKE $3 OR EXISTS \
             (SELECT 1 FROM media_alt a WHERE a.media_id = m.id AND (a.alt LIKE $1 OR a.alt LIKE $2 OR a.alt LIKE $3))"
        };
        let [first, second, third] = &patterns;
        let total: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM media m WHERE {filter}"))
            .bind(first)
            .bind(second)
            .bind(third)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let offset = u64::from(page.saturating_sub(1)) * u64::from(PAGE_SIZE);
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE {filter} ORDER BY m.id DESC LIMIT {PAGE_SIZE} OFFSET {offset}");
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&sql).bind(first).bind(second).bind(third).fetch_all(&mut *conn).await?;
        let items = media_items(&mut conn, &rows).await?;
        Ok(Page { items, page, total: total.max(0) as u64 })
    }

    /// The items with these ids, in the order given; ids that do not exist are left out.
    pub async fn media_by_ids(&self, ids: &[i64]) -> Result<Vec<MediaItem>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Integers, so safe to write into the SQL.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE m.id IN ({list})");
        let mut conn = self.pool.acquire().await?;
        let rows = sqlx::query(&sql).fetch_all(&mut *conn).await?;
        let mut items = media_items(&mut conn, &rows).await?;
        items.sort_by_key(|item| ids.iter().position(|id| *id == item.id));
        Ok(items)
    }

    /// The item whose original has this SHA-256, if one has: an import brings a file once.
    pub async fn media_by_sha256(&self, sha256: &str) -> Result<Option<MediaItem>> {
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE m.sha256 = $1 ORDER BY m.id LIMIT 1");
        let mut conn = self.pool.acquire().await?;
        let Some(row) = sqlx::query(&sql).bind(sha256).fetch_optional(&mut *conn).await? else { return Ok(None) };
        Ok(media_items(&mut conn, std::slice::from_ref(&row)).await?.pop())
    }

    pub async fn media_by_key(&self, storage_key: &str) -> Result<MediaItem> {
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE m.storage_key = $1");
        let mut conn = self.pool.acquire().await?;
        let row = sqlx::query(&sql).bind(storage_key).fetch_optional(&mut *conn).await?.ok_or(StoreError::NotFound)?;
        Ok(media_items(&mut conn, std::slice::from_ref(&row)).await?.remove(0))
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
        article_media(&mut *self.pool.acquire().await?, article).await
    }
}

/// An article's gallery and attachments, in order.
pub(crate) async fn article_media(conn: &mut AnyConnection, article: ArticleId) -> Result<(Vec<MediaItem>, Vec<MediaItem>)> {
    let sql = format!("SELECT {COLUMNS}, x.role FROM article_media x JOIN media m ON m.id = x.media_id WHERE x.article_id = $1 ORDER BY x.role, x.position");
    let rows = sqlx::query(&sql).bind(article.0).fetch_all(&mut *conn).await?;
    let (mut gallery, mut attachments) = (Vec::new(), Vec::new());
    for (row, item) in rows.iter().zip(media_items(conn, &rows).await?) {
        let role: String = row.try_get(9)?;
        if role == "gallery" {
            gallery.push(item);
        } else {
            attachments.push(item);
        }
    }
    Ok((gallery, attachments))
}

/// Media items from rows of `COLUMNS`, with their alt texts read in one query.
async fn media_items(conn: &mut AnyConnection, rows: &[AnyRow]) -> Result<Vec<MediaItem>> {
    let ids = rows.iter().map(|row| row.try_get::<i64, _>(0)).collect::<std::result::Result<Vec<_>, _>>()?;
    let mut alts: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    if !ids.is_empty() {
        // The ids come from the database as integers, so they are safe to write into the SQL.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT a.media_id, a.lang, a.alt FROM media_alt a JOIN languages l ON l.code = a.lang \
             WHERE a.media_id IN ({list}) ORDER BY a.media_id, l.position"
        );
        let found: Vec<(i64, String, String)> = sqlx::query_as(&sql).fetch_all(conn).await?;
        for (id, lang, alt) in found {
            alts.entry(id).or_default().push((lang, alt));
        }
    }
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get(0)?;
            let kind: String = row.try_get(1)?;
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
                alt: alts.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}
