//! The Admin API: what the back office does, for programs. Every call needs a bearer token; it
//! acts for the token's user, under exactly the back office's role rules, and only within the
//! token's scopes (`write`, `publish`).

use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pressroom_domain::{
    can_delete, can_edit, parse_publication_date, slugify, Action, ArticleDraft, ArticleId, AttachedMedia, Scope, Site, Slug, Status,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::auth::Client;
use super::error::{ApiError, ErrorBody};
use super::views::ArticleDetail;
use crate::admin::editor::take_step;
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

/// An article as a program writes it. Only `lang`, `section` and `title` are required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleInput {
    /// A language code of the site.
    pub lang: String,
    /// A section key.
    pub section: String,
    pub title: String,
    /// Made from the title (Cyrillic transliterated) when absent.
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub lead: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    /// The address of the cover image, e.g. a media item's `url`.
    #[serde(default)]
    pub cover: Option<String>,
    #[serde(default)]
    pub featured: bool,
    /// The date readers see: `YYYY-MM-DD` or RFC 3339; now when absent.
    #[serde(default)]
    pub published_at: Option<String>,
    /// Tag names in the article's language, or tag keys.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The translation key of the item this is a language version of; a new item otherwise.
    #[serde(default)]
    pub translation_key: Option<String>,
    /// Media numbers of the photo gallery, in order.
    #[serde(default)]
    pub gallery: Vec<i64>,
    /// Media numbers of attached files, in order.
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// Required when updating: the revision the change was made from.
    #[serde(default)]
    pub revision: Option<i64>,
}

impl ArticleInput {
    /// The draft to save, or the first problem with the input, naming its field.
    fn draft(self, site: &Site, status: Status) -> Result<ArticleDraft, ApiError> {
        let lang = site.language(&self.lang).ok_or_else(|| ApiError::invalid("lang", "not a language of this site"))?.code.clone();
        let section = site.section(&self.section).ok_or_else(|| ApiError::invalid("section", "not a section of this site"))?.key.clone();
        let slug = match &self.slug {
            Some(slug) => Slug::parse(slug).map_err(|e| ApiError::invalid("slug", e.to_string()))?,
            None => slugify(&self.title),
        };
        let published_at = match &self.published_at {
            Some(date) => parse_publication_date(date).map_err(|e| ApiError::invalid("published_at", e))?,
            None => time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(time::OffsetDateTime::now_utc()),
        };
        let draft = ArticleDraft {
            translation_key: self.translation_key.unwrap_or_else(|| format!("{}-{}", published_at.date(), slug)),
            lang,
            section,
            slug,
            title: self.title,
            lead: self.lead,
            body: self.body,
            cover: self.cover.filter(|c| !c.is_empty()),
            featured: self.featured,
            status,
            published_at,
            tags: self.tags,
            media: Some(AttachedMedia { gallery: self.gallery, attachments: self.attachments }),
        };
        if let Err(problems) = draft.validate() {
            let problem = &problems[0];
            let field = if problem.field == "translation" { "translation_key" } else { problem.field };
            return Err(ApiError::invalid(field, pressroom_render::Catalogue::get().text("en", problem.key)));
        }
        Ok(draft)
    }
}

async fn article_detail(state: &AppState, id: ArticleId) -> Result<ArticleDetail, ApiError> {
    let article = state.store.article(id).await?;
    let translations = state.store.translations(&article).await?;
    Ok(ArticleDetail::of(&article, &translations, &state.config.base_url))
}

/// Creates a draft, written by the token's user.
#[utoipa::path(post, path = "/api/v1/articles", tag = "admin", request_body = ArticleInput,
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
    ApiJson(input): ApiJson<ArticleInput>,
) -> Result<Response, ApiError> {
    client.require(Scope::Write)?;
    let site = state.site.get(&state.store).await?;
    let draft = input.draft(&site, Status::Draft)?;
    let id = state.store.create_article(&draft, &client.actor()).await?;
    let detail = article_detail(&state, id).await?;
    let mut response = (StatusCode::CREATED, Json(detail)).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/articles/{}", id.0)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Replaces an article's fields with a new revision; `revision` must be the latest.
#[utoipa::path(put, path = "/api/v1/articles/{id}", tag = "admin", request_body = ArticleInput,
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
    ApiJson(input): ApiJson<ArticleInput>,
) -> Result<Json<ArticleDetail>, ApiError> {
    client.require(Scope::Write)?;
    let article = state.store.article(ArticleId(id)).await?;
    if !can_edit(client.user.role, article.author == Some(client.user.id), article.status) {
        return Err(ApiError::forbidden(pressroom_render::Catalogue::get().text("en", "error_forbidden")));
    }
    let revision = input.revision.ok_or_else(|| ApiError::invalid("revision", "name the revision the change was made from"))?;
    let site = state.site.get(&state.store).await?;
    let draft = input.draft(&site, article.status)?;
    state.store.update_article(article.id, &draft, revision, &client.actor()).await?;
    Ok(Json(article_detail(&state, article.id).await?))
}

/// A workflow step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `submit`, `publish`, `schedule`, `unpublish`, `archive` or `return_to_draft`.
    pub action: String,
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
    let action = Action::parse(&change.action).ok_or_else(|| ApiError::invalid("action", "not a workflow action"))?;
    client.require(Scope::for_action(action))?;
    let when = match (&change.at, action) {
        (Some(at), Action::Schedule) => Some(parse_publication_date(at).map_err(|e| ApiError::invalid("at", e))?),
        (None, Action::Schedule) => return Err(ApiError::invalid("at", "scheduling needs the time the article goes live")),
        _ => None,
    };
    take_step(&state, &client.user, &client.actor(), ArticleId(id), action, when).await.map_err(|err| match err {
        crate::WebError::BadRequest(key) => ApiError::invalid("at", pressroom_render::Catalogue::get().text("en", key)),
        other => other.into(),
    })?;
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
    client.require(Scope::Write)?;
    if !can_delete(client.user.role) {
        return Err(ApiError::forbidden(pressroom_render::Catalogue::get().text("en", "error_forbidden")));
    }
    state.store.delete_article(ArticleId(id), &client.actor()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An upload: one file in the multipart field `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the request for the OpenAPI document; the handler reads the fields itself.
pub struct UploadForm {
    #[schema(value_type = String, format = Binary)]
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
    ),
    security(("token" = ["write"])))]
pub async fn upload_media(State(state): State<AppState>, client: Client, mut multipart: Multipart) -> Result<Response, ApiError> {
    client.require(Scope::Write)?;
    let too_large = || ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "The upload is over the size limit.");
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(|_| too_large())? {
        if field.name() == Some("file") {
            let name: String = field.file_name().unwrap_or("upload").chars().filter(|c| !c.is_control()).take(200).collect();
            file = Some((name, field.bytes().await.map_err(|_| too_large())?.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return Err(ApiError::invalid("file", "send the file in the multipart field \"file\""));
    };
    let (id, key) = match save_upload(&state, name, bytes, &client.actor()).await? {
        Ok(saved) => saved,
        Err("error_upload_too_large") => return Err(too_large()),
        Err(key) => return Err(ApiError::invalid("file", pressroom_render::Catalogue::get().text("en", key))),
    };
    let item = state.store.media_by_key(&key).await?;
    let created = MediaCreated { id, url: crate::admin::media::original_url(&item), content_type: item.content_type };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}
