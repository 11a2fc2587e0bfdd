//! The registry of actors: public list and detail pages, management forms for officers,
//! admins and representatives, CSV/Popolo exports, CSV import, and the JSON API. Pages and
//! API share `service`; SQL is in `cocity_store::actors`, rules in `cocity_domain::actors`.

pub mod api;
pub mod json;
pub mod pages;
pub mod service;

use axum::Router;

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    pages::router()
}
