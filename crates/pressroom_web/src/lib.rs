//! Pressroom over HTTP. [`router`] builds every route; `pressroom serve` and the tests both call
//! it, so what is tested is what runs.

pub mod admin;
pub mod auth;
mod error;
mod extract;
pub mod indexer;
pub mod media;
mod public;
mod router;
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
    /// Where uploaded media are stored (`DATA/media`).
    pub media_dir: std::path::PathBuf,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub renderer: Arc<Renderer>,
    pub config: Arc<WebConfig>,
    pub site: Arc<SiteCache>,
    pub health: Arc<DbHealth>,
    pub search: Arc<pressroom_search::SearchIndex>,
}
