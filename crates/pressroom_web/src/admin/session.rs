//! Who is signed in. The session cookie carries a random token; the database keeps only its
//! SHA-256, so a copy of the database opens no sessions. Every form carries the session's CSRF
//! token, checked on every state-changing request.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use pressroom_store::{Actor, SessionRecord, UserRecord};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::auth::hash_token;
use crate::extract::client_ip;
use crate::{AppState, WebError};

pub const SESSION_COOKIE: &str = "pressroom_session";
/// The site setting that requires a second factor from all staff.
pub const REQUIRE_TOTP: &str = "require_totp";
/// A session lasts this long after its last use.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// A signed-in member of staff, with their session's CSRF token.
pub struct Staff {
    pub user: UserRecord,
    pub csrf: String,
    pub token_hash: String,
    pub ip: String,
}

impl Staff {
    pub fn actor(&self) -> Actor {
        Actor::user(&self.user, &self.ip)
    }

    /// The user as the editorial core knows them: every right of their role.
    pub fn editor(&self) -> pressroom_editorial::Editor {
        pressroom_editorial::Editor::staff(&self.user, self.actor())
    }

    /// Refuses anyone but an admin (users, settings, the audit log).
    pub fn require_admin(&self) -> Result<(), WebError> {
        if pressroom_domain::can_administer(self.user.role) {
            Ok(())
        } else {
            Err(WebError::Forbidden("error_forbidden"))
        }
    }

    /// Whether a sensitive action's form (a role, an API token, a webhook) carries this user's
    /// password again: a session left open on a desk is not enough for those.
    pub fn confirms_password(&self, fields: &super::Fields) -> bool {
        crate::auth::verify_password(fields.get("confirm_password"), &self.user.password_hash)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, submitted: Option<&str>) -> Result<(), WebError> {
        match submitted {
            Some(token) if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) => Ok(()),
            _ => Err(WebError::Forbidden("error_csrf")),
        }
    }
}

/// The back-office language the signed-in user chose, left by the session's lookup for [`Desk`].
///
/// [`Desk`]: super::Desk
#[derive(Clone)]
pub struct ChosenLanguage(pub Option<String>);

/// The session behind a request: signed in, expired (the user is known, so that an unsaved
/// form can wait for them to sign in again), or none.
pub enum SessionState {
    Active(Staff),
    Expired { user: UserRecord, csrf: String },
    None,
}

impl FromRequestParts<AppState> for SessionState {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = Cookies::of(&state.config).get(&parts.headers, SESSION_COOKIE) else { return Ok(SessionState::None) };
        let token_hash = hash_token(&token);
        let Some(SessionRecord { user, csrf_token, expires_at }) = state.store.session(&token_hash).await? else {
            return Ok(SessionState::None);
        };
        parts.extensions.insert(ChosenLanguage(user.lang.clone()));
        let now = OffsetDateTime::now_utc().unix_timestamp();
        if user.disabled {
            return Ok(SessionState::None);
        }
        if expires_at <= now {
            return Ok(SessionState::Expired { user, csrf: csrf_token });
        }
        // Extend a session in use, but write at most once a minute.
        if expires_at - now < SESSION_SECONDS - 60 {
            state.store.touch_session(&token_hash, now + SESSION_SECONDS).await?;
        }
        Ok(SessionState::Active(Staff { user, csrf: csrf_token, token_hash, ip: client_ip(parts) }))
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    /// Anyone not signed in is sent to the sign-in page, and back here afterwards.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match SessionState::from_request_parts(parts, state).await? {
            SessionState::Active(staff) => {
                // When the site requires a second factor, staff without one may only set it up.
                let allowed = ["/admin/account", "/admin/account/totp", "/admin/logout"];
                if staff.user.totp_secret.is_none()
                    && !allowed.contains(&parts.uri.path())
                    && state.store.setting(REQUIRE_TOTP).await?.as_deref() == Some("1")
                {
                    return Err(WebError::SecondFactorRequired);
                }
                Ok(staff)
            }
            SessionState::Expired { .. } | SessionState::None => {
                let next = parts.uri.path_and_query().map_or("/admin/", |p| p.as_str()).to_owned();
                Err(WebError::SignInRequired(next))
            }
        }
    }
}

/// The value of the cookie `name` in a request's headers.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then(|| value.to_owned())
    })
}

/// The back office's cookies. Under HTTPS their names carry the `__Host-` prefix and they are
/// `Secure`: the browser then sends them only over HTTPS, only to this host, and refuses any set by
/// a sibling domain. A site tried over plain HTTP on a laptop gets plain names.
pub struct Cookies {
    secure: bool,
}

impl Cookies {
    pub fn of(config: &crate::WebConfig) -> Cookies {
        Cookies { secure: config.base_url.starts_with("https://") }
    }

    pub fn name(&self, base: &str) -> String {
        if self.secure {
            format!("__Host-{base}")
        } else {
            base.to_owned()
        }
    }

    /// This request's value of the cookie `base`.
    pub fn get(&self, headers: &HeaderMap, base: &str) -> Option<String> {
        cookie(headers, &self.name(base))
    }

    /// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` under HTTPS. An
    /// empty token with no lifetime clears the cookie.
    pub fn set(&self, base: &str, token: &str, max_age: i64) -> HeaderValue {
        let secure = if self.secure { "; Secure" } else { "" };
        HeaderValue::from_str(&format!("{}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}", self.name(base)))
            .expect("a cookie of hex digits and fixed text is a valid header")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}
