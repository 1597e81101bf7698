//! Moving a whole site between databases (SQLite ↔ PostgreSQL), and reading every table for
//! comparison. Both sides must be at this program's schema version; the destination must be
//! empty. Everything is copied in one destination transaction except login sessions, which
//! belong to the old server.

use futures_util::{StreamExt, TryStreamExt};
use sqlx::Row;

use crate::{Engine, Result, Store, StoreError, WriteTx};

/// Tables in an order that satisfies every foreign key.
const TABLES: &[&str] = &[
    "site_settings",
    "languages",
    "sections",
    "section_names",
    "users",
    "api_tokens",
    "tags",
    "tag_names",
    "media",
    "media_alt",
    "articles",
    "article_tags",
    "article_media",
    "event_dates",
    "document_register",
    "document_links",
    "preview_links",
    "draft_copies",
    "revisions",
    "former_addresses",
    "redirects",
    "audit_log",
    "changes",
    "webhooks",
    "webhook_deliveries",
    "log_entries",
    "log_hashes",
    "log_state",
    "log_checkpoints",
];

/// Tables that belong to the running servers, not to the site, and are never copied: login
/// sessions, the migration record, sign-in failures, saves waiting for a sign-in and who has an
/// item open.
const NOT_COPIED: &[&str] = &["sessions", "schema_migrations", "login_failures", "pending_saves", "editing_presence"];

/// One stored value. Every column of the schema is an integer or text (see ARCHITECTURE.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Null,
    Int(i64),
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
}

/// What a copy reports as it goes.
#[derive(Debug, Clone, Copy)]
pub enum CopyProgress {
    /// The number of rows to copy, once known.
    Total(u64),
    /// One more row copied.
    Row,
}

impl Store {
    /// Every table with its columns and their kinds (`int` or `text`), ordered by table name:
    /// what a schema comparison between the engines looks at.
    pub async fn describe_schema(&self) -> Result<Vec<(String, Vec<(String, &'static str)>)>> {
        let tables: Vec<(String,)> = match self.engine {
            Engine::Sqlite => {
                sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                    .fetch_all(&self.pool)
                    .await?
            }
            Engine::Postgres => {
                sqlx::query_as(
                    "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
                )
                .fetch_all(&self.pool)
                .await?
            }
        };
        let mut schema = Vec::with_capacity(tables.len());
        for (table,) in tables {
            let columns = self.columns(&table).await?;
            let columns = columns.into_iter().map(|(name, kind)| (name, if kind == Kind::Int { "int" } else { "text" })).collect();
            schema.push((table, columns));
        }
        Ok(schema)
    }

    async fn columns(&self, table: &str) -> Result<Vec<(String, Kind)>> {
        let rows: Vec<(String, String)> = match self.engine {
            Engine::Sqlite => {
                sqlx::query_as("SELECT name, type FROM pragma_table_info($1) ORDER BY cid").bind(table).fetch_all(&self.pool).await?
            }
            Engine::Postgres => {
                sqlx::query_as(
                    "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|(name, ty)| (name, if ty.to_ascii_lowercase().contains("int") { Kind::Int } else { Kind::Text }))
            .collect())
    }

    /// Every row of every copied table, in primary-key order.
    pub async fn dump(&self) -> Result<Vec<(String, Vec<Vec<Cell>>)>> {
        let mut snapshot = self.snapshot().await?;
        let mut out = Vec::new();
        for table in TABLES {
            let shape = self.table_shape(table).await?;
            let rows: Vec<Vec<Cell>> = snapshot.rows(&shape).try_collect().await?;
            out.push(((*table).to_owned(), rows));
        }
        Ok(out)
    }

    /// Copies this site into `destination`, which must be migrated and empty.
    pub async fn copy_into(&self, destination: &Store, progress: &(dyn Fn(CopyProgress) + Sync)) -> Result<()> {
        self.check_schema().await?;
        let mut loader = destination.loader().await?;
        let mut snapshot = self.snapshot().await?;
        progress(CopyProgress::Total(snapshot.total_rows().await?));
        for table in TABLES {
            let shape = self.table_shape(table).await?;
            loader.start_table(&shape).await?;
            let mut rows = snapshot.rows(&shape);
            while let Some(row) = rows.try_next().await? {
                loader.insert(row).await?;
                progress(CopyProgress::Row);
            }
        }
        loader.finish().await
    }

    /// The columns of one of the tables a copy carries, as this database has them.
    pub async fn table_shape(&self, table: &str) -> Result<TableShape> {
        let table = TABLES
            .iter()
            .find(|known| **known == table)
            .ok_or_else(|| StoreError::Invalid(format!("{table} is not one of a site's tables")))?;
        let columns = self.columns(table).await?;
        Ok(TableShape { table, select: select_all(table, &columns), columns })
    }

    /// A consistent view of the whole site as it is now, for reading every table while the site
    /// keeps taking saves: on PostgreSQL one repeatable-read transaction, on SQLite one read
    /// transaction (WAL keeps its snapshot while writers go on). Every save acknowledged before
    /// this returns is in it.
    pub async fn snapshot(&self) -> Result<Snapshot> {
        let mut tx = match self.engine {
            Engine::Sqlite => self.pool.begin_with("BEGIN DEFERRED").await?,
            Engine::Postgres => self.pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?,
        };
        // The snapshot is taken at the first read, not at BEGIN.
        sqlx::query("SELECT COUNT(*) FROM languages").execute(&mut *tx).await?;
        Ok(Snapshot { tx })
    }

    /// Starts writing a whole site into this database, which must be at this program's schema
    /// version and hold no site; nothing is visible until [`Loader::finish`].
    pub async fn loader(&self) -> Result<Loader<'_>> {
        self.check_schema().await?;
        for table in ["languages", "articles", "users"] {
            let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.pool).await?;
            if count > 0 {
                return Err(StoreError::Invalid(format!(
                    "the destination already holds a site ({count} rows in {table}); copy into an empty database"
                )));
            }
        }
        let mut w = self.begin_write().await?;
        // The new database's empty log is replaced by the site's: the public record moves whole.
        sqlx::query("DELETE FROM log_state").execute(&mut *w.tx).await?;
        Ok(Loader { store: self, w, table: None })
    }

    /// Tables a copy carries, and those it leaves behind: together, every table.
    pub fn copied_tables() -> (&'static [&'static str], &'static [&'static str]) {
        (TABLES, NOT_COPIED)
    }
}

