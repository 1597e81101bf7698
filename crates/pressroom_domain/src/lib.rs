//! Pressroom's content model as readers and editors see it, without any I/O.
//!
//! Validated strings are newtypes (`Lang`, `Slug`, `SectionKey`, `TagKey`) so that a value that
//! reached a handler or the store has already been checked once, at the edge.

mod article;
mod dates;
mod document;
mod event;
mod ids;
mod input;
mod media;
mod redirect;
mod scope;
mod site;
mod slug;
mod workflow;

pub use article::{
    Amendment, Article, ArticleDraft, ArticleSummary, AttachedMedia, ChangeNote, FieldError, Status, TagRef, TranslationRef,
    BODY_MAX_BYTES, CHANGE_NOTE_MAX,
};
pub use dates::{format_publication_date, parse_publication_date, PublicationDate, SiteZone};
pub use document::{
    number_query, DocumentFacts, DocumentInput, DocumentStatus, DocumentType, RelatedDocument, Relation, DOCUMENTS_SECTION,
};
pub use event::{EventFacts, EventInput, EventStatus, EventTime, EVENTS_SECTION};
pub use ids::{ArticleId, InvalidKey, Lang, SectionKey, Slug, TagKey, UserId};
pub use input::{default_translation_key, is_site_image_path, ArticleInput, Base};
pub use media::{MediaItem, MediaKind};
pub use redirect::{parse_target, OldPath, RedirectError, REDIRECT_MAX_LEN};
pub use scope::{scope_list, Scope};
pub use site::{Language, Section, Site};
pub use slug::slugify;
pub use workflow::{can_administer, can_delete, can_edit, transition, Action, Refusal};

/// Articles on one page of every public list.
pub const PAGE_SIZE: u32 = 20;

/// Roles of back-office users, from least to most privileged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Author,
    Editor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Author => "author",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "author" => Some(Role::Author),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// One page of a list, with what pagination needs.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub total: u64,
}

impl<T> Page<T> {
    /// The last page number; an empty list still has page 1.
    pub fn last_page(&self) -> u32 {
        (self.total.div_ceil(u64::from(PAGE_SIZE)).max(1)).try_into().unwrap_or(u32::MAX)
    }
}

/// The kind of a tag, which decides how its page introduces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    Person,
    Country,
    Body,
    Topic,
}

impl TagKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TagKind::Person => "person",
            TagKind::Country => "country",
            TagKind::Body => "body",
            TagKind::Topic => "topic",
        }
    }

    pub fn parse(s: &str) -> Option<TagKind> {
        [TagKind::Person, TagKind::Country, TagKind::Body, TagKind::Topic].into_iter().find(|k| k.as_str() == s)
    }
}

/// A tag with its name in every language that has one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Tag {
    pub key: TagKey,
    pub kind: TagKind,
    pub names: Vec<(Lang, String)>,
}

impl Tag {
    pub fn name(&self, lang: &Lang) -> &str {
        self.names.iter().find(|(l, _)| l == lang).map_or(self.key.as_str(), |(_, n)| n.as_str())
    }
}
