//! What editors do to articles: create, save (refusing a stale revision), move through the
//! workflow, delete; the list of the back office, and the revision history.

use pressroom_domain::{Action, Amendment, ArticleDraft, ArticleId, Lang, Page, SectionKey, Status, UserId, PAGE_SIZE};
use pressroom_record::Event;
use sqlx::Row;

use crate::changes::ArticleReach;
use crate::record::{ItemFields, KnownItem, ITEM_COLUMNS};
use crate::webhooks::queue_deliveries;
use crate::write::{save_version, SiteKeys, Target};
use crate::{audit, now, to_time, Actor, Result, Store, StoreError, WebhookEvent};

/// Filters of the back office's article list.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub status: Option<Status>,
    pub section: Option<SectionKey>,
    pub lang: Option<Lang>,
    pub author: Option<UserId>,
    /// Words the title or the lead contain.
    pub text: Option<String>,
    /// Only items with no version in this language.
    pub missing_in: Option<Lang>,
    /// Only items whose version in this language is outdated: its source changed since it was
    /// last saved.
    pub outdated_in: Option<Lang>,
    pub sort: Sort,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Updated,
    Date,
    Title,
}

/// A row of the back office's list: an item, shown by its first version that matches the
/// filters, with the state of each of its versions.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArticleRow {
    pub id: ArticleId,
    pub title: String,
    pub lang: String,
    pub section: String,
    pub status: Status,
    pub author: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
    pub translation_key: String,
    /// Every version of the item, this one included.
    pub versions: Vec<crate::VersionState>,
}

