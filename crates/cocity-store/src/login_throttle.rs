//! Failed sign-in attempts, counted per email and per client address in the window of
//! `cocity_domain::accounts::throttle`, which decides whether to refuse.

use crate::db::{Db, on_db};
use crate::error::StoreError;
use cocity_domain::accounts::throttle;

/// Failures within the window ending now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentFailures {
    pub by_email: u64,
    pub by_ip: u64,
}

impl RecentFailures {
    /// The domain's verdict on these counts.
    pub fn check(self) -> Result<(), cocity_domain::Refusal> {
        throttle::check(self.by_email, self.by_ip)
    }
}

fn key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Records a failed attempt for `email` (as typed; it may not be a valid address) from `ip`.
pub async fn record_failure(
    db: &Db,
    email: &str,
    ip: Option<&str>,
    now_us: i64,
) -> Result<(), StoreError> {
    on_db!(db, p => sqlx::query("INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)")
        .bind(key(email))
        .bind(ip)
        .bind(now_us)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Counts the failures for `email` and for `ip` in the throttle window ending at `now_us`.
pub async fn recent_failures(
    db: &Db,
    email: &str,
    ip: Option<&str>,
    now_us: i64,
) -> Result<RecentFailures, StoreError> {
    let (by_email, by_ip): (i64, i64) = on_db!(db, p => sqlx::query_as(
        "SELECT \
            COALESCE(SUM(CASE WHEN email = $1 THEN 1 ELSE 0 END), 0), \
            COALESCE(SUM(CASE WHEN ip = $2 THEN 1 ELSE 0 END), 0) \
         FROM login_failures WHERE at > $3 AND (email = $1 OR ip = $2)")
        .bind(key(email))
        .bind(ip)
        .bind(throttle::window_start(now_us))
        .fetch_one(p)
        .await)?;
    Ok(RecentFailures {
        by_email: u64::try_from(by_email).unwrap_or(0),
        by_ip: u64::try_from(by_ip).unwrap_or(0),
    })
}

/// Forgets the failures of `email` after a successful sign-in.
pub async fn clear(db: &Db, email: &str) -> Result<(), StoreError> {
    on_db!(db, p => sqlx::query("DELETE FROM login_failures WHERE email = $1").bind(key(email)).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes failures older than the window (housekeeping).
pub async fn prune(db: &Db, now_us: i64) -> Result<u64, StoreError> {
    let done = on_db!(db, p => sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(throttle::window_start(now_us))
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}
