//! Imports: one write transaction that versions are saved into a batch at a time, so that an
//! import of any size holds at most one batch in memory and is all-or-nothing.
//!
//! A batch's new versions — at an address and under a translation key that nothing stored and
//! no earlier version of the batch holds — are written with a few statements for the whole
//! batch; every other version (an update, a collision to refuse with its reason, media to
//! attach) goes through [`save_version`] one at a time, after them and in the import's order.
//! Either way the outcome is the one saving each version in turn would have.

use std::collections::{HashMap, HashSet};

use pressroom_domain::{ArticleDraft, OldPath};
use sqlx::Row;

use crate::changes::ArticleReach;
use crate::documents::set_document_facts;
use crate::record::{self, KnownItem};
use crate::write::{
    bind_fields, insert_tag_links, resolve_tags, save_tag, save_version, set_event_dates, SiteKeys, Snapshot, TagDef, TagLink, Target,
};
use crate::{audit, now, Actor, Engine, ImportReport, Result, Store, StoreError, WriteTx};

/// Versions saved together. Small enough that binding stays cheap (SQLite finds a bound value's
/// place by a walk along the statement's parameters, so a statement's binding cost grows with
/// the square of their number), large enough that a batch's statements cost little per version.
const BATCH: usize = 50;

/// SQLite's page cache for an import's connection, in KiB.
const IMPORT_CACHE_KIB: u32 = 64 * 1024;

/// An import in progress; see the module's documentation.
pub struct ImportSession<'a> {
    w: WriteTx<'a>,
    keys: SiteKeys,
    actor: Actor,
    tags: usize,
    /// Versions received but not yet written, with their position in the import and the
    /// addresses they had on the site the import comes from.
    pending: Vec<(usize, ArticleDraft, Vec<OldPath>)>,
    /// Whether any version brought old addresses, which every server must then learn of.
    redirects_added: bool,
    received: usize,
    report: ImportReport,
}

impl Store {
    /// Begins an import: the tag definitions are saved first, then each version by
    /// [`ImportSession::save`]; nothing is visible until [`ImportSession::commit`].
    pub async fn begin_import(&self, tags: &[TagDef], actor: &Actor) -> Result<ImportSession<'_>> {
        let mut w = self.begin_write().await?;
        if self.engine == Engine::Sqlite {
            // The whole import is one transaction: pages it changed and must change again are
            // kept in memory (a fixed amount, whatever the size of the import) rather than read
            // back from the write-ahead log. The connection's usual size is restored at the end.
            sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}")).execute(&mut *w.tx).await?;
        } else {
            // PostgreSQL plans a prepared statement once for good after a few runs, from what it
            // knew of the tables then: at the start of a large import, that they were nearly
            // empty, where a full scan is cheapest. Planned anew each time, the lookups keep to
            // their indexes as the tables grow.
            sqlx::query("SET LOCAL plan_cache_mode = force_custom_plan").execute(&mut *w.tx).await?;
        }
        let keys = SiteKeys::load(&mut w.tx).await?;
        for tag in tags {
            save_tag(&mut w.tx, tag).await?;
        }
        Ok(ImportSession {
            w,
            keys,
            actor: actor.clone(),
            tags: tags.len(),
            pending: Vec::with_capacity(BATCH),
            redirects_added: false,
            received: 0,
            report: ImportReport::default(),
        })
    }

    /// Saves tag definitions and article versions in one transaction; on any error nothing is
    /// written. `on_saved` is called after each article (for a progress bar).
    pub async fn import(
        &self,
        tags: &[TagDef],
        drafts: &[ArticleDraft],
        actor: &Actor,
        on_saved: &(dyn Fn() + Sync),
    ) -> Result<ImportReport> {
        let mut session = self.begin_import(tags, actor).await?;
        for draft in drafts {
            session.save(draft.clone(), Vec::new()).await?;
            on_saved();
        }
        session.commit().await
    }
}

