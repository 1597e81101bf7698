//! Paginated lists: a section (all news is the `news` section) and a tag.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use pressroom_domain::{ArticleSummary, Page, SectionKey, TagKey};
use pressroom_render::views::{ListItem, ListPage, Pagination};
use pressroom_render::Catalogue;
use pressroom_store::Listing;

use super::{respond_html, with_slash, PageResult};
use crate::extract::{Equivalents, PageNumber, Reader};
use crate::{AppState, WebError};

/// `/en/news` → `/en/news/`, for a language and a section the site has.
pub async fn add_slash(reader: Reader, Path((lang, section)): Path<(String, String)>, uri: Uri) -> PageResult {
    reader.site.section(&section).ok_or(WebError::NotFound)?;
    Ok(with_slash(&format!("/{lang}/{section}"), &uri))
}

pub async fn section(
    State(state): State<AppState>,
    reader: Reader,
    Path((_, key)): Path<(String, String)>,
    PageNumber(page): PageNumber,
    Query(params): Query<HashMap<String, String>>,
) -> PageResult {
    let section = reader.site.section(&key).ok_or(WebError::NotFound)?.clone();
    match section.key.as_str() {
        pressroom_domain::EVENTS_SECTION => return super::events::index(&state, &reader).await,
        pressroom_domain::DOCUMENTS_SECTION => return super::documents::register(&state, &reader, &params, page).await,
        _ => {}
    }
    let items = state.store.list_published(&reader.lang, Listing::Section(&section.key), page).await?;
    let heading = section.name(&reader.lang).to_owned();
    let page = list_view(&state, &reader, heading, None, items, Some(&section.key))?;
    Ok(respond_html(&state, StatusCode::OK, &page))
}

pub async fn tag(
    State(state): State<AppState>,
    reader: Reader,
    Path((_, key)): Path<(String, String)>,
    PageNumber(page): PageNumber,
) -> PageResult {
    let key = TagKey::parse(&key).map_err(|_| WebError::NotFound)?;
    let tag = state.store.tag(&key).await?;
    let items = state.store.list_published(&reader.lang, Listing::Tag(&key), page).await?;
    let kind = Catalogue::get().text(reader.lang.as_str(), &format!("tag_kind_{}", tag.kind.as_str())).to_owned();
    let page = list_view(&state, &reader, tag.name(&reader.lang).to_owned(), Some(kind), items, None)?;
    Ok(respond_html(&state, StatusCode::OK, &page))
}

/// One page of a list; a page past the last is a 404.
pub(crate) fn list_view(
    state: &AppState,
    reader: &Reader,
    heading: String,
    intro: Option<String>,
    items: Page<ArticleSummary>,
    section: Option<&SectionKey>,
) -> Result<ListPage, WebError> {
    if items.page > items.last_page() {
        return Err(WebError::NotFound);
    }
    let mut title = heading.clone();
    if items.page > 1 {
        title = format!("{title} — {}", Catalogue::get().text(reader.lang.as_str(), "page_n").replace("{n}", &items.page.to_string()));
    }
    let mut layout =
        reader.layout(state, &title, intro.as_deref().unwrap_or_default(), Some(Equivalents::SamePath), section.map(SectionKey::as_str));
    if items.page > 1 {
        layout.canonical = format!("{}?page={}", layout.canonical, items.page);
    }
    Ok(ListPage {
        layout,
        heading,
        intro,
        items: ListItem::list(&items.items, &reader.site),
        pagination: Pagination::new(&items, &reader.path),
        periods: Vec::new(),
        up: None,
    })
}
