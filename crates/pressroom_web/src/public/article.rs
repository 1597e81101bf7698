//! The article page: one language version of an item, with its translations and related items.
//! An address the item has left answers 301 to where it lives now.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use pressroom_domain::{SectionKey, Slug, Status, EVENTS_SECTION};
use pressroom_render::views::ArticlePage;
use pressroom_render::{urls, ArticleSurroundings};
use pressroom_store::{ArticleView, StoreError};

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::page_cache::PageItem;
use crate::{AppState, WebError};

const RELATED: u32 = 5;

/// The answer at an address a published article has left: 301 to where it lives now.
async fn moved(state: &AppState, reader: &Reader, section: &SectionKey, slug: &Slug) -> PageResult {
    let id = state.store.moved_article(&reader.lang, section, slug).await?.ok_or(WebError::NotFound)?;
    let article = state.store.article(id).await?;
    match article.status {
        Status::Published => {
            let location = urls::article(&article.lang, &article.section, &article.slug);
            Ok((StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response())
        }
        Status::Archived => Err(WebError::Gone),
        _ => Err(WebError::NotFound),
    }
}

pub async fn article(
    State(state): State<AppState>,
    reader: Reader,
    Path((_, section, slug)): Path<(String, String, String)>,
) -> PageResult {
    let section = reader.site.section(&section).ok_or(WebError::NotFound)?.clone();
    if let Some(event) = slug.strip_suffix(".ics").filter(|_| section.key.as_str() == EVENTS_SECTION) {
        return super::events::event_file(&state, &reader, event).await;
    }
    let slug = Slug::parse(&slug).map_err(|_| WebError::NotFound)?;
    let view = match state.store.article_view(&reader.lang, &section.key, &slug, RELATED).await {
        Err(StoreError::NotFound) => return moved(&state, &reader, &section.key, &slug).await,
        found => found?,
    };
    match view.article.status {
        Status::Published => {}
        Status::Archived => return Err(WebError::Gone),
        Status::Draft | Status::Review | Status::Scheduled => return Err(WebError::NotFound),
    }
    article_page(&state, &reader, view, None).await
}

/// An article's page as readers see it; with `preview`, the banner of a preview link's page.
pub(crate) async fn article_page(state: &AppState, reader: &Reader, view: ArticleView, preview: Option<String>) -> PageResult {
    let ArticleView { article, translations, gallery, attachments, related } = view;
    let section = reader.site.section(article.section.as_str()).ok_or(WebError::NotFound)?.clone();
    let reports = match &article.event {
        Some(_) => state.store.reports_of(&article.translation_key, &article.lang).await?,
        None => Vec::new(),
    };
    let report_of = match &article.report_of {
        Some(key) => state.store.event_by_key(key, &article.lang).await?,
        None => None,
    };
    let related_documents = match &article.document {
        Some(facts) => state.store.related_documents(&article.translation_key, facts, &article.lang).await?,
        None => Vec::new(),
    };
    let equivalents = translations.iter().map(|t| (t.lang.clone(), urls::article(&t.lang, &t.section, &t.slug))).collect();
    let mut layout = reader.layout(state, &article.title, &article.lead, Some(Equivalents::Only(equivalents)), Some(section.key.as_str()));
    layout.preview = preview;
    let around = ArticleSurroundings {
        section: &section,
        translations: &translations,
        gallery: &gallery,
        attachments: &attachments,
        related: &related,
        site: &reader.site,
        reports: &reports,
        report_of: report_of.as_ref(),
        related_documents: &related_documents,
        base_url: &state.config.base_url,
    };
    let mut response = respond_html(state, StatusCode::OK, &ArticlePage::new(layout, &article, &around));
    response.extensions_mut().insert(PageItem(article.translation_key.clone()));
    Ok(response)
}
