//! The editors' desk over real HTTP: preview links for fact-checkers, each user's back-office
//! language, the second factor's QR code, the editor's counters — on SQLite and, when configured,
//! PostgreSQL.

mod common;

use common::desk::{add_user, create, csrf, page, png, post, signed_in};
use common::{attributes, browser, texts, TestSite};
use pressroom_domain::Role;
use reqwest::StatusCode;

on_both_engines!(
    a_preview_link_shows_a_draft_to_someone_without_an_account,
    the_back_office_speaks_the_language_each_user_chose,
    small_things_editors_expect,
    translations_side_by_side_and_outdated_until_saved,
    a_draft_copy_is_kept_as_one_types_and_offered_back,
    media_are_chosen_by_looking_at_them,
);

async fn a_preview_link_shows_a_draft_to_someone_without_an_account(site: TestSite) {
    add_user(&site, "author@example.org", Role::Author).await;
    add_user(&site, "other@example.org", Role::Author).await;
    let author = signed_in(&site, "author@example.org").await;
    let id = create(&site, &author, "A statement awaiting sign-off").await;
    let token = csrf(&site, &author).await;
    let (_, editor) = page(&site, &author, &format!("/admin/articles/{id}")).await;
    let previews = format!("/admin/articles/{id}/previews");
    assert!(attributes(&editor, ".editor-links a", "href").contains(&previews), "the editor links to its preview links");

    // A duration outside the list, or no CSRF token, makes nothing.
    let (status, ..) = post(&site, &author, &previews, &[("csrf", &token), ("hours", "100000")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, ..) = post(&site, &author, &previews, &[("hours", "48")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another author may not make links to this author's draft.
    let other = signed_in(&site, "other@example.org").await;
    let other_token = csrf(&site, &other).await;
    let (status, ..) = post(&site, &other, &previews, &[("csrf", &other_token), ("hours", "48")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, made, _) = post(&site, &author, &previews, &[("csrf", &token), ("hours", "48")]).await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let link = attributes(&made, "#new-link", "value").remove(0);
    let path = link.strip_prefix(&site.base).expect("the link is on this site").to_owned();
    assert!(path.starts_with("/preview/"), "{path}");

    // Opened by someone with no account: the page as readers will see it, marked and unindexed.
    let stranger = browser();
    let response = stranger.get(&link).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["cache-control"], "private, no-store", "never kept by a shared cache");
    assert_eq!(headers["x-robots-tag"], "noindex, nofollow");
    assert_eq!(headers["referrer-policy"], "no-referrer", "the secret does not leave with a click");
    let html = response.text().await.unwrap();
    assert_eq!(texts(&html, "main h1"), ["A statement awaiting sign-off"]);
    assert_eq!(attributes(&html, "meta[name=robots]", "content"), ["noindex, nofollow"]);
    assert!(attributes(&html, "link[rel=canonical]", "href").is_empty(), "a preview names no canonical address");
    assert!(texts(&html, ".preview-banner")[0].contains("not published"), "the page says it is a preview");
    assert!(texts(&html, ".record-link").is_empty(), "nothing unpublished is in the public record to verify");
    // The draft itself is still not public, nor in the sitemap or the feeds.
    let (status, _) = site.page("/en/news/a-statement-awaiting-sign-off").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for listing in ["/sitemap.xml", "/en/feed.xml", "/en/news/"] {
        assert!(!site.ok(listing).await.contains("awaiting sign-off"), "{listing} does not list the draft");
    }
    // A wrong or malformed secret opens nothing.
    for wrong in ["/preview/0000000000000000000000000000000000000000000000000000000000000000", "/preview/x", "/preview/%00"] {
        assert_eq!(site.page(wrong).await.0, StatusCode::NOT_FOUND, "{wrong}");
    }

    // Listed, then revoked: the link stops opening at once.
    let (_, listed) = page(&site, &author, &previews).await;
    assert_eq!(texts(&listed, "tbody tr").len(), 1);
    assert!(attributes(&listed, "#new-link", "value").is_empty(), "the address is shown only once");
    let revoke = attributes(&listed, "tbody form", "action").remove(0);
    let (status, ..) = post(&site, &other, &revoke, &[("csrf", &other_token)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only who may edit the item revokes its links");
    let (status, ..) = post(&site, &author, &revoke, &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(stranger.get(&link).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // An expired link opens nothing either.
    let (_, made, _) = post(&site, &author, &previews, &[("csrf", &token), ("hours", "1")]).await;
    let second = attributes(&made, "#new-link", "value").remove(0);
    assert_eq!(stranger.get(&second).send().await.unwrap().status(), StatusCode::OK);
    site.execute("UPDATE preview_links SET expires_at = 1").await;
    assert_eq!(stranger.get(&second).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Every creation, opening and revocation is in the audit log, with no secret in it.
    let log = site.store.audit_entries("", "preview.", 1).await.unwrap();
    let actions: Vec<&str> = log.items.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["preview.create", "preview.open", "preview.revoke", "preview.create", "preview.open"]);
    let secret = path.trim_start_matches("/preview/");
    assert!(log.items.iter().all(|e| !e.detail.contains(secret) && !e.target.contains(secret)));

    // A published item needs no preview link.
    site.execute(&format!("UPDATE articles SET status = 'published' WHERE id = {id}")).await;
    add_user(&site, "editor@example.org", Role::Editor).await;
    let editor = signed_in(&site, "editor@example.org").await;
    let editor_token = csrf(&site, &editor).await;
    let (status, ..) = post(&site, &editor, &previews, &[("csrf", &editor_token), ("hours", "48")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

async fn the_back_office_speaks_the_language_each_user_chose(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let editor = signed_in(&site, "editor@example.org").await; // its browser asks for English
    let token = csrf(&site, &editor).await;
    let (_, account) = page(&site, &editor, "/admin/account").await;
    assert_eq!(attributes(&account, "html", "lang"), ["en"], "the browser's language until one is chosen");

    let (status, ..) = post(&site, &editor, "/admin/account/language", &[("csrf", &token), ("lang", "de")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a language the site does not have");
    let (status, ..) = post(&site, &editor, "/admin/account/language", &[("lang", "ru")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the form needs its CSRF token");
    let (status, ..) = post(&site, &editor, "/admin/account/language", &[("csrf", &token), ("lang", "ru")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    for path in ["/admin/account", "/admin/articles", "/admin/articles/new", "/admin/media"] {
        let (_, html) = page(&site, &editor, path).await;
        assert_eq!(attributes(&html, "html", "lang"), ["ru"], "{path} is in the chosen language");
    }
    let (_, account) = page(&site, &editor, "/admin/account").await;
    assert_eq!(attributes(&account, "#f-lang option[selected]", "value"), ["ru"]);
    // Another user is not affected; and the browser's choice can be had back.
    let (_, other) = page(&site, &signed_in(&site, "editor@example.org").await, "/admin/articles").await;
    assert_eq!(attributes(&other, "html", "lang"), ["ru"], "the choice is the user's, in every session");
    post(&site, &editor, "/admin/account/language", &[("csrf", &token), ("lang", "")]).await;
    assert_eq!(attributes(&page(&site, &editor, "/admin/articles").await.1, "html", "lang"), ["en"]);
    let log = site.store.audit_entries("editor@", "user.language", 1).await.unwrap();
    assert_eq!(log.items.len(), 2);
}

async fn small_things_editors_expect(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let editor = signed_in(&site, "editor@example.org").await;
    // The second factor's set-up shows a QR code of the set-up address, drawn in the page.
    let (_, totp) = page(&site, &editor, "/admin/account/totp").await;
    assert_eq!(texts(&totp, ".totp-qr svg").len(), 1, "{totp}");
    assert!(!totp.contains("<?xml"), "no XML declaration inside HTML");
    // The editor counts the title's and the lead's characters against what search engines show.
    let (_, html) = page(&site, &editor, "/admin/articles/new").await;
    assert_eq!(attributes(&html, ".counter", "data-limit"), ["60", "160"]);
    assert_eq!(texts(&html, "#c-title .count"), ["0"]);
    let id = create(&site, &editor, "Заявление Совета министров иностранных дел о сотрудничестве в области безопасности").await;
    let (_, html) = page(&site, &editor, &format!("/admin/articles/{id}")).await;
    assert_eq!(texts(&html, "#c-title .count"), ["82"], "characters, not bytes");
    assert_eq!(attributes(&html, "#c-title", "class"), ["hint counter over"]);
    assert_eq!(attributes(&html, "button[value=save]", "aria-keyshortcuts"), ["Control+S Meta+S"]);
}

/// The fields of an item's form as the editor shows them, ready to post again.
fn form_fields(html: &str) -> Vec<(String, String)> {
    let document = scraper::Html::parse_document(html);
    let form = scraper::Selector::parse("form.editor-form").unwrap();
    let inputs = scraper::Selector::parse("input[name], textarea[name], select[name]").unwrap();
    let selected = scraper::Selector::parse("option[selected]").unwrap();
    let mut fields = Vec::new();
    for element in document.select(&form).next().expect("the editor's form").select(&inputs) {
        let name = element.attr("name").unwrap().to_owned();
        let value = match element.value().name() {
            "textarea" => element.text().collect(),
            "select" => element.select(&selected).next().and_then(|o| o.attr("value")).unwrap_or_default().to_owned(),
            _ if element.attr("type") == Some("checkbox") => {
                if element.attr("checked").is_none() {
                    continue;
                }
                "on".to_owned()
            }
            _ if element.attr("type") == Some("radio") => continue,
            _ => element.attr("value").unwrap_or_default().to_owned(),
        };
        fields.push((name, value));
    }
    fields
}

fn with(mut fields: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push(((*name).to_owned(), (*value).to_owned()));
    }
    fields
}

async fn submit(
    site: &TestSite,
    client: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> (StatusCode, String, Option<String>) {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    post(site, client, path, &pairs).await
}

async fn translations_side_by_side_and_outdated_until_saved(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let editor = signed_in(&site, "editor@example.org").await;
    let token = csrf(&site, &editor).await;
    let gaps = |html: &str| texts(html, "table.gaps tbody td");
    let (_, before) = page(&site, &editor, "/admin/translations").await;
    let missing_before: i64 = gaps(&before)[2].parse().unwrap();

    // A Russian item of two paragraphs.
    let mut fields = common::desk::article_fields(&token, "Заседание Совета", "Первый абзац.\n\nВторой абзац.");
    fields.retain(|(k, _)| *k != "lang" && *k != "tags");
    fields.extend([("lang", "ru"), ("tags", "Совет министров иностранных дел")]);
    let (_, _, location) = post(&site, &editor, "/admin/articles", &fields).await;
    let source = location.unwrap().trim_start_matches("/admin/articles/").split('?').next().unwrap().to_owned();
    let (_, after) = page(&site, &editor, "/admin/translations").await;
    assert_eq!(gaps(&after)[2], (missing_before + 1).to_string(), "English now lacks one more item: {:?}", gaps(&after));

    // The editor offers the translation into English; it opens with the source beside the form.
    let (_, html) = page(&site, &editor, &format!("/admin/articles/{source}")).await;
    let add = format!("/admin/articles/new?translation_of={source}&lang=en");
    assert!(attributes(&html, ".editor-links a", "href").contains(&add), "{:?}", attributes(&html, ".editor-links a", "href"));
    let (_, form) = page(&site, &editor, &add).await;
    assert_eq!(texts(&form, ".source .source-title"), ["Заседание Совета"]);
    assert_eq!(texts(&form, ".source-paragraphs li"), ["Первый абзац.", "Второй абзац."]);
    assert_eq!(attributes(&form, ".source", "lang"), ["ru"]);
    assert_eq!(attributes(&form, "#f-title", "value"), [""], "the translator writes the title");
    assert_eq!(attributes(&form, "#f-lang option[selected]", "value"), ["en"]);
    assert_eq!(attributes(&form, "#f-section option[selected]", "value"), ["news"]);
    assert_eq!(attributes(&form, "#f-date", "value"), ["2025-08-01T10:00"], "the date carried over");
    assert_eq!(attributes(&form, "#f-tags", "value"), ["Council of Foreign Ministers"], "tags in the target language");
    assert_eq!(attributes(&form, "input[name=source]", "value"), [source.as_str()]);
    let translation = with(
        form_fields(&form),
        &[("title", "Council meeting"), ("lead", "The lead."), ("body", "First paragraph.\n\nSecond paragraph."), ("intent", "save")],
    );
    let (status, body, location) = submit(&site, &editor, "/admin/articles", &translation).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let english = location.unwrap().trim_start_matches("/admin/articles/").split('?').next().unwrap().to_owned();

    // One row for the item, with each language's state.
    let row_of = |html: &str| {
        let rows = texts(html, "table.articles tbody tr");
        rows.into_iter().filter(|r| r.contains("Заседание Совета") || r.contains("Council meeting")).collect::<Vec<_>>()
    };
    let (_, list) = page(&site, &editor, "/admin/articles").await;
    assert_eq!(row_of(&list).len(), 1, "one row per item: {:?}", row_of(&list));
    assert!(!list.contains("status-outdated\""), "nothing is outdated yet");
    let (_, after) = page(&site, &editor, "/admin/translations").await;
    assert_eq!(gaps(&after)[2], missing_before.to_string());

    // The source changes: the translation is outdated — in the list, its filter and the dashboard.
    let (_, html) = page(&site, &editor, &format!("/admin/articles/{source}")).await;
    let changed = with(form_fields(&html), &[("body", "Первый абзац.\n\nВторой абзац, исправленный.")]);
    let (status, ..) = submit(&site, &editor, &format!("/admin/articles/{source}"), &with(changed, &[("intent", "save")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, outdated) = page(&site, &editor, "/admin/articles?outdated=en").await;
    assert_eq!(row_of(&outdated).len(), 1);
    assert_eq!(texts(&outdated, "table.articles tbody tr").len(), 1, "only the outdated item");
    assert_eq!(texts(&outdated, ".status-outdated").len(), 1);
    let (_, dashboard) = page(&site, &editor, "/admin/translations").await;
    assert_eq!(gaps(&dashboard)[3], "1", "English has one outdated translation: {:?}", gaps(&dashboard));

    // Opened again, the translation shows the source as it is now; saving it brings it up to date.
    let (_, html) = page(&site, &editor, &format!("/admin/articles/{english}")).await;
    assert_eq!(texts(&html, ".source-paragraphs li"), ["Первый абзац.", "Второй абзац, исправленный."]);
    let (status, ..) =
        submit(&site, &editor, &format!("/admin/articles/{english}"), &with(form_fields(&html), &[("intent", "save")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = page(&site, &editor, "/admin/articles?outdated=en").await;
    assert!(row_of(&list).is_empty(), "saved again, it is up to date");
    let (_, dashboard) = page(&site, &editor, "/admin/translations").await;
    assert_eq!(gaps(&dashboard)[3], "0");
}

async fn a_draft_copy_is_kept_as_one_types_and_offered_back(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    add_user(&site, "other@example.org", Role::Editor).await;
    let editor = signed_in(&site, "editor@example.org").await;
    let token = csrf(&site, &editor).await;
    let id = create(&site, &editor, "A statement in progress").await;
    let path = format!("/admin/articles/{id}");
    let (_, html) = page(&site, &editor, &path).await;
    assert_eq!(attributes(&html, "form.editor-form", "data-autosave"), [format!("{path}/autosave")]);
    assert!(attributes(&html, ".restore", "class").is_empty(), "no copy yet");
    let revisions = site.store.revisions(pressroom_domain::ArticleId(id)).await.unwrap().len();

    // Typing keeps a copy (the script posts the form); no CSRF token, no copy.
    let typed = with(form_fields(&html), &[("body", "Typed but not saved.")]);
    let (status, ..) = submit(&site, &editor, &format!("{path}/autosave"), &with(typed.clone(), &[("csrf", "")])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, answer, _) = submit(&site, &editor, &format!("{path}/autosave"), &typed).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert!(answer["saved"].as_str().unwrap().starts_with("Draft copy kept at"), "{answer}");
    assert_eq!(site.store.revisions(pressroom_domain::ArticleId(id)).await.unwrap().len(), revisions, "a copy is not a revision");

    // The tab closes; the editor opened again offers the copy back.
    let (_, reopened) = page(&site, &editor, &path).await;
    assert_eq!(texts(&reopened, "#f-body"), ["Body text."], "the saved text until the copy is restored");
    let restore = attributes(&reopened, ".restore a.button", "href").remove(0);
    let (_, restored) = page(&site, &editor, &restore).await;
    assert_eq!(texts(&restored, "#f-body"), ["Typed but not saved."]);
    // Saved for real, the copy has served and is offered no more.
    let (status, ..) = submit(&site, &editor, &path, &with(form_fields(&restored), &[("intent", "save")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, after) = page(&site, &editor, &path).await;
    assert!(attributes(&after, ".restore", "class").is_empty());
    assert_eq!(texts(&after, "#f-body"), ["Typed but not saved."]);

    // Or discarded.
    submit(&site, &editor, &format!("{path}/autosave"), &with(form_fields(&after), &[("body", "Another try.")])).await;
    let (_, offered) = page(&site, &editor, &path).await;
    let discard = attributes(&offered, ".restore form", "action").remove(0);
    let (status, ..) = post(&site, &editor, &discard, &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(attributes(&page(&site, &editor, &path).await.1, ".restore", "class").is_empty());

    // A new item's form, never saved, is kept too.
    let (_, blank) = page(&site, &editor, "/admin/articles/new").await;
    let typed = with(form_fields(&blank), &[("title", "Half-written")]);
    let (status, ..) = submit(&site, &editor, "/admin/articles/new/autosave", &typed).await;
    assert_eq!(status, StatusCode::OK);
    let (_, offered) = page(&site, &editor, "/admin/articles/new").await;
    let (_, restored) = page(&site, &editor, &attributes(&offered, ".restore a.button", "href")[0]).await;
    assert_eq!(attributes(&restored, "#f-title", "value"), ["Half-written"]);

    // Two people with the same item open see each other.
    let other = signed_in(&site, "other@example.org").await;
    let other_token = csrf(&site, &other).await;
    let (_, theirs) = page(&site, &other, &path).await;
    assert_eq!(texts(&theirs, ".also-editing"), ["Also editing this item now: editor"], "the editor opened it a moment ago");
    let (status, answer, _) = post(&site, &editor, &format!("{path}/presence"), &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&answer).unwrap()["others"], "Also editing this item now: other");
    let (status, ..) = post(&site, &other, &format!("{path}/presence"), &[("csrf", "wrong")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A minute later without a sign of life, one is no longer editing.
    site.execute("UPDATE editing_presence SET seen_at = seen_at - 120").await;
    let (_, answer, _) = post(&site, &other, &format!("{path}/presence"), &[("csrf", &other_token)]).await;
    assert_eq!(serde_json::from_str::<serde_json::Value>(&answer).unwrap()["others"], "");
}

async fn media_are_chosen_by_looking_at_them(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let editor = signed_in(&site, "editor@example.org").await;
    let token = csrf(&site, &editor).await;
    let id = create(&site, &editor, "A visit with pictures").await;
    let path = format!("/admin/articles/{id}");
    let picker = format!("{path}/media");
    let (_, html) = page(&site, &editor, &path).await;
    for old in ["#f-cover", "#f-gallery", "#f-attachments"] {
        assert!(attributes(&html, old, "name").is_empty(), "the old field {old} is gone");
    }

    // Without a script, "Choose media" keeps the form (with what was typed) and opens the picker.
    let typed = with(form_fields(&html), &[("lead", "Typed before choosing."), ("intent", "media")]);
    let (status, _, location) = submit(&site, &editor, &path, &typed).await;
    assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some(picker.as_str())));

    // Several files at once, each image described in each language as it arrives.
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .text("back_to", picker.clone())
        .text("alt_en", "Ministers at the table")
        .text("alt_ru", "Министры за столом")
        .part("file", reqwest::multipart::Part::bytes(png(40, 30)).file_name("table.png"))
        .part("file", reqwest::multipart::Part::bytes(png(30, 40)).file_name("hall.png"));
    let response = editor.post(format!("{}/admin/media", site.base)).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], format!("{picker}?notice=uploaded"));
    // The script's upload gets the new item's id; one without a description is flagged later.
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .part("file", reqwest::multipart::Part::bytes(png(20, 20)).file_name("undescribed.png"));
    let response =
        editor.post(format!("{}/admin/media", site.base)).header("accept", "application/json").multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let answer: serde_json::Value = response.json().await.unwrap();
    let undescribed = answer["ids"][0].as_i64().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .part("file", reqwest::multipart::Part::bytes(b"plain text".to_vec()).file_name("notes.txt"));
    let response =
        editor.post(format!("{}/admin/media", site.base)).header("accept", "application/json").multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().contains("not accepted"));
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.clone())
        .part("file", reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("decision.pdf"));
    editor.post(format!("{}/admin/media", site.base)).multipart(form).send().await.unwrap();

    // The library, newest first, searchable by name and by description in any language.
    let (_, html) = page(&site, &editor, &picker).await;
    assert_eq!(texts(&html, ".picker-item .name"), ["decision.pdf", "undescribed.png", "hall.png", "table.png"]);
    assert_eq!(texts(&html, ".picker-item .alt")[2], "Ministers at the table", "described in the item's language");
    assert_eq!(texts(&html, ".picker-item.missing, .picker-item .alt.missing").len(), 1);
    assert_eq!(
        texts(&page(&site, &editor, &format!("{picker}?q=%D0%BC%D0%B8%D0%BD%D0%B8%D1%81%D1%82%D1%80%D1%8B")).await.1, ".picker-item .name"),
        ["hall.png", "table.png"]
    );
    assert_eq!(texts(&page(&site, &editor, &format!("{picker}?q=HALL")).await.1, ".picker-item .name"), ["hall.png"]);
    let item_id = |name: &str| {
        let names = texts(&html, ".picker-item .name");
        let ids = attributes(&html, ".picker-item", "data-id");
        ids[names.iter().position(|n| n == name).unwrap()].clone()
    };
    let choose = |action: &'static str, media: String| {
        let (editor, token, picker) = (editor.clone(), token.clone(), picker.clone());
        let site_base = site.base.clone();
        async move {
            let response = editor
                .post(format!("{site_base}{picker}"))
                .form(&[("csrf", token.as_str()), ("media", media.as_str()), ("action", action), ("page", "1"), ("q", "")])
                .send()
                .await
                .unwrap();
            response.status()
        }
    };
    assert_eq!(choose("cover", item_id("decision.pdf")).await, StatusCode::BAD_REQUEST, "a document is no cover");
    assert_eq!(choose("cover", "999999".into()).await, StatusCode::BAD_REQUEST);
    for (action, name) in [
        ("cover", "table.png"),
        ("gallery", "table.png"),
        ("gallery", "hall.png"),
        ("gallery", "undescribed.png"),
        ("gallery_up", "hall.png"),
        ("attach", "decision.pdf"),
        ("insert", "hall.png"),
        ("insert", "decision.pdf"),
    ] {
        assert_eq!(choose(action, item_id(name)).await, StatusCode::SEE_OTHER, "{action} {name}");
    }
    let (_, html) = page(&site, &editor, &picker).await;
    assert_eq!(texts(&html, ".chosen-media .media-card figcaption"), ["table.png"]);
    assert_eq!(texts(&html, ".chosen-media ol.chosen-list li span"), ["hall.png", "table.png", "undescribed.png"]);
    assert_eq!(choose("remove_gallery", item_id("undescribed.png")).await, StatusCode::SEE_OTHER);
    assert_eq!(choose("gallery", undescribed.to_string()).await, StatusCode::SEE_OTHER);

    // Back in the editor: the typed lead kept, the choices shown as pictures, the body with both.
    let (_, html) = page(&site, &editor, &format!("{path}?restore=1")).await;
    assert_eq!(texts(&html, "#f-lead"), ["Typed before choosing."]);
    assert_eq!(texts(&html, ".media-fields ol.chosen-list li span"), ["hall.png", "table.png", "undescribed.png"]);
    assert_eq!(texts(&html, ".media-fields ul.chosen-list li span"), ["decision.pdf"]);
    let body = texts(&html, "#f-body").remove(0);
    assert!(body.contains("![Ministers at the table](/media/") && body.contains("[decision.pdf](/media/"), "{body}");
    let warning = texts(&html, ".media-fields .field-warning").remove(0);
    assert!(warning.ends_with("undescribed.png"), "an image without a description in English is flagged: {warning}");
    let (status, ..) = submit(&site, &editor, &path, &with(form_fields(&html), &[("intent", "save")])).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let article = site.store.article(pressroom_domain::ArticleId(id)).await.unwrap();
    let cover = article.cover.clone().unwrap();
    let key = cover.trim_start_matches("/media/").split('/').next().unwrap();
    assert_eq!(site.store.media_by_key(key).await.unwrap().original_name, "table.png", "{cover}");
    let (gallery, attachments) = site.store.article_media(article.id).await.unwrap();
    let names = |items: &[pressroom_domain::MediaItem]| items.iter().map(|m| m.original_name.clone()).collect::<Vec<_>>();
    assert_eq!(names(&gallery), ["hall.png", "table.png", "undescribed.png"]);
    assert_eq!(names(&attachments), ["decision.pdf"]);
}
