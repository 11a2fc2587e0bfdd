//! The store's error, shaped for the web layer: `NotFound` → 404, `Conflict` and `Invalid`
//! → a form error on the named field (422 in the API), the rest → 500.

use cocity_domain::FieldErrors;
use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row in the given scope (e.g. an actor of another municipality).
    #[error("not found")]
    NotFound,
    /// A unique value is already taken (`field` names the form field: `email`, `slug`, `name`, ...).
    #[error("{field} is already taken")]
    Conflict { field: &'static str },
    /// In a bulk import, the draft at `index` (0-based, in the order given) collides with a stored row.
    #[error("row {index} of the import: {field} is already taken")]
    ImportConflict { index: usize, field: &'static str },
    /// The request names rows that do not exist or do not belong together, by field.
    #[error("invalid: {0}")]
    Invalid(FieldErrors),
    /// A stored value no longer parses as its domain type.
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("unsupported database URL {0:?}: use a sqlite: URL, a file path, or a postgres:// URL")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("could not encode {what} as JSON: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
}

impl StoreError {
    /// A single-field validation error.
    pub fn invalid(field: &'static str, key: &'static str) -> StoreError {
        let mut e = FieldErrors::new();
        e.add(field, key);
        StoreError::Invalid(e)
    }
}

/// Maps constraint violations by kind, never by constraint name: SQLite does not report
/// constraint names (sqlx fills `constraint()` on PostgreSQL only).
pub(crate) fn constraint_on(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict { field },
            ErrorKind::ForeignKeyViolation => StoreError::invalid(field, "reference-invalid"),
            _ => StoreError::Database(e),
        },
        _ => StoreError::Database(e),
    }
}

pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {detail}"))
}
