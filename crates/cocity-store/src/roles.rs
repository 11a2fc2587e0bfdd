//! Roles of users in municipalities.

use crate::audit::{AuditContext, Change, record};
use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, constraint_on, corrupt};
use cocity_domain::accounts::{DisplayName, Email};
use cocity_domain::audit::{actions, entities};
use cocity_domain::{ActorId, MunicipalityId, Principal, Role, RoleGrant, UserId};
use serde::Serialize;

#[derive(sqlx::FromRow)]
pub(crate) struct GrantRow {
    pub(crate) municipality_id: i64,
    pub(crate) role: String,
    pub(crate) actor_id: Option<i64>,
}

impl TryFrom<GrantRow> for RoleGrant {
    type Error = StoreError;
    fn try_from(r: GrantRow) -> Result<RoleGrant, StoreError> {
        Ok(RoleGrant {
            municipality: MunicipalityId(r.municipality_id),
            role: r.role.parse().map_err(|e| corrupt("role", e))?,
            actor: r.actor_id.map(ActorId),
        })
    }
}

#[derive(Serialize)]
struct AuditedGrant<'a> {
    user: UserId,
    #[serde(flatten)]
    grant: &'a RoleGrant,
}

pub(crate) async fn insert(
    tx: &mut Tx,
    ctx: &AuditContext,
    user: UserId,
    grant: &RoleGrant,
) -> Result<(), StoreError> {
    if let Some(actor) = grant.actor {
        // The represented actor must be of the same municipality.
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM actors WHERE municipality_id = $1 AND id = $2")
            .bind(grant.municipality.0)
            .bind(actor.0)
            .fetch_one(c)
            .await)?;
        if n == 0 {
            return Err(StoreError::invalid("actor", "relation-actor-invalid"));
        }
    }
    let id: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO roles (user_id, municipality_id, role, actor_id, granted_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(user.0)
        .bind(grant.municipality.0)
        .bind(grant.role.as_str())
        .bind(grant.actor.map(|a| a.0))
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)
    .map_err(constraint_on("role"))?;
    record(
        tx,
        ctx,
        Change {
            municipality: Some(grant.municipality),
            action: actions::ROLE_GRANT,
            entity_type: entities::ROLE,
            entity_id: Some(id),
            before: None::<&AuditedGrant<'_>>,
            after: Some(&AuditedGrant { user, grant }),
        },
    )
    .await
}

/// Grants a role. `Conflict { field: "role" }` when the user already has that role there;
/// `Invalid` (field `actor`) when a representative's actor is not of that municipality.
/// Build the grant with `RoleGrant::new`, which checks the actor is set exactly for
/// representatives.
pub async fn grant(
    db: &Db,
    ctx: &AuditContext,
    user: UserId,
    grant: &RoleGrant,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    insert(&mut tx, ctx, user, grant).await?;
    tx.commit().await
}

/// Revokes a role; `NotFound` if the user did not have it.
pub async fn revoke(
    db: &Db,
    ctx: &AuditContext,
    user: UserId,
    municipality: MunicipalityId,
    role: Role,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let row: Option<(i64, Option<i64>)> = on_tx!(&mut tx, c => sqlx::query_as(
        "DELETE FROM roles WHERE user_id = $1 AND municipality_id = $2 AND role = $3 RETURNING id, actor_id")
        .bind(user.0)
        .bind(municipality.0)
        .bind(role.as_str())
        .fetch_optional(c)
        .await)?;
    let (id, actor) = row.ok_or(StoreError::NotFound)?;
    let grant = RoleGrant {
        municipality,
        role,
        actor: actor.map(ActorId),
    };
    record(
        &mut tx,
        ctx,
        Change {
            municipality: Some(municipality),
            action: actions::ROLE_REVOKE,
            entity_type: entities::ROLE,
            entity_id: Some(id),
            before: Some(&AuditedGrant {
                user,
                grant: &grant,
            }),
            after: None::<&AuditedGrant<'_>>,
        },
    )
    .await?;
    tx.commit().await
}

/// Every role of a user, in every municipality.
pub async fn for_user(db: &Db, user: UserId) -> Result<Vec<RoleGrant>, StoreError> {
    let rows: Vec<GrantRow> = on_db!(db, p => sqlx::query_as(
        "SELECT municipality_id, role, actor_id FROM roles WHERE user_id = $1 ORDER BY municipality_id, role")
        .bind(user.0)
        .fetch_all(p)
        .await)?;
    rows.into_iter().map(RoleGrant::try_from).collect()
}

/// The principal of a user (account flags and every role), or `None` if no such user.
pub async fn principal(db: &Db, user: UserId) -> Result<Option<Principal>, StoreError> {
    let Some(u) = crate::users::by_id(db, user).await? else {
        return Ok(None);
    };
    Ok(Some(Principal {
        user,
        is_installation_admin: u.is_installation_admin,
        roles: for_user(db, user).await?,
    }))
}

/// A role holder of a municipality, for the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleHolder {
    pub user: UserId,
    pub email: Email,
    pub display_name: DisplayName,
    pub grant: RoleGrant,
}

#[derive(sqlx::FromRow)]
struct HolderRow {
    user_id: i64,
    email: String,
    display_name: String,
    municipality_id: i64,
    role: String,
    actor_id: Option<i64>,
}

/// Everyone holding a role in the municipality, by email, in one query.
pub async fn for_municipality(
    db: &Db,
    municipality: MunicipalityId,
) -> Result<Vec<RoleHolder>, StoreError> {
    let rows: Vec<HolderRow> = on_db!(db, p => sqlx::query_as(
        "SELECT r.user_id, u.email, u.display_name, r.municipality_id, r.role, r.actor_id \
         FROM roles r JOIN users u ON u.id = r.user_id WHERE r.municipality_id = $1 ORDER BY u.email, r.role")
        .bind(municipality.0)
        .fetch_all(p)
        .await)?;
    rows.into_iter()
        .map(|r| {
            Ok(RoleHolder {
                user: UserId(r.user_id),
                email: Email::parse(&r.email).map_err(|e| corrupt("user email", e))?,
                display_name: DisplayName::parse(&r.display_name)
                    .map_err(|e| corrupt("user display name", e))?,
                grant: RoleGrant::try_from(GrantRow {
                    municipality_id: r.municipality_id,
                    role: r.role,
                    actor_id: r.actor_id,
                })?,
            })
        })
        .collect()
}
