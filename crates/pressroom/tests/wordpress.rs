//! `pressroom import-wordpress` on WordPress exports written here the way WordPress's exporter
//! writes them: a Polylang site with block-editor and classic posts, shortcodes and uploads; a
//! WPML site; a windows-1251 site; and files made to attack an importer. Each import runs the
//! real binary; the imported site is then served by a real `pressroom serve`.

mod common;

use std::path::Path;

use common::attributes;
use common::process::{pressroom, Server};
use pressroom_store::testing::TempPostgres;
use reqwest::StatusCode;

/// A WXR 1.2 file: the channel's header, its terms, then `items`.
fn wxr(encoding: &str, terms: &str, items: &[String]) -> String {
    format!(
        r#"<?xml version="1.0" encoding="{encoding}" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Old press site</title>
	<link>https://old.example.org</link>
	<description>News</description>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>https://old.example.org</wp:base_site_url>
	<wp:base_blog_url>https://old.example.org</wp:base_blog_url>
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[press]]></wp:author_login><wp:author_email><![CDATA[press@old.example.org]]></wp:author_email><wp:author_display_name><![CDATA[Press Office]]></wp:author_display_name></wp:author>
	<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename><![CDATA[politics]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[Politics]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[world]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[World]]></wp:cat_name></wp:category>
	{terms}
	<generator>https://wordpress.org/?v=6.6</generator>
{}
</channel>
</rss>
"#,
        items.join("\n")
    )
}

/// One `<item>`; `terms` and `meta` are the item's `<category>` and `<wp:postmeta>` elements.
struct Post<'a> {
    id: i64,
    title: &'a str,
    link: &'a str,
    name: &'a str,
    date_gmt: &'a str,
    status: &'a str,
    post_type: &'a str,
    parent: i64,
    content: &'a str,
    excerpt: &'a str,
    terms: &'a [(&'a str, &'a str, &'a str)],
    meta: &'a [(&'a str, &'a str)],
    attachment_url: &'a str,
}

impl Default for Post<'_> {
    fn default() -> Self {
        Post {
            id: 0,
            title: "",
            link: "",
            name: "",
            date_gmt: "2020-05-14 09:30:00",
            status: "publish",
            post_type: "post",
            parent: 0,
            content: "",
            excerpt: "",
            terms: &[],
            meta: &[],
            attachment_url: "",
        }
    }
}

impl Post<'_> {
    fn xml(&self) -> String {
        let terms: String = self
            .terms
            .iter()
            .map(|(domain, nicename, name)| {
                format!("\t\t<category domain=\"{domain}\" nicename=\"{nicename}\"><![CDATA[{name}]]></category>\n")
            })
            .collect();
        let meta: String = self
            .meta
            .iter()
            .map(|(key, value)| format!("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key><![CDATA[{key}]]></wp:meta_key>\n\t\t\t<wp:meta_value><![CDATA[{value}]]></wp:meta_value>\n\t\t</wp:postmeta>\n"))
            .collect();
        let attachment = if self.attachment_url.is_empty() {
            String::new()
        } else {
            format!("\t\t<wp:attachment_url><![CDATA[{}]]></wp:attachment_url>\n", self.attachment_url)
        };
        format!(
            "\t<item>\n\t\t<title><![CDATA[{title}]]></title>\n\t\t<link>{link}</link>\n\t\t<pubDate>Thu, 14 May 2020 09:30:00 +0000</pubDate>\n\
             \t\t<dc:creator><![CDATA[press]]></dc:creator>\n\t\t<guid isPermaLink=\"false\">https://old.example.org/?p={id}</guid>\n\t\t<description></description>\n\
             \t\t<content:encoded><![CDATA[{content}]]></content:encoded>\n\t\t<excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>\n\
             \t\t<wp:post_id>{id}</wp:post_id>\n\t\t<wp:post_date><![CDATA[{date}]]></wp:post_date>\n\t\t<wp:post_date_gmt><![CDATA[{date}]]></wp:post_date_gmt>\n\
             \t\t<wp:post_modified><![CDATA[{date}]]></wp:post_modified>\n\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n\
             \t\t<wp:post_name><![CDATA[{name}]]></wp:post_name>\n\t\t<wp:status><![CDATA[{status}]]></wp:status>\n\t\t<wp:post_parent>{parent}</wp:post_parent>\n\
             \t\t<wp:menu_order>0</wp:menu_order>\n\t\t<wp:post_type><![CDATA[{post_type}]]></wp:post_type>\n\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n\
             \t\t<wp:is_sticky>0</wp:is_sticky>\n{attachment}{terms}{meta}\t</item>",
            title = self.title,
            link = self.link,
            id = self.id,
            content = self.content,
            excerpt = self.excerpt,
            date = self.date_gmt,
            name = self.name,
            status = self.status,
            parent = self.parent,
            post_type = self.post_type,
        )
    }
}

