//! Translations: which version a translation was made from, and whether that source changed
//! since the translation was last saved (then the translation is outdated); the state of every
//! language version of an item, and what each language lacks.

use std::collections::HashMap;

use pressroom_domain::{ArticleId, Lang, Status};

use crate::{Result, Store, StoreError};

/// One language version of an item, for the back office's list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VersionState {
    pub id: ArticleId,
    pub lang: String,
    pub status: Status,
    /// Its source changed after it was last saved.
    pub outdated: bool,
}

/// What one language lacks: items with no version in it, and versions whose source changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationGaps {
    pub lang: Lang,
    pub missing: i64,
    pub outdated: i64,
}

impl Store {
    /// Notes that `id` is a translation of `source` as it was at `source_revision`. A source
    /// that is not another version of the same item is ignored.
    pub async fn set_translation_source(&self, id: ArticleId, source: ArticleId, source_revision: i64) -> Result<()> {
        let mut w = self.begin_write().await?;
        sqlx::query(
            "UPDATE articles SET source_id = $1, source_revision = $2 WHERE id = $3 AND id <> $1 \
             AND translation_key = (SELECT translation_key FROM articles WHERE id = $1)",
        )
        .bind(source.0)
        .bind(source_revision)
        .bind(id.0)
        .execute(&mut *w.tx)
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The version `id` was translated from, if it was and that version still exists.
    pub async fn translation_source(&self, id: ArticleId) -> Result<Option<ArticleId>> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT source_id FROM articles WHERE id = $1").bind(id.0).fetch_optional(&self.pool).await?;
        Ok(row.and_then(|(source,)| source).map(ArticleId))
    }

    /// Every version of each item named, by translation key.
    pub async fn versions_of(&self, keys: &[&str]) -> Result<HashMap<String, Vec<VersionState>>> {
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let placeholders: Vec<String> = (1..=keys.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT a.translation_key, a.id, a.lang, a.status, CASE WHEN src.revision > a.source_revision THEN 1 ELSE 0 END \
             FROM articles a LEFT JOIN articles src ON src.id = a.source_id \
             WHERE a.translation_key IN ({}) ORDER BY a.translation_key, a.lang",
            placeholders.join(", ")
        );
        let mut query = sqlx::query_as::<_, (String, i64, String, String, i64)>(&sql);
        for key in keys {
            query = query.bind(*key);
        }
        let mut out: HashMap<String, Vec<VersionState>> = HashMap::new();
        for (key, id, lang, status, outdated) in query.fetch_all(&self.pool).await? {
            let status = Status::parse(&status).ok_or_else(|| StoreError::Invalid(format!("unknown status {status:?}")))?;
            out.entry(key).or_default().push(VersionState { id: ArticleId(id), lang, status, outdated: outdated == 1 });
        }
        Ok(out)
    }

    /// For each of `languages`: how many items have no version in it, and how many of its
    /// versions are outdated.
    pub async fn translation_gaps(&self, languages: &[Lang]) -> Result<Vec<TranslationGaps>> {
        let mut out = Vec::new();
        for lang in languages {
            let (missing,): (i64,) = sqlx::query_as(
                "SELECT COUNT(DISTINCT a.translation_key) FROM articles a WHERE a.lang <> $1 \
                 AND NOT EXISTS (SELECT 1 FROM articles t WHERE t.translation_key = a.translation_key AND t.lang = $1)",
            )
            .bind(lang.as_str())
            .fetch_one(&self.pool)
            .await?;
            let (outdated,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM articles a JOIN articles src ON src.id = a.source_id \
                 WHERE a.lang = $1 AND src.revision > a.source_revision",
            )
            .bind(lang.as_str())
            .fetch_one(&self.pool)
            .await?;
            out.push(TranslationGaps { lang: lang.clone(), missing, outdated });
        }
        Ok(out)
    }
}
