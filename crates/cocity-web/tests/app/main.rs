//! The web application's integration tests: one binary, one module per feature. Each test
//! spawns the real server on 127.0.0.1:0 over a fresh database (SQLite, or PostgreSQL when
//! `COCITY_TEST_POSTGRES_URL` is set) and talks to it over HTTP.

// A test helper that cannot set up its world should stop the test on the spot.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod accounts;
mod actors;
mod admin;
mod api;
mod audit;
mod helpers;
mod i18n;
mod platform;
