use cocity_store::testing::TestDb;
use cocity_store::{Backend, Db, StoreError};
use std::collections::BTreeMap;
use std::path::Path;

#[tokio::test]
async fn ping_answers_and_counts_one_query() {
    let db = TestDb::new().await;
    let before = db.query_count();
    db.ping().await.unwrap();
    assert_eq!(db.query_count(), before + 1);
    db.reset_query_count();
    assert_eq!(db.query_count(), 0);
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    let db = TestDb::new().await;
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
}

#[tokio::test]
async fn sqlite_connections_get_wal_foreign_keys_and_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain-path.db");
    let db = Db::connect(path.to_str().unwrap()).await.unwrap();
    assert!(path.exists(), "a plain path creates the file");
    assert_eq!(db.backend(), Backend::Sqlite);
    let Db::Sqlite { pool, .. } = &db else {
        panic!("expected SQLite")
    };
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    let fks: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!((journal.as_str(), fks, busy, sync), ("wal", 1, 5000, 1));

    let url = format!("sqlite://{}", dir.path().join("url.db").display());
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    db.ping().await.unwrap();
}

#[tokio::test]
async fn unsupported_urls_are_refused_by_name() {
    let err = Db::connect("mysql://localhost/cocity").await.unwrap_err();
    assert!(
        matches!(err, StoreError::UnsupportedUrl(ref u) if u == "mysql://localhost/cocity"),
        "{err}"
    );
}

#[test]
fn migration_files_are_in_lockstep() {
    let names = |dir: &str| -> Vec<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dir);
        let mut v: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let (sqlite, postgres) = (names("sqlite"), names("postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

type Schema = BTreeMap<(String, String), bool>;

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(dir.path().join("schema.db").to_str().unwrap())
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let Db::Sqlite { pool, .. } = &db else {
        unreachable!()
    };
    let rows: Vec<(String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, p.name, p.\"notnull\", p.pk FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    // INTEGER PRIMARY KEY columns are never NULL, although the pragma says notnull = 0.
    rows.into_iter()
        .map(|(t, c, notnull, pk)| ((t, c), notnull == 1 || pk > 0))
        .collect()
}

/// Tables and columns with their NOT NULL-ness, read from the PostgreSQL migration text.
fn postgres_schema_from_sql() -> Schema {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut schema = Schema::new();
    for file in files {
        let sql = std::fs::read_to_string(file).unwrap();
        let mut table: Option<String> = None;
        for line in sql.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                table = Some(rest.trim_end_matches(" (").to_owned());
            } else if line.starts_with(')') {
                table = None;
            } else if let Some(t) = &table {
                let first = line.split_whitespace().next().unwrap_or("");
                if first.is_empty()
                    || first.starts_with("--")
                    || first == "UNIQUE"
                    || first == "PRIMARY"
                {
                    continue;
                }
                let not_null = line.contains("NOT NULL") || line.contains("PRIMARY KEY");
                schema.insert((t.clone(), first.to_owned()), not_null);
            }
        }
    }
    schema
}

#[tokio::test]
async fn schemas_match_on_both_databases() {
    let sqlite = sqlite_schema().await;
    assert!(sqlite.contains_key(&("actors".to_owned(), "municipality_id".to_owned())));
    assert_eq!(
        sqlite,
        postgres_schema_from_sql(),
        "SQLite schema vs the PostgreSQL migration text"
    );

    // With PostgreSQL available, compare against the live catalogue too.
    let db = TestDb::new().await;
    if let Db::Postgres { pool, .. } = &db.db {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        let live: Schema = rows
            .into_iter()
            .map(|(t, c, n)| ((t, c), n == "NO"))
            .collect();
        assert_eq!(sqlite, live, "SQLite schema vs the live PostgreSQL schema");
    }
}
