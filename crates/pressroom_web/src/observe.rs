//! What operators watch. Every request gets an id (the load balancer's `X-Request-Id` when it
//! sent a sensible one), answered in the same header and carried by every log line written while
//! it is served, and one log line when it ends — naming the route's pattern, never the address
//! asked for, which may hold a preview link's secret. The same layer counts requests by route and
//! status and times them for `/metrics`, served on a listener of its own (`--metrics-listen`),
//! never on the public one. `/livez` and `/readyz` are for the load balancer and the orchestrator.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;

use crate::AppState;

pub const REQUEST_ID: &str = "x-request-id";

/// The buckets of every duration histogram, in seconds: from half a millisecond to ten seconds.
const SECONDS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Whether this process records metrics (`--metrics-listen` was given).
static RECORDING: AtomicBool = AtomicBool::new(false);

/// Starts recording metrics for this process; the handle renders them.
pub fn install_recorder() -> Result<PrometheusHandle, String> {
    let handle =
        PrometheusBuilder::new().set_buckets(&SECONDS).map_err(|e| e.to_string())?.install_recorder().map_err(|e| e.to_string())?;
    RECORDING.store(true, Ordering::Relaxed);
    Ok(handle)
}

/// The layer around every route: the request's id, its log line, its counts and time.
pub async fn observe(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        // From the thread's generator: no system call on every request.
        .map_or_else(|| format!("{:016x}", rand::random::<u64>()), str::to_owned);
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let method = request.method().as_str().to_owned();
    let span = tracing::info_span!("request", id = %id);
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    // Its own target, so that a benchmark (or an operator) can turn these lines off alone:
    // `PRESSROOM_LOG=info,pressroom::request=off`.
    span.in_scope(|| {
        tracing::info!(target: "pressroom::request", method = %method, route = %route, status, ms = elapsed.as_secs_f64() * 1000.0, "request")
    });
    // Labelled metrics allocate their labels: only when something records them.
    if RECORDING.load(Ordering::Relaxed) {
        metrics::counter!("pressroom_http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status.to_string())
            .increment(1);
        metrics::histogram!("pressroom_http_request_duration_seconds", "route" => route, "method" => method).record(elapsed.as_secs_f64());
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Records how long something took, in a histogram of seconds.
pub fn timed(name: &'static str, since: Instant) {
    metrics::histogram!(name).record(since.elapsed().as_secs_f64());
}

/// The metrics listener's router: `/metrics` in the Prometheus text format.
pub fn metrics_router(state: AppState, handle: PrometheusHandle) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move |State(state): State<AppState>| {
                let handle = handle.clone();
                async move {
                    gauges(&state).await;
                    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render())
                }
            }),
        )
        .with_state(state)
}

/// What is measured at the moment of a scrape rather than as it happens.
async fn gauges(state: &AppState) {
    let (open, idle) = state.store.pool_use();
    metrics::gauge!("pressroom_db_pool_connections").set(f64::from(open));
    metrics::gauge!("pressroom_db_pool_idle_connections").set(idle as f64);
    let (pages, bytes) = state.pages.usage();
    metrics::gauge!("pressroom_page_cache_pages").set(pages as f64);
    metrics::gauge!("pressroom_page_cache_bytes").set(bytes as f64);
    if let Ok((scheduled, deliveries)) = state.store.queue_depths().await {
        metrics::gauge!("pressroom_scheduler_queue_depth").set(scheduled as f64);
        metrics::gauge!("pressroom_webhook_queue_depth").set(deliveries as f64);
    }
    if let Ok(latest) = state.store.latest_change().await {
        metrics::gauge!("pressroom_change_feed_lag").set((latest - state.site.current_change()).max(0) as f64);
    }
    metrics::gauge!("pressroom_search_documents").set(state.search.len() as f64);
}

/// `/livez`: the process answers.
pub async fn livez() -> Response {
    no_store((StatusCode::OK, "ok\n").into_response())
}

/// `/readyz`: the database answers, its schema is this program's or a newer release's (a rolling
/// upgrade is under way: migrations only add, so this server keeps serving), the search index is
/// open, the media store answers; 503 naming what is not.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let mut failing = Vec::new();
    let mut schema = None;
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => match state.store.schema_status().await {
            Ok(status) => {
                if status.current < status.latest {
                    failing
                        .push(format!("migrations: the database is at version {}, this program needs {}", status.current, status.latest));
                }
                schema = Some(serde_json::json!({ "database": status.current, "program": status.latest }));
            }
            Err(err) => failing.push(format!("migrations: {err}")),
        },
        Ok(Err(err)) => failing.push(format!("database: {err}")),
        Err(_) => failing.push("database: no answer within 2 s".to_owned()),
    }
    // A folder is made on first upload (one that cannot be made is not ready); a bucket must
    // answer a listing.
    let media = match tokio::time::timeout(Duration::from_secs(2), state.config.media.check()).await {
        Ok(Ok(())) => true,
        Ok(Err(err)) => {
            failing.push(format!("media: {}: {err}", state.config.media.describe()));
            false
        }
        Err(_) => {
            failing.push(format!("media: {} did not answer within 2 s", state.config.media.describe()));
            false
        }
    };
    let checks = serde_json::json!({
        "database": !failing.iter().any(|f| f.starts_with("database") || f.starts_with("migrations")),
        "schema": schema,
        "search_index": true,
        "search_documents": state.search.len(),
        "media": media,
    });
    let (status, body) = if failing.is_empty() {
        (StatusCode::OK, serde_json::json!({ "status": "ready", "checks": checks }))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, serde_json::json!({ "status": "not ready", "failing": failing, "checks": checks }))
    };
    no_store((status, Json(body)).into_response())
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
