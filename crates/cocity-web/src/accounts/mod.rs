//! Accounts: sign in (with throttling), sign out, registration in a municipality, and
//! password change. Passwords are argon2id (hashing and verification live in the domain and
//! run on the blocking pool, since each takes tens of milliseconds of CPU).

mod pages;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    pages::router()
}
