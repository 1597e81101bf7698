//! The editor's safety net: a copy of the form saved on the server as one types (one per user
//! and item, overwritten each time — never a revision), restored after a closed tab or a crash;
//! and who else has an item open.

use pressroom_domain::{ArticleId, UserId};

use crate::{now, Result, Store};

/// The item a new, never saved form belongs to.
pub const NEW_ITEM: ArticleId = ArticleId(0);

/// Someone who had an item open within this many seconds is still editing it.
pub const PRESENCE_SECONDS: i64 = 60;

/// A copy of the editor's form as it was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftCopy {
    /// The item's revision the copy was typed over.
    pub revision: i64,
    /// The form's fields as JSON (an object of strings).
    pub fields: String,
    pub saved_at: i64,
}

impl Store {
    /// Keeps `fields` as `user`'s copy of `article` ([`NEW_ITEM`] for a new one), replacing the last.
    pub async fn save_draft_copy(&self, user: UserId, article: ArticleId, revision: i64, fields: &str) -> Result<i64> {
        let at = now();
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO draft_copies (user_id, article_id, revision, fields, saved_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (user_id, article_id) DO UPDATE SET revision = $3, fields = $4, saved_at = $5",
        )
        .bind(user.0)
        .bind(article.0)
        .bind(revision)
        .bind(fields)
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(at)
    }

    pub async fn draft_copy(&self, user: UserId, article: ArticleId) -> Result<Option<DraftCopy>> {
        let row: Option<(i64, String, i64)> =
            sqlx::query_as("SELECT revision, fields, saved_at FROM draft_copies WHERE user_id = $1 AND article_id = $2")
                .bind(user.0)
                .bind(article.0)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(revision, fields, saved_at)| DraftCopy { revision, fields, saved_at }))
    }

    /// Forgets `user`'s copy of `article`: it was saved for real, or discarded.
    pub async fn discard_draft_copy(&self, user: UserId, article: ArticleId) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM draft_copies WHERE user_id = $1 AND article_id = $2")
            .bind(user.0)
            .bind(article.0)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Notes that `user` has `article` open, and returns the names of the others who had it open
    /// within [`PRESENCE_SECONDS`].
    pub async fn editing(&self, article: ArticleId, user: UserId) -> Result<Vec<String>> {
        let at = now();
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO editing_presence (article_id, user_id, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (article_id, user_id) DO UPDATE SET seen_at = $3",
        )
        .bind(article.0)
        .bind(user.0)
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        // Old marks are cleared as they are passed, so the table stays as small as the desk.
        sqlx::query("DELETE FROM editing_presence WHERE article_id = $1 AND seen_at < $2")
            .bind(article.0)
            .bind(at - PRESENCE_SECONDS)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT u.name FROM editing_presence p JOIN users u ON u.id = p.user_id \
             WHERE p.article_id = $1 AND p.user_id <> $2 ORDER BY u.name",
        )
        .bind(article.0)
        .bind(user.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(name,)| name).collect())
    }
}
