//! Languages, sections and site names.

use pressroom_domain::{Lang, Language, Section, SectionKey, Site, SiteZone};

use sqlx::{Any, Transaction};

use crate::documents::{stored_document_types, DOCUMENT_TYPES_SETTING};
use crate::{audit, Actor, Result, Store, StoreError};

impl Store {
    /// The site's languages in order and its sections with their names.
    pub async fn site(&self) -> Result<Site> {
        let languages: Vec<(String, String, String)> =
            sqlx::query_as("SELECT code, native_name, site_name FROM languages ORDER BY position, code").fetch_all(&self.pool).await?;
        let languages = languages
            .into_iter()
            .map(|(code, native_name, site_name)| Ok(Language { code: parse_lang(&code)?, native_name, site_name }))
            .collect::<Result<Vec<_>>>()?;
        let rows: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT s.key, n.lang, n.name FROM sections s \
             LEFT JOIN section_names n ON n.section_id = s.id \
             LEFT JOIN languages l ON l.code = n.lang \
             ORDER BY s.position, s.key, l.position",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut sections: Vec<Section> = Vec::new();
        for (key, lang, name) in rows {
            if sections.last().is_none_or(|s| s.key.as_str() != key) {
                let key = SectionKey::parse(&key).map_err(|e| StoreError::Invalid(e.to_string()))?;
                sections.push(Section { key, names: Vec::new() });
            }
            if let (Some(lang), Some(name)) = (lang, name) {
                let section = sections.last_mut().expect("pushed above");
                section.names.push((parse_lang(&lang)?, name));
            }
        }
        if languages.is_empty() {
            return Err(StoreError::Invalid("the site has no languages; run `pressroom init`".into()));
        }
        let zone = stored_zone(self.setting(TIME_ZONE_SETTING).await?)?;
        let document_types = stored_document_types(self.setting(DOCUMENT_TYPES_SETTING).await?)?;
        Ok(Site { languages, sections, zone, document_types })
    }

    /// Writes `site` into an empty database; returns false, changing nothing, if the site
    /// already has languages.
    pub async fn ensure_site(&self, site: &Site) -> Result<bool> {
        let mut w = self.begin_write().await?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM languages").fetch_one(&mut *w.tx).await?;
        if count > 0 {
            return Ok(false);
        }
        for (position, language) in site.languages.iter().enumerate() {
            sqlx::query("INSERT INTO languages (code, position, native_name, site_name) VALUES ($1, $2, $3, $4)")
                .bind(language.code.as_str())
                .bind(position as i64)
                .bind(&language.native_name)
                .bind(&language.site_name)
                .execute(&mut *w.tx)
                .await?;
        }
        for (position, section) in site.sections.iter().enumerate() {
            let (id,): (i64,) = sqlx::query_as("INSERT INTO sections (key, position) VALUES ($1, $2) RETURNING id")
                .bind(section.key.as_str())
                .bind(position as i64)
                .fetch_one(&mut *w.tx)
                .await?;
            for (lang, name) in &section.names {
                sqlx::query("INSERT INTO section_names (section_id, lang, name) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(lang.as_str())
                    .bind(name)
                    .execute(&mut *w.tx)
                    .await?;
            }
        }
        put_setting(&mut w.tx, TIME_ZONE_SETTING, site.zone.name()).await?;
        w.record_change("site").await?;
        w.commit().await?;
        Ok(true)
    }

    /// Renames the site in one language.
    pub async fn set_site_name(&self, lang: &Lang, name: &str) -> Result<()> {
        let mut w = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE languages SET site_name = $1 WHERE code = $2").bind(name).bind(lang.as_str()).execute(&mut *w.tx).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        w.record_change("site").await?;
        w.commit().await?;
        Ok(())
    }
}

/// The setting that holds the site's time zone, an IANA name; UTC when absent.
pub const TIME_ZONE_SETTING: &str = "time_zone";

/// Sets a site setting in the caller's transaction.
pub(crate) async fn put_setting(tx: &mut Transaction<'static, Any>, key: &str, value: &str) -> Result<()> {
    sqlx::query("DELETE FROM site_settings WHERE key = $1").bind(key).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO site_settings (key, value) VALUES ($1, $2)").bind(key).bind(value).execute(&mut **tx).await?;
    Ok(())
}

/// The site's zone from its setting: UTC when never set.
pub(crate) fn stored_zone(name: Option<String>) -> Result<SiteZone> {
    name.map_or_else(|| Ok(SiteZone::default()), |name| SiteZone::parse(&name)).map_err(StoreError::Invalid)
}

pub(crate) fn parse_lang(code: &str) -> Result<Lang> {
    Lang::parse(code).map_err(|e| StoreError::Invalid(e.to_string()))
}

impl Store {
    /// A site setting, such as `require_totp`.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM site_settings WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(row.map(|(v,)| v))
    }

