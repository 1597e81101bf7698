//! The Admin API: what the back office does, for programs. Every call needs a bearer token; it
//! acts for the token's user, under exactly the back office's role rules, and only within the
//! token's scopes (`write`, `publish`).

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pressroom_domain::{Action, ArticleId, ArticleInput, Scope};
use pressroom_editorial as editorial;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Client;
use super::error::{ApiError, ErrorBody};
use super::views::{ArticleDetail, DocumentBody, EventBody};
use crate::media::save_upload;
use crate::AppState;

/// A JSON request body whose errors name the field at fault.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        if !is_json {
            return Err(ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send the body as application/json."));
        }
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(|e| {
            ApiError::new(e.status(), if e.status() == StatusCode::PAYLOAD_TOO_LARGE { "too_large" } else { "bad_request" }, e.body_text())
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut deserializer).map(ApiJson).map_err(|err| {
            let path = err.path().to_string();
            let message = err.inner().to_string();
            // serde names a missing field only in its message: "missing field `title`".
            let field = if path == "." { message.split('`').nth(1).map(str::to_owned) } else { Some(path) };
            ApiError { field, ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message) }
        })
    }
}

/// A new article as a program writes it. Only `lang`, `section` and `title` are required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticle {
    /// A language code of the site.
    #[schema(min_length = 2, max_length = 3, pattern = "^[a-z]{2,3}$")]
    pub lang: String,
    /// A section key of the site.
    #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub section: String,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[serde(flatten)]
    pub fields: ArticleFields,
}

/// A change to an article: every field may be left out, and what is left out keeps its value.
/// Only `revision` is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleUpdate {
    /// The revision the change was made from; a save based on an older one is refused (409 `stale`).
    pub revision: i64,
    #[schema(min_length = 2, max_length = 3, pattern = "^[a-z]{2,3}$")]
    pub lang: Option<String>,
    #[schema(min_length = 1, max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub section: Option<String>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    /// A published article's update shows this note to readers (in the article's language).
    /// An update of a published article needs either `change_note` or `minor: true`.
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
    /// A minor fix of a published article (a typo): logged, with no public note.
    pub minor: Option<bool>,
    #[serde(flatten)]
    pub fields: ArticleFields,
}

/// The optional fields of an article.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ArticleFields {
    /// Made from the title (Cyrillic transliterated) for a new article; kept on an update.
    #[schema(max_length = 120, pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    pub slug: Option<String>,
    #[schema(max_length = 2000)]
    pub lead: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    /// The site address of the cover image, e.g. a media item's `url` (`/media/…`); `""` removes it.
    pub cover: Option<String>,
    pub featured: Option<bool>,
    /// The date readers see: `YYYY-MM-DD` or RFC 3339; now for a new article when absent.
    pub published_at: Option<String>,
    /// Tag names in the article's language, or tag keys.
    pub tags: Option<Vec<String>>,
    /// The translation key of the item this is a language version of; for a new item,
    /// `LANG/SECTION/SLUG` of this version when absent.
    #[schema(max_length = 200)]
    pub translation_key: Option<String>,
    /// Media numbers of the photo gallery, in order.
    pub gallery: Option<Vec<i64>>,
    /// Media numbers of attached files, in order.
    pub attachments: Option<Vec<i64>>,
    /// When and where, for an item of the `events` section (required there, ignored elsewhere).
    pub event: Option<EventBody>,
    /// The translation key of the event a news item reports on; `""` removes the link.
    #[schema(max_length = 200)]
    pub report_of: Option<String>,
    /// Type, number, adoption and status, for an item of the `documents` section (required
    /// there, ignored elsewhere).
    pub document: Option<DocumentBody>,
}

