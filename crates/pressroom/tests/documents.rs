//! The register of documents: filters and sorting, each document's details and relations both
//! ways with schema.org `Legislation`, a document made through the Admin API with a PDF whose
//! text is searched in its language, found by its number, its facts followed by its translation
//! — on SQLite and, when configured, PostgreSQL.

mod common;

use common::{attributes, texts, token_for, TestSite};
use pressroom_domain::{Role, Scope};
use reqwest::StatusCode;
use serde_json::{json, Value};

on_both_engines!(the_register_filters_sorts_and_shows_relations_both_ways, a_document_with_its_pdf_is_found_by_its_words_and_number,);

const EN_DECISION_7: &str = "/en/documents/decision-7-plan-against-terrorism-2022-2024";
const EN_DECISION_12: &str = "/en/documents/decision-12-plan-against-terrorism-2025-2027";

fn titles_of(html: &str) -> Vec<String> {
    texts(html, ".register li > a")
}

async fn the_register_filters_sorts_and_shows_relations_both_ways(site: TestSite) {
    // Latest adopted first; each with its citation, body and status.
    let register = site.ok("/en/documents/").await;
    assert_eq!(attributes(&register, ".register li > a", "href").len(), 4);
    assert_eq!(titles_of(&register)[3], "On the Plan of Collective Measures against International Terrorism for 2022–2024");
    assert!(texts(&register, ".register .citation")[3].starts_with("Decision No. 7 of 30 November 2021"));
    assert_eq!(texts(&register, ".register .document-status")[3], "Superseded");
    // Each filter, alone and together, with the choice kept in the form.
    let count = |html: String| titles_of(&html).len();
    assert_eq!(count(site.ok("/en/documents/?type=statement").await), 1);
    assert_eq!(count(site.ok("/en/documents/?body=Collective+Security+Council").await), 2);
    assert_eq!(count(site.ok("/en/documents/?year=2025").await), 2);
    assert_eq!(count(site.ok("/en/documents/?status=superseded").await), 1);
    assert_eq!(count(site.ok("/en/documents/?type=decision&year=2025&status=in_force").await), 1);
    assert_eq!(count(site.ok("/en/documents/?type=report").await), 0);
    let filtered = site.ok("/en/documents/?type=decision&year=2021").await;
    assert_eq!(attributes(&filtered, "#r-type option[selected]", "value"), ["decision"]);
    assert_eq!(attributes(&filtered, "#r-year option[selected]", "value"), ["2021"]);
    assert_eq!(attributes(&filtered, "link[rel=canonical]", "href")[0].split_once("/en/").unwrap().1, "documents/?type=decision&year=2021");
    // Sorted by number as numbers (2, 3, 7, 12), or oldest first.
    let by_number = site.ok("/en/documents/?sort=number").await;
    let numbers: Vec<String> = texts(&by_number, ".register .citation").iter().map(|c| c.split(' ').nth(2).unwrap().to_owned()).collect();
    assert_eq!(numbers, ["2", "3", "7", "12"]);
    assert_eq!(titles_of(&site.ok("/en/documents/?sort=oldest").await)[0], titles_of(&register)[3]);
    // The Russian register lists the Russian versions with Russian names.
    let russian = site.ok("/ru/documents/?body=%D0%A1%D0%BE%D0%B2%D0%B5%D1%82+%D0%BA%D0%BE%D0%BB%D0%BB%D0%B5%D0%BA%D1%82%D0%B8%D0%B2%D0%BD%D0%BE%D0%B9+%D0%B1%D0%B5%D0%B7%D0%BE%D0%BF%D0%B0%D1%81%D0%BD%D0%BE%D1%81%D1%82%D0%B8").await;
    assert_eq!(texts(&russian, ".register .document-status"), ["Действует", "Заменён"]);
    // What the register cannot read is a 400 that says so; a page past the last, a 404.
    for bad in ["?year=25", "?status=repealed", "?sort=random", "?type=edict"] {
        let (status, html) = site.page(&format!("/en/documents/{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(html.contains("The register has no such filter"), "{bad}");
    }
    assert_eq!(site.page("/en/documents/?page=2").await.0, StatusCode::NOT_FOUND);

    // A document's page: its details, and its history both ways.
    let decision = site.ok(EN_DECISION_7).await;
    assert_eq!(texts(&decision, ".document-facts dd")[..5], ["Decision", "7", "30 November 2021", "Moscow", "Collective Security Council"]);
    assert_eq!(texts(&decision, ".document-facts .document-status"), ["Superseded"]);
    assert_eq!(texts(&decision, ".document-history .relation"), ["Amended by", "Superseded by"]);
    assert_eq!(attributes(&decision, ".document-history a", "href")[1], EN_DECISION_12);
    let later = site.ok(EN_DECISION_12).await;
    assert_eq!(texts(&later, ".document-history .relation"), ["Supersedes"]);
    assert_eq!(attributes(&later, ".document-history a", "href"), [EN_DECISION_7]);
    let json_ld: Value = serde_json::from_str(&texts(&later, "script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(json_ld["@type"], "Legislation");
    assert_eq!(json_ld["legislationIdentifier"], "12");
    assert_eq!(json_ld["legislationDate"], "2025-06-30");
    assert_eq!(json_ld["legislationLegalForce"], "https://schema.org/InForce");
    assert_eq!(json_ld["legislationPassedBy"]["name"], "Council of Foreign Ministers");
    assert!(json_ld["legislationChanges"][0]["url"].as_str().unwrap().ends_with(EN_DECISION_7));
    // The adopting body is a tag whose page lists what it adopted.
    assert_eq!(texts(&site.ok("/en/tags/collective-security-council").await, ".news-title").len(), 2);
}

async fn a_document_with_its_pdf_is_found_by_its_words_and_number(site: TestSite) {
    let editor = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write, Scope::Publish]).await;
    let client = reqwest::Client::new();
    let types: Value = client.get(format!("{}/api/v1/document-types", site.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(types[0], json!({"key": "decision", "names": {"en": "Decision", "ru": "Решение"}}));

    // The Russian text of the agreement, as a PDF in the media library.
    let pdf = pressroom_search::text_pdf(&[
        "Соглашение о совместной системе противовоздушной обороны",
        "Статья 1. Стороны создают объединённую систему.",
    ]);
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(pdf).file_name("soglashenie-44.pdf"));
    let response = client.post(format!("{}/api/v1/media", site.base)).bearer_auth(&editor).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let media: Value = response.json().await.unwrap();

    // Creates a draft; `publish` publishes it.
    let create = |body: Value| {
        let client = client.clone();
        let (base, token) = (site.base.clone(), editor.clone());
        async move {
            let response = client.post(format!("{base}/api/v1/articles")).bearer_auth(&token).json(&body).send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let publish = |created: &str| {
        let id = serde_json::from_str::<Value>(created).unwrap()["id"].clone();
        let client = client.clone();
        let (base, token) = (site.base.clone(), editor.clone());
        async move {
            let response = client
                .post(format!("{base}/api/v1/articles/{id}/status"))
                .bearer_auth(&token)
                .json(&json!({"action": "publish"}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<Value>().await.unwrap()
        }
    };
    let facts = json!({"type": "agreement", "number": "44", "adopted_on": "2026-05-15", "body": "Совет коллективной безопасности", "place": "Астана"});
    let (status, body) = create(json!({
        "lang": "ru", "section": "documents", "title": "Соглашение о системе ПВО", "translation_key": "2026-agreement-44",
        "body": "Текст соглашения прилагается.", "attachments": [media["id"]], "document": facts,
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created = publish(&body).await;
    assert_eq!(created["document"]["number"], "44");
    assert_eq!(created["document"]["adopted_on"], "2026-05-15");
    let (status, body) = create(json!({
        "lang": "en", "section": "documents", "title": "Agreement on the air defence system", "translation_key": "2026-agreement-44",
        "document": {"type": "agreement", "number": "44", "adopted_on": "2026-05-15", "body": "Collective Security Council"},
    }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let english = publish(&body).await;
    let english_path = english["url"].as_str().unwrap().trim_start_matches(site.base.as_str()).to_owned();

    // Found by a word that only its PDF has, in the PDF's language, and by its number.
    let found = |path: String| {
        let site = &site;
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
            loop {
                let hrefs = attributes(&site.ok(&path).await, ".search-results a", "href");
                if hrefs.iter().any(|h| h.contains("/documents/")) || std::time::Instant::now() > deadline {
                    return hrefs.into_iter().filter(|h| h.contains("/documents/")).collect::<Vec<_>>();
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    };
    // противовоздушная (only in the PDF, in another form) finds the Russian version.
    let ru_hits =
        found("/ru/search?q=%D0%BF%D1%80%D0%BE%D1%82%D0%B8%D0%B2%D0%BE%D0%B2%D0%BE%D0%B7%D0%B4%D1%83%D1%88%D0%BD%D0%B0%D1%8F".into()).await;
    assert_eq!(ru_hits.len(), 1, "{ru_hits:?}");
    assert!(ru_hits[0].starts_with("/ru/documents/"));
    for query in ["%E2%84%96+44", "44%2F2026"] {
        let hits = found(format!("/en/search?q={query}")).await;
        assert_eq!(hits, [english_path.clone()], "{query}");
    }

    // Terminating the English version terminates the item: the Russian register follows.
    let update = json!({"revision": english["revision"], "change_note": "The agreement was terminated.",
        "document": {"type": "agreement", "number": "44", "adopted_on": "2026-05-15", "body": "Collective Security Council", "status": "terminated", "status_since": "2026-11-01"}});
    let response =
        client.put(format!("{}/api/v1/articles/{}", site.base, english["id"])).bearer_auth(&editor).json(&update).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let terminated = site.ok("/ru/documents/?status=terminated").await;
    assert_eq!(titles_of(&terminated), ["Соглашение о системе ПВО"]);
    let russian_page = site.ok(&attributes(&terminated, ".register li > a", "href")[0]).await;
    assert!(texts(&russian_page, ".document-facts dd").contains(&"Совет коллективной безопасности".to_owned()), "its own names stay");
    assert_eq!(texts(&russian_page, ".attachments a"), ["soglashenie-44.pdf"]);

    // Bad facts are named, and nothing is saved.
    for (bad, field) in [
        (json!({"type": "edict", "number": "1", "adopted_on": "2026-01-01"}), "document_type"),
        (json!({"type": "decision", "number": "", "adopted_on": "2026-01-01"}), "document_number"),
        (json!({"type": "decision", "number": "1", "adopted_on": "15.05.2026"}), "document_adopted_on"),
        (json!({"type": "decision", "number": "1", "adopted_on": "2026-01-01", "status": "repealed"}), "document_status"),
    ] {
        let (status, body) = create(json!({"lang": "en", "section": "documents", "title": "Bad", "document": bad})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body.contains(field), "{body}");
    }
    let (status, body) = create(json!({"lang": "en", "section": "documents", "title": "No facts"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a document needs its facts: {body}");
    assert_eq!(titles_of(&site.ok("/en/documents/?year=2026").await).len(), 1);
}
