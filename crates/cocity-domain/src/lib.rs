//! cocity-domain: the vocabulary of DOMAIN.md as types that parse their input, and each
//! feature's rules (its `policy`), tested without a database.
//!
//! Layering: this crate knows nothing of SQL, HTTP or async runtimes (CI checks that
//! `sqlx`, `axum` and `tokio` are not in its dependency tree). Instants are unix
//! microseconds (`i64`) passed in by the caller: nothing here reads the clock.

pub mod access;
pub mod accounts;
pub mod actors;
pub mod audit;
pub mod field_errors;
pub mod ids;
pub mod municipalities;
pub mod pagination;
pub mod time;
mod vocabulary;

pub use access::{Principal, Refusal, Role, RoleGrant};
pub use field_errors::FieldErrors;
pub use ids::{ActorId, MunicipalityId, RelationId, UserId};
pub use vocabulary::UnknownValue;
