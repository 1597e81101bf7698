//! Writing article versions, for imports and editors alike: every save writes the article, its
//! tags, a revision and a change-feed entry, in the caller's transaction. An import matches a
//! version to a stored one by its translation key and language, so importing the same folder
//! twice updates rather than duplicates; an editor names the article and the revision they
//! started from, so that a stale save is refused rather than silently overwriting.

use std::collections::HashMap;

use pressroom_domain::{
    format_publication_date, slugify, Amendment, ArticleDraft, AttachedMedia, ChangeNote, DocumentFacts, EventFacts, EventTime, Lang,
    SiteZone, Status, TagKey, TagKind,
};
use pressroom_record::Event;
use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::{Any, Row, Transaction};

use crate::changes::ArticleReach;
use crate::documents::{follow_document_group, set_document_facts};
use crate::record::KnownItem;
use crate::site::{stored_zone, TIME_ZONE_SETTING};
use crate::{now, Engine, Result, StoreError, WriteTx};

/// A tag as a content folder defines it: key, kind and names per language.
#[derive(Debug, Clone, PartialEq)]
pub struct TagDef {
    pub key: TagKey,
    pub kind: TagKind,
    pub names: Vec<(Lang, String)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
}

/// The editable fields of an article at one revision, kept as JSON in `revisions.snapshot`.
#[derive(serde::Serialize)]
pub(crate) struct Snapshot<'a> {
    title: &'a str,
    slug: &'a str,
    section: &'a str,
    lead: &'a str,
    body: &'a str,
    cover: Option<&'a str>,
    featured: bool,
    status: &'a str,
    date: String,
    tags: &'a [String],
}

impl<'a> Snapshot<'a> {
    /// The snapshot of a draft, as stored.
    pub(crate) fn json(draft: &ArticleDraft) -> Result<String> {
        serde_json::to_string(&Snapshot::of(draft)).map_err(|e| StoreError::Invalid(e.to_string()))
    }

    fn of(draft: &'a ArticleDraft) -> Snapshot<'a> {
        Snapshot {
            title: &draft.title,
            slug: draft.slug.as_str(),
            section: draft.section.as_str(),
            lead: &draft.lead,
            body: &draft.body,
            cover: draft.cover.as_deref(),
            featured: draft.featured,
            status: draft.status.as_str(),
            date: format_publication_date(draft.published_at),
            tags: &draft.tags,
        }
    }
}

/// Section ids and language codes, read once per transaction to check every version against.
pub(crate) struct SiteKeys {
    pub(crate) sections: HashMap<String, i64>,
    pub(crate) languages: Vec<String>,
    /// The site's clock, on which an event's days begin.
    pub(crate) zone: SiteZone,
    /// Tags (id, key) by (language, name as written), as resolved earlier in this transaction:
    /// an import of many articles with the same tags looks each one up once.
    tags: std::sync::Mutex<HashMap<(String, String), (i64, String)>>,
}

impl SiteKeys {
    pub(crate) async fn load(tx: &mut Transaction<'static, Any>) -> Result<SiteKeys> {
        let sections = sqlx::query_as::<_, (i64, String)>("SELECT id, key FROM sections").fetch_all(&mut **tx).await?;
        let languages = sqlx::query_as::<_, (String,)>("SELECT code FROM languages").fetch_all(&mut **tx).await?;
        let zone: Option<(String,)> =
            sqlx::query_as("SELECT value FROM site_settings WHERE key = $1").bind(TIME_ZONE_SETTING).fetch_optional(&mut **tx).await?;
        Ok(SiteKeys {
            sections: sections.into_iter().map(|(id, k)| (k, id)).collect(),
            languages: languages.into_iter().map(|(c,)| c).collect(),
            zone: stored_zone(zone.map(|(name,)| name))?,
            tags: std::sync::Mutex::default(),
        })
    }
}

/// Which stored version a save replaces.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Target {
    /// The version with the same translation key and language, or a new one (imports).
    ByTranslation,
    /// A new article; refused if its translation already has a version in its language.
    New,
    /// This article, provided it is still at `expected` revision (editors).
    Existing { id: i64, expected: i64 },
}

