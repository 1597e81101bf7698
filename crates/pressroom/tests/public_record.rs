//! The public record over real HTTP: updates of published items carry change notes that
//! readers see; every logged version is listed with a proof anyone can check; `pressroom
//! verify` names a page changed behind the program's back, and catches a rewritten or cut
//! history and a checkpoint signed by another key; and Go's own sumdb verifier accepts the log.

mod common;

on_both_engines!(updates_carry_change_notes_and_every_version_is_provable);

use std::path::Path;
use std::time::Duration;

use common::process::{pressroom, pressroom_ok, within, Server};
use common::{texts, token_for, TestSite};
use pressroom_domain::{Role, Scope};
use pressroom_record::{open_checkpoint, Frontier, LogKey, ProofFile};
use reqwest::StatusCode;
use serde_json::{json, Value};

const CFM: &str = "/en/news/csto-council-of-foreign-ministers-meets-in-cholpon-ata";

async fn put(site: &TestSite, token: &str, id: i64, body: Value) -> (StatusCode, Value) {
    let response = site.client.put(format!("{}/api/v1/articles/{id}", site.base)).bearer_auth(token).json(&body).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

fn json_ld(page: &str) -> Value {
    let script = page.split("<script type=\"application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    serde_json::from_str(script).unwrap()
}

/// The proof of entry `index`, once a checkpoint covers it (one is signed within seconds).
async fn proof_of(base: &str, index: u64) -> ProofFile {
    let url = format!("{base}/log/proof/{index}.tlog-proof");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let response = reqwest::get(&url).await.unwrap();
        if response.status() == StatusCode::OK {
            return ProofFile::parse(&response.text().await.unwrap()).unwrap();
        }
        assert!(std::time::Instant::now() < deadline, "{url} was never signed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The size of the latest checkpoint at `base`, once it is more than `more_than`.
async fn signed_size(base: &str, more_than: u64) -> u64 {
    let url = format!("{base}/log/checkpoint");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let text = reqwest::get(&url).await.unwrap().text().await.unwrap();
        let size = text.lines().nth(1).and_then(|line| line.parse::<u64>().ok()).unwrap_or(0);
        if size > more_than {
            return size;
        }
        assert!(std::time::Instant::now() < deadline, "no checkpoint of more than {more_than} entries at {base}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn updates_carry_change_notes_and_every_version_is_provable(site: TestSite) {
    let token = token_for(&site, "editor@example.org", Role::Editor, &[Scope::Write, Scope::Publish, Scope::ReadDrafts]).await;
    let before = site.ok(CFM).await;
    assert!(json_ld(&before).get("dateModified").is_none(), "never updated: no dateModified");
    assert!(texts(&before, ".change-notes li").is_empty());
    let detail: Value = site.client.get(format!("{}/api/v1/articles{CFM}", site.base)).send().await.unwrap().json().await.unwrap();
    let (id, revision) = (detail["id"].as_i64().unwrap(), detail["revision"].as_i64().unwrap());

    // A change to a published item must say whether readers are told of it.
    for (body, says) in [
        (json!({"title": "CFM met", "revision": revision}), "change note"),
        (json!({"title": "CFM met", "revision": revision, "change_note": "x", "minor": true}), "not both"),
        (json!({"title": "CFM met", "revision": revision, "change_note": "  "}), "change note"),
    ] {
        let (status, error) = put(&site, &token, id, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert_eq!(error["error"]["field"], "change_note", "{error}");
        assert!(error["error"]["message"].as_str().unwrap().contains(says), "{error}");
    }
    let note = "Corrected the venue of the meeting.";
    let (status, body) =
        put(&site, &token, id, json!({"body": "The ministers met in Cholpon-Ata.", "revision": revision, "change_note": note})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = put(&site, &token, id, json!({"lead": "A lead without a typo.", "revision": revision + 1, "minor": true})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let page = site.ok(CFM).await;
    let meta = texts(&page, ".article-header .meta").join(" ");
    assert!(meta.starts_with("Published ") && meta.contains(" · Updated "), "{meta}");
    let notes = texts(&page, ".change-notes li");
    assert_eq!(notes.len(), 1, "the minor fix has no note: {notes:?}");
    assert!(notes[0].ends_with(note), "{notes:?}");
    assert!(json_ld(&page)["dateModified"].is_string());
    let feed: Value = serde_json::from_str(&site.ok("/en/feed.json").await).unwrap();
    let items = feed["items"].as_array().unwrap();
    let item = |path: &str| items.iter().find(|i| i["url"].as_str().unwrap().ends_with(path)).cloned().unwrap();
    assert!(item(CFM)["date_modified"].is_string());
    assert!(item("/en/news/csto-at-osce-annual-security-review-conference").get("date_modified").is_none());

    // The record page lists every logged version, newest first, each with a proof that
    // checks against the published key.
    let record = site.ok(&format!("{CFM}/record")).await;
    let events = texts(&record, ".record-table tbody tr td:nth-child(3)");
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events[0].starts_with("Minor fix") && events[1].starts_with(&format!("Updated: {note}")), "{events:?}");
    assert!(events[2].starts_with("Published"), "{events:?}");
    let key = site.ok("/log/key").await;
    let index: u64 = texts(&record, ".record-table tbody tr td:first-child")[1].trim_start_matches("№ ").parse().unwrap();
    let proof = proof_of(&site.base, index).await;
    proof.check(key.trim()).unwrap();
    let entry = String::from_utf8(proof.entry.clone()).unwrap();
    assert!(entry.contains(&format!("\nevent update\naddress {CFM}\n")) && entry.ends_with(&format!("note {note}\n")), "{entry}");
    assert!(!entry.contains("editor@example.org"), "no personal data in the record");
    let other = LogKey::generate(proof.checkpoint.lines().next().unwrap()).unwrap();
    assert!(proof.check(other.verifier_key()).is_err(), "a checkpoint checked against another key is refused");

    // Tiles are immutable; the checkpoint is not; a draft has no record page.
    let tile = site.get("/log/tile/entries/000.p/10").await;
    assert_eq!(tile.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(site.get("/log/checkpoint").await.headers()["cache-control"], "no-cache");
    assert_eq!(site.get("/log/tile/0/001").await.status(), StatusCode::NOT_FOUND);
    let (_, draft) = {
        let response = site
            .client
            .post(format!("{}/api/v1/articles", site.base))
            .bearer_auth(&token)
            .json(&json!({"lang": "en", "section": "news", "title": "Embargoed"}))
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert_eq!(draft["status"], "draft");
    assert_eq!(site.get("/en/news/embargoed/record").await.status(), StatusCode::NOT_FOUND);
    // A draft needs no note, but one given must still fit the documented 500 characters.
    let long = json!({"revision": 1, "change_note": "x".repeat(501)});
    let (status, error) = put(&site, &token, draft["id"].as_i64().unwrap(), long).await;
    assert_eq!((status, &error["error"]["field"]), (StatusCode::UNPROCESSABLE_ENTITY, &json!("change_note")), "{error}");
}

/// `pressroom verify` against a real server, with the state file it keeps.
fn verify(base: &str, path: &str, state: &Path, key: Option<&str>) -> (bool, String) {
    let url = format!("{base}{path}");
    let mut args = vec!["verify", &url, "--state", state.to_str().unwrap()];
    if let Some(key) = key {
        args.extend(["--key", key]);
    }
    let output = pressroom(&args);
    (output.status.success(), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

async fn sqlite(data: &Path) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&format!("sqlite://{}", data.join("pressroom.db").display())).await.unwrap()
}

/// A server on `data` (or `restarted` on its port), once its log has a checkpoint of `size` entries.
async fn serving_signed(data: &Path, size: u64, restarted: Option<Server>) -> Server {
    let server = match restarted {
        Some(server) => server.restart(data, &format!("sqlite://{}", data.join("pressroom.db").display())).await,
        None => Server::start_sqlite(data).await,
    };
    let url = format!("{}/log/checkpoint", server.base);
    within(Duration::from_secs(20), || async { reqwest::get(&url).await.unwrap().text().await.unwrap().contains(&format!("\n{size}\n")) })
        .await
        .unwrap_or_else(|| panic!("no checkpoint of {size} entries:\n{}", server.log_text()));
    server
}

#[tokio::test]
async fn verify_names_a_changed_page_and_catches_a_rewritten_history() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    let state = dir.path().join("seen.json");
    pressroom_ok(&["init", "--data", data.to_str().unwrap(), "--demo", "--log-name", "news.example.org/log"]);
    let mode = std::fs::metadata(data.join("log.key")).unwrap();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777, 0o600, "the private key is the owner's alone");
    let server = serving_signed(&data, 26, None).await;

    let (ok, out) = verify(&server.base, CFM, &state, None);
    assert!(ok && out.contains("matches the public record"), "{out}");
    let key = LogKey::parse(&std::fs::read_to_string(data.join("log.key")).unwrap()).unwrap();
    assert!(!out.contains(key.private_text()) && !server.log_text().contains(key.private_text()), "the private key is never shown");

    // A quiet edit in the database: the page no longer matches its last entry, and says so.
    let pool = sqlite(&data).await;
    sqlx::query("UPDATE articles SET body = body || ' (amended)' WHERE slug = 'csto-council-of-foreign-ministers-meets-in-cholpon-ata' AND lang = 'en'")
        .execute(&pool)
        .await
        .unwrap();
    let server = serving_signed(&data, 26, Some(server)).await;
    let (ok, out) = verify(&server.base, CFM, &state, None);
    assert!(!ok && out.contains(&format!("{}{CFM} does not match the public record", server.base)), "{out}");

    // Checked against another key, the checkpoint is refused.
    let stranger = LogKey::generate("news.example.org/log").unwrap();
    let (ok, out) = verify(&server.base, "/", &dir.path().join("fresh.json"), Some(stranger.verifier_key()));
    assert!(!ok && out.contains("not signed by the log's key"), "{out}");

    // An intruder with the database and the key rewrites an old entry and signs anew: whoever
    // kept the earlier checkpoint sees the history changed.
    sqlx::query("DROP TRIGGER log_entries_append_only_update").execute(&pool).await.unwrap();
    sqlx::query("UPDATE log_entries SET entry = replace(entry, 'revision 1', 'revision 7') WHERE seq = 0").execute(&pool).await.unwrap();
    resign(&pool, &key, 26).await;
    let server = serving_signed(&data, 26, Some(server)).await;
    let (ok, out) = verify(&server.base, "/", &state, None);
    assert!(!ok && out.contains("was rewritten"), "{out}");

    // …or cuts it short.
    sqlx::query("DROP TRIGGER log_entries_append_only_delete").execute(&pool).await.unwrap();
    sqlx::query("DELETE FROM log_entries WHERE seq >= 6").execute(&pool).await.unwrap();
    sqlx::query("UPDATE log_state SET size = 6, signed_size = 6").execute(&pool).await.unwrap();
    resign(&pool, &key, 6).await;
    let server = serving_signed(&data, 6, Some(server)).await;
    let (ok, out) = verify(&server.base, "/", &state, None);
    assert!(!ok && out.contains("shrank from 26 to 6"), "{out}");
    pool.close().await;
}

/// Signs the first `size` entries as they now stand, replacing every checkpoint.
async fn resign(pool: &sqlx::AnyPool, key: &LogKey, size: u64) {
    let entries: Vec<(String,)> =
        sqlx::query_as("SELECT entry FROM log_entries WHERE seq < $1 ORDER BY seq").bind(size as i64).fetch_all(pool).await.unwrap();
    let mut frontier = Frontier::empty();
    for (entry,) in &entries {
        frontier.append(entry.as_bytes()).unwrap();
    }
    let note = key.sign_checkpoint(size, frontier.root().unwrap()).unwrap();
    open_checkpoint(note.as_bytes(), key.verifier_key()).unwrap();
    sqlx::query("DELETE FROM log_checkpoints").execute(pool).await.unwrap();
    sqlx::query("INSERT INTO log_checkpoints (size, note, signed_at) VALUES ($1, $2, 0)")
        .bind(size as i64)
        .bind(note)
        .execute(pool)
        .await
        .unwrap();
}

/// Go's `golang.org/x/mod/sumdb/note` and `…/tlog` check the signature, the consistency of two
/// checkpoints and every entry's inclusion, reading the tiles over HTTP.
#[tokio::test]
#[ignore = "needs Go and golang.org/x/mod (Debian: golang-go golang-golang-x-mod-dev): set PRESSROOM_TEST_GO and pass --include-ignored (.ci/run does)"]
async fn gos_own_verifier_accepts_the_log() {
    assert!(std::env::var_os("PRESSROOM_TEST_GO").is_some(), "set PRESSROOM_TEST_GO to run this test");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("site");
    pressroom_ok(&["init", "--data", data.to_str().unwrap(), "--demo"]);
    let server = serving_signed(&data, 26, None).await;
    let old = dir.path().join("old.checkpoint");
    std::fs::write(&old, reqwest::get(format!("{}/log/checkpoint", server.base)).await.unwrap().text().await.unwrap()).unwrap();
    // Past a full tile at level 0, so that level 1 and partial tiles are read too.
    pressroom_ok(&["generate", "--data", data.to_str().unwrap(), "--articles", "600", "--seed", "3"]);
    let size = signed_size(&server.base, 512).await;
    let program = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tlogcheck");
    let binary = dir.path().join("tlogcheck");
    let build = std::process::Command::new("go")
        .args(["build", "-o", binary.to_str().unwrap(), "."])
        .current_dir(&program)
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .env("GOCACHE", dir.path().join("gocache"))
        .output()
        .expect("go runs");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let key = reqwest::get(format!("{}/log/key", server.base)).await.unwrap().text().await.unwrap();
    let check = std::process::Command::new(&binary).args([&server.base, key.trim(), old.to_str().unwrap()]).output().unwrap();
    let out = format!("{}{}", String::from_utf8_lossy(&check.stdout), String::from_utf8_lossy(&check.stderr));
    assert!(check.status.success() && out.contains(&format!("ok: checkpoint of {size} entries")), "{out}");
    // A checkpoint it must refuse: signed by another key.
    let stranger = LogKey::generate(key.split('+').next().unwrap()).unwrap();
    let check = std::process::Command::new(&binary).args([&server.base, stranger.verifier_key(), old.to_str().unwrap()]).output().unwrap();
    assert!(!check.status.success(), "Go refuses a checkpoint checked against another key");
}
