//! What the public record costs (a benchmark, not a test): `cargo bench -p pressroom_store --bench record`.
//!
//! - an import of N versions published (N log entries appended) against the same import as
//!   drafts (none), each into a new SQLite site;
//! - a save of a published article (an update with a change note: one entry) against the same
//!   save of a draft (no entry), alternated, medians and their ratio; and likewise publishing
//!   against submitting for review;
//! - an inclusion proof read for a random entry of the N-entry log, p50 and p99.
//!
//! `PRESSROOM_BENCH_ENTRIES` sets N (default 100,000). With `PRESSROOM_TEST_POSTGRES` set (a
//! server where databases may be created, as for the tests) it runs on PostgreSQL instead.

use std::time::{Duration, Instant};

use pressroom_domain::{parse_publication_date, Action, Amendment, ArticleDraft, Lang, SectionKey, Site, Slug, Status};
use pressroom_record::LogKey;
use pressroom_store::testing::TempPostgres;
use pressroom_store::{Actor, Store};

fn draft(i: usize, status: Status) -> ArticleDraft {
    ArticleDraft {
        translation_key: format!("item-{i}"),
        lang: Lang::parse(if i.is_multiple_of(2) { "en" } else { "ru" }).unwrap(),
        section: SectionKey::parse("news").unwrap(),
        slug: Slug::parse(&format!("item-{i}")).unwrap(),
        title: format!("The council met for the {i}th time"),
        lead: "Ministers discussed regional security and the year's joint exercises.".into(),
        body: "The meeting was held in Moscow. ".repeat(40),
        cover: None,
        featured: false,
        status,
        published_at: parse_publication_date("2025-06-30").unwrap() - time::Duration::hours(i as i64),
        tags: vec!["Council".into(), format!("Topic {}", i % 50)],
        media: None,
        event: None,
        report_of: None,
        document: None,
    }
}

/// A new site: a SQLite file in `dir`, or a new PostgreSQL database kept in `databases`.
async fn new_site(dir: &std::path::Path, name: &str, databases: &mut Vec<TempPostgres>) -> Store {
    let url = match TempPostgres::from_env().await {
        Some(db) => {
            let url = db.url().to_owned();
            databases.push(db);
            url
        }
        None => format!("sqlite://{}", dir.join(name).display()),
    };
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    store.ensure_site(&Site::standard()).await.unwrap();
    store
}

async fn import(store: &Store, n: usize, status: Status) -> Duration {
    let actor = Actor::system("bench");
    let start = Instant::now();
    let mut session = store.begin_import(&[], &actor).await.unwrap();
    for i in 0..n {
        session.save(draft(i, status), Vec::new()).await.unwrap();
    }
    session.commit().await.unwrap();
    start.elapsed()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn percentile(samples: &[Duration], p: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let n: usize = std::env::var("PRESSROOM_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut databases = Vec::new();
        let drafts = new_site(dir.path(), "drafts.db", &mut databases).await;
        println!("on {:?}", drafts.engine());
        let without = import(&drafts, n, Status::Draft).await;
        drafts.close().await;
        let store = new_site(dir.path(), "published.db", &mut databases).await;
        let with = import(&store, n, Status::Published).await;
        assert_eq!(store.log_size().await.unwrap(), n as u64);
        println!(
            "import of {n} versions: as drafts {:.1} s, published (+{n} log entries) {:.1} s: the log adds {:.1} s",
            without.as_secs_f64(),
            with.as_secs_f64(),
            with.as_secs_f64() - without.as_secs_f64()
        );

        let actor = Actor::system("bench");
        let draft_id = store.create_article(&draft(n, Status::Draft), &actor).await.unwrap();
        let published_id = store.create_article(&draft(n + 1, Status::Draft), &actor).await.unwrap();
        store.change_status(published_id, Status::Draft, Action::Publish, None, &actor).await.unwrap();
        let (mut plain, mut logged) = (Vec::new(), Vec::new());
        for round in 0..200usize {
            let body = format!("Round {round}. ").repeat(30);
            let edit = ArticleDraft { body: body.clone(), ..draft(n, Status::Draft) };
            let start = Instant::now();
            store.update_article(draft_id, &edit, round as i64 + 1, None, &actor).await.unwrap();
            plain.push(start.elapsed());
            let edit = ArticleDraft { body, ..draft(n + 1, Status::Published) };
            let note = Amendment::Noted(format!("Correction {round}."));
            let start = Instant::now();
            store.update_article(published_id, &edit, round as i64 + 1, Some(&note), &actor).await.unwrap();
            logged.push(start.elapsed());
        }
        let (plain, logged) = (median(plain), median(logged));
        println!(
            "a save, median of 200: of a draft {:.2} ms, of a published item with its log entry {:.2} ms (ratio {:.2})",
            ms(plain),
            ms(logged),
            logged.as_secs_f64() / plain.as_secs_f64()
        );

        // The publish step itself, against another step of the same workflow that logs nothing.
        let (mut submit, mut publish) = (Vec::new(), Vec::new());
        for round in 0..200usize {
            let a = store.create_article(&draft(n + 10 + 2 * round, Status::Draft), &actor).await.unwrap();
            let b = store.create_article(&draft(n + 11 + 2 * round, Status::Draft), &actor).await.unwrap();
            let start = Instant::now();
            store.change_status(a, Status::Draft, Action::Submit, None, &actor).await.unwrap();
            submit.push(start.elapsed());
            let start = Instant::now();
            store.change_status(b, Status::Draft, Action::Publish, None, &actor).await.unwrap();
            publish.push(start.elapsed());
        }
        let (submit, publish) = (median(submit), median(publish));
        println!(
            "a workflow step, median of 200: submit for review {:.2} ms, publish with its log entry {:.2} ms (ratio {:.2})",
            ms(submit),
            ms(publish),
            publish.as_secs_f64() / submit.as_secs_f64()
        );

        let key = LogKey::generate("bench.example/log").unwrap();
        store.sign_log(&key).await.unwrap();
        let size = store.log_size().await.unwrap();
        let mut proofs = Vec::new();
        for i in 0..2000u64 {
            let index = (i * 7919) % size;
            let start = Instant::now();
            store.log_proof(index).await.unwrap().expect("signed");
            proofs.push(start.elapsed());
        }
        println!(
            "an inclusion proof in a log of {size}: p50 {:.3} ms, p99 {:.3} ms (2,000 random entries)",
            ms(percentile(&proofs, 0.5)),
            ms(percentile(&proofs, 0.99))
        );
        store.close().await;
    });
}
