//! What the API shows of articles, sections and tags: its own shapes, apart from the stored
//! rows and the domain types, so the JSON stays stable while the inside changes.

use std::collections::BTreeMap;

use pressroom_domain::{
    Article, ArticleSummary, DocumentFacts, DocumentInput, EventFacts, EventInput, Page, Section, SiteZone, Tag, TranslationRef,
};
use pressroom_render::{render_markdown, urls};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;

pub fn rfc3339(time: OffsetDateTime) -> String {
    time.format(&Rfc3339).unwrap_or_default()
}

/// One article in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleItem {
    pub id: i64,
    pub lang: String,
    pub section: String,
    pub slug: String,
    pub title: String,
    pub lead: String,
    pub cover: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub published_at: String,
    /// The public address of the article.
    pub url: String,
}

impl ArticleItem {
    pub fn of(summary: &ArticleSummary, base_url: &str) -> ArticleItem {
        ArticleItem {
            id: summary.id.0,
            lang: summary.lang.to_string(),
            section: summary.section.to_string(),
            slug: summary.slug.to_string(),
            title: summary.title.clone(),
            lead: summary.lead.clone(),
            cover: summary.cover.clone(),
            published_at: rfc3339(summary.published_at),
            url: format!("{base_url}{}", urls::article(&summary.lang, &summary.section, &summary.slug)),
        }
    }
}

/// A page of articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleList {
    pub items: Vec<ArticleItem>,
    /// The page number; 0 for a list read with `after`.
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
    /// Give as `after` for the articles that follow; absent at the end of the list.
    pub next: Option<String>,
}

impl ArticleList {
    pub fn of(page: &Page<ArticleSummary>, per_page: u32, base_url: &str) -> ArticleList {
        ArticleList {
            items: page.items.iter().map(|s| ArticleItem::of(s, base_url)).collect(),
            page: page.page,
            per_page,
            total: page.total,
            next: page
                .items
                .last()
                .filter(|_| page.items.len() == per_page as usize)
                .map(|last| format!("{}.{}", last.published_at.unix_timestamp(), last.id.0)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagItem {
    pub key: String,
    pub name: String,
}

/// Another language version of the same item.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranslationItem {
    pub lang: String,
    pub title: String,
    pub url: String,
}

/// One article, whole.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDetail {
    pub id: i64,
    /// Shared by the versions of one item in different languages.
    pub translation_key: String,
    pub lang: String,
    pub section: String,
    pub slug: String,
    pub title: String,
    pub lead: String,
    /// Markdown, as written.
    pub body: String,
    /// The body as readers see it, sanitised HTML.
    pub body_html: String,
    pub cover: Option<String>,
    pub featured: bool,
    /// `draft`, `review`, `scheduled`, `published` or `archived`.
    pub status: String,
    #[schema(format = DateTime)]
    pub published_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// A save must name this revision to be accepted.
    pub revision: i64,
    pub tags: Vec<TagItem>,
    pub url: String,
    /// Published versions in other languages.
    pub translations: Vec<TranslationItem>,
    /// When and where, for an item of the `events` section.
    pub event: Option<EventBody>,
    /// The translation key of the event a news item reports on.
    pub report_of: Option<String>,
    /// Type, number, adoption, status and relations, for an item of the `documents` section.
    pub document: Option<DocumentBody>,
}

/// A document's facts. Days are `YYYY-MM-DD`; relations name the other documents'
/// translation keys.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// One of the site's document types (`GET /api/v1/site` lists them).
    #[serde(rename = "type")]
    #[schema(example = "decision")]
    pub kind: String,
    #[schema(example = "12", max_length = 50)]
    pub number: String,
    #[schema(example = "2025-06-30")]
    pub adopted_on: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 200)]
    pub place: String,
    /// The adopting body, named in the version's language.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 200)]
    pub body: String,
    /// `in_force` (the default), `amended`, `superseded` or `terminated`.
    #[serde(default)]
    pub status: String,
    /// Since when the status holds.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status_since: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amends: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supersedes: Vec<String>,
}

impl DocumentBody {
    pub fn of(facts: &DocumentFacts) -> DocumentBody {
        let d = DocumentInput::of(facts);
        DocumentBody {
            kind: d.kind,
            number: d.number,
            adopted_on: d.adopted_on,
            place: d.place,
            body: d.body,
            status: d.status,
            status_since: d.status_since,
            amends: d.amends,
            supersedes: d.supersedes,
        }
    }

