//! The editors' desk in the browser, in both languages, with JavaScript and without: media
//! uploaded and chosen from the library, a translation written beside its source, a preview link
//! opened by a browser with no account, a draft copy restored after the tab was closed, the
//! counters and the shortcuts — each new page checked for overflow at a phone's width and
//! photographed.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::Value;

use crate::harness::Chrome;
use crate::{sign_in, BrowserSite};

/// Waits until `script` returns true (up to ten seconds).
async fn until(chrome: &Chrome, script: &str, what: &str) {
    for _ in 0..200 {
        if chrome.run(script, vec![]).await == true {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen: {}", chrome.text("main").await);
}

async fn value(chrome: &Chrome, css: &str) -> String {
    let found = chrome.run("const e = document.querySelector(arguments[0]); return e ? e.value : null", vec![css.into()]).await;
    found.as_str().unwrap_or_default().to_owned()
}

/// With JavaScript: opens the editor's media dialog and makes the library item at `url` the
/// cover, a photo (`gallery`), an attachment (`attach`) or part of the text (`insert`).
pub async fn choose_in_dialog(chrome: &Chrome, url: &str, action: &str) {
    chrome.client.find(Locator::Css("button[name=intent][value=media]")).await.expect("the media button").click().await.expect("a click");
    until(chrome, "return !!document.querySelector('dialog.picker-dialog[open] .picker-grid')", "the media dialog opening").await;
    let button = format!(".picker-dialog .picker-item[data-url='{url}'] button[value={action}]");
    chrome.client.find(Locator::Css(&button)).await.unwrap_or_else(|e| panic!("{button}: {e}")).click().await.expect("a click");
    until(chrome, "return !document.querySelector('dialog.picker-dialog[open]')", "the dialog closing").await;
}

/// A PNG file of its own, for a file input.
fn picture() -> tempfile::NamedTempFile {
    let image = tempfile::Builder::new().prefix("meeting-").suffix(".png").tempfile().expect("a temporary file");
    image::RgbImage::from_fn(320, 200, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])).save(image.path()).expect("a PNG");
    image
}

pub async fn work_at_the_desk(javascript: bool) {
    let site = BrowserSite::start().await;
    let mut overflows = Vec::new();
    for (lang, other) in [("en", "ru"), ("ru", "en")] {
        let chrome = Chrome::start_in(lang, javascript).await;
        sign_in(&chrome, &site, "editor@example.org", &site.editor_password).await;
        let suffix = format!("{lang}-{}", if javascript { "js" } else { "nojs" });
        let editing = write_an_item(&chrome, &site, lang, javascript, &suffix).await;
        overflows.extend(chrome.screenshots(&format!("desk-editor-with-media-{suffix}")).await);
        add_media(&chrome, &site, &editing, lang, javascript, &suffix, &mut overflows).await;
        translate(&chrome, &site, &editing, other, &suffix, &mut overflows).await;
        share_a_preview(&chrome, &site, &editing, &suffix, &mut overflows).await;
        if javascript {
            keep_typed_work(&chrome, &site, &editing, lang).await;
        }
        chrome.open(&site.url("/admin/translations")).await;
        overflows.extend(chrome.screenshots(&format!("desk-translations-{suffix}")).await);
        let problems: Vec<String> = chrome.console_problems().await.into_iter().filter(|p| !p.contains("favicon")).collect();
        assert_eq!(problems, Vec::<String>::new(), "the console stays clean");
        chrome.quit().await;
    }
    assert_eq!(overflows, Vec::<String>::new(), "nothing is wider than a phone");
}

/// A new item in the browser's language; returns its editor's path.
async fn write_an_item(chrome: &Chrome, site: &BrowserSite, lang: &str, javascript: bool, suffix: &str) -> String {
    chrome.open(&site.url("/admin/articles/new")).await;
    let title = format!("Council of Foreign Ministers meets ({suffix})");
    chrome.fill("#f-title", &title).await;
    chrome
        .run(
            "document.getElementById('f-lang').value = arguments[0]; document.getElementById('f-section').value = 'news';",
            vec![lang.into()],
        )
        .await;
    chrome.fill("#f-lead", "The ministers discussed the situation in the region.").await;
    chrome.fill("#f-body", "First paragraph.\n\nSecond paragraph.").await;
    let count = chrome.text("#c-title .count").await;
    // The script counts as one types; without it, the count is the server's, of the saved title.
    assert_eq!(count, if javascript { title.chars().count().to_string() } else { "0".to_owned() }, "the counter");
    chrome.click("button[value=save]").await;
    let editing = chrome.path().await.split('?').next().unwrap_or_default().to_owned();
    assert!(editing.starts_with("/admin/articles/") && editing != "/admin/articles/new", "saved: {editing}");
    editing
}

