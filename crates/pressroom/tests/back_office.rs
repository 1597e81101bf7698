//! The back office over real HTTP: signing in, roles, the editor, revisions, users, the audit
//! log — including every refusal — on SQLite and, when configured, PostgreSQL.

mod common;

use common::desk::{add_user, article_fields, create, csrf, page, png, png_declaring, post, signed_in, status_of, upload, PASSWORD};
use common::{attributes, browser, texts, TestSite};
use pressroom_domain::{ArticleId, Lang, Role, SectionKey, Slug, Status};
use pressroom_store::Actor;
use reqwest::StatusCode;

on_both_engines!(
    signing_in_and_out,
    failed_sign_ins_are_limited,
    every_form_needs_its_csrf_token,
    an_author_writes_and_submits_but_cannot_publish,
    an_editor_publishes_schedules_and_archives,
    only_admins_manage_users_and_read_the_audit_log,
    a_stale_save_is_refused_and_both_versions_shown,
    revisions_are_listed_compared_and_restored,
    a_save_after_the_session_expired_completes_after_signing_in,
    slugs_translations_and_preview,
    media_uploads_are_checked_stored_and_served_safely,
    a_second_factor_is_set_up_checked_and_can_be_required,
    admins_keep_the_site_settings_sections_and_languages,
);