    pub fn into_input(self) -> DocumentInput {
        DocumentInput {
            kind: self.kind,
            number: self.number,
            adopted_on: self.adopted_on,
            place: self.place,
            body: self.body,
            status: self.status,
            status_since: self.status_since,
            amends: self.amends,
            supersedes: self.supersedes,
        }
    }
}

/// An event's facts. Days are `YYYY-MM-DD` (a whole day of the site's calendar); times are
/// RFC 3339 (a local `YYYY-MM-DDTHH:MM` is read on the site's clock).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBody {
    #[schema(example = "2025-06-30T10:00:00+03:00")]
    pub start: String,
    /// The last day, or the end time.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub end: String,
    /// `planned` (the default), `held`, `postponed` (the dates are the new ones) or `cancelled`.
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 100)]
    pub city: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schema(max_length = 100)]
    pub country: String,
}

impl EventBody {
    pub fn of(facts: &EventFacts) -> EventBody {
        let e = EventInput::of(facts, &SiteZone::default());
        EventBody { start: e.start, end: e.end, status: e.status, city: e.city, country: e.country }
    }

    pub fn into_input(self) -> EventInput {
        EventInput { start: self.start, end: self.end, status: self.status, city: self.city, country: self.country }
    }
}

impl ArticleDetail {
    pub fn of(article: &Article, translations: &[TranslationRef], base_url: &str) -> ArticleDetail {
        ArticleDetail {
            id: article.id.0,
            translation_key: article.translation_key.clone(),
            lang: article.lang.to_string(),
            section: article.section.to_string(),
            slug: article.slug.to_string(),
            title: article.title.clone(),
            lead: article.lead.clone(),
            body: article.body.clone(),
            body_html: render_markdown(&article.body),
            cover: article.cover.clone(),
            featured: article.featured,
            status: article.status.as_str().to_owned(),
            published_at: rfc3339(article.published_at),
            updated_at: rfc3339(article.updated_at),
            revision: article.revision,
            tags: article.tags.iter().map(|t| TagItem { key: t.key.to_string(), name: t.name.clone() }).collect(),
            url: format!("{base_url}{}", urls::article(&article.lang, &article.section, &article.slug)),
            translations: translations
                .iter()
                .map(|t| TranslationItem {
                    lang: t.lang.to_string(),
                    title: t.title.clone(),
                    url: format!("{base_url}{}", urls::article(&t.lang, &t.section, &t.slug)),
                })
                .collect(),
            event: article.event.as_ref().map(EventBody::of),
            report_of: article.report_of.clone(),
            document: article.document.as_ref().map(DocumentBody::of),
        }
    }
}

/// A section or a document type, with its name in each language.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionItem {
    pub key: String,
    pub names: BTreeMap<String, String>,
}

impl SectionItem {
    pub fn of(section: &Section) -> SectionItem {
        SectionItem { key: section.key.to_string(), names: section.names.iter().map(|(l, n)| (l.to_string(), n.clone())).collect() }
    }
}

/// A tag — a person, country, body or topic — with its name in each language.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagDetail {
    pub key: String,
    /// `person`, `country`, `body` or `topic`.
    pub kind: String,
    pub names: BTreeMap<String, String>,
}

impl TagDetail {
    pub fn of(tag: &Tag) -> TagDetail {
        TagDetail {
            key: tag.key.to_string(),
            kind: tag.kind.as_str().to_owned(),
            names: tag.names.iter().map(|(l, n)| (l.to_string(), n.clone())).collect(),
        }
    }
}

/// One search result.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchItem {
    pub id: i64,
    pub lang: String,
    pub section: String,
    pub slug: String,
    pub url: String,
    pub title: String,
    /// The passage that matched, as HTML with the words found in `<b>`, escaped; absent when
    /// only the title matched.
    pub snippet_html: Option<String>,
    /// The lead, when the body gave no passage.
    pub excerpt: String,
    #[schema(format = DateTime)]
    pub published_at: String,
    pub score: f32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchList {
    pub query: String,
    pub total: usize,
    pub page: usize,
    pub results: Vec<SearchItem>,
}
