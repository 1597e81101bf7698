//! Feeds for journalists and aggregators: RSS 2.0, Atom and JSON Feed 1.1, per language and per
//! section, each with the latest 50 items whole (lead, full text, cover). Written with the `rss`
//! and `atom_syndication` crates and serde, never by string pasting.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use pressroom_domain::{Article, Lang, SiteZone};
use pressroom_render::urls::FeedFormat;
use pressroom_render::{urls, Catalogue};
use serde_json::json;
use time::format_description::well_known::{Rfc2822, Rfc3339};

use super::bodies::rendered_body;
use crate::extract::Reader;
use crate::{AppState, WebError};

/// Items in every feed.
pub const FEED_LENGTH: u32 = 50;

/// What one feed is about, with its absolute addresses.
struct Channel {
    title: String,
    description: String,
    lang: Lang,
    /// The page the feed follows.
    page_url: String,
    /// The feed's own address.
    self_url: String,
    site_name: String,
    /// The site's clock: feed times carry its offset.
    zone: SiteZone,
}

/// One item, with what every format needs.
struct Item<'a> {
    article: &'a Article,
    url: String,
    content_html: std::sync::Arc<str>,
    cover: Option<(String, &'static str)>,
}

pub async fn site_rss(state: State<AppState>, reader: Reader) -> Result<Response, WebError> {
    feed(state, reader, None, FeedFormat::Rss).await
}

pub async fn site_atom(state: State<AppState>, reader: Reader) -> Result<Response, WebError> {
    feed(state, reader, None, FeedFormat::Atom).await
}

pub async fn site_json(state: State<AppState>, reader: Reader) -> Result<Response, WebError> {
    feed(state, reader, None, FeedFormat::Json).await
}

pub async fn section_rss(state: State<AppState>, reader: Reader, Path((_, section)): Path<(String, String)>) -> Result<Response, WebError> {
    feed(state, reader, Some(section), FeedFormat::Rss).await
}

pub async fn section_atom(
    state: State<AppState>,
    reader: Reader,
    Path((_, section)): Path<(String, String)>,
) -> Result<Response, WebError> {
    feed(state, reader, Some(section), FeedFormat::Atom).await
}

pub async fn section_json(
    state: State<AppState>,
    reader: Reader,
    Path((_, section)): Path<(String, String)>,
) -> Result<Response, WebError> {
    feed(state, reader, Some(section), FeedFormat::Json).await
}

async fn feed(State(state): State<AppState>, reader: Reader, section: Option<String>, format: FeedFormat) -> Result<Response, WebError> {
    let base = &state.config.base_url;
    let lang = reader.lang.clone();
    let site_name = reader.site.language(lang.as_str()).map_or_else(String::new, |l| l.site_name.clone());
    // The site-wide feed is that of all news; `news` names the same list.
    let section = match section.as_deref() {
        None | Some("news") => None,
        Some(key) => Some(reader.site.section(key).ok_or(WebError::NotFound)?.clone()),
    };
    let catalogue = Catalogue::get();
    let (title, page_path) = match &section {
        Some(s) => (format!("{} — {site_name}", s.name(&lang)), urls::section(&lang, &s.key)),
        None => (format!("{} — {site_name}", catalogue.text(lang.as_str(), "latest_news")), urls::home(&lang)),
    };
    let self_path = urls::feed(&lang, section.as_ref().map(|s| &s.key), format.file_name());
    let channel = Channel {
        title,
        description: catalogue.text(lang.as_str(), "feed_description").to_owned(),
        lang: lang.clone(),
        page_url: format!("{base}{page_path}"),
        self_url: format!("{base}{self_path}"),
        site_name,
        zone: reader.site.zone.clone(),
    };
    let articles = state.store.latest_articles(&lang, section.as_ref().map(|s| &s.key), FEED_LENGTH).await?;
    let items: Vec<Item> = articles
        .iter()
        .map(|article| Item {
            article,
            url: format!("{base}{}", urls::article(&article.lang, &article.section, &article.slug)),
            content_html: rendered_body(&article.body),
            cover: article.cover.as_ref().map(|c| (absolute(base, c), image_type(c))),
        })
        .collect();
    let body = match format {
        FeedFormat::Rss => rss_document(&channel, &items),
        FeedFormat::Atom => atom_document(&channel, &items),
        FeedFormat::Json => json_document(&channel, &items),
    };
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    Ok(response)
}

fn absolute(base: &str, address: &str) -> String {
    if address.starts_with('/') {
        format!("{base}{address}")
    } else {
        address.to_owned()
    }
}

/// The media type of an image by its file name.
fn image_type(address: &str) -> &'static str {
    match address.rsplit('.').next().map(str::to_ascii_lowercase).as_deref() {
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        _ => "image/jpeg",
    }
}

