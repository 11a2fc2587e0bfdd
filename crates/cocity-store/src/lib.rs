//! cocity-store: persistence for cocity on SQLite or PostgreSQL with one SQL code path.
//!
//! - [`Db`] is an enum over the two pools; every query is written once (`$1` placeholders
//!   work on both) and run through `on_db!`/`on_tx!`, which also count statements so tests
//!   can bound the queries of a page ([`Db::query_count`]).
//! - One module per feature. Every query on a row that belongs to a municipality is scoped
//!   by its `municipality_id`.
//! - Every write takes an [`AuditContext`] and writes its audit row in the same transaction.
//! - Constraint errors are mapped by kind (unique, foreign key) into [`StoreError`].

mod db;
mod error;

pub mod actors;
pub mod audit;
pub mod login_throttle;
pub mod municipalities;
pub mod relations;
pub mod roles;
pub mod sessions;
pub mod users;

pub use audit::AuditContext;
pub use db::{Backend, Db};
pub use error::StoreError;

#[cfg(feature = "testing")]
pub mod testing;
