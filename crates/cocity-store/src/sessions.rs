//! Server-side sessions, shared by every `cocity serve` process. The cookie holds a random
//! 32-byte token; the database holds only its SHA-256, so a leaked database does not leak
//! live sessions. Each session carries the CSRF secret its forms must echo.

use crate::audit::{AuditContext, Change, record};
use crate::db::{Db, on_db, on_tx};
use crate::error::StoreError;
use crate::roles::GrantRow;
use crate::users::UserRow;
use cocity_domain::accounts::User;
use cocity_domain::audit::{actions, entities};
use cocity_domain::{Principal, RoleGrant, UserId};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::fmt;

/// The secret session token, as it travels in the cookie (64 hex characters).
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    /// Wraps a token read from a cookie (no check: an unknown token simply finds no session).
    pub fn from_cookie(value: &str) -> SessionToken {
        SessionToken(value.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(..)")
    }
}

fn random_hex() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A session just created: the token goes in the cookie, the CSRF secret in forms.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: SessionToken,
    pub csrf_secret: String,
    pub expires_at: i64,
}

/// A live session found by its token: the user, their principal and the CSRF secret.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub user: User,
    pub principal: Principal,
    pub csrf_secret: String,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Opens a session for `user` (a sign-in) valid until `expires_at` (µs); audited as `user.login`.
pub async fn create(
    db: &Db,
    user: UserId,
    now_us: i64,
    expires_at: i64,
) -> Result<NewSession, StoreError> {
    let token = SessionToken(random_hex());
    let csrf_secret = random_hex();
    let ctx = AuditContext {
        user: Some(user),
        municipality: None,
        now_us,
    };
    let mut tx = db.begin().await?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_secret, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token.hash())
        .bind(user.0)
        .bind(&csrf_secret)
        .bind(now_us)
        .bind(expires_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .map_err(crate::error::constraint_on("user"))?;
    record(
        &mut tx,
        &ctx,
        Change {
            municipality: None,
            action: actions::USER_LOGIN,
            entity_type: entities::SESSION,
            entity_id: Some(user.0),
            before: None::<&()>,
            after: Some(&serde_json::json!({ "user": user, "expires_at": expires_at })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        token,
        csrf_secret,
        expires_at,
    })
}

#[derive(sqlx::FromRow)]
struct LookupRow {
    #[sqlx(flatten)]
    user: UserRow,
    csrf_secret: String,
    session_created_at: i64,
    expires_at: i64,
    municipality_id: Option<i64>,
    role: Option<String>,
    actor_id: Option<i64>,
}

/// The live session of a token at `now_us`, with the user and all their roles, in one query
/// (one row per role). `None` for an unknown or expired token.
pub async fn lookup(
    db: &Db,
    token: &SessionToken,
    now_us: i64,
) -> Result<Option<SessionInfo>, StoreError> {
    let rows: Vec<LookupRow> = on_db!(db, p => sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.password_hash, u.language, u.is_installation_admin, u.created_at, \
                s.csrf_secret, s.created_at AS session_created_at, s.expires_at, \
                r.municipality_id, r.role, r.actor_id \
         FROM sessions s \
         JOIN users u ON u.id = s.user_id \
         LEFT JOIN roles r ON r.user_id = u.id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 \
         ORDER BY r.municipality_id, r.role")
        .bind(token.hash())
        .bind(now_us)
        .fetch_all(p)
        .await)?;
    let mut rows = rows.into_iter();
    let Some(first) = rows.next() else {
        return Ok(None);
    };
    let mut roles = Vec::new();
    let (csrf_secret, created_at, expires_at) = (
        first.csrf_secret,
        first.session_created_at,
        first.expires_at,
    );
    let user = User::try_from(first.user)?;
    let grants = std::iter::once((first.municipality_id, first.role, first.actor_id))
        .chain(rows.map(|r| (r.municipality_id, r.role, r.actor_id)));
    for (municipality_id, role, actor_id) in grants {
        if let (Some(municipality_id), Some(role)) = (municipality_id, role) {
            roles.push(RoleGrant::try_from(GrantRow {
                municipality_id,
                role,
                actor_id,
            })?);
        }
    }
    let principal = Principal {
        user: user.id,
        is_installation_admin: user.is_installation_admin,
        roles,
    };
    Ok(Some(SessionInfo {
        user,
        principal,
        csrf_secret,
        created_at,
        expires_at,
    }))
}

/// Ends a session (logout); audited as `user.logout`. `false` if there was no such session.
pub async fn delete(db: &Db, token: &SessionToken, now_us: i64) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let user: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "DELETE FROM sessions WHERE token_hash = $1 RETURNING user_id")
        .bind(token.hash())
        .fetch_optional(c)
        .await)?;
    let Some(user) = user else {
        return Ok(false);
    };
    let ctx = AuditContext {
        user: Some(UserId(user)),
        municipality: None,
        now_us,
    };
    record(
        &mut tx,
        &ctx,
        Change {
            municipality: None,
            action: actions::USER_LOGOUT,
            entity_type: entities::SESSION,
            entity_id: Some(user),
            before: None::<&()>,
            after: None::<&()>,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Ends every session of a user except `keep` (after a password change). Returns how many.
pub async fn delete_for_user(
    db: &Db,
    user: UserId,
    keep: Option<&SessionToken>,
) -> Result<u64, StoreError> {
    let keep = keep.map(SessionToken::hash).unwrap_or_default();
    let done = on_db!(db, p => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user.0)
        .bind(keep)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}

/// Removes sessions expired at `now_us` (housekeeping; expired sessions never match anyway).
pub async fn delete_expired(db: &Db, now_us: i64) -> Result<u64, StoreError> {
    let done = on_db!(db, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now_us)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(done)
}
