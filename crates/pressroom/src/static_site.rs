//! `pressroom export-site`: the whole public site as static files, for any static host.
//!
//! The pages are rendered by the site's own router, in this process, and found the way a
//! crawler finds them: from `/`, each language's home, the sitemap and the feeds, following
//! every link. Each page becomes `PATH/index.html` (an article `/en/news/slug` is
//! `en/news/slug/index.html`, which every static server answers, redirecting the address
//! without a slash); a list's `?page=N` becomes `PATH/page/N/`; what only a live server can do
//! (search, the high-contrast switch) leads to the live site.
//!
//! Incremental: a file whose content did not change is not rewritten, and a file the last
//! export wrote that no page produces any more is removed (both known from a manifest of the
//! files and their SHA-256 kept in the folder).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use anyhow::Context;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use futures_util::StreamExt;
use pressroom_transfer::Progress;
use pressroom_web::media_store::MediaStore;
use regex::Regex;
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use crate::{rendering_state, web_config, SiteLocation};

/// The manifest's name in the export folder.
pub const MANIFEST: &str = ".pressroom-export.json";

/// Pages rendered at once.
const CONCURRENCY: usize = 16;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExportReport {
    pub pages: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub media_files: usize,
    /// Links on the site's pages to addresses that answer an error (an editor's typo in a
    /// body), with what they answered; the copy has nothing there either.
    pub broken: Vec<(String, u16)>,
}

/// Exports the site at `location` into `out`; `base_url` is the live site's address, used in
/// the sitemap and feeds and for what only the live site can do.
pub async fn export_site(location: &SiteLocation, base_url: &str, out: &Path, progress: &dyn Progress) -> anyhow::Result<ExportReport> {
    let base_url = base_url.trim_end_matches('/').to_owned();
    let (store, _) = crate::open_site(location, false).await?;
    let mut config = web_config(location, &base_url)?;
    // Every page is rendered once: keeping them in memory would only cost.
    config.page_cache_bytes = 0;
    let media = config.media.clone();
    let state = rendering_state(store.clone(), location, config).await?;
    let site = state.site.get(&store).await?;
    let router = pressroom_web::router(state);
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let previous = read_manifest(out);

    let mut queue: VecDeque<String> = VecDeque::from(vec!["/".to_owned(), "/robots.txt".to_owned(), "/sitemap.xml".to_owned()]);
    for language in &site.languages {
        let lang = language.code.as_str();
        queue.extend([format!("/{lang}/"), format!("/{lang}/search"), format!("/{lang}/archive/")]);
        queue.extend(["feed.xml", "atom.xml", "feed.json"].map(|feed| format!("/{lang}/{feed}")));
    }
    let mut seen: HashSet<String> = queue.iter().cloned().collect();
    let previous = Arc::new(previous);
    let mut manifest = BTreeMap::new();
    let mut report = ExportReport::default();
    progress.start(seen.len() as u64);
    while !queue.is_empty() {
        let wave: Vec<String> = queue.drain(..queue.len().min(CONCURRENCY * 8)).collect();
        // Each page is rendered, hashed and written on the runtime's threads: every core works.
        let exported: Vec<anyhow::Result<Exported>> = futures_util::stream::iter(wave)
            .map(|path| {
                let (router, base_url, out, previous) = (router.clone(), base_url.clone(), out.to_owned(), previous.clone());
                async move {
                    tokio::spawn(async move { export_page(router, path, &base_url, &out, &previous).await })
                        .await
                        .context("a page's export stopped")?
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        for exported in exported {
            match exported? {
                Exported::Broken(path, status) => report.broken.push((path, status)),
                Exported::File { file, digest, written, links } => {
                    // Media are copied whole from the library rather than fetched one by one.
                    for link in links.into_iter().filter(|link| !link.starts_with("/media/")) {
                        if seen.insert(link.clone()) {
                            queue.push_back(link);
                            progress.grow(1);
                        }
                    }
                    if written {
                        report.written += 1;
                    } else {
                        report.unchanged += 1;
                    }
                    manifest.insert(file, digest);
                    report.pages += 1;
                }
            }
            progress.advance();
        }
    }
    progress.finish();
    let not_found = router.clone().oneshot(get("/.pressroom-export-not-found")).await.context("the not-found page")?;
    let body = axum::body::to_bytes(not_found.into_body(), usize::MAX).await?;
    write_file(&out.join("404.html"), &rewrite_html(&String::from_utf8_lossy(&body), &base_url).into_bytes())?;
    manifest.insert("404.html".into(), String::new());

    report.media_files = copy_media(&media, &out.join("media"), &mut manifest).await?;
    for stale in previous.keys().filter(|file| !manifest.contains_key(*file)) {
        if std::fs::remove_file(out.join(stale)).is_ok() {
            report.removed += 1;
        }
    }
    std::fs::write(out.join(MANIFEST), serde_json::to_vec(&manifest)?)?;
    store.close().await;
    Ok(report)
}

/// What became of one address.
enum Exported {
    File { file: String, digest: String, written: bool, links: Vec<String> },
    Broken(String, u16),
}

/// Renders `path` and writes its file unless the last export wrote the same.
async fn export_page(
    router: axum::Router,
    path: String,
    base_url: &str,
    out: &Path,
    previous: &BTreeMap<String, String>,
) -> anyhow::Result<Exported> {
    let page = match render(router, &path, base_url).await? {
        Rendered::Page(page) => page,
        Rendered::Error(status) => return Ok(Exported::Broken(path, status.as_u16())),
    };
    let file = file_for(&path);
    let digest = hex::encode(Sha256::digest(&page.body));
    let target = out.join(&file);
    let written = previous.get(&file) != Some(&digest) || !target.is_file();
    if written {
        write_file(&target, &page.body)?;
    }
    Ok(Exported::File { file, digest, written, links: page.links })
}

enum Rendered {
    Page(Page),
    /// An address the site answers with an error.
    Error(StatusCode),
}

/// A rendered page: what to write, and the site's addresses it links to.
struct Page {
    body: Vec<u8>,
    links: Vec<String>,
}

fn get(path: &str) -> Request<Body> {
    let mut request = Request::get(path).body(Body::empty()).expect("a valid request");
    // Handlers that note a reader's address find a loopback one.
    request.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 0))));
    request
}

