//! The back office at `/admin`: sign-in, articles and their editor, revisions, users, the audit
//! log. Every action is checked against the user's role on the server, every form carries the
//! session's CSRF token, and every page is in the editor's language.

pub mod account;
pub mod articles;
pub mod audit;
pub mod drafts;
pub mod editor;
mod editor_form;
pub mod history;
pub mod login;
pub mod media;
pub mod picker;
pub mod previews;
pub mod redirects;
pub mod session;
pub mod settings;
pub mod tokens;
pub mod translations;
pub mod users;
pub mod webhooks;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use pressroom_domain::{Lang, Role, Site};
use pressroom_render::admin_views::AdminLayout;
use pressroom_render::views::NavLink;
use pressroom_render::{Catalogue, PageView};

use crate::extract::preferred_language;
use crate::{AppState, WebError};
use session::{ChosenLanguage, SessionState, Staff};

/// The back office's language and site for a request: the language the signed-in user chose in
/// their account, or else their browser's preferred one among the site's.
pub struct Desk {
    pub site: Arc<Site>,
    pub lang: Lang,
}

impl FromRequestParts<AppState> for Desk {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let site = state.site.get(&state.store).await?;
        if parts.extensions.get::<ChosenLanguage>().is_none() {
            SessionState::from_request_parts(parts, state).await?;
        }
        let chosen = parts.extensions.get::<ChosenLanguage>().and_then(|c| c.0.as_deref()).and_then(|l| site.language(l));
        let lang = match chosen {
            Some(language) => language.code.clone(),
            None => {
                let accept = parts.headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
                preferred_language(&site, accept)
            }
        };
        Ok(Desk { site, lang })
    }
}

impl Desk {
    pub fn text(&self, key: &str) -> String {
        Catalogue::get().text(self.lang.as_str(), key).to_owned()
    }

    /// `30.06.2025 14:05` on the site's clock, for the back office's tables.
    pub fn format_time(&self, time: time::OffsetDateTime) -> String {
        let time = self.site.zone.local(time);
        format!("{:02}.{:02}.{} {:02}:{:02}", time.day(), u8::from(time.month()), time.year(), time.hour(), time.minute())
    }

    /// [`Desk::format_time`] of a Unix time in seconds.
    pub fn format_unix(&self, seconds: i64) -> String {
        self.format_time(time::OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(time::OffsetDateTime::UNIX_EPOCH))
    }

    /// The layout of a page for a signed-in user; `current` marks the navigation entry.
    pub fn layout(&self, state: &AppState, staff: Option<&Staff>, title: &str, current: &str, notice: Option<&str>) -> AdminLayout {
        let mut entries = vec![
            ("/admin/articles", "articles"),
            ("/admin/translations", "translations"),
            ("/admin/media", "media"),
            ("/admin/account", "account"),
        ];
        if staff.is_some_and(|s| s.user.role == Role::Admin) {
            entries.insert(3, ("/admin/users", "users"));
            entries.insert(4, ("/admin/audit", "audit_log"));
            entries.insert(5, ("/admin/settings", "settings"));
            entries.insert(6, ("/admin/tokens", "api_tokens"));
            entries.insert(7, ("/admin/webhooks", "webhooks"));
            entries.insert(8, ("/admin/redirects", "redirects"));
        }
        let nav =
            entries.into_iter().map(|(url, key)| NavLink { name: self.text(key), url: url.to_owned(), current: url == current }).collect();
        AdminLayout {
            lang: self.lang.clone(),
            site_name: self.site.language(self.lang.as_str()).map_or_else(String::new, |l| l.site_name.clone()),
            title: title.to_owned(),
            staff: staff.map(|s| pressroom_render::admin_views::StaffView {
                name: s.user.name.clone(),
                email: s.user.email.clone(),
                role: s.user.role.as_str().to_owned(),
            }),
            csrf: staff.map(|s| s.csrf.clone()).unwrap_or_default(),
            nav,
            stylesheet: state.renderer.assets().url("site.css").to_owned(),
            admin_stylesheet: state.renderer.assets().url("admin.css").to_owned(),
            icon: state.renderer.assets().url("icon.svg").to_owned(),
            script: state.renderer.assets().url("site.js").to_owned(),
            notice: notice.map(|key| self.text(key)),
        }
    }
}

/// Renders a back-office page; never cached anywhere.
pub fn respond<P: PageView>(state: &AppState, status: StatusCode, page: &P) -> Response {
    let mut response = crate::pages::respond_html(state, status, page);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The fields of a submitted form. A body that is not a form is a 400 with a message.
pub struct Fields(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Form(fields) = Form::<HashMap<String, String>>::from_request(request, state)
            .await
            .map_err(|_| WebError::BadRequest("error_form_malformed"))?;
        Ok(Fields(fields))
    }
}

impl Fields {
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn csrf(&self) -> Option<&str> {
        self.0.get("csrf").map(String::as_str)
    }
}

/// `?page=N` of a back-office list: absent is 1; anything but a positive whole number is a 400.
pub fn page_number(query: &HashMap<String, String>) -> Result<u32, WebError> {
    match query.get("page").filter(|p| !p.is_empty()) {
        None => Ok(1),
        Some(text) => text.parse::<u32>().ok().filter(|n| *n >= 1).ok_or(WebError::BadRequest("error_page_number")),
    }
}

/// A value for a query string.
pub fn encode_query(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// `303 See Other` to `path`: the answer to every successful form.
pub fn see_other(path: &str) -> Response {
    axum::response::Redirect::to(path).into_response()
}

/// The notice a redirect asks the next page to show, as a query parameter.
pub fn notice_from(query: &HashMap<String, String>) -> Option<&'static str> {
    const NOTICES: &[&str] = &[
        "notice_saved",
        "notice_created",
        "notice_status_changed",
        "notice_deleted",
        "notice_restored",
        "notice_password_changed",
        "notice_user_added",
        "notice_role_changed",
        "notice_signed_out_everywhere",
        "notice_uploaded",
        "notice_totp_on",
        "notice_totp_off",
        "notice_settings_saved",
    ];
    let wanted = query.get("notice")?;
    NOTICES.iter().copied().find(|key| key.strip_prefix("notice_") == Some(wanted.as_str()))
}
