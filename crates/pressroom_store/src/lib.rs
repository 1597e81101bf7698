//! Pressroom's storage. One SQL implementation serves SQLite and PostgreSQL through sqlx's `Any`
//! driver: the engines differ only in their migrations and in a few expressions chosen by
//! [`Engine`], so a feature written once works on both and cannot drift between twins.
//!
//! Every write runs in one transaction that also appends to the `changes` feed, which caches,
//! the search index and other server processes follow.

mod articles;
mod audit_log;
mod changes;
mod copy;
mod documents;
mod drafts;
mod editorial;
mod events;
mod explain;
mod import;
mod listings;
mod media;
mod migrate;
mod previews;
mod reads;
mod record;
mod redirects;
mod schedule;
mod site;
pub mod testing;
mod tokens;
mod translations;
mod users;
mod webhooks;
mod write;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use changes::ArticleReach;
use pressroom_domain::UserId;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Row, Transaction};
use time::OffsetDateTime;
use tokio::sync::{watch, Mutex, MutexGuard};

pub use articles::{ArticleView, SitemapEntry};
pub use audit_log::AuditEntry;
pub use changes::{Change, ChangeReach};
pub use copy::{Cell, CopyProgress, Loader, Snapshot, TableShape};
pub use documents::{DocumentListing, RegisterMatches, RegisterQuery, RegisterSort};
pub use drafts::{DraftCopy, NEW_ITEM, PRESENCE_SECONDS};
pub use editorial::{ArticleFilter, ArticleRow, RevisionMeta, Sort};
pub use events::{EventListing, FEED_EVENTS};
pub use explain::QueryPlan;
pub use import::ImportSession;
pub use listings::{ArticleQuery, Listing, Start};
pub use media::NewMedia;
pub use migrate::{SchemaStatus, LATEST_VERSION};
pub use pressroom_domain::{MediaItem, MediaKind};
pub use previews::PreviewLink;
pub use record::LoggedVersion;
pub use redirects::{Redirect, RedirectTarget};
pub use site::TIME_ZONE_SETTING;
pub use tokens::TokenRecord;
pub use translations::{TranslationGaps, VersionState};
pub use users::{SessionRecord, UserRecord};
pub use webhooks::{Delivery, DueDelivery, Webhook, WebhookEvent};
pub use write::{ImportReport, TagDef};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A write that would break a uniqueness rule; the message names what collided.
    #[error("{0}")]
    Conflict(String),
    /// Input the store cannot accept, such as a reference to an unknown language.
    #[error("{0}")]
    Invalid(String),
    /// One item of a batch was refused (unknown language or section, a slug taken by another
    /// item); `index` says which and `field` what, so the caller can name the file or the form
    /// field it came from.
    #[error("{reason}")]
    Rejected { index: usize, field: &'static str, reason: String },
    /// A save based on revision that is no longer the latest: someone saved in between.
    #[error("the article was changed meanwhile; its latest revision is {current}")]
    Stale { current: i64 },
    #[error(
        "this database was written by a newer Pressroom (schema version {found}; this program knows up to {known}). \
         Install the newer Pressroom, or restore a backup made by this version."
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("the database has not been migrated to this version yet (schema version {found}, needs {known}); run `pressroom migrate`")]
    OlderSchema { found: i64, known: i64 },
    /// The database cannot be reached (down, restarting, connections cut): try again later.
    #[error("the database is unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A public page's read on SQLite, which does not go through sqlx (see `reads.rs`).
    #[error("database error: {0}")]
    Read(#[from] rusqlite::Error),
}

