//! `/api/v1/m/{slug}/...`: the registry as JSON. The same `service` functions as the pages;
//! failures are RFC 9457 problem documents (`crate::errors::Problem`).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cocity_domain::actors::RelationInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::json::{
    ActorDetailJson, ActorJson, ActorListQuery, ActorPageJson, ActorPatch, ActorWrite,
    RelationJson, RelationViewJson, RelationWrite,
};
use super::service;
use crate::errors::{ApiError, Failure, Problem};
use crate::extract::{MaybeUser, Municipality};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_actors, create_actor))
        .routes(routes!(
            get_actor,
            replace_actor,
            patch_actor,
            archive_actor
        ))
        .routes(routes!(list_relations, add_relation))
        .routes(routes!(popolo))
}

/// List the actors of a municipality.
///
/// Filters combine with AND; archived actors are left out unless `include_archived=true`.
#[utoipa::path(
    get,
    path = "/api/v1/m/{slug}/actors",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug, e.g. `torino`"), ActorListQuery),
    responses(
        (status = 200, description = "One page of actors", body = ActorPageJson),
        (status = 404, description = "Unknown municipality", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown filter value", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_actors(
    State(state): State<AppState>,
    m: Municipality,
    Query(query): Query<ActorListQuery>,
) -> Result<Json<ActorPageJson>, ApiError> {
    let (filter, paging) = service::parse_list_query(&query, false).map_err(Failure::Invalid)?;
    let paged = service::list(&state, &m, &filter, paging).await?;
    Ok(Json(ActorPageJson::from(&paged)))
}

/// Create an actor (officers and admins of the municipality).
#[utoipa::path(
    post,
    path = "/api/v1/m/{slug}/actors",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug")),
    request_body = ActorWrite,
    responses(
        (status = 201, description = "The actor created", body = ActorJson),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Refused: wrong role, other municipality, or missing CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn create_actor(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Json(body): Json<ActorWrite>,
) -> Result<Response, ApiError> {
    let actor = service::create(&state, &m, user.signed_in(), &body.to_input()).await?;
    Ok((StatusCode::CREATED, Json(ActorJson::from(&actor))).into_response())
}

/// One actor with its relations.
#[utoipa::path(
    get,
    path = "/api/v1/m/{slug}/actors/{id}",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug"), ("id" = i64, Path, description = "Actor id")),
    responses(
        (status = 200, description = "The actor", body = ActorDetailJson),
        (status = 404, description = "No such actor in this municipality", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn get_actor(
    State(state): State<AppState>,
    m: Municipality,
    Path(slug_and_id): Path<(String, String)>,
) -> Result<Json<ActorDetailJson>, ApiError> {
    let (_, id) = slug_and_id;
    let id = service::parse_id(&id)?;
    let detail = service::detail(&state, &m, id).await?;
    Ok(Json(ActorDetailJson {
        actor: ActorJson::from(&detail.actor),
        relations: detail
            .relations
            .iter()
            .map(|r| RelationViewJson::new(id, r))
            .collect(),
    }))
}

/// Replace every editable field of an actor (officers, admins, or its representative).
#[utoipa::path(
    put,
    path = "/api/v1/m/{slug}/actors/{id}",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug"), ("id" = i64, Path, description = "Actor id")),
    request_body = ActorWrite,
    responses(
        (status = 200, description = "The actor updated", body = ActorJson),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such actor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn replace_actor(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Path(slug_and_id): Path<(String, String)>,
    Json(body): Json<ActorWrite>,
) -> Result<Json<ActorJson>, ApiError> {
    let (_, id) = slug_and_id;
    let id = service::parse_id(&id)?;
    let actor = service::update(&state, &m, user.signed_in(), id, &body.to_input()).await?;
    Ok(Json(ActorJson::from(&actor)))
}

/// Change some fields of an actor; absent fields keep their value.
#[utoipa::path(
    patch,
    path = "/api/v1/m/{slug}/actors/{id}",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug"), ("id" = i64, Path, description = "Actor id")),
    request_body = ActorPatch,
    responses(
        (status = 200, description = "The actor updated", body = ActorJson),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such actor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn patch_actor(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Path(slug_and_id): Path<(String, String)>,
    Json(body): Json<ActorPatch>,
) -> Result<Json<ActorJson>, ApiError> {
    let (_, id) = slug_and_id;
    let id = service::parse_id(&id)?;
    // Refuse before reading the actor's fields, so a refused caller learns nothing more.
    let current = service::get(&state, &m, id).await?;
    service::check_edit(user.principal(), &m, &current)?;
    let input = body.apply(current.draft().to_input());
    let actor = service::update(&state, &m, user.signed_in(), id, &input).await?;
    Ok(Json(ActorJson::from(&actor)))
}

/// Archive an actor (officers and admins). Actors are never deleted.
#[utoipa::path(
    delete,
    path = "/api/v1/m/{slug}/actors/{id}",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug"), ("id" = i64, Path, description = "Actor id")),
    responses(
        (status = 200, description = "The actor, now archived", body = ActorJson),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such actor", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn archive_actor(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Path(slug_and_id): Path<(String, String)>,
) -> Result<Json<ActorJson>, ApiError> {
    let (_, id) = slug_and_id;
    let id = service::parse_id(&id)?;
    let actor = service::archive(&state, &m, user.signed_in(), id).await?;
    Ok(Json(ActorJson::from(&actor)))
}

/// The relations of an actor, in both directions.
#[utoipa::path(
    get,
    path = "/api/v1/m/{slug}/actors/{id}/relations",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug"), ("id" = i64, Path, description = "Actor id")),
    responses(
        (status = 200, description = "The relations", body = Vec<RelationViewJson>),
        (status = 404, description = "No such actor", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn list_relations(
    State(state): State<AppState>,
    m: Municipality,
    Path(slug_and_id): Path<(String, String)>,
) -> Result<Json<Vec<RelationViewJson>>, ApiError> {
    let (_, id) = slug_and_id;
    let id = service::parse_id(&id)?;
    let detail = service::detail(&state, &m, id).await?;
    Ok(Json(
        detail
            .relations
            .iter()
            .map(|r| RelationViewJson::new(id, r))
            .collect(),
    ))
}

/// Add a relation from this actor to another actor of the same municipality.
#[utoipa::path(
    post,
    path = "/api/v1/m/{slug}/actors/{id}/relations",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug"), ("id" = i64, Path, description = "Actor id (the `from` side)")),
    request_body = RelationWrite,
    responses(
        (status = 201, description = "The relation added", body = RelationJson),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Refused", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such actor", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn add_relation(
    State(state): State<AppState>,
    m: Municipality,
    user: MaybeUser,
    Path(slug_and_id): Path<(String, String)>,
    Json(body): Json<RelationWrite>,
) -> Result<Response, ApiError> {
    let (_, id) = slug_and_id;
    let id = service::parse_id(&id)?;
    let input = RelationInput {
        other_actor: body.other_actor.to_string(),
        kind: body.kind,
        start_date: body.start_date.unwrap_or_default(),
        end_date: body.end_date.unwrap_or_default(),
    };
    let relation = service::add_relation(&state, &m, user.signed_in(), id, &input).await?;
    Ok((StatusCode::CREATED, Json(RelationJson::from(&relation))).into_response())
}

/// The whole registry as a Popolo document (organizations and memberships).
///
/// See docs/api-design.md for how actors and relations map onto Popolo.
#[utoipa::path(
    get,
    path = "/api/v1/m/{slug}/popolo.json",
    tag = "actors",
    params(("slug" = String, Path, description = "Municipality slug")),
    responses(
        (status = 200, description = "Popolo `organizations` and `memberships`", body = serde_json::Value),
        (status = 404, description = "Unknown municipality", body = Problem, content_type = "application/problem+json"),
    )
)]
async fn popolo(
    State(state): State<AppState>,
    m: Municipality,
) -> Result<Json<cocity_domain::actors::popolo::PopoloDocument>, ApiError> {
    Ok(Json(service::popolo(&state, &m).await?))
}
