//! User accounts. Emails are stored lower-cased (the domain's `Email` normalises them), so
//! the UNIQUE constraint makes them unique case-insensitively on both databases.

use crate::audit::{AuditContext, Change, record};
use crate::db::{Db, Tx, on_db, on_tx};
use crate::error::{StoreError, constraint_on, corrupt};
use cocity_domain::accounts::{DisplayName, Email, Language, NewUser, PasswordHash, User};
use cocity_domain::audit::{actions, entities};
use cocity_domain::{MunicipalityId, Role, RoleGrant, UserId};

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub(crate) id: i64,
    pub(crate) email: String,
    pub(crate) display_name: String,
    pub(crate) password_hash: String,
    pub(crate) language: String,
    pub(crate) is_installation_admin: bool,
    pub(crate) created_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<User, StoreError> {
        Ok(User {
            id: UserId(r.id),
            email: Email::parse(&r.email).map_err(|e| corrupt("user email", e))?,
            display_name: DisplayName::parse(&r.display_name)
                .map_err(|e| corrupt("user display name", e))?,
            language: r
                .language
                .parse()
                .map_err(|e| corrupt("user language", e))?,
            is_installation_admin: r.is_installation_admin,
            created_at: r.created_at,
            password_hash: PasswordHash::from_stored(r.password_hash),
        })
    }
}

pub(crate) const COLUMNS: &str =
    "id, email, display_name, password_hash, language, is_installation_admin, created_at";

async fn insert(tx: &mut Tx, ctx: &AuditContext, new: &NewUser) -> Result<User, StoreError> {
    let row: UserRow = on_tx!(tx, c => sqlx::query_as(&format!(
        "INSERT INTO users (email, display_name, password_hash, language, is_installation_admin, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"))
        .bind(new.email.as_str())
        .bind(new.display_name.as_str())
        .bind(new.password_hash.as_str())
        .bind(new.language.as_str())
        .bind(new.is_installation_admin)
        .bind(ctx.now_us)
        .fetch_one(c)
        .await)
    .map_err(constraint_on("email"))?;
    let user = User::try_from(row)?;
    record(
        tx,
        ctx,
        Change {
            municipality: None,
            action: actions::USER_CREATE,
            entity_type: entities::USER,
            entity_id: Some(user.id.0),
            before: None::<&User>,
            after: Some(&user),
        },
    )
    .await?;
    Ok(user)
}

/// Creates an account. `Conflict { field: "email" }` when the address is taken.
pub async fn create(db: &Db, ctx: &AuditContext, new: &NewUser) -> Result<User, StoreError> {
    let mut tx = db.begin().await?;
    let user = insert(&mut tx, ctx, new).await?;
    tx.commit().await?;
    Ok(user)
}

/// Registration on `/m/{slug}/register`: the account and its `citizen` role in
/// `municipality`, in one transaction (two audit rows).
pub async fn register(
    db: &Db,
    ctx: &AuditContext,
    new: &NewUser,
    municipality: MunicipalityId,
) -> Result<User, StoreError> {
    let mut tx = db.begin().await?;
    let user = insert(&mut tx, ctx, new).await?;
    let grant = RoleGrant {
        municipality,
        role: Role::Citizen,
        actor: None,
    };
    crate::roles::insert(&mut tx, ctx, user.id, &grant).await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn by_email(db: &Db, email: &Email) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE email = $1"))
        .bind(email.as_str())
        .fetch_optional(p)
        .await)?;
    row.map(User::try_from).transpose()
}

pub async fn by_id(db: &Db, id: UserId) -> Result<Option<User>, StoreError> {
    let row: Option<UserRow> = on_db!(db, p => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM users WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(p)
        .await)?;
    row.map(User::try_from).transpose()
}

/// Replaces the password hash. The audit row records that it changed, never the hash.
pub async fn set_password(
    db: &Db,
    ctx: &AuditContext,
    id: UserId,
    hash: &PasswordHash,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let done = on_tx!(&mut tx, c => sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id.0)
        .bind(hash.as_str())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    let note = serde_json::json!({ "password": "changed" });
    record(
        &mut tx,
        ctx,
        Change {
            municipality: None,
            action: actions::USER_SET_PASSWORD,
            entity_type: entities::USER,
            entity_id: Some(id.0),
            before: None::<&serde_json::Value>,
            after: Some(&note),
        },
    )
    .await?;
    tx.commit().await
}

/// Sets the preferred interface language.
pub async fn set_language(
    db: &Db,
    ctx: &AuditContext,
    id: UserId,
    language: Language,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    let before: Option<String> = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT language FROM users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
    let before = before.ok_or(StoreError::NotFound)?;
    on_tx!(&mut tx, c => sqlx::query("UPDATE users SET language = $2 WHERE id = $1")
        .bind(id.0)
        .bind(language.as_str())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    record(
        &mut tx,
        ctx,
        Change {
            municipality: None,
            action: actions::USER_SET_LANGUAGE,
            entity_type: entities::USER,
            entity_id: Some(id.0),
            before: Some(&serde_json::json!({ "language": before })),
            after: Some(&serde_json::json!({ "language": language })),
        },
    )
    .await?;
    tx.commit().await
}

/// Number of accounts (the binary uses it to tell a fresh installation).
pub async fn count(db: &Db) -> Result<u64, StoreError> {
    let n: i64 =
        on_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(p).await)?;
    Ok(u64::try_from(n).unwrap_or(0))
}