#[allow(clippy::too_many_arguments)]
async fn add_media(
    chrome: &Chrome,
    site: &BrowserSite,
    editing: &str,
    lang: &str,
    javascript: bool,
    suffix: &str,
    overflows: &mut Vec<String>,
) {
    let image = picture();
    let file_name = image.path().file_name().and_then(|n| n.to_str()).expect("a file name").to_owned();
    let alt = if lang == "ru" { "Министры за столом переговоров" } else { "Ministers at the negotiating table" };
    if javascript {
        // Upload in the dialog, with progress, then choose it as the cover and a photo.
        chrome
            .client
            .find(Locator::Css("button[name=intent][value=media]"))
            .await
            .expect("the media button")
            .click()
            .await
            .expect("a click");
        until(chrome, "return !!document.querySelector('dialog.picker-dialog[open] .picker-upload')", "the media dialog opening").await;
        overflows.extend(chrome.screenshots(&format!("desk-media-dialog-{suffix}")).await);
        let file = chrome.client.find(Locator::Css(".picker-dialog #upload-files")).await.expect("the file field");
        file.send_keys(image.path().to_str().expect("a UTF-8 path")).await.expect("the file is chosen");
        chrome.fill(&format!(".picker-dialog #upload-alt-{lang}"), alt).await;
        chrome
            .client
            .find(Locator::Css(".picker-dialog .picker-upload button[type=submit]"))
            .await
            .expect("upload")
            .click()
            .await
            .expect("a click");
        let uploaded = format!("return !!document.querySelector(\".picker-dialog .picker-item[data-name='{file_name}']\")");
        until(chrome, &uploaded, "the upload appearing in the library").await;
        let address = format!("return document.querySelector(\".picker-dialog .picker-item[data-name='{file_name}']\").dataset.url");
        let url = chrome.run(&address, vec![]).await;
        let url = url.as_str().expect("the new item's address").to_owned();
        chrome.run("document.querySelector('dialog.picker-dialog').close()", vec![]).await;
        choose_in_dialog(chrome, &url, "cover").await;
        choose_in_dialog(chrome, &url, "gallery").await;
        // Into the text where the cursor was: between the two paragraphs.
        chrome.run("const b = document.getElementById('f-body'); b.focus(); b.setSelectionRange(16, 16); b.blur();", vec![]).await;
        choose_in_dialog(chrome, &url, "insert").await;
        let body = value(chrome, "#f-body").await;
        assert!(body.starts_with(&format!("First paragraph.\n\n![{alt}]({url})\n\nSecond")), "inserted at the cursor: {body:?}");
        assert_eq!(value(chrome, "input[name=cover]").await, url);
        assert_eq!(chrome.count(".media-fields ol.chosen-list li").await, 1);
        // Ctrl+S saves.
        chrome.run("window.pressroomOldPage = true; document.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true, bubbles: true }))", vec![]).await;
        until(chrome, "return !window.pressroomOldPage && document.readyState === 'complete'", "the save by Ctrl+S").await;
    } else {
        // The picker as a page: the form is kept, the file uploaded, the choices made there.
        chrome.click("button[name=intent][value=media]").await;
        assert_eq!(chrome.path().await, format!("{editing}/media"));
        overflows.extend(chrome.screenshots(&format!("desk-media-picker-{suffix}")).await);
        let file = chrome.client.find(Locator::Css("#upload-files")).await.expect("the file field");
        file.send_keys(image.path().to_str().expect("a UTF-8 path")).await.expect("the file is chosen");
        chrome.fill(&format!("#upload-alt-{lang}"), alt).await;
        chrome.click(".picker-upload button[type=submit]").await;
        let item = format!(".picker-item[data-name='{file_name}']");
        chrome.click(&format!("{item} button[value=cover]")).await;
        chrome.click(&format!("{item} button[value=gallery]")).await;
        chrome.click(&format!("{item} button[value=insert]")).await;
        assert_eq!(chrome.count(".chosen-media ol.chosen-list li").await, 1);
        chrome.click(".editor-links a").await;
        assert!(value(chrome, "#f-body").await.contains(&format!("![{alt}](")), "the picture is in the text");
        chrome.click("button[value=save]").await;
    }
    chrome.open(&site.url(editing)).await;
    assert_eq!(chrome.count(".media-fields .chosen-cover figure").await, 1, "the cover is shown as a picture");
    assert_eq!(chrome.count(".media-fields ol.chosen-list li").await, 1, "and the photo");
    assert_eq!(chrome.count(".media-fields .field-warning").await, 0, "described in the item's language");
}

