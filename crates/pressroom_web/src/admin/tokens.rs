//! API tokens, for admins: make one for a user with chosen scopes (the token is shown once; only
//! its hash is kept), see when each was last used, revoke one.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use pressroom_domain::{scope_list, Scope, UserId};
use pressroom_render::admin_views::{CheckChoice, Choice, FieldMessage, TokenView, TokensPage};

use super::session::Staff;
use super::{notice_from, respond, see_other, Desk, Fields};
use crate::auth::{hash_token, new_token};
use crate::{AppState, WebError};

/// Tokens start with this, so that one pasted into the wrong place is recognisable.
pub const TOKEN_PREFIX: &str = "prt_";

/// A new API token: the prefix and 256 random bits.
pub fn generate_token() -> String {
    format!("{TOKEN_PREFIX}{}", new_token())
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    desk: Desk,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    staff.require_admin()?;
    tokens_page(&state, &staff, &desk, None, Vec::new(), notice_from(&query), StatusCode::OK).await
}

async fn tokens_page(
    state: &AppState,
    staff: &Staff,
    desk: &Desk,
    new_token: Option<String>,
    errors: Vec<FieldMessage>,
    notice: Option<&str>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let tokens = state.store.tokens().await?;
    let users = state.store.users().await?;
    let page = TokensPage {
        layout: desk.layout(state, Some(staff), &desk.text("api_tokens"), "/admin/tokens", notice),
        tokens: tokens
            .iter()
            .map(|k| TokenView {
                id: k.id,
                name: k.name.clone(),
                user: k.user_email.clone(),
                scopes: k.scopes.iter().map(|s| desk.text(&format!("scope_{}", s.as_str()))).collect::<Vec<_>>().join("; "),
                created: desk.format_unix(k.created_at),
                last_used: k.last_used_at.map_or_else(|| desk.text("never"), |t| desk.format_unix(t)),
                revoked: k.revoked_at.is_some(),
            })
            .collect(),
        users: users
            .iter()
            .filter(|u| !u.disabled)
            .map(|u| Choice { value: u.id.0.to_string(), label: format!("{} ({})", u.name, u.email), selected: u.id == staff.user.id })
            .collect(),
        scopes: Scope::ALL
            .iter()
            .map(|s| CheckChoice { value: s.as_str().to_owned(), label: desk.text(&format!("scope_{}", s.as_str())), checked: false })
            .collect(),
        new_token,
        errors,
    };
    Ok(respond(state, status, &page))
}

/// `POST /admin/tokens`: makes a token and shows it, this once.
pub async fn create(State(state): State<AppState>, staff: Staff, desk: Desk, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    let name = fields.get("name").trim();
    let scopes: Vec<Scope> = Scope::ALL.into_iter().filter(|s| fields.get(&format!("scope_{}", s.as_str())) == "1").collect();
    let user = fields.get("user").parse().ok().map(UserId);
    let mut errors = Vec::new();
    if name.is_empty() || name.chars().count() > 100 {
        errors.push(FieldMessage { field: "name".into(), message: desk.text("error_name_missing") });
    }
    if scopes.is_empty() {
        errors.push(FieldMessage { field: "scopes".into(), message: desk.text("error_scopes_missing") });
    }
    if !staff.confirms_password(&fields) {
        errors.push(FieldMessage { field: "confirm_password".into(), message: desk.text("error_password_confirm") });
    }
    let user = match user {
        Some(id) => state.store.user(id).await.ok().filter(|u| !u.disabled),
        None => None,
    };
    if user.is_none() {
        errors.push(FieldMessage { field: "user".into(), message: desk.text("error_user_unknown") });
    }
    let Some(user) = user.filter(|_| errors.is_empty()) else {
        return tokens_page(&state, &staff, &desk, None, errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let token = generate_token();
    state.store.create_token(user.id, name, &hash_token(&token), &scopes, &staff.actor()).await?;
    tracing::info!(user = %user.email, scopes = %scope_list(&scopes), "an API token was created");
    tokens_page(&state, &staff, &desk, Some(token), Vec::new(), None, StatusCode::OK).await
}

/// `POST /admin/tokens/{id}/revoke`.
pub async fn revoke(State(state): State<AppState>, staff: Staff, Path(id): Path<i64>, fields: Fields) -> Result<Response, WebError> {
    staff.check_csrf(fields.csrf())?;
    staff.require_admin()?;
    state.store.revoke_token(id, &staff.actor()).await?;
    Ok(see_other("/admin/tokens?notice=saved"))
}
