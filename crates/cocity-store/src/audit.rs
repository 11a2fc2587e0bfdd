//! The audit log: written inside each write's transaction, read with filters and pages.

use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::StoreError;
use cocity_domain::audit::{AuditEntry, AuditFilter};
use cocity_domain::pagination::{PageRequest, Paged};
use cocity_domain::{MunicipalityId, UserId};
use serde::Serialize;

/// Who acts, where, and when, for the audit row of a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditContext {
    /// `None` for the system (CLI, demo loader).
    pub user: Option<UserId>,
    /// The municipality the request is about; the audit row uses the changed entity's own
    /// municipality when it has one, and this otherwise (e.g. a registration on `/m/torino`).
    pub municipality: Option<MunicipalityId>,
    pub now_us: i64,
}

impl AuditContext {
    pub fn new(
        user: Option<UserId>,
        municipality: Option<MunicipalityId>,
        now_us: i64,
    ) -> AuditContext {
        AuditContext {
            user,
            municipality,
            now_us,
        }
    }

    /// The system acting at `now_us`, outside any municipality.
    pub fn system(now_us: i64) -> AuditContext {
        AuditContext {
            user: None,
            municipality: None,
            now_us,
        }
    }
}

/// What one audit row says changed.
pub(crate) struct Change<'a, B: Serialize, A: Serialize> {
    pub municipality: Option<MunicipalityId>,
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: Option<i64>,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

fn json<T: Serialize>(what: &'static str, v: Option<&T>) -> Result<Option<String>, StoreError> {
    v.map(|v| serde_json::to_string(v).map_err(|source| StoreError::Json { what, source }))
        .transpose()
}

/// Writes the audit row of a change in the caller's transaction.
pub(crate) async fn record<B: Serialize, A: Serialize>(
    tx: &mut Tx,
    ctx: &AuditContext,
    change: Change<'_, B, A>,
) -> Result<(), StoreError> {
    let before = json("the audit 'before'", change.before)?;
    let after = json("the audit 'after'", change.after)?;
    let municipality = change.municipality.or(ctx.municipality);
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO audit_log (at, user_id, municipality_id, action, entity_type, entity_id, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(ctx.now_us)
        .bind(ctx.user.map(|u| u.0))
        .bind(municipality.map(|m| m.0))
        .bind(change.action)
        .bind(change.entity_type)
        .bind(change.entity_id)
        .bind(before)
        .bind(after)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: i64,
    at: i64,
    user_id: Option<i64>,
    user_email: Option<String>,
    municipality_id: Option<i64>,
    action: String,
    entity_type: String,
    entity_id: Option<i64>,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> AuditEntry {
        AuditEntry {
            id: r.id,
            at: r.at,
            user: r.user_id.map(UserId),
            user_email: r.user_email,
            municipality: r.municipality_id.map(MunicipalityId),
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            before: r.before_json,
            after: r.after_json,
        }
    }
}

// `$1` is the scope (NULL: every row, for installation admins); the others the filter.
const FILTER: &str = "($1 IS NULL OR a.municipality_id = $1) \
    AND ($2 IS NULL OR a.action = $2) \
    AND ($3 IS NULL OR a.entity_type = $3) \
    AND ($4 IS NULL OR a.user_id = $4) \
    AND ($5 IS NULL OR a.at >= $5) \
    AND ($6 IS NULL OR a.at < $6)";

const SELECT: &str = "SELECT a.id, a.at, a.user_id, u.email AS user_email, a.municipality_id, a.action, \
    a.entity_type, a.entity_id, a.before_json, a.after_json \
    FROM audit_log a LEFT JOIN users u ON u.id = a.user_id";

/// One page of audit rows, newest first, in `scope` (`None`: every municipality and the
/// installation-level rows). Two queries: the count and the page.
pub async fn list(
    db: &Db,
    scope: Option<MunicipalityId>,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Paged<AuditEntry>, StoreError> {
    let count_sql = format!("SELECT COUNT(*) FROM audit_log a WHERE {FILTER}");
    let total: i64 = on_db!(db, p => sqlx::query_scalar(&count_sql)
        .bind(scope.map(|m| m.0))
        .bind(filter.action.as_deref())
        .bind(filter.entity_type.as_deref())
        .bind(filter.user.map(|u| u.0))
        .bind(filter.from_us)
        .bind(filter.to_us)
        .fetch_one(p)
        .await)?;
    let page_sql =
        format!("{SELECT} WHERE {FILTER} ORDER BY a.at DESC, a.id DESC LIMIT $7 OFFSET $8");
    let rows: Vec<AuditRow> = on_db!(db, p => sqlx::query_as(&page_sql)
        .bind(scope.map(|m| m.0))
        .bind(filter.action.as_deref())
        .bind(filter.entity_type.as_deref())
        .bind(filter.user.map(|u| u.0))
        .bind(filter.from_us)
        .bind(filter.to_us)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(p)
        .await)?;
    Ok(Paged {
        items: rows.into_iter().map(AuditEntry::from).collect(),
        total: u64::try_from(total).unwrap_or(0),
        page: page.page,
        per_page: page.per_page,
    })
}

/// Every matching row, oldest first (for the CSV export).
pub async fn all(
    db: &Db,
    scope: Option<MunicipalityId>,
    filter: &AuditFilter,
) -> Result<Vec<AuditEntry>, StoreError> {
    let sql = format!("{SELECT} WHERE {FILTER} ORDER BY a.at, a.id");
    let rows: Vec<AuditRow> = on_db!(db, p => sqlx::query_as(&sql)
        .bind(scope.map(|m| m.0))
        .bind(filter.action.as_deref())
        .bind(filter.entity_type.as_deref())
        .bind(filter.user.map(|u| u.0))
        .bind(filter.from_us)
        .bind(filter.to_us)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}

/// The audit rows of one entity, oldest first (for an entity's history).
pub async fn for_entity(
    db: &Db,
    scope: Option<MunicipalityId>,
    entity_type: &str,
    entity_id: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let sql = format!(
        "{SELECT} WHERE ($1 IS NULL OR a.municipality_id = $1) AND a.entity_type = $2 AND a.entity_id = $3 \
         ORDER BY a.at, a.id"
    );
    let rows: Vec<AuditRow> = on_db!(db, p => sqlx::query_as(&sql)
        .bind(scope.map(|m| m.0))
        .bind(entity_type)
        .bind(entity_id)
        .fetch_all(p)
        .await)?;
    Ok(rows.into_iter().map(AuditEntry::from).collect())
}
