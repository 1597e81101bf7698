//! The public site over real HTTP, on the demo content, in both languages.

mod common;

on_both_engines!(
    every_page_type_answers_in_both_languages,
    lists_show_date_title_and_lead_newest_first,
    article_pages_carry_everything_the_design_names,
    every_link_on_every_demo_page_resolves,
    pagination_has_bounds,
    missing_pages_are_404_in_the_site_style_and_language,
    an_archived_article_says_it_was_withdrawn,
    the_root_follows_accept_language,
    high_contrast_mode_is_switched_by_a_link_and_kept,
    responses_carry_security_headers_and_cacheable_assets,
    search_finds_words_in_any_form_and_follows_the_content,
    slash_redirects_keep_the_query_and_sections_name_their_feeds,
);

use std::collections::{BTreeSet, VecDeque};

use common::{attributes, texts, Engine, TestSite};
use pressroom_domain::{parse_publication_date, Action, ArticleDraft, Lang, SectionKey, Slug, Status};
use pressroom_store::Actor;
use reqwest::StatusCode;

const EN_INTERVIEW: &str = "/en/interviews/tasmagambetov-interview-to-tass";
const RU_INTERVIEW: &str = "/ru/interviews/interviu-imangali-tasmagambetova-tass";
const EN_CFM: &str = "/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata";
const RU_CFM: &str = "/ru/news/zasedanie-smid-odkb-v-cholpon-ate";

async fn every_page_type_answers_in_both_languages(site: TestSite) {
    for (lang, article, tag) in [("en", EN_CFM, "/en/tags/kyrgyzstan"), ("ru", RU_CFM, "/ru/tags/kyrgyzstan")] {
        for path in [
            format!("/{lang}/"),
            format!("/{lang}/news/"),
            format!("/{lang}/interviews/"),
            format!("/{lang}/statements/"),
            article.to_owned(),
            format!("/{lang}/archive/"),
            format!("/{lang}/archive/2025/"),
            format!("/{lang}/archive/2025/06/"),
            tag.to_owned(),
        ] {
            let html = site.ok(&path).await;
            assert_eq!(attributes(&html, "html", "lang"), [lang], "{path}: <html lang>");
            assert_eq!(texts(&html, "h1").len(), 1, "{path}: one h1");
            assert_eq!(attributes(&html, "main", "id"), ["content"], "{path}: main landmark");
            assert_eq!(attributes(&html, "a.skip-link", "href"), ["#content"], "{path}: skip link");
            assert_eq!(attributes(&html, "link[rel=canonical]", "href"), [format!("{}{path}", site.base)], "{path}: canonical");
        }
    }
}

async fn lists_show_date_title_and_lead_newest_first(site: TestSite) {
    let html = site.ok("/en/news/").await;
    let dates = texts(&html, ".news-item .date");
    assert_eq!(dates, ["07.07.2025", "30.06.2025", "30.06.2025", "26.06.2025"]);
    let titles = texts(&html, ".news-item .news-title");
    assert_eq!(titles[0], "CSTO Secretariat delegation visits the Patriot Park");
    assert_eq!(
        titles[1], "President of Kyrgyzstan Sadyr Japarov receives the CSTO foreign ministers",
        "the later item of the same day first"
    );
    let leads = texts(&html, ".news-item .news-lead");
    assert!(leads[0].starts_with("On July 4, 2025, a delegation of the CSTO Secretariat"));

    let ru = site.ok("/ru/").await;
    assert!(texts(&ru, ".latest .news-title").contains(&"Делегация Секретариата ОДКБ посетила парк «Патриот»".to_owned()));
    assert_eq!(texts(&ru, "h1"), ["Последние новости"]);
}