/// The Polylang site: an English classic post and its Russian block-editor translation, a draft
/// in an unmapped category, a page, a menu entry, a post in the trash, a post whose title was
/// stored as mojibake, and two uploads.
fn polylang_site() -> String {
    let polylang_terms = "<wp:term><wp:term_id>7</wp:term_id><wp:term_taxonomy><![CDATA[language]]></wp:term_taxonomy><wp:term_slug><![CDATA[en]]></wp:term_slug><wp:term_name><![CDATA[English]]></wp:term_name></wp:term>\n\
         <wp:term><wp:term_id>8</wp:term_id><wp:term_taxonomy><![CDATA[language]]></wp:term_taxonomy><wp:term_slug><![CDATA[ru]]></wp:term_slug><wp:term_name><![CDATA[Русский]]></wp:term_name></wp:term>\n\
         <wp:term><wp:term_id>9</wp:term_id><wp:term_taxonomy><![CDATA[post_translations]]></wp:term_taxonomy><wp:term_slug><![CDATA[pll_5ec0ffee]]></wp:term_slug><wp:term_name><![CDATA[pll_5ec0ffee]]></wp:term_name><wp:term_description><![CDATA[a:2:{s:2:\"en\";i:10;s:2:\"ru\";i:11;}]]></wp:term_description></wp:term>";
    // "Встреча в Минске" as a site that stored UTF-8 through a windows-1251 connection shows it.
    let mojibake = encoding_rs::WINDOWS_1251.decode("Встреча в Минске".as_bytes()).0.into_owned();
    let items = [
        Post {
            id: 10,
            title: "CSTO ministers meet in Minsk",
            link: "https://old.example.org/2020/05/14/csto-ministers-meet-in-minsk/",
            name: "csto-ministers-meet-in-minsk",
            content: "The ministers met in Minsk &amp; agreed on a statement.\nIt was signed the same day.\n\n\
                      [caption id=\"attachment_20\" align=\"alignnone\" width=\"300\"]<img src=\"https://old.example.org/wp-content/uploads/2020/05/minsk-300x200.jpg\" alt=\"The ministers\" width=\"300\" height=\"200\" /> The ministers in Minsk[/caption]\n\n\
                      The full text is <a href=\"https://old.example.org/wp-content/uploads/2020/05/statement.pdf\">here</a>; see also <a href=\"https://old.example.org/2019/11/02/earlier-meeting/\">the earlier meeting</a>.\n\n\
                      [contact-form-7 id=\"3\" title=\"Contact\"]",
            excerpt: "Ministers met &amp; agreed.",
            terms: &[("category", "politics", "Politics"), ("post_tag", "summit", "Summit"), ("language", "en", "English"), ("post_translations", "pll_5ec0ffee", "pll_5ec0ffee")],
            meta: &[("_thumbnail_id", "20"), ("_edit_last", "1")],
            ..Post::default()
        },
        Post {
            id: 11,
            title: "Министры ОДКБ встретились в Минске",
            link: "https://old.example.org/2020/05/14/%d0%b2%d1%81%d1%82%d1%80%d0%b5%d1%87%d0%b0-%d0%bc%d0%b8%d0%bd%d0%b8%d1%81%d1%82%d1%80%d0%be%d0%b2/",
            name: "%d0%b2%d1%81%d1%82%d1%80%d0%b5%d1%87%d0%b0-%d0%bc%d0%b8%d0%bd%d0%b8%d1%81%d1%82%d1%80%d0%be%d0%b2",
            content: "<!-- wp:paragraph -->\n<p>Министры встретились в Минске.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:gallery {\"ids\":[20,21]} -->\n[gallery ids=\"20\"]\n<!-- /wp:gallery -->",
            terms: &[("category", "politics", "Politics"), ("category", "world", "World"), ("language", "ru", "Русский"), ("post_translations", "pll_5ec0ffee", "pll_5ec0ffee")],
            ..Post::default()
        },
        Post {
            id: 12,
            title: "A draft about the world",
            name: "a-draft-about-the-world",
            link: "https://old.example.org/?p=12",
            status: "draft",
            date_gmt: "0000-00-00 00:00:00",
            content: "Not yet.",
            terms: &[("category", "world", "World"), ("language", "en", "English")],
            ..Post::default()
        },
        Post { id: 13, title: "About us", name: "about", link: "https://old.example.org/about/", post_type: "page", content: "Who we are.", ..Post::default() },
        Post { id: 14, title: "Home", name: "home", post_type: "nav_menu_item", ..Post::default() },
        Post { id: 15, title: "Deleted", name: "deleted", status: "trash", content: "Gone.", terms: &[("category", "politics", "Politics")], ..Post::default() },
        Post {
            id: 16,
            title: &mojibake,
            name: "vstrecha-v-minske",
            link: "https://old.example.org/2020/05/15/vstrecha-v-minske/",
            content: "Текст.",
            terms: &[("category", "politics", "Politics"), ("language", "ru", "Русский")],
            ..Post::default()
        },
        Post {
            id: 20,
            title: "minsk",
            name: "minsk",
            post_type: "attachment",
            status: "inherit",
            parent: 10,
            attachment_url: "https://old.example.org/wp-content/uploads/2020/05/minsk.jpg",
            meta: &[("_wp_attached_file", "2020/05/minsk.jpg")],
            ..Post::default()
        },
        Post {
            id: 21,
            title: "statement",
            name: "statement",
            post_type: "attachment",
            status: "inherit",
            parent: 10,
            attachment_url: "https://old.example.org/wp-content/uploads/2020/05/statement.pdf",
            meta: &[("_wp_attached_file", "2020/05/statement.pdf")],
            ..Post::default()
        },
    ];
    wxr("UTF-8", polylang_terms, &items.iter().map(Post::xml).collect::<Vec<_>>())
}

