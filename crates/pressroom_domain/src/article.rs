//! Articles: one language version of one item, linked to its translations by a shared key.

use crate::{ArticleId, DocumentFacts, EventFacts, Lang, PublicationDate, SectionKey, Slug, TagKey, UserId};

/// Where an article is in the editorial workflow. Only `Published` items reach readers;
/// `Archived` ones answer 410 Gone so that a removed statement says so rather than vanishing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Draft,
    Review,
    Scheduled,
    Published,
    Archived,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::Draft, Status::Review, Status::Scheduled, Status::Published, Status::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Review => "review",
            Status::Scheduled => "scheduled",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// A tag as an article shows it: its key for the URL and its name in the article's language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TagRef {
    pub key: TagKey,
    pub name: String,
}

/// One language version of an item, as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub translation_key: String,
    pub lang: Lang,
    pub section: SectionKey,
    pub slug: Slug,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub cover: Option<String>,
    pub featured: bool,
    pub status: Status,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: PublicationDate,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: PublicationDate,
    pub tags: Vec<TagRef>,
    pub author: Option<UserId>,
    /// The number of the latest revision; a save must name it to be accepted.
    pub revision: i64,
    /// The public notes of its updates since publication, oldest first.
    pub change_notes: Vec<ChangeNote>,
    /// When and where, for an item of the events section.
    #[serde(skip)]
    pub event: Option<EventFacts>,
    /// Type, number, adoption and status, for an item of the documents section.
    #[serde(skip)]
    pub document: Option<DocumentFacts>,
    /// The translation key of the event a news item reports on.
    pub report_of: Option<String>,
}

impl Article {
    /// When readers were last told of an update: the date of the latest change note.
    pub fn publicly_updated(&self) -> Option<PublicationDate> {
        self.change_notes.last().map(|n| n.at)
    }

    /// When readers last saw it change: its latest update, or its publication.
    pub fn last_public_change(&self) -> PublicationDate {
        self.publicly_updated().map_or(self.published_at, |at| at.max(self.published_at))
    }
}

/// A public note of an update to a published item ("Corrected the date of the meeting").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChangeNote {
    #[serde(with = "time::serde::timestamp")]
    pub at: PublicationDate,
    pub note: String,
}

/// How a change to a published item is shown to readers: a minor fix (a typo; logged, with no
/// public note) or an update with a change note in the item's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amendment {
    Minor,
    Noted(String),
}

/// The longest change note, in characters.
pub const CHANGE_NOTE_MAX: usize = 500;

impl Amendment {
    /// A change note's own rule, which holds even where no note is needed (an unpublished item).
    pub fn check_note(note: &str) -> Result<(), FieldError> {
        if note.trim().chars().count() > CHANGE_NOTE_MAX {
            return Err(FieldError::new("change_note", "error_change_note_too_long")
                .detail(format!("the change note is longer than {CHANGE_NOTE_MAX} characters")));
        }
        Ok(())
    }

    /// The choice as a form or the API gives it: a note, or the minor flag; one of the two.
    pub fn from_input(note: Option<&str>, minor: bool) -> Result<Amendment, FieldError> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        match (note, minor) {
            (Some(_), true) => {
                Err(FieldError::new("change_note", "error_change_note_or_minor")
                    .detail("give either a change note or minor: true, not both"))
            }
            (Some(note), false) => {
                Amendment::check_note(note)?;
                Ok(Amendment::Noted(note.split_whitespace().collect::<Vec<_>>().join(" ")))
            }
            (None, true) => Ok(Amendment::Minor),
            (None, false) => Err(FieldError::new("change_note", "error_change_note_required")
                .detail("this item is published: give a change note for readers, or mark the change as minor (minor: true)")),
        }
    }
}

/// What an editor or an import supplies to create or replace an article version.
/// Tags are given by name in the article's language (or by key); the store resolves them.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleDraft {
    pub translation_key: String,
    pub lang: Lang,
    pub section: SectionKey,
    pub slug: Slug,
    pub title: String,
    pub lead: String,
    pub body: String,
    pub cover: Option<String>,
    pub featured: bool,
    pub status: Status,
    pub published_at: PublicationDate,
    pub tags: Vec<String>,
    /// The gallery and attachments to set; `None` leaves them as they are (imports do not
    /// carry media).
    pub media: Option<AttachedMedia>,
    /// When and where, for an item of the events section (required there, absent elsewhere).
    pub event: Option<EventFacts>,
    /// Type, number, adoption and status, for an item of the documents section (required
    /// there, absent elsewhere).
    pub document: Option<DocumentFacts>,
    /// The translation key of the event a news item reports on.
    pub report_of: Option<String>,
}

/// Media attached to an article, by media id, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachedMedia {
    pub gallery: Vec<i64>,
    pub attachments: Vec<i64>,
}