async fn article_pages_carry_everything_the_design_names(site: TestSite) {
    let html = site.ok(EN_INTERVIEW).await;
    assert_eq!(texts(&html, "h1"), ["Interview of the CSTO Secretary General Imangali Tasmagambetov to the TASS agency"]);
    assert_eq!(texts(&html, ".meta time"), ["24 June 2024"]);
    assert!(texts(&html, ".lead")[0].starts_with("Imangali Tasmagambetov — on the results"));
    assert_eq!(texts(&html, ".breadcrumbs a")[1], "Interviews");
    let questions = texts(&html, ".body p.question");
    assert_eq!(questions.len(), 5, "interview questions are marked");
    assert!(questions[0].starts_with("— What are the main results"));
    assert!(texts(&html, ".body p:not(.question)").iter().any(|p| p.contains("Makhachkala and Derbent")));
    assert!(texts(&html, ".tags a").contains(&"Imangali Tasmagambetov".to_owned()));
    assert_eq!(attributes(&html, ".translation a", "href"), [RU_INTERVIEW]);
    assert_eq!(texts(&html, ".back-links a"), ["Go back", "Back to the section", "Back to all news"]);
    assert_eq!(attributes(&html, ".back-links a", "href"), ["/en/interviews/", "/en/interviews/", "/en/news/"]);
    assert!(!texts(&html, ".related .news-title").is_empty(), "related items by shared tags");
    assert_eq!(attributes(&html, "link[rel=alternate][hreflang=ru]", "href"), [format!("{}{RU_INTERVIEW}", site.base)]);
    let json_ld = texts(&html, "script[type='application/ld+json']");
    let json: serde_json::Value = serde_json::from_str(&json_ld[0]).unwrap();
    assert_eq!(json["@type"], "NewsArticle");
    assert_eq!(json["inLanguage"], "en");

    let ru = site.ok(RU_CFM).await;
    assert_eq!(texts(&ru, ".meta time"), ["30 июня 2025"]);
    assert_eq!(texts(&ru, ".back-links a"), ["Назад", "Вернуться в раздел", "Вернуться ко всем новостям"]);
    assert_eq!(texts(&ru, ".translation a")[0], "English version: CSTO Council of Foreign Ministers meets in Cholpon-Ata");
    assert_eq!(attributes(&ru, ".languages a[hreflang=en]", "href"), [EN_CFM], "the language switch leads to the translation");
}

async fn every_link_on_every_demo_page_resolves(site: TestSite) {
    let mut queue: VecDeque<String> = ["/ru/".to_owned(), "/en/".to_owned()].into();
    let mut seen: BTreeSet<String> = queue.iter().cloned().collect();
    while let Some(path) = queue.pop_front() {
        let response = site.get(&path).await;
        let status = response.status();
        if path.starts_with("/prefs/") {
            assert_eq!(status, StatusCode::SEE_OTHER, "{path}");
            continue;
        }
        assert_eq!(status, StatusCode::OK, "GET {path}");
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        if !content_type.starts_with("text/html") {
            continue;
        }
        let html = response.text().await.unwrap();
        let links =
            [attributes(&html, "a[href]", "href"), attributes(&html, "link[href]", "href"), attributes(&html, "script[src]", "src")];
        for link in links.into_iter().flatten() {
            let local = link.strip_prefix(&site.base).map(str::to_owned).unwrap_or(link);
            if local.starts_with('/') && !local.starts_with("//") && seen.insert(local.clone()) {
                queue.push_back(local);
            }
        }
    }
    assert!(seen.len() > 40, "the crawl reached the whole demo site ({} pages)", seen.len());
}

async fn add_news(site: &TestSite, count: usize) {
    let drafts: Vec<ArticleDraft> = (0..count)
        .map(|i| ArticleDraft {
            translation_key: format!("bulk-{i}"),
            lang: Lang::parse("en").unwrap(),
            section: SectionKey::parse("statements").unwrap(),
            slug: Slug::parse(&format!("statement-{i}")).unwrap(),
            title: format!("Statement {i}"),
            lead: String::new(),
            body: String::new(),
            cover: None,
            featured: false,
            status: Status::Published,
            published_at: parse_publication_date(&format!("2020-01-{:02}", i % 28 + 1)).unwrap(),
            tags: vec![],
            media: None,
            event: None,
            report_of: None,
            document: None,
        })
        .collect();
    site.store.import(&[], &drafts, &Actor::system("test"), &|| {}).await.unwrap();
}

