//! The media library: uploading images and documents, and describing images in each language.

use std::collections::HashMap;

use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::Lang;
use pressroom_render::admin_views::{AltField, MediaPage, MediaView};
use pressroom_render::views::Pagination;
use pressroom_store::{MediaItem, MediaKind};

use super::session::Staff;
use super::{notice_from, page_number, respond, see_other, Desk, Fields};
use crate::media::MAX_UPLOAD_BYTES;
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
    let items = state.store.media_page(page).await?;
    if items.page > items.last_page() {
        return Err(WebError::NotFound);
    }
    let view = MediaPage {
        layout: desk.layout(state, Some(staff), &desk.text("media"), "/admin/media", notice),
        items: items.items.iter().map(|item| media_view(item, desk)).collect(),
        pagination: Pagination::new(&items, "/admin/media"),
        error: error.map(|key| desk.text(key)),
        max_size: human_size(MAX_UPLOAD_BYTES as i64),
    };
    Ok(respond(state, status, &view))
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

/// `POST /admin/media`: a multipart upload of one file.
pub async fn upload(State(state): State<AppState>, staff: Staff, desk: Desk, mut multipart: Multipart) -> Result<Response, WebError> {
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            // A body over the limit ends here, before anything is stored.
            Err(_) => {
                return library_page(&state, &staff, &desk, 1, Some("error_upload_too_large"), None, StatusCode::PAYLOAD_TOO_LARGE).await
            }
        };
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").chars().filter(|c| !c.is_control()).take(200).collect();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes.to_vec())),
                    Err(_) => {
                        return library_page(&state, &staff, &desk, 1, Some("error_upload_too_large"), None, StatusCode::PAYLOAD_TOO_LARGE)
                            .await
                    }
                }
            }
            _ => {}
        }
    }
    staff.check_csrf(csrf.as_deref())?;
    let Some((name, bytes)) = file.filter(|(_, bytes)| !bytes.is_empty()) else {
        return library_page(&state, &staff, &desk, 1, Some("error_upload_missing"), None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match media::save_upload(&state, name, bytes, &staff.actor()).await? {
        Ok(_) => Ok(see_other("/admin/media?notice=uploaded")),
        Err(key) => {
            let status = if key == "error_upload_too_large" { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::UNPROCESSABLE_ENTITY };
            library_page(&state, &staff, &desk, 1, Some(key), None, status).await
        }
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
