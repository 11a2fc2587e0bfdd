//! The actor registry of each municipality. Every query is scoped by `municipality_id`:
//! an actor of Turin is invisible and unchangeable through Bologna's id.

use crate::audit::{AuditContext, Change, record};
use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, constraint_on, corrupt};
use cocity_domain::actors::{
    Actor, ActorDraft, ActorFilter, ActorKind, ActorName, Contact, Identifier, Level, Location,
    Sector, Website,
};
use cocity_domain::audit::{actions, entities};
use cocity_domain::pagination::{PageRequest, Paged};
use cocity_domain::{ActorId, MunicipalityId};
use serde::Serialize;

/// Binds a draft's twelve columns, in the order both the INSERT and the UPDATE list them
/// (name … lon). A macro, not a function, because each `on_tx!` arm has its own database type.
macro_rules! bind_draft {
    ($query:expr, $draft:expr, $identifiers:expr) => {
        $query
            .bind($draft.name.as_str())
            .bind(name_key($draft))
            .bind(search_text($draft))
            .bind($draft.sector.as_str())
            .bind($draft.level.as_str())
            .bind($draft.kind.as_str())
            .bind(&$draft.description)
            .bind($draft.website.as_ref().map(Website::as_str))
            .bind($draft.contact.as_ref().map(Contact::as_str))
            .bind($identifiers)
            .bind($draft.location.map(Location::lat))
            .bind($draft.location.map(Location::lon))
    };
}

