//! The register of documents: published documents by type, adopting body, year and status, and
//! the relations between them. Every register query walks `document_register` by language and
//! one of its indexes, so its cost follows the documents, never the news archive.

use pressroom_domain::{
    ArticleDraft, ArticleSummary, DocumentFacts, DocumentStatus, DocumentType, Lang, RelatedDocument, Relation, Status, PAGE_SIZE,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::articles::{summary_from_row, SUMMARY_COLUMNS};
use crate::changes::ArticleReach;
use crate::reads::{bind_params, Param};
use crate::site::put_setting;
use crate::{audit, Actor, Result, Store, StoreError, WriteTx};

/// The setting that holds the site's document types (JSON); the standard list when absent.
pub(crate) const DOCUMENT_TYPES_SETTING: &str = "document_types";

/// A document as the register lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentListing {
    pub summary: ArticleSummary,
    pub facts: DocumentFacts,
}

/// The order of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegisterSort {
    /// Latest adopted first.
    #[default]
    Newest,
    Oldest,
    /// By number, the lowest first.
    Number,
}

impl RegisterSort {
    pub const ALL: [RegisterSort; 3] = [RegisterSort::Newest, RegisterSort::Oldest, RegisterSort::Number];

    pub fn as_str(self) -> &'static str {
        match self {
            RegisterSort::Newest => "newest",
            RegisterSort::Oldest => "oldest",
            RegisterSort::Number => "number",
        }
    }

    pub fn parse(text: &str) -> Option<RegisterSort> {
        RegisterSort::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// What a reader narrowed the register to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegisterQuery {
    pub kind: Option<String>,
    pub body: Option<String>,
    pub year: Option<i32>,
    pub status: Option<DocumentStatus>,
    pub sort: RegisterSort,
    pub page: u32,
}

/// The documents of one register page, and whether another page follows.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterMatches {
    pub documents: Vec<DocumentListing>,
    pub more: bool,
}

/// The register's SQL for `query` in `$1`'s language, with its parameters after the language.
pub(crate) fn register_sql(query: &RegisterQuery) -> (String, Vec<Param>) {
    let mut filter = String::new();
    let mut params = Vec::new();
    let mut add = |sql: &str, param: Param| {
        params.push(param);
        filter.push_str(&sql.replace('?', &format!("${}", params.len() + 1)));
    };
    if let Some(kind) = &query.kind {
        add(" AND d.kind = ?", Param::Text(kind.clone()));
    }
    if let Some(body) = &query.body {
        add(" AND d.body = ?", Param::Text(body.clone()));
    }
    if let Some(status) = query.status {
        add(" AND d.doc_status = ?", Param::Text(status.as_str().to_owned()));
    }
    if let Some(year) = query.year {
        add(" AND d.adopted_on >= ?", Param::Text(format!("{year:04}-01-01")));
        add(" AND d.adopted_on <= ?", Param::Text(format!("{year:04}-12-31")));
    }
    let order = match query.sort {
        RegisterSort::Newest => "d.adopted_on DESC, d.article_id DESC",
        RegisterSort::Oldest => "d.adopted_on ASC, d.article_id ASC",
        RegisterSort::Number => "d.number_key ASC, d.adopted_on ASC, d.article_id ASC",
    };
    let offset = u64::from(query.page.max(1) - 1) * u64::from(PAGE_SIZE);
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, a.document FROM document_register d \
         JOIN articles a ON a.id = d.article_id JOIN sections s ON s.id = a.section_id \
         WHERE d.lang = $1 AND a.status = 'published'{filter} ORDER BY {order} LIMIT {} OFFSET {offset}",
        PAGE_SIZE + 1
    );
    (sql, params)
}

/// The published documents in `$2`'s language with the translation key `$1` in their
/// relations, and how they name it. Read from the links first (`CROSS JOIN` keeps SQLite from
/// walking every article of the language by date instead).
pub(crate) const DOCUMENTS_BEARING_ON_SQL: &str = "SELECT a.id, a.lang, s.key, a.slug, a.title, a.lead, a.cover, a.published_at, \
     a.document, l.relation FROM document_links l CROSS JOIN articles a JOIN sections s ON s.id = a.section_id \
     WHERE a.id = l.article_id AND l.target_key = $1 AND a.lang = $2 AND a.status = 'published' \
     ORDER BY a.published_at, a.id LIMIT 100";