/// One entry of an article's history.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RevisionMeta {
    pub number: i64,
    pub author: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl Store {
    /// Creates an article from an editor's draft; its author is the actor.
    pub async fn create_article(&self, draft: &ArticleDraft, actor: &Actor) -> Result<ArticleId> {
        let mut w = self.begin_write().await?;
        let keys = SiteKeys::load(&mut w.tx).await?;
        let (id, _) = save_version(&mut w, &keys, 0, draft, Target::New, actor.user.map(|u| u.0), None).await?;
        audit(&mut w.tx, actor, "create", &format!("article:{id}"), &draft.title).await?;
        w.commit().await?;
        Ok(ArticleId(id))
    }

    /// Saves a new revision of an article, provided `expected_revision` is still its latest;
    /// otherwise [`StoreError::Stale`] and nothing is written. `amendment` says how a change to
    /// a published article shows to readers. Returns the new revision number.
    pub async fn update_article(
        &self,
        id: ArticleId,
        draft: &ArticleDraft,
        expected_revision: i64,
        amendment: Option<&Amendment>,
        actor: &Actor,
    ) -> Result<i64> {
        let mut w = self.begin_write().await?;
        let keys = SiteKeys::load(&mut w.tx).await?;
        let target = Target::Existing { id: id.0, expected: expected_revision };
        let (_, revision) = save_version(&mut w, &keys, 0, draft, target, actor.user.map(|u| u.0), amendment).await?;
        if draft.status == Status::Published {
            queue_deliveries(&mut w, WebhookEvent::Update, id.0).await?;
        }
        audit(&mut w.tx, actor, "edit", &format!("article:{}", id.0), &format!("revision {revision}")).await?;
        w.commit().await?;
        Ok(revision)
    }

    /// Moves an article to `status` by `action`, with a new publication date when one is given
    /// (scheduling). The caller has checked the workflow rules; the status must still be `from`.
    pub async fn change_status(&self, id: ArticleId, from: Status, action: Action, published_at: Option<i64>, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let update = format!(
            "UPDATE articles SET status = $1, published_at = COALESCE($2, published_at), updated_at = $3 WHERE id = $4 AND status = $5 \
             RETURNING {ITEM_COLUMNS}"
        );
        let changed = sqlx::query(&update)
            .bind(action.target().as_str())
            .bind(published_at)
            .bind(now())
            .bind(id.0)
            .bind(from.as_str())
            .fetch_optional(&mut *w.tx)
            .await?;
        let item = ItemFields::read(&changed.ok_or_else(|| StoreError::Conflict("the article's status changed meanwhile".into()))?, 0)?;
        let tag_keys = follow_in_tags(&mut w.tx, id.0).await?;
        let public = from == Status::Published || action.target() == Status::Published;
        w.record_article_change(id.0, &ArticleReach::new(public, item.lang(), item.translation_key()));
        if let Some(event) = public_event_of_step(from, action.target()) {
            w.record_public_event(id.0, event, "", Some(KnownItem::stored(item, &tag_keys)));
        }
        if let Some(event) = WebhookEvent::of_transition(from, action.target()) {
            queue_deliveries(&mut w, event, id.0).await?;
        }
        audit(
            &mut w.tx,
            actor,
            action.as_str(),
            &format!("article:{}", id.0),
            &format!("{} → {}", from.as_str(), action.target().as_str()),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Deletes an article and its revisions; the audit log keeps its title.
    pub async fn delete_article(&self, id: ArticleId, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let row: Option<(String, String, String, String)> =
            sqlx::query_as("SELECT title, status, lang, translation_key FROM articles WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *w.tx)
                .await?;
        let (title, status, lang, translation_key) = row.ok_or(StoreError::NotFound)?;
        if status == Status::Published.as_str() {
            queue_deliveries(&mut w, WebhookEvent::Unpublish, id.0).await?;
            // The entry reads the article, so it is written before the article goes.
            w.record_public_event(id.0, Event::Delete, "", None);
            w.write_log_entries().await?;
        }
        sqlx::query("DELETE FROM articles WHERE id = $1").bind(id.0).execute(&mut *w.tx).await?;
        let public = status == Status::Published.as_str();
        w.record_article_change(id.0, &ArticleReach::new(public, &lang, &translation_key));
        audit(&mut w.tx, actor, "delete", &format!("article:{}", id.0), &title).await?;
        w.commit().await?;
        Ok(())
    }

    /// One page of the back office's list: one row per item.
    pub async fn list_articles(&self, filter: &ArticleFilter, page: u32) -> Result<Page<ArticleRow>> {
        let mut texts: Vec<String> = Vec::new();
        let next = |value: String, texts: &mut Vec<String>| {
            texts.push(value);
            format!("${}", texts.len())
        };
        // Conditions on a version, written for the aliases {a} (the version) and {s} (its
        // section): they choose the row's version and, once more, rule out an earlier match.
        let mut conditions = vec!["1 = 1".to_owned()];
        if let Some(status) = filter.status {
            conditions.push(format!("{{a}}.status = {}", next(status.as_str().to_owned(), &mut texts)));
        }
        if let Some(section) = &filter.section {
            conditions.push(format!("{{s}}.key = {}", next(section.to_string(), &mut texts)));
        }
        if let Some(lang) = &filter.lang {
            conditions.push(format!("{{a}}.lang = {}", next(lang.to_string(), &mut texts)));
        }
        if let Some(author) = filter.author {
            conditions.push(format!("CAST({{a}}.author_id AS TEXT) = {}", next(author.0.to_string(), &mut texts)));
        }
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            // SQLite's LOWER and LIKE fold ASCII only, so Cyrillic words are also tried as typed,
            // in lower case and capitalised, which covers how titles and leads are written.
            let cleaned: String = text.chars().filter(|c| !matches!(c, '\\' | '%' | '_')).collect();
            let lower = cleaned.to_lowercase();
            let capitalised: String = lower.chars().take(1).flat_map(char::to_uppercase).chain(lower.chars().skip(1)).collect();
            let mut alternatives = Vec::new();
            for variant in [cleaned.clone(), lower.clone(), capitalised] {
                let p = next(format!("%{variant}%"), &mut texts);
                alternatives.push(format!("{{a}}.title LIKE {p} OR {{a}}.lead LIKE {p}"));
            }
            let p = next(format!("%{lower}%"), &mut texts);
            alternatives.push(format!("LOWER({{a}}.title) LIKE {p} OR LOWER({{a}}.lead) LIKE {p}"));
            conditions.push(format!("({})", alternatives.join(" OR ")));
        }
        if let Some(lang) = &filter.missing_in {
            let p = next(lang.to_string(), &mut texts);
            conditions.push(format!(
                "{{a}}.lang <> {p} AND NOT EXISTS (SELECT 1 FROM articles t WHERE t.translation_key = {{a}}.translation_key AND t.lang = {p})"
            ));
        }
        if let Some(lang) = &filter.outdated_in {
            let p = next(lang.to_string(), &mut texts);
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM articles t JOIN articles src ON src.id = t.source_id \
                 WHERE t.translation_key = {{a}}.translation_key AND t.lang = {p} AND src.revision > t.source_revision)"
            ));
        }
        let conditions = conditions.join(" AND ");
        let on = |a: &str, s: &str| conditions.replace("{a}", a).replace("{s}", s);
        let order = match filter.sort {
            Sort::Updated => "a.updated_at DESC, a.id DESC",
            Sort::Date => "a.published_at DESC, a.id DESC",
            Sort::Title => "a.title, a.id",
        };
        let from = format!(
            "FROM articles a JOIN sections s ON s.id = a.section_id LEFT JOIN users u ON u.id = a.author_id WHERE {} \
             AND NOT EXISTS (SELECT 1 FROM articles e JOIN sections es ON es.id = e.section_id \
                             WHERE e.translation_key = a.translation_key AND e.id < a.id AND {})",
            on("a", "s"),
            on("e", "es"),
        );
        let offset = u64::from(page.saturating_sub(1)) * u64::from(PAGE_SIZE);
        let list_sql = format!(
            "SELECT a.id, a.title, a.lang, s.key, a.status, u.name, a.published_at, a.updated_at, a.translation_key {from} \
             ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}"
        );
        let count_sql = format!("SELECT COUNT(*) {from}");
        let mut count = sqlx::query(&count_sql);
        let mut list = sqlx::query(&list_sql);
        for text in &texts {
            count = count.bind(text.clone());
            list = list.bind(text.clone());
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get(0)?;
        let rows = list.fetch_all(&self.pool).await?;
        let mut items = rows
            .iter()
            .map(|row| {
                let status: String = row.try_get(4)?;
                Ok(ArticleRow {
                    id: ArticleId(row.try_get(0)?),
                    title: row.try_get(1)?,
                    lang: row.try_get(2)?,
                    section: row.try_get(3)?,
                    status: Status::parse(&status).ok_or_else(|| StoreError::Invalid(format!("unknown status {status:?}")))?,
                    author: row.try_get(5)?,
                    published_at: to_time(row.try_get(6)?),
                    updated_at: to_time(row.try_get(7)?),
                    translation_key: row.try_get(8)?,
                    versions: Vec::new(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let keys: Vec<&str> = items.iter().map(|row| row.translation_key.as_str()).collect();
        let mut versions = self.versions_of(&keys).await?;
        for row in &mut items {
            row.versions = versions.remove(&row.translation_key).unwrap_or_default();
        }
        Ok(Page { items, page, total: total.max(0) as u64 })
    }

    /// An article's revisions, newest first.
    pub async fn revisions(&self, id: ArticleId) -> Result<Vec<RevisionMeta>> {
        let rows: Vec<(i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT r.number, u.name, r.created_at FROM revisions r LEFT JOIN users u ON u.id = r.author_id \
             WHERE r.article_id = $1 ORDER BY r.number DESC",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(number, author, at)| RevisionMeta { number, author, created_at: to_time(at) }).collect())
    }

    /// The fields of one revision, as saved (JSON).
    pub async fn revision(&self, id: ArticleId, number: i64) -> Result<serde_json::Value> {
        let row: Option<(String,)> = sqlx::query_as("SELECT snapshot FROM revisions WHERE article_id = $1 AND number = $2")
            .bind(id.0)
            .bind(number)
            .fetch_optional(&self.pool)
            .await?;
        let (snapshot,) = row.ok_or(StoreError::NotFound)?;
        serde_json::from_str(&snapshot).map_err(|e| StoreError::Invalid(format!("revision {number} of article {}: {e}", id.0)))
    }
}

/// What readers see of a workflow step, for the public record.
fn public_event_of_step(from: Status, to: Status) -> Option<Event> {
    match (from, to) {
        (Status::Published, Status::Published) => None,
        (_, Status::Published) => Some(Event::Publish),
        (Status::Published, Status::Archived) => Some(Event::Archive),
        (Status::Published, _) => Some(Event::Unpublish),
        _ => None,
    }
}

/// Brings an article's tag links up to its status and date, after a workflow step changed
/// them; returns its tags' keys in order, for the public record.
pub(crate) async fn follow_in_tags(tx: &mut sqlx::Transaction<'static, sqlx::Any>, article_id: i64) -> Result<Vec<String>> {
    let mut tags: Vec<(i64, String)> = sqlx::query_as(
        "UPDATE article_tags SET status = (SELECT a.status FROM articles a WHERE a.id = $1), \
         published_at = (SELECT a.published_at FROM articles a WHERE a.id = $1) WHERE article_id = $1 \
         RETURNING position, (SELECT key FROM tags WHERE id = tag_id)",
    )
    .bind(article_id)
    .fetch_all(&mut **tx)
    .await?;
    tags.sort_unstable();
    Ok(tags.into_iter().map(|(_, key)| key).collect())
}
