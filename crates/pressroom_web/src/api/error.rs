//! The one shape of every JSON error: `{"error": {"code": …, "message": …, "field": …}}`.
//! Handlers return [`ApiError`]; errors that arise before a handler runs (an unknown route, a
//! wrong method, a body over the limit) are rewritten into the same shape by [`json_errors`].

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pressroom_render::Catalogue;
use pressroom_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::WebError;

/// What went wrong, for a program and for the person reading its log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable code: `not_found`, `invalid`, `unauthorized`, `forbidden`, `conflict`, …
    pub code: String,
    /// A sentence in English.
    pub message: String,
    /// The request field the error is about, when there is one.
    pub field: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), field: None }
    }

    /// A request field that is missing or wrong (422).
    pub fn invalid(field: &str, message: impl Into<String>) -> ApiError {
        ApiError { field: Some(field.to_owned()), ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message) }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "There is no such item.")
    }

    pub fn unauthorized(message: &str) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// The code that goes with an HTTP status, for errors that carry nothing else.
    fn code_of(status: StatusCode) -> &'static str {
        match status {
            StatusCode::BAD_REQUEST => "bad_request",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::CONFLICT => "conflict",
            StatusCode::GONE => "gone",
            StatusCode::PAYLOAD_TOO_LARGE => "too_large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid",
            StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
            StatusCode::SERVICE_UNAVAILABLE => "unavailable",
            s if s.is_client_error() => "bad_request",
            _ => "internal",
        }
    }
}

/// English text of a catalogue message key.
fn english(key: &str) -> String {
    Catalogue::get().text("en", key).to_owned()
}

impl From<WebError> for ApiError {
    fn from(err: WebError) -> ApiError {
        match err {
            WebError::NotFound => ApiError::not_found(),
            WebError::Gone => ApiError::new(StatusCode::GONE, "gone", "The item has been withdrawn."),
            WebError::BadRequest(key) => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", english(key)),
            WebError::Forbidden(key) => ApiError::forbidden(english(key)),
            WebError::Conflict(key) => ApiError::new(StatusCode::CONFLICT, "conflict", english(key)),
            WebError::TooManyAttempts => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", english("error_too_many_attempts"))
            }
            WebError::SignInRequired(_) | WebError::SecondFactorRequired => ApiError::unauthorized("A valid API token is required."),
            WebError::Unavailable(cause) => {
                tracing::warn!(%cause, "the database is unreachable");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "The service is briefly unavailable; try again shortly.")
            }
            WebError::Internal(cause) => {
                tracing::error!(%cause, "an API request failed");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Something went wrong on our side.")
            }
        }
    }
}

impl From<pressroom_editorial::EditError> for ApiError {
    fn from(err: pressroom_editorial::EditError) -> ApiError {
        use pressroom_editorial::EditError;
        let message = |e: &pressroom_domain::FieldError| e.detail.clone().unwrap_or_else(|| english(e.key).to_owned());
        match err {
            EditError::Invalid(errors) => match errors.first() {
                Some(first) => ApiError::invalid(first.field, message(first)),
                None => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "The input is not valid."),
            },
            EditError::Taken(error) => {
                ApiError { status: StatusCode::CONFLICT, ..ApiError::invalid(error.field, message(&error)) }.with_code("conflict")
            }
            EditError::MissingScope(scope) => ApiError::forbidden(format!("This token lacks the {:?} scope.", scope.as_str())),
            EditError::Stale { current } => StoreError::Stale { current }.into(),
            EditError::NotFound => ApiError::not_found(),
            EditError::Forbidden(key) => ApiError::forbidden(english(key)),
            EditError::WrongStatus => ApiError::new(StatusCode::CONFLICT, "conflict", english("error_wrong_status")),
            EditError::Store(err) => err.into(),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        match err {
            StoreError::Rejected { field, reason, .. } => {
                ApiError { status: StatusCode::CONFLICT, ..ApiError::invalid(field, reason) }.with_code("conflict")
            }
            StoreError::Stale { current } => ApiError {
                field: Some("revision".into()),
                ..ApiError::new(StatusCode::CONFLICT, "stale", format!("The article was saved meanwhile; its revision is now {current}."))
            },
            other => WebError::from(other).into(),
        }
    }
}

impl ApiError {
    fn with_code(self, code: &'static str) -> ApiError {
        ApiError { code, ..self }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code.to_owned(), message: self.message, field: self.field } };
        let mut response = (self.status, Json(body)).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Rewrites any error response of the API that is not yet JSON (an unknown route, a wrong
/// method, a body over the limit) into the one error shape, keeping its status.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if status.as_u16() < 400 || is_json {
        return response;
    }
    let text = match axum::body::to_bytes(response.into_body(), 16 * 1024).await {
        Ok(bytes) if !bytes.is_empty() && status != StatusCode::NOT_FOUND => String::from_utf8_lossy(&bytes).into_owned(),
        _ => status.canonical_reason().unwrap_or("error").to_owned(),
    };
    ApiError::new(status, ApiError::code_of(status), text).into_response()
}

/// `404` for a path under `/api/` that names no route.
pub async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "No API route has this path; see /api/openapi.json.")
}
