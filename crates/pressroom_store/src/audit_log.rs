//! Reading the audit log.

use pressroom_domain::{Page, PAGE_SIZE};
use sqlx::Row;

use crate::{to_time, Result, Store};

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: Option<String>,
}

impl Store {
    /// One page of the log, newest first, optionally only entries whose actor or action
    /// contains the given text.
    pub async fn audit_entries(&self, actor: &str, action: &str, page: u32) -> Result<Page<AuditEntry>> {
        let actor = format!("%{}%", actor.trim().to_lowercase());
        let action = format!("%{}%", action.trim().to_lowercase());
        let filter = "FROM audit_log WHERE LOWER(actor) LIKE $1 AND LOWER(action) LIKE $2";
        let total: i64 =
            sqlx::query(&format!("SELECT COUNT(*) {filter}")).bind(&actor).bind(&action).fetch_one(&self.pool).await?.try_get(0)?;
        let offset = u64::from(page.saturating_sub(1)) * u64::from(PAGE_SIZE);
        let rows = sqlx::query(&format!(
            "SELECT at, actor, action, target, detail, ip {filter} ORDER BY id DESC LIMIT {PAGE_SIZE} OFFSET {offset}"
        ))
        .bind(&actor)
        .bind(&action)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .iter()
            .map(|row| {
                Ok(AuditEntry {
                    at: to_time(row.try_get(0)?),
                    actor: row.try_get(1)?,
                    action: row.try_get(2)?,
                    target: row.try_get(3)?,
                    detail: row.try_get(4)?,
                    ip: row.try_get(5)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Page { items, page, total: total.max(0) as u64 })
    }
}
