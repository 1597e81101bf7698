//! The content folder format: parsing, checking and writing Markdown files with front matter.

use std::collections::BTreeMap;
use std::path::Path;

use pressroom_domain::{
    Article, ArticleInput, DocumentInput, EventInput, Lang, Site, SiteZone, Status, Tag, TagKey, TagKind, BODY_MAX_BYTES,
};
use pressroom_store::TagDef;
use serde::{Deserialize, Serialize};

use crate::{FileProblem, TransferError};

/// The largest file an import reads: the largest body any way in accepts, and room for the
/// front matter.
pub const MAX_FILE_BYTES: u64 = BODY_MAX_BYTES as u64 + 64 * 1024;

pub const TAGS_FILE: &str = "tags.yaml";

/// One file of a content folder, by its path relative to the folder.
#[derive(Debug, Clone)]
pub struct ContentFile {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatterIn {
    pub title: Option<String>,
    pub lang: Option<String>,
    pub section: Option<String>,
    pub slug: Option<String>,
    pub date: Option<String>,
    pub lead: Option<String>,
    pub tags: Option<Vec<String>>,
    pub translation: Option<String>,
    pub status: Option<String>,
    pub cover: Option<String>,
    pub featured: Option<bool>,
    pub event: Option<EventFront>,
    pub report_of: Option<String>,
    pub document: Option<DocumentInput>,
}

/// An event's facts in front matter: days as `YYYY-MM-DD`, times in RFC 3339 (or local
/// `YYYY-MM-DDTHH:MM`).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EventFront {
    start: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    end: String,
    #[serde(default)]
    status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    city: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    country: String,
}

/// Written keys in the order the format documents them; empty optional keys are left out.
#[derive(Serialize)]
struct FrontMatterOut<'a> {
    title: &'a str,
    lang: &'a str,
    section: &'a str,
    slug: &'a str,
    date: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    lead: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
    translation: &'a str,
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cover: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    featured: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<EventFront>,
    #[serde(skip_serializing_if = "Option::is_none")]
    report_of: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    document: Option<DocumentInput>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TagEntry {
    key: String,
    kind: String,
    names: BTreeMap<String, String>,
}

/// The Markdown files under `folder` and its `tags.yaml`, if any, sorted by path.
pub(crate) fn list_folder(folder: &Path) -> Result<Vec<std::path::PathBuf>, TransferError> {
    let mut paths = Vec::new();
    collect_files(folder, folder, &mut paths)?;
    paths.sort();
    Ok(paths)
}

/// One file of a folder, named relative to it; `Ok(Err(problem))` when it cannot be imported
/// (too large, not UTF-8), which is reported with the other problems.
pub(crate) fn read_file(folder: &Path, path: &Path) -> Result<Result<ContentFile, FileProblem>, TransferError> {
    let relative = path.strip_prefix(folder).unwrap_or(path).to_string_lossy().into_owned();
    let size = std::fs::metadata(path).map_err(|source| TransferError::Io { path: path.to_owned(), source })?.len();
    if size > MAX_FILE_BYTES {
        let problem = format!("the file is {size} bytes; an import reads files of {MAX_FILE_BYTES} bytes at most");
        return Ok(Err(FileProblem { file: relative, problem }));
    }
    let text = std::fs::read(path).map_err(|source| TransferError::Io { path: path.to_owned(), source })?;
    Ok(match String::from_utf8(text) {
        Ok(text) => Ok(ContentFile { path: relative, text }),
        Err(_) => Err(FileProblem { file: relative, problem: "the file is not UTF-8 text".into() }),
    })
}

