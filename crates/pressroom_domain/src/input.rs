//! What any way in — the back-office form, the Admin API, a content folder — supplies for an
//! article version, and the one rule set that turns it into a draft: defaults, parsing and
//! validation. Adapters only translate their own format into an [`ArticleInput`]; none of them
//! builds an [`ArticleDraft`] by itself, so the rules cannot drift between them.
//!
//! On an update, a field the input leaves out (`None`) keeps its stored value: an update never
//! changes what it was not asked to change.

use time::OffsetDateTime;

use crate::{
    slugify, Article, ArticleDraft, AttachedMedia, DocumentInput, EventInput, FieldError, Site, Slug, Status, DOCUMENTS_SECTION,
    EVENTS_SECTION,
};

/// An article version as given, every field optional. `Some("")` clears an optional text
/// (`cover`) or, for a slug or translation key, asks for the default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArticleInput {
    pub lang: Option<String>,
    pub section: Option<String>,
    pub title: Option<String>,
    pub slug: Option<String>,
    pub lead: Option<String>,
    pub body: Option<String>,
    pub cover: Option<String>,
    pub featured: Option<bool>,
    /// `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM[:SS]` (in the site's time zone) or RFC 3339.
    pub published_at: Option<String>,
    pub tags: Option<Vec<String>>,
    pub translation_key: Option<String>,
    pub gallery: Option<Vec<i64>>,
    pub attachments: Option<Vec<i64>>,
    /// An event's facts, read only for an item of the events section.
    pub event: Option<EventInput>,
    /// The translation key of the event a news item reports on; `Some("")` clears it.
    pub report_of: Option<String>,
    /// A document's facts, read only for an item of the documents section.
    pub document: Option<DocumentInput>,
}

/// The stored version an update starts from, with its media.
pub struct Base<'a> {
    pub article: &'a Article,
    pub media: &'a AttachedMedia,
}

/// The default translation key of a new item: the address of its first version,
/// `LANG/SECTION/SLUG`. It is unique (an address is), stable across re-imports of the same
/// file, and never links two unrelated items; a translation names its source's key.
pub fn default_translation_key(draft: &ArticleDraft) -> String {
    format!("{}/{}/{}", draft.lang, draft.section, draft.slug)
}