async fn translate(chrome: &Chrome, site: &BrowserSite, editing: &str, other: &str, suffix: &str, overflows: &mut Vec<String>) {
    chrome.open(&site.url(editing)).await;
    chrome.click(&format!(".editor-links a[href$='lang={other}']")).await;
    assert!(!chrome.text(".source .source-title").await.is_empty(), "the source is beside the form");
    assert_eq!(chrome.count(".source-paragraphs li").await, 3, "paragraph by paragraph");
    assert_eq!(value(chrome, "#f-lang").await, other);
    assert_eq!(chrome.count(".media-fields .chosen-cover figure").await, 1, "the media carried over");
    overflows.extend(chrome.screenshots(&format!("desk-translation-{suffix}")).await);
    chrome.fill("#f-title", &format!("Translation {suffix}")).await;
    chrome.fill("#f-lead", "The lead in the other language.").await;
    chrome.fill("#f-body", "One.\n\nTwo.\n\nThree.").await;
    chrome.click("button[value=save]").await;
    chrome.open(&site.url("/admin/articles")).await;
    let row = format!("table.articles tbody tr:has(a[href='{editing}'])");
    assert_eq!(chrome.count(&format!("{row} td.version a.status-draft")).await, 2, "one row, both versions drafts");
}

async fn share_a_preview(chrome: &Chrome, site: &BrowserSite, editing: &str, suffix: &str, overflows: &mut Vec<String>) {
    chrome.open(&site.url(&format!("{editing}/previews"))).await;
    chrome.click("form.row-form button[type=submit]").await;
    let link = value(chrome, "#new-link").await;
    assert!(link.contains("/preview/"), "{link}");
    overflows.extend(chrome.screenshots(&format!("desk-preview-links-{suffix}")).await);
    // A fact-checker's browser: no account, no cookies.
    let outsider = Chrome::start(true).await;
    outsider.open(&link).await;
    assert!(!outsider.text(".preview-banner").await.is_empty(), "marked as a preview");
    assert!(outsider.text("main h1").await.starts_with("Council of Foreign Ministers meets"));
    let robots = outsider.run("return document.querySelector('meta[name=robots]').content", vec![]).await;
    assert_eq!(robots, Value::from("noindex, nofollow"));
    assert_eq!(outsider.accessibility_violations().await, Vec::<String>::new());
    overflows.extend(outsider.screenshots(&format!("desk-preview-page-{suffix}")).await);
    outsider.quit().await;
}

/// Typed work survives a closed tab: the copy kept on the server is offered back.
async fn keep_typed_work(chrome: &Chrome, site: &BrowserSite, editing: &str, lang: &str) {
    chrome.open(&site.url(editing)).await;
    chrome.fill("#f-lead", "Typed, and then the tab was closed.").await;
    until(chrome, "return document.querySelector('.autosave-status').textContent.length > 0", "the draft copy being kept").await;
    let warned = "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented";
    assert_eq!(chrome.run(warned, vec![]).await, true, "leaving with unsaved changes is warned of");
    // Another window, as after a crash.
    let again = Chrome::start_in(lang, true).await;
    sign_in(&again, site, "editor@example.org", &site.editor_password).await;
    again.open(&site.url(editing)).await;
    assert_eq!(again.count(".restore").await, 1, "the copy is offered back");
    again.click(".restore a.button").await;
    assert_eq!(value(&again, "#f-lead").await, "Typed, and then the tab was closed.");
    again.quit().await;
    // Someone else opening the item sees who is editing it.
    let admin = Chrome::start_in(lang, true).await;
    sign_in(&admin, site, "admin@localhost", &site.admin_password).await;
    admin.open(&site.url(editing)).await;
    assert!(admin.text(".also-editing").await.contains("editor"), "{}", admin.text(".also-editing").await);
    admin.quit().await;
}
