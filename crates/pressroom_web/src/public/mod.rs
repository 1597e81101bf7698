//! The public site: pages for readers, complete without JavaScript.

pub mod archive;
pub mod article;
pub mod assets;
pub mod feeds;
pub mod home;
pub mod lists;
pub mod media;
pub mod prefs;
pub mod search;
pub mod sitemap;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pressroom_render::PageView;

use crate::{AppState, WebError};

/// Renders a page into an HTML response with `status`.
pub(crate) fn respond_html<P: PageView>(state: &AppState, status: StatusCode, page: &P) -> Response {
    match state.renderer.render(page) {
        Ok(html) => {
            let mut response = (status, html).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            response
        }
        Err(err) => {
            tracing::error!(error = %err, "a page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "The page could not be shown.").into_response()
        }
    }
}

/// A permanent redirect to `path` with a slash added, keeping the query (`?page=2`).
pub(crate) fn with_slash(path: &str, uri: &axum::http::Uri) -> Response {
    match uri.query() {
        Some(query) => axum::response::Redirect::permanent(&format!("{path}/?{query}")).into_response(),
        None => axum::response::Redirect::permanent(&format!("{path}/")).into_response(),
    }
}

/// A rendered page, or the error to show instead.
pub(crate) type PageResult = Result<Response, WebError>;