async fn render(router: axum::Router, path: &str, base_url: &str) -> anyhow::Result<Rendered> {
    let response = router.oneshot(get(path)).await.with_context(|| format!("rendering {path}"))?;
    let status = response.status();
    if status.is_redirection() {
        let to = response.headers().get(header::LOCATION).and_then(|l| l.to_str().ok()).unwrap_or("/").to_owned();
        let to = local_path(&to, base_url).unwrap_or(to);
        let body = format!(
            "<!doctype html><meta charset=\"utf-8\"><title>Moved</title><meta http-equiv=\"refresh\" content=\"0; url={to}\"><a href=\"{to}\">{to}</a>\n"
        );
        let links = local_path(&to, base_url).into_iter().collect();
        return Ok(Rendered::Page(Page { body: body.into_bytes(), links }));
    }
    if status != StatusCode::OK {
        return Ok(Rendered::Error(status));
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|t| t.to_str().ok()).unwrap_or_default();
    let is_html = content_type.starts_with("text/html");
    let is_text = content_type.starts_with("text/") || content_type.contains("xml") || content_type.contains("json");
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?.to_vec();
    if !is_text {
        return Ok(Rendered::Page(Page { body, links: Vec::new() }));
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return Ok(Rendered::Page(Page { body, links: Vec::new() }));
    };
    let links = links_in(text, base_url);
    let body = if is_html { rewrite_html(text, base_url).into_bytes() } else { body };
    Ok(Rendered::Page(Page { body, links }))
}

