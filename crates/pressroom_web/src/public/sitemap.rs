//! For search engines: `/robots.txt`, and `/sitemap.xml` listing every public page with its last
//! change and `hreflang` alternates between its language versions. Past a size it becomes an
//! index of parts (`/sitemap/1.xml`, …), as the sitemap protocol caps a file at 50,000 URLs.

use std::collections::BTreeMap;
use std::io::Cursor;

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use pressroom_domain::Lang;
use pressroom_render::urls;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::{AppState, WebError};

/// One public page and its versions in other languages (itself included).
struct Entry {
    path: String,
    modified: Option<OffsetDateTime>,
    alternates: Vec<(Lang, String)>,
}

pub async fn robots(State(state): State<AppState>) -> Response {
    let body = format!("User-agent: *\nDisallow: /admin\nDisallow: /api/\n\nSitemap: {}/sitemap.xml\n", state.config.base_url);
    text_response(body, "text/plain; charset=utf-8")
}

/// `/sitemap.xml`: the whole list while the site is small; then an index of its parts: the
/// home and section pages, then the articles by ranges of their ids. Each part is read from one
/// range of the database, so no part grows with the site.
pub async fn sitemap(State(state): State<AppState>) -> Result<Response, WebError> {
    let part_size = part_size(&state);
    let last = state.store.last_article_id().await?;
    let base = &state.config.base_url;
    if last <= part_size {
        let mut entries = fixed_pages(&state).await?;
        entries.extend(article_entries(&state, 1..=part_size).await?);
        return Ok(xml_response(urlset(base, &entries)));
    }
    let parts: Vec<String> = (1..=1 + article_parts(last, part_size)).map(|n| format!("{base}/sitemap/{n}.xml")).collect();
    Ok(xml_response(sitemap_index(&parts)))
}

/// `/sitemap/{n}.xml`: one part of a long list — part 1 the home and section pages, part `n`
/// the articles with ids in the `n - 1`-th range.
pub async fn sitemap_part(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, WebError> {
    let number: i64 = file.strip_suffix(".xml").and_then(|n| n.parse().ok()).filter(|n| *n >= 1).ok_or(WebError::NotFound)?;
    let part_size = part_size(&state);
    let last = state.store.last_article_id().await?;
    if last <= part_size || number > 1 + article_parts(last, part_size) {
        return Err(WebError::NotFound);
    }
    let entries = match number {
        1 => fixed_pages(&state).await?,
        n => article_entries(&state, (n - 2) * part_size + 1..=(n - 1) * part_size).await?,
    };
    Ok(xml_response(urlset(&state.config.base_url, &entries)))
}

/// The number of article parts for articles up to id `last`.
fn article_parts(last: i64, part_size: i64) -> i64 {
    (last + part_size - 1) / part_size
}

fn part_size(state: &AppState) -> i64 {
    i64::try_from(state.config.sitemap_part_size.max(1)).unwrap_or(i64::MAX)
}

/// The home page and every section, in each language.
async fn fixed_pages(state: &AppState) -> Result<Vec<Entry>, WebError> {
    let site = state.site.get(&state.store).await?;
    let mut entries = Vec::new();
    let same_page_everywhere = |path_of: &dyn Fn(&Lang) -> String| -> Vec<Entry> {
        let alternates: Vec<(Lang, String)> = site.languages.iter().map(|l| (l.code.clone(), path_of(&l.code))).collect();
        alternates.iter().map(|(_, path)| Entry { path: path.clone(), modified: None, alternates: alternates.clone() }).collect()
    };
    entries.extend(same_page_everywhere(&|lang| urls::home(lang)));
    for section in &site.sections {
        entries.extend(same_page_everywhere(&|lang| urls::section(lang, &section.key)));
    }
    Ok(entries)
}

/// The published articles with ids in `ids`, each with its versions in other languages.
async fn article_entries(state: &AppState, ids: std::ops::RangeInclusive<i64>) -> Result<Vec<Entry>, WebError> {
    let mut items: BTreeMap<String, Vec<pressroom_store::SitemapEntry>> = BTreeMap::new();
    for article in state.store.sitemap_entries(ids).await? {
        items.entry(article.translation_key.clone()).or_default().push(article);
    }
    let mut entries = Vec::new();
    for versions in items.values() {
        let alternates: Vec<(Lang, String)> =
            versions.iter().map(|v| (v.lang.clone(), urls::article(&v.lang, &v.section, &v.slug))).collect();
        for (version, (_, path)) in versions.iter().zip(&alternates).filter(|(v, _)| v.listed) {
            entries.push(Entry { path: path.clone(), modified: Some(version.modified), alternates: alternates.clone() });
        }
    }
    Ok(entries)
}

fn urlset(base: &str, entries: &[Entry]) -> Vec<u8> {
    let mut writer = Writer::new(Cursor::new(Vec::new()));
    let mut root = BytesStart::new("urlset");
    root.push_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"));
    root.push_attribute(("xmlns:xhtml", "http://www.w3.org/1999/xhtml"));
    write(&mut writer, Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    write(&mut writer, Event::Start(root));
    for entry in entries {
        write(&mut writer, Event::Start(BytesStart::new("url")));
        text_element(&mut writer, "loc", &format!("{base}{}", entry.path));
        if let Some(modified) = entry.modified {
            text_element(&mut writer, "lastmod", &modified.format(&Rfc3339).unwrap_or_default());
        }
        if entry.alternates.len() > 1 {
            for (lang, path) in &entry.alternates {
                let mut link = BytesStart::new("xhtml:link");
                link.push_attribute(("rel", "alternate"));
                link.push_attribute(("hreflang", lang.as_str()));
                link.push_attribute(("href", format!("{base}{path}").as_str()));
                write(&mut writer, Event::Empty(link));
            }
        }
        write(&mut writer, Event::End(BytesEnd::new("url")));
    }
    write(&mut writer, Event::End(BytesEnd::new("urlset")));
    writer.into_inner().into_inner()
}

fn sitemap_index(parts: &[String]) -> Vec<u8> {
    let mut writer = Writer::new(Cursor::new(Vec::new()));
    let mut root = BytesStart::new("sitemapindex");
    root.push_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"));
    write(&mut writer, Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    write(&mut writer, Event::Start(root));
    for url in parts {
        write(&mut writer, Event::Start(BytesStart::new("sitemap")));
        text_element(&mut writer, "loc", url);
        write(&mut writer, Event::End(BytesEnd::new("sitemap")));
    }
    write(&mut writer, Event::End(BytesEnd::new("sitemapindex")));
    writer.into_inner().into_inner()
}

fn text_element(writer: &mut Writer<Cursor<Vec<u8>>>, name: &str, text: &str) {
    write(writer, Event::Start(BytesStart::new(name)));
    write(writer, Event::Text(BytesText::new(text)));
    write(writer, Event::End(BytesEnd::new(name)));
}

/// Writing into memory cannot fail.
fn write(writer: &mut Writer<Cursor<Vec<u8>>>, event: Event) {
    writer.write_event(event).expect("writing XML into memory cannot fail");
}

fn xml_response(body: Vec<u8>) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/xml; charset=utf-8"));
    response
}

fn text_response(body: String, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
