//! Signing in and out. Five failed attempts for one account or from one address within 15
//! minutes lock further attempts for a while (429). An unknown email and a wrong password get
//! the same answer after the same work: the password is checked against a stand-in hash.

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use pressroom_render::admin_views::LoginPage;
use time::OffsetDateTime;

use super::session::{Cookies, Staff, SESSION_COOKIE, SESSION_SECONDS};
use super::{respond, see_other, Desk, Fields};
use crate::auth::{hash_token, new_token};
use crate::extract::client_ip;
use crate::{auth, AppState, WebError};

const LOGIN_CSRF_COOKIE: &str = "pressroom_login";
const FAILURE_WINDOW: i64 = 15 * 60;
const MAX_FAILURES: i64 = 5;

/// The sign-in page. Its form carries a token also set as a cookie (no session exists yet).
pub async fn form(State(state): State<AppState>, desk: Desk, Query(query): Query<HashMap<String, String>>) -> Response {
    let next = query.get("next").map(String::as_str).filter(|n| is_admin_path(n)).unwrap_or("/admin/");
    login_page(&state, &desk, "", next, None, StatusCode::OK)
}

fn login_page(state: &AppState, desk: &Desk, email: &str, next: &str, error: Option<&str>, status: StatusCode) -> Response {
    let token = new_token();
    let page = LoginPage {
        layout: desk.layout(state, None, &desk.text("sign_in"), "", None),
        email: email.to_owned(),
        next: next.to_owned(),
        error: error.map(|key| desk.text(key)),
        login_csrf: token.clone(),
    };
    let mut response = respond(state, status, &page);
    response.headers_mut().append(header::SET_COOKIE, Cookies::of(&state.config).set(LOGIN_CSRF_COOKIE, &token, 3600));
    response
}

pub async fn submit(
    State(state): State<AppState>,
    desk: Desk,
    parts: axum::http::request::Parts,
    fields: Fields,
) -> Result<Response, WebError> {
    let ip = client_ip(&parts);
    let cookies = Cookies::of(&state.config);
    let expected = cookies.get(&parts.headers, LOGIN_CSRF_COOKIE);
    if expected.is_none() || expected.as_deref() != fields.0.get("login_csrf").map(String::as_str) {
        return Err(WebError::Forbidden("error_csrf"));
    }
    let email = fields.get("email").trim().to_lowercase();
    let next = Some(fields.get("next")).filter(|n| is_admin_path(n)).unwrap_or("/admin/");
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let (by_email, by_ip) = state.store.login_failures(&email, &ip, now - FAILURE_WINDOW).await?;
    if by_email >= MAX_FAILURES || by_ip >= MAX_FAILURES {
        return Err(WebError::TooManyAttempts);
    }
    let user = state.store.user_by_email(&email).await?;
    let hash = user.as_ref().map_or_else(|| stand_in_hash(), |u| u.password_hash.as_str());
    let password_ok = auth::verify_password(fields.get("password"), hash);
    // With a second factor, the code must match too; the answer to a wrong one is the same.
    let code_ok =
        |user: &pressroom_store::UserRecord| user.totp_secret.as_deref().is_none_or(|secret| auth::verify_totp(secret, fields.get("code")));
    let user = match user {
        Some(user) if password_ok && !user.disabled && code_ok(&user) => user,
        _ => {
            state.store.record_login_failure(&email, &ip).await?;
            metrics::counter!("pressroom_login_failures_total").increment(1);
            return Ok(login_page(&state, &desk, &email, next, Some("error_sign_in_failed"), StatusCode::UNAUTHORIZED));
        }
    };
    let token = new_token();
    state.store.create_session(user.id, &hash_token(&token), &new_token(), now + SESSION_SECONDS, &ip).await?;
    state.store.record_login(&user, &ip).await?;
    let mut response = see_other(next);
    response.headers_mut().append(header::SET_COOKIE, cookies.set(SESSION_COOKIE, &token, SESSION_SECONDS));
    response.headers_mut().append(header::SET_COOKIE, cookies.set(LOGIN_CSRF_COOKIE, "", 0));
    Ok(response)
}

pub async fn logout(State(state): State<AppState>, staff: Staff, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    state.store.end_session(&staff.token_hash).await?;
    let mut response = see_other("/admin/login");
    response.headers_mut().append(header::SET_COOKIE, Cookies::of(&state.config).set(SESSION_COOKIE, "", 0));
    Ok(response)
}

pub async fn logout_everywhere(State(state): State<AppState>, staff: Staff, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    state.store.end_user_sessions(staff.user.id, Some(&staff.token_hash)).await?;
    Ok(see_other("/admin/account?notice=signed_out_everywhere"))
}

/// `/admin/` itself: the article list.
pub async fn home() -> impl IntoResponse {
    see_other("/admin/articles")
}

/// Only back-office paths are followed after signing in, never another site.
fn is_admin_path(path: &str) -> bool {
    path.starts_with("/admin/") && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

/// A valid argon2 hash of a random password, computed once, so that an unknown email costs
/// the same verification as a known one.
fn stand_in_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password(&auth::generate_password()))
}
