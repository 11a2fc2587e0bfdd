//! The request boundary is where the clock is read; everything below takes `now`.

/// Unix microseconds now.
#[allow(clippy::disallowed_methods)] // reason: the web request boundary is allowed to read the clock
pub fn now_micros() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}
