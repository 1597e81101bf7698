//! The public site: pages for readers, complete without JavaScript.

pub mod archive;
pub mod article;
pub mod assets;
pub mod bodies;
pub mod documents;
pub mod events;
pub mod feeds;
pub mod home;
pub mod lists;
pub mod media;
pub mod prefs;
pub mod preview;
pub mod record;
pub mod search;
pub mod sitemap;

use axum::response::{IntoResponse, Response};

pub(crate) use crate::pages::respond_html;
use crate::WebError;

/// A permanent redirect to `path` with a slash added, keeping the query (`?page=2`).
pub(crate) fn with_slash(path: &str, uri: &axum::http::Uri) -> Response {
    match uri.query() {
        Some(query) => axum::response::Redirect::permanent(&format!("{path}/?{query}")).into_response(),
        None => axum::response::Redirect::permanent(&format!("{path}/")).into_response(),
    }
}

/// A rendered page, or the error to show instead.
pub(crate) type PageResult = Result<Response, WebError>;
