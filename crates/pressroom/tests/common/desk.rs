//! The back office as the tests use it: users, a signed-in client, forms with their CSRF token,
//! and articles made through the editor.

use pressroom_domain::{ArticleId, Role, Status};
use pressroom_store::Actor;
use reqwest::{Client, StatusCode};

pub use super::PASSWORD;
use super::{attributes, sign_in, TestSite};

pub async fn add_user(site: &TestSite, email: &str, role: Role) {
    let hash = pressroom_web::auth::hash_password(PASSWORD);
    site.store.create_user(email, email.split('@').next().unwrap(), role, &hash, &Actor::system("test")).await.unwrap();
}

/// A browser of its own, signed in as `email`.
pub async fn signed_in(site: &TestSite, email: &str) -> Client {
    sign_in(&site.base, email, PASSWORD).await
}

pub async fn page(site: &TestSite, client: &Client, path: &str) -> (StatusCode, String) {
    let response = client.get(format!("{}{path}", site.base)).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

pub async fn csrf(site: &TestSite, client: &Client) -> String {
    let (_, html) = page(site, client, "/admin/account").await;
    attributes(&html, "input[name=csrf]", "value").remove(0)
}

pub async fn post(site: &TestSite, client: &Client, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
    let response = client.post(format!("{}{path}", site.base)).form(fields).send().await.unwrap();
    let status = response.status();
    let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    (status, response.text().await.unwrap(), location)
}

/// The editor's fields for a new English news item.
pub fn article_fields<'a>(csrf: &'a str, title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("slug", ""),
        ("section", "news"),
        ("lang", "en"),
        ("translation", ""),
        ("date", "2025-08-01T10:00"),
        ("lead", "A lead."),
        ("body", body),
        ("cover", ""),
        ("tags", "Council of Foreign Ministers, New topic"),
        ("intent", "save"),
    ]
}

/// Creates an article through the editor; returns its id.
pub async fn create(site: &TestSite, client: &Client, title: &str) -> i64 {
    let token = csrf(site, client).await;
    let (status, body, location) = post(site, client, "/admin/articles", &article_fields(&token, title, "Body text.")).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    location.unwrap().trim_start_matches("/admin/articles/").split('?').next().unwrap().parse().unwrap()
}

pub async fn status_of(site: &TestSite, id: i64) -> Status {
    site.store.article(ArticleId(id)).await.unwrap().status
}

/// A PNG of that size, black.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::new_rgb8(width, height).write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A tiny PNG whose header declares a picture of `width` × `height` (a decompression bomb's
/// shape): the pixels are not there, the header and its checksum are right.
pub fn png_declaring(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = png(1, 1);
    // Signature (8), IHDR length (4), "IHDR" (4), width (4), height (4), …, CRC at 29.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

/// CRC-32 (IEEE), as PNG chunks carry it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Sends one file to the media library as its upload form does.
pub async fn upload(site: &TestSite, client: &Client, token: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new()
        .text("csrf", token.to_owned())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    let response = client.post(format!("{}/admin/media", site.base)).multipart(form).send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}
