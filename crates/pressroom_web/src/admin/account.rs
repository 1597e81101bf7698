//! One's own account: the back office's language, changing the password (which ends one's
//! other sessions), the second factor.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_render::admin_views::{AccountPage, Choice, FieldMessage, TotpPage};

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
        languages: std::iter::once(Choice {
            value: String::new(),
            label: desk.text("language_of_browser"),
            selected: staff.user.lang.is_none(),
        })
        .chain(desk.site.languages.iter().map(|l| Choice {
            value: l.code.to_string(),
            label: l.native_name.clone(),
            selected: staff.user.lang.as_deref() == Some(l.code.as_str()),
        }))
        .collect(),
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

/// `POST /admin/account/language`: the back office's language for this user, or the browser's
/// choice (an empty value).
pub async fn set_language(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    let lang = match fields.get("lang") {
        "" => None,
        code => Some(desk.site.language(code).ok_or(WebError::BadRequest("error_language_unknown"))?.code.to_string()),
    };
    state.store.set_user_lang(staff.user.id, lang.as_deref(), &staff.actor()).await?;
    Ok(see_other("/admin/account?notice=saved"))
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
    let uri = auth::totp_uri(secret, issuer, &staff.user.email);
    let page = TotpPage {
        layout: desk.layout(state, Some(staff), &desk.text("set_up_second_factor"), "/admin/account", None),
        qr_svg: auth::totp_qr_svg(&uri),
        uri,
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
