//! Moving a whole site between databases (SQLite ↔ PostgreSQL), and reading every table for
//! comparison. Both sides must be at this program's schema version; the destination must be
//! empty. Everything is copied in one destination transaction except login sessions, which
//! belong to the old server.

use futures_util::TryStreamExt;
use sqlx::Row;

use crate::{Engine, Result, Store, StoreError};

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
        let mut out = Vec::new();
        for table in TABLES {
            let columns = self.columns(table).await?;
            let sql = select_all(table, &columns);
            let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
            let rows = rows.iter().map(|row| read_row(row, &columns)).collect::<Result<Vec<_>>>()?;
            out.push(((*table).to_owned(), rows));
        }
        Ok(out)
    }

    /// Copies this site into `destination`, which must be migrated and empty.
    pub async fn copy_into(&self, destination: &Store, progress: &(dyn Fn(CopyProgress) + Sync)) -> Result<()> {
        self.check_schema().await?;
        destination.check_schema().await?;
        for table in ["languages", "articles", "users"] {
            let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&destination.pool).await?;
            if count > 0 {
                return Err(StoreError::Invalid(format!(
                    "the destination already holds a site ({count} rows in {table}); copy into an empty database"
                )));
            }
        }
        let mut total = 0u64;
        for table in TABLES {
            let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&self.pool).await?;
            total += count.max(0) as u64;
        }
        progress(CopyProgress::Total(total));

        let mut w = destination.begin_write().await?;
        // The new database's empty log is replaced by the site's: the public record moves whole.
        sqlx::query("DELETE FROM log_state").execute(&mut *w.tx).await?;
        for table in TABLES {
            let columns = self.columns(table).await?;
            let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
            let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            let insert = format!("INSERT INTO {table} ({}) VALUES ({})", names.join(", "), placeholders.join(", "));
            let select = select_all(table, &columns);
            let mut rows = sqlx::query(&select).fetch(&self.pool);
            while let Some(row) = rows.try_next().await? {
                let mut query = sqlx::query(&insert);
                for (cell, (_, kind)) in read_row(&row, &columns)?.into_iter().zip(&columns) {
                    // A NULL is bound with its column's type, as PostgreSQL requires.
                    query = match cell {
                        Cell::Null if *kind == Kind::Int => query.bind(None::<i64>),
                        Cell::Null => query.bind(None::<String>),
                        Cell::Int(i) => query.bind(i),
                        Cell::Text(s) => query.bind(s),
                    };
                }
                query.execute(&mut *w.tx).await?;
                progress(CopyProgress::Row);
            }
        }
        if destination.engine == Engine::Postgres {
            // Explicit ids were inserted; move each identity sequence past them.
            for table in TABLES {
                if destination.columns(table).await?.iter().any(|(name, _)| name == "id") {
                    let sql =
                        format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}");
                    sqlx::query(&sql).execute(&mut *w.tx).await?;
                }
            }
        }
        // The copied feed itself moved past every follower's last id; it only needs the signal.
        w.notify().await?;
        w.commit().await?;
        Ok(())
    }

    /// Tables a copy carries, and those it leaves behind: together, every table.
    pub fn copied_tables() -> (&'static [&'static str], &'static [&'static str]) {
        (TABLES, NOT_COPIED)
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