async fn signing_in_and_out(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let anonymous = browser();
    let (status, _) = page(&site, &anonymous, "/admin/articles").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "not signed in: sent to sign in");

    let form = anonymous.get(format!("{}/admin/login", site.base)).send().await.unwrap().text().await.unwrap();
    let token = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    let mut token = token;
    for (email, password) in [("editor@example.org", "wrong password"), ("nobody@example.org", PASSWORD)] {
        let response = anonymous
            .post(format!("{}/admin/login", site.base))
            .form(&[("email", email), ("password", password), ("login_csrf", token.as_str()), ("next", "/admin/")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let html = response.text().await.unwrap();
        assert_eq!(texts(&html, ".form-error"), ["Wrong email or password."], "the same answer for {email}");
        token = attributes(&html, "input[name=login_csrf]", "value").remove(0);
    }
    let response = anonymous
        .post(format!("{}/admin/login", site.base))
        .form(&[("email", "Editor@Example.org"), ("password", PASSWORD), ("login_csrf", token.as_str()), ("next", "/admin/articles")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("pressroom_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    let (status, html) = page(&site, &anonymous, "/admin/articles").await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&html, "table.articles td a").iter().any(|t| t.contains("Patriot Park")));

    let token = csrf(&site, &anonymous).await;
    let (status, _, _) = post(&site, &anonymous, "/admin/logout", &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(page(&site, &anonymous, "/admin/articles").await.0, StatusCode::SEE_OTHER, "signed out");

    // Signing out everywhere ends the other browsers' sessions, and a new password does too.
    let first = signed_in(&site, "editor@example.org").await;
    let second = signed_in(&site, "editor@example.org").await;
    let token = csrf(&site, &first).await;
    post(&site, &first, "/admin/logout-everywhere", &[("csrf", &token)]).await;
    assert_eq!(page(&site, &second, "/admin/articles").await.0, StatusCode::SEE_OTHER);
    assert_eq!(page(&site, &first, "/admin/articles").await.0, StatusCode::OK);
    let (status, html, _) =
        post(&site, &first, "/admin/account/password", &[("csrf", &token), ("current", "wrong"), ("new", "short")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(texts(&html, ".field-error").len(), 2);
    let (status, _, _) =
        post(&site, &first, "/admin/account/password", &[("csrf", &token), ("current", PASSWORD), ("new", "another long password")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let user = site.store.user_by_email("editor@example.org").await.unwrap().unwrap();
    assert!(pressroom_web::auth::verify_password("another long password", &user.password_hash));

    let log = site.store.audit_entries("", "login", 1).await.unwrap();
    let actions: Vec<_> = log.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"login") && actions.contains(&"login.failed"), "{actions:?}");
    assert!(log.items.iter().all(|e| e.ip.is_some()), "the audit log says from where");
}

async fn failed_sign_ins_are_limited(site: TestSite) {
    add_user(&site, "author@example.org", Role::Author).await;
    let client = browser();
    let form = client.get(format!("{}/admin/login", site.base)).send().await.unwrap().text().await.unwrap();
    let mut token = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    let url = format!("{}/admin/login", site.base);
    for _ in 0..5 {
        let response = client
            .post(&url)
            .form(&[("email", "author@example.org"), ("password", "wrong"), ("login_csrf", token.as_str()), ("next", "/admin/")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        // Each answer carries a fresh form token, as a browser would send back.
        token = attributes(&response.text().await.unwrap(), "input[name=login_csrf]", "value").remove(0);
    }
    let refused = client
        .post(&url)
        .form(&[("email", "author@example.org"), ("password", PASSWORD), ("login_csrf", token.as_str()), ("next", "/admin/")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password, for a while");
    assert!(refused.text().await.unwrap().contains("Too many failed sign-in attempts"));
}

async fn every_form_needs_its_csrf_token(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let client = signed_in(&site, "editor@example.org").await;
    let id = create(&site, &client, "CSRF probe").await;
    let before = site.store.article(ArticleId(id)).await.unwrap();
    let mut fields = article_fields("forged", "Changed by a forged form", "x");
    fields.push(("revision", "1"));
    for (path, fields) in [
        (format!("/admin/articles/{id}"), fields.clone()),
        (format!("/admin/articles/{id}/status"), vec![("action", "publish")]),
        (format!("/admin/articles/{id}/delete"), vec![("csrf", "forged")]),
        ("/admin/articles".to_owned(), fields.clone()),
    ] {
        let (status, html, _) = post(&site, &client, &path, &fields).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(html.contains("did not come from this site"), "{path}");
    }
    assert_eq!(site.store.article(ArticleId(id)).await.unwrap(), before, "nothing changed");
    let (status, _, _) = post(&site, &client, "/admin/articles", &[("title", "no token at all")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn an_author_writes_and_submits_but_cannot_publish(site: TestSite) {
    add_user(&site, "author@example.org", Role::Author).await;
    add_user(&site, "other@example.org", Role::Author).await;
    let author = signed_in(&site, "author@example.org").await;
    let other = signed_in(&site, "other@example.org").await;
    let id = create(&site, &author, "An author's draft").await;
    assert_eq!(status_of(&site, id).await, Status::Draft);
    let token = csrf(&site, &author).await;
    let other_token = csrf(&site, &other).await;

    // Another author may not touch it.
    let mut fields = article_fields(&other_token, "Hijacked", "x");
    fields.push(("revision", "1"));
    assert_eq!(post(&site, &other, &format!("/admin/articles/{id}"), &fields).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        post(&site, &other, &format!("/admin/articles/{id}/status"), &[("csrf", &other_token), ("action", "submit")]).await.0,
        StatusCode::FORBIDDEN
    );

    // Authors never publish, schedule, unpublish, archive, return to draft or delete.
    for action in ["publish", "schedule", "unpublish", "archive", "return_to_draft"] {
        let (status, _, _) = post(
            &site,
            &author,
            &format!("/admin/articles/{id}/status"),
            &[("csrf", &token), ("action", action), ("date", "2031-01-01T00:00")],
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(post(&site, &author, &format!("/admin/articles/{id}/delete"), &[("csrf", &token)]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&site, id).await, Status::Draft, "nothing changed");

    // The author edits their draft and submits it; then it is no longer theirs to edit.
    let mut fields = article_fields(&token, "An author's draft, revised", "Body text.");
    fields.push(("revision", "1"));
    assert_eq!(post(&site, &author, &format!("/admin/articles/{id}"), &fields).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        post(&site, &author, &format!("/admin/articles/{id}/status"), &[("csrf", &token), ("action", "submit")]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&site, id).await, Status::Review);
    let mut fields = article_fields(&token, "Changed in review", "x");
    fields.push(("revision", "2"));
    assert_eq!(post(&site, &author, &format!("/admin/articles/{id}"), &fields).await.0, StatusCode::FORBIDDEN);
    // Nor may an author edit someone else's published item.
    let published = site
        .store
        .article_at(
            &Lang::parse("en").unwrap(),
            &SectionKey::parse("news").unwrap(),
            &Slug::parse("csto-secretariat-delegation-visits-patriot-park").unwrap(),
        )
        .await
        .unwrap();
    let mut fields = article_fields(&token, "Defaced", "x");
    fields.push(("revision", "1"));
    assert_eq!(post(&site, &author, &format!("/admin/articles/{}", published.id), &fields).await.0, StatusCode::FORBIDDEN);
    assert_eq!(site.store.article(published.id).await.unwrap().title, published.title);
    // The editor page shows no step an author may not take.
    let (_, html) = page(&site, &author, &format!("/admin/articles/{id}")).await;
    assert!(attributes(&html, ".workflow input[name=action]", "value").is_empty());
}

async fn an_editor_publishes_schedules_and_archives(site: TestSite) {
    add_user(&site, "author@example.org", Role::Author).await;
    add_user(&site, "editor@example.org", Role::Editor).await;
    let author = signed_in(&site, "author@example.org").await;
    let editor = signed_in(&site, "editor@example.org").await;
    let id = create(&site, &author, "Breaking statement").await;
    let author_token = csrf(&site, &author).await;
    post(&site, &author, &format!("/admin/articles/{id}/status"), &[("csrf", &author_token), ("action", "submit")]).await;
    let token = csrf(&site, &editor).await;
    let (_, html) = page(&site, &editor, &format!("/admin/articles/{id}")).await;
    let offered = attributes(&html, ".workflow input[name=action]", "value");
    assert!(offered.contains(&"publish".to_owned()) && offered.contains(&"schedule".to_owned()), "{offered:?}");

    assert_eq!(
        post(&site, &editor, &format!("/admin/articles/{id}/status"), &[("csrf", &token), ("action", "archive")]).await.0,
        StatusCode::CONFLICT,
        "not from review"
    );
    assert_eq!(
        post(&site, &editor, &format!("/admin/articles/{id}/status"), &[("csrf", &token), ("action", "publish")]).await.0,
        StatusCode::SEE_OTHER
    );
    let url = "/en/news/breaking-statement";
    assert_eq!(site.page(url).await.0, StatusCode::OK);
    assert!(texts(&site.ok("/en/news/").await, ".news-title").contains(&"Breaking statement".to_owned()));
    assert_eq!(
        post(&site, &editor, &format!("/admin/articles/{id}/status"), &[("csrf", &token), ("action", "archive")]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(site.page(url).await.0, StatusCode::GONE, "archiving turns the URL into a 410");
    assert_eq!(
        post(&site, &editor, &format!("/admin/articles/{id}/status"), &[("csrf", &token), ("action", "return_to_draft")]).await.0,
        StatusCode::SEE_OTHER
    );

    // Scheduling: refused in the past; in the future it goes live by itself.
    let (status, _, _) = post(
        &site,
        &editor,
        &format!("/admin/articles/{id}/status"),
        &[("csrf", &token), ("action", "schedule"), ("date", "2001-01-01T00:00")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Typed on the site's clock (the demo's is Moscow's).
    let moscow = pressroom_domain::SiteZone::parse("Europe/Moscow").unwrap();
    let soon = moscow.local(time::OffsetDateTime::now_utc() + std::time::Duration::from_secs(61));
    let when = format!("{}T{:02}:{:02}", soon.date(), soon.hour(), soon.minute());
    assert_eq!(
        post(&site, &editor, &format!("/admin/articles/{id}/status"), &[("csrf", &token), ("action", "schedule"), ("date", &when)]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&site, id).await, Status::Scheduled);
    assert_eq!(site.page(url).await.0, StatusCode::NOT_FOUND, "not before its time");
    let due = site.store.article(ArticleId(id)).await.unwrap().published_at.unix_timestamp();
    assert_eq!(site.store.publish_due(due - 1).await.unwrap().len(), 0);
    assert_eq!(site.store.publish_due(due).await.unwrap(), [ArticleId(id)]);
    assert_eq!(site.page(url).await.0, StatusCode::OK);

    // Editors may delete, but not manage users.
    assert_eq!(page(&site, &editor, "/admin/users").await.0, StatusCode::FORBIDDEN);
    assert_eq!(post(&site, &editor, &format!("/admin/articles/{id}/delete"), &[("csrf", &token)]).await.0, StatusCode::SEE_OTHER);
    assert_eq!(site.page(url).await.0, StatusCode::NOT_FOUND);
    let actions: Vec<String> = site.store.audit_entries("editor@", "", 1).await.unwrap().items.iter().map(|e| e.action.clone()).collect();
    for expected in ["publish", "archive", "schedule", "delete"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
}

async fn only_admins_manage_users_and_read_the_audit_log(site: TestSite) {
    add_user(&site, "author@example.org", Role::Author).await;
    add_user(&site, "editor@example.org", Role::Editor).await;
    add_user(&site, "admin@example.org", Role::Admin).await;
    for email in ["author@example.org", "editor@example.org"] {
        let client = signed_in(&site, email).await;
        let token = csrf(&site, &client).await;
        assert_eq!(page(&site, &client, "/admin/users").await.0, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(page(&site, &client, "/admin/audit").await.0, StatusCode::FORBIDDEN, "{email}");
        let (status, _, _) =
            post(&site, &client, "/admin/users", &[("csrf", &token), ("name", "X"), ("email", "x@example.org"), ("role", "admin")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        let author = site.store.user_by_email("author@example.org").await.unwrap().unwrap();
        let (status, _, _) =
            post(&site, &client, &format!("/admin/users/{}/role", author.id.0), &[("csrf", &token), ("role", "admin")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(
            post(&site, &client, &format!("/admin/users/{}/disable", author.id.0), &[("csrf", &token)]).await.0,
            StatusCode::FORBIDDEN
        );
    }
    assert!(site.store.user_by_email("x@example.org").await.unwrap().is_none());
    assert_eq!(site.store.user_by_email("author@example.org").await.unwrap().unwrap().role, Role::Author);

    let admin = signed_in(&site, "admin@example.org").await;
    let token = csrf(&site, &admin).await;
    let (status, html, _) = post(
        &site,
        &admin,
        "/admin/users",
        &[("csrf", &token), ("name", "New Press Officer"), ("email", "officer@example.org"), ("role", "author")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let password = texts(&html, ".notice code").remove(0);
    assert_eq!(password.len(), 20, "a generated password, shown once");
    let (status, html, _) =
        post(&site, &admin, "/admin/users", &[("csrf", &token), ("name", "Again"), ("email", "officer@example.org"), ("role", "author")])
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html, ".field-error").iter().any(|e| e.contains("already exists")));
    let officer = site.store.user_by_email("officer@example.org").await.unwrap().unwrap();
    // A role is changed only with the admin's password given again.
    let (status, ..) = post(&site, &admin, &format!("/admin/users/{}/role", officer.id.0), &[("csrf", &token), ("role", "editor")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let wrong = [("csrf", token.as_str()), ("role", "editor"), ("confirm_password", "not my password")];
    assert_eq!(post(&site, &admin, &format!("/admin/users/{}/role", officer.id.0), &wrong).await.0, StatusCode::FORBIDDEN);
    assert_eq!(site.store.user(officer.id).await.unwrap().role, Role::Author);
    let confirmed = [("csrf", token.as_str()), ("role", "editor"), ("confirm_password", PASSWORD)];
    post(&site, &admin, &format!("/admin/users/{}/role", officer.id.0), &confirmed).await;
    assert_eq!(site.store.user(officer.id).await.unwrap().role, Role::Editor);
    post(&site, &admin, &format!("/admin/users/{}/disable", officer.id.0), &[("csrf", &token)]).await;
    assert!(site.store.user(officer.id).await.unwrap().disabled);
    let me = site.store.user_by_email("admin@example.org").await.unwrap().unwrap();
    assert_eq!(
        post(
            &site,
            &admin,
            &format!("/admin/users/{}/role", me.id.0),
            &[("csrf", &token), ("role", "author"), ("confirm_password", PASSWORD)]
        )
        .await
        .0,
        StatusCode::CONFLICT,
        "no self-demotion"
    );
    let (status, html) = page(&site, &admin, "/admin/audit?action=user").await;
    assert_eq!(status, StatusCode::OK);
    let actions = texts(&html, "tbody td:nth-child(3)");
    for expected in ["user.create", "user.role", "user.disable"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
}

async fn a_stale_save_is_refused_and_both_versions_shown(site: TestSite) {
    add_user(&site, "one@example.org", Role::Editor).await;
    add_user(&site, "two@example.org", Role::Editor).await;
    let one = signed_in(&site, "one@example.org").await;
    let two = signed_in(&site, "two@example.org").await;
    let id = create(&site, &one, "Shared text").await;
    let (t1, t2) = (csrf(&site, &one).await, csrf(&site, &two).await);
    let mut first = article_fields(&t1, "Shared text", "The first editor's words.");
    first.push(("revision", "1"));
    assert_eq!(post(&site, &one, &format!("/admin/articles/{id}"), &first).await.0, StatusCode::SEE_OTHER);
    let mut second = article_fields(&t2, "Shared text", "The second editor's words.");
    second.push(("revision", "1"));
    let (status, html, _) = post(&site, &two, &format!("/admin/articles/{id}"), &second).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(texts(&html, ".stale h2"), ["This article was changed meanwhile"]);
    assert!(texts(&html, ".stale .diff-removed").iter().any(|l| l.contains("first editor")), "the saved version is shown");
    assert!(texts(&html, ".stale .diff-added").iter().any(|l| l.contains("second editor")), "and the one being saved");
    assert_eq!(texts(&html, "#f-body"), ["The second editor's words."], "the second editor's text is kept in the form");
    assert_eq!(site.store.article(ArticleId(id)).await.unwrap().body, "The first editor's words.", "nothing overwritten");
    assert_eq!(attributes(&html, "input[name=revision]", "value"), ["2"], "saving again from here is a deliberate choice");
}

async fn revisions_are_listed_compared_and_restored(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let client = signed_in(&site, "editor@example.org").await;
    let id = create(&site, &client, "Evolving text").await;
    let token = csrf(&site, &client).await;
    let mut fields = article_fields(&token, "Evolving text", "Second wording.");
    fields.push(("revision", "1"));
    post(&site, &client, &format!("/admin/articles/{id}"), &fields).await;
    let (status, html) = page(&site, &client, &format!("/admin/articles/{id}/history?from=1&to=2")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "tbody tr").len(), 2);
    assert!(texts(&html, ".diff-removed").iter().any(|l| l.contains("Body text.")));
    assert!(texts(&html, ".diff-added").iter().any(|l| l.contains("Second wording.")));
    let (status, _, _) = post(&site, &client, &format!("/admin/articles/{id}/history/1/restore"), &[("csrf", &token)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let article = site.store.article(ArticleId(id)).await.unwrap();
    assert_eq!((article.revision, article.body.as_str()), (3, "Body text."), "restoring makes a new revision");
    assert_eq!(site.store.revisions(article.id).await.unwrap().len(), 3);
}

async fn a_save_after_the_session_expired_completes_after_signing_in(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let client = signed_in(&site, "editor@example.org").await;
    let id = create(&site, &client, "Long editing session").await;
    let token = csrf(&site, &client).await;
    site.execute("UPDATE sessions SET expires_at = 0").await;
    let mut fields = article_fields(&token, "Long editing session", "Words written while the session expired.");
    fields.push(("revision", "1"));
    let (status, _, location) = post(&site, &client, &format!("/admin/articles/{id}"), &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.unwrap();
    assert!(location.starts_with("/admin/login?next=/admin/resume/"), "{location}");
    assert_eq!(site.store.article(ArticleId(id)).await.unwrap().revision, 1, "not saved yet");

    let next = location.trim_start_matches("/admin/login?next=");
    let form = client.get(format!("{}{location}", site.base)).send().await.unwrap().text().await.unwrap();
    let login_csrf = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    let response = client
        .post(format!("{}/admin/login", site.base))
        .form(&[("email", "editor@example.org"), ("password", PASSWORD), ("login_csrf", &login_csrf), ("next", next)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], next);
    let (status, _) = page(&site, &client, next).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let article = site.store.article(ArticleId(id)).await.unwrap();
    assert_eq!((article.revision, article.body.as_str()), (2, "Words written while the session expired."));
    assert_eq!(page(&site, &client, next).await.0, StatusCode::SEE_OTHER, "a kept save completes once");
    assert_eq!(site.store.article(ArticleId(id)).await.unwrap().revision, 2);
}

async fn slugs_translations_and_preview(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    let client = signed_in(&site, "editor@example.org").await;
    let token = csrf(&site, &client).await;
    let mut fields = article_fields(&token, "Встреча министров обороны", "**— Вопрос?**\n\n— Ответ.");
    fields.retain(|(k, _)| *k != "lang" && *k != "tags");
    fields.push(("lang", "ru"));
    fields.push(("tags", "Совет министров иностранных дел"));
    let (status, _, location) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id: i64 = location.unwrap().trim_start_matches("/admin/articles/").split('?').next().unwrap().parse().unwrap();
    let article = site.store.article(ArticleId(id)).await.unwrap();
    assert_eq!(article.slug.as_str(), "vstrecha-ministrov-oborony", "a slug made from a Russian title");

    let (status, html, _) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html, ".field-error").iter().any(|e| e.contains("already used")), "a clear message on a slug conflict");

    let (status, html) = page(&site, &client, &format!("/admin/articles/new?translation_of={id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(attributes(&html, "#f-lang option[selected]", "value"), ["en"], "a translation goes into the other language");
    assert_eq!(attributes(&html, "#f-translation", "value")[0], article.translation_key);
    assert!(attributes(&html, "#f-tags", "value")[0].contains("Council of Foreign Ministers"), "tags in the target language");
    assert!(texts(&html, ".known-tags p")[0].contains("Sadyr Japarov"), "existing tags to pick from, in the form's language");

    let response = client
        .post(format!("{}/admin/preview", site.base))
        .form(&[("csrf", token.as_str()), ("body", "**— Q?**\n\n<script>alert(1)</script>")])
        .send()
        .await
        .unwrap();
    let preview = response.text().await.unwrap();
    assert!(preview.contains("class=\"question\"") && !preview.contains("<script"), "{preview}");
    let mut fields = article_fields(&token, "Preview without JavaScript", "**Bold**");
    fields.retain(|(k, _)| *k != "intent");
    fields.push(("intent", "preview"));
    let (status, html, _) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(texts(&html, "#preview strong"), ["Bold"]);
    assert!(
        site.store.list_articles(&Default::default(), 1).await.unwrap().items.iter().all(|r| r.title != "Preview without JavaScript"),
        "a preview saves nothing"
    );

    // A cover is an image of this site, by the form as by every other way in.
    let mut fields = article_fields(&token, "A foreign cover", "Text.");
    fields.retain(|(k, _)| *k != "cover");
    fields.push(("cover", "javascript:alert(1)"));
    let (status, html, _) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(texts(&html, ".field-error").iter().any(|e| e.contains("media library")), "{html}");

    // An image without a text alternative is flagged in the editor.
    let mut fields = article_fields(&token, "Images to describe", "<img src=\"/media/a/b.png\">\n\n![](/media/a/c.png)");
    fields.retain(|(k, _)| *k != "intent");
    fields.push(("intent", "preview"));
    let (status, html, _) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::OK);
    assert!(texts(&html, ".field-warning").iter().any(|w| w.contains("alt") && w.ends_with('2')), "{html}");
}

async fn media_uploads_are_checked_stored_and_served_safely(site: TestSite) {
    add_user(&site, "author@example.org", Role::Author).await;
    let client = signed_in(&site, "author@example.org").await;
    let token = csrf(&site, &client).await;
    for (name, bytes, expected) in [
        (
            "logo.svg",
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>".to_vec(),
            "SVG and HTML are never accepted",
        ),
        ("page.html", b"<!doctype html><script>alert(1)</script>".to_vec(), "SVG and HTML are never accepted"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 not really a jpeg".to_vec(), "The file is damaged"),
        ("notes.txt", b"plain text".to_vec(), "This type of file is not accepted"),
        ("broken.png", png(50, 50)[..60].to_vec(), "The file is damaged"),
        // 400 megapixels declared in a few bytes: refused before anything is decoded.
        ("bomb.png", png_declaring(20_000, 20_000), "more pixels than this site accepts"),
    ] {
        let (status, html) = upload(&site, &client, &token, name, bytes).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(texts(&html, ".form-error")[0].contains(expected), "{name}: {:?}", texts(&html, ".form-error"));
    }
    let (status, html) = upload(&site, &client, &token, "huge.pdf", vec![b'%'; 21 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(texts(&html, ".form-error")[0].contains("too large"));
    assert_eq!(site.store.media_page("", 1).await.unwrap().total, 0, "nothing refused was recorded");

    assert_eq!(upload(&site, &client, &token, "../../photo.png", png(1200, 800)).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        upload(&site, &client, &token, "Report 2025.pdf", b"%PDF-1.7 fake but recognisable".to_vec()).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, library) = page(&site, &client, "/admin/media").await;
    let urls = attributes(&library, "table.media td a", "href");
    let (image_url, pdf_url) =
        (urls.iter().find(|u| u.ends_with(".png")).unwrap().clone(), urls.iter().find(|u| u.ends_with(".pdf")).unwrap().clone());
    assert!(!image_url.contains("photo") && !image_url.contains(".."), "the uploaded name never decides the path: {image_url}");

    let original = site.get(&image_url).await;
    assert_eq!(original.headers()["content-type"], "image/png");
    assert_eq!(original.headers()["x-content-type-options"], "nosniff");
    assert!(original.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    let sized = site.get(&image_url.replace("original.png", "w960.png")).await;
    assert_eq!(sized.status(), StatusCode::OK, "sizes are made at upload");
    assert_eq!(image::load_from_memory(&sized.bytes().await.unwrap()).unwrap().width(), 960);
    assert_eq!(
        site.get(&image_url.replace("original.png", "w1600.png")).await.status(),
        StatusCode::NOT_FOUND,
        "never larger than the original"
    );
    let pdf = site.get(&pdf_url).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    for bad in
        ["/media/../../etc/passwd", "/media/0123456789abcdef0123456789abcdef/original.png", &image_url.replace("original.png", "notes.txt")]
    {
        assert_eq!(site.get(bad).await.status(), StatusCode::NOT_FOUND, "{bad}");
    }

    // Alt text per language, then the gallery and attachments of an article.
    let items = site.store.media_page("", 1).await.unwrap().items;
    let image_id = items.iter().find(|m| m.content_type == "image/png").unwrap().id.to_string();
    let pdf_id = items.iter().find(|m| m.content_type == "application/pdf").unwrap().id.to_string();
    let (status, _, _) = post(
        &site,
        &client,
        &format!("/admin/media/{image_id}/alt"),
        &[("csrf", &token), ("alt_en", "Ministers at the table"), ("alt_ru", "Министры за столом")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let mut fields = article_fields(&token, "With photos and documents", "Body.");
    fields.extend([("gallery", image_id.as_str()), ("attachments", "999999")]);
    let (status, html, _) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown media item is named");
    assert!(!texts(&html, ".field-error").is_empty());
    fields.retain(|(k, _)| *k != "attachments");
    fields.push(("attachments", pdf_id.as_str()));
    let (status, _, _) = post(&site, &client, "/admin/articles", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = site.store.list_articles(&Default::default(), 1).await.unwrap().items[0].id;
    let editor = site.store.user_by_email("author@example.org").await.unwrap().unwrap();
    site.store.change_status(id, Status::Draft, pressroom_domain::Action::Publish, None, &Actor::user(&editor, "test")).await.unwrap();
    let html = site.ok("/en/news/with-photos-and-documents").await;
    assert_eq!(attributes(&html, ".gallery img", "alt"), ["Ministers at the table"]);
    assert!(attributes(&html, ".gallery img", "srcset")[0].contains("480w"));
    assert_eq!(texts(&html, ".attachments a"), ["Report 2025.pdf"]);
}

async fn sign_in_with_code(site: &TestSite, email: &str, code: &str) -> StatusCode {
    let client = browser();
    let form = client.get(format!("{}/admin/login", site.base)).send().await.unwrap().text().await.unwrap();
    let login_csrf = attributes(&form, "input[name=login_csrf]", "value").remove(0);
    let response = client
        .post(format!("{}/admin/login", site.base))
        .form(&[("email", email), ("password", PASSWORD), ("code", code), ("login_csrf", &login_csrf), ("next", "/admin/")])
        .send()
        .await
        .unwrap();
    response.status()
}

async fn a_second_factor_is_set_up_checked_and_can_be_required(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    add_user(&site, "admin@example.org", Role::Admin).await;
    add_user(&site, "author@example.org", Role::Author).await;
    let editor = signed_in(&site, "editor@example.org").await;
    let (_, setup) = page(&site, &editor, "/admin/account/totp").await;
    let secret = attributes(&setup, "input[name=secret]", "value").remove(0);
    let token = attributes(&setup, "input[name=csrf]", "value").remove(0);
    let (status, _, _) = post(&site, &editor, "/admin/account/totp", &[("csrf", &token), ("secret", &secret), ("code", "000000")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a wrong code does not turn it on");
    let code = pressroom_web::auth::current_totp(&secret).unwrap();
    let (status, _, _) = post(&site, &editor, "/admin/account/totp", &[("csrf", &token), ("secret", &secret), ("code", &code)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(sign_in_with_code(&site, "editor@example.org", "").await, StatusCode::UNAUTHORIZED, "the password alone is not enough");
    assert_eq!(sign_in_with_code(&site, "editor@example.org", "123456").await, StatusCode::UNAUTHORIZED);
    let code = pressroom_web::auth::current_totp(&secret).unwrap();
    assert_eq!(sign_in_with_code(&site, "editor@example.org", &code).await, StatusCode::SEE_OTHER);

    // An admin requires it of everyone: the author is sent to set it up, and may do nothing else.
    let admin = signed_in(&site, "admin@example.org").await;
    let admin_token = csrf(&site, &admin).await;
    let (status, _, _) = post(
        &site,
        &admin,
        "/admin/settings",
        &[
            ("csrf", &admin_token),
            ("site_name_ru", "Пресс-центр"),
            ("site_name_en", "Press Centre"),
            ("time_zone", "Europe/Moscow"),
            ("require_totp", "on"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let author = signed_in(&site, "author@example.org").await;
    let response = author.get(format!("{}/admin/articles", site.base)).send().await.unwrap();
    assert_eq!(response.headers()["location"], "/admin/account/totp");
    assert_eq!(page(&site, &author, "/admin/account/totp").await.0, StatusCode::OK);
    let editor_token = csrf(&site, &editor).await;
    let (status, _, _) = post(&site, &editor, "/admin/account/totp/disable", &[("csrf", &editor_token), ("password", PASSWORD)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "not while the site requires it");
}

async fn admins_keep_the_site_settings_sections_and_languages(site: TestSite) {
    add_user(&site, "editor@example.org", Role::Editor).await;
    add_user(&site, "admin@example.org", Role::Admin).await;
    let editor = signed_in(&site, "editor@example.org").await;
    let editor_token = csrf(&site, &editor).await;
    assert_eq!(page(&site, &editor, "/admin/settings").await.0, StatusCode::FORBIDDEN);
    for (path, fields) in [
        ("/admin/settings", vec![("csrf", editor_token.as_str()), ("site_name_en", "Hijacked")]),
        ("/admin/settings/sections", vec![("csrf", editor_token.as_str()), ("key", "rumours"), ("name_en", "Rumours")]),
        (
            "/admin/settings/languages",
            vec![("csrf", editor_token.as_str()), ("code", "de"), ("native_name", "Deutsch"), ("site_name", "X")],
        ),
    ] {
        assert_eq!(post(&site, &editor, path, &fields).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(site.store.site().await.unwrap().sections.len(), 5, "nothing changed");

    let admin = signed_in(&site, "admin@example.org").await;
    let token = csrf(&site, &admin).await;
    // The demo's clock is Moscow's: its newest item, dated 7 July, is of 7 July.
    let newest = || async { texts(&site.ok("/en/news/").await, ".news-item time").first().cloned().unwrap_or_default() };
    assert_eq!(newest().await, "07.07.2025");
    let (status, html, _) = post(
        &site,
        &admin,
        "/admin/settings",
        &[("csrf", &token), ("site_name_ru", "Сломано"), ("site_name_en", "Broken"), ("time_zone", "Europe/Atlantis")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown zone is named, and nothing is saved");
    assert!(html.contains("IANA"));
    assert_eq!(site.store.site().await.unwrap().zone.name(), "Europe/Moscow");
    post(
        &site,
        &admin,
        "/admin/settings",
        &[("csrf", &token), ("site_name_ru", "Пресс-центр ОДКБ"), ("site_name_en", "CSTO Press Centre"), ("time_zone", "America/New_York")],
    )
    .await;
    // Moscow's midnight of 7 July is still 6 July in New York: every date follows the setting.
    assert_eq!(newest().await, "06.07.2025");
    assert!(site.ok("/en/feed.xml").await.contains("Sun, 06 Jul 2025 17:00:00 -0400"), "feeds carry the zone's offset");
    assert_eq!(site.page("/en/archive/2025/07/").await.0, StatusCode::OK);
    post(
        &site,
        &admin,
        "/admin/settings/sections",
        &[("csrf", &token), ("key", "press-releases"), ("name_ru", "Пресс-релизы"), ("name_en", "Press releases")],
    )
    .await;
    let (status, html, _) =
        post(&site, &admin, "/admin/settings/sections", &[("csrf", &token), ("key", "archive"), ("name_en", "Clash")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a reserved word is not a section");
    assert!(html.contains("reserved"));
    let (status, _, _) = post(
        &site,
        &admin,
        "/admin/settings/languages",
        &[("csrf", &token), ("code", "kk"), ("native_name", "Қазақша"), ("site_name", "ҰҚШҰ")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post(
        &site,
        &admin,
        "/admin/settings/languages",
        &[("csrf", &token), ("code", "kk"), ("native_name", "Қазақша"), ("site_name", "ҰҚШҰ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let home = site.ok("/en/").await;
    assert_eq!(texts(&home, ".site-name"), ["CSTO Press Centre"], "served by the site cache the change invalidated");
    assert!(texts(&home, ".sections a").contains(&"Press releases".to_owned()));
    assert_eq!(site.page("/en/press-releases/").await.0, StatusCode::OK);
    assert_eq!(site.page("/kk/").await.0, StatusCode::OK, "a new language has its pages at once");
}