impl ImportSession<'_> {
    /// Saves one version, matched to a stored one by translation key and language, with the
    /// addresses it had before the import, which will answer 301 to it (the import's actor
    /// names where they came from). A refusal names the version by its position in the import
    /// (`StoreError::Rejected { index, .. }`); it may come a batch later than the version's own
    /// call.
    pub async fn save(&mut self, draft: ArticleDraft, old_paths: Vec<OldPath>) -> Result<()> {
        self.redirects_added |= !old_paths.is_empty();
        self.pending.push((self.received, draft, old_paths));
        self.received += 1;
        if self.pending.len() >= BATCH {
            self.write_pending().await?;
        }
        Ok(())
    }

    /// The position of the first version whose writing is still to come: a refusal can only
    /// name this one or a later one.
    pub fn unwritten_from(&self) -> usize {
        self.received - self.pending.len()
    }

    /// Makes everything saved visible at once.
    pub async fn commit(mut self) -> Result<ImportReport> {
        self.write_pending().await?;
        let report = self.report;
        let detail = format!("{} created, {} updated, {} tags", report.created, report.updated, self.tags);
        audit(&mut self.w.tx, &self.actor, "import", "articles", &detail).await?;
        if self.redirects_added {
            self.w.record_site_change("redirects", false).await?;
        }
        if self.w.engine == Engine::Sqlite {
            sqlx::query("PRAGMA cache_size = -2000").execute(&mut *self.w.tx).await?;
        }
        self.w.commit().await?;
        Ok(report)
    }

    async fn write_pending(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.pending);
        if batch.is_empty() {
            return Ok(());
        }
        let (stored_versions, stored_addresses) = self.stored_keys(&batch).await?;
        let (mut seen_versions, mut seen_addresses) = (HashSet::new(), HashSet::new());
        let (mut new, mut others) = (Vec::new(), Vec::new());
        for (index, draft, old_paths) in batch {
            let version = (draft.translation_key.clone(), draft.lang.as_str().to_owned());
            let section_id = self.keys.sections.get(draft.section.as_str()).copied();
            let address = section_id.map(|id| (draft.lang.as_str().to_owned(), id, draft.slug.as_str().to_owned()));
            let is_new = self.keys.languages.iter().any(|l| l == draft.lang.as_str())
                && draft.media.is_none()
                && !stored_versions.contains(&version)
                && !seen_versions.contains(&version)
                && address.as_ref().is_some_and(|a| !stored_addresses.contains(a) && !seen_addresses.contains(a));
            seen_versions.insert(version);
            seen_addresses.extend(address);
            match section_id {
                Some(section_id) if is_new => new.push((section_id, draft, old_paths)),
                _ => others.push((index, draft, old_paths)),
            }
        }
        self.insert_new(&new).await?;
        let author = self.actor.user.map(|u| u.0);
        for (index, draft, old_paths) in &others {
            let (id, revision) = save_version(&mut self.w, &self.keys, *index, draft, Target::ByTranslation, author, None).await?;
            self.keep_old_paths(id, draft, old_paths).await?;
            if revision == 1 {
                self.report.created += 1;
            } else {
                self.report.updated += 1;
            }
        }
        self.w.write_full_statements_of_changes().await
    }

    /// Which of the batch's versions (translation key, language) and addresses (language,
    /// section id, slug) are stored already.
    async fn stored_keys(
        &mut self,
        batch: &[(usize, ArticleDraft, Vec<OldPath>)],
    ) -> Result<(HashSet<(String, String)>, HashSet<(String, i64, String)>)> {
        let keys: HashSet<&str> = batch.iter().map(|(_, d, _)| d.translation_key.as_str()).collect();
        let sql = format!("SELECT translation_key, lang FROM articles WHERE translation_key IN ({})", record::placeholders(1, keys.len()));
        let mut query = sqlx::query_as(&sql);
        for key in &keys {
            query = query.bind(*key);
        }
        let versions: Vec<(String, String)> = query.fetch_all(&mut *self.w.tx).await?;

        // Each address is asked for whole, so that every engine looks it up in the unique index
        // of addresses: asked as lists of languages, sections and slugs, PostgreSQL (whose
        // statistics in the middle of an import still describe the table before it) read every
        // article of the language and section, for every batch.
        let addresses: Vec<(&str, i64, &str)> = batch
            .iter()
            .filter_map(|(_, d, _)| Some((d.lang.as_str(), *self.keys.sections.get(d.section.as_str())?, d.slug.as_str())))
            .collect();
        if addresses.is_empty() {
            return Ok((versions.into_iter().collect(), HashSet::new()));
        }
        let conditions: Vec<String> = (0..addresses.len())
            .map(|i| format!("(lang = ${} AND section_id = ${} AND slug = ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect();
        let sql = format!("SELECT lang, section_id, slug FROM articles WHERE {}", conditions.join(" OR "));
        let mut query = sqlx::query_as(&sql);
        for (lang, section_id, slug) in addresses {
            query = query.bind(lang).bind(section_id).bind(slug);
        }
        let addresses: Vec<(String, i64, String)> = query.fetch_all(&mut *self.w.tx).await?;
        Ok((versions.into_iter().collect(), addresses.into_iter().collect()))
    }

    /// Writes new versions, their tag links and first revisions, a statement for each.
    async fn insert_new(&mut self, new: &[(i64, ArticleDraft, Vec<OldPath>)]) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let (author, at) = (self.actor.user.map(|u| u.0), now());
        let sql = format!(
            "INSERT INTO articles (translation_key, lang, section_id, slug, title, lead, body, cover, featured, status, \
             published_at, event, report_of, document, author_id, created_at, updated_at, revision) VALUES {} RETURNING id, translation_key, lang",
            record::value_rows(self.w.engine, new.len(), 18)
        );
        let mut query = sqlx::query(&sql);
        for (section_id, draft, _) in new {
            query = bind_fields(query, draft, *section_id).bind(author).bind(at).bind(at).bind(1_i64);
        }
        let mut ids: HashMap<(String, String), i64> = HashMap::new();
        for row in query.fetch_all(&mut *self.w.tx).await? {
            ids.insert((row.try_get(1)?, row.try_get(2)?), row.try_get(0)?);
        }
        // The new ids, in the order of `new`.
        let ids: Vec<i64> = new
            .iter()
            .map(|(_, draft, _)| {
                ids.get(&(draft.translation_key.clone(), draft.lang.as_str().to_owned()))
                    .copied()
                    .ok_or_else(|| StoreError::Invalid(format!("the new version {:?} was not written", draft.translation_key)))
            })
            .collect::<Result<_>>()?;

        let mut links: Vec<TagLink> = Vec::new();
        let mut tag_keys: Vec<Vec<String>> = Vec::with_capacity(new.len());
        for (id, (_, draft, _)) in ids.iter().zip(new) {
            let tags = resolve_tags(&mut self.w.tx, &self.keys, draft).await?;
            for (position, (tag, _)) in tags.iter().enumerate() {
                links.push((*id, *tag, position, draft));
            }
            tag_keys.push(tags.into_iter().map(|(_, key)| key).collect());
        }
        insert_tag_links(&mut self.w.tx, self.w.engine, &links).await?;

        let sql = format!(
            "INSERT INTO revisions (article_id, number, snapshot, author_id, created_at) VALUES {}",
            record::value_rows(self.w.engine, new.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for (id, (_, draft, _)) in ids.iter().zip(new) {
            query = query.bind(*id).bind(1_i64).bind(Snapshot::json(draft)?).bind(author).bind(at);
        }
        query.execute(&mut *self.w.tx).await?;

        for ((id, (_, draft, old_paths)), tags) in ids.iter().zip(new).zip(&tag_keys) {
            self.keep_old_paths(*id, draft, old_paths).await?;
            if draft.event.is_some() {
                set_event_dates(&mut self.w.tx, &self.keys.zone, *id, draft, false).await?;
            }
            if draft.document.is_some() {
                set_document_facts(&mut self.w.tx, *id, draft).await?;
            }
            let public = draft.status == pressroom_domain::Status::Published;
            if public {
                self.w.record_public_event(*id, pressroom_record::Event::Publish, "", Some(KnownItem::of(draft, 1, tags)));
            }
            self.w.record_article_change(*id, &ArticleReach::new(public, draft.lang.as_str(), &draft.translation_key));
        }
        self.report.created += new.len();
        Ok(())
    }

    /// Points a version's old addresses at it.
    async fn keep_old_paths(&mut self, id: i64, draft: &ArticleDraft, old_paths: &[OldPath]) -> Result<()> {
        if old_paths.is_empty() {
            return Ok(());
        }
        let own = OldPath::of_request(&format!("/{}/{}/{}", draft.lang, draft.section, draft.slug), None);
        let origin = self.actor.name.clone();
        self.w.add_article_redirects(id, &own, old_paths, &origin).await
    }
}
