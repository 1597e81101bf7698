//! What readers see: published articles, lists, archives, translations, related items, tags.

use std::collections::HashMap;

use pressroom_domain::{
    Article, ArticleId, ArticleSummary, ChangeNote, DocumentFacts, EventFacts, Lang, MediaItem, SectionKey, SiteZone, Slug, Status, Tag,
    TagKey, TagKind, TagRef, TranslationRef, UserId,
};

use crate::reads::{Cells, Param, ReadConn};
use crate::site::parse_lang;
use crate::{to_time, Result, Store, StoreError};

/// A published page's address and last change, for the sitemap.
#[derive(Debug, Clone)]
pub struct SitemapEntry {
    /// Whether the page is one of the part's own, not only another version of one.
    pub listed: bool,
    pub translation_key: String,
    pub lang: Lang,
    pub section: SectionKey,
    pub slug: Slug,
    pub modified: time::OffsetDateTime,
}

pub(crate) const SUMMARY_COLUMNS: &str = "a.id, a.lang, s.key, a.slug, a.title, a.lead, a.cover, a.published_at";

const ARTICLE_COLUMNS: &str = "a.id, a.lang, s.key, a.slug, a.title, a.lead, a.cover, a.published_at, a.translation_key, a.body, \
                               a.featured, a.status, a.updated_at, a.author_id, a.revision, a.change_notes, a.event, a.report_of, a.document";

/// How many columns [`ARTICLE_COLUMNS`] names.
const ARTICLE_COLUMN_COUNT: usize = 19;

/// The SQL behind public pages, named so that the test of query plans reads the very SQL the
/// store runs (see `explain.rs`).
pub(crate) fn latest_articles_sql(by_section: bool, limit: u32) -> String {
    let filter = if by_section { " AND a.section_id = (SELECT id FROM sections WHERE key = $2)" } else { "" };
    format!(
        "SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
         WHERE a.lang = $1 AND a.status = 'published'{filter} ORDER BY a.published_at DESC, a.id DESC LIMIT {limit}"
    )
}

pub(crate) fn featured_sql(limit: u32) -> String {
    format!(
        "SELECT {SUMMARY_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
         WHERE a.lang = $1 AND a.status = 'published' AND a.featured = $2 ORDER BY a.published_at DESC, a.id DESC LIMIT {limit}"
    )
}

/// The article at an address with its tags (named in its language), a row per tag: one
/// statement where two would each cross to SQLite's worker thread and back.
pub(crate) fn article_at_sql() -> String {
    format!(
        "SELECT {ARTICLE_COLUMNS}, t.key, n.name FROM articles a JOIN sections s ON s.id = a.section_id \
         LEFT JOIN article_tags x ON x.article_id = a.id LEFT JOIN tags t ON t.id = x.tag_id \
         LEFT JOIN tag_names n ON n.tag_id = t.id AND n.lang = a.lang \
         WHERE a.lang = $1 AND a.section_id = (SELECT id FROM sections WHERE key = $2) AND a.slug = $3 ORDER BY x.position"
    )
}

pub(crate) const MOVED_ARTICLE_SQL: &str = "SELECT f.article_id FROM former_addresses f JOIN sections s ON s.id = f.section_id \
                                            WHERE f.lang = $1 AND s.key = $2 AND f.slug = $3";

// `a.status || ''` keeps the status out of the choice of index: an item's few versions are
// found by its translation key, never by walking every published article (which a planner
// without statistics may otherwise pick, as SQLite did at 100,000 articles: 264 ms).
pub(crate) const TRANSLATIONS_SQL: &str = "SELECT a.lang, s.key, a.slug, a.title FROM articles a JOIN sections s ON s.id = a.section_id \
                                           JOIN languages l ON l.code = a.lang \
                                           WHERE a.translation_key = $1 AND a.lang <> $2 AND a.status || '' = 'published' ORDER BY l.position";

// As above: the id range and the translation keys choose the indexes, not the status.
pub(crate) const SITEMAP_PART_SQL: &str = "SELECT a.id, a.translation_key, a.lang, s.key, a.slug, a.published_at, a.updated_at \
     FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.status || '' = 'published' AND a.translation_key IN \
     (SELECT translation_key FROM articles WHERE id >= $1 AND id <= $2 AND status || '' = 'published') \
     ORDER BY a.translation_key, a.lang";

/// One article's tags, named in a language (`$1`), in their order.
pub(crate) const ARTICLE_TAGS_SQL: &str = "SELECT t.key, n.name FROM article_tags x JOIN tags t ON t.id = x.tag_id \
     LEFT JOIN tag_names n ON n.tag_id = t.id AND n.lang = $1 WHERE x.article_id = $2 ORDER BY x.position";

