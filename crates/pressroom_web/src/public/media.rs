//! Serving uploaded media. Only names the server made are served (a random key and a known
//! file name), with the stored content type, never sniffed, inside a sandbox; documents always
//! as downloads. From a bucket, files are streamed through, or readers are sent to the bucket's
//! public address when the site has one; a store that does not answer gives a 503.

use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pressroom_store::MediaKind;

use crate::media_store::{is_key, Delivery};
use crate::{AppState, WebError};
use pressroom_render::media::{content_type_of, file_extension, variants};

pub async fn file(State(state): State<AppState>, Path((key, name)): Path<(String, String)>) -> Result<Response, WebError> {
    if !is_key(&key) {
        return Err(WebError::NotFound);
    }
    let item = state.store.media_by_key(&key).await?;
    let original = format!("original.{}", file_extension(&item.content_type));
    let content_type = if name == original {
        item.content_type.clone()
    } else if variants(item.width, &item.content_type).iter().any(|(_, variant)| *variant == name) {
        content_type_of(&name).to_owned()
    } else {
        return Err(WebError::NotFound);
    };
    let mut response = match state.config.media.deliver(&key, &name).await? {
        Delivery::Body { size, body } => {
            let mut response = body.into_response();
            response.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(size));
            response
        }
        Delivery::Redirect(address) => {
            let location = HeaderValue::from_str(&address).map_err(|e| WebError::Internal(e.to_string()))?;
            // Temporary, and cached for an hour: the store's address is a setting that may change.
            let mut response = (StatusCode::FOUND, [(header::LOCATION, location)]).into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
            return Ok(response);
        }
    };
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