/// A copy of `wp-content/uploads` with the two files the Polylang site uses.
fn uploads(dir: &Path) -> std::path::PathBuf {
    let uploads = dir.join("uploads");
    std::fs::create_dir_all(uploads.join("2020/05")).unwrap();
    image::RgbImage::from_fn(800, 500, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]))
        .save(uploads.join("2020/05/minsk.jpg"))
        .unwrap();
    std::fs::write(uploads.join("2020/05/statement.pdf"), b"%PDF-1.4\n% a statement\n%%EOF\n").unwrap();
    uploads
}

fn text(output: &std::process::Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// Runs `pressroom ARGS --data DATA --database URL`.
fn run(args: &[&str], data: &Path, database: &str) -> (bool, String) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--data", data.to_str().unwrap(), "--database", database]);
    let output = pressroom(&all);
    (output.status.success(), text(&output))
}

async fn status_and_location(client: &reqwest::Client, url: &str) -> (StatusCode, Option<String>) {
    let response = client.get(url).send().await.unwrap();
    (response.status(), response.headers().get("location").map(|l| l.to_str().unwrap().to_owned()))
}

async fn a_polylang_site_comes_over_with_its_uploads_translations_and_addresses(dir: &Path, database: &str) {
    let data = dir.join("site");
    let (ok, out) = run(&["init"], &data, database);
    assert!(ok, "{out}");
    let export = dir.join("export.xml");
    std::fs::write(&export, polylang_site()).unwrap();
    let uploads = uploads(dir);
    let (file, uploads) = (export.to_str().unwrap(), uploads.to_str().unwrap());

    // Without a section for "world", nothing is written and the category is named.
    let (ok, out) = run(&["import-wordpress", file, "--section", "politics=news", "--uploads", uploads], &data, database);
    assert!(!ok, "{out}");
    assert!(out.contains("category \"World\" (world) holds 1 post(s) and has no section"), "{out}");

    // A dry run reports and changes nothing.
    let (ok, out) = run(
        &["import-wordpress", file, "--section", "politics=news", "--default-section", "news", "--uploads", uploads, "--dry-run"],
        &data,
        database,
    );
    assert!(ok, "{out}");
    for expected in [
        "3 post(s), published",
        "1 post(s), draft",
        "left out: 1 nav_menu_item items",
        "left out: 1 page items",
        "left out: 1 post with status \"trash\"",
        "Politics (politics): 3 post(s) → section news",
        "Shortcode [contact-form-7] is unknown and kept as text in post(s) 10",
        "Post 16: the title was mojibake",
        "Languages: en 2, ru 2",
        "Uploads used by the posts: 2",
        "Dry run: nothing was changed.",
    ] {
        assert!(out.contains(expected), "{expected:?} in:\n{out}");
    }

    let (ok, out) =
        run(&["import-wordpress", file, "--section", "politics=news", "--default-section", "news", "--uploads", uploads], &data, database);
    assert!(ok, "{out}");
    assert!(out.contains("Saved: 4 new, 0 updated."), "{out}");
    assert!(out.contains("(2 imported into the media library)"), "{out}");

    let server = Server::start(&data, database).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let base = &server.base;
    let english = "/en/news/csto-ministers-meet-in-minsk";
    let russian = "/ru/news/vstrecha-ministrov";

    let html = client.get(format!("{base}{english}")).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("The ministers met in Minsk &amp; agreed on a statement.<br>\nIt was signed the same day."),
        "classic paragraphs: {html}"
    );
    assert!(html.contains("<figcaption>The ministers in Minsk</figcaption>"), "the caption is a figure");
    assert!(html.contains("[contact-form-7 id=\"3\" title=\"Contact\"]"), "an unknown shortcode stays as text");
    let images = attributes(&html, "article img", "src");
    assert!(
        images.len() >= 2 && images.iter().all(|src| src.starts_with("/media/")),
        "the cover and the captioned image come from the library: {images:?}"
    );
    let links = attributes(&html, "article a", "href");
    assert!(links.iter().any(|l| l.starts_with("/media/") && l.ends_with(".pdf")), "the document link points at the library: {links:?}");
    assert!(
        links.iter().any(|l| l == "/2019/11/02/earlier-meeting/"),
        "a link to the old site is made relative, for its redirect: {links:?}"
    );
    assert!(links.iter().any(|l| l == russian), "the Polylang pair is one item in two languages: {links:?}");
    assert!(html.contains("Ministers met &amp; agreed."), "the excerpt is the lead");

    let html = client.get(format!("{base}{russian}")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<p>Министры встретились в Минске.</p>"), "block comments go, their HTML stays");
    assert!(!html.contains("wp:paragraph"));
    assert!(html.contains("class=\"gallery\""), "the gallery shortcode is the article's gallery");
    let mended = client.get(format!("{base}/ru/news/vstrecha-v-minske")).send().await.unwrap().text().await.unwrap();
    assert!(mended.contains("Встреча в Минске"), "the mojibake title is repaired");

    for (old, new) in [
        ("/2020/05/14/csto-ministers-meet-in-minsk/", english),
        ("/2020/05/14/csto-ministers-meet-in-minsk", english),
        ("/?p=10", english),
        ("/?p=10&utm_source=newsletter", english),
        ("/2020/05/14/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0-%D0%BC%D0%B8%D0%BD%D0%B8%D1%81%D1%82%D1%80%D0%BE%D0%B2/", russian),
        ("/?p=11", russian),
    ] {
        assert_eq!(
            status_and_location(&client, &format!("{base}{old}")).await,
            (StatusCode::MOVED_PERMANENTLY, Some(new.to_owned())),
            "GET {old}"
        );
    }
    let (status, location) = status_and_location(&client, &format!("{base}/?p=12")).await;
    assert_ne!(
        status,
        StatusCode::MOVED_PERMANENTLY,
        "a draft's old address leads nowhere yet ({location:?}): / answers as it always does"
    );
    drop(server);

    // The same file again updates what it imported and adds nothing.
    let (ok, out) =
        run(&["import-wordpress", file, "--section", "politics=news", "--default-section", "news", "--uploads", uploads], &data, database);
    assert!(ok, "{out}");
    assert!(out.contains("Saved: 0 new, 4 updated."), "{out}");
    assert!(out.contains("(2 imported into the media library)"), "{out}");
}

