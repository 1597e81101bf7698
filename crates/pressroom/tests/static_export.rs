//! `export-site`: the whole public site as static files, served by a real static file server
//! and crawled from its front page without finding a broken link; exported again, only what
//! changed is rewritten.

mod common;

use std::collections::{HashSet, VecDeque};
use std::path::Path;

use pressroom::static_site::export_site;
use pressroom::SiteLocation;
use pressroom_store::Actor;
use pressroom_transfer::{import_files, write_article, ContentFile, Quiet};
use regex::Regex;
use reqwest::StatusCode;

const LIVE: &str = "https://news.example.org";

/// Serves `dir` as a plain static host does (an index.html for a folder, a redirect from a
/// folder's address without its slash); returns its address.
async fn static_host(dir: &Path) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback_service(tower_http::services::ServeDir::new(dir));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// Crawls the copy from its front page, its robots.txt and sitemap; returns every address
/// fetched and the links that did not answer 200.
async fn crawl(base: &str) -> (HashSet<String>, Vec<(String, String, StatusCode)>) {
    let link = Regex::new(r#"(?:href|src)="([^"]*)"|srcset="([^"]*)"|<loc>([^<]*)</loc>"#).unwrap();
    let client = reqwest::Client::new();
    let mut queue: VecDeque<(String, String)> =
        ["/", "/robots.txt", "/sitemap.xml"].iter().map(|p| (p.to_string(), "start".to_owned())).collect();
    let mut seen: HashSet<String> = queue.iter().map(|(p, _)| p.clone()).collect();
    let mut broken = Vec::new();
    while let Some((path, from)) = queue.pop_front() {
        let response = client.get(format!("{base}{path}")).send().await.unwrap();
        if response.status() != StatusCode::OK {
            broken.push((path, from, response.status()));
            continue;
        }
        let text = response.text().await.unwrap_or_default();
        for caps in link.captures_iter(&text) {
            let from_sitemap = caps.get(3).is_some();
            let values: Vec<&str> = match (caps.get(1), caps.get(2), caps.get(3)) {
                (Some(v), ..) | (_, _, Some(v)) => vec![v.as_str()],
                (_, Some(set), _) => set.as_str().split(',').filter_map(|c| c.split_whitespace().next()).collect(),
                _ => vec![],
            };
            for value in values {
                let value = value.replace("&amp;", "&");
                let value = value.split('#').next().unwrap_or_default();
                // The sitemap names the live site's pages: each must be in the copy too. Other
                // links to the live site are for what only it does (search, the record's log).
                let local = match value.strip_prefix(LIVE) {
                    Some(rest) if from_sitemap => rest.to_owned(),
                    _ if value.starts_with('/') && !value.starts_with("//") => value.to_owned(),
                    _ => continue,
                };
                let local = if local.is_empty() { "/".to_owned() } else { local };
                if seen.insert(local.clone()) {
                    queue.push_back((local, path.clone()));
                }
            }
        }
    }
    (seen, broken)
}

#[tokio::test]
async fn the_exported_site_has_every_page_and_no_broken_link_and_updates_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let location = SiteLocation { data: dir.path().join("data"), ..SiteLocation::default() };
    let (store, _) = pressroom::open_site(&location, true).await.unwrap();
    // Enough articles for lists of several pages, and a picture in the library.
    store.import(&[], &pressroom_transfer::generate(90, 1), &Actor::system("test"), &|| {}).await.unwrap();
    let image = {
        let mut png = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(900, 600).write_to(&mut png, image::ImageFormat::Png).unwrap();
        png.into_inner()
    };
    let (_, key) = pressroom_web::media::save_file(
        &store,
        &location.media().unwrap(),
        Default::default(),
        "map.png".into(),
        image,
        &Actor::system("test"),
    )
    .await
    .unwrap()
    .unwrap();
    let mut article = store.all_articles().await.unwrap().into_iter().find(|a| a.lang.as_str() == "en").unwrap();
    article.cover = Some(format!("/media/{key}/original.png"));
    article.body = format!("{}\n\n![The map](/media/{key}/original.png)\n\nA [link to nowhere](/en/news/no-such-item).", article.body);
    let file = ContentFile { path: "changed.md".into(), text: write_article(&article, &Default::default()) };
    import_files(&store, &[file], &Quiet).await.unwrap();

    let out = dir.path().join("copy");
    let first = export_site(&location, LIVE, &out, &Quiet).await.unwrap();
    assert!(first.pages > 300, "{first:?}");
    assert_eq!(first.broken, [("/en/news/no-such-item".to_owned(), 404)], "an editor's broken link is reported, and only that");
    assert!(first.media_files >= 2, "the original and its sizes: {first:?}");

    let host = static_host(&out).await;
    let (fetched, broken) = crawl(&host).await;
    let broken: Vec<_> = broken.into_iter().filter(|(path, ..)| path != "/en/news/no-such-item").collect();
    assert!(broken.is_empty(), "broken links in the copy: {broken:?}");
    for expected in
        ["/en/news/page/2/", "/ru/news/page/2/", &format!("/media/{key}/original.png"), "/en/archive/", "/en/feed.xml", "/sitemap.xml"]
    {
        assert!(fetched.contains(expected), "{expected} is reached");
    }
    assert!(fetched.iter().any(|p| p.starts_with("/static/site.") && p.ends_with(".css")), "the stylesheet, by its hashed name");
    assert!(fetched.iter().any(|p| p.starts_with("/en/tags/")), "tag pages");
    assert!(fetched.len() as f64 >= first.pages as f64 * 0.9, "the crawl reaches the pages: {} of {}", fetched.len(), first.pages);
    let search = reqwest::get(format!("{host}/en/search")).await.unwrap().text().await.unwrap();
    assert!(search.contains(&format!("action=\"{LIVE}/en/search\"")), "the copy's search leads to the live site");
    let front = reqwest::get(format!("{host}/")).await.unwrap().text().await.unwrap();
    assert!(front.contains("url=/ru/"), "the front page leads to the default language: {front}");

    // Nothing changed: nothing rewritten.
    let again = export_site(&location, LIVE, &out, &Quiet).await.unwrap();
    assert_eq!((again.written, again.removed), (0, 0), "{again:?}");

    // One item changed and one deleted: their pages and the lists change, the rest stays.
    let path = out.join(format!("en/{}/{}/index.html", article.section, article.slug));
    let untouched = std::fs::metadata(&path).unwrap().modified().unwrap();
    let mut changed = article.clone();
    changed.title = "A corrected title".into();
    import_files(&store, &[ContentFile { path: "changed.md".into(), text: write_article(&changed, &Default::default()) }], &Quiet)
        .await
        .unwrap();
    let gone = store
        .all_articles()
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.lang.as_str() == "ru" && a.translation_key != article.translation_key)
        .unwrap();
    store.delete_article(gone.id, &Actor::system("test")).await.unwrap();
    let third = export_site(&location, LIVE, &out, &Quiet).await.unwrap();
    assert!(third.written > 0 && third.written < third.pages / 2, "only what changed is rewritten: {third:?}");
    assert!(third.removed >= 2, "the deleted item's page and record are removed: {third:?}");
    assert!(!out.join(format!("ru/{}/{}/index.html", gone.section, gone.slug)).exists());
    assert!(std::fs::read_to_string(&path).unwrap().contains("A corrected title"));
    assert!(std::fs::metadata(&path).unwrap().modified().unwrap() >= untouched);
    store.close().await;
}
