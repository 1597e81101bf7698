//! The audit log, for admins: who did what to which item, when and from where.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_render::admin_views::{AuditPage, AuditRow};
use pressroom_render::views::Pagination;

use super::session::Staff;
use super::{page_number, respond, Desk};
use crate::{AppState, WebError};

pub async fn log(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    let actor = query.get("actor").cloned().unwrap_or_default();
    let action = query.get("action").cloned().unwrap_or_default();
    let page = page_number(&query)?;
    let entries = state.store.audit_entries(&actor, &action, page).await?;
    if entries.page > entries.last_page() {
        return Err(WebError::NotFound);
    }
    let encode = |v: &str| percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string();
    let base = format!("/admin/audit?actor={}&action={}", encode(&actor), encode(&action));
    let view = AuditPage {
        layout: desk.layout(&state, Some(&staff), &desk.text("audit_log"), "/admin/audit", None),
        rows: entries
            .items
            .iter()
            .map(|e| AuditRow {
                at: desk.format_time(e.at),
                actor: e.actor.clone(),
                action: e.action.clone(),
                target: e.target.clone(),
                detail: e.detail.clone(),
                ip: e.ip.clone().unwrap_or_default(),
            })
            .collect(),
        pagination: Pagination::new(&entries, &base),
        actor,
        action,
    };
    Ok(respond(&state, StatusCode::OK, &view))
}
