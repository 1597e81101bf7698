//! Media records: uploaded images and files. The bytes live on disk under a random key; the
//! database keeps what they are, who uploaded them, and their alt text in each language.

use std::collections::HashMap;

use pressroom_domain::{ArticleId, Lang, MediaItem, MediaKind, Page, PAGE_SIZE};
use sqlx::Row;

use crate::reads::{Cells, Param, ReadConn};
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
        let params = patterns.map(Param::Text);
        let items = media_items(&mut self.read_conn().await?, &sql, &params).await?;
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
        let mut items = media_items(&mut self.read_conn().await?, &sql, &[]).await?;
        items.sort_by_key(|item| ids.iter().position(|id| *id == item.id));
        Ok(items)
    }

    /// The item whose original has this SHA-256, if one has: an import brings a file once.
    pub async fn media_by_sha256(&self, sha256: &str) -> Result<Option<MediaItem>> {
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE m.sha256 = $1 ORDER BY m.id LIMIT 1");
        Ok(media_items(&mut self.read_conn().await?, &sql, &[Param::Text(sha256.to_owned())]).await?.pop())
    }

    pub async fn media_by_key(&self, storage_key: &str) -> Result<MediaItem> {
        let sql = format!("SELECT {COLUMNS} FROM media m WHERE m.storage_key = $1");
        media_items(&mut self.read_conn().await?, &sql, &[Param::Text(storage_key.to_owned())]).await?.pop().ok_or(StoreError::NotFound)
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
        article_media(&mut self.read_conn().await?, article).await
    }
}

/// An article's gallery and attachments, in order.
pub(crate) async fn article_media(conn: &mut ReadConn, article: ArticleId) -> Result<(Vec<MediaItem>, Vec<MediaItem>)> {
    let sql = format!("SELECT {COLUMNS}, x.role FROM article_media x JOIN media m ON m.id = x.media_id WHERE x.article_id = $1 ORDER BY x.role, x.position");
    let rows = conn.rows(&sql, &[Param::Int(article.0)], |row| Ok((row.text(9)? == "gallery", item_from_row(row)?))).await?;
    let (in_gallery, mut items): (Vec<bool>, Vec<MediaItem>) = rows.into_iter().unzip();
    add_alts(conn, &mut items).await?;
    let (mut gallery, mut attachments) = (Vec::new(), Vec::new());
    for (in_gallery, item) in in_gallery.into_iter().zip(items) {
        if in_gallery {
            gallery.push(item);
        } else {
            attachments.push(item);
        }
    }
    Ok((gallery, attachments))
}

/// The media items `sql` selects (its columns are `COLUMNS`), with their alt texts.
async fn media_items(conn: &mut ReadConn, sql: &str, params: &[Param]) -> Result<Vec<MediaItem>> {
    let mut items = conn.rows(sql, params, item_from_row).await?;
    add_alts(conn, &mut items).await?;
    Ok(items)
}

/// A media item from a row of `COLUMNS`, its alt texts still to add.
fn item_from_row(row: &dyn Cells) -> Result<MediaItem> {
    Ok(MediaItem {
        id: row.int(0)?,
        kind: if row.text(1)? == "image" { MediaKind::Image } else { MediaKind::File },
        storage_key: row.text(2)?,
        original_name: row.text(3)?,
        content_type: row.text(4)?,
        byte_size: row.int(5)?,
        width: row.opt_int(6)?,
        height: row.opt_int(7)?,
        created_at: to_time(row.int(8)?),
        alt: Vec::new(),
    })
}

/// The alt texts of these items, in every language, read in one query.
async fn add_alts(conn: &mut ReadConn, items: &mut [MediaItem]) -> Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT a.media_id, a.lang, a.alt FROM media_alt a JOIN languages l ON l.code = a.lang \
         WHERE a.media_id IN ({}) ORDER BY a.media_id, l.position",
        crate::record::placeholders(1, items.len())
    );
    let params: Vec<Param> = items.iter().map(|item| Param::Int(item.id)).collect();
    let mut alts: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    conn.rows(&sql, &params, |row| {
        alts.entry(row.int(0)?).or_default().push((row.text(1)?, row.text(2)?));
        Ok(())
    })
    .await?;
    for item in items {
        item.alt = alts.remove(&item.id).unwrap_or_default();
    }
    Ok(())
}