async fn pagination_has_bounds(site: TestSite) {
    add_news(&site, 45).await;
    let first = site.ok("/en/statements/").await;
    assert_eq!(texts(&first, ".news-item").len(), 20);
    assert_eq!(attributes(&first, ".pagination a[rel=next]", "href"), ["/en/statements/?page=2"]);
    let last = site.ok("/en/statements/?page=3").await;
    assert_eq!(texts(&last, ".news-item").len(), 5);
    assert_eq!(attributes(&last, "link[rel=canonical]", "href"), [format!("{}/en/statements/?page=3", site.base)]);
    assert!(attributes(&last, ".pagination a[rel=next]", "href").is_empty());
    assert_eq!(site.page("/en/statements/?page=4").await.0, StatusCode::NOT_FOUND);
    let (status, body) = site.page("/en/statements/?page=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("The page number must be a positive whole number."));
    assert_eq!(site.page("/en/statements/?page=abc").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(site.page("/en/documents/").await.0, StatusCode::OK, "an empty section has its page 1");
    assert_eq!(site.page("/en/documents/?page=2").await.0, StatusCode::NOT_FOUND);
}

async fn missing_pages_are_404_in_the_site_style_and_language(site: TestSite) {
    for path in [
        "/de/",
        "/en/sport/",
        "/en/news/no-such-item",
        "/en/news/Bad_Slug",
        "/en/tags/no-such-tag",
        "/en/archive/1999/",
        "/en/archive/2025/13/",
        "/en/archive/2025/6/",
        "/en/archive/abcd/",
        "/nothing/here/at/all",
    ] {
        let (status, html) = site.page(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(!texts(&html, ".site-name").is_empty(), "{path}: the 404 page has the site's header");
        let expected = if path.starts_with("/en/") { "Page not found" } else { "Страница не найдена" };
        assert_eq!(texts(&html, "h1"), [expected], "{path}");
    }
}

async fn an_archived_article_says_it_was_withdrawn(site: TestSite) {
    let en = Lang::parse("en").unwrap();
    let news = SectionKey::parse("news").unwrap();
    let slug = Slug::parse("csto-council-of-foreign-ministers-meets-in-cholpon-ata").unwrap();
    let article = site.store.article_at(&en, &news, &slug).await.unwrap();
    let draft = ArticleDraft {
        translation_key: article.translation_key.clone(),
        lang: en,
        section: news,
        slug,
        title: article.title.clone(),
        lead: article.lead.clone(),
        body: article.body.clone(),
        cover: None,
        featured: false,
        status: Status::Archived,
        published_at: article.published_at,
        tags: vec![],
        media: None,
        event: None,
        report_of: None,
        document: None,
    };
    site.store.import(&[], &[draft], &Actor::system("test"), &|| {}).await.unwrap();
    let (status, html) = site.page(EN_CFM).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(texts(&html, "h1"), ["This item has been withdrawn"]);
    assert!(!texts(&site.ok("/en/news/").await, ".news-title").iter().any(|t| t.contains("Cholpon-Ata")), "gone from lists");
}

async fn the_root_follows_accept_language(site: TestSite) {
    let location = |r: &reqwest::Response| r.headers()["location"].to_str().unwrap().to_owned();
    let plain = site.get("/").await;
    assert_eq!(location(&plain), "/ru/");
    let english = site.client.get(format!("{}/", site.base)).header("accept-language", "en-US,en;q=0.9").send().await.unwrap();
    assert!(english.status().is_redirection());
    assert_eq!(location(&english), "/en/");
    assert_eq!(location(&site.get("/en").await), "/en/");
    assert_eq!(location(&site.get("/en/news").await), "/en/news/");
}

async fn high_contrast_mode_is_switched_by_a_link_and_kept(site: TestSite) {
    let html = site.ok("/en/news/").await;
    let toggle = attributes(&html, "a.contrast-toggle", "href").remove(0);
    let response = site.get(&toggle).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/en/news/");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("contrast=1") && cookie.contains("HttpOnly"));
    let with_cookie =
        site.client.get(format!("{}{EN_CFM}", site.base)).header("cookie", "contrast=1").send().await.unwrap().text().await.unwrap();
    assert_eq!(attributes(&with_cookie, "html", "class"), ["contrast"]);
    assert_eq!(texts(&with_cookie, "a.contrast-toggle"), ["Standard version"]);
    let off = site.get("/prefs/contrast?set=off&back=//evil.example/").await;
    assert_eq!(off.headers()["location"], "/", "never a redirect off the site");
}

async fn responses_carry_security_headers_and_cacheable_assets(site: TestSite) {
    let page = site.get("/en/").await;
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    let css = attributes(&html, "link[rel=stylesheet]", "href").remove(0);
    assert!(css.starts_with("/static/site.") && css.ends_with(".css") && css.len() > "/static/site..css".len() + 5, "{css}");
    let asset = site.get(&css).await;
    assert_eq!(asset.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(asset.headers()["content-type"], "text/css; charset=utf-8");
    let plain = asset.bytes().await.unwrap().len();
    // Sent compressed to a client that accepts it, as pages are.
    for (coding, script) in [("br", "/static/site."), ("gzip", "/static/site.")] {
        let js = attributes(&html, "script[src]", "src").into_iter().find(|s| s.starts_with(script)).unwrap();
        for path in [css.as_str(), js.as_str()] {
            let response = site.client.get(format!("{}{path}", site.base)).header("accept-encoding", coding).send().await.unwrap();
            assert_eq!(response.headers()["content-encoding"], coding, "{path}");
            assert_eq!(response.headers()["vary"], "Accept-Encoding", "{path}");
            if path == css {
                assert!(response.bytes().await.unwrap().len() * 3 < plain, "{coding} makes the stylesheet much smaller");
            }
        }
    }
    // Attributes are escaped the usual way, not with every '/' spelled as an entity.
    assert!(!html.contains("&#x2f;") && html.contains("href=\"/en/news/\""), "plain slashes in attributes");
}

#[tokio::test]
async fn a_theme_folder_overrides_templates_without_recompiling() {
    let site = TestSite::start(Engine::Sqlite, true, |data| {
        let templates = data.join("theme/templates");
        std::fs::create_dir_all(&templates).unwrap();
        let base = include_str!("../../pressroom_render/templates/error.html")
            .replace("<div class=\"error-page\">", "<div class=\"error-page themed\">");
        std::fs::write(templates.join("error.html"), base).unwrap();
    })
    .await
    .unwrap();
    let (status, html) = site.page("/en/missing/").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(texts(&html, ".error-page.themed h1"), ["Page not found"]);
}

/// Waits up to a second for a search to find (or stop finding) `slug`.
async fn search_sees(site: &TestSite, query: &str, slug: &str, expected: bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let html = site.ok(&format!("/en/search?q={query}")).await;
        if attributes(&html, ".search-results a", "href").iter().any(|h| h.ends_with(slug)) == expected {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn search_finds_words_in_any_form_and_follows_the_content(site: TestSite) {
    assert!(
        search_sees(&site, "meeting", "csto-council-of-foreign-ministers-meets-in-cholpon-ata", true).await,
        "the demo is indexed at start"
    );
    let html = site.ok("/ru/search?q=%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0").await; // встреча
    assert!(texts(&html, ".search-results .news-title").iter().any(|t| t.contains("Жапаров")), "встреча finds встрече");
    assert!(!texts(&html, ".search-results .snippet b").is_empty(), "matched words are highlighted");
    assert_eq!(attributes(&html, "#site-search", "value"), ["встреча"], "the query stays in the box");
    let html = site.ok("/en/search?q=zzzzqqq").await;
    assert!(html.contains("Nothing was found."));
    for query in
        ["%22unbalanced", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "'%3B%20DROP%20TABLE%20articles%3B--", "-", "%01%02", &"x".repeat(10_000)]
    {
        let (status, html) = site.page(&format!("/en/search?q={query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert!(!html.contains("<script>alert"), "the query is shown escaped");
    }
    let all = site.ok("/en/search?q=Tasmagambetov&all=1").await;
    let found = attributes(&all, ".search-results .news-title a", "href");
    assert!(found.iter().all(|h| h.starts_with("/en/")), "one result per item, in the reader's language: {found:?}");
    let json: serde_json::Value = serde_json::from_str(&site.get("/api/v1/search?q=meeting&lang=en").await.text().await.unwrap()).unwrap();
    assert!(json["total"].as_u64().unwrap() >= 1 && json["results"][0]["url"].as_str().unwrap().starts_with(&site.base));

    // Archiving takes an item out of search within a second; publishing puts it back.
    let slug = "csto-at-osce-annual-security-review-conference";
    let en = Lang::parse("en").unwrap();
    let article = site.store.article_at(&en, &SectionKey::parse("news").unwrap(), &Slug::parse(slug).unwrap()).await.unwrap();
    let actor = Actor::system("test");
    site.store.change_status(article.id, Status::Published, Action::Archive, None, &actor).await.unwrap();
    assert!(search_sees(&site, "radicalization", slug, false).await, "gone from search within a second");
    site.store.change_status(article.id, Status::Archived, Action::ReturnToDraft, None, &actor).await.unwrap();
    site.store.change_status(article.id, Status::Draft, Action::Publish, None, &actor).await.unwrap();
    assert!(search_sees(&site, "radicalization", slug, true).await, "back within a second");
}

async fn slash_redirects_keep_the_query_and_sections_name_their_feeds(site: TestSite) {
    let response = site.get("/en/news?page=2").await;
    assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(response.headers()["location"], "/en/news/?page=2");
    let response = site.get("/ru?x=1").await;
    assert_eq!(response.headers()["location"], "/ru/?x=1");
    for section in ["news", "interviews"] {
        let html = site.ok(&format!("/en/{section}/")).await;
        let feeds = attributes(&html, "link[rel=alternate][type='application/rss+xml']", "href");
        assert!(feeds.iter().any(|f| f.ends_with("/en/feed.xml")), "{section}: the site's feed, {feeds:?}");
        assert!(feeds.iter().any(|f| f.ends_with(&format!("/en/{section}/feed.xml"))), "{section}: its own feed, {feeds:?}");
    }
}
