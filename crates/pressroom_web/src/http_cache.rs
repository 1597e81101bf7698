//! HTTP caching for everything the server renders. Public pages, feeds and the Content API get
//! an `ETag` (a hash of the body), a `Last-Modified` (the latest committed change) and a
//! `Cache-Control` that lets a shared cache (a CDN) keep them for a minute while browsers check
//! back each time — and a revalidation that still matches is answered `304 Not Modified`
//! without a body. The back office, and anything asked with a token, is never stored.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

use crate::AppState;

/// What public responses say about caching: shared caches keep them briefly; browsers
/// revalidate, which costs a `304` when nothing changed.
pub const PUBLIC: &str = "public, max-age=0, s-maxage=60, must-revalidate";
/// Back-office pages and answers to a token: never stored anywhere.
pub const PRIVATE: &str = "private, no-store";

pub async fn http_caching(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let private = path == "/admin" || path.starts_with("/admin/") || request.headers().contains_key(header::AUTHORIZATION);
    let cacheable_method = matches!(*request.method(), Method::GET | Method::HEAD);
    let conditions = request.headers().clone();
    let response = next.run(request).await;
    if private {
        return with_cache_control(response, PRIVATE);
    }
    // Assets and media set their own policy; errors, redirects and cookies are not cached.
    let cacheable = cacheable_method
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::CACHE_CONTROL)
        && !response.headers().contains_key(header::SET_COOKIE);
    if !cacheable {
        return response;
    }
    let last_modified = state.site.last_modified(&state.store).await.ok();
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..16]));
    let headers = &mut parts.headers;
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = last_modified.and_then(http_date).and_then(|d| HeaderValue::from_str(&d).ok()) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    // HTML pages follow the high-contrast cookie.
    if headers.get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html")) {
        headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
    }
    if not_modified(&conditions, &etag, last_modified) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = parts.headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        return response;
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn with_cache_control(mut response: Response, value: &'static str) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// Whether the client's copy is current: `If-None-Match` decides when present (RFC 9110
/// §13.1.3), otherwise `If-Modified-Since`.
fn not_modified(request: &HeaderMap, etag: &str, last_modified: Option<i64>) -> bool {
    if let Some(candidates) = request.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return candidates.split(',').map(str::trim).any(|c| c == "*" || c.trim_start_matches("W/") == etag);
    }
    let since = request
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| OffsetDateTime::parse(v.trim(), &Rfc2822).ok())
        .map(OffsetDateTime::unix_timestamp);
    matches!((since, last_modified), (Some(since), Some(modified)) if modified <= since)
}

/// An HTTP date (`Thu, 26 Nov 2026 21:05:22 GMT`).
fn http_date(seconds: i64) -> Option<String> {
    let time = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    let formatted = time.format(&Rfc2822).ok()?;
    // RFC 2822 writes the zone as "+0000"; HTTP wants "GMT".
    Some(formatted.replace("+0000", "GMT"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revalidation_matches_the_etag_first_then_the_date() {
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"old\", W/\"abc\""));
        assert!(not_modified(&headers, "\"abc\"", Some(100)));
        assert!(!not_modified(&headers, "\"new\"", Some(100)));
        let mut headers = HeaderMap::new();
        headers.insert(header::IF_MODIFIED_SINCE, HeaderValue::from_str(&http_date(1_000).unwrap()).unwrap());
        assert!(not_modified(&headers, "\"abc\"", Some(1_000)));
        assert!(!not_modified(&headers, "\"abc\"", Some(1_001)));
        assert_eq!(http_date(0).as_deref(), Some("Thu, 01 Jan 1970 00:00:00 GMT"));
    }
}
