//! The media library: uploading images and documents (several at once, each image described in
//! each language as it arrives), and describing images in each language.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pressroom_domain::Lang;
use pressroom_render::admin_views::{AltField, MediaPage, MediaView};
use pressroom_render::views::Pagination;
use pressroom_store::{MediaItem, MediaKind};

use super::session::Staff;
use super::{notice_from, page_number, respond, see_other, Desk, Fields};
use crate::{media, AppState, WebError};
use pressroom_render::media::{human_size, original_url, thumbnail_url};

pub async fn library(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let page = page_number(&query)?;
    library_page(&state, &staff, &desk, page, None, notice_from(&query), StatusCode::OK).await
}

async fn library_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    page: u32,
    error: Option<&str>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let items = state.store.media_page("", page).await?;
    if items.page > items.last_page() {
        return Err(WebError::NotFound);
    }
    let view = MediaPage {
        layout: desk.layout(state, Some(staff), &desk.text("media"), "/admin/media", notice),
        items: items.items.iter().map(|item| media_view(item, desk)).collect(),
        pagination: Pagination::new(&items, "/admin/media"),
        error: error.map(|key| desk.text(key)),
        max_size: upload_limits_hint(desk, state.config.uploads),
    };
    Ok(respond(state, status, &view))
}

/// What an upload may be, as the upload forms say it after "At most": "20 MB. Pictures: at most
/// 40 megapixels."
pub(super) fn upload_limits_hint(desk: &Desk, limits: media::UploadLimits) -> String {
    let size = match limits.max_bytes % (1 << 20) {
        0 => format!("{} MB", limits.max_bytes >> 20),
        _ => human_size(limits.max_bytes as i64),
    };
    let megapixels = limits.max_pixels as f64 / 1e6;
    format!("{size}. {}", desk.text("upload_pixels_hint").replace("{n}", &megapixels.to_string()))
}

fn media_view(item: &MediaItem, desk: &Desk) -> MediaView {
    let image = item.kind == MediaKind::Image;
    let thumbnail = image.then(|| thumbnail_url(item));
    MediaView {
        id: item.id,
        name: item.original_name.clone(),
        kind: desk.text(if image { "kind_image" } else { "kind_file" }),
        size: human_size(item.byte_size),
        url: original_url(item),
        thumbnail,
        dimensions: item.width.zip(item.height).map(|(w, h)| format!("{w}×{h}")),
        alt: if image {
            desk.site
                .languages
                .iter()
                .map(|l| AltField {
                    lang: l.code.to_string(),
                    label: l.native_name.clone(),
                    value: item.alt.iter().find(|(lang, _)| lang == l.code.as_str()).map(|(_, a)| a.clone()).unwrap_or_default(),
                })
                .collect()
        } else {
            Vec::new()
        },
    }
}

/// `POST /admin/media`: a multipart upload of one or more files, with the images' alt text in
/// each language. The editor's script asks for JSON (`Accept: application/json`) and gets the
/// new items' ids; a form is sent back to the library, or to the editor's picker it came from.
pub async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    headers: HeaderMap,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let wants_json = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"));
    let (state, staff, desk) = (&state, &staff, &desk);
    let refuse = |key: &'static str, status: StatusCode| async move {
        if wants_json {
            Ok((status, Json(serde_json::json!({ "error": desk.text(key) }))).into_response())
        } else {
            library_page(state, staff, desk, 1, Some(key), None, status).await
        }
    };
    let upload = match media::read_upload(multipart).await {
        Ok(upload) => upload,
        // A body over the limit ends here, before anything is stored.
        Err(err) if err.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return refuse("error_upload_too_large", StatusCode::PAYLOAD_TOO_LARGE).await
        }
        Err(_) => return refuse("error_upload_missing", StatusCode::BAD_REQUEST).await,
    };
    staff.check_csrf(upload.csrf.as_deref())?;
    if upload.files.is_empty() {
        return refuse("error_upload_missing", StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let mut made = Vec::new();
    for (name, bytes) in upload.files {
        match media::save_upload(state, name, bytes, &staff.actor()).await? {
            Ok((id, _)) => made.push(id),
            Err(key) => {
                let status = if key == "error_upload_too_large" { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::UNPROCESSABLE_ENTITY };
                return refuse(key, status).await;
            }
        }
    }
    for id in &made {
        for (lang, alt) in upload.alt.iter().filter(|(_, alt)| !alt.trim().is_empty()) {
            if let Some(language) = desk.site.language(lang) {
                state.store.set_media_alt(*id, &language.code, alt, &staff.actor()).await?;
            }
        }
    }
    if wants_json {
        return Ok(Json(serde_json::json!({ "ids": made })).into_response());
    }
    // Only back to a picker of this back office: never a redirect to anywhere else.
    match upload.back_to.filter(|path| path.starts_with("/admin/articles/") && path.ends_with("/media")) {
        Some(path) => Ok(see_other(&format!("{path}?notice=uploaded"))),
        None => Ok(see_other("/admin/media?notice=uploaded")),
    }
}

/// `POST /admin/media/{id}/alt`: the image's description in each language.
pub async fn set_alt(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    for language in &desk.site.languages {
        if let Some(alt) = fields.0.get(&format!("alt_{}", language.code)) {
            let lang: &Lang = &language.code;
            state.store.set_media_alt(id, lang, alt, &staff.actor()).await?;
        }
    }
    Ok(see_other("/admin/media?notice=saved"))
}
