//! The JSON API over real HTTP on both engines: the public Content API, the Admin API under the
//! back office's role rules and the tokens' scopes, the one error shape, and the OpenAPI
//! document checked against the routes actually served.

mod common;

on_both_engines!(
    the_content_api_lists_finds_and_filters_published_articles,
    the_admin_api_acts_under_roles_and_scopes,
    tokens_are_made_and_revoked_in_the_back_office,
    every_error_has_one_json_shape,
    the_openapi_document_matches_the_routes,
    an_update_changes_only_what_it_names_and_old_addresses_redirect,
    covers_are_addresses_on_this_site,
);

use common::{attributes, sign_in, token_for, TestSite, PASSWORD};
use pressroom_domain::{Role, Scope};
use pressroom_store::Actor;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn call(site: &TestSite, method: reqwest::Method, path: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = site.client.request(method, format!("{}{path}", site.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: not JSON: {text}")) })
}

async fn get(site: &TestSite, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    call(site, reqwest::Method::GET, path, token, None).await
}

/// Asserts the one error shape and returns its code and field.
fn error_of(status: StatusCode, body: &Value, expected: StatusCode) -> (String, Option<String>) {
    assert_eq!(status, expected, "{body}");
    let error = &body["error"];
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    (error["code"].as_str().unwrap().to_owned(), error["field"].as_str().map(str::to_owned))
}

async fn the_content_api_lists_finds_and_filters_published_articles(site: TestSite) {
    let (status, list) = get(&site, "/api/v1/articles?lang=en&per_page=2", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(list["per_page"], 2);
    let total = list["total"].as_u64().unwrap();
    assert!(total >= 4);
    let (_, page2) = get(&site, "/api/v1/articles?lang=en&per_page=2&page=2", None).await;
    assert_ne!(page2["items"][0]["id"], list["items"][0]["id"]);
    // Reading on with the cursor gives what page 2 gives, at the same cost however deep.
    let next = list["next"].as_str().unwrap();
    let (_, after) = get(&site, &format!("/api/v1/articles?lang=en&per_page=2&after={next}"), None).await;
    assert_eq!(after["items"], page2["items"]);
    for bad in ["0.000000000000000000000000000000000000000", "1.2.3", "x.1", "1"] {
        let (status, body) = get(&site, &format!("/api/v1/articles?after={bad}"), None).await;
        assert_eq!(error_of(status, &body, StatusCode::UNPROCESSABLE_ENTITY).1.as_deref(), Some("after"), "{bad}");
    }
    // Filters: section, tag, dates.
    let (_, interviews) = get(&site, "/api/v1/articles?section=interviews", None).await;
    assert!(interviews["items"].as_array().unwrap().iter().all(|i| i["section"] == "interviews"));
    assert_eq!(interviews["total"], 2, "both language versions of the interview");
    let (_, dated) = get(&site, "/api/v1/articles?lang=ru&from=2025-07-01&to=2025-07-04", None).await;
    for item in dated["items"].as_array().unwrap() {
        // The days are Moscow's: 1–4 July begin at 21:00 UTC the day before.
        let date = item["published_at"].as_str().unwrap();
        assert!(("2025-06-30T21:00:00Z".."2025-07-04T21:00:00Z").contains(&date), "{date}");
    }
    let (_, tags) = get(&site, "/api/v1/tags", None).await;
    let tag = tags[0]["key"].as_str().unwrap().to_owned();
    assert!(tags[0]["names"]["ru"].is_string() && tags[0]["names"]["en"].is_string());
    let (_, tagged) = get(&site, &format!("/api/v1/articles?tag={tag}"), None).await;
    assert!(tagged["total"].as_u64().unwrap() >= 1);
    let (_, sections) = get(&site, "/api/v1/sections", None).await;
    assert_eq!(sections[0]["key"], "news");
    // One article by id and by address, with its translation.
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (status, article) = get(&site, &format!("/api/v1/articles/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let address = format!(
        "/api/v1/articles/{}/{}/{}",
        article["lang"].as_str().unwrap(),
        article["section"].as_str().unwrap(),
        article["slug"].as_str().unwrap()
    );
    let (_, same) = get(&site, &address, None).await;
    assert_eq!(same["id"], id);
    let (_, cfm) = get(&site, "/api/v1/articles/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata", None).await;
    assert_eq!(cfm["translations"][0]["lang"], "ru");
    assert!(cfm["body_html"].is_string() && cfm["url"].as_str().unwrap().starts_with(&site.base));
    // Search answers as the page does.
    let (_, found) = get(&site, "/api/v1/search?q=министров&lang=ru", None).await;
    assert!(found["total"].as_u64().unwrap() >= 1);
    assert_eq!(found["results"][0]["lang"], "ru");
    // A draft is not public; a token with read_drafts sees it.
    site.execute(&format!("UPDATE articles SET status = 'draft' WHERE id = {id}")).await;
    site.announce_change().await;
    let (status, _) = get(&site, &format!("/api/v1/articles/{id}"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&site, "/api/v1/articles?status=draft", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let reader = token_for(&site, "reader@example.org", Role::Author, &[Scope::ReadDrafts]).await;
    let (status, draft) = get(&site, &format!("/api/v1/articles/{id}"), Some(&reader)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(draft["status"], "draft");
    let (_, drafts) = get(&site, "/api/v1/articles?status=draft", Some(&reader)).await;
    assert_eq!(drafts["total"], 1);
}

async fn the_admin_api_acts_under_roles_and_scopes(site: TestSite) {
    let author = token_for(&site, "author@example.org", Role::Author, &[Scope::Write, Scope::Publish]).await;
    let editor_without_publish = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write]).await;
    let editor = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write, Scope::Publish, Scope::ReadDrafts]).await;
    let post = reqwest::Method::POST;
    // An author creates a draft; it is theirs and not public.
    let (status, created) = call(
        &site,
        post.clone(),
        "/api/v1/articles",
        Some(&author),
        Some(json!({"lang": "en", "section": "news", "title": "Council meets in Minsk", "lead": "The Council met.", "body": "Text of the **meeting**.", "tags": ["Belarus"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["status"], "draft");
    assert_eq!(created["slug"], "council-meets-in-minsk");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(site.get("/en/news/council-meets-in-minsk").await.status(), StatusCode::NOT_FOUND);
    // The author may submit it but not publish it, whatever the token's scopes.
    let status_path = format!("/api/v1/articles/{id}/status");
    let (status, body) = call(&site, post.clone(), &status_path, Some(&author), Some(json!({"action": "publish"}))).await;
    assert_eq!(error_of(status, &body, StatusCode::FORBIDDEN).0, "forbidden");
    let (status, body) = call(&site, post.clone(), &status_path, Some(&author), Some(json!({"action": "submit"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "review");
    // An editor's token without the publish scope cannot publish; with it, it can.
    let (status, body) = call(&site, post.clone(), &status_path, Some(&editor_without_publish), Some(json!({"action": "publish"}))).await;
    assert_eq!(error_of(status, &body, StatusCode::FORBIDDEN).0, "forbidden");
    let (status, body) = call(&site, post.clone(), &status_path, Some(&editor), Some(json!({"action": "publish"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(site.get("/en/news/council-meets-in-minsk").await.status(), StatusCode::OK);
    // Publishing again is a conflict, not a success.
    let (status, body) = call(&site, post.clone(), &status_path, Some(&editor), Some(json!({"action": "publish"}))).await;
    assert_eq!(error_of(status, &body, StatusCode::CONFLICT).0, "conflict");
    // Editing: the author may no longer (it is published); the editor may, from the latest revision only.
    let update = |revision: i64| json!({"lang": "en", "section": "news", "title": "Council meets in Minsk (corrected)", "slug": "council-meets-in-minsk", "revision": revision, "change_note": "The title names the city."});
    let put = reqwest::Method::PUT;
    let path = format!("/api/v1/articles/{id}");
    let (status, body) = call(&site, put.clone(), &path, Some(&author), Some(update(1))).await;
    assert_eq!(error_of(status, &body, StatusCode::FORBIDDEN).0, "forbidden");
    let (status, body) = call(&site, put.clone(), &path, Some(&editor), Some(update(1))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revision"], 2);
    let (status, body) = call(&site, put.clone(), &path, Some(&editor), Some(update(1))).await;
    let (code, field) = error_of(status, &body, StatusCode::CONFLICT);
    assert_eq!((code.as_str(), field.as_deref()), ("stale", Some("revision")));
    assert!(site.ok("/en/news/council-meets-in-minsk").await.contains("(corrected)"));
    // Schedule needs a future time; unpublish and archive work from the right status.
    let (status, body) = call(&site, post.clone(), &status_path, Some(&editor), Some(json!({"action": "unpublish"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        call(&site, post.clone(), &status_path, Some(&editor), Some(json!({"action": "schedule", "at": "2001-01-01T00:00:00Z"}))).await;
    assert_eq!(error_of(status, &body, StatusCode::UNPROCESSABLE_ENTITY).1.as_deref(), Some("at"));
    let (status, body) =
        call(&site, post.clone(), &status_path, Some(&editor), Some(json!({"action": "schedule", "at": "2099-01-01T09:00:00Z"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "scheduled");
    assert!(body["published_at"].as_str().unwrap().starts_with("2099-01-01T09:00"));
    // Media: an image is stored; a page of HTML is refused.
    let png = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(1200, 800).write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let upload = |bytes: Vec<u8>, name: &str| {
        reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()))
    };
    let response = site
        .client
        .post(format!("{}/api/v1/media", site.base))
        .bearer_auth(&author)
        .multipart(upload(png, "photo.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let media: Value = response.json().await.unwrap();
    assert!(media["url"].as_str().unwrap().starts_with("/media/"));
    let response = site
        .client
        .post(format!("{}/api/v1/media", site.base))
        .bearer_auth(&author)
        .multipart(upload(b"<html><script>alert(1)</script></html>".to_vec(), "page.html"))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_of(status, &body, StatusCode::UNPROCESSABLE_ENTITY).1.as_deref(), Some("file"));
    // The uploaded image goes into a new draft's gallery.
    let (status, body) = call(
        &site,
        post.clone(),
        "/api/v1/articles",
        Some(&author),
        Some(json!({"lang": "ru", "section": "events", "title": "Учения в Минске", "gallery": [media["id"]], "cover": media["url"], "event": {"start": "2026-03-01"}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["slug"], "ucheniia-v-minske");
    // Deleting is for editors.
    let draft = body["id"].as_i64().unwrap();
    let delete = reqwest::Method::DELETE;
    let (status, body) = call(&site, delete.clone(), &format!("/api/v1/articles/{draft}"), Some(&author), None).await;
    assert_eq!(error_of(status, &body, StatusCode::FORBIDDEN).0, "forbidden");
    let (status, _) = call(&site, delete.clone(), &format!("/api/v1/articles/{draft}"), Some(&editor), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = get(&site, &format!("/api/v1/articles/{draft}"), Some(&editor)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The audit log names the token.
    let entries = site.store.audit_entries("", "publish", 1).await.unwrap();
    assert!(entries.items.iter().any(|e| e.actor.contains("editor@example.org") && e.actor.contains("token")), "{:?}", entries.items);
}

async fn tokens_are_made_and_revoked_in_the_back_office(site: TestSite) {
    let hash = pressroom_web::auth::hash_password(PASSWORD);
    site.store.create_user("chief@example.org", "Chief", Role::Admin, &hash, &Actor::system("test")).await.unwrap();
    site.store.create_user("writer@example.org", "Writer", Role::Author, &hash, &Actor::system("test")).await.unwrap();
    let writer = site.store.user_by_email("writer@example.org").await.unwrap().unwrap();
    // Authors cannot reach the page.
    let author_browser = sign_in(&site.base, "writer@example.org", PASSWORD).await;
    let response = author_browser.get(format!("{}/admin/tokens", site.base)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let admin = sign_in(&site.base, "chief@example.org", PASSWORD).await;
    let page = admin.get(format!("{}/admin/tokens", site.base)).send().await.unwrap().text().await.unwrap();
    let csrf = attributes(&page, "input[name=csrf]", "value").remove(0);
    // No scope chosen: refused, nothing made.
    let form = [("csrf", csrf.as_str()), ("name", "portal"), ("user", &writer.id.0.to_string())];
    let response = admin.post(format!("{}/admin/tokens", site.base)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(site.store.tokens().await.unwrap().is_empty());
    // Making a token asks for the admin's password again.
    let form = [("csrf", csrf.as_str()), ("name", "portal"), ("user", &writer.id.0.to_string()), ("scope_write", "1")];
    let response = admin.post(format!("{}/admin/tokens", site.base)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(site.store.tokens().await.unwrap().is_empty());
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "portal"),
        ("user", &writer.id.0.to_string()),
        ("scope_write", "1"),
        ("confirm_password", PASSWORD),
    ];
    let response = admin.post(format!("{}/admin/tokens", site.base)).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    let token = common::texts(&page, "p.notice code").remove(0);
    assert!(token.starts_with("prt_"));
    let create = json!({"lang": "en", "section": "news", "title": "From the portal"});
    let (status, _) = call(&site, reqwest::Method::POST, "/api/v1/articles", Some(&token), Some(create.clone())).await;
    assert_eq!(status, StatusCode::CREATED);
    // Shown once: the list shows the token's name, never the token.
    let list = admin.get(format!("{}/admin/tokens", site.base)).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("portal") && !list.contains(&token));
    let id = site.store.tokens().await.unwrap()[0].id;
    let response = admin.post(format!("{}/admin/tokens/{id}/revoke", site.base)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (status, body) = call(&site, reqwest::Method::POST, "/api/v1/articles", Some(&token), Some(create)).await;
    assert_eq!(error_of(status, &body, StatusCode::UNAUTHORIZED).0, "unauthorized");
    // A revoke without the form's CSRF token is refused.
    let response = admin.post(format!("{}/admin/tokens/{id}/revoke", site.base)).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

async fn every_error_has_one_json_shape(site: TestSite) {
    let writer = token_for(&site, "writer@example.org", Role::Author, &[Scope::Write]).await;
    // Method, path, token, body; then the status, code and field expected.
    type Case<'a> = (reqwest::Method, &'a str, Option<&'a str>, Option<Value>, StatusCode, &'a str, Option<&'a str>);
    let cases: Vec<Case> = vec![
        (reqwest::Method::GET, "/api/v1/nowhere", None, None, StatusCode::NOT_FOUND, "no_route", None),
        (reqwest::Method::GET, "/api/v1/articles/999999", None, None, StatusCode::NOT_FOUND, "not_found", None),
        (reqwest::Method::GET, "/api/v1/articles/xx/news/nothing", None, None, StatusCode::NOT_FOUND, "not_found", None),
        (reqwest::Method::GET, "/api/v1/articles?per_page=1000", None, None, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("per_page")),
        (reqwest::Method::GET, "/api/v1/articles?from=yesterday", None, None, StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some("from")),
        (reqwest::Method::GET, "/api/v1/articles?page=x", None, None, StatusCode::BAD_REQUEST, "bad_request", None),
        (reqwest::Method::PATCH, "/api/v1/articles", None, None, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", None),
        (reqwest::Method::POST, "/api/v1/articles", None, Some(json!({})), StatusCode::UNAUTHORIZED, "unauthorized", None),
        (reqwest::Method::POST, "/api/v1/articles", Some("prt_forged"), Some(json!({})), StatusCode::UNAUTHORIZED, "unauthorized", None),
        (
            reqwest::Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(json!({"lang": "en", "section": "news"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("title"),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(json!({"lang": "en", "section": "news", "title": 5})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("title"),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(json!({"lang": "xx", "section": "news", "title": "T"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("lang"),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(json!({"lang": "en", "section": "news", "title": " "})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("title"),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(json!({"lang": "en", "section": "news", "title": "T", "colour": "red"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            None,
        ),
        (
            reqwest::Method::POST,
            "/api/v1/articles",
            Some(&writer),
            Some(json!({"lang": "en", "section": "news", "title": "T", "published_at": "someday"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("published_at"),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/articles/1/status",
            Some(&writer),
            Some(json!({"action": "explode"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            Some("action"),
        ),
    ];
    for (method, path, token, body, status, code, field) in cases {
        let (got, json) = call(&site, method.clone(), path, token, body).await;
        let (got_code, got_field) = error_of(got, &json, status);
        assert_eq!(got_code, code, "{method} {path}: {json}");
        if field.is_some() {
            assert_eq!(got_field.as_deref(), field, "{method} {path}: {json}");
        }
    }
    // A body that is not JSON at all.
    let response = site
        .client
        .post(format!("{}/api/v1/articles", site.base))
        .bearer_auth(&writer)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_of(status, &body, StatusCode::UNPROCESSABLE_ENTITY).0, "invalid");
    // Nothing half-written.
    assert_eq!(
        site.store
            .find_articles(
                &pressroom_store::ArticleQuery { status: Some(pressroom_domain::Status::Draft), ..Default::default() },
                pressroom_store::Start::Page(1),
                100
            )
            .await
            .unwrap()
            .total,
        0
    );
}

async fn the_openapi_document_matches_the_routes(site: TestSite) {
    let (status, document) = get(&site, "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = document["paths"].as_object().unwrap();
    // Every operation the API serves is documented…
    let served = [
        ("get", "/api/v1/articles"),
        ("post", "/api/v1/articles"),
        ("get", "/api/v1/articles/{id}"),
        ("put", "/api/v1/articles/{id}"),
        ("delete", "/api/v1/articles/{id}"),
        ("get", "/api/v1/articles/{lang}/{section}/{slug}"),
        ("post", "/api/v1/articles/{id}/status"),
        ("get", "/api/v1/sections"),
        ("get", "/api/v1/tags"),
        ("get", "/api/v1/search"),
        ("post", "/api/v1/media"),
    ];
    let documented: Vec<(String, String)> =
        paths.iter().flat_map(|(path, item)| item.as_object().unwrap().keys().map(move |method| (method.clone(), path.clone()))).collect();
    for (method, path) in served {
        assert!(documented.contains(&(method.to_owned(), path.to_owned())), "{method} {path} is documented");
    }
    // …and every documented operation is served: a request reaches a handler (no "no_route",
    // no 405), and what it answers is one of the documented statuses.
    for (method, path) in &documented {
        let concrete = path.replace("{id}", "1").replace("{lang}", "en").replace("{section}", "news").replace("{slug}", "nothing");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = site.client.request(method.clone(), format!("{}{concrete}", site.base)).send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_ne!(body["error"]["code"], "no_route", "{method} {path}");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        let responses = paths[path][method.as_str().to_lowercase()]["responses"].as_object().unwrap();
        assert!(responses.contains_key(status.as_str()), "{method} {path} answered {status}, which is not documented");
    }
    assert!(document["components"]["securitySchemes"]["token"]["scheme"] == "bearer");
    // What the document promises about values: the site's own languages and sections, the
    // workflow's steps, and `revision` required on an update.
    let schemas = &document["components"]["schemas"];
    assert_eq!(schemas["NewArticle"]["properties"]["lang"]["enum"], json!(["ru", "en"]));
    assert_eq!(schemas["Step"]["enum"], json!(["submit", "publish", "schedule", "unpublish", "archive", "return_to_draft"]));
    assert_eq!(schemas["ArticleUpdate"]["required"], json!(["revision"]));
    let list_parameters = paths["/api/v1/articles"]["get"]["parameters"].as_array().unwrap();
    let section = list_parameters.iter().find(|p| p["name"] == "section").unwrap();
    assert!(section["schema"]["enum"].as_array().unwrap().contains(&json!("news")));
    for status in ["400", "401", "415", "422"] {
        assert!(paths["/api/v1/articles/{id}"]["put"]["responses"].get(status).is_some(), "PUT documents {status}");
    }
}

/// The demo's Council of Foreign Ministers item in English, by the Content API.
async fn demo_cfm(site: &TestSite) -> Value {
    let (status, body) = get(site, "/api/v1/articles/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata", None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn an_update_changes_only_what_it_names_and_old_addresses_redirect(site: TestSite) {
    let editor = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write, Scope::Publish, Scope::ReadDrafts]).await;
    let before = demo_cfm(&site).await;
    let id = before["id"].as_i64().unwrap();
    let old_path = "/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata";
    // A title and a revision only: the address, the translation and everything else stay.
    let path = format!("/api/v1/articles/{id}");
    let revision = before["revision"].as_i64().unwrap();
    let (status, after) =
        call(&site, reqwest::Method::PUT, &path, Some(&editor), Some(json!({"title": "CFM met", "revision": revision, "minor": true})))
            .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    for field in ["slug", "section", "lang", "translation_key", "lead", "body", "published_at", "tags", "cover"] {
        assert_eq!(after[field], before[field], "{field} kept");
    }
    assert_eq!(after["title"], "CFM met");
    let page = site.ok(old_path).await;
    assert!(page.contains("CFM met") && page.contains("hreflang=\"ru\""), "still at its address, still linked to its translation");
    // Moving a published item: the former address answers 301 to the new one, for good.
    let moved = json!({"slug": "cfm-cholpon-ata", "section": "statements", "revision": revision + 1, "minor": true});
    let (status, body) = call(&site, reqwest::Method::PUT, &path, Some(&editor), Some(moved)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let response = site.get(old_path).await;
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(response.headers()["location"], "/en/statements/cfm-cholpon-ata");
    let moved_again = json!({"slug": "cfm-2025", "revision": revision + 2, "minor": true});
    let (status, body) = call(&site, reqwest::Method::PUT, &path, Some(&editor), Some(moved_again)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for former in [old_path, "/en/statements/cfm-cholpon-ata"] {
        let response = site.get(former).await;
        assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY, "{former}");
        assert_eq!(response.headers()["location"], "/en/statements/cfm-2025", "{former}");
    }
    // The history page lists the former addresses.
    let admin_hash = pressroom_web::auth::hash_password(PASSWORD);
    site.store.create_user("chief@example.org", "Chief", Role::Admin, &admin_hash, &Actor::system("test")).await.unwrap();
    let chief = common::sign_in(&site.base, "chief@example.org", PASSWORD).await;
    let history = chief.get(format!("{}/admin/articles/{id}/history", site.base)).send().await.unwrap().text().await.unwrap();
    let listed = common::texts(&history, ".former-addresses code");
    assert_eq!(listed, ["/en/statements/cfm-cholpon-ata", old_path], "{history}");
    // An unpublished item's old address is simply gone; a draft's moves leave no trace.
    let (_, draft) = call(
        &site,
        reqwest::Method::POST,
        "/api/v1/articles",
        Some(&editor),
        Some(json!({"lang": "en", "section": "news", "title": "Draft"})),
    )
    .await;
    let draft_path = format!("/api/v1/articles/{}", draft["id"]);
    let (status, _) = call(&site, reqwest::Method::PUT, &draft_path, Some(&editor), Some(json!({"slug": "draft-2", "revision": 1}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(site.get("/en/news/draft").await.status(), StatusCode::NOT_FOUND);
}

async fn covers_are_addresses_on_this_site(site: TestSite) {
    let editor = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write]).await;
    for cover in ["javascript:alert(1)", "https://elsewhere.example/x.jpg", "//elsewhere.example/x.jpg", "data:image/png;base64,AAAA"] {
        let body = json!({"lang": "en", "section": "news", "title": format!("Cover {cover}"), "cover": cover});
        let (status, body) = call(&site, reqwest::Method::POST, "/api/v1/articles", Some(&editor), Some(body)).await;
        let (code, field) = error_of(status, &body, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!((code.as_str(), field.as_deref()), ("invalid", Some("cover")), "{cover}");
    }
    let body = json!({"lang": "en", "section": "news", "title": "Good cover", "cover": "/media/abc/cover.jpg"});
    let (status, body) = call(&site, reqwest::Method::POST, "/api/v1/articles", Some(&editor), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The default translation key is the first version's address.
    assert_eq!(body["translation_key"], "en/news/good-cover");
    // One limit on a body for every way in: over 1 MB, refused with the field named.
    let huge = "word ".repeat(pressroom_domain::BODY_MAX_BYTES / 5 + 1);
    let body = json!({"lang": "en", "section": "news", "title": "Too long", "body": huge});
    let (status, body) = call(&site, reqwest::Method::POST, "/api/v1/articles", Some(&editor), Some(body)).await;
    assert_eq!(error_of(status, &body, StatusCode::UNPROCESSABLE_ENTITY).1.as_deref(), Some("body"));
}
