//! One error type for the web edge. A handler returns it; `error_pages::render_error_pages`
//! turns it into a page in the site's style and in the reader's language (or, under `/api/`,
//! into the API's JSON error). What the reader is told is separate
//! from what is logged: an internal error is logged with its cause and shown as a plain apology.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use pressroom_store::StoreError;

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
    pub(crate) fn status(&self) -> StatusCode {
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
    pub(crate) fn message_keys(&self) -> (&'static str, &'static str) {
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
pub(crate) struct PendingErrorPage(pub(crate) WebError);

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