/// A validation problem: the field it concerns and a message key from the catalogue, so the text
/// is chosen in the editor's language at the edge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub key: &'static str,
    /// The specifics in English (the value given, what is accepted), for a command's or an
    /// import's report; forms show the message of `key` instead.
    pub detail: Option<String>,
}

impl FieldError {
    pub fn new(field: &'static str, key: &'static str) -> FieldError {
        FieldError { field, key, detail: None }
    }

    pub fn detail(self, detail: impl Into<String>) -> FieldError {
        FieldError { detail: Some(detail.into()), ..self }
    }
}

/// A name as typed (a place, a body): spaces collapsed, `None` when empty; longer than `max`
/// characters is the problem `key` on `field`.
pub(crate) fn optional_name(field: &'static str, key: &'static str, text: &str, max: usize) -> Result<Option<String>, FieldError> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max {
        return Err(FieldError::new(field, key).detail(format!("{field} is longer than {max} characters")));
    }
    Ok((!text.is_empty()).then_some(text))
}

const TITLE_MAX: usize = 300;
const LEAD_MAX: usize = 2000;
const TRANSLATION_KEY_MAX: usize = 200;
/// The largest body any way in accepts (the form, the API, an import): far beyond any real
/// article, well below what would make a page or a revision history unwieldy.
pub const BODY_MAX_BYTES: usize = 1 << 20;

impl ArticleDraft {
    /// An event's city and country, and a document's place and adopting body, are also its
    /// tags, so that their pages and calendars list it.
    pub fn add_place_tags(&mut self) {
        let places = self.event.iter().flat_map(|e| [e.city.clone(), e.country.clone()]).flatten();
        let places = places.chain(self.document.iter().flat_map(|d| d.names().map(str::to_owned)));
        for place in places.collect::<Vec<_>>() {
            if !self.tags.iter().any(|t| t.eq_ignore_ascii_case(&place)) {
                self.tags.push(place);
            }
        }
    }

    /// Checks what the types cannot: required text, lengths, printable keys.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(FieldError::new("title", "error_title_missing").detail("missing title"));
        } else if title.chars().count() > TITLE_MAX {
            errors
                .push(FieldError::new("title", "error_title_too_long").detail(format!("the title is longer than {TITLE_MAX} characters")));
        }
        if self.lead.chars().count() > LEAD_MAX {
            errors.push(FieldError::new("lead", "error_lead_too_long").detail(format!("the lead is longer than {LEAD_MAX} characters")));
        }
        if self.body.len() > BODY_MAX_BYTES {
            errors.push(
                FieldError::new("body", "error_body_too_long")
                    .detail(format!("the body is {} bytes; {BODY_MAX_BYTES} at most", self.body.len())),
            );
        }
        let key = self.translation_key.trim();
        if key.is_empty() || key.chars().count() > TRANSLATION_KEY_MAX || key.chars().any(char::is_control) {
            errors.push(FieldError::new("translation_key", "error_translation_key_invalid").detail(format!(
                "the translation key must be non-empty, at most {TRANSLATION_KEY_MAX} characters, without control characters"
            )));
        }
        if self.report_of.as_ref().is_some_and(|k| k.chars().count() > TRANSLATION_KEY_MAX || k.chars().any(char::is_control)) {
            errors.push(FieldError::new("report_of", "error_report_of_invalid").detail("report_of is not an event's translation key"));
        }
        if self.tags.iter().any(|t| t.trim().is_empty()) {
            errors.push(FieldError::new("tags", "error_tag_empty").detail("a tag is empty"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_publication_date;

    fn draft() -> ArticleDraft {
        ArticleDraft {
            translation_key: "council-2025".into(),
            lang: Lang::parse("en").unwrap(),
            section: SectionKey::parse("news").unwrap(),
            slug: Slug::parse("council").unwrap(),
            title: "Council met".into(),
            lead: String::new(),
            body: String::new(),
            cover: None,
            featured: false,
            status: Status::Published,
            published_at: parse_publication_date("2025-06-30").unwrap(),
            tags: vec![],
            media: None,
            event: None,
            document: None,
            report_of: None,
        }
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(draft().validate(), Ok(()));
    }

    #[test]
    fn missing_title_and_bad_key_are_named() {
        let mut d = draft();
        d.title = "  ".into();
        d.translation_key = String::new();
        let fields: Vec<_> = d.validate().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "translation_key"]);
    }

    #[test]
    fn statuses_parse_back() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("deleted"), None);
    }
}

/// What a list shows of an article: enough for its date, title, lead and link.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub lang: Lang,
    pub section: SectionKey,
    pub slug: Slug,
    pub title: String,
    pub lead: String,
    pub cover: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: PublicationDate,
}

/// A link to another language version of an item.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TranslationRef {
    pub lang: Lang,
    pub section: SectionKey,
    pub slug: Slug,
    pub title: String,
}
