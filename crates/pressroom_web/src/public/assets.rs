//! Static files under content-hashed names: kept by browsers for a year.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use crate::{AppState, WebError};

pub async fn file(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response, WebError> {
    let asset = state.renderer.assets().get(&name).ok_or(WebError::NotFound)?;
    let mut response = asset.bytes.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}
