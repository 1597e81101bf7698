//! Reader preferences that must work without JavaScript: a link sets a cookie and comes back.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};

use crate::extract::CONTRAST_COOKIE;

/// `/prefs/contrast?set=on|off&back=/path` switches the high-contrast, large-type mode.
pub async fn contrast(Query(query): Query<HashMap<String, String>>) -> Response {
    let on = query.get("set").is_some_and(|v| v == "on");
    let back = query.get("back").map(String::as_str).filter(|b| is_local_path(b)).unwrap_or("/");
    let cookie = if on {
        format!("{CONTRAST_COOKIE}=1; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly")
    } else {
        format!("{CONTRAST_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax; HttpOnly")
    };
    let mut response = Redirect::to(back).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Only a path on this site, so the switch cannot be used to send readers elsewhere.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/en/news/"));
        for bad in ["//evil.example", "https://evil.example", "/\\evil", "evil", "/a\nb"] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}
