//! The connection public pages read through. On PostgreSQL it is a pooled connection like any
//! other. On SQLite it is a synchronous connection used on the asking thread: sqlx's SQLite
//! driver runs each connection on a thread of its own, so every statement is a message to that
//! thread and every row a message back, and on a crawl of cold pages those hand-offs (kernel
//! task switches) cost more than SQLite's own work. A public page's statements are short
//! index lookups, so running them where the page is rendered holds a thread for less time than
//! the hand-offs did.
//!
//! The same SQL serves both; rows are read through [`Cells`], so the code that turns a row into
//! an article is written once.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use futures_util::TryStreamExt;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use sqlx::{Any, Row};

use crate::{Result, StoreError};

/// A parameter of a read, bound as `$1`, `$2`… in order.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Text(String),
    Int(i64),
}

pub(crate) fn bind_params<'q>(mut query: Query<'q, Any, AnyArguments<'q>>, params: &[Param]) -> Query<'q, Any, AnyArguments<'q>> {
    for param in params {
        query = match param {
            Param::Text(s) => query.bind(s.clone()),
            Param::Int(i) => query.bind(*i),
        };
    }
    query
}

impl rusqlite::ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Param::Text(s) => s.to_sql(),
            Param::Int(i) => i.to_sql(),
        }
    }
}

/// The columns of one result row, whichever driver read it.
pub(crate) trait Cells {
    fn int(&self, column: usize) -> Result<i64>;
    fn opt_int(&self, column: usize) -> Result<Option<i64>>;
    fn text(&self, column: usize) -> Result<String>;
    fn opt_text(&self, column: usize) -> Result<Option<String>>;
}

impl Cells for AnyRow {
    fn int(&self, column: usize) -> Result<i64> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: usize) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }
    fn text(&self, column: usize) -> Result<String> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: usize) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }
}

impl Cells for rusqlite::Row<'_> {
    fn int(&self, column: usize) -> Result<i64> {
        Ok(self.get(column)?)
    }
    fn opt_int(&self, column: usize) -> Result<Option<i64>> {
        Ok(self.get(column)?)
    }
    fn text(&self, column: usize) -> Result<String> {
        Ok(self.get(column)?)
    }
    fn opt_text(&self, column: usize) -> Result<Option<String>> {
        Ok(self.get(column)?)
    }
}

/// A connection for public pages' reads; see the module's comment.
pub(crate) enum ReadConn {
    Pool(PoolConnection<Any>),
    Sqlite(SqliteReader),
}

impl ReadConn {
    /// Every row `sql` selects, each turned into a `T` by `each`.
    pub(crate) async fn rows<T>(&mut self, sql: &str, params: &[Param], mut each: impl FnMut(&dyn Cells) -> Result<T>) -> Result<Vec<T>> {
        let mut found = Vec::new();
        self.each_row(sql, params, |row| {
            found.push(each(row)?);
            Ok(())
        })
        .await?;
        Ok(found)
    }

    /// Calls `each` on every row `sql` selects, in order.
    pub(crate) async fn each_row(&mut self, sql: &str, params: &[Param], mut each: impl FnMut(&dyn Cells) -> Result<()>) -> Result<()> {
        match self {
            ReadConn::Pool(conn) => {
                let mut rows = bind_params(sqlx::query(sql), params).fetch(&mut **conn);
                while let Some(row) = rows.try_next().await? {
                    each(&row)?;
                }
                Ok(())
            }
            ReadConn::Sqlite(reader) => reader.each_row(sql, params, each),
        }
    }

    /// Folds every row `sql` selects into `state`, for a read whose rows grow with the archive
    /// (a list's walk for its page marks). On SQLite it runs on a thread for blocking work, so
    /// that it holds no thread that renders pages.
    pub(crate) async fn fold_apart<A: Send + 'static>(
        self,
        sql: String,
        params: Vec<Param>,
        mut state: A,
        each: fn(&mut A, &dyn Cells) -> Result<()>,
    ) -> Result<A> {
        match self {
            ReadConn::Sqlite(mut reader) => tokio::task::spawn_blocking(move || {
                reader.each_row(&sql, &params, |row| each(&mut state, row))?;
                Ok(state)
            })
            .await
            .unwrap_or_else(|failed| std::panic::resume_unwind(failed.into_panic())),
            mut pool => {
                pool.each_row(&sql, &params, |row| each(&mut state, row)).await?;
                Ok(state)
            }
        }
    }
}

