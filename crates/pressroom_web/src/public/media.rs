//! Serving uploaded media. Only names the server made are served (a random key and a known
//! file name), with the stored content type, never sniffed, inside a sandbox; documents always
//! as downloads.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pressroom_store::MediaKind;

use crate::media::{is_key, item_dir};
use crate::{AppState, WebError};
use pressroom_render::media::{file_extension, variants};

pub async fn file(State(state): State<AppState>, Path((key, name)): Path<(String, String)>) -> Result<Response, WebError> {
    if !is_key(&key) {
        return Err(WebError::NotFound);
    }
    let item = state.store.media_by_key(&key).await?;
    let original = format!("original.{}", file_extension(&item.content_type));
    let content_type = if name == original {
        item.content_type.clone()
    } else if let Some((_, variant)) = variants(item.width, &item.content_type).into_iter().find(|(_, n)| *n == name) {
        if variant.ends_with(".png") {
            "image/png".to_owned()
        } else {
            "image/jpeg".to_owned()
        }
    } else {
        return Err(WebError::NotFound);
    };
    let path = item_dir(&state.config.media_dir, &key).join(&name);
    let bytes = tokio::fs::read(&path).await.map_err(|_| WebError::NotFound)?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(&content_type).map_err(|e| WebError::Internal(e.to_string()))?);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    if item.kind == MediaKind::File {
        let encoded = utf8_percent_encode(&item.original_name, NON_ALPHANUMERIC);
        let disposition = format!("attachment; filename=\"download.{}\"; filename*=UTF-8''{encoded}", file_extension(&item.content_type));
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&disposition).map_err(|e| WebError::Internal(e.to_string()))?);
    }
    Ok(response)
}
