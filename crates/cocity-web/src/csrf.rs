//! CSRF protection. A signed-in visitor's forms carry the session's own secret (a
//! synchronizer token stored with the session). Anonymous forms (sign-in, registration,
//! language) use a signed double-submit cookie: the `cocity_csrf` cookie holds
//! `nonce.hmac(nonce)` and the form repeats it; an attacker can neither read the cookie
//! nor mint a valid one without the server's key.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Where a state-changing request carries its token: form field `csrf`, header
/// `X-CSRF-Token`, or (for multipart uploads) query parameter `csrf`.
pub const FORM_FIELD: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";

/// 32 random bytes, hex-encoded: session tokens, CSRF secrets and nonces.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn signature(key: &[u8; 32], nonce: &str) -> String {
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(nonce.as_bytes());
            hex::encode(mac.finalize().into_bytes())
        }
        // HMAC accepts keys of any length, so this arm is unreachable; an empty signature
        // can never verify, which keeps the failure closed.
        Err(_) => String::new(),
    }
}

/// A fresh anonymous token `nonce.signature`.
pub fn new_anonymous_token(key: &[u8; 32]) -> String {
    let nonce = random_token();
    let sig = signature(key, &nonce);
    format!("{nonce}.{sig}")
}

/// Whether `token` was signed with `key`.
pub fn anonymous_token_is_valid(key: &[u8; 32], token: &str) -> bool {
    let Some((nonce, sig)) = token.split_once('.') else {
        return false;
    };
    if nonce.len() != 64 || sig.is_empty() {
        return false;
    }
    let Ok(sig_bytes) = hex::decode(sig) else {
        return false;
    };
    match HmacSha256::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(nonce.as_bytes());
            mac.verify_slice(&sig_bytes).is_ok()
        }
        Err(_) => false,
    }
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anonymous_tokens_verify_only_with_their_key() {
        let key = [7u8; 32];
        let token = new_anonymous_token(&key);
        assert!(anonymous_token_is_valid(&key, &token));
        assert!(!anonymous_token_is_valid(&[8u8; 32], &token));
        let (nonce, _) = token.split_once('.').unwrap();
        assert!(!anonymous_token_is_valid(&key, &format!("{nonce}.00")));
        assert!(!anonymous_token_is_valid(&key, "garbage"));
    }

    #[test]
    fn tokens_match_exactly() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abc", "abd"));
        assert!(!tokens_match("", ""));
        assert!(!tokens_match("abc", "abcd"));
    }
}
