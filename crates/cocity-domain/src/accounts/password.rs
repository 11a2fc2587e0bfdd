//! Password hashing with argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes), in
//! PHC string form so that parameters can be raised later without breaking old hashes.

use super::NewPassword;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
use std::fmt;
use std::sync::OnceLock;

/// A PHC-format argon2id hash (`$argon2id$v=19$...`). Not printed by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash read from the database.
    pub fn from_stored(phc: String) -> PasswordHash {
        PasswordHash(phc)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(..)")
    }
}

/// Hashing failed (only on resource exhaustion or a broken parameter set).
#[derive(Debug, thiserror::Error)]
#[error("could not hash the password: {0}")]
pub struct HashError(String);

/// Hashes a new password with a fresh random salt.
pub fn hash(password: &NewPassword) -> Result<PasswordHash, HashError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| PasswordHash(h.to_string()))
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `candidate` matches `stored`. A malformed stored hash never matches.
pub fn verify(candidate: &str, stored: &PasswordHash) -> bool {
    match argon2::password_hash::PasswordHash::new(stored.as_str()) {
        Ok(parsed) => Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification, for logins with an unknown email, so that response
/// time does not reveal which addresses have accounts.
pub fn verify_dummy(candidate: &str) {
    static DUMMY: OnceLock<Option<PasswordHash>> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| {
        NewPassword::parse("a password nobody has, hashed once per process")
            .ok()
            .and_then(|p| hash(&p).ok())
    });
    if let Some(dummy) = dummy {
        let _ = verify(candidate, dummy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        let a = hash(&p).unwrap();
        let b = hash(&p).unwrap();
        assert!(a.as_str().starts_with("$argon2id$"));
        assert_ne!(a, b);
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify(
            "x",
            &PasswordHash::from_stored("not a hash".into())
        ));
        verify_dummy("anything");
    }
}
