//! Installation administration: the municipalities this installation hosts.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use cocity_domain::FieldErrors;
use cocity_domain::municipalities::{self, MunicipalityDraft, MunicipalityInput};
use serde::Deserialize;

use crate::chrome::{Chrome, render};
use crate::clock::now_micros;
use crate::context::RequestContext;
use crate::errors::PageError;
use crate::extract::MaybeUser;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/municipalities", get(list).post(create))
}

#[derive(Template)]
#[template(path = "admin/municipalities.html")]
struct MunicipalitiesPage {
    c: Chrome,
    notice: Option<String>,
    municipalities: Vec<(String, String)>,
    input: MunicipalityInput,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
struct DoneQuery {
    done: Option<String>,
}

async fn page_with(
    state: &AppState,
    ctx: &RequestContext,
    notice: Option<String>,
    input: MunicipalityInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let municipalities = cocity_store::municipalities::list(&state.db)
        .await?
        .into_iter()
        .map(|m| (m.slug.as_str().to_owned(), m.name.as_str().to_owned()))
        .collect();
    Ok(render(
        status,
        &MunicipalitiesPage {
            c: ctx.chrome(),
            notice,
            municipalities,
            input,
            errors,
        },
    ))
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: MaybeUser,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    municipalities::policy::can_manage(user.principal())?;
    let notice = q.done.is_some().then(|| ctx.tr().t("admin-created"));
    page_with(
        &state,
        &ctx,
        notice,
        MunicipalityInput::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize, Default)]
struct MunicipalityForm {
    #[serde(default)]
    slug: String,
    #[serde(default)]
    name: String,
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    user: MaybeUser,
    Form(form): Form<MunicipalityForm>,
) -> Result<Response, PageError> {
    municipalities::policy::can_manage(user.principal())?;
    let input = MunicipalityInput {
        slug: form.slug,
        name: form.name,
    };
    let draft = match MunicipalityDraft::parse(&input) {
        Ok(d) => d,
        Err(errors) => {
            return page_with(
                &state,
                &ctx,
                None,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let who = user.signed_in().map(|s| s.user.id);
    match cocity_store::municipalities::create(
        &state.db,
        &cocity_store::AuditContext::new(who, None, now_micros()),
        &draft,
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/admin/municipalities?done=created").into_response()),
        Err(e) if crate::store_errors::is_conflict(&e) => {
            let mut errors = FieldErrors::new();
            errors.add("slug", "admin-slug-taken");
            page_with(
                &state,
                &ctx,
                None,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
