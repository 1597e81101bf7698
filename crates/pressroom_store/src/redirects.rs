//! The redirect table: old addresses that answer 301, either to an article (wherever it is now)
//! or to a fixed target. Servers keep the whole table in memory and reload it when the change
//! feed says it changed; see the web layer's `redirects` module.

use pressroom_domain::{parse_target, ArticleId, Lang, OldPath, SectionKey, Slug, Status};
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;

use crate::{audit, now, Actor, Result, Store, StoreError, WriteTx};

/// Where an old address leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectTarget {
    /// A path on this site or an absolute address, as an administrator or a file gave it.
    Fixed(String),
    /// An article's current address; `None` while it is not published (the old address then
    /// answers 404, as the article would).
    Article { id: ArticleId, address: Option<(Lang, SectionKey, Slug)> },
}

/// One row of the table, for the back office.
#[derive(Debug, Clone)]
pub struct Redirect {
    pub id: i64,
    pub old_path: OldPath,
    pub target: RedirectTarget,
    /// Who made it: `admin`, `csv` or `wordpress`.
    pub origin: String,
    pub created_at: OffsetDateTime,
}

const SELECT: &str = "SELECT r.id, r.old_path, r.target, r.article_id, a.lang, s.key, a.slug, a.status, r.origin, r.created_at \
     FROM redirects r LEFT JOIN articles a ON a.id = r.article_id LEFT JOIN sections s ON s.id = a.section_id";

impl Store {
    /// Every redirect with where it leads now, for a server's memory.
    pub async fn all_redirects(&self) -> Result<Vec<(OldPath, RedirectTarget)>> {
        let rows = sqlx::query(SELECT).fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok((OldPath::from_stored(row.try_get(1)?), read_target(row)?))).collect()
    }

    /// A page of the table in the order of the old addresses, starting after `after`.
    pub async fn redirects_page(&self, after: &str, limit: i64) -> Result<Vec<Redirect>> {
        let sql = format!("{SELECT} WHERE r.old_path > $1 ORDER BY r.old_path LIMIT $2");
        let rows = sqlx::query(&sql).bind(after).bind(limit).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(Redirect {
                    id: row.try_get(0)?,
                    old_path: OldPath::from_stored(row.try_get(1)?),
                    target: read_target(row)?,
                    origin: row.try_get(8)?,
                    created_at: OffsetDateTime::from_unix_timestamp(row.try_get(9)?).unwrap_or(OffsetDateTime::UNIX_EPOCH),
                })
            })
            .collect()
    }

    pub async fn redirect_count(&self) -> Result<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM redirects").fetch_one(&self.pool).await?;
        Ok(count)
    }

    /// Adds fixed redirects (old address, target as given) in one transaction, or none: a
    /// refusal names the row by its position. An old address already in the table is refused,
    /// or, with `replace`, pointed at the new target (so that a file imported again changes
    /// what it changed and adds nothing twice). Returns how many rows were added or changed.
    pub async fn add_redirects(&self, rows: &[(OldPath, String)], origin: &str, replace: bool, actor: &Actor) -> Result<usize> {
        let mut w = self.begin_write().await?;
        let mut written = 0;
        for (index, (old, target)) in rows.iter().enumerate() {
            let refuse = |field: &'static str, reason: String| StoreError::Rejected { index, field, reason };
            let target = parse_target(old, target).map_err(|e| refuse("target", e.to_string()))?;
            if let Some(leads_on) = target_is_redirected(&mut w, &target).await? {
                let reason = format!("{target} itself redirects to {leads_on}; point {old} straight there (chains are refused)");
                return Err(refuse("target", reason));
            }
            let pointing_here: Option<(String,)> =
                sqlx::query_as("SELECT old_path FROM redirects WHERE (target = $1 OR target = $2) AND old_path <> $1")
                    .bind(old.as_str())
                    .bind(format!("{}/", old.as_str()))
                    .fetch_optional(&mut *w.tx)
                    .await?;
            if let Some((from,)) = pointing_here {
                return Err(refuse("old", format!("{from} redirects to {old}, which would make a chain; change that one instead")));
            }
            let existing: Option<(Option<String>,)> =
                sqlx::query_as("SELECT target FROM redirects WHERE old_path = $1").bind(old.as_str()).fetch_optional(&mut *w.tx).await?;
            match existing {
                Some((current,)) if current.as_deref() == Some(target.as_str()) => continue,
                Some(_) if !replace => {
                    return Err(refuse("old", format!("{old} already redirects elsewhere; delete that redirect first")));
                }
                Some(_) => {
                    sqlx::query("UPDATE redirects SET target = $1, article_id = NULL, origin = $2 WHERE old_path = $3")
                        .bind(&target)
                        .bind(origin)
                        .bind(old.as_str())
                        .execute(&mut *w.tx)
                        .await?;
                }
                None => {
                    sqlx::query("INSERT INTO redirects (old_path, target, origin, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(old.as_str())
                        .bind(&target)
                        .bind(origin)
                        .bind(now())
                        .execute(&mut *w.tx)
                        .await?;
                }
            }
            written += 1;
        }
        let detail = match rows {
            [(old, target)] => format!("{old} → {target}"),
            _ => format!("{written} of {} rows added or changed", rows.len()),
        };
        audit(&mut w.tx, actor, "redirects.add", origin, &detail).await?;
        w.record_site_change("redirects", false).await?;
        w.commit().await?;
        Ok(written)
    }

    pub async fn delete_redirect(&self, id: i64, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let (old,): (String,) = sqlx::query_as("DELETE FROM redirects WHERE id = $1 RETURNING old_path")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        audit(&mut w.tx, actor, "redirects.delete", "redirects", &old).await?;
        w.record_site_change("redirects", false).await?;
        w.commit().await
    }

    /// The current addresses of `ids`, for a server whose redirects lead to them; an article
    /// deleted since is left out.
    pub async fn article_redirect_targets(&self, ids: &[i64]) -> Result<Vec<(ArticleId, RedirectTarget)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        // The ids are integers, safe to write into the statement.
        let sql = format!(
            "SELECT a.id, CAST(NULL AS TEXT), CAST(NULL AS TEXT), a.id, a.lang, s.key, a.slug, a.status FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.id IN ({list})"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(|row| Ok((ArticleId(row.try_get(0)?), read_target(row)?))).collect()
    }
}