impl ArticleFields {
    /// The editorial core's input, with the required fields given apart.
    fn input(self, lang: Option<String>, section: Option<String>, title: Option<String>) -> ArticleInput {
        ArticleInput {
            lang,
            section,
            title,
            slug: self.slug,
            lead: self.lead,
            body: self.body,
            cover: self.cover,
            featured: self.featured,
            published_at: self.published_at,
            tags: self.tags,
            translation_key: self.translation_key,
            gallery: self.gallery,
            attachments: self.attachments,
            event: self.event.map(EventBody::into_input),
            report_of: self.report_of,
            document: self.document.map(DocumentBody::into_input),
        }
    }
}

async fn article_detail(state: &AppState, id: ArticleId) -> Result<ArticleDetail, ApiError> {
    let article = state.store.article(id).await?;
    let translations = state.store.translations(&article).await?;
    Ok(ArticleDetail::of(&article, &translations, &state.config.base_url))
}

/// Creates a draft, written by the token's user.
#[utoipa::path(post, path = "/api/v1/articles", tag = "admin", request_body = NewArticle,
    responses(
        (status = 201, description = "Created as a draft", body = ArticleDetail),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The token lacks the write scope", body = ErrorBody),
        (status = 409, description = "The slug or the translation is taken", body = ErrorBody),
        (status = 422, description = "A field is missing or wrong", body = ErrorBody),
    ),
    security(("token" = ["write"])))]
pub async fn create_article(
    State(state): State<AppState>,
    client: Client,
    ApiJson(new): ApiJson<NewArticle>,
) -> Result<Response, ApiError> {
    let input = new.fields.input(Some(new.lang), Some(new.section), Some(new.title));
    let id = editorial::create(&state.store, &client.editor(), input).await?;
    let detail = article_detail(&state, id).await?;
    let mut response = (StatusCode::CREATED, Json(detail)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/articles/{}", id.0)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Saves a new revision with the fields given; fields left out keep their values. `revision`
/// must be the latest.
#[utoipa::path(put, path = "/api/v1/articles/{id}", tag = "admin", request_body = ArticleUpdate,
    params(("id" = i64, Path, description = "The article's number")),
    responses(
        (status = 200, description = "Saved", body = ArticleDetail),
        (status = 403, description = "The role or the token may not edit this article", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "Saved by someone else meanwhile (`stale`), or a slug taken", body = ErrorBody),
        (status = 422, description = "A field is missing or wrong", body = ErrorBody),
    ),
    security(("token" = ["write"])))]
pub async fn update_article(
    State(state): State<AppState>,
    client: Client,
    Path(id): Path<i64>,
    ApiJson(update): ApiJson<ArticleUpdate>,
) -> Result<Json<ArticleDetail>, ApiError> {
    let input = update.fields.input(update.lang, update.section, update.title);
    let change = (update.change_note.as_deref(), update.minor.unwrap_or(false));
    editorial::update(&state.store, &client.editor(), ArticleId(id), input, update.revision, change).await?;
    Ok(Json(article_detail(&state, ArticleId(id)).await?))
}

/// A workflow step, by name.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Submit,
    Publish,
    Schedule,
    Unpublish,
    Archive,
    ReturnToDraft,
}

impl From<Step> for Action {
    fn from(step: Step) -> Action {
        match step {
            Step::Submit => Action::Submit,
            Step::Publish => Action::Publish,
            Step::Schedule => Action::Schedule,
            Step::Unpublish => Action::Unpublish,
            Step::Archive => Action::Archive,
            Step::ReturnToDraft => Action::ReturnToDraft,
        }
    }
}

/// A workflow step and, for `schedule`, its time.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub action: Step,
    /// For `schedule`: when the article goes live, RFC 3339, in the future.
    #[serde(default)]
    pub at: Option<String>,
}

