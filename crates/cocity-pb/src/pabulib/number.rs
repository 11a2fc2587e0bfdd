//! Exact numbers as Pabulib files write them.
//!
//! pabutools parses costs, the budget and points with `gmpy2.mpq(str)`, which accepts integers,
//! decimals (`"102533.36"`), exponents (`"1e3"`) and fractions (`"1/3"`), all exactly. This module
//! does the same without ever going through `f64`, and refuses absurd inputs (`"1e999999999"`,
//! thousands of digits) instead of allocating without bound.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::{BigRational, Ratio};
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::model::{Money, Points};

/// Largest decimal exponent accepted: far beyond any real amount of money, small enough that
/// `10^e` stays a few kilobytes.
const MAX_EXPONENT: i64 = 4_000;

/// Longest digit string accepted (big-integer parsing is super-linear in the number of digits).
const MAX_DIGITS: usize = 1_000;

/// Why a cell is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Not of the form `[-+]digits[.digits][e[-+]digits]` or `int/int`.
    Syntax,
    /// The exponent or the number of digits is beyond what any amount needs.
    TooLarge,
    /// `a/0`.
    ZeroDenominator,
    /// Points must fit in 64-bit numerator and denominator.
    PointsOutOfRange,
}

impl std::fmt::Display for NumberError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NumberError::Syntax => "not a number",
            NumberError::TooLarge => "number too large (exponent or digits beyond any real amount)",
            NumberError::ZeroDenominator => "fraction with denominator 0",
            NumberError::PointsOutOfRange => "points out of the 64-bit range",
        })
    }
}

/// Python's `str.strip()` whitespace: Unicode White_Space plus the information separators
/// `\x1c`–`\x1f`, which `str.isspace()` also accepts.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `s.strip()` as Python does it.
pub fn py_strip(s: &str) -> &str {
    // Almost every cell starts and ends with a printable ASCII byte, which is never whitespace:
    // then there is nothing to strip and no character needs decoding.
    let printable = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_graphic());
    let bytes = s.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        return s;
    }
    s.trim_matches(is_py_space)
}

/// Parses a number exactly, as `gmpy2.mpq(str)` does (surrounding whitespace allowed).
pub fn parse_rational(s: &str) -> Result<BigRational, NumberError> {
    let s = py_strip(s);
    if let Some((num, den)) = s.split_once('/') {
        let n = parse_integer(num)?;
        let d = parse_integer(den)?;
        if d.is_zero() {
            return Err(NumberError::ZeroDenominator);
        }
        return Ok(BigRational::new(n, d));
    }
    parse_decimal(s)
}

/// Parses a cost or the budget: a comma is read as the decimal point first, as pabutools does
/// (`"10,25"` is 41/4).
pub fn parse_money(s: &str) -> Result<Money, NumberError> {
    if s.contains(',') {
        parse_rational(&s.replace(',', "."))
    } else {
        parse_rational(s)
    }
}

/// Parses points (no comma conversion, as pabutools).
pub fn parse_points(s: &str) -> Result<Points, NumberError> {
    let s = py_strip(s);
    // Nearly every point in a real file is a small integer: skip the big-number path.
    if !s.is_empty()
        && s.len() <= 18
        && s.bytes().all(|b| b.is_ascii_digit())
        && let Ok(v) = s.parse::<i64>()
    {
        return Ok(Ratio::from_integer(v));
    }
    let r = parse_rational(s)?;
    match (r.numer().to_i64(), r.denom().to_i64()) {
        (Some(n), Some(d)) => Ok(Ratio::new(n, d)),
        _ => Err(NumberError::PointsOutOfRange),
    }
}

fn parse_integer(s: &str) -> Result<BigInt, NumberError> {
    let (neg, digits) = split_sign(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::Syntax);
    }
    let v = digits_to_bigint(digits)?;
    Ok(if neg { -v } else { v })
}

fn split_sign(s: &str) -> (bool, &str) {
    if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s)
    }
}

fn digits_to_bigint(digits: &str) -> Result<BigInt, NumberError> {
    if digits.len() <= 18 {
        return digits
            .parse::<u64>()
            .map(BigInt::from)
            .map_err(|_| NumberError::Syntax);
    }
    if digits.len() > MAX_DIGITS {
        return Err(NumberError::TooLarge);
    }
    BigInt::parse_bytes(digits.as_bytes(), 10).ok_or(NumberError::Syntax)
}

fn parse_decimal(s: &str) -> Result<BigRational, NumberError> {
    let (neg, rest) = split_sign(s);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((a, b)) => (a, b),
        None => (mantissa, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err(NumberError::Syntax);
    }
    let mut exp10: i64 = match exponent {
        None => 0,
        Some(e) => {
            let (eneg, edigits) = split_sign(e);
            if edigits.is_empty() || !all_digits(edigits) {
                return Err(NumberError::Syntax);
            }
            // Parse with a cap: "1e999999999999999999999" must not overflow or allocate.
            let trimmed = edigits.trim_start_matches('0');
            if trimmed.len() > 6 {
                return Err(NumberError::TooLarge);
            }
            let v: i64 = if trimmed.is_empty() {
                0
            } else {
                trimmed.parse().map_err(|_| NumberError::Syntax)?
            };
            if eneg { -v } else { v }
        }
    };
    let frac_digits = frac_part.trim_end_matches('0');
    exp10 -= frac_digits.len() as i64;
    let mut digits = String::with_capacity(int_part.len() + frac_digits.len());
    digits.push_str(int_part.trim_start_matches('0'));
    digits.push_str(frac_digits);
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Ok(BigRational::zero());
    }
    if exp10.abs() > MAX_EXPONENT {
        return Err(NumberError::TooLarge);
    }
    let mut m = digits_to_bigint(digits)?;
    if neg {
        m = -m;
    }
    let scale = pow10(exp10.unsigned_abs());
    Ok(if exp10 >= 0 {
        BigRational::from_integer(m * scale)
    } else {
        BigRational::new(m, scale)
    })
}

