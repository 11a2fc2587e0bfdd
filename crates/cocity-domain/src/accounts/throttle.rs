//! Login throttling: after too many failed sign-ins for one email (or from one address) in
//! a sliding window, further attempts are refused until old failures leave the window.

use crate::access::Refusal;
use crate::time::MICROS_PER_MINUTE;

/// The window failures are counted in.
pub const WINDOW_US: i64 = 15 * MICROS_PER_MINUTE;
/// Failures allowed per email within the window.
pub const MAX_FAILURES_PER_EMAIL: u64 = 5;
/// Failures allowed per client address within the window; higher, as offices share one address.
pub const MAX_FAILURES_PER_IP: u64 = 30;

/// Start of the window ending at `now_us`.
pub fn window_start(now_us: i64) -> i64 {
    now_us.saturating_sub(WINDOW_US)
}

/// Refuses a sign-in attempt when either count has reached its limit.
pub fn check(failures_for_email: u64, failures_for_ip: u64) -> Result<(), Refusal> {
    if failures_for_email >= MAX_FAILURES_PER_EMAIL || failures_for_ip >= MAX_FAILURES_PER_IP {
        Err(Refusal::TooManyAttempts)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_at_the_limit() {
        assert!(check(4, 0).is_ok());
        assert_eq!(check(5, 0), Err(Refusal::TooManyAttempts));
        assert_eq!(check(0, 30), Err(Refusal::TooManyAttempts));
        assert_eq!(window_start(WINDOW_US + 7), 7);
    }
}
