//! The public record on both engines: every change readers can see — and only those — is
//! logged in the transaction of the change; minor re-saves that change nothing add nothing;
//! entries outlive their articles and cannot be altered; checkpoints, tiles and proofs agree
//! with a tree recomputed from the entries.

use pressroom_domain::{parse_publication_date, Action, Amendment, ArticleDraft, ArticleId, Lang, SectionKey, Site, Slug, Status};
use pressroom_record::tree::{unbundle, TilePath};
use pressroom_record::{open_checkpoint, Entry, Event, Frontier, LogKey};
use pressroom_store::testing::TempPostgres;
use pressroom_store::{Actor, Store};

fn draft(key: &str, status: Status) -> ArticleDraft {
    ArticleDraft {
        translation_key: key.into(),
        lang: Lang::parse("en").unwrap(),
        section: SectionKey::parse("news").unwrap(),
        slug: Slug::parse(key).unwrap(),
        title: format!("Title of {key}"),
        lead: "A lead".into(),
        body: "A body".into(),
        cover: None,
        featured: false,
        status,
        published_at: parse_publication_date("2025-06-30").unwrap(),
        tags: vec!["Council".into()],
        media: None,
        event: None,
        report_of: None,
        document: None,
    }
}

async fn events(store: &Store, id: ArticleId) -> Vec<(Event, String)> {
    store.log_history(id.0).await.unwrap().into_iter().map(|v| (v.event, v.note)).collect()
}

async fn entries(store: &Store, size: u64) -> Vec<Vec<u8>> {
    let mut all = Vec::new();
    let mut first = 0;
    while first < size {
        let tile = TilePath::bundle_of(first, size);
        all.extend(unbundle(&store.log_tile(tile).await.unwrap().expect("the bundle exists")).unwrap());
        first += tile.width;
    }
    all
}