/// One table's columns as a database has them, with the query that reads it in key order.
#[derive(Debug, Clone)]
pub struct TableShape {
    pub table: &'static str,
    columns: Vec<(String, Kind)>,
    select: String,
}

impl TableShape {
    /// The column names, in the order rows give their cells.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|(name, _)| name.as_str()).collect()
    }
}

/// A read-only view of the site at one moment; see [`Store::snapshot`].
pub struct Snapshot {
    tx: sqlx::Transaction<'static, sqlx::Any>,
}

impl Snapshot {
    /// How many rows the copied tables hold, for a progress bar.
    pub async fn total_rows(&mut self) -> Result<u64> {
        let mut total = 0u64;
        for table in TABLES {
            let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *self.tx).await?;
            total += count.max(0) as u64;
        }
        Ok(total)
    }

    /// The rows of one table, in key order, read as they stream.
    pub fn rows<'s>(&'s mut self, shape: &'s TableShape) -> impl futures_util::Stream<Item = Result<Vec<Cell>>> + Send + Unpin + 's {
        sqlx::query(&shape.select).fetch(&mut *self.tx).map(move |row| read_row(&row?, &shape.columns))
    }
}

/// A whole site being written into an empty database, in one transaction.
pub struct Loader<'a> {
    store: &'a Store,
    w: WriteTx<'a>,
    table: Option<(TableShape, String)>,
}

impl Loader<'_> {
    /// The rows that follow belong to `source`'s table, with its columns in its order; they must
    /// be the columns this database has.
    pub async fn start_table(&mut self, source: &TableShape) -> Result<()> {
        self.start_named(source.table, &source.column_names()).await
    }

    /// [`Loader::start_table`] from a table's name and column names, as a backup file gives them.
    pub async fn start_named(&mut self, table: &str, columns: &[&str]) -> Result<()> {
        let shape = self.store.table_shape(table).await?;
        if shape.column_names() != columns {
            return Err(StoreError::Invalid(format!(
                "the table {table} comes with the columns {} but this database has {}",
                columns.join(", "),
                shape.column_names().join(", ")
            )));
        }
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
        let insert = format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), placeholders.join(", "));
        self.table = Some((shape, insert));
        Ok(())
    }

    /// Writes one row of the current table.
    pub async fn insert(&mut self, row: Vec<Cell>) -> Result<()> {
        let Some((shape, insert)) = &self.table else {
            return Err(StoreError::Invalid("a row came before its table".into()));
        };
        if row.len() != shape.columns.len() {
            return Err(StoreError::Invalid(format!("a row of {} has {} values, not {}", shape.table, row.len(), shape.columns.len())));
        }
        let mut query = sqlx::query(insert);
        for (cell, (name, kind)) in row.into_iter().zip(&shape.columns) {
            // A NULL is bound with its column's type, as PostgreSQL requires.
            query = match (cell, kind) {
                (Cell::Null, Kind::Int) => query.bind(None::<i64>),
                (Cell::Null, Kind::Text) => query.bind(None::<String>),
                (Cell::Int(i), Kind::Int) => query.bind(i),
                (Cell::Text(s), Kind::Text) => query.bind(s),
                _ => return Err(StoreError::Invalid(format!("{}.{name} holds a value of the wrong kind", shape.table))),
            };
        }
        query.execute(&mut *self.w.tx).await?;
        Ok(())
    }

    /// Commits the whole site at once.
    pub async fn finish(mut self) -> Result<()> {
        if self.store.engine == Engine::Postgres {
            // Explicit ids were inserted; move each identity sequence past them.
            for table in TABLES {
                if self.store.columns(table).await?.iter().any(|(name, _)| name == "id") {
                    let sql =
                        format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}");
                    sqlx::query(&sql).execute(&mut *self.w.tx).await?;
                }
            }
        }
        // The copied feed itself moved past every follower's last id; it only needs the signal.
        self.w.notify().await?;
        self.w.commit().await?;
        Ok(())
    }
}

fn select_all(table: &str, columns: &[(String, Kind)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    // Every table's first column leads its primary key; the rest break ties deterministically.
    format!("SELECT {cols} FROM {table} ORDER BY {cols}", cols = names.join(", "))
}

fn read_row(row: &sqlx::any::AnyRow, columns: &[(String, Kind)]) -> Result<Vec<Cell>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, (_, kind))| {
            Ok(match kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Cell::Null, Cell::Int),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Cell::Null, Cell::Text),
            })
        })
        .collect()
}
