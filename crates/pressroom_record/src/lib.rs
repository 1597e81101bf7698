//! The public record: every change readers can see becomes an entry in an append-only
//! transparency log, an RFC 6962 Merkle tree published in the C2SP `tlog-tiles` layout, with
//! checkpoints signed as C2SP signed notes (Ed25519). Anyone can check it with tools we did not
//! write (Go's `sumdb/tlog` and `sumdb/note` read it as they read Go's checksum database).
//!
//! This crate holds the formats and the arithmetic, without I/O: an entry's canonical text
//! ([`Entry`]), the canonical form of an article's published content ([`Content`]), the tree's
//! right edge that appends are computed from ([`Frontier`]), tiles and proofs ([`tree`]), and the
//! log's key, checkpoints and proof files ([`note`]).

pub mod note;
pub mod tree;

use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub use note::{open_checkpoint, Checkpoint, LogKey, ProofFile};
pub use tree::{Frontier, Hash, StoredHash, TILE_WIDTH};

/// Why a record could not be read or checked; every message names what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("malformed log entry: {0}")]
    MalformedEntry(String),
    #[error("malformed checkpoint: {0}")]
    MalformedCheckpoint(String),
    #[error("the checkpoint's signature does not verify with the key {key}: {reason}")]
    BadSignature { key: String, reason: String },
    #[error("malformed key: {0}")]
    MalformedKey(String),
    #[error("malformed proof: {0}")]
    MalformedProof(String),
    #[error("the proof does not hold: {0}")]
    ProofFails(String),
    #[error("the log's tree is inconsistent: {0}")]
    Tree(String),
}

/// What happened to a published item. A schedule firing is a `publish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Publish,
    /// A change with a public change note.
    Update,
    /// A minor fix (a typo): no public note, but logged all the same.
    Minor,
    Unpublish,
    Archive,
    Delete,
}

impl Event {
    pub const ALL: [Event; 6] = [Event::Publish, Event::Update, Event::Minor, Event::Unpublish, Event::Archive, Event::Delete];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::Publish => "publish",
            Event::Update => "update",
            Event::Minor => "minor",
            Event::Unpublish => "unpublish",
            Event::Archive => "archive",
            Event::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether the item can be read at its address after this event.
    pub fn leaves_it_public(self) -> bool {
        matches!(self, Event::Publish | Event::Update | Event::Minor)
    }
}

/// The first line of every entry: names the format and its version.
pub const ENTRY_FORMAT: &str = "pressroom-record/v1";

/// The longest change note, in bytes (an entry must fit the 65,535 bytes a tile allows).
pub const NOTE_MAX_BYTES: usize = 1000;

/// One entry of the log, as its canonical text:
///
/// ```text
/// pressroom-record/v1
/// event update
/// address /en/news/council-meets
/// lang en
/// key en/news/council-meets
/// revision 4
/// time 2025-07-02T10:15:00Z
/// content sha256:9f86d0…(64 hex digits)
/// note Corrected the date of the meeting.
/// ```
///
/// Every line ends with a newline; `note` is empty but present when there is none. A change
/// note is one line (line breaks are turned into spaces when it is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub event: Event,
    /// The item's public path (`/LANG/SECTION/SLUG`), relative to the site.
    pub address: String,
    pub lang: String,
    pub translation_key: String,
    pub revision: i64,
    pub time: OffsetDateTime,
    /// SHA-256 of the item's [`Content`] at this event.
    pub content: [u8; 32],
    pub note: String,
}

impl Entry {
    pub fn text(&self) -> String {
        let time = utc_seconds(self.time);
        format!(
            "{ENTRY_FORMAT}\nevent {}\naddress {}\nlang {}\nkey {}\nrevision {}\ntime {time}\ncontent sha256:{}\nnote {}\n",
            self.event.as_str(),
            self.address,
            self.lang,
            self.translation_key,
            self.revision,
            hex(&self.content),
            one_line(&self.note)
        )
    }

