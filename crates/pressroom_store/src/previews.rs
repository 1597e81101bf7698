//! Preview links: a secret address that shows an unpublished item as readers will see it, to
//! someone without an account (a fact-checker, a press secretary), until it expires or is
//! revoked. Only the secret's SHA-256 is stored. Making, opening and revoking a link are each
//! in the audit log.

use pressroom_domain::ArticleId;

use crate::{audit, now, Actor, Result, Store, StoreError};

/// A link as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewLink {
    pub id: i64,
    pub article_id: ArticleId,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

impl PreviewLink {
    /// Whether the link still opens at `at` (Unix seconds).
    pub fn is_open(&self, at: i64) -> bool {
        self.revoked_at.is_none() && at < self.expires_at
    }
}

type LinkRow = (i64, i64, Option<String>, i64, i64, Option<i64>);

fn link_from_row((id, article_id, created_by, created_at, expires_at, revoked_at): LinkRow) -> PreviewLink {
    PreviewLink { id, article_id: ArticleId(article_id), created_by, created_at, expires_at, revoked_at }
}

const LINK_COLUMNS: &str = "p.id, p.article_id, u.email, p.created_at, p.expires_at, p.revoked_at \
     FROM preview_links p LEFT JOIN users u ON u.id = p.created_by";

/// The links the editor shows for an item: the newest, expired and revoked ones included.
const LINKS_SHOWN: i64 = 20;

impl Store {
    /// Makes a link to `article` that opens until `expires_at` (Unix seconds).
    pub async fn create_preview_link(&self, article: ArticleId, token_hash: &str, expires_at: i64, actor: &Actor) -> Result<i64> {
        let mut w = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO preview_links (article_id, token_hash, created_by, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(article.0)
        .bind(token_hash)
        .bind(actor.user.map(|u| u.0))
        .bind(now())
        .bind(expires_at)
        .fetch_one(&mut *w.tx)
        .await?;
        let detail = format!("preview link {id}, open until {}", crate::to_time(expires_at));
        audit(&mut w.tx, actor, "preview.create", &format!("article:{}", article.0), &detail).await?;
        w.commit().await?;
        Ok(id)
    }

    pub async fn preview_links(&self, article: ArticleId) -> Result<Vec<PreviewLink>> {
        let sql = format!("SELECT {LINK_COLUMNS} WHERE p.article_id = $1 ORDER BY p.created_at DESC, p.id DESC LIMIT $2");
        let rows: Vec<LinkRow> = sqlx::query_as(&sql).bind(article.0).bind(LINKS_SHOWN).fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(link_from_row).collect())
    }

    /// The item a link opens, if the link exists and is still open; an opening is written to
    /// the audit log with the address it came from.
    pub async fn open_preview_link(&self, token_hash: &str, ip: &str) -> Result<Option<ArticleId>> {
        let sql = format!("SELECT {LINK_COLUMNS} WHERE p.token_hash = $1");
        let row: Option<LinkRow> = sqlx::query_as(&sql).bind(token_hash).fetch_optional(&self.pool).await?;
        let Some(link) = row.map(link_from_row).filter(|link| link.is_open(now())) else {
            return Ok(None);
        };
        let mut w = self.begin_write().await?;
        let actor = Actor { user: None, name: "preview link".to_owned(), ip: Some(ip.to_owned()) };
        audit(&mut w.tx, &actor, "preview.open", &format!("article:{}", link.article_id.0), &format!("preview link {}", link.id)).await?;
        w.commit().await?;
        Ok(Some(link.article_id))
    }

    /// Revokes a link of `article`; revoking one already revoked changes nothing.
    pub async fn revoke_preview_link(&self, article: ArticleId, id: i64, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("UPDATE preview_links SET revoked_at = $1 WHERE id = $2 AND article_id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .bind(article.0)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM preview_links WHERE id = $1 AND article_id = $2")
                .bind(id)
                .bind(article.0)
                .fetch_optional(&mut *w.tx)
                .await?;
            return if exists.is_some() { Ok(()) } else { Err(StoreError::NotFound) };
        }
        audit(&mut w.tx, actor, "preview.revoke", &format!("article:{}", article.0), &format!("preview link {id}")).await?;
        w.commit().await?;
        Ok(())
    }
}