#[tokio::test]
async fn a_polylang_site_comes_over_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("site/pressroom.db").display());
    a_polylang_site_comes_over_with_its_uploads_translations_and_addresses(dir.path(), &database).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn a_polylang_site_comes_over_on_postgres() {
    let db = TempPostgres::from_env().await.expect(common::NEEDS_POSTGRES);
    let dir = tempfile::tempdir().unwrap();
    a_polylang_site_comes_over_with_its_uploads_translations_and_addresses(dir.path(), db.url()).await;
}

#[tokio::test]
async fn a_wpml_site_and_a_windows_1251_site_keep_their_languages_and_letters() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let database = format!("sqlite://{}", data.join("pressroom.db").display());
    run(&["init"], &data, &database);

    let wpml = wxr(
        "UTF-8",
        "",
        &[
            Post {
                id: 30,
                title: "Summit in Astana",
                name: "summit-in-astana",
                link: "https://old.example.org/summit-in-astana/",
                content: "The summit opened.",
                terms: &[("category", "politics", "Politics")],
                meta: &[("_wpml_import_language_code", "en"), ("_wpml_import_translation_group", "77")],
                ..Post::default()
            }
            .xml(),
            Post {
                id: 31,
                title: "Саммит в Астане",
                name: "sammit-v-astane",
                link: "https://old.example.org/ru/sammit-v-astane/",
                content: "Саммит открылся.",
                terms: &[("category", "politics", "Politics")],
                meta: &[
                    ("_wpml_import_language_code", "ru"),
                    ("_wpml_import_translation_group", "77"),
                    ("_wpml_import_source_language_code", "en"),
                ],
                ..Post::default()
            }
            .xml(),
        ],
    );
    let file = dir.path().join("wpml.xml");
    std::fs::write(&file, wpml).unwrap();
    let (ok, out) = run(&["import-wordpress", file.to_str().unwrap(), "--section", "Politics=news"], &data, &database);
    assert!(ok && out.contains("Saved: 2 new"), "{out}");

    // A Russian site from before UTF-8: the export declares windows-1251 and is written in it.
    let cp1251_text = wxr(
        "windows-1251",
        "",
        &[Post {
            id: 40,
            title: "Заявление пресс-службы",
            name: "zayavlenie",
            link: "https://old.example.org/?p=40",
            content: "Текст заявления — «официальный».",
            terms: &[("category", "news", "Новости")],
            ..Post::default()
        }
        .xml()],
    );
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&cp1251_text);
    assert!(!unmappable);
    let file = dir.path().join("cp1251.xml");
    std::fs::write(&file, &bytes).unwrap();
    let (ok, out) = run(&["import-wordpress", file.to_str().unwrap(), "--section", "news=news", "--lang", "ru"], &data, &database);
    assert!(ok && out.contains("Saved: 1 new"), "{out}");

    let server = Server::start(&data, &database).await;
    let html = reqwest::get(format!("{}/en/news/summit-in-astana", server.base)).await.unwrap().text().await.unwrap();
    assert!(attributes(&html, "article a", "href").contains(&"/ru/news/sammit-v-astane".to_owned()), "the WPML group is one item");
    let html = reqwest::get(format!("{}/ru/news/zayavlenie", server.base)).await.unwrap().text().await.unwrap();
    assert!(html.contains("Заявление пресс-службы") && html.contains("Текст заявления — «официальный»."), "{html}");
}

