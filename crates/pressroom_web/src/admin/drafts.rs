//! The editor's draft copy and who else is editing. The script posts the form to `autosave` a
//! few seconds after each change (a copy kept for this user and item, not a revision) and asks
//! `presence` every few seconds who else has the item open; opening the editor again offers the
//! copy back with a clear choice, restore or discard.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pressroom_domain::{Article, ArticleId};
use pressroom_render::admin_views::RestoreView;
use pressroom_store::NEW_ITEM;

use super::session::Staff;
use super::{see_other, Desk, Fields};
use crate::{AppState, WebError};

/// Form fields that are not the item's: never kept in a copy.
const NOT_KEPT: [&str; 2] = ["csrf", "intent"];

/// `POST /admin/articles/{id}/autosave`.
pub async fn autosave(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    keep(&state, &staff, &desk, ArticleId(id), fields).await
}

/// `POST /admin/articles/new/autosave`: the copy of a form not yet saved once.
pub async fn autosave_new(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    keep(&state, &staff, &desk, NEW_ITEM, fields).await
}

async fn keep(state: &AppState, staff: &Staff, desk: &Desk, id: ArticleId, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    if id != NEW_ITEM {
        state.store.article(id).await?;
    }
    let at = keep_copy(state, staff, id, &fields, fields.get("revision").parse().unwrap_or(0)).await?;
    let others = if id == NEW_ITEM { Vec::new() } else { state.store.editing(id, staff.user.id).await? };
    let saved = format!("{} {}", desk.text("draft_copy_saved"), desk.format_unix(at));
    Ok(Json(serde_json::json!({ "saved": saved, "others": others_text(desk, &others) })).into_response())
}

/// Keeps a posted form as `staff`'s copy of the item; returns when.
pub async fn keep_copy(state: &AppState, staff: &Staff, id: ArticleId, fields: &Fields, revision: i64) -> Result<i64, WebError> {
    let kept: HashMap<&String, &String> = fields.0.iter().filter(|(name, _)| !NOT_KEPT.contains(&name.as_str())).collect();
    let json = serde_json::to_string(&kept).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(state.store.save_draft_copy(staff.user.id, id, revision, &json).await?)
}

/// `POST /admin/articles/{id}/presence`: notes that this user has the item open; answers who
/// else has.
pub async fn presence(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Path(id): Path<i64>,
    fields: Fields,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let others = state.store.editing(ArticleId(id), staff.user.id).await?;
    Ok(Json(serde_json::json!({ "others": others_text(&desk, &others) })).into_response())
}

/// "Also editing: Anna, Boris", or nothing.
pub fn others_text(desk: &Desk, others: &[String]) -> String {
    if others.is_empty() {
        String::new()
    } else {
        format!("{} {}", desk.text("also_editing"), others.join(", "))
    }
}

/// `POST /admin/articles/{id}/draft-copy/discard` (and `…/new/…`): forgets the copy.
pub async fn discard(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    state.store.discard_draft_copy(staff.user.id, ArticleId(id)).await?;
    Ok(see_other(&format!("/admin/articles/{id}")))
}

pub async fn discard_new(State(state): State<AppState>, staff: Staff, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    state.store.discard_draft_copy(staff.user.id, NEW_ITEM).await?;
    Ok(see_other("/admin/articles/new"))
}

/// This user's copy of the item's form, when there is one typed after the item was last saved:
/// its fields (as the form posted them) and the revision it was typed over.
pub async fn copy_of(state: &AppState, staff: &Staff, article: Option<&Article>) -> Result<Option<(Fields, i64, i64)>, WebError> {
    let id = article.map_or(NEW_ITEM, |a| a.id);
    let Some(copy) = state.store.draft_copy(staff.user.id, id).await? else { return Ok(None) };
    if article.is_some_and(|a| a.updated_at.unix_timestamp() > copy.saved_at) {
        return Ok(None);
    }
    let fields: HashMap<String, String> = serde_json::from_str(&copy.fields).map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(Some((Fields(fields), copy.revision, copy.saved_at)))
}

/// The editor's offer of a copy: when it was typed, and where to restore or discard it.
pub fn restore_offer(desk: &Desk, article: Option<&Article>, saved_at: i64) -> RestoreView {
    let editor_url = article.map_or_else(|| "/admin/articles/new".to_owned(), |a| format!("/admin/articles/{}", a.id));
    RestoreView {
        saved: desk.format_unix(saved_at),
        restore_url: format!("{editor_url}?restore=1"),
        discard_url: format!("{editor_url}/draft-copy/discard"),
    }
}

/// After a save for real: the copy has served.
pub async fn saved(state: &AppState, staff: &Staff, id: Option<ArticleId>) -> Result<(), WebError> {
    state.store.discard_draft_copy(staff.user.id, id.unwrap_or(NEW_ITEM)).await?;
    Ok(())
}