impl WriteTx<'_> {
    /// Points `old_paths` at an article (an import's former addresses of it), replacing what
    /// they pointed at before; an old address that is the article's own is skipped.
    pub(crate) async fn add_article_redirects(
        &mut self,
        article_id: i64,
        own: &OldPath,
        old_paths: &[OldPath],
        origin: &str,
    ) -> Result<()> {
        for old in old_paths.iter().filter(|old| *old != own) {
            sqlx::query(
                "INSERT INTO redirects (old_path, article_id, origin, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (old_path) DO UPDATE SET article_id = excluded.article_id, target = NULL, origin = excluded.origin",
            )
            .bind(old.as_str())
            .bind(article_id)
            .bind(origin)
            .bind(now())
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }
}

/// Where a local target leads on, if it is itself an old address.
async fn target_is_redirected(w: &mut WriteTx<'_>, target: &str) -> Result<Option<String>> {
    if !target.starts_with('/') {
        return Ok(None);
    }
    let (path, query) = target.split_once('?').map_or((target, None), |(p, q)| (p, Some(q)));
    let key = OldPath::of_request(path, query);
    let row = sqlx::query(&format!("{SELECT} WHERE r.old_path = $1")).bind(key.as_str()).fetch_optional(&mut *w.tx).await?;
    Ok(match row {
        Some(row) => Some(match read_target(&row)? {
            RedirectTarget::Fixed(to) => to,
            RedirectTarget::Article { id, .. } => format!("article {}", id.0),
        }),
        None => None,
    })
}

/// Columns 2–7 of [`SELECT`]: the fixed target, or the article and its address.
fn read_target(row: &AnyRow) -> Result<RedirectTarget> {
    if let Some(fixed) = row.try_get::<Option<String>, _>(2)? {
        return Ok(RedirectTarget::Fixed(fixed));
    }
    let id = ArticleId(row.try_get(3)?);
    let lang: Option<String> = row.try_get(4)?;
    let section: Option<String> = row.try_get(5)?;
    let slug: Option<String> = row.try_get(6)?;
    let status: Option<String> = row.try_get(7)?;
    let address = match (lang, section, slug, status) {
        (Some(lang), Some(section), Some(slug), Some(status)) if Status::parse(&status) == Some(Status::Published) => {
            match (Lang::parse(&lang), SectionKey::parse(&section), Slug::parse(&slug)) {
                (Ok(lang), Ok(section), Ok(slug)) => Some((lang, section, slug)),
                _ => None,
            }
        }
        _ => None,
    };
    Ok(RedirectTarget::Article { id, address })
}
