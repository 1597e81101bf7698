//! Every public URL of the site, built in one place. Lists end with `/`; articles do not.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use pressroom_domain::{Lang, SectionKey, Slug, TagKey, EVENTS_SECTION};

pub fn home(lang: &Lang) -> String {
    format!("/{lang}/")
}

pub fn section(lang: &Lang, section: &SectionKey) -> String {
    format!("/{lang}/{section}/")
}

pub fn article(lang: &Lang, section: &SectionKey, slug: &Slug) -> String {
    format!("/{lang}/{section}/{slug}")
}

/// The page listing an article's versions in the public record.
pub fn record(lang: &Lang, section: &SectionKey, slug: &Slug) -> String {
    format!("{}/record", article(lang, section, slug))
}

pub fn tag(lang: &Lang, tag: &TagKey) -> String {
    format!("/{lang}/tags/{tag}")
}

pub fn archive(lang: &Lang) -> String {
    format!("/{lang}/archive/")
}

pub fn archive_year(lang: &Lang, year: i32) -> String {
    format!("/{lang}/archive/{year}/")
}

pub fn archive_month(lang: &Lang, year: i32, month: u8) -> String {
    format!("/{lang}/archive/{year}/{month:02}/")
}

/// A feed (`feed.xml`, `atom.xml`, `feed.json`) of all news in `lang`, or of one section.
pub fn feed(lang: &Lang, section: Option<&SectionKey>, file: &str) -> String {
    match section {
        Some(key) => format!("/{lang}/{key}/{file}"),
        None => format!("/{lang}/{file}"),
    }
}

/// A month of the events calendar.
pub fn events_month(lang: &Lang, year: i32, month: u8) -> String {
    format!("/{lang}/{EVENTS_SECTION}/{year}/{month:02}/")
}

/// The iCalendar file of one event.
pub fn event_ics(lang: &Lang, slug: &Slug) -> String {
    format!("/{lang}/{EVENTS_SECTION}/{slug}.ics")
}

/// The iCalendar feed of every event in `lang`, or of one tag's.
pub fn events_feed(lang: &Lang, tag: Option<&TagKey>) -> String {
    match tag {
        Some(tag) => format!("/{lang}/tags/{tag}/events.ics"),
        None => format!("/{lang}/events.ics"),
    }
}

pub fn search(lang: &Lang) -> String {
    format!("/{lang}/search")
}

/// The switch of the high-contrast mode, which comes back to `path` afterwards.
pub fn contrast_toggle(on: bool, path: &str) -> String {
    let back = utf8_percent_encode(path, QUERY_VALUE);
    format!("/prefs/contrast?set={}&back={back}", if on { "on" } else { "off" })
}

/// Everything but unreserved characters and `/` is encoded in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b'/');

/// Which feed format a URL asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    Json,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Rss, FeedFormat::Atom, FeedFormat::Json];

    pub fn file_name(self) -> &'static str {
        match self {
            FeedFormat::Rss => "feed.xml",
            FeedFormat::Atom => "atom.xml",
            FeedFormat::Json => "feed.json",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            FeedFormat::Rss => "application/rss+xml; charset=utf-8",
            FeedFormat::Atom => "application/atom+xml; charset=utf-8",
            FeedFormat::Json => "application/feed+json; charset=utf-8",
        }
    }

    /// The format's name, as feed readers know it.
    pub fn label(self) -> &'static str {
        match self {
            FeedFormat::Rss => "RSS",
            FeedFormat::Atom => "Atom",
            FeedFormat::Json => "JSON Feed",
        }
    }

    /// The `type` of a `<link rel="alternate">` to the feed.
    pub fn media_type(self) -> &'static str {
        self.content_type().split(';').next().unwrap_or_default()
    }
}
