//! Pages as responses: a page view rendered by its template, for the public site, the back
//! office and the error pages alike.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pressroom_render::PageView;

use crate::AppState;

/// Renders a page into an HTML response with `status`.
pub(crate) fn respond_html<P: PageView>(state: &AppState, status: StatusCode, page: &P) -> Response {
    let started = std::time::Instant::now();
    let rendered = state.renderer.render(page);
    crate::observe::timed("pressroom_render_seconds", started);
    match rendered {
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
