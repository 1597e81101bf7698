//! What the public record costs (a benchmark, not a test): `cargo bench -p pressroom_store --bench record`.
//!
//! - an import of N versions published (N log entries appended) against the same import as
//!   drafts (none), each into a new site, and the first checkpoint after it, which hashes the
//!   N entries into the tree;
//! - a save of a published article (an update with a change note: one entry) against the same
//!   save of a draft (no entry), taking turns at going first, medians and their ratio; likewise
//!   publishing against submitting for review; and, for each logged change, the time spent
//!   appending its entry (the store's `public_record_append` span) against the rest of the
//!   change: what the log itself adds, apart from what else differs between the two kinds
//!   (webhooks, the change note);
//! - an inclusion proof read for a random entry of the N-entry log, p50 and p99.
//!
//! `PRESSROOM_BENCH_ENTRIES` sets N (default 100,000). With `PRESSROOM_TEST_POSTGRES` set (a
//! server where databases may be created, as for the tests) it runs on PostgreSQL instead.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pressroom_domain::{parse_publication_date, Action, Amendment, ArticleDraft, Lang, SectionKey, Site, Slug, Status};
use pressroom_record::LogKey;
use pressroom_store::testing::TempPostgres;
use pressroom_store::{Actor, Store};
use tracing::span::{Attributes, Id};
use tracing::Subscriber;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Adds up the time spent in the store's `public_record_append` spans: a change's log entry.
#[derive(Clone, Default)]
struct AppendTimer(Arc<Mutex<Duration>>);

impl AppendTimer {
    fn total(&self) -> Duration {
        *self.0.lock().unwrap()
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for AppendTimer {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() == "public_record_append" {
            ctx.span(id).expect("a new span").extensions_mut().insert(Instant::now());
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(start) = ctx.span(&id).and_then(|span| span.extensions().get::<Instant>().copied()) {
            *self.0.lock().unwrap() += start.elapsed();
        }
    }
}

/// What appending took of one logged change, against the rest of it.
struct Share {
    total: Duration,
    append: Duration,
}

impl Share {
    /// The median extra cost of the log: append time over the time of the rest.
    fn median_extra(shares: &[Share]) -> f64 {
        let mut ratios: Vec<f64> = shares.iter().map(|s| s.append.as_secs_f64() / (s.total - s.append).as_secs_f64()).collect();
        ratios.sort_by(f64::total_cmp);
        ratios[ratios.len() / 2]
    }

    fn median_append(shares: &[Share]) -> Duration {
        median(shares.iter().map(|s| s.append).collect())
    }
}

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

/// The order of a round's two timings: the plain kind (0) and the logged one (1) take turns
/// at going first.
fn turns(round: usize) -> [u8; 2] {
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

fn main() {
    let n: usize = std::env::var("PRESSROOM_BENCH_ENTRIES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let timer = AppendTimer::default();
    let appends = timer.clone().with_filter(tracing_subscriber::filter::filter_fn(|m| m.name() == "public_record_append"));
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(appends)).unwrap();
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
        let draft_id = store.create_article(&draft(n, Status::Draft), &actor).await.unwrap();
        let published_id = store.create_article(&draft(n + 1, Status::Draft), &actor).await.unwrap();
        store.change_status(published_id, Status::Draft, Action::Publish, None, &actor).await.unwrap();
        // Each round times both kinds, taking turns at going first: whichever save of a pair
        // runs second finds the other's pages fresh in the database's cache, and that must not
        // count for or against either kind.
        let (mut plain, mut logged) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let body = format!("Round {round}. ").repeat(30);
            let revision = round as i64 + 1;
            let draft_edit = ArticleDraft { body: body.clone(), ..draft(n, Status::Draft) };
            let published_edit = ArticleDraft { body, ..draft(n + 1, Status::Published) };
            let note = Amendment::Noted(format!("Correction {round}."));
            for turn in turns(round) {
                let start = Instant::now();
                if turn == 0 {
                    store.update_article(draft_id, &draft_edit, revision, None, &actor).await.unwrap();
                    plain.push(start.elapsed());
                } else {
                    let before = timer.total();
                    store.update_article(published_id, &published_edit, revision, Some(&note), &actor).await.unwrap();
                    logged.push(Share { total: start.elapsed(), append: timer.total() - before });
                }
            }
        }
        let (plain, shares) = (median(plain), logged);
        let logged = median(shares.iter().map(|s| s.total).collect());
        println!(
            "a save, median of {ROUNDS}: of a draft {:.2} ms, of a published item with its log entry {:.2} ms (ratio {:.2}); \
             appending the entry {:.3} ms, +{:.1}% on the rest of the save",
            ms(plain),
            ms(logged),
            logged.as_secs_f64() / plain.as_secs_f64(),
            ms(Share::median_append(&shares)),
            100.0 * Share::median_extra(&shares)
        );

        // The publish step itself, against another step of the same workflow that logs nothing.
        let (mut submit, mut publish) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            let a = store.create_article(&draft(n + 10 + 2 * round, Status::Draft), &actor).await.unwrap();
            let b = store.create_article(&draft(n + 11 + 2 * round, Status::Draft), &actor).await.unwrap();
            for turn in turns(round) {
                let start = Instant::now();
                if turn == 0 {
                    store.change_status(a, Status::Draft, Action::Submit, None, &actor).await.unwrap();
                    submit.push(start.elapsed());
                } else {
                    let before = timer.total();
                    store.change_status(b, Status::Draft, Action::Publish, None, &actor).await.unwrap();
                    publish.push(Share { total: start.elapsed(), append: timer.total() - before });
                }
            }
        }
        let (submit, shares) = (median(submit), publish);
        let publish = median(shares.iter().map(|s| s.total).collect());
        println!(
            "a workflow step, median of {ROUNDS}: submit for review {:.2} ms, publish with its log entry {:.2} ms (ratio {:.2}); \
             appending the entry {:.3} ms, +{:.1}% on the rest of the publish",
            ms(submit),
            ms(publish),
            publish.as_secs_f64() / submit.as_secs_f64(),
            ms(Share::median_append(&shares)),
            100.0 * Share::median_extra(&shares)
        );

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
