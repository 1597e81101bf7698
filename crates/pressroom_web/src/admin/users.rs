//! Users and roles, for admins only: add an account (its password is generated and shown
//! once), change a role, disable or enable an account. Admins cannot demote or disable
//! themselves, so a site always keeps an administrator.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{Role, UserId};
use pressroom_render::admin_views::{Choice, FieldMessage, UserView, UsersPage};
use pressroom_store::StoreError;

use super::session::Staff;
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::{auth, AppState, WebError};

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    users_page(&state, &staff, &desk, None, Vec::new(), notice_from(&query), StatusCode::OK).await
}

async fn users_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    new_password: Option<String>,
    errors: Vec<FieldMessage>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let users = state.store.users().await?;
    let page = UsersPage {
        layout: desk.layout(state, Some(staff), &desk.text("users"), "/admin/users", notice),
        users: users
            .iter()
            .map(|u| UserView {
                id: u.id.0,
                name: u.name.clone(),
                email: u.email.clone(),
                role: u.role.as_str().to_owned(),
                disabled: u.disabled,
                is_self: u.id == staff.user.id,
            })
            .collect(),
        roles: [Role::Author, Role::Editor, Role::Admin]
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: desk.text(&format!("role_{}", r.as_str())),
                selected: *r == Role::Author,
            })
            .collect(),
        new_password,
        errors,
    };
    Ok(respond(state, status, &page))
}

pub async fn add(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let name = fields.get("name").trim();
    let email = fields.get("email").trim();
    let role = Role::parse(fields.get("role")).ok_or(WebError::BadRequest("error_form_malformed"))?;
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldMessage { field: "name".into(), message: desk.text("error_name_missing") });
    }
    if !email.contains('@') || email.len() > 254 {
        errors.push(FieldMessage { field: "email".into(), message: desk.text("error_email_invalid") });
    }
    if !errors.is_empty() {
        return users_page(&state, &staff, &desk, None, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let password = auth::generate_password();
    match state.store.create_user(email, name, role, &auth::hash_password(&password), &staff.actor()).await {
        Ok(_) => users_page(&state, &staff, &desk, Some(password), Vec::new(), Some("notice_user_added"), StatusCode::OK).await,
        Err(StoreError::Conflict(_)) => {
            let errors = vec![FieldMessage { field: "email".into(), message: desk.text("error_email_taken") }];
            users_page(&state, &staff, &desk, None, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn set_role(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let role = Role::parse(fields.get("role")).ok_or(WebError::BadRequest("error_form_malformed"))?;
    if !staff.confirms_password(&fields) {
        return Err(WebError::Forbidden("error_password_confirm"));
    }
    if UserId(id) == staff.user.id {
        return Err(WebError::Conflict("error_forbidden"));
    }
    state.store.set_role(UserId(id), role, &staff.actor()).await?;
    Ok(see_other("/admin/users?notice=role_changed"))
}

pub async fn disable(state: State<AppState>, staff: Staff, id: Path<i64>, fields: Fields) -> Result<Response, WebError> {
    set_disabled(state, staff, id, fields, true).await
}

pub async fn enable(state: State<AppState>, staff: Staff, id: Path<i64>, fields: Fields) -> Result<Response, WebError> {
    set_disabled(state, staff, id, fields, false).await
}

async fn set_disabled(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    fields: Fields,
    disabled: bool,
) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    if UserId(id) == staff.user.id {
        return Err(WebError::Conflict("error_forbidden"));
    }
    state.store.user(UserId(id)).await?;
    state.store.set_disabled(UserId(id), disabled, &staff.actor()).await?;
    Ok(see_other("/admin/users?notice=role_changed"))
}
