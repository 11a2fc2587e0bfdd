//! The store suite: one binary, one module per feature. Every test takes a fresh database
//! from `TestDb::new()`: SQLite by default, PostgreSQL when `COCITY_TEST_POSTGRES_URL` is set.

// Helpers outside `#[test]` functions (fixtures, schema readers) are test code too: a
// panic there is the failure report, so `allow-unwrap-in-tests` is extended to them.
#![allow(clippy::unwrap_used)]

mod actors;
mod audit;
mod db;
mod login_throttle;
mod municipalities;
mod relations;
mod roles;
mod sessions;
mod users;

use cocity_domain::UserId;
use cocity_domain::audit::{AuditEntry, AuditFilter};
use cocity_store::testing::NOW_US;
use cocity_store::{AuditContext, Db};

/// An audit context for `user` at the fixtures' "now" plus `offset_us`.
pub fn ctx(user: Option<UserId>, offset_us: i64) -> AuditContext {
    AuditContext::new(user, None, NOW_US + offset_us)
}

/// Every audit row of the installation, oldest first.
pub async fn audit_rows(db: &Db) -> Vec<AuditEntry> {
    cocity_store::audit::all(db, None, &AuditFilter::default())
        .await
        .unwrap()
}
