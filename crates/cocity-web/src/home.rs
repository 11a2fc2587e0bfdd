//! The municipality picker at `/`, and the language switch (`POST /lang`).

use askama::Template;
use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::chrome::{Chrome, page};
use crate::context::RequestContext;
use crate::cookies::{self, SameSite};
use crate::errors::PageError;
use crate::i18n::Lang;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/lang", post(switch_language))
}

#[derive(Template)]
#[template(path = "home/index.html")]
struct IndexPage {
    c: Chrome,
    /// `(slug, name)` of each municipality.
    municipalities: Vec<(String, String)>,
}

async fn index(State(state): State<AppState>, ctx: RequestContext) -> Result<Response, PageError> {
    let municipalities = cocity_store::municipalities::list(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.slug.as_str().to_owned(), m.name.as_str().to_owned()))
        .collect();
    Ok(page(&IndexPage {
        c: ctx.chrome(),
        municipalities,
    }))
}

#[derive(Deserialize)]
struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

/// Sets the `lang` cookie (a year) and returns to the page the form was on.
async fn switch_language(ctx: RequestContext, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::from_code(&form.lang).unwrap_or(ctx.lang);
    let target = crate::urls::local_path(form.next.as_deref());
    let mut response = Redirect::to(&target).into_response();
    let cookie = cookies::set(
        cookies::LANG_COOKIE,
        lang.code(),
        Some(365 * 24 * 3600),
        SameSite::Lax,
        ctx.secure,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}