/// Writes one article version with its tags, a revision, a change-feed entry and, when readers
/// see the change, its entry in the public record; returns its id and revision number. `index`
/// names the version in errors about a batch. `amendment` says how a change to a published
/// item shows (an import's, without one, is a minor fix).
pub(crate) async fn save_version(
    w: &mut WriteTx<'_>,
    keys: &SiteKeys,
    index: usize,
    draft: &ArticleDraft,
    target: Target,
    author: Option<i64>,
    amendment: Option<&Amendment>,
) -> Result<(i64, i64)> {
    if !keys.languages.iter().any(|l| l == draft.lang.as_str()) {
        return Err(StoreError::Rejected { index, field: "lang", reason: format!("unknown language {:?}", draft.lang.as_str()) });
    }
    let section_id = *keys.sections.get(draft.section.as_str()).ok_or_else(|| StoreError::Rejected {
        index,
        field: "section",
        reason: format!("unknown section {:?}", draft.section.as_str()),
    })?;
    let same_version: Option<(i64, i64, String, i64, String, String)> = sqlx::query_as(
        "SELECT id, revision, status, section_id, slug, change_notes FROM articles WHERE translation_key = $1 AND lang = $2",
    )
    .bind(&draft.translation_key)
    .bind(draft.lang.as_str())
    .fetch_optional(&mut *w.tx)
    .await?;
    // A new article whose translation already has this language is refused, but after the
    // slug check below: a taken address is the likelier mistake and the clearer message.
    let mut translation_taken = false;
    // The article as it was, for the change feed and its former address.
    let mut before: Option<Before> = None;
    let existing = match target {
        Target::ByTranslation => same_version.as_ref().map(|(id, revision, status, section_id, slug, change_notes)| {
            let (lang, key) = (draft.lang.as_str().to_owned(), draft.translation_key.clone());
            before = Some(Before {
                status: status.clone(),
                lang,
                key,
                section_id: *section_id,
                slug: slug.clone(),
                change_notes: change_notes.clone(),
            });
            (*id, *revision)
        }),
        Target::New => {
            translation_taken = same_version.is_some();
            None
        }
        Target::Existing { id, expected } => {
            let (revision, status, lang, key, section_id, slug, change_notes): (i64, String, String, String, i64, String, String) =
                sqlx::query_as(
                    "SELECT revision, status, lang, translation_key, section_id, slug, change_notes FROM articles WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&mut *w.tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            if revision != expected {
                return Err(StoreError::Stale { current: revision });
            }
            if same_version.as_ref().is_some_and(|(other, ..)| *other != id) {
                let reason = format!("this item already has a version in {}", draft.lang);
                return Err(StoreError::Rejected { index, field: "translation_key", reason });
            }
            before = Some(Before { status, lang, key, section_id, slug, change_notes });
            Some((id, revision))
        }
    };
    let slug_owner: Option<(i64, String)> =
        sqlx::query_as("SELECT id, translation_key FROM articles WHERE lang = $1 AND section_id = $2 AND slug = $3")
            .bind(draft.lang.as_str())
            .bind(section_id)
            .bind(draft.slug.as_str())
            .fetch_optional(&mut *w.tx)
            .await?;
    if let Some((owner, key)) = slug_owner {
        if existing.is_none_or(|(id, _)| id != owner) {
            let reason = format!(
                "duplicate slug: {:?} is already used in /{}/{}/ by the item {key:?}",
                draft.slug.as_str(),
                draft.lang,
                draft.section
            );
            return Err(StoreError::Rejected { index, field: "slug", reason });
        }
    }
    if translation_taken {
        let reason = format!("this item already has a version in {}", draft.lang);
        return Err(StoreError::Rejected { index, field: "translation_key", reason });
    }
    let now = now();
    let rescheduled = match (existing, &draft.event) {
        (Some((id, _)), Some(facts)) => event_rescheduled(&mut w.tx, id, facts).await?,
        _ => false,
    };
    let published = Status::Published.as_str();
    let was_public = before.as_ref().is_some_and(|b| b.status == published);
    let public_event = public_event(was_public, draft.status, amendment);
    let (id, revision) = match existing {
        Some((id, revision)) => {
            // An update's change note joins the list in the same statement as the text.
            let stored = before.as_ref().map_or("[]", |b| b.change_notes.as_str());
            let change_notes = match public_event {
                Some((Event::Update, note)) => with_change_note(stored, now, note)?,
                _ => stored.to_owned(),
            };
            let update = "UPDATE articles SET translation_key = $1, lang = $2, section_id = $3, slug = $4, title = $5, lead = $6, \
                          body = $7, cover = $8, featured = $9, status = $10, published_at = $11, event = $12, report_of = $13, \
                          document = $14, updated_at = $15, revision = $16, change_notes = $17 WHERE id = $18";
            bind_fields(sqlx::query(update), draft, section_id)
                .bind(now)
                .bind(revision + 1)
                .bind(change_notes)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
            (id, revision + 1)
        }
        None => {
            let insert = "INSERT INTO articles (translation_key, lang, section_id, slug, title, lead, body, cover, featured, status, \
                          published_at, event, report_of, document, author_id, created_at, updated_at, revision) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1) RETURNING id";
            let row = bind_fields(sqlx::query(insert), draft, section_id).bind(author).bind(now).fetch_one(&mut *w.tx).await?;
            (row.try_get(0)?, 1)
        }
    };
    let tag_keys = set_article_tags(&mut w.tx, w.engine, keys, id, existing.is_some(), draft).await?;
    set_event_dates(&mut w.tx, &keys.zone, id, draft, rescheduled).await?;
    follow_event_group(w, &keys.zone, id, draft).await?;
    set_document_facts(&mut w.tx, id, draft).await?;
    follow_document_group(w, id, draft).await?;
    if let Some(media) = &draft.media {
        set_article_media(&mut w.tx, index, id, media).await?;
    }
    let snapshot = Snapshot::json(draft)?;
    sqlx::query("INSERT INTO revisions (article_id, number, snapshot, author_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(revision)
        .bind(snapshot)
        .bind(author)
        .bind(now)
        .execute(&mut *w.tx)
        .await?;
    if let Some((event, note)) = public_event {
        let known = KnownItem::of(draft, revision, &tag_keys);
        w.record_public_event(id, event, note, Some(known));
    }
    if let Some(old) = before.as_ref().filter(|b| b.status == published && (b.section_id != section_id || b.slug != draft.slug.as_str())) {
        keep_former_address(&mut w.tx, old, id, now).await?;
    }
    let reach = match before {
        Some(b) if b.status == published && (b.lang != draft.lang.as_str() || b.key != draft.translation_key) => ArticleReach::moved(),
        before => {
            let public = draft.status == Status::Published || before.is_some_and(|b| b.status == published);
            ArticleReach::new(public, draft.lang.as_str(), &draft.translation_key)
        }
    };
    w.record_article_change(id, &reach);
    Ok((id, revision))
}

/// Whether saving `facts` over the stored event of article `id` changes its time or status.
async fn event_rescheduled(tx: &mut Transaction<'static, Any>, id: i64, facts: &EventFacts) -> Result<bool> {
    let stored: Option<(Option<String>,)> =
        sqlx::query_as("SELECT event FROM articles WHERE id = $1").bind(id).fetch_optional(&mut **tx).await?;
    let before = stored.and_then(|(json,)| json).and_then(|json| EventFacts::from_json(&json).ok());
    Ok(before.is_some_and(|before| facts.reschedules(&before)))
}

/// Keeps the calendar's index of article `id` in step with its facts: its row for an event
/// (the sequence one higher when the time or status changed), none otherwise.
pub(crate) async fn set_event_dates(
    tx: &mut Transaction<'static, Any>,
    zone: &SiteZone,
    id: i64,
    draft: &ArticleDraft,
    rescheduled: bool,
) -> Result<()> {
    let Some(facts) = &draft.event else {
        sqlx::query("DELETE FROM event_dates WHERE article_id = $1").bind(id).execute(&mut **tx).await?;
        return Ok(());
    };
    let (starts, ends) = event_span(facts, zone);
    let updated =
        sqlx::query("UPDATE event_dates SET lang = $1, starts_at = $2, ends_at = $3, sequence = sequence + $4 WHERE article_id = $5")
            .bind(draft.lang.as_str())
            .bind(starts)
            .bind(ends)
            .bind(i64::from(rescheduled))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    if updated.rows_affected() == 0 {
        sqlx::query("INSERT INTO event_dates (article_id, lang, starts_at, ends_at, sequence) VALUES ($1, $2, $3, $4, 0)")
            .bind(id)
            .bind(draft.lang.as_str())
            .bind(starts)
            .bind(ends)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// An event's time and status are the item's, not one language's: saving one version moves the
/// item's other versions with it (their place names stay their own) and raises their sequence,
/// so that every language's calendar follows.
async fn follow_event_group(w: &mut WriteTx<'_>, zone: &SiteZone, id: i64, draft: &ArticleDraft) -> Result<()> {
    let Some(facts) = &draft.event else { return Ok(()) };
    let others: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, lang, status, event FROM articles WHERE translation_key = $1 AND id <> $2 AND event IS NOT NULL")
            .bind(&draft.translation_key)
            .bind(id)
            .fetch_all(&mut *w.tx)
            .await?;
    for (other, lang, status, json) in others {
        let theirs = EventFacts::from_json(&json).map_err(StoreError::Invalid)?;
        let moved = EventFacts { start: facts.start, end: facts.end, status: facts.status, ..theirs.clone() };
        if !moved.reschedules(&theirs) {
            continue;
        }
        sqlx::query("UPDATE articles SET event = $1 WHERE id = $2").bind(moved.to_json()).bind(other).execute(&mut *w.tx).await?;
        let (starts, ends) = event_span(&moved, zone);
        sqlx::query("UPDATE event_dates SET starts_at = $1, ends_at = $2, sequence = sequence + 1 WHERE article_id = $3")
            .bind(starts)
            .bind(ends)
            .bind(other)
            .execute(&mut *w.tx)
            .await?;
        let public = status == Status::Published.as_str();
        w.record_article_change(other, &ArticleReach::new(public, &lang, &draft.translation_key));
    }
    Ok(())
}

/// An event's `[start, end)` in Unix seconds: a day ends at the next local midnight, a moment
/// without an end lasts no time.
pub(crate) fn event_span(facts: &EventFacts, zone: &SiteZone) -> (i64, i64) {
    let starts = facts.start.instant(zone).unix_timestamp();
    let end = |time: EventTime| match time {
        EventTime::Day(day) => day.next_day().map_or(i64::MAX, |next| zone.midnight(next).unix_timestamp()),
        EventTime::At(at) => at.unix_timestamp(),
    };
    (starts, end(facts.end.unwrap_or(facts.start)).max(starts))
}

/// What readers see of a save, for the public record: the event and its change note.
fn public_event(was_public: bool, status: Status, amendment: Option<&Amendment>) -> Option<(Event, &str)> {
    match (was_public, status) {
        (false, Status::Published) => Some((Event::Publish, "")),
        (true, Status::Published) => match amendment {
            Some(Amendment::Noted(note)) => Some((Event::Update, note.as_str())),
            _ => Some((Event::Minor, "")),
        },
        (true, Status::Archived) => Some((Event::Archive, "")),
        (true, _) => Some((Event::Unpublish, "")),
        (false, _) => None,
    }
}

/// An article's list of public change notes (as stored) with `note`, made at `at`, added.
fn with_change_note(stored: &str, at: i64, note: &str) -> Result<String> {
    let mut notes = crate::articles::change_notes(stored)?;
    notes.push(ChangeNote { at: crate::to_time(at), note: note.to_owned() });
    serde_json::to_string(&notes).map_err(|e| StoreError::Invalid(e.to_string()))
}

/// A stored article as it was before a save.
struct Before {
    status: String,
    lang: String,
    key: String,
    section_id: i64,
    slug: String,
    /// Its public change notes, as stored.
    change_notes: String,
}

/// Keeps the address a published article is leaving, so that it answers 301 to the new one.
async fn keep_former_address(tx: &mut Transaction<'static, Any>, old: &Before, article_id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO former_addresses (lang, section_id, slug, article_id, retired_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (lang, section_id, slug) DO UPDATE SET article_id = excluded.article_id, retired_at = excluded.retired_at",
    )
    .bind(&old.lang)
    .bind(old.section_id)
    .bind(&old.slug)
    .bind(article_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Binds $1–$11, the article's own fields, in the order both the INSERT and the UPDATE name them.
pub(crate) fn bind_fields<'q>(
    query: Query<'q, Any, AnyArguments<'q>>,
    draft: &'q ArticleDraft,
    section_id: i64,
) -> Query<'q, Any, AnyArguments<'q>> {
    query
        .bind(&draft.translation_key)
        .bind(draft.lang.as_str())
        .bind(section_id)
        .bind(draft.slug.as_str())
        .bind(&draft.title)
        .bind(&draft.lead)
        .bind(&draft.body)
        .bind(draft.cover.as_deref())
        .bind(i64::from(draft.featured))
        .bind(draft.status.as_str())
        .bind(draft.published_at.unix_timestamp())
        .bind(draft.event.as_ref().map(EventFacts::to_json))
        .bind(draft.report_of.as_deref())
        .bind(draft.document.as_ref().map(DocumentFacts::to_json))
}

pub(crate) async fn save_tag(tx: &mut Transaction<'static, Any>, tag: &TagDef) -> Result<i64> {
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM tags WHERE key = $1").bind(tag.key.as_str()).fetch_optional(&mut **tx).await?;
    let id = match existing {
        Some((id,)) => {
            sqlx::query("UPDATE tags SET kind = $1 WHERE id = $2").bind(tag.kind.as_str()).bind(id).execute(&mut **tx).await?;
            sqlx::query("DELETE FROM tag_names WHERE tag_id = $1").bind(id).execute(&mut **tx).await?;
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as("INSERT INTO tags (key, kind) VALUES ($1, $2) RETURNING id")
                .bind(tag.key.as_str())
                .bind(tag.kind.as_str())
                .fetch_one(&mut **tx)
                .await?;
            id
        }
    };
    for (lang, name) in &tag.names {
        let taken: Option<(String,)> =
            sqlx::query_as("SELECT t.key FROM tag_names n JOIN tags t ON t.id = n.tag_id WHERE n.lang = $1 AND n.name = $2")
                .bind(lang.as_str())
                .bind(name)
                .fetch_optional(&mut **tx)
                .await?;
        if let Some((other,)) = taken {
            return Err(StoreError::Conflict(format!("the tag name {name:?} ({lang}) is already used by the tag {other:?}")));
        }
        sqlx::query("INSERT INTO tag_names (tag_id, lang, name) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(lang.as_str())
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Replaces an article's tags (`replace` when it may have some already). A tag is found by its
/// name in the article's language, then by key; an unknown name becomes a new topic tag named
/// in that language. The links are written in one statement. Returns the tags' keys, in order.
async fn set_article_tags(
    tx: &mut Transaction<'static, Any>,
    engine: Engine,
    keys: &SiteKeys,
    article_id: i64,
    replace: bool,
    draft: &ArticleDraft,
) -> Result<Vec<String>> {
    if replace {
        sqlx::query("DELETE FROM article_tags WHERE article_id = $1").bind(article_id).execute(&mut **tx).await?;
    }
    let tags = resolve_tags(tx, keys, draft).await?;
    let links: Vec<TagLink> = tags.iter().enumerate().map(|(position, (tag, _))| (article_id, *tag, position, draft)).collect();
    insert_tag_links(tx, engine, &links).await?;
    Ok(tags.into_iter().map(|(_, key)| key).collect())
}

/// A link of an article to a tag: (article id, tag id, position, the article's draft).
pub(crate) type TagLink<'a> = (i64, i64, usize, &'a ArticleDraft);

/// Writes tag links, of one article or many, in one statement. Each carries its article's
/// language, status and date, for the tag's list.
/// Tag links in one INSERT: 6,000 parameters, under SQLite's 32,766 and PostgreSQL's 65,535.
const TAG_LINKS_PER_STATEMENT: usize = 1_000;

pub(crate) async fn insert_tag_links(tx: &mut Transaction<'static, Any>, engine: Engine, links: &[TagLink<'_>]) -> Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    // Every value is bound, so that the statement's text depends only on its number of rows
    // (PostgreSQL prepares each distinct text), and an import's many rows go in chunks that
    // stay within both engines' limit on parameters.
    for chunk in links.chunks(TAG_LINKS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO article_tags (article_id, tag_id, position, lang, status, published_at) VALUES {}",
            crate::record::value_rows(engine, chunk.len(), 6)
        );
        let mut query = sqlx::query(&sql);
        for (id, tag, position, draft) in chunk {
            query = query
                .bind(*id)
                .bind(*tag)
                .bind(*position as i64)
                .bind(draft.lang.as_str())
                .bind(draft.status.as_str())
                .bind(draft.published_at.unix_timestamp());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The tags a draft names, as (id, key), in its order, without repeats (see [`tag_id`]).
pub(crate) async fn resolve_tags(tx: &mut Transaction<'static, Any>, keys: &SiteKeys, draft: &ArticleDraft) -> Result<Vec<(i64, String)>> {
    let lang = &draft.lang;
    let mut tags: Vec<(i64, String)> = Vec::with_capacity(draft.tags.len());
    for name in draft.tags.iter().map(|name| name.trim()) {
        let known = keys.tags.lock().expect("the tag map is never poisoned").get(&(lang.as_str().to_owned(), name.to_owned())).cloned();
        let tag = match known {
            Some(tag) => tag,
            None => {
                let tag = tag_id(tx, lang, name).await?;
                keys.tags.lock().expect("the tag map is never poisoned").insert((lang.as_str().to_owned(), name.to_owned()), tag.clone());
                tag
            }
        };
        if !tags.iter().any(|(id, _)| *id == tag.0) {
            tags.push(tag);
        }
    }
    Ok(tags)
}

/// The tag an article names `name` in `lang`, as (id, key): by name, then by key, else a new
/// topic tag named in that language.
async fn tag_id(tx: &mut Transaction<'static, Any>, lang: &Lang, name: &str) -> Result<(i64, String)> {
    let by_name: Option<(i64, String)> =
        sqlx::query_as("SELECT n.tag_id, t.key FROM tag_names n JOIN tags t ON t.id = n.tag_id WHERE n.lang = $1 AND n.name = $2")
            .bind(lang.as_str())
            .bind(name)
            .fetch_optional(&mut **tx)
            .await?;
    let by_key: Option<(i64, String)> = match by_name {
        Some(_) => None,
        None => sqlx::query_as("SELECT id, key FROM tags WHERE key = $1").bind(name).fetch_optional(&mut **tx).await?,
    };
    match by_name.or(by_key) {
        Some(tag) => Ok(tag),
        None => {
            let key = free_tag_key(tx, slugify(name).as_str()).await?;
            let id = save_tag(tx, &TagDef { key: key.clone(), kind: TagKind::Topic, names: vec![(lang.clone(), name.to_owned())] }).await?;
            Ok((id, key.as_str().to_owned()))
        }
    }
}

/// Replaces an article's gallery and attachments; an unknown media id refuses the save.
async fn set_article_media(tx: &mut Transaction<'static, Any>, index: usize, article_id: i64, media: &AttachedMedia) -> Result<()> {
    sqlx::query("DELETE FROM article_media WHERE article_id = $1").bind(article_id).execute(&mut **tx).await?;
    for (role, ids) in [("gallery", &media.gallery), ("attachment", &media.attachments)] {
        for (position, media_id) in ids.iter().enumerate() {
            let known: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM media WHERE id = $1").bind(media_id).fetch_optional(&mut **tx).await?;
            if known.is_none() {
                let field = if role == "gallery" { "gallery" } else { "attachments" };
                return Err(StoreError::Rejected { index, field, reason: format!("there is no media item {media_id}") });
            }
            sqlx::query("INSERT INTO article_media (article_id, media_id, role, position) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(article_id)
                .bind(media_id)
                .bind(role)
                .bind(position as i64)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

async fn free_tag_key(tx: &mut Transaction<'static, Any>, base: &str) -> Result<TagKey> {
    for n in 1.. {
        let candidate = if n == 1 { base.to_owned() } else { format!("{base}-{n}") };
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM tags WHERE key = $1").bind(&candidate).fetch_optional(&mut **tx).await?;
        if taken.is_none() {
            return TagKey::parse(&candidate).map_err(|e| StoreError::Invalid(e.to_string()));
        }
    }
    unreachable!("some key is always free")
}