/// The tags of `count` articles, named in a language: `$1` is the language, `$2…` the
/// articles' ids. Parameters rather than the ids themselves, so that the statement is prepared
/// once per count, not once per page.
pub(crate) fn tags_of_sql(count: usize) -> String {
    format!(
        "SELECT x.article_id, t.key, n.name FROM article_tags x JOIN tags t ON t.id = x.tag_id \
         LEFT JOIN tag_names n ON n.tag_id = t.id AND n.lang = $1 \
         WHERE x.article_id IN ({}) ORDER BY x.article_id, x.position",
        crate::record::placeholders(2, count)
    )
}

/// The published articles of a language in a period: one walk along its date index.
pub(crate) const ARCHIVE_COUNT_SQL: &str =
    "SELECT COUNT(*) FROM articles WHERE lang = $1 AND status = 'published' AND published_at >= $2 AND published_at < $3";

/// The first and last publication dates of a language: the two ends of its date index.
pub(crate) const ARCHIVE_SPAN_SQL: &str =
    "SELECT MIN(published_at), MAX(published_at) FROM articles WHERE lang = $1 AND status = 'published'";

impl Store {
    /// The latest `limit` published articles in `lang`, of one section or all, whole and with
    /// their tags: what a feed carries.
    pub async fn latest_articles(&self, lang: &Lang, section: Option<&SectionKey>, limit: u32) -> Result<Vec<Article>> {
        let mut params = vec![Param::Text(lang.as_str().to_owned())];
        params.extend(section.map(|section| Param::Text(section.as_str().to_owned())));
        let mut conn = self.read_conn().await?;
        let mut articles = conn.rows(&latest_articles_sql(section.is_some(), limit), &params, article_from_row).await?;
        let ids: Vec<i64> = articles.iter().map(|a| a.id.0).collect();
        let mut tags = tags_of(&mut conn, &ids, lang).await?;
        for article in &mut articles {
            article.tags = tags.remove(&article.id.0).unwrap_or_default();
        }
        Ok(articles)
    }

