//! Feeds, the sitemap, search-engine metadata and HTTP caching, over real HTTP, on both engines.
//! Feeds are read back with a real feed parser (`feed-rs`), not by looking for strings.

mod common;

on_both_engines!(
    feeds_in_three_formats_carry_every_required_element,
    the_sitemap_lists_every_published_page_with_its_translations,
    pages_carry_canonical_hreflang_opengraph_and_news_article_metadata,
    pages_feeds_and_the_api_are_revalidated_with_etags,
    cached_pages_are_compressed_and_follow_every_change,
    a_change_drops_only_the_cached_pages_it_may_alter,
);

use common::{attributes, Engine, TestSite};
use pressroom_store::Actor;
use reqwest::StatusCode;

const EN_CFM: &str = "/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata";
const RU_CFM: &str = "/ru/news/zasedanie-smid-odkb-v-cholpon-ate";

/// Adds `count` generated articles (half Russian, half English), published, to the site.
async fn add_generated(site: &TestSite, count: usize) {
    let drafts = pressroom_transfer::generate(count, 7);
    site.store.import(&[], &drafts, &Actor::system("test"), &|| {}).await.unwrap();
}

async fn feeds_in_three_formats_carry_every_required_element(site: TestSite) {
    add_generated(&site, 130).await;
    site.execute(&format!(
        "UPDATE articles SET cover = '/media/abc/original.png' WHERE lang = 'en' AND slug = '{}'",
        EN_CFM.rsplit('/').next().unwrap()
    ))
    .await;
    for (path, content_type) in [
        ("/en/feed.xml", "application/rss+xml"),
        ("/ru/feed.xml", "application/rss+xml"),
        ("/en/atom.xml", "application/atom+xml"),
        ("/ru/feed.json", "application/feed+json"),
        ("/en/news/feed.json", "application/feed+json"),
        ("/ru/statements/atom.xml", "application/atom+xml"),
        ("/en/interviews/feed.xml", "application/rss+xml"),
    ] {
        let response = site.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with(content_type), "{path}");
        let body = response.bytes().await.unwrap();
        let feed = feed_rs::parser::parse(&body[..]).unwrap_or_else(|e| panic!("{path} does not parse: {e}"));
        let lang = &path[1..3];
        let section = path.split('/').nth(2).filter(|s| !s.ends_with(".xml") && !s.ends_with(".json") && *s != "news");
        assert!(feed.title.as_ref().is_some_and(|t| !t.content.is_empty()), "{path}: a title");
        assert!(!feed.links.is_empty(), "{path}: a link to the site");
        assert_eq!(feed.language.as_deref().map(|l| &l[..2]), Some(lang), "{path}: the language");
        // The latest 50, newest first, of this language (and section).
        let expected = site
            .store
            .find_articles(
                &pressroom_store::ArticleQuery {
                    lang: Some(pressroom_domain::Lang::parse(lang).unwrap()),
                    section: section.map(|s| pressroom_domain::SectionKey::parse(s).unwrap()),
                    ..Default::default()
                },
                pressroom_store::Start::Page(1),
                50,
            )
            .await
            .unwrap();
        assert_eq!(feed.entries.len(), expected.items.len(), "{path}: the latest 50 items");
        assert!(section.is_some() || feed.entries.len() == 50, "{path}: a full feed has 50 items");
        for (entry, item) in feed.entries.iter().zip(&expected.items) {
            let link = entry.links.first().map(|l| l.href.clone()).unwrap_or_default();
            assert!(link.starts_with(&site.base) && link.ends_with(item.slug.as_str()), "{path}: the item's link {link}");
            assert_eq!(entry.title.as_ref().map(|t| t.content.as_str()), Some(item.title.as_str()), "{path}: the title");
            assert_eq!(entry.published.map(|d| d.timestamp()), Some(item.published_at.unix_timestamp()), "{path}: the date");
            assert_eq!(entry.summary.as_ref().map(|s| s.content.trim()), Some(item.lead.trim()), "{path}: the lead");
            let full = site.store.article(item.id).await.unwrap();
            if !full.body.is_empty() {
                let content = entry.content.as_ref().and_then(|c| c.body.clone()).unwrap_or_default();
                assert!(!content.is_empty(), "{path}: the full text of {}", item.slug);
            }
        }
    }
    // The cover travels as an enclosure (RSS), an enclosure link (Atom) and `image` (JSON).
    for path in ["/en/feed.xml", "/en/atom.xml", "/en/feed.json"] {
        let body = site.get(path).await.bytes().await.unwrap();
        let feed = feed_rs::parser::parse(&body[..]).unwrap();
        let entry = feed.entries.iter().find(|e| e.links.iter().any(|l| l.href.ends_with(EN_CFM))).expect("the item with a cover");
        let cover = format!("{}/media/abc/original.png", site.base);
        let in_media = entry.media.iter().any(|m| m.content.iter().any(|c| c.url.as_ref().is_some_and(|u| u.as_str() == cover)));
        let in_links = entry.links.iter().any(|l| l.href == cover);
        let in_json = String::from_utf8_lossy(&body).contains(&format!("\"image\":\"{cover}\""));
        assert!(in_media || in_links || in_json, "{path}: the cover image");
        if !path.ends_with(".json") {
            let tags: Vec<String> = english_cfm(&site).await.tags.into_iter().map(|t| t.name).collect();
            let categories: Vec<String> = entry.categories.iter().map(|c| c.label.clone().unwrap_or_else(|| c.term.clone())).collect();
            assert!(!tags.is_empty() && categories == tags, "{path}: the item's tags {tags:?}, got {categories:?}");
        }
    }
    // Every page names its feeds; a section page also its own.
    let home = site.ok("/en/").await;
    let feeds = attributes(&home, "link[rel=alternate][type='application/rss+xml']", "href");
    assert_eq!(feeds, vec!["/en/feed.xml"]);
    let section = site.ok("/en/statements/").await;
    let feeds = attributes(&section, "link[rel=alternate][type='application/atom+xml']", "href");
    assert_eq!(feeds, vec!["/en/atom.xml", "/en/statements/atom.xml"]);
    assert_eq!(site.get("/en/nonexistent/feed.xml").await.status(), StatusCode::NOT_FOUND);
}

