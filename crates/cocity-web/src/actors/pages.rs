//! The HTML pages of the registry.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use cocity_domain::FieldErrors;
use cocity_domain::actors::import::RowError;
use cocity_domain::actors::{
    Actor, ActorInput, ActorKind, Level, RelationInput, RelationKind, Sector,
};
use serde::Deserialize;

use super::json::ActorListQuery;
use super::service::{self, ActorPermissions, ImportOutcome};
use crate::chrome::{Chrome, page, render};
use crate::context::RequestContext;
use crate::errors::{Failure, PageError};
use crate::extract::{MaybeUser, Municipality};
use crate::forms::{OptionView, vocabulary_options};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::urls;
use cocity_store::relations::Direction;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/m/{slug}/actors", get(list))
        .route("/m/{slug}/actors/new", get(new_form).post(create))
        .route("/m/{slug}/actors.csv", get(export_csv))
        .route("/m/{slug}/actors/import", get(import_form).post(import))
        .route("/m/{slug}/actors/{id}", get(detail))
        .route("/m/{slug}/actors/{id}/edit", get(edit_form).post(update))
        .route("/m/{slug}/actors/{id}/archive", post(archive))
        .route("/m/{slug}/actors/{id}/relations", post(add_relation))
}

/// An actor as a row of the list.
pub struct ActorRow {
    pub id: i64,
    pub name: String,
    pub sector: String,
    pub level: String,
    pub kind: String,
    pub archived: bool,
}

fn label(tr: &Tr, prefix: &str, value: &str) -> String {
    tr.t(&format!("{prefix}-{value}"))
}

#[derive(Template)]
#[template(path = "actors/list.html")]
struct ListPage {
    c: Chrome,
    slug: String,
    municipality_name: String,
    q: String,
    include_archived: bool,
    sectors: Vec<OptionView>,
    levels: Vec<OptionView>,
    kinds: Vec<OptionView>,
    rows: Vec<ActorRow>,
    total: u64,
    page: u32,
    pages: u64,
    previous_href: Option<String>,
    next_href: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Query(query): Query<ActorListQuery>,
) -> Result<Response, PageError> {
    // Pages are lenient: an unknown filter value is ignored (the API refuses it).
    let (filter, paging) = service::parse_list_query(&query, true).map_err(Failure::Invalid)?;
    let paged = service::list(&state, &m, &filter, paging).await?;
    let tr = ctx.tr();
    let rows = paged
        .items
        .iter()
        .map(|a| ActorRow {
            id: a.id.0,
            name: a.name.clone(),
            sector: label(&tr, "sector", a.sector.as_str()),
            level: label(&tr, "level", a.level.as_str()),
            kind: label(&tr, "kind", a.kind.as_str()),
            archived: a.archived_at.is_some(),
        })
        .collect();
    let base = format!("/m/{}/actors", m.slug());
    let link = |page: u32| {
        format!(
            "{base}{}",
            urls::query(&[
                ("q", query.q.clone().unwrap_or_default()),
                (
                    "sector",
                    filter
                        .sector
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default()
                ),
                (
                    "level",
                    filter
                        .level
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default()
                ),
                (
                    "kind",
                    filter
                        .kind
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default()
                ),
                (
                    "include_archived",
                    if filter.include_archived {
                        "true".to_owned()
                    } else {
                        String::new()
                    }
                ),
                ("page", page.to_string()),
            ])
        )
    };
    let c = m.chrome(&ctx, user.principal());
    let template = ListPage {
        slug: m.slug().to_owned(),
        municipality_name: m.name().to_owned(),
        q: query.q.clone().unwrap_or_default(),
        include_archived: filter.include_archived,
        sectors: vocabulary_options(
            Sector::ALL,
            Sector::as_str,
            "sector",
            &tr,
            filter.sector.map_or("", |s| s.as_str()),
        ),
        levels: vocabulary_options(
            Level::ALL,
            Level::as_str,
            "level",
            &tr,
            filter.level.map_or("", |s| s.as_str()),
        ),
        kinds: vocabulary_options(
            ActorKind::ALL,
            ActorKind::as_str,
            "kind",
            &tr,
            filter.kind.map_or("", |s| s.as_str()),
        ),
        rows,
        total: paged.total,
        page: paged.page,
        pages: paged.total_pages().max(1),
        previous_href: paged.has_previous().then(|| link(paged.page - 1)),
        next_href: paged.has_next().then(|| link(paged.page + 1)),
        c,
    };
    Ok(page(&template))
}