    pub fn parse(text: &str) -> Result<Entry, RecordError> {
        let bad = |what: &str| RecordError::MalformedEntry(what.to_owned());
        let body = text.strip_suffix('\n').ok_or_else(|| bad("it does not end with a newline"))?;
        let mut lines = body.split('\n');
        if lines.next() != Some(ENTRY_FORMAT) {
            return Err(bad("the first line is not pressroom-record/v1"));
        }
        let mut field = |name: &str| -> Result<String, RecordError> {
            let line = lines.next().ok_or_else(|| bad(&format!("the {name} line is missing")))?;
            let value = line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' '));
            value.map(str::to_owned).ok_or_else(|| bad(&format!("expected the {name} line, found {line:?}")))
        };
        let event = field("event")?;
        let event = Event::parse(&event).ok_or_else(|| bad(&format!("unknown event {event:?}")))?;
        let address = field("address")?;
        let lang = field("lang")?;
        let translation_key = field("key")?;
        let revision = field("revision")?.parse().map_err(|_| bad("the revision is not a number"))?;
        let time = OffsetDateTime::parse(&field("time")?, &Rfc3339).map_err(|_| bad("the time is not RFC 3339"))?;
        let content = field("content")?;
        let content = content.strip_prefix("sha256:").and_then(unhex).ok_or_else(|| bad("the content is not sha256:<64 hex digits>"))?;
        let note = field("note")?;
        if lines.next().is_some() {
            return Err(bad("there are lines after the note"));
        }
        Ok(Entry { event, address, lang, translation_key, revision, time, content, note })
    }
}

/// A change note as an entry carries it: one line, spaces collapsed.
pub fn one_line(note: &str) -> String {
    note.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An item's published content in its canonical form, the text whose SHA-256 an entry carries:
///
/// ```text
/// pressroom-content/v1
/// title <bytes>
/// <title>
/// lead <bytes>
/// <lead>
/// body <bytes>
/// <body, Markdown as written>
/// date <publication date, RFC 3339 UTC, whole seconds>
/// tags <tag keys in the item's order, separated by commas>
/// ```
///
/// `<bytes>` is the UTF-8 length of the field that follows it, so any text fits unambiguously.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub title: &'a str,
    pub lead: &'a str,
    pub body: &'a str,
    pub date: OffsetDateTime,
    pub tags: &'a [String],
}

impl Content<'_> {
    pub fn canonical(&self) -> String {
        let date = utc_seconds(self.date);
        let mut text = String::from("pressroom-content/v1\n");
        for (name, value) in [("title", self.title), ("lead", self.lead), ("body", self.body)] {
            text.push_str(&format!("{name} {}\n{value}\n", value.len()));
        }
        text.push_str(&format!("date {date}\ntags {}\n", self.tags.join(",")));
        text
    }

    pub fn digest(&self) -> [u8; 32] {
        Sha256::digest(self.canonical().as_bytes()).into()
    }
}

/// A time as the record writes it: RFC 3339, UTC, whole seconds (`2025-06-30T09:00:00Z`).
fn utc_seconds(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    utc.replace_nanosecond(0).unwrap_or(utc).format(&Rfc3339).unwrap_or_default()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// 32 bytes from 64 lower-case hex digits.
pub fn unhex(text: &str) -> Option<[u8; 32]> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn entry() -> Entry {
        Entry {
            event: Event::Update,
            address: "/en/news/council-meets".into(),
            lang: "en".into(),
            translation_key: "en/news/council-meets".into(),
            revision: 4,
            time: datetime!(2025-07-02 10:15:00.5 UTC),
            content: [7; 32],
            note: "Corrected\nthe  date.".into(),
        }
    }

    #[test]
    fn an_entry_reads_back_as_written() {
        let text = entry().text();
        assert!(text.starts_with("pressroom-record/v1\nevent update\naddress /en/news/council-meets\n"), "{text}");
        assert!(text.ends_with("time 2025-07-02T10:15:00Z\ncontent sha256:0707070707070707070707070707070707070707070707070707070707070707\nnote Corrected the date.\n"));
        let parsed = Entry::parse(&text).unwrap();
        assert_eq!(parsed.note, "Corrected the date.");
        assert_eq!(parsed.text(), text);
    }

    #[test]
    fn malformed_entries_say_what_is_wrong() {
        let text = entry().text();
        for (broken, says) in [
            (text.replace("event update", "event rewrite"), "unknown event"),
            (text.replace("revision 4", "revision four"), "revision"),
            (text.replace("sha256:07", "sha256:zz"), "content"),
            (text.trim_end().to_owned(), "newline"),
            (format!("{text}extra\n"), "after the note"),
        ] {
            let err = Entry::parse(&broken).unwrap_err().to_string();
            assert!(err.contains(says), "{err}");
        }
    }

    #[test]
    fn content_is_length_prefixed_so_fields_cannot_run_into_each_other() {
        let tags = vec!["csto".to_owned(), "council".to_owned()];
        let a = Content { title: "A\nlead 1", lead: "", body: "x", date: datetime!(2025-06-30 09:00:00 +3), tags: &tags };
        let b = Content { title: "A", lead: "1", body: "x", ..a };
        assert_ne!(a.digest(), b.digest());
        assert!(a.canonical().contains("date 2025-06-30T06:00:00Z\ntags csto,council\n"), "{}", a.canonical());
    }
}