fn pow10(e: u64) -> BigInt {
    num_traits::pow(BigInt::from(10u32), e as usize)
}

/// Writes an amount exactly: as a decimal when it has a finite decimal expansion (`"102533.36"`,
/// `"0.5"`, `"400000"`), else as a fraction `"a/b"` (which pabutools and this reader both read
/// back exactly).
pub fn format_money(v: &BigRational) -> String {
    format_ratio(v.numer(), v.denom())
}

/// Writes points exactly, like [`format_money`].
pub fn format_points(v: &Points) -> String {
    format_ratio(&BigInt::from(*v.numer()), &BigInt::from(*v.denom()))
}

fn format_ratio(numer: &BigInt, denom: &BigInt) -> String {
    // Normalise sign and common factors (a Ratio built with new_raw may carry either).
    let g = numer.gcd(denom);
    let (mut n, mut d) = if g.is_zero() {
        (BigInt::zero(), BigInt::one())
    } else {
        (numer / &g, denom / &g)
    };
    if d.is_negative() {
        n = -n;
        d = -d;
    }
    if d.is_one() {
        return n.to_string();
    }
    let two = BigInt::from(2u32);
    let five = BigInt::from(5u32);
    let (mut rest, mut twos, mut fives) = (d.clone(), 0u64, 0u64);
    while (&rest % &two).is_zero() {
        rest /= &two;
        twos += 1;
    }
    while (&rest % &five).is_zero() {
        rest /= &five;
        fives += 1;
    }
    if !rest.is_one() {
        return format!("{n}/{d}");
    }
    let k = twos.max(fives);
    let scaled = (n.abs() * pow10(k)) / &d;
    let mut digits = scaled.to_string();
    let k = k as usize;
    if digits.len() <= k {
        digits = format!("{}{}", "0".repeat(k + 1 - digits.len()), digits);
    }
    let point = digits.len() - k;
    let sign = if n.is_negative() { "-" } else { "" };
    format!("{sign}{}.{}", &digits[..point], &digits[point..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn parses_like_mpq() {
        assert_eq!(parse_rational("400000.0"), Ok(r(400000, 1)));
        assert_eq!(parse_rational("102533.36"), Ok(r(10253336, 100)));
        assert_eq!(parse_rational(" 1e3 "), Ok(r(1000, 1)));
        assert_eq!(parse_rational("1.5E-3"), Ok(r(3, 2000)));
        assert_eq!(parse_rational("1/3"), Ok(r(1, 3)));
        assert_eq!(parse_rational("-2/4"), Ok(r(-1, 2)));
        assert_eq!(parse_rational(".5"), Ok(r(1, 2)));
        assert_eq!(parse_rational("5."), Ok(r(5, 1)));
        assert_eq!(parse_rational("0.1"), Ok(r(1, 10)));
        assert_eq!(parse_money("10,25"), Ok(r(41, 4)));
        assert_eq!(parse_rational("10,25"), Err(NumberError::Syntax));
        for bad in [
            "", "abc", "1/0", "1e", "e3", ".", "1..2", "1/2/3", "nan", "inf", "1 2",
        ] {
            assert!(parse_rational(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn refuses_absurd_exponents_quickly() {
        assert_eq!(parse_rational("1e999999999"), Err(NumberError::TooLarge));
        assert_eq!(
            parse_rational("1e-99999999999999999999"),
            Err(NumberError::TooLarge)
        );
        assert_eq!(
            parse_rational(&"9".repeat(5000)),
            Err(NumberError::TooLarge)
        );
        // A zero mantissa is zero whatever the exponent.
        assert_eq!(parse_rational("0e999999"), Ok(r(0, 1)));
    }

    #[test]
    fn points_fast_path_and_range() {
        assert_eq!(parse_points("7"), Ok(Ratio::from_integer(7)));
        assert_eq!(parse_points("1.5"), Ok(Ratio::new(3, 2)));
        assert_eq!(parse_points("-2"), Ok(Ratio::from_integer(-2)));
        assert_eq!(parse_points("1e30"), Err(NumberError::PointsOutOfRange));
    }

    #[test]
    fn strips_as_python_does() {
        for (cell, stripped) in [
            ("a1", "a1"),
            ("", ""),
            ("x", "x"),
            (" 12 ", "12"),
            ("\t7", "7"),
            ("\u{1f}id\u{1c}", "id"),
            ("\u{a0}Mokotów\u{3000}", "Mokotów"),
            ("Mokotów", "Mokotów"),
            ("é", "é"),
            ("  ", ""),
        ] {
            assert_eq!(py_strip(cell), stripped, "{cell:?}");
        }
    }

    #[test]
    fn formats_exactly() {
        assert_eq!(format_money(&r(400000, 1)), "400000");
        assert_eq!(format_money(&r(10253336, 100)), "102533.36");
        assert_eq!(format_money(&r(1, 2)), "0.5");
        assert_eq!(format_money(&r(-3, 20)), "-0.15");
        assert_eq!(format_money(&r(1, 1000)), "0.001");
        assert_eq!(format_money(&r(1, 3)), "1/3");
        assert_eq!(format_money(&r(-7, 6)), "-7/6");
        assert_eq!(format_points(&Ratio::new(5, 4)), "1.25");
        for v in [r(1, 3), r(123456789, 1024), r(-5, 7), r(0, 1)] {
            assert_eq!(parse_rational(&format_money(&v)), Ok(v));
        }
    }
}