async fn every_public_change_is_logged_once(store: &Store, url: &str) {
    store.ensure_site(&Site::standard()).await.unwrap();
    let editor = Actor::system("test");
    let key = LogKey::generate("test.example/log").unwrap();

    // An embargoed draft leaves no trace.
    let id = store.create_article(&draft("council", Status::Draft), &editor).await.unwrap();
    assert_eq!(store.log_size().await.unwrap(), 0);
    store.change_status(id, Status::Draft, Action::Publish, None, &editor).await.unwrap();
    assert_eq!(events(store, id).await, vec![(Event::Publish, String::new())]);

    let noted = Amendment::Noted("Corrected the date of the meeting.".into());
    let changed = ArticleDraft { body: "A corrected body".into(), status: Status::Published, ..draft("council", Status::Published) };
    store.update_article(id, &changed, 1, Some(&noted), &editor).await.unwrap();
    let article = store.article(id).await.unwrap();
    assert_eq!(article.change_notes.len(), 1);
    assert_eq!(article.change_notes[0].note, "Corrected the date of the meeting.");
    // A minor save that changes nothing the record holds adds nothing; one that does, logs.
    store.update_article(id, &changed, 2, Some(&Amendment::Minor), &editor).await.unwrap();
    let typo = ArticleDraft { lead: "A lead, fixed".into(), ..changed.clone() };
    store.update_article(id, &typo, 3, Some(&Amendment::Minor), &editor).await.unwrap();
    assert_eq!(
        events(store, id).await,
        vec![(Event::Publish, String::new()), (Event::Update, "Corrected the date of the meeting.".into()), (Event::Minor, String::new())]
    );
    assert_eq!(store.article(id).await.unwrap().change_notes.len(), 1, "a minor fix has no public note");

    store.change_status(id, Status::Published, Action::Unpublish, None, &editor).await.unwrap();
    store.change_status(id, Status::Draft, Action::Publish, None, &editor).await.unwrap();
    store.change_status(id, Status::Published, Action::Archive, None, &editor).await.unwrap();
    let last: Vec<Event> = events(store, id).await.into_iter().skip(3).map(|(e, _)| e).collect();
    assert_eq!(last, vec![Event::Unpublish, Event::Publish, Event::Archive]);

    // A schedule firing is a publication; deleting a published item is logged, and its
    // entries stay.
    let other = store.create_article(&draft("summit", Status::Draft), &editor).await.unwrap();
    store.change_status(other, Status::Draft, Action::Schedule, Some(1), &editor).await.unwrap();
    assert!(events(store, other).await.is_empty(), "a scheduled item is not public yet");
    assert_eq!(store.publish_due(2).await.unwrap(), vec![other]);
    store.delete_article(other, &editor).await.unwrap();
    assert_eq!(events(store, other).await.into_iter().map(|(e, _)| e).collect::<Vec<_>>(), vec![Event::Publish, Event::Delete]);
    assert_eq!(store.log_size().await.unwrap(), 8);

    // An import logs each publication; importing the same again changes nothing.
    let many: Vec<ArticleDraft> = (0..300).map(|i| draft(&format!("item-{i}"), Status::Published)).collect();
    store.import(&[], &many, &editor, &|| {}).await.unwrap();
    store.import(&[], &many, &editor, &|| {}).await.unwrap();
    assert_eq!(store.log_size().await.unwrap(), 308);

    // The entries give the tree the checkpoint signs, and one server signs each size once.
    // Two signers at once (two servers on one database): one of them signs.
    let (a, b) = tokio::join!(store.sign_log(&key), store.sign_log(&key));
    let mut signed = [a.unwrap(), b.unwrap()];
    signed.sort();
    assert_eq!(signed, [None, Some(308)]);
    assert_eq!(store.sign_log(&key).await.unwrap(), None, "nothing new to sign");
    let (size, note) = store.log_checkpoint().await.unwrap().unwrap();
    let checkpoint = open_checkpoint(note.as_bytes(), key.verifier_key()).unwrap();
    assert_eq!((size, checkpoint.size), (308, 308));
    let all = entries(store, size).await;
    let mut frontier = Frontier::empty();
    for entry in &all {
        frontier.append(entry).unwrap();
    }
    assert_eq!(frontier.root().unwrap(), checkpoint.root);
    let parsed = Entry::parse(std::str::from_utf8(&all[1]).unwrap()).unwrap();
    assert_eq!((parsed.event, parsed.address.as_str(), parsed.revision), (Event::Update, "/en/news/council", 2));
    // Hash tiles: a full one at level 0, a partial one above it.
    let full = TilePath { level: Some(0), index: 0, width: 256 };
    assert_eq!(store.log_tile(full).await.unwrap().map(|t| t.len()), Some(256 * 32));
    let upper = TilePath { level: Some(1), index: 0, width: 1 };
    assert_eq!(store.log_tile(upper).await.unwrap().map(|t| t.len()), Some(32));
    assert_eq!(store.log_tile(TilePath { level: Some(0), index: 1, width: 54 }).await.unwrap(), None, "beyond the log");

    let proof = store.log_proof(300).await.unwrap().expect("entry 300 is signed");
    assert_eq!(proof.check(key.verifier_key()).unwrap().size, 308);
    assert_eq!(proof.entry, all[300]);

    // Entries and hashes cannot be changed or removed, even by SQL behind the program's back.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    for sql in ["DELETE FROM log_entries WHERE seq = 0", "UPDATE log_entries SET note = 'x'", "DELETE FROM log_hashes"] {
        let err = sqlx::query(sql).execute(&pool).await.expect_err(sql).to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    pool.close().await;
}

#[tokio::test]
async fn every_public_change_is_logged_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("site.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    every_public_change_is_logged_once(&store, &url).await;
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set PRESSROOM_TEST_POSTGRES and pass --include-ignored (.ci/run does)"]
async fn every_public_change_is_logged_once_on_postgres() {
    let db = TempPostgres::required().await;
    let store = Store::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    every_public_change_is_logged_once(&store, db.url()).await;
    store.close().await;
}
