//! What one client may make the server do: searches, Admin API calls and preview-link openings
//! are counted per client — the address, or for the API the token — in a token bucket
//! (`governor`'s GCRA): a steady rate with a burst on top. A client over its rate gets `429 Too
//! Many Requests` with `Retry-After`. Sign-in attempts have their own, stricter limit in the
//! back office. The rates are settings (`pressroom serve --rate-limit-…`); 0 turns one off.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::AppState;

/// Requests per second per client for each kind of request; 0 is no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub search: u32,
    pub api: u32,
    pub preview: u32,
}

impl Default for RateLimits {
    /// Far above what a reader or an integration does, far below what a scraper tries.
    fn default() -> RateLimits {
        RateLimits { search: 10, api: 50, preview: 2 }
    }
}

/// The buckets of one server.
pub struct Limiters {
    search: Option<DefaultKeyedRateLimiter<String>>,
    api: Option<DefaultKeyedRateLimiter<String>>,
    preview: Option<DefaultKeyedRateLimiter<String>>,
    checks: AtomicU64,
}

/// A bucket of `per_second`, holding a burst of three seconds' worth (at least ten).
fn limiter(per_second: u32) -> Option<DefaultKeyedRateLimiter<String>> {
    let rate = NonZeroU32::new(per_second)?;
    let burst = NonZeroU32::new(per_second.saturating_mul(3).max(10)).unwrap_or(rate);
    Some(DefaultKeyedRateLimiter::keyed(Quota::per_second(rate).allow_burst(burst)))
}

impl Limiters {
    pub fn new(limits: RateLimits) -> Limiters {
        Limiters { search: limiter(limits.search), api: limiter(limits.api), preview: limiter(limits.preview), checks: AtomicU64::new(0) }
    }

    /// Seconds until `key` may ask again from `limiter`, or `None` when it may now.
    fn wait(&self, limiter: &DefaultKeyedRateLimiter<String>, key: String) -> Option<u64> {
        // The buckets of clients gone quiet are dropped now and then, so memory stays bounded.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            limiter.retain_recent();
        }
        limiter.check_key(&key).err().map(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    }
}

/// The layer that applies the limits, by the kind of request.
pub async fn limit(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let limiters = &state.limiters;
    let limiter = if path.starts_with("/api/") {
        limiters.api.as_ref()
    } else if path.ends_with("/search") {
        limiters.search.as_ref()
    } else if path.starts_with("/preview/") {
        limiters.preview.as_ref()
    } else {
        None
    };
    // Pages are never limited: their requests pay for nothing here.
    let Some(limiter) = limiter else { return next.run(request).await };
    // An API token is its own client, wherever it calls from; otherwise the address is.
    let token = path
        .starts_with("/api/")
        .then(|| request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")))
        .flatten();
    let key =
        token.map_or_else(|| crate::extract::client_address(request.extensions()), |t| format!("token:{}", crate::auth::hash_token(t)));
    if let Some(seconds) = limiters.wait(limiter, key) {
        metrics::counter!("pressroom_rate_limited_total").increment(1);
        let mut response = (StatusCode::TOO_MANY_REQUESTS, "Too many requests from this client; try again shortly.\n").into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    next.run(request).await
}
