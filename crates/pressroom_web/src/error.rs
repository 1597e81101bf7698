//! One error type for the web edge. A handler returns it; [`render_error_pages`] turns it into a
//! page in the site's style and in the reader's language. What the reader is told is separate
//! from what is logged: an internal error is logged with its cause and shown as a plain apology.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pressroom_render::views::ErrorPage;
use pressroom_store::StoreError;

use crate::extract::Reader;
use crate::public::respond_html;
use crate::AppState;

#[derive(Debug, Clone)]
pub enum WebError {
    NotFound,
    /// The item was published here once and has been withdrawn.
    Gone,
    /// A malformed request; the message key says what was wrong.
    BadRequest(&'static str),
    /// The signed-in user's role may not do this; the message key says what.
    Forbidden(&'static str),
    /// The request is valid but the item is not in a state that allows it.
    Conflict(&'static str),
    /// Too many failed sign-ins; try again later.
    TooManyAttempts,
    /// A back-office page for someone not signed in: they are sent to sign in, then back to
    /// the path given.
    SignInRequired(String),
    /// The site requires a second factor and this user has none yet: they are sent to set one up.
    SecondFactorRequired,
    /// The database cannot be reached (the cause is for the log); the reader is asked to come
    /// back shortly.
    Unavailable(String),
    /// A fault of ours; the cause goes to the log, never to the page.
    Internal(String),
}

impl WebError {
    fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Gone => StatusCode::GONE,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            WebError::SignInRequired(_) | WebError::SecondFactorRequired => StatusCode::SEE_OTHER,
            WebError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Message keys of the heading and the text the reader sees.
    fn message_keys(&self) -> (&'static str, &'static str) {
        match self {
            WebError::NotFound => ("error_404_title", "error_404_text"),
            WebError::Gone => ("error_410_title", "error_410_text"),
            WebError::BadRequest(key) => ("error_400_title", key),
            WebError::Forbidden(key) => ("error_403_title", key),
            WebError::Conflict(key) => ("error_409_title", key),
            WebError::TooManyAttempts | WebError::SignInRequired(_) | WebError::SecondFactorRequired => {
                ("error_429_title", "error_too_many_attempts")
            }
            WebError::Unavailable(_) => ("error_503_title", "error_503_text"),
            WebError::Internal(_) => ("error_500_title", "error_500_text"),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Unavailable(cause) => WebError::Unavailable(cause.to_string()),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<pressroom_editorial::EditError> for WebError {
    fn from(err: pressroom_editorial::EditError) -> Self {
        use pressroom_editorial::EditError;
        match err {
            EditError::NotFound => WebError::NotFound,
            EditError::Invalid(errors) => WebError::BadRequest(errors.first().map_or("error_form_malformed", |e| e.key)),
            EditError::Taken(error) => WebError::Conflict(error.key),
            EditError::Forbidden(key) => WebError::Forbidden(key),
            EditError::MissingScope(_) => WebError::Forbidden("error_forbidden"),
            EditError::WrongStatus | EditError::Stale { .. } => WebError::Conflict("error_wrong_status"),
            EditError::Store(err) => err.into(),
        }
    }
}

/// Marks a response whose body is still to be rendered as an error page.
#[derive(Clone)]
struct PendingErrorPage(WebError);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::SignInRequired(next) = &self {
            let next = utf8_percent_encode(next, NON_ALPHANUMERIC);
            return axum::response::Redirect::to(&format!("/admin/login?next={next}")).into_response();
        }
        if let WebError::SecondFactorRequired = &self {
            return axum::response::Redirect::to("/admin/account/totp").into_response();
        }
        if let WebError::Internal(cause) = &self {
            tracing::error!(%cause, "request failed");
        }
        let mut response = (self.status(), self.status().canonical_reason().unwrap_or("error")).into_response();
        response.extensions_mut().insert(PendingErrorPage(self));
        response
    }
}

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
