//! `/` and the home page of each language.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use pressroom_render::urls;
use pressroom_render::views::{HomePage, ListItem, SectionLink};

use super::{respond_html, PageResult};
use crate::extract::{preferred_language, Equivalents, Reader};
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

/// `/en` → `/en/`, for a language the site has.
pub async fn add_slash(_reader: Reader, Path(lang): Path<String>, uri: Uri) -> Response {
    super::with_slash(&format!("/{lang}"), &uri)
}

pub async fn home(State(state): State<AppState>, reader: Reader) -> PageResult {
    let latest = state.store.latest_published(&reader.lang, LATEST as u32).await?;
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
        latest: ListItem::list(&latest, &reader.site),
        sections,
    };
    Ok(respond_html(&state, StatusCode::OK, &page))
}