    pub async fn set_setting(&self, key: &str, value: &str, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        put_setting(&mut w.tx, key, value).await?;
        w.record_change("site").await?;
        audit(&mut w.tx, actor, "settings", key, value).await?;
        w.commit().await?;
        Ok(())
    }

    /// Sets the site's name in each language given.
    pub async fn set_site_names(&self, names: &[(Lang, String)], actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        for (lang, name) in names {
            sqlx::query("UPDATE languages SET site_name = $1 WHERE code = $2").bind(name).bind(lang.as_str()).execute(&mut *w.tx).await?;
        }
        w.record_change("site").await?;
        audit(&mut w.tx, actor, "settings", "site names", &names.iter().map(|(l, n)| format!("{l}: {n}")).collect::<Vec<_>>().join("; "))
            .await?;
        w.commit().await?;
        Ok(())
    }

    /// Adds a section at the end, or renames an existing one, with its names per language.
    pub async fn save_section(&self, key: &SectionKey, names: &[(Lang, String)], actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let existing: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM sections WHERE key = $1").bind(key.as_str()).fetch_optional(&mut *w.tx).await?;
        let id = match existing {
            Some((id,)) => id,
            None => {
                let (next,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(position), -1) + 1 FROM sections").fetch_one(&mut *w.tx).await?;
                let (id,): (i64,) = sqlx::query_as("INSERT INTO sections (key, position) VALUES ($1, $2) RETURNING id")
                    .bind(key.as_str())
                    .bind(next)
                    .fetch_one(&mut *w.tx)
                    .await?;
                id
            }
        };
        sqlx::query("DELETE FROM section_names WHERE section_id = $1").bind(id).execute(&mut *w.tx).await?;
        for (lang, name) in names.iter().filter(|(_, n)| !n.trim().is_empty()) {
            sqlx::query("INSERT INTO section_names (section_id, lang, name) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(lang.as_str())
                .bind(name.trim())
                .execute(&mut *w.tx)
                .await?;
        }
        w.record_change("site").await?;
        let action = if existing.is_some() { "section.rename" } else { "section.add" };
        audit(
            &mut w.tx,
            actor,
            action,
            &format!("section:{key}"),
            &names.iter().map(|(l, n)| format!("{l}: {n}")).collect::<Vec<_>>().join("; "),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Adds a language after the existing ones; its pages exist as soon as it has content.
    pub async fn add_language(&self, code: &Lang, native_name: &str, site_name: &str, actor: &Actor) -> Result<()> {
        let mut w = self.begin_write().await?;
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT code FROM languages WHERE code = $1").bind(code.as_str()).fetch_optional(&mut *w.tx).await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("the site already has the language {code}")));
        }
        let (next,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(position), -1) + 1 FROM languages").fetch_one(&mut *w.tx).await?;
        sqlx::query("INSERT INTO languages (code, position, native_name, site_name) VALUES ($1, $2, $3, $4)")
            .bind(code.as_str())
            .bind(next)
            .bind(native_name)
            .bind(site_name)
            .execute(&mut *w.tx)
            .await?;
        w.record_change("site").await?;
        audit(&mut w.tx, actor, "language.add", &format!("language:{code}"), native_name).await?;
        w.commit().await?;
        Ok(())
    }
}