/// The `<loc>` values of a sitemap file.
fn locations(xml: &str) -> Vec<String> {
    xml.split("<loc>").skip(1).map(|rest| rest.split("</loc>").next().unwrap().to_owned()).collect()
}

async fn the_sitemap_lists_every_published_page_with_its_translations(site: TestSite) {
    let robots = site.ok("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", site.base)), "{robots}");
    let xml = site.ok("/sitemap.xml").await;
    assert!(xml.contains("<urlset"), "a single sitemap for a small site");
    let listed = locations(&xml);
    let published: Vec<_> = site.store.sitemap_entries(1..=i64::MAX).await.unwrap().into_iter().filter(|e| e.listed).collect();
    let site_map = site.store.site().await.unwrap();
    let pages = site_map.languages.len() * (1 + site_map.sections.len());
    assert_eq!(listed.len(), published.len() + pages, "every published article, home and section page");
    for path in ["/en/", "/ru/news/", EN_CFM, RU_CFM] {
        assert!(listed.contains(&format!("{}{path}", site.base)), "{path} is listed");
    }
    // A translated article names both versions; each entry has its last change.
    let entry = xml.split("<url>").find(|u| u.contains(&format!("<loc>{}{EN_CFM}</loc>", site.base))).unwrap();
    assert!(entry.contains(&format!(r#"hreflang="ru" href="{}{RU_CFM}""#, site.base)), "{entry}");
    assert!(entry.contains(&format!(r#"hreflang="en" href="{}{EN_CFM}""#, site.base)), "{entry}");
    assert!(entry.contains("<lastmod>"), "{entry}");
    // An unpublished article leaves the sitemap.
    site.execute(&format!("UPDATE articles SET status = 'draft' WHERE slug = '{}'", EN_CFM.rsplit('/').next().unwrap())).await;
    site.announce_change().await;
    assert!(!locations(&site.ok("/sitemap.xml").await).contains(&format!("{}{EN_CFM}", site.base)));

    // A large site gets an index of parts that together list every page once.
    let small_parts = TestSite::start_configured(Engine::Sqlite, true, |_| {}, |config| config.sitemap_part_size = 7).await.unwrap();
    let index = small_parts.ok("/sitemap.xml").await;
    assert!(index.contains("<sitemapindex"), "{index}");
    let parts = locations(&index);
    assert!(parts.len() >= 2);
    let mut all = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let path = part.strip_prefix(&small_parts.base).unwrap();
        let listed = locations(&small_parts.ok(path).await);
        // The first part holds the home and section pages; each other, the articles of a range of ids.
        assert!(n == 0 || listed.len() <= 7, "{path}: {listed:?}");
        all.extend(listed);
    }
    let whole = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), whole, "no page twice");
    assert_eq!(whole, small_parts.store.sitemap_entries(1..=i64::MAX).await.unwrap().iter().filter(|e| e.listed).count() + pages);
    assert_eq!(small_parts.get(&format!("/sitemap/{}.xml", parts.len() + 1)).await.status(), StatusCode::NOT_FOUND);
}

async fn pages_carry_canonical_hreflang_opengraph_and_news_article_metadata(site: TestSite) {
    // Absolute links follow the configured public address, not the address listened on.
    let public = TestSite::start_configured(
        if site.postgres.is_some() { Engine::Postgres } else { Engine::Sqlite },
        true,
        |_| {},
        |config| config.base_url = "https://news.example.org".into(),
    )
    .await
    .unwrap();
    drop(site);
    public
        .execute(&format!("UPDATE articles SET cover = '/media/abc/original.png' WHERE slug = '{}'", EN_CFM.rsplit('/').next().unwrap()))
        .await;
    public.announce_change().await;
    let html = public.ok(EN_CFM).await;
    let meta = |selector: &str| attributes(&html, selector, "content").into_iter().next().unwrap_or_else(|| panic!("{selector}"));
    assert_eq!(attributes(&html, "link[rel=canonical]", "href"), vec![format!("https://news.example.org{EN_CFM}")]);
    let alternates = attributes(&html, "link[rel=alternate][hreflang]", "href");
    assert!(alternates.contains(&format!("https://news.example.org{RU_CFM}")), "{alternates:?}");
    assert!(alternates.contains(&format!("https://news.example.org{EN_CFM}")), "{alternates:?}");
    let article = english_cfm(&public).await;
    assert_eq!(meta("meta[name=description]"), article.lead);
    assert_eq!(meta("meta[property='og:title']"), article.title);
    assert_eq!(meta("meta[property='og:description']"), article.lead);
    assert_eq!(meta("meta[property='og:type']"), "article");
    assert_eq!(meta("meta[property='og:url']"), format!("https://news.example.org{EN_CFM}"));
    assert_eq!(meta("meta[property='og:image']"), "https://news.example.org/media/abc/original.png");
    assert_eq!(meta("meta[name='twitter:card']"), "summary_large_image");
    assert_eq!(meta("meta[name='twitter:title']"), article.title);
    let json_ld = common::texts(&html, "script[type='application/ld+json']").remove(0);
    let json: serde_json::Value = serde_json::from_str(&json_ld).unwrap();
    assert_eq!(json["@type"], "NewsArticle");
    assert_eq!(json["headline"], article.title.as_str());
    assert_eq!(json["inLanguage"], "en");
    assert_eq!(json["image"], "https://news.example.org/media/abc/original.png");
    assert!(json["datePublished"].as_str().unwrap().starts_with(&article.published_at.date().to_string()));
    assert!(json.get("dateModified").is_none(), "no update was announced to readers");
    assert_eq!(json["publisher"]["@type"], "Organization");
    // Lists carry the same head: canonical, alternates in every language, a description.
    let list = public.ok("/ru/news/").await;
    assert_eq!(attributes(&list, "link[rel=canonical]", "href"), vec!["https://news.example.org/ru/news/".to_owned()]);
    assert_eq!(attributes(&list, "link[rel=alternate][hreflang]", "hreflang"), vec!["ru", "en"]);
    assert!(!attributes(&list, "meta[name=description]", "content")[0].is_empty());
    assert_eq!(attributes(&list, "meta[name='twitter:card']", "content"), vec!["summary"]);
}

async fn pages_feeds_and_the_api_are_revalidated_with_etags(site: TestSite) {
    for path in ["/en/", EN_CFM, "/ru/feed.xml", "/sitemap.xml", "/api/v1/articles?lang=en", "/en/search?q=council"] {
        let first = site.get(path).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        let etag = first.headers()["etag"].to_str().unwrap().to_owned();
        let modified = first.headers()["last-modified"].to_str().unwrap().to_owned();
        assert!(first.headers()["cache-control"].to_str().unwrap().contains("s-maxage"), "{path}: a CDN may keep it briefly");
        let again = site.client.get(format!("{}{path}", site.base)).header("if-none-match", &etag).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(again.headers()["etag"], etag.as_str());
        assert!(again.bytes().await.unwrap().is_empty());
        let by_date = site.client.get(format!("{}{path}", site.base)).header("if-modified-since", &modified).send().await.unwrap();
        assert_eq!(by_date.status(), StatusCode::NOT_MODIFIED, "{path}");
        let head = site.client.head(format!("{}{path}", site.base)).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
        assert_eq!(head.headers()["etag"], etag.as_str(), "HEAD {path}");
    }
    // An edit changes the article's page: the old ETag no longer matches.
    let first = site.get(EN_CFM).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    site.execute(&format!("UPDATE articles SET title = 'A corrected title' WHERE slug = '{}'", EN_CFM.rsplit('/').next().unwrap())).await;
    site.announce_change().await;
    let after = site.client.get(format!("{}{EN_CFM}", site.base)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()["etag"], etag.as_str());
    assert!(after.text().await.unwrap().contains("A corrected title"));
    // The back office is never stored.
    let admin = site.get("/admin/login").await;
    assert_eq!(admin.headers()["cache-control"], "private, no-store");
    assert!(admin.headers().get("etag").is_none());
}

async fn cached_pages_are_compressed_and_follow_every_change(site: TestSite) {
    use std::io::Read;
    let plain = site.ok("/en/").await;
    for (encoding, decode) in [
        (
            "br",
            Box::new(|bytes: &[u8]| {
                let mut out = String::new();
                brotli::Decompressor::new(bytes, 4096).read_to_string(&mut out).unwrap();
                out
            }) as Box<dyn Fn(&[u8]) -> String>,
        ),
        (
            "gzip",
            Box::new(|bytes: &[u8]| {
                let mut out = String::new();
                flate2::read::GzDecoder::new(bytes).read_to_string(&mut out).unwrap();
                out
            }),
        ),
    ] {
        let response = site.client.get(format!("{}/en/", site.base)).header("accept-encoding", encoding).send().await.unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
        assert!(response.headers()["vary"].to_str().unwrap().contains("Accept-Encoding"));
        let bytes = response.bytes().await.unwrap();
        assert!(bytes.len() < plain.len() / 3, "{encoding} is smaller");
        assert_eq!(decode(&bytes), plain, "{encoding} decodes to the same page");
    }
    // A change made through the program shows at once on every page it touches.
    let before = site.ok("/en/news/").await;
    let english = english_news_published_now(99);
    site.store.import(&[], std::slice::from_ref(&english), &Actor::system("test"), &|| {}).await.unwrap();
    let after = site.ok("/en/news/").await;
    assert!(before != after, "the list changed");
    assert!(after.contains(&english.title), "the new item is listed at once");
    assert!(site.ok("/en/feed.xml").await.contains(&english.slug.to_string()));
    // The high-contrast page is kept apart from the standard one.
    let contrast =
        site.client.get(format!("{}/en/news/", site.base)).header("cookie", "contrast=1").send().await.unwrap().text().await.unwrap();
    assert!(contrast.contains("class=\"contrast\""));
    assert!(!site.ok("/en/news/").await.contains("class=\"contrast\""));
}

/// Pages are changed behind the program's back (raw SQL, no change recorded), so a page that
/// still shows the old text was served from the cache, and one that shows the new was rendered.
async fn a_change_drops_only_the_cached_pages_it_may_alter(site: TestSite) {
    let russian_home = site.ok("/ru/").await;
    let english_home = site.ok("/en/").await;
    let ru_slug = RU_CFM.rsplit('/').next().unwrap();
    let en_slug = EN_CFM.rsplit('/').next().unwrap();
    site.execute(&format!("UPDATE articles SET title = 'Тайная правка' WHERE lang = 'ru' AND slug = '{ru_slug}'")).await;
    site.execute(&format!("UPDATE articles SET title = 'Quiet edit' WHERE lang = 'en' AND slug = '{en_slug}'")).await;
    assert_eq!(site.ok("/ru/").await, russian_home, "served from the cache");
    assert_eq!(site.ok("/en/").await, english_home, "served from the cache");

    // A draft saved: no reader sees it, no page is dropped.
    let draft = pressroom_transfer::generate(2, 7).into_iter().find(|d| d.lang.as_str() == "en").unwrap();
    let draft = pressroom_domain::ArticleDraft { status: pressroom_domain::Status::Draft, ..draft };
    site.store.create_article(&draft, &Actor::system("test")).await.unwrap();
    assert_eq!(site.ok("/ru/").await, russian_home, "a draft drops nothing");
    assert_eq!(site.ok("/en/").await, english_home, "a draft drops nothing");

    // An English article published: the English pages are rendered again, the Russian kept.
    let english = english_news_published_now(8);
    site.store.import(&[], std::slice::from_ref(&english), &Actor::system("test"), &|| {}).await.unwrap();
    let english_now = site.ok("/en/").await;
    assert!(common::texts(&english_now, ".news-title").contains(&english.title), "the English home page lists the new item");
    assert!(english_now.contains("Quiet edit"), "the English home page is rendered again");
    assert_eq!(site.ok("/ru/").await, russian_home, "the Russian home page is kept");
    assert!(site.ok("/sitemap.xml").await.contains(&english.slug.to_string()), "the sitemap follows every language");

    // A change of the site itself (here one recorded behind the program's back) drops everything.
    site.announce_change().await;
    assert!(site.ok("/ru/").await.contains("Тайная правка"), "now the Russian page is rendered again");
}

/// A generated English article in the news section, published now.
fn english_news_published_now(seed: u64) -> pressroom_domain::ArticleDraft {
    let english = pressroom_transfer::generate(2, seed).into_iter().find(|d| d.lang.as_str() == "en").unwrap();
    pressroom_domain::ArticleDraft {
        published_at: time::OffsetDateTime::now_utc(),
        status: pressroom_domain::Status::Published,
        section: pressroom_domain::SectionKey::parse("news").unwrap(),
        ..english
    }
}

/// The demo's English Council of Foreign Ministers article, as stored.
async fn english_cfm(site: &TestSite) -> pressroom_domain::Article {
    let address = (
        pressroom_domain::Lang::parse("en").unwrap(),
        pressroom_domain::SectionKey::parse("news").unwrap(),
        pressroom_domain::Slug::parse(EN_CFM.rsplit('/').next().unwrap()).unwrap(),
    );
    site.store.article_at(&address.0, &address.1, &address.2).await.unwrap()
}
