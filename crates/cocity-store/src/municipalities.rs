//! Municipalities hosted by the installation.

use crate::audit::{AuditContext, Change, record};
use crate::db::{Db, on_db, on_tx};
use crate::error::{StoreError, constraint_on, corrupt};
use cocity_domain::MunicipalityId;
use cocity_domain::audit::{actions, entities};
use cocity_domain::municipalities::{Municipality, MunicipalityDraft, MunicipalityName, Slug};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    slug: String,
    name: String,
    created_at: i64,
}

impl TryFrom<Row> for Municipality {
    type Error = StoreError;
    fn try_from(r: Row) -> Result<Municipality, StoreError> {
        Ok(Municipality {
            id: MunicipalityId(r.id),
            slug: Slug::parse(&r.slug).map_err(|e| corrupt("municipality slug", e))?,
            name: MunicipalityName::parse(&r.name).map_err(|e| corrupt("municipality name", e))?,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str = "id, slug, name, created_at";

/// Creates a municipality. `Conflict { field: "slug" }` when the slug is taken.
pub async fn create(
    db: &Db,
    ctx: &AuditContext,
    draft: &MunicipalityDraft,
) -> Result<Municipality, StoreError> {
    let mut tx = db.begin().await?;
    let row: Row = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "INSERT INTO municipalities (slug, name, created_at) VALUES ($1, $2, $3) RETURNING {COLUMNS}"))
        .bind(draft.slug.as_str())
        .bind(draft.name.as_str())
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)
    .map_err(constraint_on("slug"))?;
    let m = Municipality::try_from(row)?;
    record(
        &mut tx,
        ctx,
        Change {
            municipality: Some(m.id),
            action: actions::MUNICIPALITY_CREATE,
            entity_type: entities::MUNICIPALITY,
            entity_id: Some(m.id.0),
            before: None::<&Municipality>,
            after: Some(&m),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(m)
}

/// Renames a municipality or changes its slug.
pub async fn update(
    db: &Db,
    ctx: &AuditContext,
    id: MunicipalityId,
    draft: &MunicipalityDraft,
) -> Result<Municipality, StoreError> {
    let mut tx = db.begin().await?;
    let before: Option<Row> = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM municipalities WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    let before = Municipality::try_from(before.ok_or(StoreError::NotFound)?)?;
    let row: Row = on_tx!(&mut tx, c => sqlx::query_as(&format!(
        "UPDATE municipalities SET slug = $2, name = $3 WHERE id = $1 RETURNING {COLUMNS}"))
        .bind(id.0)
        .bind(draft.slug.as_str())
        .bind(draft.name.as_str())
        .fetch_one(c)
        .await)
    .map_err(constraint_on("slug"))?;
    let after = Municipality::try_from(row)?;
    record(
        &mut tx,
        ctx,
        Change {
            municipality: Some(id),
            action: actions::MUNICIPALITY_UPDATE,
            entity_type: entities::MUNICIPALITY,
            entity_id: Some(id.0),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// All municipalities, by name.
pub async fn list(db: &Db) -> Result<Vec<Municipality>, StoreError> {
    let rows: Vec<Row> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM municipalities ORDER BY name, id"))
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(Municipality::try_from).collect()
}

pub async fn by_slug(db: &Db, slug: &str) -> Result<Option<Municipality>, StoreError> {
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM municipalities WHERE slug = $1"))
        .bind(slug)
        .fetch_optional(p)
        .await)?;
    row.map(Municipality::try_from).transpose()
}

pub async fn by_id(db: &Db, id: MunicipalityId) -> Result<Option<Municipality>, StoreError> {
    let row: Option<Row> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM municipalities WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(p)
        .await)?;
    row.map(Municipality::try_from).transpose()
}
