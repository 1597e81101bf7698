//! Pressroom over HTTP. [`router`] builds every route; `pressroom serve` and the tests both call
//! it, so what is tested is what runs.

pub mod admin;
mod api;
pub mod auth;
mod error;
mod error_pages;
mod extract;
pub mod http_cache;
pub mod limits;
pub mod media;
pub mod media_store;
pub mod observe;
pub mod outbound;
pub mod page_cache;
mod pages;
pub mod public;
pub mod redirects;
mod router;
mod search;
pub mod server;
mod site_cache;

use std::sync::Arc;

use pressroom_render::Renderer;
use pressroom_store::Store;

pub use error::WebError;
pub use router::router;
pub use site_cache::{DbHealth, SiteCache};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The public address of the site, without a trailing slash, for canonical and `hreflang`
    /// links: `https://news.example.org`.
    pub base_url: String,
    /// Where uploaded media are stored: `DATA/media`, or a bucket.
    pub media: media_store::MediaStore,
    /// Article ids in one sitemap part; past the first part `/sitemap.xml` becomes an index.
    pub sitemap_part_size: usize,
    /// The pause before a failed webhook delivery is retried; it doubles with each attempt.
    pub webhook_retry: std::time::Duration,
    /// Bytes of rendered pages kept in memory.
    pub page_cache_bytes: usize,
    /// The public record's key (signed-note verifier key), published at `/log/key`.
    pub log_key: Option<String>,
    /// Searches, API calls and preview openings per second per client.
    pub rate_limits: limits::RateLimits,
    /// The time a client has to send a request's whole body (an upload over a slow line included).
    pub body_timeout: std::time::Duration,
    /// The size of one uploaded file and the pixels of one image.
    pub uploads: media::UploadLimits,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl WebConfig {
    /// The standard settings for a site at `base_url` with media in `media`.
    pub fn new(base_url: &str, media: media_store::MediaStore) -> WebConfig {
        WebConfig {
            base_url: base_url.trim_end_matches('/').to_owned(),
            media,
            sitemap_part_size: 2_000,
            webhook_retry: std::time::Duration::from_secs(30),
            page_cache_bytes: 64 << 20,
            log_key: None,
            rate_limits: limits::RateLimits::default(),
            body_timeout: std::time::Duration::from_secs(120),
            uploads: media::UploadLimits::default(),
            trusted_proxies: Vec::new(),
        }
    }
}

/// What every handler can reach: one shared allocation, so that the copy axum makes for each
/// extractor and middleware of a request is one reference count, not one per service (those
/// were 3.5% of a cold crawl).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> AppState {
        AppState(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The services behind [`AppState`].
pub struct Services {
    pub store: Store,
    pub renderer: Arc<Renderer>,
    pub config: Arc<WebConfig>,
    pub site: Arc<SiteCache>,
    pub health: Arc<DbHealth>,
    pub search: Arc<pressroom_search::SearchIndex>,
    pub pages: Arc<page_cache::PageCache>,
    pub static_files: Arc<public::assets::StaticFiles>,
    pub redirects: Arc<redirects::Redirects>,
    pub limiters: Arc<limits::Limiters>,
}
