//! API tokens: bearer credentials that act for one user with a set of scopes. Only a token's
//! SHA-256 is stored; the token itself is shown once, when it is made.

use pressroom_domain::{scope_list, Scope, UserId};

use crate::{audit, now, Actor, Result, Store, StoreError, UserRecord};

/// A token as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: UserId,
    pub user_email: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

type TokenRow = (i64, i64, String, String, String, i64, Option<i64>, Option<i64>);

fn token_from_row((id, user_id, user_email, name, scopes, created_at, last_used_at, revoked_at): TokenRow) -> Result<TokenRecord> {
    let scopes = Scope::parse_list(&scopes).map_err(|unknown| StoreError::Invalid(format!("unknown token scope {unknown:?}")))?;
    Ok(TokenRecord { id, user_id: UserId(user_id), user_email, name, scopes, created_at, last_used_at, revoked_at })
}

const TOKEN_COLUMNS: &str = "t.id, t.user_id, u.email, t.name, t.scopes, t.created_at, t.last_used_at, t.revoked_at";

/// `last_used_at` is written at most this often, so that a busy client does not turn every
/// request into a write.
const TOUCH_EVERY: i64 = 60;

impl Store {
    pub async fn create_token(&self, user: UserId, name: &str, token_hash: &str, scopes: &[Scope], actor: &Actor) -> Result<i64> {
        let mut w = self.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(user.0)
        .bind(name)
        .bind(token_hash)
        .bind(scope_list(scopes))
        .bind(now())
        .fetch_one(&mut *w.tx)
        .await?;
        let detail = format!("{name} for user {} ({})", user.0, scope_list(scopes));
        audit(&mut w.tx, actor, "token.create", &format!("token:{id}"), &detail).await?;
        w.commit().await?;
        Ok(id)
    }

    /// Every token, newest first, revoked ones included (the record stays).
    pub async fn tokens(&self) -> Result<Vec<TokenRecord>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC");
        let rows: Vec<TokenRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(token_from_row).collect()
    }

    pub async fn revoke_token(&self, id: i64, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&mut w.tx, actor, "token.revoke", &format!("token:{id}"), "").await?;
        w.commit().await?;
        Ok(())
    }

    /// The live token with this hash and the user it acts for; `None` for an unknown or revoked
    /// token, or one whose user is disabled.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<(TokenRecord, UserRecord)>> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1");
        let row: Option<TokenRow> = sqlx::query_as(&sql).bind(token_hash).fetch_optional(&self.pool).await?;
        let Some(token) = row.map(token_from_row).transpose()? else { return Ok(None) };
        let user = self.user(token.user_id).await?;
        if token.revoked_at.is_some() || user.disabled {
            return Ok(None);
        }
        let now = now();
        if token.last_used_at.is_none_or(|used| used + TOUCH_EVERY <= now) {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2").bind(now).bind(token.id).execute(&self.pool).await?;
        }
        Ok(Some((token, user)))
    }
}
