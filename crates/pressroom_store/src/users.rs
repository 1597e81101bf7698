//! Back-office accounts.

use pressroom_domain::{Role, UserId};

use crate::{audit, now, Result, Store, StoreError};

impl Store {
    pub async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&self.pool).await?;
        Ok(n)
    }

    /// Creates an account; `password_hash` is an argon2 PHC string, never a password.
    pub async fn create_user(&self, email: &str, name: &str, role: Role, password_hash: &str, actor: &str) -> Result<UserId> {
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
        w.tx.commit().await?;
        Ok(UserId(id))
    }
}
