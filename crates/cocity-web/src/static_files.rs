//! The stylesheet and the icon, compiled into the binary (nothing is read from disk or fetched
//! at run time).

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

pub const APP_CSS: &str = include_str!("../static/app.css");
pub const FAVICON_SVG: &str = include_str!("../static/favicon.svg");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/app.css", get(app_css))
        .route("/static/favicon.svg", get(favicon))
        // Browsers ask for this path by themselves, whatever the page links to.
        .route("/favicon.ico", get(favicon))
}

async fn app_css() -> Response {
    cached(APP_CSS, "text/css; charset=utf-8")
}

async fn favicon() -> Response {
    cached(FAVICON_SVG, "image/svg+xml")
}

fn cached(body: &'static str, content_type: &'static str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    response
}
