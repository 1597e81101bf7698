//! `/` and the home page of each language.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use pressroom_domain::{Lang, Site};
use pressroom_render::urls;
use pressroom_render::views::{HomePage, ListItem, SectionLink};
use pressroom_store::Listing;

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::{AppState, WebError};

const LATEST: usize = 10;
const FEATURED: u32 = 4;

/// Sends the reader to the language they prefer among the site's, or to the default one.
pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, WebError> {
    let site = state.site.get(&state.store).await?;
    let accept = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let lang = preferred_language(&site, accept);
    let mut response = Redirect::to(&urls::home(&lang)).into_response();
    response.headers_mut().insert(header::VARY, header::ACCEPT_LANGUAGE.as_str().parse().expect("a header name is a valid value"));
    Ok(response)
}

/// The site language with the highest `q` in an `Accept-Language` header (`ru-RU` counts as
/// `ru`); the default language when none matches.
fn preferred_language(site: &Site, accept: &str) -> Lang {
    let mut best: Option<(f32, &Lang)> = None;
    for item in accept.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        if let Some(language) = site.language(primary) {
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, &language.code));
            }
        }
    }
    best.map_or_else(|| site.default_lang().clone(), |(_, lang)| lang.clone())
}

/// `/en` → `/en/`.
pub async fn add_slash(Path(lang): Path<String>) -> Response {
    Redirect::permanent(&format!("/{lang}/")).into_response()
}

pub async fn home(State(state): State<AppState>, reader: Reader) -> PageResult {
    let latest = state.store.list_published(&reader.lang, Listing::All, 1).await?;
    let featured = state.store.featured(&reader.lang, FEATURED).await?;
    let sections = reader
        .site
        .sections
        .iter()
        .map(|s| SectionLink { name: s.name(&reader.lang).to_owned(), url: urls::section(&reader.lang, &s.key) })
        .collect();
    let page = HomePage {
        layout: reader.layout(&state, "", "", Some(Equivalents::SamePath), None),
        featured: ListItem::list(&featured, &reader.site),
        latest: ListItem::list(&latest.items[..latest.items.len().min(LATEST)], &reader.site),
        sections,
    };
    Ok(respond_html(&state, StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_site_language() {
        let site = Site::standard();
        assert_eq!(preferred_language(&site, "en-GB,en;q=0.9,ru;q=0.5").as_str(), "en");
        assert_eq!(preferred_language(&site, "de-DE,ru-RU;q=0.8,en;q=0.3").as_str(), "ru");
        assert_eq!(preferred_language(&site, "fr").as_str(), "ru", "no match: the default language");
        assert_eq!(preferred_language(&site, "").as_str(), "ru");
        assert_eq!(preferred_language(&site, "en;q=0").as_str(), "ru", "q=0 means not acceptable");
    }
}