fn rss_document(channel: &Channel, items: &[Item]) -> String {
    let self_link = atom_syndication::Link {
        href: channel.self_url.clone(),
        rel: "self".into(),
        mime_type: Some(FeedFormat::Rss.media_type().into()),
        ..Default::default()
    };
    let rss = rss::Channel {
        title: channel.title.clone(),
        link: channel.page_url.clone(),
        description: channel.description.clone(),
        language: Some(channel.lang.to_string()),
        last_build_date: items.first().map(|i| rfc2822(&channel.zone, i.article.last_public_change())),
        atom_ext: Some(rss::extension::atom::AtomExtension { links: vec![self_link] }),
        items: items
            .iter()
            .map(|item| rss::Item {
                title: Some(item.article.title.clone()),
                link: Some(item.url.clone()),
                description: Some(item.article.lead.clone()),
                guid: Some(rss::Guid { value: item.url.clone(), permalink: true }),
                pub_date: Some(rfc2822(&channel.zone, item.article.published_at)),
                categories: item.article.tags.iter().map(|t| rss::Category { name: t.name.clone(), domain: None }).collect(),
                enclosure: item.cover.as_ref().map(|(url, mime)| rss::Enclosure {
                    url: url.clone(),
                    // The size is not known without reading the file; 0 is the customary "unknown".
                    length: "0".into(),
                    mime_type: (*mime).into(),
                }),
                content: Some(item.content_html.to_string()),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    rss.to_string()
}

fn atom_document(channel: &Channel, items: &[Item]) -> String {
    let updated = items.iter().map(|i| i.article.last_public_change()).max();
    let link = |href: &str, rel: &str, mime: Option<&str>| atom_syndication::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime.map(str::to_owned),
        ..Default::default()
    };
    let feed = atom_syndication::Feed {
        title: atom_syndication::Text::plain(channel.title.clone()),
        id: channel.self_url.clone(),
        updated: fixed(&channel.zone, updated.unwrap_or(time::OffsetDateTime::UNIX_EPOCH)),
        authors: vec![atom_syndication::Person { name: channel.site_name.clone(), ..Default::default() }],
        links: vec![
            link(&channel.page_url, "alternate", Some("text/html")),
            link(&channel.self_url, "self", Some(FeedFormat::Atom.media_type())),
        ],
        subtitle: Some(atom_syndication::Text::plain(channel.description.clone())),
        lang: Some(channel.lang.to_string()),
        entries: items
            .iter()
            .map(|item| {
                let mut links = vec![link(&item.url, "alternate", Some("text/html"))];
                if let Some((url, mime)) = &item.cover {
                    links.push(link(url, "enclosure", Some(mime)));
                }
                atom_syndication::Entry {
                    title: atom_syndication::Text::plain(item.article.title.clone()),
                    id: item.url.clone(),
                    updated: fixed(&channel.zone, item.article.last_public_change()),
                    published: Some(fixed(&channel.zone, item.article.published_at)),
                    summary: Some(atom_syndication::Text::plain(item.article.lead.clone())),
                    content: Some(atom_syndication::Content {
                        value: Some(item.content_html.to_string()),
                        content_type: Some("html".into()),
                        ..Default::default()
                    }),
                    links,
                    categories: item
                        .article
                        .tags
                        .iter()
                        .map(|t| atom_syndication::Category { term: t.key.to_string(), label: Some(t.name.clone()), scheme: None })
                        .collect(),
                    ..Default::default()
                }
            })
            .collect(),
        ..Default::default()
    };
    feed.to_string()
}

fn json_document(channel: &Channel, items: &[Item]) -> String {
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "description": channel.description,
        "home_page_url": channel.page_url,
        "feed_url": channel.self_url,
        "language": channel.lang.as_str(),
        "authors": [{ "name": channel.site_name }],
        "items": items.iter().map(|item| {
            let mut entry = json!({
                "id": item.url,
                "url": item.url,
                "title": item.article.title,
                "summary": item.article.lead,
                "content_html": item.content_html,
                "date_published": rfc3339(&channel.zone, item.article.published_at),
                "tags": item.article.tags.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
            });
            if let Some(updated) = item.article.publicly_updated() {
                entry["date_modified"] = json!(rfc3339(&channel.zone, updated));
            }
            if let Some((url, _)) = &item.cover {
                entry["image"] = json!(url);
            }
            entry
        }).collect::<Vec<_>>(),
    });
    feed.to_string()
}

fn rfc2822(zone: &SiteZone, time: time::OffsetDateTime) -> String {
    zone.local(time).format(&Rfc2822).unwrap_or_default()
}

fn rfc3339(zone: &SiteZone, time: time::OffsetDateTime) -> String {
    zone.local(time).format(&Rfc3339).unwrap_or_default()
}

/// An Atom timestamp (the crate keeps chrono's type).
fn fixed(zone: &SiteZone, time: time::OffsetDateTime) -> atom_syndication::FixedDateTime {
    atom_syndication::FixedDateTime::parse_from_rfc3339(&rfc3339(zone, time)).unwrap_or_default()
}