#[test]
fn files_made_to_attack_an_importer_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let database = format!("sqlite://{}", data.join("pressroom.db").display());
    run(&["init"], &data, &database);
    let post =
        Post { id: 50, title: "&xxe;", name: "x", content: "&lol9;", terms: &[("category", "news", "News")], ..Post::default() }.xml();
    let attacks = [
        ("xxe.xml", wxr("UTF-8", "", std::slice::from_ref(&post)).replacen("<rss", "<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<rss", 1), "declares a DTD"),
        (
            "laughs.xml",
            wxr("UTF-8", "", std::slice::from_ref(&post)).replacen(
                "<rss",
                "<!DOCTYPE rss [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol9 \"&lol1;&lol1;&lol1;\">]>\n<rss",
                1,
            ),
            "declares a DTD",
        ),
        ("entity.xml", wxr("UTF-8", "", &[post.replace("<![CDATA[&xxe;]]>", "&xxe;")]), "the entity &xxe; is not one of XML's own"),
        ("feed.xml", "<?xml version=\"1.0\"?><rss><channel><title>x</title><item><title>y</title></item></channel></rss>".to_owned(), "not a WordPress export"),
        ("broken.xml", wxr("UTF-8", "", &[]).replace("</channel>", "</channe>"), "malformed XML"),
    ];
    for (name, text, expected) in attacks {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let (ok, out) = run(&["import-wordpress", file.to_str().unwrap(), "--default-section", "news"], &data, &database);
        assert!(!ok, "{name} is refused");
        assert!(out.contains(expected), "{name}: {expected:?} in {out}");
        assert!(!out.contains("root:"), "{name}: nothing of the server's files is read");
    }
    let (ok, out) = run(&["export", dir.path().join("out").to_str().unwrap()], &data, &database);
    assert!(ok, "{out}");
    assert!(!dir.path().join("out/en/news/x.md").exists(), "nothing was imported");
}
