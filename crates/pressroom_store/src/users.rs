//! Back-office accounts, their sessions, and failed sign-ins.

use pressroom_domain::{Role, UserId};

use crate::{audit, now, Actor, Result, Store, StoreError};

/// An account as the store keeps it, with what signing in needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// An argon2 PHC string.
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub disabled: bool,
    /// The back office's language this user chose; `None` follows their browser.
    pub lang: Option<String>,
}

/// A signed-in session, found by the hash of its cookie's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf_token: String,
    pub expires_at: i64,
}

const USER_COLUMNS: &str = "u.id, u.email, u.name, u.role, u.password_hash, u.totp_secret, u.disabled_at, u.lang";

type UserRow = (i64, String, String, String, String, Option<String>, Option<i64>, Option<String>);

fn user_from_row((id, email, name, role, password_hash, totp_secret, disabled_at, lang): UserRow) -> Result<UserRecord> {
    Ok(UserRecord {
        id: UserId(id),
        email,
        name,
        role: Role::parse(&role).ok_or_else(|| StoreError::Invalid(format!("unknown role {role:?}")))?,
        password_hash,
        totp_secret,
        disabled: disabled_at.is_some(),
        lang,
    })
}

impl Store {
    pub async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n)
    }

    /// Creates an account; `password_hash` is an argon2 PHC string, never a password.
    pub async fn create_user(&self, email: &str, name: &str, role: Role, password_hash: &str, actor: &Actor) -> Result<UserId> {
        let mut w = self.begin_write().await?;
        let email = email.trim().to_lowercase();
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE email = $1").bind(&email).fetch_optional(&mut *w.tx).await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("a user with the email {email} already exists")));
        }
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO users (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(&email)
                .bind(name)
                .bind(role.as_str())
                .bind(password_hash)
                .bind(now())
                .fetch_one(&mut *w.tx)
                .await?;
        audit(&mut w.tx, actor, "user.create", &format!("user:{id}"), &format!("{email} as {}", role.as_str())).await?;
        w.commit().await?;
        Ok(UserId(id))
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(email.trim().to_lowercase()).fetch_optional(&self.pool).await?;
        row.map(user_from_row).transpose()
    }

    pub async fn user(&self, id: UserId) -> Result<UserRecord> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(id.0).fetch_optional(&self.pool).await?;
        row.map(user_from_row).transpose()?.ok_or(StoreError::NotFound)
    }

    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.email");
        let rows: Vec<UserRow> = sqlx::query_as(&sql).fetch_all(&self.pool).await?;
        rows.into_iter().map(user_from_row).collect()
    }

    pub async fn set_password(&self, id: UserId, password_hash: &str, actor: &Actor) -> Result<()> {
        self.update_user(id, "password_hash = $1", password_hash, actor, "user.password", "password changed").await
    }

    pub async fn set_role(&self, id: UserId, role: Role, actor: &Actor) -> Result<()> {
        self.update_user(id, "role = $1", role.as_str(), actor, "user.role", &format!("role set to {}", role.as_str())).await
    }

    /// The back office's language for this user; `None` follows their browser.
    pub async fn set_user_lang(&self, id: UserId, lang: Option<&str>, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE users SET lang = $1 WHERE id = $2").bind(lang).bind(id.0).execute(&mut *w.tx).await?;
        audit(&mut w.tx, actor, "user.language", &format!("user:{}", id.0), lang.unwrap_or("browser's choice")).await?;
        w.commit().await?;
        Ok(())
    }

    /// Sets or clears (with an empty secret) the user's TOTP second factor.
    pub async fn set_totp_secret(&self, id: UserId, secret: Option<&str>, actor: &Actor) -> Result<()> {
        let detail = if secret.is_some() { "second factor enabled" } else { "second factor removed" };
        let mut w = self.begin_write().await?;
        sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2").bind(secret).bind(id.0).execute(&mut *w.tx).await?;
        audit(&mut w.tx, actor, "user.totp", &format!("user:{}", id.0), detail).await?;
        w.commit().await?;
        Ok(())
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    pub async fn set_disabled(&self, id: UserId, disabled: bool, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let at = disabled.then(now);
        sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2").bind(at).bind(id.0).execute(&mut *w.tx).await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *w.tx).await?;
        }
        let detail = if disabled { "account disabled" } else { "account enabled" };
        audit(&mut w.tx, actor, "user.disable", &format!("user:{}", id.0), detail).await?;
        w.commit().await?;
        Ok(())
    }

    async fn update_user(&self, id: UserId, set: &str, value: &str, actor: &Actor, action: &str, detail: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let done = sqlx::query(&format!("UPDATE users SET {set} WHERE id = $2")).bind(value).bind(id.0).execute(&mut *w.tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit(&mut w.tx, actor, action, &format!("user:{}", id.0), detail).await?;
        w.commit().await?;
        Ok(())
    }

    /// Starts a session; the cookie carries the token, the database only its hash.
    pub async fn create_session(&self, user: UserId, token_hash: &str, csrf_token: &str, expires_at: i64, ip: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let now = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip) VALUES ($1, $2, $3, $4, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(user.0)
        .bind(csrf_token)
        .bind(now)
        .bind(expires_at)
        .bind(ip)
        .execute(&mut *w.tx)
        .await?;
        // Sessions long expired are of no use to anyone; sweep them as new ones arrive.
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now - 7 * 24 * 3600).execute(&mut *w.tx).await?;
        w.commit().await?;
        Ok(())
    }

    /// The session with this token hash and its user, whether or not it has expired.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
        let row: Option<(i64, String, i64)> = sqlx::query_as("SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some((user_id, csrf_token, expires_at)) => {
                Ok(Some(SessionRecord { user: self.user(UserId(user_id)).await?, csrf_token, expires_at }))
            }
        }
    }

    /// Extends a session that is in use.
    pub async fn touch_session(&self, token_hash: &str, expires_at: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
            .bind(now())
            .bind(expires_at)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    /// Ends every session of a user ("log out everywhere", a password change).
    pub async fn end_user_sessions(&self, user: UserId, except: Option<&str>) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.0)
            .bind(except.unwrap_or(""))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed sign-in, in the audit log too.
    pub async fn record_login_failure(&self, email: &str, ip: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let email = email.trim().to_lowercase();
        sqlx::query("INSERT INTO login_failures (at, email, ip) VALUES ($1, $2, $3)")
            .bind(now())
            .bind(&email)
            .bind(ip)
            .execute(&mut *w.tx)
            .await?;
        let actor = Actor { user: None, name: email.clone(), ip: Some(ip.to_owned()) };
        audit(&mut w.tx, &actor, "login.failed", &format!("account:{email}"), "").await?;
        w.commit().await?;
        Ok(())
    }

    /// Failed sign-ins since `since` for this account and for this address.
    pub async fn login_failures(&self, email: &str, ip: &str, since: i64) -> Result<(i64, i64)> {
        let (by_email,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE email = $1 AND at >= $2")
            .bind(email.trim().to_lowercase())
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        let (by_ip,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM login_failures WHERE ip = $1 AND at >= $2")
            .bind(ip)
            .bind(since)
            .fetch_one(&self.pool)
            .await?;
        Ok((by_email, by_ip))
    }

    /// Keeps a form submitted after its session expired, until its author signs in again.
    pub async fn save_pending(&self, token_hash: &str, user: UserId, path: &str, form: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let now = now();
        // A save not resumed within a day is not coming back.
        sqlx::query("DELETE FROM pending_saves WHERE created_at < $1").bind(now - 24 * 3600).execute(&mut *w.tx).await?;
        sqlx::query("INSERT INTO pending_saves (token_hash, user_id, path, form, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(token_hash)
            .bind(user.0)
            .bind(path)
            .bind(form)
            .bind(now)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Takes back a kept form, only for the user who submitted it: its path and its fields.
    pub async fn take_pending(&self, token_hash: &str, user: UserId) -> Result<Option<(String, String)>> {
        let mut w = self.begin_write().await?;
        let row: Option<(String, String)> = sqlx::query_as("SELECT path, form FROM pending_saves WHERE token_hash = $1 AND user_id = $2")
            .bind(token_hash)
            .bind(user.0)
            .fetch_optional(&mut *w.tx)
            .await?;
        sqlx::query("DELETE FROM pending_saves WHERE token_hash = $1 AND user_id = $2")
            .bind(token_hash)
            .bind(user.0)
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(row)
    }

    /// Records a successful sign-in in the audit log.
    /// Writes a sign-in to the audit log, saying so when it is the first from this address.
    pub async fn record_login(&self, user: &UserRecord, ip: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let seen: Option<(i64,)> = sqlx::query_as("SELECT id FROM audit_log WHERE user_id = $1 AND action = 'login' AND ip = $2 LIMIT 1")
            .bind(user.id.0)
            .bind(ip)
            .fetch_optional(&mut *w.tx)
            .await?;
        let detail = if seen.is_some() { "" } else { "from a new address" };
        audit(&mut w.tx, &Actor::user(user, ip), "login", &format!("user:{}", user.id.0), detail).await?;
        w.commit().await?;
        Ok(())
    }
}