/// The addresses on the site that `text` links to, as the static copy's paths.
fn links_in(text: &str, base_url: &str) -> Vec<String> {
    // Found without capture groups, which lets the regex crate use its fastest engine on pages
    // of tens of kilobytes; the value is the text between the first `"` or `>` and the last.
    static LINK: OnceLock<Regex> = OnceLock::new();
    let link = LINK.get_or_init(|| Regex::new(r#"(?:href|src|srcset)="[^"]*"|<loc>[^<]*</loc>|"url": ?"[^"]*""#).expect("a valid pattern"));
    let mut links = Vec::new();
    for found in link.find_iter(text) {
        let found = found.as_str();
        let (start, end) =
            if found.starts_with("<loc>") { (5, found.len() - 6) } else { (found.find('"').map_or(0, |i| i + 1), found.len() - 1) };
        let value = found.get(start..end).unwrap_or_default();
        let values: Vec<&str> = if found.starts_with("srcset") {
            value.split(',').filter_map(|candidate| candidate.split_whitespace().next()).collect()
        } else {
            vec![value]
        };
        for value in values {
            let value = value.replace("&amp;", "&");
            if let Some(path) = local_path(&value, base_url) {
                // Never a file outside the export folder, whatever a body links to.
                let escapes = path.split(['/', '?']).any(|part| part == ".." || part == "." || part.contains('\\'));
                if !is_live_only(&path) && !escapes {
                    links.push(path);
                }
            }
        }
    }
    links
}

/// A link's path on this site, without its fragment, if it is one of the site's.
fn local_path(link: &str, base_url: &str) -> Option<String> {
    let link = link.split('#').next().unwrap_or_default();
    let path = if let Some(rest) = link.strip_prefix(base_url) {
        if rest.is_empty() {
            "/".to_owned()
        } else if rest.starts_with('/') {
            rest.to_owned()
        } else {
            return None;
        }
    } else if link.starts_with('/') && !link.starts_with("//") {
        link.to_owned()
    } else {
        return None;
    };
    // A list's page is fetched as the live site has it; only `?page=N` is kept of a query.
    Some(match path.split_once('?') {
        Some((bare, query)) => match page_number(query) {
            Some(n) => format!("{bare}?page={n}"),
            None => bare.to_owned(),
        },
        None => path,
    })
}

fn page_number(query: &str) -> Option<u32> {
    query.split('&').find_map(|pair| pair.strip_prefix("page=")).and_then(|n| n.parse().ok())
}

/// What only the live site can do: its preferences, the back office, the API, the record's
/// log (its tiles are served by the live site, which signs it).
fn is_live_only(path: &str) -> bool {
    ["/prefs/", "/admin", "/api/", "/log/"].iter().any(|prefix| path.starts_with(prefix))
}

/// A page's address in the static copy: `?page=N` becomes `page/N/`.
fn static_address(path: &str) -> String {
    match path.split_once('?') {
        Some((bare, query)) => match page_number(query) {
            Some(n) => format!("{}/page/{n}/", bare.trim_end_matches('/')),
            None => bare.to_owned(),
        },
        None => path.to_owned(),
    }
}

/// The file of a page, relative to the export folder.
fn file_for(path: &str) -> String {
    let address = static_address(path);
    let relative = address.trim_start_matches('/');
    let last = relative.rsplit('/').next().unwrap_or_default();
    if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else if last.contains('.') {
        relative.to_owned()
    } else {
        format!("{relative}/index.html")
    }
}

/// A page's links as the static copy serves them: `?page=N` as a path; search, preferences and
/// anything else with a query on the live site.
fn rewrite_html(html: &str, base_url: &str) -> String {
    // Only the attributes that change are found: a form's action, a link to what only the live
    // site does, and a link with a query.
    static CHANGING: OnceLock<Regex> = OnceLock::new();
    let changing = CHANGING.get_or_init(|| {
        Regex::new(r#"action="/[^"]*"|href="/(?:prefs/|admin|api/|log/)[^"]*"|href="/[^"?]*\?[^"]*""#).expect("a valid pattern")
    });
    let mut out = String::with_capacity(html.len() + 256);
    let mut last = 0;
    for found in changing.find_iter(html) {
        out.push_str(&html[last..found.start()]);
        last = found.end();
        let found = found.as_str();
        let (name, raw) = found.split_once("=\"").unwrap_or_default();
        let raw = raw.strip_suffix('"').unwrap_or(raw);
        let value = raw.replace("&amp;", "&");
        let path = value.split('#').next().unwrap_or_default();
        let live = name == "action" || is_live_only(path) || page_number(path.split_once('?').map_or("", |(_, q)| q)).is_none();
        if live {
            out.push_str(&format!("{name}=\"{base_url}{raw}\""));
        } else {
            out.push_str(&format!("{name}=\"{}\"", static_address(path)));
        }
    }
    out.push_str(&html[last..]);
    out
}

fn write_file(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(target, bytes).with_context(|| format!("cannot write {}", target.display()))
}

/// Copies every media file to `to/KEY/NAME` (the address readers use), skipping a file the
/// copy already holds at the same size: files never change under a key.
async fn copy_media(media: &MediaStore, to: &Path, manifest: &mut BTreeMap<String, String>) -> anyhow::Result<usize> {
    let files = media.files().await.with_context(|| format!("cannot list the media in {}", media.describe()))?;
    for file in &files {
        let target: PathBuf = to.join(&file.key).join(&file.name);
        if target.metadata().map(|m| m.len()).ok() != Some(file.size) {
            let bytes =
                media.read(&file.key, &file.name).await.with_context(|| format!("cannot read media file {}/{}", file.key, file.name))?;
            write_file(&target, &bytes)?;
        }
        manifest.insert(format!("media/{}/{}", file.key, file.name), String::new());
    }
    Ok(files.len())
}

fn read_manifest(out: &Path) -> BTreeMap<String, String> {
    std::fs::read(out.join(MANIFEST)).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_address_has_one_file_and_lists_pages_become_paths() {
        assert_eq!(file_for("/"), "index.html");
        assert_eq!(file_for("/en/"), "en/index.html");
        assert_eq!(file_for("/en/news/some-slug"), "en/news/some-slug/index.html");
        assert_eq!(file_for("/en/news/some-slug/record"), "en/news/some-slug/record/index.html");
        assert_eq!(file_for("/en/news/?page=3"), "en/news/page/3/index.html");
        assert_eq!(file_for("/en/tags/summit?page=2"), "en/tags/summit/page/2/index.html");
        assert_eq!(file_for("/en/feed.xml"), "en/feed.xml");
        assert_eq!(file_for("/static/site.0123abcd.css"), "static/site.0123abcd.css");
    }

    #[test]
    fn links_are_rewritten_for_a_static_host() {
        let html = r#"<a href="/en/news/?page=2">next</a><a href="/prefs/contrast?on=1&amp;back=/en/">contrast</a><form action="/en/search"><a href="/en/news/x#top">x</a>"#;
        assert_eq!(
            rewrite_html(html, "https://news.example.org"),
            r#"<a href="/en/news/page/2/">next</a><a href="https://news.example.org/prefs/contrast?on=1&amp;back=/en/">contrast</a><form action="https://news.example.org/en/search"><a href="/en/news/x#top">x</a>"#
        );
        let links = links_in(
            r#"<loc>https://news.example.org/en/news/a</loc> <img srcset="/media/k/w480.jpg 480w, /media/k/w960.jpg 960w"> <a href="https://elsewhere.example/x">"#,
            "https://news.example.org",
        );
        assert_eq!(links, ["/en/news/a", "/media/k/w480.jpg", "/media/k/w960.jpg"]);
        assert!(links_in(r#"<a href="/en/../../etc/passwd">"#, "https://news.example.org").is_empty());
    }
}