#[derive(sqlx::FromRow)]
struct ActorRow {
    id: i64,
    municipality_id: i64,
    name: String,
    sector: String,
    level: String,
    kind: String,
    description: String,
    website: Option<String>,
    contact: Option<String>,
    identifiers: String,
    lat: Option<f64>,
    lon: Option<f64>,
    archived_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

const COLUMNS: &str = "id, municipality_id, name, sector, level, kind, description, website, contact, identifiers, \
    lat, lon, archived_at, created_at, updated_at";

impl TryFrom<ActorRow> for Actor {
    type Error = StoreError;
    fn try_from(r: ActorRow) -> Result<Actor, StoreError> {
        let what = |field: &str| format!("actor {} {field}", r.id);
        Ok(Actor {
            id: ActorId(r.id),
            municipality: MunicipalityId(r.municipality_id),
            name: ActorName::parse(&r.name).map_err(|e| corrupt(&what("name"), e))?,
            sector: r.sector.parse().map_err(|e| corrupt(&what("sector"), e))?,
            level: r.level.parse().map_err(|e| corrupt(&what("level"), e))?,
            kind: r.kind.parse().map_err(|e| corrupt(&what("kind"), e))?,
            description: r.description.clone(),
            website: r
                .website
                .as_deref()
                .map(Website::parse)
                .transpose()
                .map_err(|e| corrupt(&what("website"), e))?,
            contact: r
                .contact
                .as_deref()
                .map(Contact::parse)
                .transpose()
                .map_err(|e| corrupt(&what("contact"), e))?,
            identifiers: serde_json::from_str::<Vec<Identifier>>(&r.identifiers)
                .map_err(|e| corrupt(&what("identifiers"), e))?,
            location: match (r.lat, r.lon) {
                (Some(lat), Some(lon)) => {
                    Some(Location::parse(lat, lon).map_err(|e| corrupt(&what("location"), e))?)
                }
                _ => None,
            },
            archived_at: r.archived_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The derived columns: the Unicode-lower-cased name (unique per municipality, sort key)
/// and the text the free-text filter searches. Computed here, not with SQL `LOWER`, because
/// SQLite's `LOWER` only folds ASCII and the two databases would disagree.
fn name_key(draft: &ActorDraft) -> String {
    draft.name.as_str().to_lowercase()
}

fn search_text(draft: &ActorDraft) -> String {
    format!(
        "{}\n{}",
        draft.name.as_str().to_lowercase(),
        draft.description.to_lowercase()
    )
}

fn identifiers_json(draft: &ActorDraft) -> Result<String, StoreError> {
    serde_json::to_string(&draft.identifiers).map_err(|source| StoreError::Json {
        what: "identifiers",
        source,
    })
}

async fn insert(
    tx: &mut Tx,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    draft: &ActorDraft,
) -> Result<Actor, StoreError> {
    let identifiers = identifiers_json(draft)?;
    let row: ActorRow = on_tx!(tx, c => bind_draft!(sqlx::query_as(&format!(
        "INSERT INTO actors (municipality_id, name, name_key, search_text, sector, level, kind, description, \
             website, contact, identifiers, lat, lon, archived_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, $14, $14) RETURNING {COLUMNS}"))
        .bind(municipality.0), draft, identifiers)
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)
    .map_err(constraint_on("name"))?;
    Actor::try_from(row)
}

fn audit_change<'a>(
    action: &'static str,
    before: Option<&'a Actor>,
    after: Option<&'a Actor>,
) -> Change<'a, Actor, Actor> {
    let actor = after.or(before);
    Change {
        municipality: actor.map(|a| a.municipality),
        action,
        entity_type: entities::ACTOR,
        entity_id: actor.map(|a| a.id.0),
        before,
        after,
    }
}

/// Creates an actor in `municipality`. `Conflict { field: "name" }` when an actor of that
/// municipality already has the name (case-insensitively).
pub async fn create(
    db: &Db,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    draft: &ActorDraft,
) -> Result<Actor, StoreError> {
    let mut tx = db.begin().await?;
    let actor = insert(&mut tx, ctx, municipality, draft).await?;
    record(
        &mut tx,
        ctx,
        audit_change(actions::ACTOR_CREATE, None, Some(&actor)),
    )
    .await?;
    tx.commit().await?;
    Ok(actor)
}

/// Creates every draft in one transaction, one `actor.import` audit row each. On any
/// failure nothing is kept; a name collision is `ImportConflict { index, field: "name" }`.
pub async fn import_many(
    db: &Db,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    drafts: &[ActorDraft],
) -> Result<Vec<ActorId>, StoreError> {
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(drafts.len());
    for (index, draft) in drafts.iter().enumerate() {
        let actor = insert(&mut tx, ctx, municipality, draft)
            .await
            .map_err(|e| match e {
                StoreError::Conflict { field } => StoreError::ImportConflict { index, field },
                other => other,
            })?;
        record(
            &mut tx,
            ctx,
            audit_change(actions::ACTOR_IMPORT, None, Some(&actor)),
        )
        .await?;
        ids.push(actor.id);
    }
    tx.commit().await?;
    Ok(ids)
}

async fn get_in(
    tx: &mut Tx,
    municipality: MunicipalityId,
    id: ActorId,
) -> Result<Actor, StoreError> {
    let row: Option<ActorRow> = on_tx!(tx, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM actors WHERE municipality_id = $1 AND id = $2"))
        .bind(municipality.0)
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    Actor::try_from(row.ok_or(StoreError::NotFound)?)
}

/// Replaces an actor's fields. `NotFound` when it is not an actor of `municipality`.
/// Whether the actor may still change (archived, representative) is the policy's call.
pub async fn update(
    db: &Db,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    id: ActorId,
    draft: &ActorDraft,
) -> Result<Actor, StoreError> {
    let mut tx = db.begin().await?;
    let before = get_in(&mut tx, municipality, id).await?;
    let identifiers = identifiers_json(draft)?;
    let row: ActorRow = on_tx!(&mut tx, c => bind_draft!(sqlx::query_as(&format!(
        "UPDATE actors SET name = $3, name_key = $4, search_text = $5, sector = $6, level = $7, kind = $8, \
             description = $9, website = $10, contact = $11, identifiers = $12, lat = $13, lon = $14, updated_at = $15 \
         WHERE municipality_id = $1 AND id = $2 RETURNING {COLUMNS}"))
        .bind(municipality.0)
        .bind(id.0), draft, identifiers)
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)
    .map_err(constraint_on("name"))?;
    let after = Actor::try_from(row)?;
    record(
        &mut tx,
        ctx,
        audit_change(actions::ACTOR_UPDATE, Some(&before), Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Archives an actor at `ctx.now_us`. `NotFound` outside `municipality`;
/// `Conflict { field: "archived_at" }` if it is archived already.
pub async fn archive(
    db: &Db,
    ctx: &AuditContext,
    municipality: MunicipalityId,
    id: ActorId,
) -> Result<Actor, StoreError> {
    let mut tx = db.begin().await?;
    let before = get_in(&mut tx, municipality, id).await?;
    if before.is_archived() {
        return Err(StoreError::Conflict {
            field: "archived_at",
        });
    }
    let row: ActorRow = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "UPDATE actors SET archived_at = $3, updated_at = $3 WHERE municipality_id = $1 AND id = $2 RETURNING {COLUMNS}"))
        .bind(municipality.0)
        .bind(id.0)
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)?;
    let after = Actor::try_from(row)?;
    record(
        &mut tx,
        ctx,
        audit_change(actions::ACTOR_ARCHIVE, Some(&before), Some(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// One actor of `municipality` (archived ones included).
pub async fn get(
    db: &Db,
    municipality: MunicipalityId,
    id: ActorId,
) -> Result<Option<Actor>, StoreError> {
    let row: Option<ActorRow> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM actors WHERE municipality_id = $1 AND id = $2"))
        .bind(municipality.0)
        .bind(id.0)
        .fetch_optional(p)
        .await)?;
    row.map(Actor::try_from).transpose()
}

/// The actor of `municipality` with this name (case-insensitively), e.g. for the demo
/// loader to link relations.
pub async fn by_name(
    db: &Db,
    municipality: MunicipalityId,
    name: &str,
) -> Result<Option<Actor>, StoreError> {
    let row: Option<ActorRow> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM actors WHERE municipality_id = $1 AND name_key = $2"))
        .bind(municipality.0)
        .bind(name.trim().to_lowercase())
        .fetch_optional(p)
        .await)?;
    row.map(Actor::try_from).transpose()
}

/// The read model of the public list: what a row of the list shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorListItem {
    pub id: ActorId,
    pub name: String,
    pub sector: Sector,
    pub level: Level,
    pub kind: ActorKind,
    pub description: String,
    pub website: Option<String>,
    pub archived_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ListRow {
    id: i64,
    name: String,
    sector: String,
    level: String,
    kind: String,
    description: String,
    website: Option<String>,
    archived_at: Option<i64>,
}

impl TryFrom<ListRow> for ActorListItem {
    type Error = StoreError;
    fn try_from(r: ListRow) -> Result<ActorListItem, StoreError> {
        Ok(ActorListItem {
            id: ActorId(r.id),
            sector: r.sector.parse().map_err(|e| corrupt("actor sector", e))?,
            level: r.level.parse().map_err(|e| corrupt("actor level", e))?,
            kind: r.kind.parse().map_err(|e| corrupt("actor kind", e))?,
            name: r.name,
            description: r.description,
            website: r.website,
            archived_at: r.archived_at,
        })
    }
}

const LIST_FILTER: &str = "municipality_id = $1 \
    AND ($2 IS NULL OR sector = $2) \
    AND ($3 IS NULL OR level = $3) \
    AND ($4 IS NULL OR kind = $4) \
    AND ($5 IS NULL OR search_text LIKE $5 ESCAPE '\\') \
    AND ($6 OR archived_at IS NULL)";

/// One page of the public list, by name, in exactly two queries (count, page).
pub async fn list(
    db: &Db,
    municipality: MunicipalityId,
    filter: &ActorFilter,
    page: PageRequest,
) -> Result<Paged<ActorListItem>, StoreError> {
    let pattern = filter.text_pattern();
    let count_sql = format!("SELECT COUNT(*) FROM actors WHERE {LIST_FILTER}");
    let total: i64 = on_db!(db, p => sqlx::query_scalar(&count_sql)
        .bind(municipality.0)
        .bind(filter.sector.map(Sector::as_str))
        .bind(filter.level.map(Level::as_str))
        .bind(filter.kind.map(ActorKind::as_str))
        .bind(pattern.as_deref())
        .bind(filter.include_archived)
        .fetch_one(p)
        .await)?;
    let page_sql = format!(
        "SELECT id, name, sector, level, kind, description, website, archived_at FROM actors \
         WHERE {LIST_FILTER} ORDER BY name_key, id LIMIT $7 OFFSET $8"
    );
    let rows: Vec<ListRow> = on_db!(db, p => sqlx::query_as(&page_sql)
        .bind(municipality.0)
        .bind(filter.sector.map(Sector::as_str))
        .bind(filter.level.map(Level::as_str))
        .bind(filter.kind.map(ActorKind::as_str))
        .bind(pattern.as_deref())
        .bind(filter.include_archived)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(p)
        .await)?;
    Ok(Paged {
        items: rows
            .into_iter()
            .map(ActorListItem::try_from)
            .collect::<Result<_, _>>()?,
        total: u64::try_from(total).unwrap_or(0),
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every actor of `municipality`, by name, for the CSV and Popolo exports.
pub async fn export_all(
    db: &Db,
    municipality: MunicipalityId,
    include_archived: bool,
) -> Result<Vec<Actor>, StoreError> {
    let rows: Vec<ActorRow> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM actors WHERE municipality_id = $1 AND ($2 OR archived_at IS NULL) ORDER BY name_key, id"))
        .bind(municipality.0)
        .bind(include_archived)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Actor::try_from).collect()
}

/// `(id, name)` of the active actors of `municipality`, by name (for "related actor" pickers).
pub async fn choices(
    db: &Db,
    municipality: MunicipalityId,
) -> Result<Vec<(ActorId, String)>, StoreError> {
    let rows: Vec<(i64, String)> = on_db!(db, p => sqlx::query_as(
        "SELECT id, name FROM actors WHERE municipality_id = $1 AND archived_at IS NULL ORDER BY name_key, id")
        .bind(municipality.0)
        .fetch_all(p)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| (ActorId(id), name))
        .collect())
}

/// Number of actors of `municipality`, archived included.
pub async fn count(db: &Db, municipality: MunicipalityId) -> Result<u64, StoreError> {
    let n: i64 = on_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM actors WHERE municipality_id = $1")
        .bind(municipality.0)
        .fetch_one(p)
        .await)?;
    Ok(u64::try_from(n).unwrap_or(0))
}
