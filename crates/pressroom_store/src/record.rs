//! The public record in the database: an entry for every change readers can see, appended in
//! the transaction of the change itself (so a change and its entry exist together or not at
//! all), the Merkle tree's stored hashes, and the signed checkpoints; and what the log's
//! public addresses read.

use std::collections::HashMap;

use pressroom_domain::ArticleDraft;
use pressroom_record::tree::{frontier_of, inclusion_proof, inclusion_proof_needs, TilePath};
use pressroom_record::{hex, Content, Entry, Event, Frontier, Hash, LogKey, ProofFile, StoredHash};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{now, to_time, Engine, Result, Store, StoreError, WriteTx};

/// A change readers can see, to be logged when the transaction writes its entries.
pub(crate) struct PublicEvent {
    article_id: i64,
    event: Event,
    note: String,
    /// The item as the save that caused the event wrote it, when it has that at hand; else
    /// the item is read back when the entry is written.
    known: Option<KnownItem>,
}

/// What an entry records of an item, besides the event.
#[derive(Debug, Clone)]
pub(crate) struct KnownItem {
    address: String,
    lang: String,
    translation_key: String,
    revision: i64,
    content: [u8; 32],
}

/// The columns of `articles` an entry records, as a statement on it returns them: read as
/// [`ItemFields`].
pub(crate) const ITEM_COLUMNS: &str =
    "lang, (SELECT key FROM sections WHERE id = section_id), slug, translation_key, revision, title, lead, body, published_at";

/// An item's fields as a row of [`ITEM_COLUMNS`] gives them.
pub(crate) struct ItemFields {
    lang: String,
    section: String,
    slug: String,
    translation_key: String,
    revision: i64,
    title: String,
    lead: String,
    body: String,
    published_at: i64,
}

impl ItemFields {
    /// Reads [`ITEM_COLUMNS`] from `row`, starting at column `first`.
    pub(crate) fn read(row: &AnyRow, first: usize) -> Result<ItemFields> {
        Ok(ItemFields {
            lang: row.try_get(first)?,
            section: row.try_get(first + 1)?,
            slug: row.try_get(first + 2)?,
            translation_key: row.try_get(first + 3)?,
            revision: row.try_get(first + 4)?,
            title: row.try_get(first + 5)?,
            lead: row.try_get(first + 6)?,
            body: row.try_get(first + 7)?,
            published_at: row.try_get(first + 8)?,
        })
    }

    pub(crate) fn lang(&self) -> &str {
        &self.lang
    }

    pub(crate) fn translation_key(&self) -> &str {
        &self.translation_key
    }
}

impl KnownItem {
    /// The item as stored, with its tags' keys in order.
    pub(crate) fn stored(fields: ItemFields, tag_keys: &[String]) -> KnownItem {
        let ItemFields { lang, section, slug, translation_key, revision, title, lead, body, published_at } = fields;
        let content = Content { title: &title, lead: &lead, body: &body, date: to_time(published_at), tags: tag_keys }.digest();
        KnownItem { address: format!("/{lang}/{section}/{slug}"), lang, translation_key, revision, content }
    }

    /// The item as `draft` saves it at `revision`, with its tags' keys in order.
    pub(crate) fn of(draft: &ArticleDraft, revision: i64, tag_keys: &[String]) -> KnownItem {
        let content = Content { title: &draft.title, lead: &draft.lead, body: &draft.body, date: draft.published_at, tags: tag_keys };
        KnownItem {
            address: format!("/{}/{}/{}", draft.lang, draft.section, draft.slug),
            lang: draft.lang.as_str().to_owned(),
            translation_key: draft.translation_key.clone(),
            revision,
            content: content.digest(),
        }
    }
}

/// Entries per statement: nine bound values each.
const ENTRIES_PER_STATEMENT: usize = 100;

/// Tree hashes per statement: three bound values each.
const HASHES_PER_STATEMENT: usize = 200;

