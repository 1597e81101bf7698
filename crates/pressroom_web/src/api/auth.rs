//! Who is calling the API: nobody (the Content API is public), or the user an API token acts
//! for, with the token's scopes. A token never does more than its user's role allows.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use pressroom_domain::Scope;
use pressroom_store::{Actor, TokenRecord, UserRecord};

use super::error::ApiError;
use crate::auth::hash_token;
use crate::extract::client_ip;
use crate::AppState;

/// A request that carried a valid bearer token.
pub struct Client {
    pub user: UserRecord,
    pub token: TokenRecord,
    pub ip: String,
}

impl Client {
    /// Refuses unless the token has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.token.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("This token lacks the {:?} scope.", scope.as_str())))
        }
    }

    /// The token's user as the editorial core knows them: their role, narrowed by the scopes.
    pub fn editor(&self) -> pressroom_editorial::Editor {
        pressroom_editorial::Editor::token(&self.user, &self.token.scopes, self.actor())
    }

    /// The audit log names the user and the token.
    pub fn actor(&self) -> Actor {
        let mut actor = Actor::user(&self.user, &self.ip);
        actor.name = format!("{} (token {:?})", self.user.email, self.token.name);
        actor
    }
}

/// The token of an `Authorization: Bearer …` header; `Err` for any other scheme.
fn bearer(parts: &Parts) -> Result<Option<&str>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| ApiError::unauthorized("The Authorization header is not readable."))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => Ok(Some(token.trim())),
        _ => Err(ApiError::unauthorized("Use Authorization: Bearer followed by an API token.")),
    }
}

async fn client(parts: &Parts, state: &AppState) -> Result<Option<Client>, ApiError> {
    let Some(token) = bearer(parts)? else { return Ok(None) };
    match state.store.token_user(&hash_token(token)).await? {
        Some((token, user)) => Ok(Some(Client { user, token, ip: client_ip(parts) })),
        None => Err(ApiError::unauthorized("The API token is unknown or revoked.")),
    }
}

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        client(parts, state).await?.ok_or_else(|| ApiError::unauthorized("This operation needs an API token."))
    }
}

/// The caller of a public operation: anyone, or a client whose token may widen what it sees.
pub struct Caller(pub Option<Client>);

impl Caller {
    /// Whether the caller may read drafts and other unpublished items.
    pub fn reads_drafts(&self) -> bool {
        self.0.as_ref().is_some_and(|c| c.token.scopes.contains(&Scope::ReadDrafts))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Caller(client(parts, state).await?))
    }
}