    /// The largest article id so far: the sitemap's parts are ranges of ids.
    pub async fn last_article_id(&self) -> Result<i64> {
        let (last,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM articles").fetch_one(&self.pool).await?;
        Ok(last)
    }

    /// The published articles whose ids are in `ids`, for one part of the sitemap, with the
    /// other published versions of their items (for `hreflang`; `listed` is false for those),
    /// by translation key. Bounded by the range, however large the site.
    pub async fn sitemap_entries(&self, ids: std::ops::RangeInclusive<i64>) -> Result<Vec<SitemapEntry>> {
        // Thousands of rows: read apart from the threads that render pages.
        let conn = self.read_conn().await?;
        let params = vec![Param::Int(*ids.start()), Param::Int(*ids.end())];
        let rows = conn.fold_apart(SITEMAP_PART_SQL.to_owned(), params, Vec::new(), |rows, row| {
            rows.push((row.int(0)?, row.text(1)?, row.text(2)?, row.text(3)?, row.text(4)?, row.int(5)?, row.int(6)?));
            Ok(())
        });
        rows.await?
            .into_iter()
            .map(|(id, translation_key, lang, section, slug, published_at, updated_at)| {
                Ok(SitemapEntry {
                    listed: ids.contains(&id),
                    translation_key,
                    lang: parse_lang(&lang)?,
                    section: parse_key(SectionKey::parse(&section))?,
                    slug: parse_key(Slug::parse(&slug))?,
                    modified: to_time(updated_at.max(published_at)),
                })
            })
            .collect()
    }

    /// Published articles marked as featured, newest first.
    pub async fn featured(&self, lang: &Lang, limit: u32) -> Result<Vec<ArticleSummary>> {
        let params = [Param::Text(lang.as_str().to_owned()), Param::Int(1)];
        self.read_conn().await?.rows(&featured_sql(limit), &params, summary_from_row).await
    }

    /// The article at a public URL, whatever its status; the caller decides what readers see.
    pub async fn article_at(&self, lang: &Lang, section: &SectionKey, slug: &Slug) -> Result<Article> {
        article_at(&mut self.read_conn().await?, lang, section, slug).await
    }

    /// Everything an article's public page shows, read on one connection: the article (whatever
    /// its status; the caller decides what readers see), its translations, its media and its
    /// related items.
    pub async fn article_view(&self, lang: &Lang, section: &SectionKey, slug: &Slug, related: u32) -> Result<ArticleView> {
        let mut conn = self.read_conn().await?;
        let article = article_at(&mut conn, lang, section, slug).await?;
        self.view_of(conn, article, related).await
    }

    /// [`Store::article_view`] of an article by id: what a preview link shows.
    pub async fn article_view_by_id(&self, id: ArticleId, related: u32) -> Result<ArticleView> {
        let article = self.article(id).await?;
        self.view_of(self.read_conn().await?, article, related).await
    }

    async fn view_of(&self, mut conn: ReadConn, article: Article, related: u32) -> Result<ArticleView> {
        let translations = translations(&mut conn, &article).await?;
        let (gallery, attachments) = crate::media::article_media(&mut conn, article.id).await?;
        let found = self.related_on(&mut conn, &article, related).await?;
        drop(conn);
        let related = match found {
            Some(found) => found,
            None => self.latest_beside(&article, related).await?,
        };
        Ok(ArticleView { article, translations, gallery, attachments, related })
    }

    /// The article that once lived at an address and moved (its slug or section changed after
    /// publication), if any.
    pub async fn moved_article(&self, lang: &Lang, section: &SectionKey, slug: &Slug) -> Result<Option<ArticleId>> {
        let params = [lang.as_str(), section.as_str(), slug.as_str()].map(|s| Param::Text(s.to_owned()));
        Ok(self.read_conn().await?.rows(MOVED_ARTICLE_SQL, &params, |row| Ok(ArticleId(row.int(0)?))).await?.pop())
    }

    /// The addresses an article has left, newest first: `(lang, section, slug, when)`.
    pub async fn former_addresses(&self, id: ArticleId) -> Result<Vec<(String, String, String, time::OffsetDateTime)>> {
        let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
            "SELECT f.lang, s.key, f.slug, f.retired_at FROM former_addresses f JOIN sections s ON s.id = f.section_id \
             WHERE f.article_id = $1 ORDER BY f.retired_at DESC, f.slug",
        )
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(lang, section, slug, at)| (lang, section, slug, to_time(at))).collect())
    }

    /// An article by id, whatever its status, with its tags.
    pub async fn article(&self, id: ArticleId) -> Result<Article> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = $1");
        let mut conn = self.read_conn().await?;
        let mut article = conn.rows(&sql, &[Param::Int(id.0)], article_from_row).await?.pop().ok_or(StoreError::NotFound)?;
        article.tags = article_tags(&mut conn, article.id, &article.lang).await?;
        Ok(article)
    }

    /// Published articles with ids after `after`, by id, at most `limit`, without tags: what the
    /// search index is rebuilt from, a batch at a time. (Read along the ids: an index by status
    /// would have each batch sort every published article.)
    pub async fn published_batch(&self, after: ArticleId, limit: i64) -> Result<Vec<Article>> {
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id \
             WHERE a.status || '' = 'published' AND a.id > $1 ORDER BY a.id LIMIT $2"
        );
        let rows = sqlx::query(&sql).bind(after.0).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(|row| article_from_row(row)).collect()
    }

    /// How many published articles there are, for progress bars.
    pub async fn count_published(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles WHERE status = 'published'").fetch_one(&self.pool).await?;
        Ok(n)
    }

    /// Every article version, with tags, in a stable order (translation key, then language).
    pub async fn all_articles(&self) -> Result<Vec<Article>> {
        let sql =
            format!("SELECT {ARTICLE_COLUMNS} FROM articles a JOIN sections s ON s.id = a.section_id ORDER BY a.translation_key, a.lang");
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        let mut articles = rows.iter().map(|row| article_from_row(row)).collect::<Result<Vec<_>>>()?;
        let mut conn = self.read_conn().await?;
        for article in &mut articles {
            article.tags = article_tags(&mut conn, article.id, &article.lang).await?;
        }
        Ok(articles)
    }

    /// The published versions of the same item in other languages.
    pub async fn translations(&self, article: &Article) -> Result<Vec<TranslationRef>> {
        translations(&mut self.read_conn().await?, article).await
    }

    /// Years with published articles in `lang`, newest first, with their counts. Years are the
    /// site's: an article of 31 December 23:30 UTC is of the next year in Moscow.
    pub async fn archive_years(&self, lang: &Lang, zone: &SiteZone) -> Result<Vec<(i32, u64)>> {
        let key = format!("{lang}|years|{}", zone.name());
        let count = async {
            let (first, last): (Option<i64>, Option<i64>) =
                sqlx::query_as(ARCHIVE_SPAN_SQL).bind(lang.as_str()).fetch_one(&self.pool).await?;
            let (Some(first), Some(last)) = (first, last) else { return Ok(Vec::new()) };
            let years = zone.local(to_time(first)).year()..=zone.local(to_time(last)).year();
            self.count_periods(lang, years.rev().filter_map(|y| Some((y, zone.archive_period(y, None)?)))).await
        };
        Ok(self.cached_counts(key, count).await?.as_ref().clone())
    }

    /// Months (1–12) of `year` with published articles in `lang`, newest first, with counts.
    pub async fn archive_months(&self, lang: &Lang, zone: &SiteZone, year: i32) -> Result<Vec<(i32, u64)>> {
        zone.archive_period(year, None).ok_or(StoreError::NotFound)?;
        let key = format!("{lang}|months|{year}|{}", zone.name());
        let months = (1..=12u8).rev().filter_map(|m| Some((i32::from(m), zone.archive_period(year, Some(m))?)));
        Ok(self.cached_counts(key, self.count_periods(lang, months)).await?.as_ref().clone())
    }

    /// The number of articles in each period that has any, kept until the next change.
    async fn count_periods(&self, lang: &Lang, periods: impl Iterator<Item = (i32, (i64, i64))>) -> Result<Vec<(i32, u64)>> {
        let mut counts = Vec::new();
        for (label, (from, to)) in periods {
            let (n,): (i64,) = sqlx::query_as(ARCHIVE_COUNT_SQL).bind(lang.as_str()).bind(from).bind(to).fetch_one(&self.pool).await?;
            if n > 0 {
                counts.push((label, n as u64));
            }
        }
        Ok(counts)
    }

    /// A tag by key, with its names.
    pub async fn tag(&self, key: &TagKey) -> Result<Tag> {
        let mut conn = self.read_conn().await?;
        let key_param = [Param::Text(key.as_str().to_owned())];
        let found = conn.rows("SELECT id, kind FROM tags WHERE key = $1", &key_param, |row| Ok((row.int(0)?, row.text(1)?))).await?;
        let (id, kind) = found.into_iter().next().ok_or(StoreError::NotFound)?;
        let names = conn
            .rows(
                "SELECT n.lang, n.name FROM tag_names n JOIN languages l ON l.code = n.lang WHERE n.tag_id = $1 ORDER BY l.position",
                &[Param::Int(id)],
                |row| Ok((parse_lang(&row.text(0)?)?, row.text(1)?)),
            )
            .await?;
        Ok(Tag {
            key: key.clone(),
            kind: TagKind::parse(&kind).ok_or_else(|| StoreError::Invalid(format!("unknown tag kind {kind:?}")))?,
            names,
        })
    }

    /// Every tag, ordered by key.
    pub async fn all_tags(&self) -> Result<Vec<Tag>> {
        // One query for every tag and name: the editor lists them on each render.
        let rows: Vec<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT t.key, t.kind, n.lang, n.name FROM tags t \
             LEFT JOIN tag_names n ON n.tag_id = t.id LEFT JOIN languages l ON l.code = n.lang \
             ORDER BY t.key, l.position",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut tags: Vec<Tag> = Vec::new();
        for (key, kind, lang, name) in rows {
            if tags.last().is_none_or(|t| t.key.as_str() != key) {
                tags.push(Tag {
                    key: parse_key(TagKey::parse(&key))?,
                    kind: TagKind::parse(&kind).ok_or_else(|| StoreError::Invalid(format!("unknown tag kind {kind:?}")))?,
                    names: Vec::new(),
                });
            }
            if let (Some(lang), Some(name)) = (lang, name) {
                tags.last_mut().expect("pushed above").names.push((parse_lang(&lang)?, name));
            }
        }
        Ok(tags)
    }
}