/// Collects `*.md` files at any depth, and `tags.yaml` at the top of the folder only.
fn collect_files(root: &Path, dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), TransferError> {
    let entries = std::fs::read_dir(dir).map_err(|source| TransferError::Io { path: dir.to_owned(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| TransferError::Io { path: dir.to_owned(), source })?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            collect_files(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "md") || (dir == root && name == TAGS_FILE) {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads one article file as the editorial core's input, with its status (or the problem
/// with it); `Err` when the file is not in the folder format at all.
pub fn parse_article(text: &str) -> Result<(ArticleInput, Result<Status, String>), String> {
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let (yaml, body) = split_front_matter(&text)?;
    let front: FrontMatterIn = if yaml.trim().is_empty() {
        FrontMatterIn::default()
    } else {
        serde_yaml_ng::from_str(yaml).map_err(|e| format!("malformed front matter: {e}"))?
    };
    Ok(front.into_input(body.trim_start_matches('\n').to_owned()))
}

impl FrontMatterIn {
    /// The version these keys and `body` describe, with its status (or the problem with it).
    pub(crate) fn into_input(self, body: String) -> (ArticleInput, Result<Status, String>) {
        let front = self;
        let status = match front.status {
            Some(s) => {
                Status::parse(&s).ok_or_else(|| format!("unknown status {s:?} (use draft, review, scheduled, published or archived)"))
            }
            None => Ok(Status::Published),
        };
        // A file is a whole version: what it leaves out is empty, not kept from before.
        let input = ArticleInput {
            lang: Some(front.lang.unwrap_or_default()),
            section: Some(front.section.unwrap_or_default()),
            title: Some(front.title.unwrap_or_default()),
            slug: front.slug,
            lead: Some(front.lead.unwrap_or_default()),
            body: Some(body),
            cover: Some(front.cover.unwrap_or_default()),
            featured: Some(front.featured.unwrap_or(false)),
            published_at: front.date,
            tags: Some(front.tags.unwrap_or_default()),
            translation_key: front.translation,
            gallery: None,
            attachments: None,
            event: front.event.map(|e| EventInput { start: e.start, end: e.end, status: e.status, city: e.city, country: e.country }),
            report_of: front.report_of,
            document: front.document,
        };
        (input, status)
    }
}

fn split_front_matter(text: &str) -> Result<(&str, &str), String> {
    let rest = text.strip_prefix("---\n").ok_or("malformed front matter: the file must start with a line of three dashes (---)")?;
    if let Some(body) = rest.strip_prefix("---\n") {
        return Ok(("", body));
    }
    match rest.find("\n---\n") {
        Some(end) => Ok((&rest[..end], &rest[end + 5..])),
        None if rest.ends_with("\n---") => Ok((&rest[..rest.len() - 4], "")),
        None => Err("malformed front matter: no closing line of three dashes (---)".into()),
    }
}

/// Writes an article version in the folder format, its date on the site's clock (a bare date
/// for the start of a local day, as it was read).
pub fn write_article(article: &Article, zone: &SiteZone) -> String {
    let front = FrontMatterOut {
        title: &article.title,
        lang: article.lang.as_str(),
        section: article.section.as_str(),
        slug: article.slug.as_str(),
        date: zone.format_date(article.published_at),
        lead: &article.lead,
        tags: article.tags.iter().map(|t| t.name.as_str()).collect(),
        translation: &article.translation_key,
        status: article.status.as_str(),
        cover: article.cover.as_deref(),
        featured: article.featured,
        event: article.event.as_ref().map(|facts| {
            let e = EventInput::of(facts, zone);
            EventFront { start: e.start, end: e.end, status: e.status, city: e.city, country: e.country }
        }),
        report_of: article.report_of.as_deref(),
        document: article.document.as_ref().map(DocumentInput::of),
    };
    let yaml = serde_yaml_ng::to_string(&front).expect("front matter of plain strings always serialises");
    if article.body.is_empty() {
        format!("---\n{yaml}---\n")
    } else {
        format!("---\n{yaml}---\n\n{}\n", article.body)
    }
}

pub fn parse_tags(text: &str, site: &Site) -> Result<Vec<TagDef>, String> {
    let entries: Vec<TagEntry> = serde_yaml_ng::from_str(text).map_err(|e| format!("malformed tags file: {e}"))?;
    entries
        .into_iter()
        .map(|entry| {
            let key = TagKey::parse(&entry.key).map_err(|e| e.to_string())?;
            let kind = TagKind::parse(&entry.kind)
                .ok_or_else(|| format!("tag {key}: unknown kind {:?} (use person, country, body or topic)", entry.kind))?;
            let names = entry
                .names
                .into_iter()
                .map(|(lang, name)| {
                    if site.language(&lang).is_none() {
                        return Err(format!("tag {key}: unknown language {lang:?}"));
                    }
                    Ok((Lang::parse(&lang).map_err(|e| e.to_string())?, name))
                })
                .collect::<Result<_, String>>()?;
            Ok(TagDef { key, kind, names })
        })
        .collect()
}

pub fn write_tags(tags: &[Tag]) -> String {
    let entries: Vec<TagEntry> = tags
        .iter()
        .map(|tag| TagEntry {
            key: tag.key.to_string(),
            kind: tag.kind.as_str().to_owned(),
            names: tag.names.iter().map(|(l, n)| (l.to_string(), n.clone())).collect(),
        })
        .collect();
    serde_yaml_ng::to_string(&entries).expect("tags of plain strings always serialise")
}
