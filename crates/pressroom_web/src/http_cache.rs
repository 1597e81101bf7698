//! HTTP caching for everything the server renders, and the in-memory page cache in front of the
//! handlers ([`crate::page_cache`]). Public pages, feeds and the Content API get
//! an `ETag` (a hash of the body), a `Last-Modified` (the latest committed change) and a
//! `Cache-Control` that lets a shared cache (a CDN) keep them for a minute while browsers check
//! back each time — and a revalidation that still matches is answered `304 Not Modified`
//! without a body. The back office, and anything asked with a token, is never stored.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc2822;
use time::OffsetDateTime;

use crate::extract::contrast_cookie;
use crate::page_cache::{CachedPage, Immutable, PageItem, PageKey, PageScope, StoredBody};
use crate::AppState;

/// What public responses say about caching: shared caches keep them briefly; browsers
/// revalidate, which costs a `304` when nothing changed.
pub const PUBLIC: &str = "public, max-age=0, s-maxage=60, must-revalidate";
/// What never changes at its address (the public record's tiles).
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Back-office pages, preview links' pages and answers to a token: never stored anywhere.
pub const PRIVATE: &str = "private, no-store";

pub async fn http_caching(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let private = path == "/admin"
        || path.starts_with("/admin/")
        || path.starts_with("/preview/")
        || request.headers().contains_key(header::AUTHORIZATION);
    if private {
        return with_cache_control(next.run(request).await, PRIVATE);
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let conditions = request.headers().clone();
    // The router answers HEAD without a body, so only a GET's page may be kept.
    let is_get = request.method() == Method::GET;
    // Search results are as many as the queries readers type: they are not kept. Assets and
    // media are served from memory and disk with their own cache policy.
    let kept = !path.ends_with("/search") && !path.starts_with("/static/") && !path.starts_with("/media/");
    let key = kept.then(|| PageKey {
        path_and_query: request.uri().path_and_query().map_or_else(|| path.to_owned(), |pq| pq.as_str().to_owned()),
        contrast: contrast_cookie(request.headers().get(header::COOKIE)),
    });
    let change = state.site.current_change();
    state.pages.follow(&state.store, change).await;
    if let Some(page) = key.as_ref().and_then(|key| state.pages.get(key)) {
        metrics::counter!("pressroom_page_cache_hits_total").increment(1);
        return send(&page, &conditions);
    }
    if key.is_some() {
        metrics::counter!("pressroom_page_cache_misses_total").increment(1);
    }
    let _turn = match &key {
        Some(key) => Some(state.pages.render_turn(key).await),
        None => None,
    };
    if let Some(page) = key.as_ref().and_then(|key| state.pages.get(key)) {
        return send(&page, &conditions);
    }
    let _slot = match &key {
        Some(_) => Some(state.pages.render_slot().await),
        None => None,
    };
    let path = path.to_owned();
    let response = next.run(request).await;
    // Assets and media set their own policy; errors, redirects and cookies are not cached.
    let cacheable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::CACHE_CONTROL)
        && !response.headers().contains_key(header::SET_COOKIE);
    if !cacheable {
        return response;
    }
    let last_modified = state.site.last_modified(&state.store).await.ok();
    let (mut parts, body) = response.into_parts();
    let immutable = parts.extensions.remove::<Immutable>().is_some();
    let scope = PageScope { lang: page_lang(&state, &path), item: parts.extensions.remove::<PageItem>().map(|item| item.0), immutable };
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let policy = if immutable { IMMUTABLE } else { PUBLIC };
    let page = Arc::new(prepare(parts.headers, bytes, last_modified, key.is_some(), policy));
    if let Some(key) = key.filter(|_| is_get) {
        state.pages.put(key, change, scope, page.clone());
    }
    send(&page, &conditions)
}

/// The language a page is in: its path's first segment, when that is one of the site's.
fn page_lang(state: &AppState, path: &str) -> Option<String> {
    let first = path.trim_start_matches('/').split('/').next()?;
    state.site.last_known()?.language(first).map(|language| language.code.as_str().to_owned())
}

/// A page's headers and body forms, with its validators and cache policy.
fn prepare(mut headers: HeaderMap, bytes: Bytes, last_modified: Option<i64>, compress: bool, policy: &'static str) -> CachedPage {
    let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&bytes)[..16]));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = last_modified.and_then(http_date).and_then(|d| HeaderValue::from_str(&d).ok()) {
        headers.insert(header::LAST_MODIFIED, value);
    }
    let content_type = headers.get(header::CONTENT_TYPE).map(|v| v.as_bytes().to_vec()).unwrap_or_default();
    let html = content_type.starts_with(b"text/html");
    let text = html || content_type.starts_with(b"text/") || content_type.starts_with(b"application/");
    let body = StoredBody::new(bytes, compress && text);
    // HTML pages follow the high-contrast cookie; compressed ones the encodings accepted.
    let vary = match (html, body.compressible) {
        (true, true) => Some("Accept-Encoding, Cookie"),
        (true, false) => Some("Cookie"),
        (false, true) => Some("Accept-Encoding"),
        (false, false) => None,
    };
    if let Some(vary) = vary {
        headers.insert(header::VARY, HeaderValue::from_static(vary));
    }
    headers.remove(header::CONTENT_LENGTH);
    CachedPage { headers, etag, last_modified, body }
}

/// The page, or `304 Not Modified` when the client's copy is current, in the best encoding the
/// client accepts.
fn send(page: &CachedPage, request: &HeaderMap) -> Response {
    if not_modified(request, &page.etag, page.last_modified) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        for name in [header::ETAG, header::LAST_MODIFIED, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = page.headers.get(&name) {
                response.headers_mut().insert(name, value.clone());
            }
        }
        return response;
    }
    let (body, encoding) = encoded(&page.body, request);
    let mut response = Response::new(Body::from(body));
    *response.headers_mut() = page.headers.clone();
    if let Some(encoding) = encoding {
        response.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// The form of a body to send for a request's `Accept-Encoding`, and its coding's name.
pub(crate) fn encoded(body: &StoredBody, request: &HeaderMap) -> (Bytes, Option<&'static str>) {
    let accepted = request.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if body.compressible && accepts(accepted, "br") {
        if let Some(br) = body.brotli() {
            return (br.clone(), Some("br"));
        }
    }
    if body.compressible && accepts(accepted, "gzip") {
        if let Some(gzip) = body.gzip() {
            return (gzip.clone(), Some("gzip"));
        }
    }
    (body.identity.clone(), None)
}

/// Whether an `Accept-Encoding` value accepts `coding` (named, and not with `q=0`).
fn accepts(accepted: &str, coding: &str) -> bool {
    accepted.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        parts.next().is_some_and(|name| name.eq_ignore_ascii_case(coding))
            && !parts.any(|p| p.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q == 0.0)))
    })
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

    #[test]
    fn encodings_are_chosen_by_accept_encoding() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=0.8, br;q=1.0", "gzip"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("identity", "gzip"));
    }
}