async fn article_tags(conn: &mut ReadConn, id: ArticleId, lang: &Lang) -> Result<Vec<TagRef>> {
    conn.rows(ARTICLE_TAGS_SQL, &[Param::Text(lang.as_str().to_owned()), Param::Int(id.0)], |row| tag_ref(row.text(0)?, row.opt_text(1)?))
        .await
}

/// What an article's public page shows besides the article.
#[derive(Debug, Clone)]
pub struct ArticleView {
    pub article: Article,
    pub translations: Vec<TranslationRef>,
    pub gallery: Vec<MediaItem>,
    pub attachments: Vec<MediaItem>,
    pub related: Vec<ArticleSummary>,
}

async fn article_at(conn: &mut ReadConn, lang: &Lang, section: &SectionKey, slug: &Slug) -> Result<Article> {
    let params = [lang.as_str(), section.as_str(), slug.as_str()].map(|s| Param::Text(s.to_owned()));
    let mut article = None;
    let mut tags = Vec::new();
    conn.rows(&article_at_sql(), &params, |row| {
        if article.is_none() {
            article = Some(article_from_row(row)?);
        }
        // The tag's key and name follow the article's columns.
        if let Some(key) = row.opt_text(ARTICLE_COLUMN_COUNT)? {
            tags.push(tag_ref(key, row.opt_text(ARTICLE_COLUMN_COUNT + 1)?)?);
        }
        Ok(())
    })
    .await?;
    let mut article = article.ok_or(StoreError::NotFound)?;
    article.tags = tags;
    Ok(article)
}