/// Whether a cover may be shown: an address on this site (`/media/…`), never another site's
/// nor a `javascript:` or `data:` address.
pub fn is_site_image_path(cover: &str) -> bool {
    cover.len() <= 500
        && cover.starts_with('/')
        && !cover.starts_with("//")
        && !cover.contains(['\\', '"', '\'', '<', '>', '`'])
        && !cover.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A field whose value must be one of the site's: its name, message key and noun.
struct Choice {
    field: &'static str,
    key: &'static str,
    noun: &'static str,
}

impl Choice {
    const LANG: Choice = Choice { field: "lang", key: "error_lang_unknown", noun: "language" };
    const SECTION: Choice = Choice { field: "section", key: "error_section_unknown", noun: "section" };
}

/// The value given (which must be one of `known`, as `find` says), else the stored one; an
/// error naming what the site has otherwise.
fn one_of<T>(
    given: Option<String>,
    stored: Option<T>,
    find: impl Fn(&str) -> Option<T>,
    known: &[&str],
    choice: Choice,
) -> Result<T, FieldError> {
    let error = || FieldError::new(choice.field, choice.key);
    match (given, stored) {
        (Some(value), _) => {
            find(&value).ok_or_else(|| error().detail(format!("unknown {} {value:?} (this site has: {})", choice.noun, known.join(", "))))
        }
        (None, Some(stored)) => Ok(stored),
        (None, None) => Err(error().detail(format!("missing {}", choice.field))),
    }
}

impl ArticleInput {
    /// The draft this input makes, over `base` when it updates a stored version; every problem
    /// is named with its field. `status` is the status the draft will have.
    pub fn resolve(
        self,
        site: &Site,
        base: Option<Base<'_>>,
        status: Status,
        now: OffsetDateTime,
    ) -> Result<ArticleDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let stored = base.as_ref().map(|b| b.article);
        let known_langs: Vec<&str> = site.languages.iter().map(|l| l.code.as_str()).collect();
        let lang =
            one_of(self.lang, stored.map(|a| a.lang.clone()), |c| site.language(c).map(|l| l.code.clone()), &known_langs, Choice::LANG)
                .map_err(|e| errors.push(e))
                .ok();
        let known_sections: Vec<&str> = site.sections.iter().map(|s| s.key.as_str()).collect();
        let section = one_of(
            self.section,
            stored.map(|a| a.section.clone()),
            |k| site.section(k).map(|s| s.key.clone()),
            &known_sections,
            Choice::SECTION,
        )
        .map_err(|e| errors.push(e))
        .ok();
        let title = self.title.map(|t| t.trim().to_owned()).or_else(|| stored.map(|a| a.title.clone())).unwrap_or_default();
        let slug = match self.slug.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(text) => {
                Slug::parse(text).map_err(|e| errors.push(FieldError::new("slug", "error_slug_invalid").detail(e.to_string()))).ok()
            }
            None => Some(stored.map_or_else(|| slugify(&title), |a| a.slug.clone())),
        };
        let published_at = match self.published_at.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(text) => site
                .zone
                .parse_date(text)
                .map_err(|e| errors.push(FieldError::new("published_at", "error_date_invalid").detail(format!("invalid date: {e}"))))
                .ok(),
            None => Some(stored.map_or_else(|| now.replace_nanosecond(0).unwrap_or(now), |a| a.published_at)),
        };
        let cover = match self.cover.map(|c| c.trim().to_owned()) {
            Some(c) if c.is_empty() => None,
            Some(c) if is_site_image_path(&c) => Some(c),
            Some(c) => {
                errors.push(
                    FieldError::new("cover", "error_cover_invalid")
                        .detail(format!("{c:?} is not an image address on this site (/media/…)")),
                );
                None
            }
            None => stored.and_then(|a| a.cover.clone()),
        };
        let media = match (self.gallery, self.attachments, base.as_ref()) {
            (None, None, _) => None,
            (gallery, attachments, base) => Some(AttachedMedia {
                gallery: gallery.or_else(|| base.map(|b| b.media.gallery.clone())).unwrap_or_default(),
                attachments: attachments.or_else(|| base.map(|b| b.media.attachments.clone())).unwrap_or_default(),
            }),
        };
        // Only the events section's items are events; a stored item moved out of it loses its facts.
        let event = match (section.as_ref().map(|s| s.as_str() == EVENTS_SECTION), self.event) {
            (Some(true), Some(given)) => given.resolve(&site.zone).map_err(|problems| errors.extend(problems)).ok(),
            (Some(true), None) => match stored.and_then(|a| a.event.clone()) {
                Some(facts) => Some(facts),
                None => EventInput::default().resolve(&site.zone).map_err(|problems| errors.extend(problems)).ok(),
            },
            _ => None,
        };
        let document = match (section.as_ref().map(|s| s.as_str() == DOCUMENTS_SECTION), self.document) {
            (Some(true), Some(given)) => given.resolve(Some(&site.document_types)).map_err(|problems| errors.extend(problems)).ok(),
            (Some(true), None) => match stored.and_then(|a| a.document.clone()) {
                Some(facts) => Some(facts),
                None => DocumentInput::default().resolve(Some(&site.document_types)).map_err(|problems| errors.extend(problems)).ok(),
            },
            _ => None,
        };
        let report_of = match self.report_of.map(|k| k.trim().to_owned()) {
            Some(key) if key.is_empty() => None,
            Some(key) => Some(key),
            None => stored.and_then(|a| a.report_of.clone()),
        };
        let (Some(lang), Some(section), Some(slug), Some(published_at)) = (lang, section, slug, published_at) else {
            return Err(errors);
        };
        let mut draft = ArticleDraft {
            translation_key: String::new(),
            lang,
            section,
            slug,
            title,
            lead: self.lead.map(|l| l.trim().to_owned()).or_else(|| stored.map(|a| a.lead.clone())).unwrap_or_default(),
            body: self.body.map(|b| b.trim_end().to_owned()).or_else(|| stored.map(|a| a.body.clone())).unwrap_or_default(),
            cover,
            featured: self.featured.or_else(|| stored.map(|a| a.featured)).unwrap_or(false),
            status,
            published_at,
            tags: self
                .tags
                .map(|tags| tags.into_iter().map(|t| t.trim().to_owned()).collect())
                .or_else(|| stored.map(|a| a.tags.iter().map(|t| t.name.clone()).collect()))
                .unwrap_or_default(),
            media,
            event,
            document,
            report_of,
        };
        draft.add_place_tags();
        draft.translation_key = match self.translation_key.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()) {
            Some(key) => key,
            None => stored.map_or_else(|| default_translation_key(&draft), |a| a.translation_key.clone()),
        };
        if let Err(problems) = draft.validate() {
            errors.extend(problems);
        }
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_publication_date, ArticleId, Lang, SectionKey, TagKey, TagRef};

    fn now() -> OffsetDateTime {
        parse_publication_date("2026-01-02T10:00:00Z").unwrap()
    }

    fn input() -> ArticleInput {
        ArticleInput {
            lang: Some("en".into()),
            section: Some("news".into()),
            title: Some("Council of Foreign Ministers met".into()),
            ..ArticleInput::default()
        }
    }

    fn stored() -> Article {
        Article {
            id: ArticleId(7),
            translation_key: "2025-council".into(),
            lang: Lang::parse("en").unwrap(),
            section: SectionKey::parse("statements").unwrap(),
            slug: Slug::parse("council-met").unwrap(),
            title: "Council met".into(),
            lead: "Lead".into(),
            body: "Body".into(),
            cover: Some("/media/abc/cover.jpg".into()),
            featured: true,
            status: Status::Published,
            published_at: parse_publication_date("2025-06-30").unwrap(),
            updated_at: parse_publication_date("2025-06-30").unwrap(),
            tags: vec![TagRef { key: TagKey::parse("cfm").unwrap(), name: "CFM".into() }],
            author: None,
            revision: 3,
            change_notes: Vec::new(),
            event: None,
            document: None,
            report_of: None,
        }
    }

    #[test]
    fn a_new_item_gets_its_slug_key_and_date_by_the_one_rule() {
        let draft = input().resolve(&Site::standard(), None, Status::Draft, now()).unwrap();
        assert_eq!(draft.slug.as_str(), "council-of-foreign-ministers-met");
        assert_eq!(draft.translation_key, "en/news/council-of-foreign-ministers-met");
        assert_eq!(draft.published_at, now());
        assert_eq!(draft.media, None);
    }

    #[test]
    fn an_update_keeps_every_field_it_does_not_name() {
        let article = stored();
        let media = AttachedMedia { gallery: vec![1, 2], attachments: vec![3] };
        let only_title = ArticleInput { title: Some("Council met again".into()), gallery: Some(vec![2]), ..ArticleInput::default() };
        let draft =
            only_title.resolve(&Site::standard(), Some(Base { article: &article, media: &media }), Status::Published, now()).unwrap();
        assert_eq!(draft.title, "Council met again");
        assert_eq!((draft.slug.as_str(), draft.section.as_str()), ("council-met", "statements"));
        assert_eq!(draft.translation_key, "2025-council");
        assert_eq!((draft.lead.as_str(), draft.body.as_str(), draft.featured), ("Lead", "Body", true));
        assert_eq!(draft.cover.as_deref(), Some("/media/abc/cover.jpg"));
        assert_eq!(draft.published_at, article.published_at);
        assert_eq!(draft.tags, ["CFM"]);
        assert_eq!(draft.media, Some(AttachedMedia { gallery: vec![2], attachments: vec![3] }));
    }

    #[test]
    fn covers_are_addresses_on_this_site_only() {
        for bad in ["javascript:alert(1)", "https://evil.example/x.png", "//evil.example/x.png", "data:image/png;base64,xx", "/a b.png"] {
            let errors =
                ArticleInput { cover: Some(bad.into()), ..input() }.resolve(&Site::standard(), None, Status::Draft, now()).unwrap_err();
            assert_eq!(errors.iter().map(|e| e.field).collect::<Vec<_>>(), ["cover"], "{bad}");
        }
        let ok = ArticleInput { cover: Some("/media/k/cover.jpg".into()), ..input() };
        assert!(ok.resolve(&Site::standard(), None, Status::Draft, now()).is_ok());
    }

    #[test]
    fn every_problem_is_named_at_once() {
        let bad = ArticleInput {
            lang: Some("de".into()),
            section: Some("sport".into()),
            title: Some(" ".into()),
            published_at: Some("31.12.2025".into()),
            ..ArticleInput::default()
        };
        let fields: Vec<_> = bad.resolve(&Site::standard(), None, Status::Draft, now()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["lang", "section", "published_at"]);
        let no_title = ArticleInput { title: None, ..input() };
        let fields: Vec<_> = no_title.resolve(&Site::standard(), None, Status::Draft, now()).unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title"]);
    }

    #[test]
    fn dates_come_in_every_form_a_way_in_sends_and_are_local_to_the_site() {
        let site = Site { zone: crate::SiteZone::parse("Europe/Moscow").unwrap(), ..Site::standard() };
        for text in ["2025-06-30T17:05", "2025-06-30T17:05:00", "2025-06-30T14:05:00Z", "2025-06-30T17:05:00+03:00"] {
            let draft = ArticleInput { published_at: Some(text.into()), ..input() }.resolve(&site, None, Status::Draft, now()).unwrap();
            assert_eq!(draft.published_at, parse_publication_date("2025-06-30T14:05:00Z").unwrap(), "{text}");
        }
        let bad = ArticleInput { published_at: Some("30.06.2025".into()), ..input() }.resolve(&site, None, Status::Draft, now());
        assert!(bad.unwrap_err()[0].detail.as_deref().unwrap_or_default().contains("YYYY-MM-DD"));
    }
}
