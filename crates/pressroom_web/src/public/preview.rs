//! `/preview/{secret}`: an unpublished item as readers will see it, for whoever holds a preview
//! link — no account needed. The page says it is a preview, asks search engines not to index
//! it, is never stored by any cache (see `http_cache`), and sends no referrer, so the secret
//! does not leave with a click on one of the text's links.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use pressroom_render::{urls, Catalogue};

use super::article::article_page;
use super::PageResult;
use crate::extract::{client_ip, contrast_cookie, Reader};
use crate::{AppState, WebError};

/// Related items shown under a preview, as under the published page.
const RELATED: u32 = 5;

pub async fn page(State(state): State<AppState>, Path(secret): Path<String>, parts: Parts) -> PageResult {
    // A secret is 64 hex digits; anything else is not worth a query.
    if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(WebError::NotFound);
    }
    let hash = crate::auth::hash_token(&secret);
    let id = state.store.open_preview_link(&hash, &client_ip(&parts)).await?.ok_or(WebError::NotFound)?;
    let view = state.store.article_view_by_id(id, RELATED).await?;
    let site = state.site.get(&state.store).await?;
    let article = &view.article;
    let reader = Reader {
        lang: article.lang.clone(),
        contrast: contrast_cookie(parts.headers.get(header::COOKIE)),
        path: urls::article(&article.lang, &article.section, &article.slug),
        site,
    };
    let notice = Catalogue::get().text(article.lang.as_str(), "preview_banner").to_owned();
    let mut response = article_page(&state, &reader, view, Some(notice)).await?;
    let headers = response.headers_mut();
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex, nofollow"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    Ok(response)
}
