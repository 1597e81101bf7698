//! Extractors: the reader's language and display mode, validated path segments, the page number.
//! A language the site does not have, or a malformed segment, is a 404 before any query runs.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use pressroom_domain::{Lang, Site};
use pressroom_render::views::{Alternate, FeedLink, Layout, NavLink};
use pressroom_render::{urls, Catalogue};

use crate::{AppState, WebError};

/// The cookie that keeps the high-contrast, large-type mode across pages.
pub const CONTRAST_COOKIE: &str = "contrast";

/// Who is reading: the site, the page's language, the display mode and the path.
pub struct Reader {
    pub site: Arc<Site>,
    pub lang: Lang,
    pub contrast: bool,
    pub path: String,
}

/// Which pages in other languages are this page's equivalents.
pub enum Equivalents {
    /// The same path under each language (lists, archives, tags).
    SamePath,
    /// Only these (an article's translations); other languages link to their home page.
    Only(Vec<(Lang, String)>),
}

impl FromRequestParts<AppState> for Reader {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let site = state.site.get(&state.store).await?;
        let path = parts.uri.path().to_owned();
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        let lang = site.language(first).map(|l| l.code.clone()).ok_or(WebError::NotFound)?;
        let contrast = contrast_cookie(parts.headers.get(axum::http::header::COOKIE));
        Ok(Reader { site, lang, contrast, path })
    }
}

impl Reader {
    /// The reader of an error page: falls back to the default language, and to the last site
    /// seen (or the standard one) when the database cannot be reached.
    pub async fn for_error_page(state: &AppState, path: &str, headers: &axum::http::HeaderMap) -> Reader {
        let site = match state.site.get(&state.store).await {
            Ok(site) => site,
            Err(_) => state.site.last_known().unwrap_or_else(|| Arc::new(Site::standard())),
        };
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        // Outside the language trees (the back office, unknown paths) the reader's own
        // preference decides.
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let lang = site.language(first).map_or_else(|| preferred_language(&site, accept), |l| l.code.clone());
        Reader { site, lang, contrast: contrast_cookie(headers.get(axum::http::header::COOKIE)), path: path.to_owned() }
    }

    /// The parts every page shares. `canonical` is this page's path and query, when it differs
    /// from the path the reader asked for (a page number); `section` marks the navigation.
    pub fn layout(
        &self,
        state: &AppState,
        title: &str,
        description: &str,
        equivalents: Option<Equivalents>,
        section: Option<&str>,
    ) -> Layout {
        let base = &state.config.base_url;
        let language = self.site.language(self.lang.as_str());
        let catalogue = Catalogue::get();
        let languages = self
            .site
            .languages
            .iter()
            .map(|l| {
                let equivalent = match &equivalents {
                    Some(Equivalents::SamePath) => Some(replace_lang(&self.path, &l.code)),
                    Some(Equivalents::Only(list)) => list.iter().find(|(lang, _)| lang == &l.code).map(|(_, p)| p.clone()),
                    None => None,
                };
                let current = l.code == self.lang;
                let href = match (&equivalent, current) {
                    (_, true) => self.path.clone(),
                    (Some(path), false) => path.clone(),
                    (None, false) => urls::home(&l.code),
                };
                Alternate {
                    lang: l.code.clone(),
                    label: l.native_name.clone(),
                    absolute: format!("{base}{href}"),
                    href,
                    current,
                    equivalent: equivalents.is_some() && (current || equivalent.is_some()),
                }
            })
            .collect();
        let nav = self
            .site
            .sections
            .iter()
            .map(|s| NavLink {
                name: s.name(&self.lang).to_owned(),
                url: urls::section(&self.lang, &s.key),
                current: section == Some(s.key.as_str()),
            })
            .collect();
        let news = pressroom_domain::SectionKey::parse("news").expect("a constant section key is valid");
        let site_name = language.map_or_else(String::new, |l| l.site_name.clone());
        let section_feed = section.and_then(|s| self.site.section(s));
        let mut feeds = feed_links(&self.lang, None, &site_name);
        if let Some(s) = section_feed {
            feeds.extend(feed_links(&self.lang, Some(&s.key), &format!("{} — {site_name}", s.name(&self.lang))));
        }
        Layout {
            lang: self.lang.clone(),
            site_name,
            title: title.to_owned(),
            description: if description.is_empty() {
                catalogue.text(self.lang.as_str(), "footer_note").to_owned()
            } else {
                description.to_owned()
            },
            canonical: format!("{base}{}", self.path),
            og_type: "website",
            image: None,
            feeds,
            languages,
            nav,
            home_url: urls::home(&self.lang),
            news_url: urls::section(&self.lang, &news),
            archive_url: urls::archive(&self.lang),
            contrast: self.contrast,
            contrast_toggle_url: urls::contrast_toggle(!self.contrast, &self.path),
            search_url: urls::search(&self.lang),
            query: String::new(),
            stylesheet: state.renderer.assets().url("site.css").to_owned(),
            icon: state.renderer.assets().url("icon.svg").to_owned(),
            script: state.renderer.assets().url("site.js").to_owned(),
            preview: None,
        }
    }
}