/// The first and last adoption day in `$1`'s language: two index seeks.
pub(crate) const REGISTER_SPAN_SQL: &str = "SELECT \
     (SELECT adopted_on FROM document_register WHERE lang = $1 ORDER BY adopted_on LIMIT 1), \
     (SELECT adopted_on FROM document_register WHERE lang = $1 ORDER BY adopted_on DESC LIMIT 1)";

/// The adopting bodies with a published document in `$1`'s language, by name: a seek from one
/// body to the next along the register's body index (a skip scan written out), each kept if
/// one of its documents is published.
pub(crate) const REGISTER_BODIES_SQL: &str = "WITH RECURSIVE bodies (body) AS ( \
     SELECT MIN(body) FROM document_register WHERE lang = $1 AND body > '' \
     UNION ALL \
     SELECT (SELECT MIN(d.body) FROM document_register d WHERE d.lang = $1 AND d.body > bodies.body) FROM bodies WHERE bodies.body IS NOT NULL) \
     SELECT body FROM bodies WHERE body IS NOT NULL AND EXISTS (SELECT 1 FROM document_register d JOIN articles a ON a.id = d.article_id \
     WHERE d.lang = $1 AND d.body = bodies.body AND a.status = 'published') LIMIT 500";

/// The published document in `$2`'s language with translation key `$1`.
pub(crate) const DOCUMENT_BY_KEY_SQL: &str = "SELECT a.id, a.lang, s.key, a.slug, a.title, a.lead, a.cover, a.published_at, a.document \
     FROM articles a JOIN sections s ON s.id = a.section_id \
     WHERE a.translation_key = $1 AND a.lang = $2 AND a.status = 'published' AND a.document IS NOT NULL";

fn listing_from_row(row: &AnyRow) -> Result<DocumentListing> {
    let json: String = row.try_get(8)?;
    Ok(DocumentListing { summary: summary_from_row(row)?, facts: DocumentFacts::from_json(&json).map_err(StoreError::Invalid)? })
}

fn related_from_row(relation: Relation, incoming: bool, row: &AnyRow) -> Result<RelatedDocument> {
    let DocumentListing { summary, facts } = listing_from_row(row)?;
    Ok(RelatedDocument { relation, incoming, summary, facts })
}

/// `12-р` → `000000000012-р`: the leading digits padded, so that numbers sort as numbers.
fn number_key(number: &str) -> String {
    let number = number.to_lowercase();
    let digits = number.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return number;
    }
    format!("{:0>12}{}", &number[..digits], &number[digits..])
}

impl Store {
    /// One page of the published documents in `lang` that match `query`.
    pub async fn register(&self, lang: &Lang, query: &RegisterQuery) -> Result<RegisterMatches> {
        let (sql, params) = register_sql(query);
        let rows = bind_params(sqlx::query(&sql).bind(lang.as_str()), &params).fetch_all(&self.pool).await?;
        let mut documents = rows.iter().map(listing_from_row).collect::<Result<Vec<_>>>()?;
        let more = documents.len() > PAGE_SIZE as usize;
        documents.truncate(PAGE_SIZE as usize);
        Ok(RegisterMatches { documents, more })
    }

    /// What the register's filters offer in `lang`: the first and last year of adoption, and the
    /// adopting bodies by name. Both walk the register's indexes a step per year end or body, so
    /// their cost follows the number of bodies, not of documents.
    pub async fn register_choices(&self, lang: &Lang) -> Result<(Option<(i32, i32)>, Vec<String>)> {
        let (first, last): (Option<String>, Option<String>) =
            sqlx::query_as(REGISTER_SPAN_SQL).bind(lang.as_str()).fetch_one(&self.pool).await?;
        let year = |day: Option<String>| day.and_then(|d| d.get(..4).and_then(|y| y.parse::<i32>().ok()));
        let bodies: Vec<(String,)> = sqlx::query_as(REGISTER_BODIES_SQL).bind(lang.as_str()).fetch_all(&self.pool).await?;
        Ok((year(first).zip(year(last)), bodies.into_iter().map(|(b,)| b).collect()))
    }

    /// The documents a document bears on and those that bear on it, in `lang`: what it amends
    /// and supersedes, then what amends and supersedes it, oldest first.
    pub async fn related_documents(&self, key: &str, facts: &DocumentFacts, lang: &Lang) -> Result<Vec<RelatedDocument>> {
        let mut related = Vec::new();
        for (relation, target) in facts.relations() {
            let row = sqlx::query(DOCUMENT_BY_KEY_SQL).bind(target).bind(lang.as_str()).fetch_optional(&self.pool).await?;
            if let Some(row) = row {
                related.push(related_from_row(relation, false, &row)?);
            }
        }
        for row in sqlx::query(DOCUMENTS_BEARING_ON_SQL).bind(key).bind(lang.as_str()).fetch_all(&self.pool).await? {
            let relation: String = row.try_get(9)?;
            let relation = Relation::parse(&relation).ok_or_else(|| StoreError::Invalid(format!("unknown relation {relation:?}")))?;
            related.push(related_from_row(relation, true, &row)?);
        }
        Ok(related)
    }

