//! The only place that knows there are two databases.

use crate::error::StoreError;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub(crate) static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
pub(crate) static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// A pool on SQLite or PostgreSQL, and a counter of the statements run through it.
/// Cloning shares both.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite {
        pool: SqlitePool,
        queries: Arc<AtomicU64>,
    },
    Postgres {
        pool: PgPool,
        queries: Arc<AtomicU64>,
    },
}

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Runs `$body` with `$p` bound to the concrete pool, once per backend arm, and counts one
/// statement. The body is the same text for both: that is the single code path.
macro_rules! on_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { pool: $p, queries } => {
                queries.fetch_add(1, ::std::sync::atomic::Ordering::Relaxed);
                $body
            }
            $crate::db::Db::Postgres { pool: $p, queries } => {
                queries.fetch_add(1, ::std::sync::atomic::Ordering::Relaxed);
                $body
            }
        }
    };
}

/// Like `on_db!` inside a transaction: `$c` is the concrete connection.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {{
        let tx: &mut $crate::db::Tx = $tx;
        tx.queries
            .fetch_add(1, ::std::sync::atomic::Ordering::Relaxed);
        match &mut tx.conn {
            $crate::db::TxConn::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::TxConn::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    }};
}

pub(crate) use {on_db, on_tx};

/// A write transaction. Dropped without `commit`, it rolls back.
pub(crate) struct Tx {
    pub(crate) conn: TxConn,
    pub(crate) queries: Arc<AtomicU64>,
}

pub(crate) enum TxConn {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self.conn {
            TxConn::Sqlite(t) => t.commit().await?,
            TxConn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Pool sizes: SQLite serialises writers anyway; PostgreSQL shares `max_connections`
/// between all `cocity serve` processes.
const SQLITE_MAX_CONNECTIONS: u32 = 8;
const POSTGRES_MAX_CONNECTIONS: u32 = 10;

impl Db {
    /// Opens `url`: `postgres://` or `postgresql://` → PostgreSQL; a `sqlite:` URL or a plain
    /// path → SQLite, creating the file if missing, with WAL, foreign keys, a 5 s busy timeout
    /// and `synchronous=NORMAL` on every connection.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        Db::connect_with_limit(url, None).await
    }

    /// [`Db::connect`] with an explicit pool size (tests use small pools).
    pub async fn connect_with_limit(
        url: &str,
        max_connections: Option<u32>,
    ) -> Result<Db, StoreError> {
        let queries = Arc::new(AtomicU64::new(0));
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections.unwrap_or(POSTGRES_MAX_CONNECTIONS))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            return Ok(Db::Postgres { pool, queries });
        }
        let options = if url.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(url)?
        } else if url.contains("://") {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        } else {
            SqliteConnectOptions::new().filename(url)
        };
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = options
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .synchronous(SqliteSynchronous::Normal)
            .journal_mode(if in_memory {
                SqliteJournalMode::Memory
            } else {
                SqliteJournalMode::Wal
            });
        // Each in-memory connection would be its own empty database.
        let max = if in_memory {
            1
        } else {
            max_connections.unwrap_or(SQLITE_MAX_CONNECTIONS)
        };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        Ok(Db::Sqlite { pool, queries })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite { .. } => Backend::Sqlite,
            Db::Postgres { .. } => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite { pool, .. } => SQLITE_MIGRATOR.run(pool).await?,
            Db::Postgres { pool, .. } => POSTGRES_MIGRATOR.run(pool).await?,
        }
        Ok(())
    }

    /// One round trip (`SELECT 1`), for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let one: i32 = on_db!(self, p => sqlx::query_scalar("SELECT 1").fetch_one(p).await)?;
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("SELECT 1 did not answer 1".into()))
        }
    }

    /// Statements run through this pool (and its clones) so far. `BEGIN`/`COMMIT` are not
    /// counted: they are not queries a page could avoid.
    pub fn query_count(&self) -> u64 {
        self.counter().load(Ordering::Relaxed)
    }

    pub fn reset_query_count(&self) {
        self.counter().store(0, Ordering::Relaxed);
    }

    fn counter(&self) -> &AtomicU64 {
        match self {
            Db::Sqlite { queries, .. } | Db::Postgres { queries, .. } => queries,
        }
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match self {
            Db::Sqlite { pool, .. } => pool.close().await,
            Db::Postgres { pool, .. } => pool.close().await,
        }
    }

    /// Opens a write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write
    /// lock at once so that concurrent writers wait for the busy timeout instead of failing
    /// to upgrade a read lock.
    pub(crate) async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite { pool, queries } => Tx {
                conn: TxConn::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
                queries: queries.clone(),
            },
            Db::Postgres { pool, queries } => Tx {
                conn: TxConn::Postgres(pool.begin().await?),
                queries: queries.clone(),
            },
        })
    }
}
