//! The application router: every feature's router merged, then the layers that apply to
//! every response.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::errors::{Failure, PageError};
use crate::state::AppState;

/// The whole application, ready for `axum::serve`.
pub fn router(state: AppState) -> Router {
    let limit = state.config.body_limit_bytes;
    let (api, openapi) = crate::api::router();
    Router::new()
        .merge(crate::home::router())
        .merge(crate::health::router())
        .merge(crate::static_files::router())
        .merge(crate::accounts::router())
        .merge(crate::actors::router())
        .merge(crate::audit::router())
        .merge(crate::admin::router())
        .merge(api)
        .merge(crate::api::docs_router(openapi))
        .fallback(not_found)
        // Layers run outside-in in the reverse of this order: security headers wrap
        // everything, then the request log, then the context (session, language, CSRF,
        // error pages), then the body limit closest to the handlers.
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(from_fn_with_state(
            state.clone(),
            crate::context::request_context,
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(from_fn(crate::security::security_headers))
        .with_state(state)
}

async fn not_found() -> PageError {
    PageError(Failure::NotFound)
}
