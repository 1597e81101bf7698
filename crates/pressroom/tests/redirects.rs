//! Old addresses that answer 301: the redirect table as a CSV list and the back office fill it,
//! and every server answers from memory — on SQLite and, when configured, PostgreSQL.

mod common;

use common::{attributes, sign_in, TestSite, PASSWORD};
use pressroom_domain::Role;
use pressroom_store::Actor;
use reqwest::StatusCode;

on_both_engines!(
    a_csv_list_redirects_old_addresses_with_their_queries,
    admins_add_and_delete_redirects_in_the_back_office,
    a_table_of_articles_comes_in_with_its_old_addresses,
);

/// Where `path` leads, if it answers 301.
async fn location(site: &TestSite, path: &str) -> (StatusCode, Option<String>) {
    let response = site.get(path).await;
    let to = response.headers().get("location").map(|l| l.to_str().unwrap().to_owned());
    (response.status(), to)
}

fn write_list(site: &TestSite, name: &str, text: &str) -> std::path::PathBuf {
    let path = site.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

async fn a_csv_list_redirects_old_addresses_with_their_queries(site: TestSite) {
    let list = write_list(
        &site,
        "bitrix.csv",
        "old,new\n\
         /news/detail.php?ELEMENT_ID=123,/en/news/csto-secretariat-delegation-visits-patriot-park\n\
         https://old.example.org/press/index.php?ID=5,/en/\n\
         \"/новости/встреча/\",https://archive.example.org/meeting\n\
         /about/,/en/news/\n",
    );
    let written = pressroom_transfer::import_redirects(&site.store, &list).await.unwrap();
    assert_eq!(written, 4);

    let article = "/en/news/csto-secretariat-delegation-visits-patriot-park";
    for (old, to) in [
        ("/news/detail.php?ELEMENT_ID=123", article.to_owned()),
        ("/news/detail.php?ELEMENT_ID=123&utm_source=mail", article.to_owned()),
        ("/press/index.php?ID=5", "/en/".to_owned()),
        (
            "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0/",
            "https://archive.example.org/meeting".to_owned(),
        ),
        ("/about", "/en/news/".to_owned()),
        // A rule without a query passes the request's query on.
        ("/about/?page=2", "/en/news/?page=2".to_owned()),
    ] {
        assert_eq!(location(&site, old).await, (StatusCode::MOVED_PERMANENTLY, Some(to)), "GET {old}");
    }
    for missing in ["/news/detail.php?ELEMENT_ID=124", "/news/detail.php", "/press/index.php"] {
        assert_eq!(site.get(missing).await.status(), StatusCode::NOT_FOUND, "GET {missing}");
    }
    assert_eq!(site.get(article).await.status(), StatusCode::OK, "the site's own pages are untouched");

    // The same list again changes nothing; a changed target replaces the old one.
    assert_eq!(pressroom_transfer::import_redirects(&site.store, &list).await.unwrap(), 0);
    let moved = write_list(&site, "moved.csv", "/about/,/ru/\n");
    assert_eq!(pressroom_transfer::import_redirects(&site.store, &moved).await.unwrap(), 1);
    assert_eq!(location(&site, "/about").await.1.as_deref(), Some("/ru/"));
    assert_eq!(site.store.redirect_count().await.unwrap(), 4);

    // Every problem of a list is named by its line, and nothing of it is saved.
    let bad = write_list(
        &site,
        "bad.csv",
        "/ok,/en/\n/admin/users,/en/\nnot-a-path,/en/\n/loop/,/loop\n/js,javascript:alert(1)\n/three,/en/,extra\n",
    );
    let message = pressroom_transfer::import_redirects(&site.store, &bad).await.unwrap_err().to_string();
    for expected in [
        "line 2: /admin/users belongs to Pressroom",
        "line 3: an old address must be a path",
        "line 4: /loop would redirect to itself",
        "line 5: a target must be",
        "line 6: 3 columns",
    ] {
        assert!(message.contains(expected), "{expected:?} in {message}");
    }
    assert_eq!(site.get("/ok").await.status(), StatusCode::NOT_FOUND);

    // Chains are refused both ways: to an old address, and from an address something leads to.
    let chain = write_list(&site, "chain.csv", "/old-home,/about\n");
    let message = pressroom_transfer::import_redirects(&site.store, &chain).await.unwrap_err().to_string();
    assert!(message.contains("line 1: /about itself redirects to /ru/"), "{message}");
    let reverse = write_list(&site, "reverse.csv", "/en,/ru/\n");
    let message = pressroom_transfer::import_redirects(&site.store, &reverse).await.unwrap_err().to_string();
    assert!(message.contains("/press/index.php?ID=5 redirects to /en"), "{message}");
}

async fn admins_add_and_delete_redirects_in_the_back_office(site: TestSite) {
    for (email, role) in [("admin@example.org", Role::Admin), ("editor@example.org", Role::Editor)] {
        let hash = pressroom_web::auth::hash_password(PASSWORD);
        site.store.create_user(email, email, role, &hash, &Actor::system("test")).await.unwrap();
    }
    let editor = sign_in(&site.base, "editor@example.org", PASSWORD).await;
    let status = editor.get(format!("{}/admin/redirects", site.base)).send().await.unwrap().status();
    assert_eq!(status, StatusCode::FORBIDDEN, "only admins keep redirects");

    let admin = sign_in(&site.base, "admin@example.org", PASSWORD).await;
    let html = admin.get(format!("{}/admin/redirects", site.base)).send().await.unwrap().text().await.unwrap();
    let csrf = attributes(&html, "input[name=csrf]", "value").remove(0);
    let post = |fields: Vec<(&'static str, String)>| {
        let admin = admin.clone();
        let url = format!("{}/admin/redirects", site.base);
        async move { admin.post(url).form(&fields).send().await.unwrap() }
    };

    let without_token = post(vec![("old", "/x".into()), ("target", "/en/".into())]).await;
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN, "the form needs its CSRF token");

    let added = post(vec![("csrf", csrf.clone()), ("old", "/press/index.php?ID=7".into()), ("target", "/en/news/".into())]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&site, "/press/index.php?ID=7").await, (StatusCode::MOVED_PERMANENTLY, Some("/en/news/".into())));

    let chain = post(vec![("csrf", csrf.clone()), ("old", "/old".into()), ("target", "/press/index.php?ID=7".into())]).await;
    assert_eq!(chain.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = chain.text().await.unwrap();
    assert!(html.contains("itself redirects to /en/news/"), "the chain is explained");
    assert_eq!(attributes(&html, "#r-old", "value"), ["/old"], "what was typed is kept");

    let reserved = post(vec![("csrf", csrf.clone()), ("old", "/admin/".into()), ("target", "/en/".into())]).await;
    assert_eq!(reserved.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let html = admin.get(format!("{}/admin/redirects", site.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("/press/index.php?ID=7"));
    let delete = attributes(&html, "form[action$='/delete']", "action").remove(0);
    let deleted = admin.post(format!("{}{delete}", site.base)).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(site.get("/press/index.php?ID=7").await.status(), StatusCode::NOT_FOUND);

    let audit = site.store.audit_entries("", "redirects", 1).await.unwrap().items;
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["redirects.delete", "redirects.add"], "the refusals changed nothing");
}

async fn a_table_of_articles_comes_in_with_its_old_addresses(site: TestSite) {
    use pressroom_transfer::{import_table, Quiet, TableFormat};
    // A Bitrix news table, as a spreadsheet saves it: quoted cells, a body over several lines.
    let csv = write_list(
        &site,
        "bitrix.csv",
        "title,lang,section,slug,date,lead,tags,translation,status,body,old_url\n\
         Council meets in Yerevan,en,news,council-meets-in-yerevan,2019-11-28,\"The Council, in full.\",Council; Armenia,bx-501,published,\"First paragraph.\n\nSecond, with a comma.\",/news/detail.php?ELEMENT_ID=501 https://old.example.org/en/news/501/\n\
         Совет собрался в Ереване,ru,news,sovet-v-erevane,2019-11-28,,Совет,bx-501,published,Текст.,/news/detail.php?ELEMENT_ID=502\n",
    );
    let report = import_table(&site.store, &csv, TableFormat::Csv, &Quiet).await.unwrap();
    assert_eq!((report.created, report.updated), (2, 0));
    let html = site.ok("/en/news/council-meets-in-yerevan").await;
    assert!(html.contains("<p>Second, with a comma.</p>") && html.contains("The Council, in full."));
    assert!(attributes(&html, "article a", "href").contains(&"/ru/news/sovet-v-erevane".to_owned()), "one item in two languages");
    for (old, new) in [
        ("/news/detail.php?ELEMENT_ID=501", "/en/news/council-meets-in-yerevan"),
        ("/en/news/501", "/en/news/council-meets-in-yerevan"),
        ("/news/detail.php?ELEMENT_ID=502", "/ru/news/sovet-v-erevane"),
    ] {
        assert_eq!(location(&site, old).await, (StatusCode::MOVED_PERMANENTLY, Some(new.to_owned())), "GET {old}");
    }
    // Again: updated, not duplicated.
    let report = import_table(&site.store, &csv, TableFormat::Csv, &Quiet).await.unwrap();
    assert_eq!((report.created, report.updated), (0, 2));

    let jsonl = write_list(
        &site,
        "drupal.jsonl",
        "{\"title\": \"Exercise in Tajikistan\", \"lang\": \"en\", \"section\": \"news\", \"date\": \"2021-10-20T08:00\", \"tags\": [\"Exercise\", \"Tajikistan\"], \"featured\": true, \"body\": \"Troops trained.\", \"old_url\": [\"/node/77\", \"/?q=node/77\"]}\n\n",
    );
    import_table(&site.store, &jsonl, TableFormat::JsonLines, &Quiet).await.unwrap();
    assert_eq!(location(&site, "/node/77").await, (StatusCode::MOVED_PERMANENTLY, Some("/en/news/exercise-in-tajikistan".into())));
    assert_eq!(location(&site, "/?q=node/77").await.1.as_deref(), Some("/en/news/exercise-in-tajikistan"));

    // Every row's problems, by line; nothing saved.
    let bad = write_list(
        &site,
        "bad.jsonl",
        "{\"title\": \"Fine\", \"lang\": \"en\", \"section\": \"news\", \"body\": \"x\"}\n\
         {\"title\": \"No section\", \"lang\": \"en\", \"body\": \"x\"}\n\
         {\"title\": \"Odd\", \"lang\": \"en\", \"section\": \"news\", \"colour\": \"red\"}\n\
         {\"title\": \"Bad\", \"lang\": \"en\", \"section\": \"news\", \"featured\": \"maybe\", \"old_url\": \"/admin/x\"}\n\
         not json\n",
    );
    let message = import_table(&site.store, &bad, TableFormat::JsonLines, &Quiet).await.unwrap_err().to_string();
    for expected in [
        "bad.jsonl, line 2: ",
        "bad.jsonl, line 3: not a row of the table: unknown field `colour`",
        "line 4: featured is \"maybe\"; use true or false; old_url: /admin/x belongs to Pressroom",
        "line 5: not a row of the table",
    ] {
        assert!(message.contains(expected), "{expected:?} in {message}");
    }
    assert_eq!(site.get("/en/news/fine").await.status(), StatusCode::NOT_FOUND);
}
