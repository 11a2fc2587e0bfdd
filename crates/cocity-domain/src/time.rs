//! Instants are unix microseconds (`i64`, UTC) chosen by the caller; calendar dates are
//! [`IsoDate`]. Conversions use Howard Hinnant's civil-calendar algorithms so that the
//! domain needs no date library and never reads the clock.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MICROS_PER_SECOND: i64 = 1_000_000;
pub const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// A calendar date (proleptic Gregorian), written `YYYY-MM-DD`. Ordered chronologically,
/// and its text form sorts the same way, which is why the database stores it as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoDate {
    year: i32,
    month: u8,
    day: u8,
}

impl IsoDate {
    /// Parses `YYYY-MM-DD` (years 1000–9999), checking the day exists in that month.
    pub fn parse(s: &str) -> Result<IsoDate, &'static str> {
        let s = s.trim();
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = b.get(r)?;
            if part.iter().all(u8::is_ascii_digit) {
                std::str::from_utf8(part).ok()?.parse().ok()
            } else {
                None
            }
        };
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return Err("date-invalid");
        }
        let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
        else {
            return Err("date-invalid");
        };
        let year = i32::try_from(year).map_err(|_| "date-invalid")?;
        if year < 1000 || !(1..=12).contains(&month) || day < 1 {
            return Err("date-invalid");
        }
        let month = u8::try_from(month).map_err(|_| "date-invalid")?;
        let day = u8::try_from(day).map_err(|_| "date-invalid")?;
        if day > days_in_month(year, month) {
            return Err("date-invalid");
        }
        Ok(IsoDate { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Midnight UTC at the start of this date, in unix microseconds.
    pub fn start_us(self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * MICROS_PER_DAY
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for IsoDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for IsoDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        IsoDate::parse(&s).map_err(|_| {
            serde::de::Error::custom(format!("invalid date {s:?}, expected YYYY-MM-DD"))
        })
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats unix microseconds as RFC 3339 UTC with second precision, e.g.
/// `2026-11-23T15:51:39Z` (for CSV cells and pages; JSON keeps the integer).
pub fn format_us(us: i64) -> String {
    let secs = us.div_euclid(MICROS_PER_SECOND);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(
            IsoDate::parse("2024-02-29").map(|d| d.to_string()),
            Ok("2024-02-29".into())
        );
        assert!(IsoDate::parse("2023-02-29").is_err());
        assert!(IsoDate::parse("2023-13-01").is_err());
        assert!(IsoDate::parse("2023-1-01").is_err());
        assert!(IsoDate::parse("+023-01-01").is_err());
        assert!(IsoDate::parse("").is_err());
        assert!(IsoDate::parse("2023-04-31").is_err());
    }

    #[test]
    fn orders_chronologically() {
        let a = IsoDate::parse("2019-12-31").unwrap();
        let b = IsoDate::parse("2020-01-01").unwrap();
        assert!(a < b);
        assert!(a.to_string() < b.to_string());
    }

    #[test]
    fn converts_between_days_and_instants() {
        assert_eq!(IsoDate::parse("1970-01-01").unwrap().start_us(), 0);
        assert_eq!(
            IsoDate::parse("2000-03-01").unwrap().start_us(),
            951_868_800 * MICROS_PER_SECOND
        );
        assert_eq!(format_us(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_us(1_700_000_000_123_456), "2023-11-14T22:13:20Z");
        assert_eq!(format_us(-1), "1969-12-31T23:59:59Z");
    }
}
