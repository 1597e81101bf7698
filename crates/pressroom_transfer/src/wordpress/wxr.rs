//! Reading a WordPress export (WXR 1.0–1.2, an RSS file with WordPress's own elements) one
//! `<item>` at a time, so that a file of any size is read in the memory of its largest post.
//! A DTD is refused outright: WordPress writes none, and one in an import file can only be an
//! attack (external entities reading this server's files, entities expanding to gigabytes).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::text::{from_windows_1251, repair_mojibake};

/// A taxonomy term on an item (`<category domain="post_tag" nicename="summit">Summit</category>`)
/// or defined in the channel (`<wp:category>`, `<wp:tag>`, `<wp:term>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Term {
    /// `category`, `post_tag`, `language`, `post_translations`, …
    pub domain: String,
    pub nicename: String,
    pub name: String,
}

/// One `<item>`: a post, a page, an attachment or anything else WordPress keeps as a post.
#[derive(Debug, Clone, Default)]
pub struct Item {
    pub post_id: i64,
    pub title: String,
    pub link: String,
    pub guid: String,
    pub creator: String,
    pub content: String,
    pub excerpt: String,
    pub post_date: String,
    pub post_date_gmt: String,
    pub post_name: String,
    pub status: String,
    pub post_type: String,
    pub post_parent: i64,
    pub attachment_url: String,
    pub terms: Vec<Term>,
    pub meta: Vec<(String, String)>,
    /// What was mended while reading (a text that was not UTF-8, mojibake undone).
    pub repairs: Vec<String>,
}

impl Item {
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The language Polylang or WPML gives the post, if either does.
    pub fn language(&self) -> Option<String> {
        self.terms("language").next().map(|t| t.nicename.clone()).or_else(|| self.meta("_wpml_import_language_code").map(str::to_owned))
    }

    pub fn terms(&self, domain: &str) -> impl Iterator<Item = &Term> {
        let domain = domain.to_owned();
        self.terms.iter().filter(move |t| t.domain == domain)
    }
}

/// What the channel says about the site, before its items.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    pub wxr_version: String,
    pub base_site_url: String,
    pub base_blog_url: String,
    pub terms: Vec<Term>,
}

#[derive(Debug, thiserror::Error)]
pub enum WxrError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(
        "the file declares a DTD (<!DOCTYPE …>). WordPress exports have none, and an import never reads one: \
         it could read files of this server or expand to gigabytes. Remove it if the file is genuine."
    )]
    Dtd,
    #[error("the entity &{0}; is not one of XML's own; an import expands no other (a WordPress export uses none)")]
    Entity(String),
    #[error("malformed XML at byte {position}: {message}")]
    Xml { position: u64, message: String },
    #[error("not a WordPress export: no <wp:wxr_version> in the channel (export with Tools → Export in WordPress)")]
    NotWxr,
    #[error("WXR version {0} is not one this import reads (1.0, 1.1 or 1.2)")]
    Version(String),
}

/// The reader: [`WxrReader::open`], then [`WxrReader::next_item`] until `None`.
pub struct WxrReader {
    reader: Reader<Box<dyn BufRead + Send>>,
    buf: Vec<u8>,
    /// The open elements, innermost last.
    path: Vec<String>,
    text: String,
    text_repaired: bool,
    item: Option<Item>,
    term: Option<Term>,
    meta_key: String,
    pub channel: Channel,
}

impl WxrReader {
    pub fn open(path: &Path) -> Result<WxrReader, WxrError> {
        let file = File::open(path)?;
        Ok(WxrReader::from_reader(Box::new(BufReader::with_capacity(256 * 1024, file))))
    }

    /// A reader over any source of an export's bytes.
    pub fn from_reader(source: Box<dyn BufRead + Send>) -> WxrReader {
        let mut reader = Reader::from_reader(source);
        reader.config_mut().check_end_names = true;
        WxrReader {
            reader,
            buf: Vec::new(),
            path: Vec::new(),
            text: String::new(),
            text_repaired: false,
            item: None,
            term: None,
            meta_key: String::new(),
            channel: Channel::default(),
        }
    }

