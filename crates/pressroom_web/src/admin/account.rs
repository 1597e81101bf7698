//! One's own account: changing the password (which ends one's other sessions).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_render::admin_views::{AccountPage, FieldMessage};

use super::session::Staff;
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::{auth, AppState, WebError};

const MIN_PASSWORD: usize = 12;

pub async fn page(State(state): State<AppState>, staff: Staff, desk: Desk, Query(query): Query<HashMap<String, String>>) -> Response {
    account_page(&state, &staff, &desk, Vec::new(), notice_from(&query), StatusCode::OK)
}

fn account_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    errors: Vec<FieldMessage>,
    notice: Option<&str>,
    status: StatusCode,
) -> Response {
    let page = AccountPage { layout: desk.layout(state, Some(staff), &desk.text("account"), "/admin/account", notice), errors };
    respond(state, status, &page)
}

pub async fn change_password(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let mut errors = Vec::new();
    if !auth::verify_password(fields.get("current"), &staff.user.password_hash) {
        errors.push(FieldMessage { field: "current".into(), message: desk.text("error_password_wrong") });
    }
    let new = fields.get("new");
    if new.chars().count() < MIN_PASSWORD {
        errors.push(FieldMessage { field: "new".into(), message: desk.text("error_password_short") });
    }
    if !errors.is_empty() {
        return Ok(account_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state.store.set_password(staff.user.id, &auth::hash_password(new), &staff.actor()).await?;
    state.store.end_user_sessions(staff.user.id, Some(&staff.token_hash)).await?;
    Ok(see_other("/admin/account?notice=password_changed"))
}
