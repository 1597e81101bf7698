//! Choosing an item's media by looking at them: the picker at `/admin/articles/{id}/media`
//! (`new` for an item not yet saved) shows the library newest first, searchable by file name and
//! alt text, with an upload form; each item can become the cover, join the gallery or the
//! attachments, or go into the text. Without JavaScript it is a page of its own that works on the
//! editor's draft copy (the editor's "Choose media" keeps the form there first, "Back to the
//! editor" restores it); with JavaScript the editor opens the same page's `#picker` in a dialog
//! and does each choice in the form itself.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{ArticleId, MediaItem, MediaKind};
use pressroom_render::admin_views::{AltField, ChosenMedia, MediaCard, PickerPage};
use pressroom_render::media::{original_url, thumbnail_url};
use pressroom_render::views::Pagination;
use pressroom_store::NEW_ITEM;

use super::editor_form::{fields_of, stored_form};
use super::session::Staff;
use super::{notice_from, page_number, respond, see_other, Desk, Fields};
use crate::{AppState, WebError};

/// `new`, or an item's id.
fn target(path: &str) -> Result<ArticleId, WebError> {
    match path {
        "new" => Ok(NEW_ITEM),
        id => id.parse().ok().filter(|id| *id > 0).map(ArticleId).ok_or(WebError::NotFound),
    }
}

fn editor_path(id: ArticleId) -> String {
    if id == NEW_ITEM {
        "/admin/articles/new".to_owned()
    } else {
        format!("/admin/articles/{id}")
    }
}

/// The form's fields as the editor's draft copy holds them, made from the stored item when there
/// is no copy yet; and the revision they were typed over.
async fn working_copy(state: &AppState, staff: &Staff, desk: &Desk, id: ArticleId) -> Result<(HashMap<String, String>, i64), WebError> {
    if let Some(copy) = state.store.draft_copy(staff.user.id, id).await? {
        let fields = serde_json::from_str(&copy.fields).map_err(|e| WebError::Internal(e.to_string()))?;
        return Ok((fields, copy.revision));
    }
    if id == NEW_ITEM {
        return Ok((HashMap::new(), 0));
    }
    let article = state.store.article(id).await?;
    Ok((fields_of(&stored_form(state, desk, &article).await?), article.revision))
}

pub async fn page(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(path): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let id = target(&path)?;
    let page = page_number(&query)?;
    let text = query.get("q").map_or("", |q| q.trim());
    let items = state.store.media_page(text, page).await?;
    if items.page > items.last_page() {
        return Err(WebError::NotFound);
    }
    let (fields, _) = working_copy(&state, &staff, &desk, id).await?;
    let get = |name: &str| fields.get(name).map_or("", String::as_str);
    let lang = desk.site.language(get("lang")).map_or_else(|| desk.lang.to_string(), |l| l.code.to_string());
    let picker_url = format!("{}/media", editor_path(id));
    let base = if text.is_empty() { picker_url.clone() } else { format!("{picker_url}?q={}", super::encode_query(text)) };
    let view = PickerPage {
        layout: desk.layout(&state, Some(&staff), &desk.text("media_picker"), "/admin/articles", notice_from(&query)),
        editor_url: format!("{}?restore=1", editor_path(id)),
        chosen: chosen_media(&state, get("cover"), get("gallery"), get("attachments"), &lang).await?,
        items: items.items.iter().map(|item| card(item, &lang)).collect(),
        pagination: Pagination::new(&items, &base),
        query: text.to_owned(),
        page,
        picker_url,
        alt_fields: desk
            .site
            .languages
            .iter()
            .map(|l| AltField { lang: l.code.to_string(), label: l.native_name.clone(), value: String::new() })
            .collect(),
        max_size: super::media::upload_limits_hint(&desk, state.config.uploads),
    };
    Ok(respond(&state, StatusCode::OK, &view))
}