/// Moves an article through the workflow: publishing, scheduling, unpublishing and archiving
/// need the `publish` scope and an editor's role; submitting needs `write`.
#[utoipa::path(post, path = "/api/v1/articles/{id}/status", tag = "admin", request_body = StatusChange,
    params(("id" = i64, Path, description = "The article's number")),
    responses(
        (status = 200, description = "Done", body = ArticleDetail),
        (status = 403, description = "The role or the token may not take this step", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
        (status = 409, description = "Not possible from the article's status", body = ErrorBody),
        (status = 422, description = "An unknown action or a bad time", body = ErrorBody),
    ),
    security(("token" = ["publish"])))]
pub async fn change_status(
    State(state): State<AppState>,
    client: Client,
    Path(id): Path<i64>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<ArticleDetail>, ApiError> {
    let action = Action::from(change.action);
    // A time is read whenever one is sent, so that a malformed one is never silently ignored.
    let zone = state.site.get(&state.store).await?.zone.clone();
    let at = change.at.as_deref().map(|at| zone.parse_date(at).map_err(|e| ApiError::invalid("at", e))).transpose()?;
    let when = match (at, action) {
        (None, Action::Schedule) => return Err(ApiError::invalid("at", "scheduling needs the time the article goes live")),
        (at, Action::Schedule) => at,
        _ => None,
    };
    editorial::step(&state.store, &client.editor(), ArticleId(id), action, when).await?;
    Ok(Json(article_detail(&state, ArticleId(id)).await?))
}

/// Deletes an article and its revisions (editors and admins).
#[utoipa::path(delete, path = "/api/v1/articles/{id}", tag = "admin",
    params(("id" = i64, Path, description = "The article's number")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "The role or the token may not delete", body = ErrorBody),
        (status = 404, description = "No such article", body = ErrorBody),
    ),
    security(("token" = ["write"])))]
pub async fn delete_article(State(state): State<AppState>, client: Client, Path(id): Path<i64>) -> Result<StatusCode, ApiError> {
    editorial::delete(&state.store, &client.editor(), ArticleId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An upload: one file in the multipart field `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the request for the OpenAPI document; the handler reads the fields itself.
pub struct UploadForm {
    #[schema(value_type = String, format = Binary, min_length = 1)]
    file: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaCreated {
    /// The media number, for an article's `gallery` or `attachments`.
    pub id: i64,
    /// The original file's address.
    pub url: String,
    pub content_type: String,
}

/// Uploads an image (JPEG, PNG, WebP, GIF; resized copies are made) or a document (PDF, DOCX,
/// XLSX, ODT, ZIP). Anything else is refused.
#[utoipa::path(post, path = "/api/v1/media", tag = "admin",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = MediaCreated),
        (status = 413, description = "Over the size limit", body = ErrorBody),
        (status = 422, description = "No file, or a kind of file that is not accepted", body = ErrorBody),
        (status = 503, description = "The media store cannot be reached; nothing was stored", body = ErrorBody),
    ),
    security(("token" = ["write"])))]
pub async fn upload_media(State(state): State<AppState>, client: Client, multipart: Multipart) -> Result<Response, ApiError> {
    client.require(Scope::Write)?;
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "The upload is over the size limit.");
    // Over the limit is 413; a body that is not well-formed multipart is 400.
    let unreadable = |err: axum::extract::multipart::MultipartError| match err.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        status => ApiError::new(status, "bad_request", err.body_text()),
    };
    let upload = crate::media::read_upload(multipart).await.map_err(unreadable)?;
    let Some((name, bytes)) = upload.files.into_iter().next() else {
        return Err(ApiError::invalid("file", "send the file in the multipart field \"file\""));
    };
    let (id, key) = match save_upload(&state, name, bytes, &client.actor()).await? {
        Ok(saved) => saved,
        Err("error_upload_too_large") => return Err(too_large()),
        Err(key) => return Err(ApiError::invalid("file", pressroom_render::Catalogue::get().text("en", key))),
    };
    let item = state.store.media_by_key(&key).await?;
    let created = MediaCreated { id, url: pressroom_render::media::original_url(&item), content_type: item.content_type };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}