impl From<sqlx::Error> for StoreError {
    /// Classifies the driver's errors here, so that no caller needs to know the driver.
    fn from(err: sqlx::Error) -> Self {
        let unreachable = match &err {
            sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => {
                true
            }
            // PostgreSQL's "operator intervention" class: admin shutdown, crash shutdown, cannot connect now.
            sqlx::Error::Database(db) => db.code().is_some_and(|code| code.starts_with("57P")),
            _ => false,
        };
        if unreachable {
            StoreError::Unavailable(err)
        } else {
            StoreError::Database(err)
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn from_url(url: &str) -> Option<Engine> {
        if url.starts_with("sqlite:") {
            Some(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Engine::Postgres)
        } else {
            None
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// Kept for connections outside the pool (PostgreSQL's LISTEN); never logged unredacted.
    url: Arc<str>,
    /// The latest change id this process knows of: set at once by its own commits, and by the
    /// follower (see `changes.rs`) for other processes' commits.
    changes: Arc<watch::Sender<i64>>,
    following: Arc<std::sync::atomic::AtomicBool>,
    /// SQLite allows one writer at a time; taking this lock before a write transaction keeps
    /// writers from failing with "database is locked" when a read snapshot would need upgrading.
    write_lock: Option<Arc<Mutex<()>>>,
    /// Lists' page marks and counts, until the next change.
    lists: Arc<std::sync::Mutex<listings::ListCache>>,
    /// Whether changes readers can see are logged in the public record: always, except in the
    /// record benchmark's comparison of a change with and without its entry.
    logging: bool,
    /// On SQLite, the connections public pages read through (see `reads.rs`).
    readers: Option<Arc<reads::SqliteReaders>>,
}

/// A write transaction, holding the SQLite writer lock where there is one.
pub(crate) struct WriteTx<'a> {
    pub tx: Transaction<'static, Any>,
    engine: Engine,
    /// The last change this transaction recorded, announced in this process at commit.
    last_change: Option<i64>,
    /// Article changes, written to the feed together at commit: an import of many articles
    /// makes a few statements for them, not one each.
    article_changes: Vec<(i64, ArticleReach)>,
    /// Changes readers can see, logged in the public record at commit (or sooner, in batches).
    public_events: Vec<record::PublicEvent>,
    logging: bool,
    changes: Arc<watch::Sender<i64>>,
    _guard: Option<MutexGuard<'a, ()>>,
}

/// The PostgreSQL channel on which every committed change is announced to all processes.
pub const CHANGES_CHANNEL: &str = "pressroom_changes";

/// The columns and rows of `count` article changes, their parameters numbered from `$first` as
/// [`bind_article_changes`] binds them: the time, then four values per change.
fn article_changes_sql(count: usize, first: usize) -> String {
    let rows: Vec<String> = (0..count).map(|i| format!("(${first}, 'article', {})", record::placeholders(first + 1 + 4 * i, 4))).collect();
    format!("(at, kind, article_id, public, lang, translation_key) VALUES {}", rows.join(", "))
}

fn bind_article_changes<'q>(mut query: record::AnyQuery<'q>, changes: &'q [(i64, ArticleReach)]) -> record::AnyQuery<'q> {
    query = query.bind(now());
    for (article_id, reach) in changes {
        query = query.bind(*article_id).bind(i64::from(reach.public)).bind(reach.lang.as_deref()).bind(reach.translation_key.as_deref());
    }
    query
}

/// Article changes per statement (four bound values each: few enough that binding, whose cost
/// grows with the square of a statement's values on SQLite, stays cheap).
const CHANGES_PER_STATEMENT: usize = 250;

impl WriteTx<'_> {
    /// Appends a change that may alter any public page (sections, settings, media) to the
    /// change feed. On PostgreSQL the notification is sent at commit, so other processes hear
    /// of a change exactly when they can read it.
    pub async fn record_change(&mut self, kind: &str) -> Result<()> {
        self.record_site_change(kind, true).await
    }

    /// A change to the site as a whole; `public` when a reader may see it on some page, as
    /// opposed to one only the server's own memory follows (the redirects).
    pub(crate) async fn record_site_change(&mut self, kind: &str, public: bool) -> Result<()> {
        let (id,): (i64,) = sqlx::query_as("INSERT INTO changes (at, kind, public) VALUES ($1, $2, $3) RETURNING id")
            .bind(now())
            .bind(kind)
            .bind(i64::from(public))
            .fetch_one(&mut *self.tx)
            .await?;
        self.last_change = Some(id);
        self.notify().await
    }

    /// A change to one article, recorded at commit: `reach` says which public pages it may alter.
    pub fn record_article_change(&mut self, article_id: i64, reach: &ArticleReach) {
        self.article_changes.push((article_id, reach.clone()));
    }

    /// Writes the article changes recorded so far once there are a statement's worth, so that
    /// a long transaction (an import) holds at most that many in memory.
    pub(crate) async fn write_full_statements_of_changes(&mut self) -> Result<()> {
        if self.article_changes.len() >= CHANGES_PER_STATEMENT {
            self.write_log_entries().await?;
            self.write_article_changes().await?;
        }
        Ok(())
    }

    async fn write_article_changes(&mut self) -> Result<()> {
        if self.article_changes.is_empty() {
            return Ok(());
        }
        for batch in std::mem::take(&mut self.article_changes).chunks(CHANGES_PER_STATEMENT) {
            let insert = format!("INSERT INTO changes {} RETURNING id", article_changes_sql(batch.len(), 1));
            let rows = bind_article_changes(sqlx::query(&insert), batch).fetch_all(&mut *self.tx).await?;
            for row in rows {
                self.last_change = Some(row.try_get::<i64, _>(0)?).max(self.last_change);
            }
        }
        self.notify().await
    }

    /// Writes the transaction's log entries and its article changes in one query (with the
    /// notification, on PostgreSQL), where each would be a round trip to the server or to
    /// SQLite's thread; `false` when there are no article changes or more than one statement
    /// of either (an import).
    async fn write_pending_together(&mut self) -> Result<bool> {
        if self.article_changes.is_empty() || self.article_changes.len() > CHANGES_PER_STATEMENT {
            return Ok(false);
        }
        let Some(events) = self.take_public_events_for_one_statement() else {
            return Ok(false);
        };
        let entries = record::entries_for(&mut self.tx, &events).await?;
        let changes = std::mem::take(&mut self.article_changes);
        let (mut append, mut next) = (String::new(), 1);
        if !entries.is_empty() {
            append = record::append_entries_sql(self.engine, entries.len(), next);
            append.push_str(if self.engine == Engine::Postgres { ", " } else { "; " });
            next += 9 * entries.len() + 1;
        }
        let insert = article_changes_sql(changes.len(), next);
        let notify_at = next + 1 + 4 * changes.len();
        let sql = match self.engine {
            // pg_notify returns nothing to read: called in a FROM item, it runs once, with the rest.
            Engine::Postgres => format!(
                "WITH {append}changed AS (INSERT INTO changes {insert} RETURNING id) \
                 SELECT (SELECT MAX(id) FROM changed) FROM (SELECT pg_notify(${notify_at}, '')) AS notified"
            ),
            Engine::Sqlite => format!("{append}INSERT INTO changes {insert} RETURNING id"),
        };
        let mut query = sqlx::query(&sql);
        if !entries.is_empty() {
            query = record::bind_entries(query, &entries);
        }
        query = bind_article_changes(query, &changes);
        if self.engine == Engine::Postgres {
            query = query.bind(CHANGES_CHANNEL);
        }
        for row in query.fetch_all(&mut *self.tx).await? {
            self.last_change = Some(row.try_get::<i64, _>(0)?).max(self.last_change);
        }
        Ok(true)
    }

    /// Commits, then tells this process's followers at once, so that whoever made a change
    /// reads it back on the very next request.
    pub async fn commit(mut self) -> Result<()> {
        if !self.write_pending_together().await? {
            self.write_log_entries().await?;
            self.write_article_changes().await?;
        }
        self.tx.commit().await?;
        if let Some(id) = self.last_change {
            announce(&self.changes, id);
        }
        Ok(())
    }

    /// Tells the other processes, at commit, that the change feed moved.
    pub async fn notify(&mut self) -> Result<()> {
        if self.engine == Engine::Postgres {
            sqlx::query("SELECT pg_notify($1, '')").bind(CHANGES_CHANNEL).execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`). A SQLite file is created when
    /// missing. The schema is neither checked nor migrated here; see [`Store::migrate`].
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)
            .ok_or_else(|| StoreError::Invalid(format!("unsupported database URL {:?}: use sqlite://PATH or postgres://…", redact(url))))?;
        let url = match engine {
            Engine::Sqlite if !url.contains('?') => format!("{url}?mode=rwc"),
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        if engine == Engine::Sqlite {
            // One connection first, so that a damaged file is reported as what it is ("file is
            // not a database", "database disk image is malformed") rather than as a pool that
            // timed out retrying.
            let mut probe = <sqlx::AnyConnection as sqlx::Connection>::connect_with(&options).await?;
            probe.execute("PRAGMA journal_mode = WAL").await?;
            probe.execute("SELECT COUNT(*) FROM sqlite_master").await?;
            sqlx::Connection::close(probe).await?;
        }
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                Engine::Sqlite => 8,
                Engine::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(3))
            // A pooled SQLite connection is a file handle that cannot drop the way a network
            // connection can; pinging it before each use would cost a round trip to its worker
            // thread for every query.
            .test_before_acquire(engine == Engine::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL lets readers run beside the writer; synchronous=FULL makes every
                        // acknowledged commit durable across power loss, not only kill -9.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let write_lock = (engine == Engine::Sqlite).then(|| Arc::new(Mutex::new(())));
        let readers = match engine {
            Engine::Sqlite => reads::SqliteReaders::of_url(&url),
            Engine::Postgres => None,
        };
        Ok(Store {
            pool,
            engine,
            url: url.into(),
            changes: Arc::new(watch::channel(0).0),
            following: Default::default(),
            write_lock,
            lists: Default::default(),
            logging: true,
            readers,
        })
    }

    /// The same store with the public record switched off, for the record benchmark alone: what
    /// a change costs without its entry. Built only with the `bench` feature.
    #[cfg(feature = "bench")]
    pub fn without_public_record(&self) -> Store {
        Store { logging: false, ..self.clone() }
    }

    /// A connection for public pages' reads.
    pub(crate) async fn read_conn(&self) -> Result<reads::ReadConn> {
        Ok(match &self.readers {
            Some(readers) => reads::ReadConn::Sqlite(readers.take()?),
            None => reads::ReadConn::Pool(self.pool.acquire().await?),
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) async fn begin_write(&self) -> Result<WriteTx<'_>> {
        let guard = match &self.write_lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        // On SQLite the write lock is taken at BEGIN, so that a busy database is waited for
        // (busy_timeout) rather than refused when a read inside the transaction turns to a write.
        let tx = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Engine::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            engine: self.engine,
            last_change: None,
            article_changes: Vec::new(),
            public_events: Vec::new(),
            logging: self.logging,
            changes: self.changes.clone(),
            _guard: guard,
        })
    }

    /// The connection pool's use: connections open, and of those idle.
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// What waits: scheduled items, and webhook deliveries not yet made.
    pub async fn queue_depths(&self) -> Result<(i64, i64)> {
        let (scheduled,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles WHERE status = 'scheduled'").fetch_one(&self.pool).await?;
        let (deliveries,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE state = 'pending'").fetch_one(&self.pool).await?;
        Ok((scheduled, deliveries))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Who did something, for the audit log: a signed-in user (with the address they came from)
/// or a part of the system such as an import or the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: Option<UserId>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn system(name: &str) -> Actor {
        Actor { user: None, name: name.to_owned(), ip: None }
    }

    pub fn user(user: &UserRecord, ip: &str) -> Actor {
        Actor { user: Some(user.id), name: user.email.clone(), ip: Some(ip.to_owned()) }
    }
}

/// Appends to the audit log inside a write transaction.
pub(crate) async fn audit(tx: &mut Transaction<'static, Any>, actor: &Actor, action: &str, target: &str, detail: &str) -> Result<()> {
    sqlx::query("INSERT INTO audit_log (at, user_id, actor, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(now())
        .bind(actor.user.map(|u| u.0))
        .bind(&actor.name)
        .bind(action)
        .bind(target)
        .bind(detail)
        .bind(actor.ip.as_deref())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves the known latest change forward (never back).
pub(crate) fn announce(changes: &watch::Sender<i64>, id: i64) {
    changes.send_if_modified(|current| {
        let newer = id > *current;
        if newer {
            *current = id;
        }
        newer
    });
}

pub(crate) fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

pub(crate) fn to_time(seconds: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A database URL fit for a log line: the password, if any, is replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &credentials[..colon], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_logs() {
        assert_eq!(redact("postgres://news:s3cret@db:5432/site"), "postgres://news:***@db:5432/site");
        assert_eq!(redact("postgres://db/site"), "postgres://db/site");
        assert_eq!(redact("sqlite:///var/lib/pressroom/site.db"), "sqlite:///var/lib/pressroom/site.db");
    }
}