/// Entries hashed per transaction when the tree catches up with the log.
const HASHED_PER_TRANSACTION: i64 = 10_000;

const LOG_SIZE_SQL: &str = "SELECT size FROM log_state WHERE id = 1";
const LATEST_CHECKPOINT_SQL: &str = "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1";

/// One logged version of an item, as the page listing its history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedVersion {
    /// The entry's index in the log.
    pub index: u64,
    pub event: Event,
    pub address: String,
    pub revision: i64,
    pub at: time::OffsetDateTime,
    pub content_hash: String,
    pub note: String,
}

impl WriteTx<'_> {
    /// Notes a change readers can see; its entry is written with the transaction's others.
    pub(crate) fn record_public_event(&mut self, article_id: i64, event: Event, note: &str, known: Option<KnownItem>) {
        if self.logging {
            self.public_events.push(PublicEvent { article_id, event, note: note.to_owned(), known });
        }
    }

    /// Takes the events noted so far, if they fit one statement: for writing them together with
    /// the transaction's other pending rows (see `WriteTx::commit`).
    pub(crate) fn take_public_events_for_one_statement(&mut self) -> Option<Vec<PublicEvent>> {
        (self.public_events.len() <= ENTRIES_PER_STATEMENT).then(|| std::mem::take(&mut self.public_events))
    }

    /// Writes the entries of the events noted so far, reading each item as it now stands. A
    /// minor fix that changed nothing the record holds (the same content at the same address)
    /// adds no entry: re-importing the same folder leaves the log as it was.
    pub(crate) async fn write_log_entries(&mut self) -> Result<()> {
        for chunk in std::mem::take(&mut self.public_events).chunks(ENTRIES_PER_STATEMENT) {
            let entries = entries_for(&mut self.tx, chunk).await?;
            self.append_entries(&entries).await?;
        }
        Ok(())
    }

    /// Numbers the entries and stores them. Their tree hashes are left to [`Store::sign_log`],
    /// which works through the entries it has not hashed yet, so that a change's own
    /// transaction spends as little as it can on its entries: one statement, and at commit
    /// none of its own (see `WriteTx::commit`).
    async fn append_entries(&mut self, entries: &[(i64, Entry)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let append = append_entries_sql(self.engine, entries.len(), 1);
        let sql = match self.engine {
            Engine::Postgres => format!("WITH {append} SELECT 1"),
            Engine::Sqlite => append,
        };
        bind_entries(sqlx::query(&sql), entries).execute(&mut *self.tx).await?;
        Ok(())
    }
}

pub(crate) type AnyQuery<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

const ENTRY_COLUMNS: &str = "seq, article_id, event, address, revision, logged_at, content_hash, note, entry";

/// The SQL appending `count` entries, their parameters numbered from `$first` as
/// [`bind_entries`] binds them: the log's size is raised under its row lock, which orders
/// appenders, and the entries are numbered from its old size. On PostgreSQL two common table
/// expressions (`bump`, `logged`), on SQLite two statements: one query either way, sent to the
/// database at once (SQLite's driver binds numbered parameters by number in each statement).
pub(crate) fn append_entries_sql(engine: Engine, count: usize, first: usize) -> String {
    let count_at = first + 9 * count;
    let rows = rows_from(first, count, 9);
    match engine {
        Engine::Postgres => format!(
            "bump AS (UPDATE log_state SET size = size + ${count_at} WHERE id = 1 RETURNING size - ${count_at} AS start), \
             logged AS (INSERT INTO log_entries ({ENTRY_COLUMNS}) SELECT bump.start + v.seq, v.article_id, v.event, v.address, \
             v.revision, v.logged_at, v.content_hash, v.note, v.entry FROM bump, (VALUES {rows}) AS v ({ENTRY_COLUMNS}))"
        ),
        // SQLite names the columns of a VALUES list column1, column2, …
        Engine::Sqlite => format!(
            "UPDATE log_state SET size = size + ${count_at} WHERE id = 1; \
             INSERT INTO log_entries ({ENTRY_COLUMNS}) SELECT (SELECT size - ${count_at} FROM log_state WHERE id = 1) + column1, \
             column2, column3, column4, column5, column6, column7, column8, column9 FROM (VALUES {rows})"
        ),
    }
}

