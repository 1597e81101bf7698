//! Embedded, append-only migrations. Each version carries its SQLite and its PostgreSQL script
//! side by side, so the two schemas move together.
//!
//! Migrations only add (tables, columns with a default, indexes); nothing is dropped or renamed
//! in the release that stops using it. So during a rolling upgrade the servers of the previous
//! release keep serving and saving on the schema the first new server brought forward; only
//! starting a program on a database newer than it knows is refused.

use crate::{now, Engine, Result, Store, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "content_model",
        sqlite: include_str!("../migrations/sqlite/0001_content_model.sql"),
        postgres: include_str!("../migrations/postgres/0001_content_model.sql"),
    },
    Migration {
        version: 2,
        name: "back_office",
        sqlite: include_str!("../migrations/sqlite/0002_back_office.sql"),
        postgres: include_str!("../migrations/postgres/0002_back_office.sql"),
    },
    Migration {
        version: 3,
        name: "webhooks",
        sqlite: include_str!("../migrations/sqlite/0003_webhooks.sql"),
        postgres: include_str!("../migrations/postgres/0003_webhooks.sql"),
    },
    Migration {
        version: 4,
        name: "change_reach",
        sqlite: include_str!("../migrations/sqlite/0004_change_reach.sql"),
        postgres: include_str!("../migrations/postgres/0004_change_reach.sql"),
    },
    Migration {
        version: 5,
        name: "former_addresses",
        sqlite: include_str!("../migrations/sqlite/0005_former_addresses.sql"),
        postgres: include_str!("../migrations/postgres/0005_former_addresses.sql"),
    },
    Migration {
        version: 6,
        name: "bounded_listings",
        sqlite: include_str!("../migrations/sqlite/0006_bounded_listings.sql"),
        postgres: include_str!("../migrations/postgres/0006_bounded_listings.sql"),
    },
    Migration {
        version: 7,
        name: "sitemap_indexes",
        sqlite: include_str!("../migrations/sqlite/0007_sitemap_indexes.sql"),
        postgres: include_str!("../migrations/postgres/0007_sitemap_indexes.sql"),
    },
    Migration {
        version: 8,
        name: "public_record",
        sqlite: include_str!("../migrations/sqlite/0008_public_record.sql"),
        postgres: include_str!("../migrations/postgres/0008_public_record.sql"),
    },
    Migration {
        version: 9,
        name: "redirects",
        sqlite: include_str!("../migrations/sqlite/0009_redirects.sql"),
        postgres: include_str!("../migrations/postgres/0009_redirects.sql"),
    },
    Migration {
        version: 10,
        name: "events",
        sqlite: include_str!("../migrations/sqlite/0010_events.sql"),
        postgres: include_str!("../migrations/postgres/0010_events.sql"),
    },
    Migration {
        version: 11,
        name: "documents",
        sqlite: include_str!("../migrations/sqlite/0011_documents.sql"),
        postgres: include_str!("../migrations/postgres/0011_documents.sql"),
    },
    Migration {
        version: 12,
        name: "editors_desk",
        sqlite: include_str!("../migrations/sqlite/0012_editors_desk.sql"),
        postgres: include_str!("../migrations/postgres/0012_editors_desk.sql"),
    },
];

/// The schema version this program writes and reads.
pub const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaStatus {
    pub current: i64,
    pub latest: i64,
}

impl Store {
    /// The version the database is at (0 for a new, empty database).
    /// Reads only, so health probes may ask it as often as they like.
    pub async fn schema_status(&self) -> Result<SchemaStatus> {
        let exists = match self.engine {
            Engine::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
            Engine::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'schema_migrations'"
            }
        };
        let (exists,): (i64,) = sqlx::query_as(exists).fetch_one(&self.pool).await?;
        let current = if exists > 0 {
            sqlx::query_as::<_, (i64,)>("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&self.pool).await?.0
        } else {
            0
        };
        Ok(SchemaStatus { current, latest: LATEST_VERSION })
    }

    /// Refuses a database that is behind or ahead of this program.
    pub async fn check_schema(&self) -> Result<()> {
        let status = self.schema_status().await?;
        match status.current.cmp(&status.latest) {
            std::cmp::Ordering::Equal => Ok(()),
            std::cmp::Ordering::Greater => Err(StoreError::NewerSchema { found: status.current, known: status.latest }),
            std::cmp::Ordering::Less => Err(StoreError::OlderSchema { found: status.current, known: status.latest }),
        }
    }

    /// Applies every pending migration, each in its own transaction; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        let mut applied = 0;
        for migration in MIGRATIONS {
            let mut w = self.begin_write().await?;
            if self.engine == Engine::Postgres {
                // Several servers may start at once against one database: one migrates, the
                // others wait here and then find nothing left to do.
                sqlx::query("SELECT pg_advisory_xact_lock(7283401)").execute(&mut *w.tx).await?;
            }
            // Under the lock: PostgreSQL's IF NOT EXISTS is not safe against a concurrent create.
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            )
            .execute(&mut *w.tx)
            .await?;
            let (current,): (i64,) =
                sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *w.tx).await?;
            if current > LATEST_VERSION {
                return Err(StoreError::NewerSchema { found: current, known: LATEST_VERSION });
            }
            if migration.version <= current {
                continue;
            }
            let script = match self.engine {
                Engine::Sqlite => migration.sqlite,
                Engine::Postgres => migration.postgres,
            };
            sqlx::raw_sql(script).execute(&mut *w.tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                .bind(migration.version)
                .bind(migration.name)
                .bind(now())
                .execute(&mut *w.tx)
                .await?;
            w.commit().await?;
            tracing::info!(version = migration.version, name = migration.name, "applied migration");
            applied += 1;
        }
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_and_both_engines_present() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(!m.sqlite.trim().is_empty() && !m.postgres.trim().is_empty());
        }
    }

    /// The rolling-upgrade promise: a server of the previous release must still find every
    /// table and column it uses, and its inserts must not miss a value a new column requires.
    #[test]
    fn migrations_only_add() {
        for m in MIGRATIONS {
            for (engine, script) in [("sqlite", m.sqlite), ("postgres", m.postgres)] {
                for statement in script.split(';') {
                    let words: String = statement
                        .lines()
                        .map(|line| line.split("--").next().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(" ")
                        .to_uppercase();
                    let words: Vec<&str> = words.split_whitespace().collect();
                    let name = format!("migration {} ({engine})", m.version);
                    assert!(!words.iter().any(|w| *w == "DROP" || *w == "RENAME"), "{name} drops or renames: {statement}");
                    if words.windows(2).any(|w| w == ["ADD", "COLUMN"]) && words.windows(2).any(|w| w == ["NOT", "NULL"]) {
                        assert!(words.contains(&"DEFAULT"), "{name} adds a required column without a default: {statement}");
                    }
                }
            }
        }
    }
}
