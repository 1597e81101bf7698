//! Static files (stylesheet, script, icons): embedded, replaceable from the theme, and served
//! under names that carry a hash of their content, so browsers may keep them for a year.

use std::collections::HashMap;
use std::path::Path;

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::RenderError;

#[derive(RustEmbed)]
#[folder = "static/"]
struct BuiltinAssets;

pub struct Asset {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

pub struct Assets {
    /// Served name (`site.3f9a0c1d2e.css`) → file.
    by_served_name: HashMap<String, Asset>,
    /// Logical name (`site.css`) → URL path (`/static/site.3f9a0c1d2e.css`).
    urls: HashMap<String, String>,
}

impl Assets {
    pub fn load(theme_static: Option<&Path>) -> Result<Assets, RenderError> {
        let mut by_served_name = HashMap::new();
        let mut urls = HashMap::new();
        for name in BuiltinAssets::iter() {
            let override_path = theme_static.map(|t| t.join(name.as_ref())).filter(|p| p.is_file());
            let bytes = match override_path {
                Some(path) => std::fs::read(&path).map_err(|source| RenderError::Theme { path, source })?,
                None => BuiltinAssets::get(&name).expect("listed by iter").data.into_owned(),
            };
            let hash = hex::encode(&Sha256::digest(&bytes)[..5]);
            let served = match name.rsplit_once('.') {
                Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                None => format!("{name}.{hash}"),
            };
            urls.insert(name.to_string(), format!("/static/{served}"));
            by_served_name.insert(served, Asset { content_type: content_type(&name), bytes });
        }
        Ok(Assets { by_served_name, urls })
    }

    /// The URL of a logical asset name, such as `site.css`.
    pub fn url(&self, name: &str) -> &str {
        self.urls.get(name).map_or("/static/missing", String::as_str)
    }

    /// Every file, by its served name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.by_served_name.iter().map(|(name, asset)| (name.as_str(), asset))
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}
