//! The edge where errors become answers: the fallback for a path no route has, and the
//! middleware that renders the page of an error a handler returned — in the site's style and
//! the language of the URL, or as the API's JSON error under `/api/`.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pressroom_render::views::ErrorPage;

use crate::error::PendingErrorPage;
use crate::extract::Reader;
use crate::pages::respond_html;
use crate::{AppState, WebError};

/// The answer for a path no route has: the site's 404 page, or a JSON error under `/api/`.
pub(crate) async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        crate::api::error::no_route().await.into_response()
    } else {
        WebError::NotFound.into_response()
    }
}

/// Renders the page of any error a handler returned, in the language of the URL when it names
/// one of the site's languages, and in the site's default language otherwise.
pub(crate) async fn render_error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let headers = parts.headers.clone();
    let response = next.run(Request::from_parts(parts, body)).await;
    let Some(PendingErrorPage(error)) = response.extensions().get::<PendingErrorPage>().cloned() else {
        state.health.reachable();
        return response;
    };
    match &error {
        WebError::Unavailable(cause) => state.health.unreachable(cause),
        WebError::Internal(_) => {}
        _ => state.health.reachable(),
    }
    if path.starts_with("/api/") {
        // A public route's pattern caught an API path (`/{lang}/{section}/{slug}`): the API's
        // clients get its JSON errors, never a page.
        return match error {
            WebError::NotFound => crate::api::error::no_route().await.into_response(),
            other => crate::api::error::ApiError::from(other).into_response(),
        };
    }
    let reader = Reader::for_error_page(&state, &path, &headers).await;
    let (heading_key, text_key) = error.message_keys();
    let catalogue = pressroom_render::Catalogue::get();
    let lang = reader.lang.as_str();
    let page = ErrorPage {
        layout: reader.layout(&state, catalogue.text(lang, heading_key), "", None, None),
        status: error.status().as_u16(),
        heading: catalogue.text(lang, heading_key).to_owned(),
        text: catalogue.text(lang, text_key).to_owned(),
    };
    respond_html(&state, error.status(), &page)
}
