//! The public record over HTTP, in the C2SP `tlog-tiles` layout under `/log/`: the signed
//! checkpoint, the public key, hash tiles and entry bundles (immutable, cached for a year), an
//! entry's inclusion proof (C2SP `tlog-proof`); and, for readers, each article's page of logged
//! versions.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pressroom_domain::{Slug, Status};
use pressroom_record::tree::TilePath;
use pressroom_render::views::{DateView, RecordPage, RecordRow};
use pressroom_render::{urls, Catalogue};

use super::{respond_html, PageResult};
use crate::extract::{Equivalents, Reader};
use crate::page_cache::{Immutable, PageItem};
use crate::{AppState, WebError};

/// What a client must fetch again each time: the checkpoint moves as the log grows.
const FRESH: &str = "no-cache";

fn text(body: String, cache_control: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response
}

/// `GET /log/checkpoint`: the latest signed checkpoint.
pub async fn checkpoint(State(state): State<AppState>) -> PageResult {
    let (_, note) = state.store.log_checkpoint().await?.ok_or(WebError::NotFound)?;
    Ok(text(note, FRESH))
}

/// `GET /log/key`: the log's public key, in the signed-note verifier-key format.
pub async fn key(State(state): State<AppState>) -> PageResult {
    let key = state.config.log_key.clone().ok_or(WebError::NotFound)?;
    Ok(text(format!("{key}\n"), "public, max-age=3600"))
}

/// `GET /log/tile/{path}`: a hash tile or an entry bundle. Its content never changes, so it is
/// kept by the page cache whatever changes, and by browsers and CDNs for a year.
pub async fn tile(State(state): State<AppState>, Path(path): Path<String>) -> PageResult {
    let tile = TilePath::parse(&path).ok_or(WebError::NotFound)?;
    let data = state.store.log_tile(tile).await?.ok_or(WebError::NotFound)?;
    let mut response = data.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/octet-stream"));
    response.extensions_mut().insert(Immutable);
    Ok(response)
}

/// `GET /log/proof/{index}`: entry `index` with its inclusion proof in the latest checkpoint.
pub async fn proof(State(state): State<AppState>, Path(index): Path<String>) -> PageResult {
    let index: u64 = index.strip_suffix(".tlog-proof").unwrap_or(&index).parse().map_err(|_| WebError::NotFound)?;
    let Some(proof) = state.store.log_proof(index).await? else {
        // Logged but not yet in a signed checkpoint (one is signed within a minute), or unknown.
        return Err(if index < state.store.log_size().await? {
            WebError::Unavailable("not yet signed".into())
        } else {
            WebError::NotFound
        });
    };
    let mut response = text(proof.text(), FRESH);
    let disposition = format!("attachment; filename=\"entry-{index}.tlog-proof\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// `GET /{lang}/{section}/{slug}/record`: every logged version of the item at this address.
/// An item never published has no record page: an embargoed draft leaves no trace.
pub async fn page(State(state): State<AppState>, reader: Reader, Path((_, section, slug)): Path<(String, String, String)>) -> PageResult {
    let section = reader.site.section(&section).ok_or(WebError::NotFound)?.clone();
    let slug = Slug::parse(&slug).map_err(|_| WebError::NotFound)?;
    let article = state.store.article_at(&reader.lang, &section.key, &slug).await?;
    if !matches!(article.status, Status::Published | Status::Archived) {
        return Err(WebError::NotFound);
    }
    let versions = state.store.log_history(article.id.0).await?;
    if versions.is_empty() {
        return Err(WebError::NotFound);
    }
    let catalogue = Catalogue::get();
    let lang = reader.lang.as_str();
    let title = catalogue.text(lang, "record_title");
    let layout = reader.layout(&state, title, &article.title, Some(Equivalents::Only(Vec::new())), Some(section.key.as_str()));
    let page = RecordPage {
        layout,
        article_title: article.title.clone(),
        article_url: urls::article(&article.lang, &article.section, &article.slug),
        versions: versions
            .iter()
            .rev()
            .map(|v| RecordRow {
                index: v.index,
                event: catalogue.text(lang, &format!("record_event_{}", v.event.as_str())).to_owned(),
                date: DateView::new(&reader.lang, &reader.site.zone, v.at),
                address: v.address.clone(),
                note: v.note.clone(),
                content_hash: v.content_hash.clone(),
                proof_url: format!("/log/proof/{}.tlog-proof", v.index),
            })
            .collect(),
        key: state.config.log_key.clone().unwrap_or_default(),
    };
    let mut response = respond_html(&state, StatusCode::OK, &page);
    response.extensions_mut().insert(PageItem(article.translation_key.clone()));
    Ok(response)
}