/// The three feeds of a list, titled for a feed reader's list of subscriptions.
fn feed_links(lang: &Lang, section: Option<&pressroom_domain::SectionKey>, title: &str) -> Vec<FeedLink> {
    urls::FeedFormat::ALL
        .iter()
        .map(|format| FeedLink {
            title: format!("{title} ({})", format.label()),
            href: urls::feed(lang, section, format.file_name()),
            media_type: format.media_type(),
        })
        .collect()
}

fn replace_lang(path: &str, lang: &Lang) -> String {
    let rest = path.trim_start_matches('/').split_once('/').map_or("", |(_, rest)| rest);
    format!("/{lang}/{rest}")
}

pub(crate) fn contrast_cookie(header: Option<&HeaderValue>) -> bool {
    header.and_then(|h| h.to_str().ok()).is_some_and(|cookies| cookies.split(';').any(|c| c.trim() == format!("{CONTRAST_COOKIE}=1")))
}

/// The site language with the highest `q` in an `Accept-Language` header (`ru-RU` counts as
/// `ru`); the default language when none matches.
pub fn preferred_language(site: &Site, accept: &str) -> Lang {
    let mut best: Option<(f32, &Lang)> = None;
    for item in accept.split(',') {
        let mut parts = item.trim().split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let q = parts.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        if let Some(language) = site.language(primary) {
            if q > 0.0 && best.is_none_or(|(b, _)| q > b) {
                best = Some((q, &language.code));
            }
        }
    }
    best.map_or_else(|| site.default_lang().clone(), |(_, lang)| lang.clone())
}

/// `?page=N`: absent is page 1; anything but a positive whole number is a 400 with a message.
pub struct PageNumber(pub u32);

impl<S: Send + Sync> FromRequestParts<S> for PageNumber {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(query) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|_| WebError::BadRequest("error_page_number"))?;
        match query.get("page") {
            None => Ok(PageNumber(1)),
            Some(text) => match text.parse::<u32>() {
                Ok(n) if n >= 1 => Ok(PageNumber(n)),
                _ => Err(WebError::BadRequest("error_page_number")),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_best_site_language() {
        let site = Site::standard();
        assert_eq!(preferred_language(&site, "en-GB,en;q=0.9,ru;q=0.5").as_str(), "en");
        assert_eq!(preferred_language(&site, "de-DE,ru-RU;q=0.8,en;q=0.3").as_str(), "ru");
        assert_eq!(preferred_language(&site, "fr").as_str(), "ru", "no match: the default language");
        assert_eq!(preferred_language(&site, "").as_str(), "ru");
        assert_eq!(preferred_language(&site, "en;q=0").as_str(), "ru", "q=0 means not acceptable");
    }
}

/// Behind a reverse proxy the connection comes from the proxy: when it is one of the proxies the
/// site trusts (`--trusted-proxy`), the client is the last address in `X-Forwarded-For` that is
/// not itself a trusted proxy. Replaces the request's connection address with the client's, so
/// that the audit log, sign-in and rate limits see the reader, not the proxy. A header from any
/// other peer is ignored: a client cannot choose its own address.
pub async fn real_client(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let trusted = &state.config.trusted_proxies;
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<std::net::SocketAddr>>().copied() {
        if trusted.contains(&peer.ip()) {
            let forwarded =
                request.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
            let client =
                forwarded.rsplit(',').filter_map(|part| part.trim().parse::<std::net::IpAddr>().ok()).find(|ip| !trusted.contains(ip));
            if let Some(client) = client {
                request.extensions_mut().insert(ConnectInfo(std::net::SocketAddr::new(client, peer.port())));
            }
        }
    }
    next.run(request).await
}

/// The address a request came from, for the audit log and sign-in limits.
pub fn client_ip(parts: &Parts) -> String {
    client_address(&parts.extensions)
}

/// [`client_ip`] from a request's extensions.
pub fn client_address(extensions: &axum::http::Extensions) -> String {
    let address = extensions.get::<ConnectInfo<std::net::SocketAddr>>();
    address.map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}