/// A tag as a page names it: by its name in the page's language, else by its key.
fn tag_ref(key: String, name: Option<String>) -> Result<TagRef> {
    Ok(TagRef { key: parse_key(TagKey::parse(&key))?, name: name.unwrap_or(key) })
}

/// The tags of several articles, named in `lang`, in one query.
async fn tags_of(conn: &mut ReadConn, ids: &[i64], lang: &Lang) -> Result<HashMap<i64, Vec<TagRef>>> {
    let mut tags: HashMap<i64, Vec<TagRef>> = HashMap::new();
    if ids.is_empty() {
        return Ok(tags);
    }
    let mut params = vec![Param::Text(lang.as_str().to_owned())];
    params.extend(ids.iter().map(|id| Param::Int(*id)));
    conn.rows(&tags_of_sql(ids.len()), &params, |row| {
        tags.entry(row.int(0)?).or_default().push(tag_ref(row.text(1)?, row.opt_text(2)?)?);
        Ok(())
    })
    .await?;
    Ok(tags)
}

async fn translations(conn: &mut ReadConn, article: &Article) -> Result<Vec<TranslationRef>> {
    let params = [Param::Text(article.translation_key.clone()), Param::Text(article.lang.as_str().to_owned())];
    conn.rows(TRANSLATIONS_SQL, &params, |row| {
        Ok(TranslationRef {
            lang: parse_lang(&row.text(0)?)?,
            section: parse_key(SectionKey::parse(&row.text(1)?))?,
            slug: parse_key(Slug::parse(&row.text(2)?))?,
            title: row.text(3)?,
        })
    })
    .await
}

fn parse_key<T>(parsed: std::result::Result<T, pressroom_domain::InvalidKey>) -> Result<T> {
    parsed.map_err(|e| StoreError::Invalid(e.to_string()))
}

pub(crate) fn summary_from_row(row: &dyn Cells) -> Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: ArticleId(row.int(0)?),
        lang: parse_lang(&row.text(1)?)?,
        section: parse_key(SectionKey::parse(&row.text(2)?))?,
        slug: parse_key(Slug::parse(&row.text(3)?))?,
        title: row.text(4)?,
        lead: row.text(5)?,
        cover: row.opt_text(6)?,
        published_at: to_time(row.int(7)?),
    })
}

/// An article's change notes as `articles.change_notes` keeps them (JSON, oldest first).
pub(crate) fn change_notes(json: &str) -> Result<Vec<ChangeNote>> {
    serde_json::from_str(json).map_err(|e| StoreError::Invalid(format!("unreadable change notes: {e}")))
}

fn article_from_row(row: &dyn Cells) -> Result<Article> {
    let summary = summary_from_row(row)?;
    let status = row.text(11)?;
    Ok(Article {
        id: summary.id,
        translation_key: row.text(8)?,
        lang: summary.lang,
        section: summary.section,
        slug: summary.slug,
        title: summary.title,
        lead: summary.lead,
        body: row.text(9)?,
        cover: summary.cover,
        featured: row.int(10)? != 0,
        status: Status::parse(&status).ok_or_else(|| StoreError::Invalid(format!("unknown status {status:?}")))?,
        published_at: summary.published_at,
        updated_at: to_time(row.int(12)?),
        tags: Vec::new(),
        author: row.opt_int(13)?.map(UserId),
        revision: row.int(14)?,
        change_notes: change_notes(&row.text(15)?)?,
        event: row.opt_text(16)?.map(|json| EventFacts::from_json(&json)).transpose().map_err(StoreError::Invalid)?,
        report_of: row.opt_text(17)?,
        document: row.opt_text(18)?.map(|json| DocumentFacts::from_json(&json)).transpose().map_err(StoreError::Invalid)?,
    })
}