    /// The next item, or `None` at the end of the file.
    pub fn next_item(&mut self) -> Result<Option<Item>, WxrError> {
        loop {
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| WxrError::Xml { position: self.reader.error_position(), message: e.to_string() })?;
            match event {
                Event::DocType(_) => return Err(WxrError::Dtd),
                Event::Start(start) => {
                    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                    let attribute = |wanted: &str| {
                        start
                            .attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == wanted.as_bytes())
                            .map(|a| String::from_utf8_lossy(&a.value).into_owned())
                            .unwrap_or_default()
                    };
                    match name.as_str() {
                        "item" => self.item = Some(Item::default()),
                        "category" if self.item.is_some() => {
                            self.term = Some(Term { domain: attribute("domain"), nicename: attribute("nicename"), name: String::new() })
                        }
                        "wp:category" | "wp:tag" | "wp:term" if self.item.is_none() => self.term = Some(Term::default()),
                        _ => {}
                    }
                    self.path.push(name);
                    self.text.clear();
                    self.text_repaired = false;
                }
                Event::Empty(_) => {}
                Event::Text(text) => match text.xml10_content() {
                    Ok(decoded) => self.text.push_str(&decoded),
                    Err(_) => {
                        self.text.push_str(&from_windows_1251(&text.into_inner()));
                        self.text_repaired = true;
                    }
                },
                Event::CData(data) => match data.decode() {
                    Ok(decoded) => self.text.push_str(&decoded),
                    Err(_) => {
                        self.text.push_str(&from_windows_1251(&data.into_inner()));
                        self.text_repaired = true;
                    }
                },
                Event::GeneralRef(reference) => {
                    let name = reference.decode().map(|n| n.into_owned()).unwrap_or_default();
                    if let Ok(Some(ch)) = reference.resolve_char_ref() {
                        self.text.push(ch);
                    } else if let Some(value) = quick_xml::escape::resolve_predefined_entity(&name) {
                        self.text.push_str(value);
                    } else {
                        return Err(WxrError::Entity(name));
                    }
                }
                Event::End(_) => {
                    let name = self.path.pop().unwrap_or_default();
                    if let Some(item) = self.end_element(&name) {
                        return Ok(Some(item));
                    }
                    self.text.clear();
                }
                Event::Eof => {
                    return if self.channel.wxr_version.is_empty() { Err(WxrError::NotWxr) } else { Ok(None) };
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            }
        }
    }

    /// Files the text of the element that just ended; returns the item when it was `</item>`.
    fn end_element(&mut self, name: &str) -> Option<Item> {
        let mut text = std::mem::take(&mut self.text);
        let in_item = self.item.is_some();
        if in_item && matches!(name, "title" | "content:encoded" | "excerpt:encoded" | "category") {
            let what = match name {
                "title" => "the title",
                "content:encoded" => "the text",
                "excerpt:encoded" => "the excerpt",
                _ => "a category's name",
            };
            if self.text_repaired {
                self.note(format!("{what} was not UTF-8 and was read as windows-1251"));
            } else if let Some(repaired) = repair_mojibake(&text) {
                text = repaired;
                self.note(format!("{what} was mojibake (UTF-8 read in a legacy encoding) and was repaired"));
            }
        }
        if let Some(term) = self.term.as_mut() {
            match name {
                "category" => {
                    term.name = text;
                    let term = self.term.take().unwrap_or_default();
                    if let Some(item) = self.item.as_mut() {
                        item.terms.push(term);
                    }
                    return None;
                }
                "wp:category_nicename" | "wp:tag_slug" | "wp:term_slug" => term.nicename = text,
                "wp:cat_name" | "wp:tag_name" | "wp:term_name" => term.name = text,
                "wp:term_taxonomy" => term.domain = text,
                "wp:category" | "wp:tag" | "wp:term" => {
                    let mut term = self.term.take().unwrap_or_default();
                    if name == "wp:category" {
                        term.domain = "category".into();
                    } else if name == "wp:tag" {
                        term.domain = "post_tag".into();
                    }
                    self.channel.terms.push(term);
                }
                _ => {}
            }
            return None;
        }
        let Some(item) = self.item.as_mut() else {
            match name {
                "wp:wxr_version" => self.channel.wxr_version = text.trim().to_owned(),
                "wp:base_site_url" => self.channel.base_site_url = text.trim().to_owned(),
                "wp:base_blog_url" => self.channel.base_blog_url = text.trim().to_owned(),
                _ => {}
            }
            return None;
        };
        let number = |text: &str| text.trim().parse::<i64>().unwrap_or(0);
        match name {
            "item" => return self.item.take(),
            "title" => item.title = text,
            "link" => item.link = text.trim().to_owned(),
            "guid" => item.guid = text.trim().to_owned(),
            "dc:creator" => item.creator = text,
            "content:encoded" => item.content = text,
            "excerpt:encoded" => item.excerpt = text,
            "wp:post_id" => item.post_id = number(&text),
            "wp:post_date" => item.post_date = text.trim().to_owned(),
            "wp:post_date_gmt" => item.post_date_gmt = text.trim().to_owned(),
            "wp:post_name" => item.post_name = text.trim().to_owned(),
            "wp:status" => item.status = text.trim().to_owned(),
            "wp:post_type" => item.post_type = text.trim().to_owned(),
            "wp:post_parent" => item.post_parent = number(&text),
            "wp:attachment_url" => item.attachment_url = text.trim().to_owned(),
            "wp:meta_key" => self.meta_key = text,
            "wp:meta_value" => item.meta.push((std::mem::take(&mut self.meta_key), text)),
            _ => {}
        }
        None
    }

    fn note(&mut self, repair: String) {
        if let Some(item) = self.item.as_mut() {
            item.repairs.push(repair);
        }
    }

    /// Checks the version once the channel's header has been read (it precedes the items).
    pub fn check_version(&self) -> Result<(), WxrError> {
        match self.channel.wxr_version.as_str() {
            "1.0" | "1.1" | "1.2" => Ok(()),
            "" => Err(WxrError::NotWxr),
            other => Err(WxrError::Version(other.to_owned())),
        }
    }
}