    /// The extracted text of the files attached to article `id`, in their order (PDFs'; other
    /// files have none).
    pub async fn attachment_text(&self, id: i64) -> Result<String> {
        let texts: Vec<(String,)> = sqlx::query_as(
            "SELECT m.text FROM article_media am JOIN media m ON m.id = am.media_id \
             WHERE am.article_id = $1 AND am.role = 'attachment' AND m.text IS NOT NULL ORDER BY am.position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(texts.into_iter().map(|(t,)| t).collect::<Vec<_>>().join("\n\n"))
    }

    /// Replaces the site's document types.
    pub async fn set_document_types(&self, types: &[DocumentType], actor: &Actor) -> Result<()> {
        let json = serde_json::to_string(types).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut w = self.begin_write().await?;
        put_setting(&mut w.tx, DOCUMENT_TYPES_SETTING, &json).await?;
        w.record_site_change("site", true).await?;
        let keys: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
        audit(&mut w.tx, actor, "settings", DOCUMENT_TYPES_SETTING, &keys.join(", ")).await?;
        w.commit().await?;
        Ok(())
    }
}

/// The site's document types from their setting: the standard list when never set.
pub(crate) fn stored_document_types(json: Option<String>) -> Result<Vec<DocumentType>> {
    match json {
        None => Ok(DocumentType::standard()),
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::Invalid(format!("stored document types: {e}"))),
    }
}

/// Keeps the register's row and the relations of article `id` in step with its facts: a row and
/// its links for a document, none otherwise.
pub(crate) async fn set_document_facts(tx: &mut Transaction<'static, Any>, id: i64, draft: &ArticleDraft) -> Result<()> {
    write_document_rows(tx, id, draft.lang.as_str(), draft.document.as_ref()).await
}

async fn write_document_rows(tx: &mut Transaction<'static, Any>, id: i64, lang: &str, facts: Option<&DocumentFacts>) -> Result<()> {
    sqlx::query("DELETE FROM document_register WHERE article_id = $1").bind(id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM document_links WHERE article_id = $1").bind(id).execute(&mut **tx).await?;
    let Some(facts) = facts else { return Ok(()) };
    sqlx::query(
        "INSERT INTO document_register (article_id, lang, kind, body, adopted_on, doc_status, number_key) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(lang)
    .bind(&facts.kind)
    .bind(facts.body.as_deref().unwrap_or_default())
    .bind(facts.adopted_on.to_string())
    .bind(facts.status.as_str())
    .bind(number_key(&facts.number))
    .execute(&mut **tx)
    .await?;
    for (relation, target) in facts.relations() {
        sqlx::query("INSERT INTO document_links (article_id, relation, target_key) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(relation.as_str())
            .bind(target)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A document's type, number, dates, status and relations are the item's, not one language's:
/// saving one version carries them to the item's other versions (their names stay their own).
pub(crate) async fn follow_document_group(w: &mut WriteTx<'_>, id: i64, draft: &ArticleDraft) -> Result<()> {
    let Some(facts) = &draft.document else { return Ok(()) };
    let others: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, lang, status, document FROM articles WHERE translation_key = $1 AND id <> $2 AND document IS NOT NULL")
            .bind(&draft.translation_key)
            .bind(id)
            .fetch_all(&mut *w.tx)
            .await?;
    for (other, lang, status, json) in others {
        let theirs = DocumentFacts::from_json(&json).map_err(StoreError::Invalid)?;
        let moved = theirs.following(facts);
        if moved == theirs {
            continue;
        }
        sqlx::query("UPDATE articles SET document = $1 WHERE id = $2").bind(moved.to_json()).bind(other).execute(&mut *w.tx).await?;
        write_document_rows(&mut w.tx, other, &lang, Some(&moved)).await?;
        let public = status == Status::Published.as_str();
        w.record_article_change(other, &ArticleReach::new(public, &lang, &draft.translation_key));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_as_numbers() {
        let mut keys = ["10", "9", "12-р", "CFM/3"].map(number_key);
        keys.sort();
        assert_eq!(keys, ["000000000009", "000000000010", "000000000012-р", "cfm/3"]);
    }
}
