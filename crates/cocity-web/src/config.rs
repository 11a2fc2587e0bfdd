//! Web settings: flat, typed, with defaults; the binary may fill them from `COCITY_*`
//! environment variables with [`WebConfig::from_env`].

use rand::RngCore;
use sha2::{Digest, Sha256};

/// How the web layer behaves; everything has a default that suits `cocity demo`.
#[derive(Clone)]
pub struct WebConfig {
    /// Always mark cookies `Secure` (set when cocity itself is served over TLS).
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-Proto: https` from a reverse proxy to mark cookies `Secure`.
    /// Off by default: a client could otherwise send the header itself.
    pub trust_forwarded_proto: bool,
    /// Largest accepted request body in bytes (a CSV import is the largest legitimate one).
    pub body_limit_bytes: usize,
    /// How long a sign-in lasts, in microseconds.
    pub session_ttl_micros: i64,
    /// Key that signs the CSRF cookie of anonymous forms (login, register, language).
    /// Several `cocity serve` processes behind one balancer must share it (`COCITY_SECRET`).
    pub csrf_key: [u8; 32],
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_forwarded_proto", &self.trust_forwarded_proto)
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("session_ttl_micros", &self.session_ttl_micros)
            .field("csrf_key", &"<secret>")
            .finish()
    }
}

pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;
const FOURTEEN_DAYS_MICROS: i64 = 14 * 24 * 3600 * 1_000_000;

impl Default for WebConfig {
    fn default() -> Self {
        let mut key = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut key);
        WebConfig {
            secure_cookies: false,
            trust_forwarded_proto: false,
            body_limit_bytes: DEFAULT_BODY_LIMIT,
            session_ttl_micros: FOURTEEN_DAYS_MICROS,
            csrf_key: key,
        }
    }
}

impl WebConfig {
    /// Reads `COCITY_SECURE_COOKIES`, `COCITY_TRUST_FORWARDED_PROTO` (`1`/`true`),
    /// `COCITY_BODY_LIMIT` (bytes) and `COCITY_SECRET` (any string; hashed into the CSRF key).
    /// Unset or unreadable values keep the defaults, and a bad value is reported in the logs.
    pub fn from_env() -> WebConfig {
        let mut config = WebConfig::default();
        let flag = |name: &str| {
            std::env::var(name)
                .map(|v| {
                    matches!(
                        v.trim().to_ascii_lowercase().as_str(),
                        "1" | "true" | "yes" | "on"
                    )
                })
                .unwrap_or(false)
        };
        config.secure_cookies = flag("COCITY_SECURE_COOKIES");
        config.trust_forwarded_proto = flag("COCITY_TRUST_FORWARDED_PROTO");
        if let Ok(limit) = std::env::var("COCITY_BODY_LIMIT") {
            match limit.trim().parse::<usize>() {
                Ok(n) if n >= 1024 => config.body_limit_bytes = n,
                _ => {
                    tracing::warn!(value = %limit, "COCITY_BODY_LIMIT is not a byte count >= 1024; keeping the default")
                }
            }
        }
        if let Ok(secret) = std::env::var("COCITY_SECRET") {
            config.csrf_key = Sha256::digest(secret.as_bytes()).into();
        }
        config
    }
}
