//! One's own account: changing the password (which ends one's other sessions).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_render::admin_views::{AccountPage, FieldMessage, TotpPage};

use super::session::{Staff, REQUIRE_TOTP};
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
    let page = AccountPage {
        layout: desk.layout(state, Some(staff), &desk.text("account"), "/admin/account", notice),
        errors,
        totp_enabled: staff.user.totp_secret.is_some(),
    };
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

/// `GET /admin/account/totp`: a new secret to add to an authenticator app.
pub async fn totp_setup(State(state): State<AppState>, staff: Staff, desk: Desk) -> Result<Response, WebError> {
    totp_page(&state, &staff, &desk, &auth::generate_totp_secret(), None, StatusCode::OK).await
}

async fn totp_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    secret: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let issuer = desk.site.language(desk.lang.as_str()).map_or("Pressroom", |l| l.site_name.as_str());
    let page = TotpPage {
        layout: desk.layout(state, Some(staff), &desk.text("set_up_second_factor"), "/admin/account", None),
        uri: auth::totp_uri(secret, issuer, &staff.user.email),
        secret: secret.to_owned(),
        required: state.store.setting(REQUIRE_TOTP).await?.as_deref() == Some("1"),
        error: error.map(|key| desk.text(key)),
    };
    Ok(respond(state, status, &page))
}

/// `POST /admin/account/totp`: turns the second factor on once a code from the app matches.
pub async fn totp_confirm(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let secret = fields.get("secret");
    if !auth::verify_totp(secret, fields.get("code")) {
        return totp_page(&state, &staff, &desk, secret, Some("error_totp_wrong"), StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    state.store.set_totp_secret(staff.user.id, Some(secret), &staff.actor()).await?;
    Ok(see_other("/admin/account?notice=totp_on"))
}

/// `POST /admin/account/totp/disable`: with the password, unless the site requires it.
pub async fn totp_disable(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    if state.store.setting(REQUIRE_TOTP).await?.as_deref() == Some("1") {
        return Err(WebError::Conflict("second_factor_required_text"));
    }
    if !auth::verify_password(fields.get("password"), &staff.user.password_hash) {
        let errors = vec![FieldMessage { field: "password".into(), message: desk.text("error_password_wrong") }];
        return Ok(account_page(&state, &staff, &desk, errors, None, StatusCode::UNPROCESSABLE_ENTITY));
    }
    state.store.set_totp_secret(staff.user.id, None, &staff.actor()).await?;
    Ok(see_other("/admin/account?notice=totp_off"))
}