/// Binds the entries' values, each numbered by its offset from the log's old size, then their
/// count. Every value is bound, so that a statement's text depends only on its number of rows:
/// PostgreSQL prepares each distinct text, and keeps a hundred of them per connection.
pub(crate) fn bind_entries<'q>(mut query: AnyQuery<'q>, entries: &'q [(i64, Entry)]) -> AnyQuery<'q> {
    for (i, (article_id, entry)) in entries.iter().enumerate() {
        query = query
            .bind(i as i64)
            .bind(*article_id)
            .bind(entry.event.as_str())
            .bind(&entry.address)
            .bind(entry.revision)
            .bind(entry.time.unix_timestamp())
            .bind(hex(&entry.content))
            .bind(&entry.note)
            .bind(entry.text());
    }
    query.bind(entries.len() as i64)
}

/// The entries of `events`: from what their saves knew of their items, or from the items as
/// they now stand in the transaction.
pub(crate) async fn entries_for(tx: &mut Transaction<'static, Any>, events: &[PublicEvent]) -> Result<Vec<(i64, Entry)>> {
    let mut items: HashMap<i64, KnownItem> = HashMap::new();
    let unknown: Vec<i64> = events.iter().filter(|e| e.known.is_none()).map(|e| e.article_id).collect();
    if !unknown.is_empty() {
        items = read_items(tx, &unknown).await?;
    }
    // A minor fix is compared with the item's latest entry; nothing else needs it.
    let minor: Vec<i64> = events.iter().filter(|e| e.event == Event::Minor).map(|e| e.article_id).collect();
    let mut latest: HashMap<i64, (String, String, String)> = HashMap::new();
    if !minor.is_empty() {
        let minor = distinct(&minor);
        let sql = format!(
            "SELECT article_id, event, address, content_hash FROM log_entries \
             WHERE seq IN (SELECT MAX(seq) FROM log_entries WHERE article_id IN ({}) GROUP BY article_id)",
            placeholders(1, minor.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in &minor {
            query = query.bind(*id);
        }
        let rows: Vec<(i64, String, String, String)> = query.fetch_all(&mut **tx).await?;
        latest = rows.into_iter().map(|(id, e, a, h)| (id, (e, a, h))).collect();
    }

    let time = to_time(now());
    let mut entries = Vec::with_capacity(events.len());
    for event in events {
        let id = event.article_id;
        let Some(item) = event.known.as_ref().or_else(|| items.get(&id)) else {
            return Err(StoreError::Invalid(format!("the public record: article {id} is gone before its entry")));
        };
        let content_hex = hex(&item.content);
        let unchanged = latest.get(&id).is_some_and(|(last_event, last_address, last_hash)| {
            Event::parse(last_event).is_some_and(Event::leaves_it_public) && *last_address == item.address && *last_hash == content_hex
        });
        if event.event == Event::Minor && unchanged {
            continue;
        }
        latest.insert(id, (event.event.as_str().to_owned(), item.address.clone(), content_hex));
        let entry = Entry {
            event: event.event,
            address: item.address.clone(),
            lang: item.lang.clone(),
            translation_key: item.translation_key.clone(),
            revision: item.revision,
            time,
            content: item.content,
            note: event.note.clone(),
        };
        entries.push((id, entry));
    }
    Ok(entries)
}

/// The ids once each, in order.
fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `$from, $from+1, …`: `count` parameters.
pub(crate) fn placeholders(from: usize, count: usize) -> String {
    (from..from + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// `rows` rows of `width` parameters, for a statement that binds nothing else, in order. On
/// SQLite they are anonymous (`?`): it finds a numbered parameter's name by walking the list of
/// all of them, and sqlx asks the name of each one it binds, so a statement of hundreds of `$N`s
/// took longer to bind than to write (a sixth of an import's time).
pub(crate) fn value_rows(engine: Engine, rows: usize, width: usize) -> String {
    match engine {
        Engine::Postgres => rows_from(1, rows, width),
        Engine::Sqlite => vec![format!("({})", vec!["?"; width].join(", ")); rows].join(", "),
    }
}

/// `rows` rows of `width` parameters, numbered from `$first`: `($first, …), …`.
pub(crate) fn rows_from(first: usize, rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", placeholders(first + r * width, width))).collect::<Vec<_>>().join(", ")
}

/// The items as they stand in the transaction.
async fn read_items(tx: &mut Transaction<'static, Any>, ids: &[i64]) -> Result<HashMap<i64, KnownItem>> {
    let ids = distinct(ids);
    let list = placeholders(1, ids.len());
    let sql = format!("SELECT id, {ITEM_COLUMNS} FROM articles WHERE id IN ({list})");
    let mut query = sqlx::query(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let mut items = Vec::new();
    for row in query.fetch_all(&mut **tx).await? {
        items.push((row.try_get::<i64, _>(0)?, ItemFields::read(&row, 1)?));
    }
    let sql = format!(
        "SELECT x.article_id, t.key FROM article_tags x JOIN tags t ON t.id = x.tag_id WHERE x.article_id IN ({list}) \
         ORDER BY x.article_id, x.position"
    );
    let mut query = sqlx::query_as(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let tag_rows: Vec<(i64, String)> = query.fetch_all(&mut **tx).await?;
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, key) in tag_rows {
        tags.entry(id).or_default().push(key);
    }
    let no_tags = Vec::new();
    Ok(items.into_iter().map(|(id, fields)| (id, KnownItem::stored(fields, tags.get(&id).unwrap_or(&no_tags)))).collect())
}

/// The right edge of the tree of `size` entries, from its stored hashes.
async fn load_frontier(tx: &mut Transaction<'static, Any>, size: u64) -> Result<Frontier> {
    Frontier::new(size, read_hashes(&mut **tx, &frontier_of(size)).await?).map_err(record_error)
}

/// Stored hashes by (level, index).
async fn read_hashes<'e, E>(executor: E, at: &[(u8, u64)]) -> Result<Vec<StoredHash>>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    if at.is_empty() {
        return Ok(Vec::new());
    }
    let conditions: Vec<String> = (0..at.len()).map(|i| format!("(level = ${} AND n = ${})", 2 * i + 1, 2 * i + 2)).collect();
    let sql = format!("SELECT level, n, hash FROM log_hashes WHERE {}", conditions.join(" OR "));
    let mut query = sqlx::query_as(&sql);
    for (level, n) in at {
        query = query.bind(i64::from(*level)).bind(*n as i64);
    }
    let rows: Vec<(i64, i64, String)> = query.fetch_all(executor).await?;
    rows.into_iter().map(|(level, n, hash)| Ok(((level as u8, n as u64), to_hash(&hash)?))).collect()
}

/// A stored hash, kept in hex (every column is an integer or text, on both engines).
fn to_hash(hex: &str) -> Result<Hash> {
    pressroom_record::unhex(hex)
        .map(Hash)
        .ok_or_else(|| StoreError::Invalid("the public record: a stored hash is not 64 hex digits".into()))
}

fn record_error(err: pressroom_record::RecordError) -> StoreError {
    StoreError::Invalid(format!("the public record: {err}"))
}

impl Store {
    /// The latest signed checkpoint, if any.
    pub async fn log_checkpoint(&self) -> Result<Option<(u64, String)>> {
        let row: Option<(i64, String)> = sqlx::query_as(LATEST_CHECKPOINT_SQL).fetch_optional(&self.pool).await?;
        Ok(row.map(|(size, note)| (size as u64, note)))
    }

    /// The number of entries in the log.
    pub async fn log_size(&self) -> Result<u64> {
        let (size,): (i64,) = sqlx::query_as(LOG_SIZE_SQL).fetch_one(&self.pool).await?;
        Ok(size as u64)
    }

    /// A tile's bytes: a row of hashes, or an entry bundle; `None` when the log has not reached it.
    pub async fn log_tile(&self, tile: TilePath) -> Result<Option<Vec<u8>>> {
        let mut conn = self.pool.acquire().await?;
        // The tree is hashed as far as the latest checkpoint; tiles reach no further.
        let (signed,): (i64,) = sqlx::query_as("SELECT signed_size FROM log_state WHERE id = 1").fetch_one(&mut *conn).await?;
        if !tile.exists_in(signed as u64) {
            return Ok(None);
        }
        let (first, end) = (tile.first() as i64, (tile.first() + tile.width) as i64);
        let data = match tile.tree_level() {
            None => {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT entry FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq")
                    .bind(first)
                    .bind(end)
                    .fetch_all(&mut *conn)
                    .await?;
                pressroom_record::tree::bundle(&rows.iter().map(|(e,)| e.as_bytes()).collect::<Vec<_>>())
            }
            Some(level) => {
                let rows: Vec<(String,)> = sqlx::query_as("SELECT hash FROM log_hashes WHERE level = $1 AND n >= $2 AND n < $3 ORDER BY n")
                    .bind(i64::from(level))
                    .bind(first)
                    .bind(end)
                    .fetch_all(&mut *conn)
                    .await?;
                let mut data = Vec::with_capacity(rows.len() * 32);
                for (hash,) in rows {
                    data.extend_from_slice(&to_hash(&hash)?.0);
                }
                data
            }
        };
        Ok(Some(data))
    }

    /// Every logged version of an article, oldest first.
    pub async fn log_history(&self, article_id: i64) -> Result<Vec<LoggedVersion>> {
        let rows: Vec<(i64, String, String, i64, i64, String, String)> = sqlx::query_as(
            "SELECT seq, event, address, revision, logged_at, content_hash, note FROM log_entries WHERE article_id = $1 ORDER BY seq",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(seq, event, address, revision, at, content_hash, note)| {
                let event = Event::parse(&event).ok_or_else(|| StoreError::Invalid(format!("unknown log event {event:?}")))?;
                Ok(LoggedVersion { index: seq as u64, event, address, revision, at: to_time(at), content_hash, note })
            })
            .collect()
    }

    /// The proof that entry `index` is in the log, against the latest checkpoint; `None` while
    /// no checkpoint covers it yet.
    pub async fn log_proof(&self, index: u64) -> Result<Option<ProofFile>> {
        let mut conn = self.pool.acquire().await?;
        let checkpoint: Option<(i64, String)> = sqlx::query_as(LATEST_CHECKPOINT_SQL).fetch_optional(&mut *conn).await?;
        let Some((size, note)) = checkpoint.filter(|(size, _)| index < *size as u64) else { return Ok(None) };
        let entry: (String,) =
            sqlx::query_as("SELECT entry FROM log_entries WHERE seq = $1").bind(index as i64).fetch_one(&mut *conn).await?;
        let needs = inclusion_proof_needs(size as u64, index).map_err(record_error)?;
        let hashes = read_hashes(&mut *conn, &needs).await?;
        let proof = inclusion_proof(size as u64, index, hashes).map_err(record_error)?;
        Ok(Some(ProofFile { entry: entry.0.into_bytes(), index, proof, checkpoint: note }))
    }

    /// Signs a checkpoint of the log if it grew since the last one; returns the size signed.
    /// Several servers may try at once: the conditional update lets exactly one of them sign
    /// each size. A log that has not grown costs one read, not the writer's lock.
    pub async fn sign_log(&self, key: &LogKey) -> Result<Option<u64>> {
        let (size, signed): (i64, i64) =
            sqlx::query_as("SELECT size, signed_size FROM log_state WHERE id = 1").fetch_one(&self.pool).await?;
        if size <= signed {
            return Ok(None);
        }
        let size = size as u64;
        self.hash_log(size).await?;
        let mut w = self.begin_write().await?;
        let root = load_frontier(&mut w.tx, size).await?.root().map_err(record_error)?;
        let note = key.sign_checkpoint(size, root).map_err(record_error)?;
        let won = sqlx::query("UPDATE log_state SET signed_size = $1 WHERE id = 1 AND signed_size < $1")
            .bind(size as i64)
            .execute(&mut *w.tx)
            .await?
            .rows_affected();
        if won == 0 {
            return Ok(None);
        }
        sqlx::query("INSERT INTO log_checkpoints (size, note, signed_at) VALUES ($1, $2, $3)")
            .bind(size as i64)
            .bind(note)
            .bind(now())
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(Some(size))
    }

    /// Stores the tree hashes of the first `size` entries that are not hashed yet, a batch per
    /// transaction (so that a large import's entries do not hold the writer for long). Hashes
    /// are a function of the entries alone, so servers hashing the same entries at once store
    /// the same rows.
    async fn hash_log(&self, size: u64) -> Result<()> {
        let size = size as i64;
        loop {
            let mut w = self.begin_write().await?;
            let (last,): (Option<i64>,) = sqlx::query_as("SELECT MAX(n) FROM log_hashes WHERE level = 0").fetch_one(&mut *w.tx).await?;
            let hashed = last.map_or(0, |n| n + 1);
            if hashed >= size {
                return Ok(());
            }
            let end = size.min(hashed + HASHED_PER_TRANSACTION);
            let mut frontier = load_frontier(&mut w.tx, hashed as u64).await?;
            let rows: Vec<(String,)> = sqlx::query_as("SELECT entry FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq")
                .bind(hashed)
                .bind(end)
                .fetch_all(&mut *w.tx)
                .await?;
            let mut hashes: Vec<StoredHash> = Vec::with_capacity(2 * rows.len());
            for (entry,) in &rows {
                hashes.extend(frontier.append(entry.as_bytes()).map_err(record_error)?);
            }
            for chunk in hashes.chunks(HASHES_PER_STATEMENT) {
                let sql = format!("INSERT INTO log_hashes (level, n, hash) VALUES {} ON CONFLICT DO NOTHING", rows_from(1, chunk.len(), 3));
                let mut query = sqlx::query(&sql);
                for ((level, n), hash) in chunk {
                    query = query.bind(i64::from(*level)).bind(*n as i64).bind(hex(&hash.0));
                }
                query.execute(&mut *w.tx).await?;
            }
            w.commit().await?;
            if end >= size {
                return Ok(());
            }
        }
    }

    /// Logs the publication of every published article of a site that had them before it kept
    /// a public record (a database from an earlier Pressroom): the record starts complete.
    /// Does nothing once the log has entries.
    pub async fn log_existing_publications(&self) -> Result<u64> {
        let mut w = self.begin_write().await?;
        let (size,): (i64,) = sqlx::query_as(LOG_SIZE_SQL).fetch_one(&mut *w.tx).await?;
        if size > 0 {
            return Ok(0);
        }
        let ids: Vec<(i64,)> =
            sqlx::query_as("SELECT id FROM articles WHERE status = 'published' ORDER BY published_at, id").fetch_all(&mut *w.tx).await?;
        for (id,) in &ids {
            w.record_public_event(*id, Event::Publish, "", None);
        }
        w.write_log_entries().await?;
        w.commit().await?;
        Ok(ids.len() as u64)
    }
}
