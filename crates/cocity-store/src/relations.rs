//! Relations between actors of one municipality.

use crate::audit::{AuditContext, Change, record};
use crate::db::{Db, on_db, on_tx};
use crate::error::{StoreError, constraint_on, corrupt};
use cocity_domain::actors::{Relation, RelationDraft, RelationKind};
use cocity_domain::audit::{actions, entities};
use cocity_domain::time::IsoDate;
use cocity_domain::{ActorId, MunicipalityId, RelationId};
use serde::Serialize;

#[derive(sqlx::FromRow)]
struct RelationRow {
    id: i64,
    municipality_id: i64,
    from_actor_id: i64,
    to_actor_id: i64,
    kind: String,
    start_date: Option<String>,
    end_date: Option<String>,
    created_at: i64,
}

const COLUMNS: &str =
    "id, municipality_id, from_actor_id, to_actor_id, kind, start_date, end_date, created_at";

fn date(what: &str, s: Option<&str>) -> Result<Option<IsoDate>, StoreError> {
    s.map(IsoDate::parse)
        .transpose()
        .map_err(|e| corrupt(what, e))
}

impl TryFrom<RelationRow> for Relation {
    type Error = StoreError;
    fn try_from(r: RelationRow) -> Result<Relation, StoreError> {
        Ok(Relation {
            id: RelationId(r.id),
            municipality: MunicipalityId(r.municipality_id),
            from: ActorId(r.from_actor_id),
            to: ActorId(r.to_actor_id),
            kind: r.kind.parse().map_err(|e| corrupt("relation kind", e))?,
            start_date: date("relation start date", r.start_date.as_deref())?,
            end_date: date("relation end date", r.end_date.as_deref())?,
            created_at: r.created_at,
        })
    }
}

/// Adds a relation between two actors of `municipality`. `NotFound` when `draft.from` is
/// not an actor of it; `Invalid` (field `other_actor`) when `draft.to` is not;
/// `Conflict { field: "kind" }` when the same relation exists.
pub async fn add(
    db: &Db,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    draft: &RelationDraft,
) -> Result<Relation, StoreError> {
    let mut tx = db.begin().await?;
    let found: Vec<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM actors WHERE municipality_id = $1 AND id IN ($2, $3)")
        .bind(municipality.0)
        .bind(draft.from.0)
        .bind(draft.to.0)
        .fetch_all(c)
        .await)?;
    if !found.contains(&draft.from.0) {
        return Err(StoreError::NotFound);
    }
    if !found.contains(&draft.to.0) {
        return Err(StoreError::invalid("other_actor", "relation-actor-invalid"));
    }
    let row: RelationRow = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "INSERT INTO relations (municipality_id, from_actor_id, to_actor_id, kind, start_date, end_date, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"))
        .bind(municipality.0)
        .bind(draft.from.0)
        .bind(draft.to.0)
        .bind(draft.kind.as_str())
        .bind(draft.start_date.map(|d| d.to_string()))
        .bind(draft.end_date.map(|d| d.to_string()))
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)
    .map_err(constraint_on("kind"))?;
    let relation = Relation::try_from(row)?;
    record(
        &mut tx,
        ctx,
        Change {
            municipality: Some(municipality),
            action: actions::RELATION_ADD,
            entity_type: entities::RELATION,
            entity_id: Some(relation.id.0),
            before: None::<&Relation>,
            after: Some(&relation),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(relation)
}

/// Removes a relation of `actor` (either end) in `municipality`; `NotFound` otherwise, so a
/// relation cannot be removed through the page of an actor it does not involve.
pub async fn remove(
    db: &Db,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    actor: ActorId,
    id: RelationId,
) -> Result<Relation, StoreError> {
    let mut tx = db.begin().await?;
    let row: Option<RelationRow> = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "DELETE FROM relations WHERE municipality_id = $1 AND id = $2 AND (from_actor_id = $3 OR to_actor_id = $3) \
         RETURNING {COLUMNS}"))
        .bind(municipality.0)
        .bind(id.0)
        .bind(actor.0)
        .fetch_optional(c)
        .await)?;
    let relation = Relation::try_from(row.ok_or(StoreError::NotFound)?)?;
    record(
        &mut tx,
        ctx,
        Change {
            municipality: Some(municipality),
            action: actions::RELATION_REMOVE,
            entity_type: entities::RELATION,
            entity_id: Some(relation.id.0),
            before: Some(&relation),
            after: None::<&Relation>,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(relation)
}

/// Which end of the relation the listed actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// "this actor *kind* other" (e.g. this actor is `unit_of` the other).
    Outgoing,
    /// "other *kind* this actor".
    Incoming,
}

/// A relation as seen from one actor, with the other actor's name (the detail page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationView {
    pub id: RelationId,
    pub kind: RelationKind,
    pub direction: Direction,
    pub other: ActorId,
    pub other_name: String,
    pub other_archived: bool,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
}

#[derive(sqlx::FromRow)]
struct ViewRow {
    id: i64,
    kind: String,
    from_actor_id: i64,
    other_id: i64,
    other_name: String,
    other_archived_at: Option<i64>,
    start_date: Option<String>,
    end_date: Option<String>,
}

/// Every relation of `actor`, both directions, with the related actor's name, in one query.
pub async fn for_actor(
    db: &Db,
    municipality: MunicipalityId,
    actor: ActorId,
) -> Result<Vec<RelationView>, StoreError> {
    let rows: Vec<ViewRow> = on_db!(db, p => sqlx::query_as(
        "SELECT r.id, r.kind, r.from_actor_id, o.id AS other_id, o.name AS other_name, \
                o.archived_at AS other_archived_at, r.start_date, r.end_date \
         FROM relations r \
         JOIN actors o ON o.municipality_id = r.municipality_id \
                      AND o.id = CASE WHEN r.from_actor_id = $2 THEN r.to_actor_id ELSE r.from_actor_id END \
         WHERE r.municipality_id = $1 AND (r.from_actor_id = $2 OR r.to_actor_id = $2) \
         ORDER BY r.kind, o.name_key, r.id")
        .bind(municipality.0)
        .bind(actor.0)
        .fetch_all(p)
        .await)?;
    rows.into_iter()
        .map(|r| {
            Ok(RelationView {
                id: RelationId(r.id),
                kind: r.kind.parse().map_err(|e| corrupt("relation kind", e))?,
                direction: if r.from_actor_id == actor.0 {
                    Direction::Outgoing
                } else {
                    Direction::Incoming
                },
                other: ActorId(r.other_id),
                other_name: r.other_name,
                other_archived: r.other_archived_at.is_some(),
                start_date: date("relation start date", r.start_date.as_deref())?,
                end_date: date("relation end date", r.end_date.as_deref())?,
            })
        })
        .collect()
}

/// Every relation of `municipality` (for the Popolo export).
pub async fn all(db: &Db, municipality: MunicipalityId) -> Result<Vec<Relation>, StoreError> {
    let rows: Vec<RelationRow> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM relations WHERE municipality_id = $1 ORDER BY id"))
        .bind(municipality.0)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Relation::try_from).collect()
}