/// A relation as the detail page shows it, from the viewed actor's side.
pub struct RelationRow {
    pub label: String,
    pub other_id: i64,
    pub other_name: String,
    pub start: String,
    pub end: String,
}

#[derive(Template)]
#[template(path = "actors/detail.html")]
struct DetailPage {
    c: Chrome,
    slug: String,
    id: i64,
    name: String,
    archived: bool,
    notice: Option<String>,
    sector: String,
    level: String,
    kind: String,
    description: String,
    website: Option<String>,
    contact: Option<String>,
    identifiers: Vec<(String, String)>,
    location: Option<String>,
    relations: Vec<RelationRow>,
    can_edit: bool,
    can_archive: bool,
    relation_kinds: Vec<OptionView>,
    other_actors: Vec<OptionView>,
    relation_input: RelationInput,
    relation_errors: FieldErrors,
}

#[derive(Deserialize, Default)]
struct DetailQuery {
    done: Option<String>,
}

async fn detail(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, PageError> {
    let id = service::parse_id(&id)?;
    let notice = q.done.as_deref().and_then(|d| match d {
        "created" => Some("actors-created-done"),
        "updated" => Some("actors-updated-done"),
        "archived" => Some("actors-archived-done"),
        "relation" => Some("actors-relation-added"),
        _ => None,
    });
    detail_page(
        &state,
        &ctx,
        &m,
        &user,
        id,
        notice,
        RelationInput::default(),
        FieldErrors::new(),
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)] // reason: the page is re-rendered from several handlers with their own state
async fn detail_page(
    state: &AppState,
    ctx: &RequestContext,
    m: &Municipality,
    user: &MaybeUser,
    id: cocity_domain::ActorId,
    notice: Option<&str>,
    relation_input: RelationInput,
    relation_errors: FieldErrors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let detail = service::detail(state, m, id).await?;
    let perms = ActorPermissions::of(user.principal(), m, &detail.actor);
    let tr = ctx.tr();
    let a = &detail.actor;
    let relations = detail
        .relations
        .iter()
        .map(|r| {
            let key = match r.direction {
                Direction::Outgoing => format!("relation-{}", r.kind.as_str()),
                Direction::Incoming => format!("relation-inverse-{}", r.kind.as_str()),
            };
            RelationRow {
                label: tr.t(&key),
                other_id: r.other.0,
                other_name: r.other_name.clone(),
                start: r.start_date.map(|d| d.to_string()).unwrap_or_default(),
                end: r.end_date.map(|d| d.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let other_actors = if perms.edit {
        service::relation_candidates(state, m, a.id)
            .await?
            .into_iter()
            .map(|(oid, name)| OptionView {
                selected: relation_input.other_actor.trim() == oid.to_string(),
                value: oid.to_string(),
                label: name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let template = DetailPage {
        c: m.chrome(ctx, user.principal()),
        slug: m.slug().to_owned(),
        id: a.id.0,
        name: a.name.as_str().to_owned(),
        archived: a.is_archived(),
        notice: notice.map(|k| tr.t(k)),
        sector: label(&tr, "sector", a.sector.as_str()),
        level: label(&tr, "level", a.level.as_str()),
        kind: label(&tr, "kind", a.kind.as_str()),
        description: a.description.clone(),
        website: a.website.as_ref().map(|w| w.as_str().to_owned()),
        contact: a.contact.as_ref().map(|c| c.as_str().to_owned()),
        identifiers: a
            .identifiers
            .iter()
            .map(|i| (i.scheme.clone(), i.value.clone()))
            .collect(),
        location: a.location.map(|l| format!("{}, {}", l.lat(), l.lon())),
        relations,
        can_edit: perms.edit,
        can_archive: perms.archive,
        relation_kinds: vocabulary_options(
            RelationKind::ALL,
            RelationKind::as_str,
            "relation",
            &tr,
            &relation_input.kind,
        ),
        other_actors,
        relation_input,
        relation_errors,
    };
    Ok(render(status, &template))
}

#[derive(Template)]
#[template(path = "actors/form.html")]
struct FormPage {
    c: Chrome,
    title: String,
    action: String,
    cancel_href: String,
    input: ActorInput,
    errors: FieldErrors,
    sectors: Vec<OptionView>,
    levels: Vec<OptionView>,
    kinds: Vec<OptionView>,
}

fn form_page(
    c: Chrome,
    title: String,
    action: String,
    cancel_href: String,
    input: ActorInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let tr = c.tr;
    let template = FormPage {
        sectors: vocabulary_options(Sector::ALL, Sector::as_str, "sector", &tr, &input.sector),
        levels: vocabulary_options(Level::ALL, Level::as_str, "level", &tr, &input.level),
        kinds: vocabulary_options(ActorKind::ALL, ActorKind::as_str, "kind", &tr, &input.kind),
        c,
        title,
        action,
        cancel_href,
        input,
        errors,
    };
    render(status, &template)
}

/// The actor form as posted; every field is text so that a form always parses.
#[derive(Deserialize, Default)]
pub struct ActorForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub identifiers: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
}

impl From<ActorForm> for ActorInput {
    fn from(f: ActorForm) -> Self {
        ActorInput {
            name: f.name,
            sector: f.sector,
            level: f.level,
            kind: f.kind,
            description: f.description,
            website: f.website,
            contact: f.contact,
            identifiers: f.identifiers,
            latitude: f.latitude,
            longitude: f.longitude,
        }
    }
}

async fn new_form(
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
) -> Result<Response, PageError> {
    service::check_create(user.principal(), &m)?;
    let c = m.chrome(&ctx, user.principal());
    Ok(form_page(
        c,
        ctx.tr().t("actors-new-title"),
        format!("/m/{}/actors/new", m.slug()),
        format!("/m/{}/actors", m.slug()),
        ActorInput::default(),
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

async fn create(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Form(form): Form<ActorForm>,
) -> Result<Response, PageError> {
    let input: ActorInput = form.into();
    match service::create(&state, &m, user.signed_in(), &input).await {
        Ok(actor) => Ok(
            Redirect::to(&format!("/m/{}/actors/{}?done=created", m.slug(), actor.id))
                .into_response(),
        ),
        Err(Failure::Invalid(errors)) => Ok(form_page(
            m.chrome(&ctx, user.principal()),
            ctx.tr().t("actors-new-title"),
            format!("/m/{}/actors/new", m.slug()),
            format!("/m/{}/actors", m.slug()),
            input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(other) => Err(PageError(other)),
    }
}

async fn edit_form(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = service::parse_id(&id)?;
    let actor = service::get(&state, &m, id).await?;
    service::check_edit(user.principal(), &m, &actor)?;
    Ok(edit_page(
        &ctx,
        &m,
        &user,
        &actor,
        actor.draft().to_input(),
        FieldErrors::new(),
        StatusCode::OK,
    ))
}

fn edit_page(
    ctx: &RequestContext,
    m: &Municipality,
    user: &MaybeUser,
    actor: &Actor,
    input: ActorInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    form_page(
        m.chrome(ctx, user.principal()),
        ctx.tr()
            .t1("actors-edit-title", "name", actor.name.as_str()),
        format!("/m/{}/actors/{}/edit", m.slug(), actor.id),
        format!("/m/{}/actors/{}", m.slug(), actor.id),
        input,
        errors,
        status,
    )
}

async fn update(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<ActorForm>,
) -> Result<Response, PageError> {
    let id = service::parse_id(&id)?;
    let input: ActorInput = form.into();
    match service::update(&state, &m, user.signed_in(), id, &input).await {
        Ok(actor) => Ok(
            Redirect::to(&format!("/m/{}/actors/{}?done=updated", m.slug(), actor.id))
                .into_response(),
        ),
        Err(Failure::Invalid(errors)) => {
            let actor = service::get(&state, &m, id).await?;
            Ok(edit_page(
                &ctx,
                &m,
                &user,
                &actor,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(other) => Err(PageError(other)),
    }
}

async fn archive(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Path((_, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let id = service::parse_id(&id)?;
    service::archive(&state, &m, user.signed_in(), id).await?;
    Ok(Redirect::to(&format!("/m/{}/actors/{}?done=archived", m.slug(), id)).into_response())
}

#[derive(Deserialize, Default)]
struct RelationForm {
    #[serde(default)]
    other_actor: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
}

async fn add_relation(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    Path((_, id)): Path<(String, String)>,
    Form(form): Form<RelationForm>,
) -> Result<Response, PageError> {
    let id = service::parse_id(&id)?;
    let input = RelationInput {
        other_actor: form.other_actor,
        kind: form.kind,
        start_date: form.start_date,
        end_date: form.end_date,
    };
    match service::add_relation(&state, &m, user.signed_in(), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/m/{}/actors/{}?done=relation#relations",
            m.slug(),
            id
        ))
        .into_response()),
        Err(Failure::Invalid(errors)) => {
            detail_page(
                &state,
                &ctx,
                &m,
                &user,
                id,
                None,
                input,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(PageError(other)),
    }
}

async fn export_csv(State(state): State<AppState>, m: Municipality) -> Result<Response, PageError> {
    let body = service::export_csv(&state, &m).await?;
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"actors-{}.csv\"", m.slug()))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// An import error as the page lists it.
pub struct RowErrorView {
    pub line: u64,
    pub field: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "actors/import.html")]
struct ImportPage {
    c: Chrome,
    slug: String,
    imported: Option<usize>,
    row_errors: Vec<RowErrorView>,
}

async fn import_form(
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
) -> Result<Response, PageError> {
    service::check_import(user.principal(), &m)?;
    Ok(page(&ImportPage {
        c: m.chrome(&ctx, user.principal()),
        slug: m.slug().to_owned(),
        imported: None,
        row_errors: Vec::new(),
    }))
}

async fn import(
    State(state): State<AppState>,
    ctx: RequestContext,
    m: Municipality,
    user: MaybeUser,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    service::check_import(user.principal(), &m)?;
    let bytes = match multipart {
        Ok(mp) => read_file_field(mp).await?,
        Err(_) => None,
    };
    let tr = ctx.tr();
    let (status, imported, row_errors) = match bytes {
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            vec![RowErrorView {
                line: 0,
                field: "file".to_owned(),
                reason: tr.t("import-file-missing"),
            }],
        ),
        Some(bytes) => match service::import(&state, &m, user.signed_in(), &bytes).await? {
            ImportOutcome::Imported(n) => (StatusCode::OK, Some(n), Vec::new()),
            ImportOutcome::Rejected(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                row_error_views(&tr, &errors),
            ),
        },
    };
    Ok(render(
        status,
        &ImportPage {
            c: m.chrome(&ctx, user.principal()),
            slug: m.slug().to_owned(),
            imported,
            row_errors,
        },
    ))
}

fn row_error_views(tr: &Tr, errors: &[RowError]) -> Vec<RowErrorView> {
    errors
        .iter()
        .map(|e| RowErrorView {
            line: e.line,
            field: e.field.clone().unwrap_or_default(),
            reason: tr.t(e.reason),
        })
        .collect()
}

/// The bytes of the `file` field of an upload, if one was sent.
async fn read_file_field(mut multipart: Multipart) -> Result<Option<Vec<u8>>, PageError> {
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let bytes = field.bytes().await.map_err(|e| multipart_failure(&e))?;
                return Ok((!bytes.is_empty()).then(|| bytes.to_vec()));
            }
            Ok(Some(_)) => continue,
            Ok(None) => return Ok(None),
            Err(e) => return Err(multipart_failure(&e)),
        }
    }
}

fn multipart_failure(e: &axum::extract::multipart::MultipartError) -> PageError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        PageError(Failure::PayloadTooLarge)
    } else {
        PageError(Failure::BadRequest(e.body_text()))
    }
}
