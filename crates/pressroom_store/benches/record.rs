//! What the public record costs (a benchmark, not a test):
//! `cargo bench -p pressroom_store --features bench --bench record`.
//!
//! - an import of N versions published (N log entries appended) against the same import as
//!   drafts (none), each into a new site, and the first checkpoint after it, which hashes the
//!   N entries into the tree;
//! - a save of a published article (an update with a change note: one entry) and a publish,
//!   each against the same change with the public record switched off (the store's `bench`
//!   feature), on the same database, taking turns at going first: medians and their ratio, what
//!   the log itself adds to a change;
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
        lang: Lang::parse(if i % 2 == 0 { "en" } else { "ru" }).unwrap(),
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

/// Rounds of each comparison.
const ROUNDS: usize = 400;

/// The order of a round's two timings: the change without its entry (0) and with it (1) take
/// turns at going first.
fn turns(round: usize) -> [usize; 2] {
    if round % 2 == 0 {
        [0, 1]
    } else {
        [1, 0]
    }
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

/// Prints the medians of a change without its log entry and with it, and what the entry adds.
fn report(change: &str, [without, with]: [Vec<Duration>; 2]) {
    let (without, with) = (median(without), median(with));
    println!(
        "{change}, median of {ROUNDS}: without the public record {:.3} ms, with its entry {:.3} ms: the log adds {:+.1}%",
        ms(without),
        ms(with),
        100.0 * (with.as_secs_f64() / without.as_secs_f64() - 1.0)
    );
}

fn main() {
    let n: usize = std::env::var("PRESSROOM_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut databases = Vec::new();
        // A first import, untimed, so that neither timed one pays for starting the engine's
        // caches (on PostgreSQL the first of two equal imports took seconds longer).
        let warm_up = new_site(dir.path(), "warm-up.db", &mut databases).await;
        println!("on {:?}", warm_up.engine());
        import(&warm_up, n / 10, Status::Published).await;
        warm_up.close().await;
        let drafts = new_site(dir.path(), "drafts.db", &mut databases).await;
        let without = import(&drafts, n, Status::Draft).await;
        drafts.close().await;
        let store = new_site(dir.path(), "published.db", &mut databases).await;
        let with = import(&store, n, Status::Published).await;
        assert_eq!(store.log_size().await.unwrap(), n as u64);
        let key = LogKey::generate("bench.example/log").unwrap();
        let start = Instant::now();
        store.sign_log(&key).await.unwrap();
        let signing = start.elapsed();
        println!(
            "import of {n} versions: as drafts {:.1} s, published (+{n} log entries) {:.1} s: the log adds {:.1} s; \
             the first checkpoint after it (hashing the {n} entries) {:.1} s",
            without.as_secs_f64(),
            with.as_secs_f64(),
            with.as_secs_f64() - without.as_secs_f64(),
            signing.as_secs_f64()
        );

        let actor = Actor::system("bench");
        let unlogged = store.without_public_record();
        let stores = [&unlogged, &store];
        let mut ids = Vec::new();
        for i in [n, n + 1] {
            let id = store.create_article(&draft(i, Status::Draft), &actor).await.unwrap();
            store.change_status(id, Status::Draft, Action::Publish, None, &actor).await.unwrap();
            ids.push(id);
        }
        // Each round times both, taking turns at going first: whichever save of a pair runs
        // second finds the other's pages fresh in the database's cache, and that must not count
        // for or against either.
        let mut saves = [Vec::new(), Vec::new()];
        for round in 0..ROUNDS {
            let body = format!("Round {round}. ").repeat(30);
            let note = Amendment::Noted(format!("Correction {round}."));
            for turn in turns(round) {
                let edit = ArticleDraft { body: body.clone(), ..draft(n + turn, Status::Published) };
                let start = Instant::now();
                stores[turn].update_article(ids[turn], &edit, round as i64 + 1, Some(&note), &actor).await.unwrap();
                saves[turn].push(start.elapsed());
            }
        }
        report("a save of a published item with a change note", saves);

        let mut publishes = [Vec::new(), Vec::new()];
        for round in 0..ROUNDS {
            for turn in turns(round) {
                let id = store.create_article(&draft(n + 10 + 2 * round + turn, Status::Draft), &actor).await.unwrap();
                let start = Instant::now();
                stores[turn].change_status(id, Status::Draft, Action::Publish, None, &actor).await.unwrap();
                publishes[turn].push(start.elapsed());
            }
        }
        report("a publish", publishes);

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