/// `POST /admin/articles/{id}/media`: one choice, made in the draft copy of the form.
pub async fn choose(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(path): Path<String>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let id = target(&path)?;
    let media: i64 = fields.get("media").parse().map_err(|_| WebError::BadRequest("error_media_choice"))?;
    let item = state.store.media_by_ids(&[media]).await?.pop().ok_or(WebError::BadRequest("error_media_choice"))?;
    let (mut form, revision) = working_copy(&state, &staff, &desk, id).await?;
    let image = item.kind == MediaKind::Image;
    let entry = |form: &mut HashMap<String, String>, name: &str| form.entry(name.to_owned()).or_default().clone();
    match (fields.get("action"), image) {
        ("cover", true) => {
            form.insert("cover".into(), original_url(&item));
        }
        ("remove_cover", _) => {
            form.insert("cover".into(), String::new());
        }
        ("gallery", true) => {
            let list = with_id(&entry(&mut form, "gallery"), media);
            form.insert("gallery".into(), list);
        }
        ("attach", _) => {
            let list = with_id(&entry(&mut form, "attachments"), media);
            form.insert("attachments".into(), list);
        }
        ("remove_gallery" | "gallery_up" | "gallery_down", _) => {
            let list = rearranged(&entry(&mut form, "gallery"), media, fields.get("action"));
            form.insert("gallery".into(), list);
        }
        ("remove_attachment", _) => {
            let list = rearranged(&entry(&mut form, "attachments"), media, "remove_attachment");
            form.insert("attachments".into(), list);
        }
        ("insert", _) => {
            let lang = form.get("lang").cloned().unwrap_or_default();
            let body = entry(&mut form, "body");
            let sep = if body.trim().is_empty() { "" } else { "\n\n" };
            form.insert("body".into(), format!("{}{sep}{}", body.trim_end(), markdown_of(&item, &lang)));
        }
        _ => return Err(WebError::BadRequest("error_media_choice")),
    }
    let json = serde_json::to_string(&form).map_err(|e| WebError::Internal(e.to_string()))?;
    state.store.save_draft_copy(staff.user.id, id, revision, &json).await?;
    let mut back = format!("{}/media?page={}", editor_path(id), fields.get("page").parse::<u32>().unwrap_or(1));
    if !fields.get("q").trim().is_empty() {
        back.push_str(&format!("&q={}", super::encode_query(fields.get("q").trim())));
    }
    Ok(see_other(&back))
}

/// A comma-separated list of ids with `id` at the end, unless it is there already.
fn with_id(list: &str, id: i64) -> String {
    let mut ids = parse_ids(list);
    if !ids.contains(&id) {
        ids.push(id);
    }
    join_ids(&ids)
}

/// A list with `id` removed or moved one place up or down.
fn rearranged(list: &str, id: i64, action: &str) -> String {
    let mut ids = parse_ids(list);
    if let Some(at) = ids.iter().position(|i| *i == id) {
        match action {
            "gallery_up" if at > 0 => ids.swap(at, at - 1),
            "gallery_down" if at + 1 < ids.len() => ids.swap(at, at + 1),
            "gallery_up" | "gallery_down" => {}
            _ => {
                ids.remove(at);
            }
        }
    }
    join_ids(&ids)
}

fn parse_ids(list: &str) -> Vec<i64> {
    list.split(',').filter_map(|id| id.trim().parse().ok()).collect()
}

fn join_ids(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// An image, or a link to a document, as Markdown for the body.
pub fn markdown_of(item: &MediaItem, lang: &str) -> String {
    let escape = |text: &str| text.replace(['[', ']'], "");
    match item.kind {
        MediaKind::Image => format!("![{}]({})", escape(item.alt_in(lang)), original_url(item)),
        MediaKind::File => format!("[{}]({})", escape(&item.original_name), original_url(item)),
    }
}

/// A media item as the picker and the editor show it, described in `lang`.
pub fn card(item: &MediaItem, lang: &str) -> MediaCard {
    MediaCard {
        id: item.id,
        name: item.original_name.clone(),
        image: item.kind == MediaKind::Image,
        thumbnail: (item.kind == MediaKind::Image).then(|| thumbnail_url(item)),
        url: original_url(item),
        alt: item.alt_in(lang).to_owned(),
        markdown: markdown_of(item, lang),
        badge: item.original_name.rsplit_once('.').map_or_else(String::new, |(_, extension)| extension.to_uppercase()),
    }
}

/// The cover, gallery and attachments a form names, as cards described in `lang`.
pub async fn chosen_media(state: &AppState, cover: &str, gallery: &str, attachments: &str, lang: &str) -> Result<ChosenMedia, WebError> {
    let cover_key = cover.strip_prefix("/media/").and_then(|rest| rest.split('/').next()).unwrap_or_default();
    let cover = match cover_key {
        "" => None,
        key => state.store.media_by_key(key).await.ok().map(|item| card(&item, lang)),
    };
    let cards = |items: Vec<MediaItem>| items.iter().map(|item| card(item, lang)).collect::<Vec<_>>();
    Ok(ChosenMedia {
        cover,
        gallery: cards(state.store.media_by_ids(&parse_ids(gallery)).await?),
        attachments: cards(state.store.media_by_ids(&parse_ids(attachments)).await?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_ids_are_added_to_and_rearranged() {
        assert_eq!(with_id("", 4), "4");
        assert_eq!(with_id("1, 2", 2), "1, 2", "an item joins once");
        assert_eq!(with_id("1,x, 2", 3), "1, 2, 3");
        assert_eq!(rearranged("1, 2, 3", 2, "gallery_up"), "2, 1, 3");
        assert_eq!(rearranged("1, 2, 3", 1, "gallery_up"), "1, 2, 3");
        assert_eq!(rearranged("1, 2, 3", 2, "gallery_down"), "1, 3, 2");
        assert_eq!(rearranged("1, 2, 3", 3, "gallery_down"), "1, 2, 3");
        assert_eq!(rearranged("1, 2, 3", 2, "remove_gallery"), "1, 3");
    }
}
