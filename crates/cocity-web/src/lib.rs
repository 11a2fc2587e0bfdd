//! cocity-web: the axum application. Server-rendered pages (askama, auto-escaping) that
//! work without JavaScript, and a JSON API under `/api/v1` whose OpenAPI 3.1 document is
//! generated from the handlers. Pages and API call the same functions in each feature's
//! `service` module; SQL lives only in `cocity-store`, rules only in `cocity-domain`.
//!
//! Each feature has one module here (`accounts`, `actors`, `audit`, `admin`), one folder
//! of templates and one Fluent file per language, with the same name on every floor.

pub mod accounts;
pub mod actors;
pub mod admin;
pub mod api;
pub mod audit;
pub mod chrome;
pub mod clock;
pub mod config;
pub mod context;
pub mod cookies;
pub mod csrf;
pub mod errors;
pub mod extract;
pub mod forms;
pub mod health;
pub mod home;
pub mod i18n;
pub mod security;
pub mod sessions;
pub mod state;
pub mod static_files;
pub mod store_errors;
pub mod urls;

mod router;
mod serve;

pub use config::WebConfig;
pub use router::router;
pub use serve::{serve, serve_listener, shutdown_signal};
pub use state::AppState;
