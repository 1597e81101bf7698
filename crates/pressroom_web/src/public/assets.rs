//! Static files under content-hashed names: kept by browsers for a year, and kept here in their
//! gzip and brotli forms as well, made once at start-up.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::Response;
use pressroom_render::Assets;

use crate::http_cache::encoded;
use crate::page_cache::StoredBody;
use crate::{AppState, WebError};

/// Every static file, by its served name, with its type and its compressed forms.
pub struct StaticFiles {
    files: HashMap<String, (&'static str, StoredBody)>,
}

impl StaticFiles {
    pub fn new(assets: &Assets) -> StaticFiles {
        let files = assets
            .iter()
            .map(|(name, asset)| {
                let text = asset.content_type.starts_with("text/") || asset.content_type == "image/svg+xml";
                (name.to_owned(), (asset.content_type, StoredBody::new(Bytes::from(asset.bytes.clone()), text)))
            })
            .collect();
        StaticFiles { files }
    }
}

pub async fn file(State(state): State<AppState>, Path(name): Path<String>, request: HeaderMap) -> Result<Response, WebError> {
    let (content_type, body) = state.static_files.files.get(&name).ok_or(WebError::NotFound)?;
    let (bytes, encoding) = encoded(body, &request);
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    if body.compressible {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    Ok(response)
}