/// Idle synchronous connections to one SQLite file, opened as needed. Only the threads that
/// render pages use them at once, so few are ever open; more than [`MAX_IDLE`] are closed
/// when given back.
pub(crate) struct SqliteReaders {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

const MAX_IDLE: usize = 8;

/// Prepared statements kept per connection: the public pages' statements, with room for the
/// variants that differ by a count (tags of an article, a list's filters).
const STATEMENT_CACHE: usize = 128;

impl SqliteReaders {
    /// Readers of the file a `sqlite:` URL names, or `None` for an in-memory database, which
    /// another connection could not see.
    pub(crate) fn of_url(url: &str) -> Option<Arc<SqliteReaders>> {
        let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
        let (path, params) = rest.split_once('?').unwrap_or((rest, ""));
        if path.is_empty() || path == ":memory:" || params.split('&').any(|param| param == "mode=memory") {
            return None;
        }
        // Decoded as sqlx decodes it, so that both open the same file.
        let path = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
        Some(Arc::new(SqliteReaders { path: PathBuf::from(&*path), idle: Mutex::new(Vec::new()) }))
    }

    pub(crate) fn take(self: &Arc<Self>) -> Result<SqliteReader> {
        let idle = self.idle.lock().expect("the idle readers are never poisoned").pop();
        let conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        Ok(SqliteReader { conn: Some(conn), home: self.clone() })
    }

    fn open(&self) -> Result<rusqlite::Connection> {
        use rusqlite::OpenFlags;
        // Opened for writing but set to query only: a read-only open of a WAL database fails
        // when it cannot write the shared-memory index.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = rusqlite::Connection::open_with_flags(&self.path, flags)?;
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 5000;")?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }
}

/// A connection taken from [`SqliteReaders`], given back when dropped.
pub(crate) struct SqliteReader {
    conn: Option<rusqlite::Connection>,
    home: Arc<SqliteReaders>,
}

impl SqliteReader {
    fn each_row(&mut self, sql: &str, params: &[Param], mut each: impl FnMut(&dyn Cells) -> Result<()>) -> Result<()> {
        let conn = self.conn.as_mut().expect("a reader holds its connection until dropped");
        let mut statement = conn.prepare_cached(sql)?;
        // SQLite takes `$3` for a name, numbered in order of appearance, so each parameter is
        // bound by the number its name carries, as sqlx binds them.
        for index in 1..=statement.parameter_count() {
            let number = statement.parameter_name(index).and_then(|name| name.strip_prefix('$')?.parse::<usize>().ok());
            let param = number
                .and_then(|number| params.get(number.checked_sub(1)?))
                .ok_or_else(|| StoreError::Invalid(format!("parameter {index} of a read has no value: {sql}")))?;
            statement.raw_bind_parameter(index, param)?;
        }
        let mut rows = statement.raw_query();
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    }
}

impl Drop for SqliteReader {
    fn drop(&mut self) {
        let mut idle = self.home.idle.lock().expect("the idle readers are never poisoned");
        if idle.len() < MAX_IDLE {
            idle.extend(self.conn.take());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Param, ReadConn, SqliteReaders};

    #[tokio::test]
    async fn parameters_are_bound_by_their_number_whatever_order_they_appear_in() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("site.db");
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch("CREATE TABLE t (n INTEGER, s TEXT); INSERT INTO t VALUES (1, 'one'), (2, 'two');")
            .unwrap();
        let readers = SqliteReaders::of_url(&format!("sqlite://{}", path.display())).unwrap();
        let mut conn = ReadConn::Sqlite(readers.take().unwrap());
        let params = [Param::Text("two".into()), Param::Int(2)];
        let found =
            conn.rows("SELECT s, $1 FROM t WHERE n = $2 AND s = $1", &params, |row| Ok((row.text(0)?, row.int(0).is_err()))).await.unwrap();
        assert_eq!(found, [("two".to_owned(), true)]);
        let unbound = conn.rows("SELECT s FROM t WHERE n = $3", &params, |row| row.text(0)).await;
        assert!(unbound.is_err(), "a parameter without a value is refused, not bound to NULL");
    }

    #[test]
    fn readers_open_the_file_a_url_names_and_none_for_a_database_in_memory() {
        let path = |url: &str| SqliteReaders::of_url(url).map(|readers| readers.path.display().to_string());
        assert_eq!(path("sqlite:///var/lib/pressroom/site.db?mode=rwc").as_deref(), Some("/var/lib/pressroom/site.db"));
        assert_eq!(path("sqlite://data/pressroom.db").as_deref(), Some("data/pressroom.db"));
        assert_eq!(path("sqlite:data/pressroom.db").as_deref(), Some("data/pressroom.db"));
        assert_eq!(path("sqlite::memory:"), None);
        assert_eq!(path("sqlite://:memory:"), None);
        assert_eq!(path("sqlite://shared?mode=memory"), None);
        assert_eq!(path("sqlite:///srv/news%20site/pressroom.db").as_deref(), Some("/srv/news site/pressroom.db"));
    }
}
