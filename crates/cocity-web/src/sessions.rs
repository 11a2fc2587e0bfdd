//! Sign-in sessions live in the database (so several processes share them). The browser
//! holds the random token in the `cocity_session` cookie; the store keeps only its hash,
//! the user, the expiry and the session's CSRF secret.

use cocity_domain::Principal;
use cocity_domain::accounts::User;
use cocity_store::sessions::SessionToken;

use crate::clock::now_micros;
use crate::errors::Failure;
use crate::state::AppState;

/// A valid session: who is signed in and the secret their forms carry.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: User,
    pub principal: Principal,
    pub csrf_secret: String,
    pub token: SessionToken,
}

/// The session for a cookie token, if it exists and has not expired (one query).
pub async fn load(state: &AppState, cookie: &str) -> Result<Option<SignedIn>, Failure> {
    // Tokens are 64 hex characters; anything else cannot name a session.
    if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let token = SessionToken::from_cookie(cookie);
    let Some(found) = cocity_store::sessions::lookup(&state.db, &token, now_micros()).await? else {
        return Ok(None);
    };
    Ok(Some(SignedIn {
        user: found.user,
        principal: found.principal,
        csrf_secret: found.csrf_secret,
        token,
    }))
}

/// Opens a session for `user`; returns the cookie token.
pub async fn open(state: &AppState, user: &User) -> Result<String, Failure> {
    let now = now_micros();
    let session = cocity_store::sessions::create(
        &state.db,
        user.id,
        now,
        now.saturating_add(state.config.session_ttl_micros),
    )
    .await?;
    Ok(session.token.as_str().to_owned())
}

/// Ends a session on the server.
pub async fn close(state: &AppState, signed_in: &SignedIn) -> Result<(), Failure> {
    cocity_store::sessions::delete(&state.db, &signed_in.token, now_micros()).await?;
    Ok(())
}
