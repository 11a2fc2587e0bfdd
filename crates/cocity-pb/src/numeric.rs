//! A fast exact rational number for the counting rules.
//!
//! Equal Shares repeatedly subtracts payments `ρ·u` from voters' budgets, so numbers stay
//! small fractions for most real elections but their denominators can multiply from round to
//! round. [`Q`] keeps a reduced `i128` fraction while it fits and switches, per value, to a
//! [`BigRational`] as soon as any intermediate product would overflow. Results that fit again
//! are demoted, so each value has exactly one representation and `Eq`/`Hash` agree with
//! numeric equality.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

/// An exact rational: a reduced `i128` fraction when it fits, a big rational otherwise.
///
/// Invariant: `Small(n, d)` has `d > 0`, `gcd(|n|, d) == 1` and neither part equal to
/// `i128::MIN`; `Big` holds only values that do not fit `Small`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Q {
    Small(i128, i128),
    Big(Box<BigRational>),
}

impl Q {
    pub const ZERO: Q = Q::Small(0, 1);
    pub const ONE: Q = Q::Small(1, 1);

    /// An integer.
    pub fn int(n: i128) -> Q {
        if n == i128::MIN {
            return Q::from_big(BigRational::from_integer(BigInt::from(n)));
        }
        Q::Small(n, 1)
    }

    /// `n / d` for a non-zero `d`; `None` when `d` is zero.
    pub fn ratio(n: i128, d: i128) -> Option<Q> {
        if d == 0 {
            return None;
        }
        Some(Q::small_or_big(n, d))
    }

    /// Converts from a big rational, demoting it when it fits.
    pub fn from_big(r: BigRational) -> Q {
        match (r.numer().to_i128(), r.denom().to_i128()) {
            (Some(n), Some(d)) if n != i128::MIN && d != i128::MIN => {
                // `BigRational` is always reduced with a positive denominator.
                Q::Small(n, d)
            }
            _ => Q::Big(Box::new(r)),
        }
    }

    /// Converts from a big rational reference.
    pub fn from_money(r: &BigRational) -> Q {
        Q::from_big(r.clone())
    }

    /// The value as a big rational.
    pub fn to_big(&self) -> BigRational {
        match self {
            Q::Small(n, d) => BigRational::new_raw(BigInt::from(*n), BigInt::from(*d)),
            Q::Big(b) => (**b).clone(),
        }
    }

    /// Whether the value is held as a big rational (used by tests of the fallback).
    pub fn is_big(&self) -> bool {
        matches!(self, Q::Big(_))
    }

    pub fn is_zero(&self) -> bool {
        match self {
            Q::Small(n, _) => *n == 0,
            Q::Big(b) => b.is_zero(),
        }
    }

    pub fn is_positive(&self) -> bool {
        match self {
            Q::Small(n, _) => *n > 0,
            Q::Big(b) => b.is_positive(),
        }
    }

    pub fn is_negative(&self) -> bool {
        match self {
            Q::Small(n, _) => *n < 0,
            Q::Big(b) => b.is_negative(),
        }
    }

    fn small_or_big(n: i128, d: i128) -> Q {
        if n == i128::MIN || d == i128::MIN {
            return Q::from_big(BigRational::new(BigInt::from(n), BigInt::from(d)));
        }
        let (mut n, mut d) = (n, d);
        if d < 0 {
            n = -n;
            d = -d;
        }
        let g = gcd(n.unsigned_abs(), d.unsigned_abs());
        if g > 1 {
            // g divides both, and both are below 2^127, so g fits i128.
            let g = g as i128;
            n /= g;
            d /= g;
        }
        Q::Small(n, d)
    }

    pub fn add(&self, o: &Q) -> Q {
        if let (Q::Small(a, b), Q::Small(c, d)) = (self, o)
            && let Some(q) = add_small(*a, *b, *c, *d)
        {
            return q;
        }
        Q::from_big(self.to_big() + o.to_big())
    }

    pub fn sub(&self, o: &Q) -> Q {
        if let (Q::Small(a, b), Q::Small(c, d)) = (self, o)
            && let Some(q) = add_small(*a, *b, -*c, *d)
        {
            return q;
        }
        Q::from_big(self.to_big() - o.to_big())
    }

    pub fn mul(&self, o: &Q) -> Q {
        if let (Q::Small(a, b), Q::Small(c, d)) = (self, o)
            && let Some(q) = mul_small(*a, *b, *c, *d)
        {
            return q;
        }
        Q::from_big(self.to_big() * o.to_big())
    }

    /// `self / o`; `None` when `o` is zero.
    pub fn div(&self, o: &Q) -> Option<Q> {
        if o.is_zero() {
            return None;
        }
        if let (Q::Small(a, b), Q::Small(c, d)) = (self, o) {
            // a/b ÷ c/d = a/b · d/c with the sign moved to the numerator.
            let (c, d) = if *c < 0 { (-*c, -*d) } else { (*c, *d) };
            if let Some(q) = mul_small(*a, *b, d, c) {
                return Some(q);
            }
        }
        Some(Q::from_big(self.to_big() / o.to_big()))
    }

    /// `self · k` for a non-negative integer `k` (a multiplicity).
    pub fn mul_int(&self, k: u64) -> Q {
        if let Q::Small(a, b) = self {
            let k = i128::from(k);
            let g = gcd(k.unsigned_abs(), b.unsigned_abs()) as i128;
            if g > 0
                && let Some(n) = a.checked_mul(k / g)
                && n != i128::MIN
            {
                return Q::Small(n, b / g);
            }
        }
        Q::from_big(self.to_big() * BigRational::from_integer(BigInt::from(k)))
    }

    /// The smaller of two values (the first on equality).
    pub fn min_ref<'a>(&'a self, o: &'a Q) -> &'a Q {
        if o < self { o } else { self }
    }
}

impl Default for Q {
    fn default() -> Q {
        Q::ZERO
    }
}

impl From<i64> for Q {
    fn from(n: i64) -> Q {
        Q::Small(i128::from(n), 1)
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, other: &Q) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> Ordering {
        if let (Q::Small(a, b), Q::Small(c, d)) = (self, o) {
            if b == d {
                return a.cmp(c);
            }
            if let (Some(l), Some(r)) = (a.checked_mul(*d), c.checked_mul(*b)) {
                return l.cmp(&r);
            }
        }
        self.to_big().cmp(&o.to_big())
    }
}

impl std::fmt::Display for Q {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Q::Small(n, 1) => write!(f, "{n}"),
            Q::Small(n, d) => write!(f, "{n}/{d}"),
            Q::Big(b) => write!(f, "{b}"),
        }
    }
}

fn add_small(a: i128, b: i128, c: i128, d: i128) -> Option<Q> {
    if b == d {
        let n = a.checked_add(c)?;
        return Q::small_or_big_checked(n, b);
    }
    let g = gcd(b.unsigned_abs(), d.unsigned_abs()) as i128;
    let (b1, d1) = (b / g, d / g);
    let t = a.checked_mul(d1)?.checked_add(c.checked_mul(b1)?)?;
    let g2 = gcd(t.unsigned_abs(), g.unsigned_abs()) as i128;
    let num = t / g2;
    let den = b1.checked_mul(d / g2)?;
    Q::small_or_big_checked(num, den)
}

fn mul_small(a: i128, b: i128, c: i128, d: i128) -> Option<Q> {
    // Both inputs are reduced, so cross-cancelling gives a reduced product.
    let g1 = gcd(a.unsigned_abs(), d.unsigned_abs()).max(1) as i128;
    let g2 = gcd(c.unsigned_abs(), b.unsigned_abs()).max(1) as i128;
    let n = (a / g1).checked_mul(c / g2)?;
    let den = (b / g2).checked_mul(d / g1)?;
    Q::small_or_big_checked(n, den)
}

impl Q {
    /// Reduces `n/den` (`den > 0`) if both stay clear of `i128::MIN`; `None` otherwise so the
    /// caller falls back to big arithmetic.
    fn small_or_big_checked(n: i128, den: i128) -> Option<Q> {
        if n == i128::MIN || den <= 0 {
            return None;
        }
        let g = gcd(n.unsigned_abs(), den.unsigned_abs());
        if g > 1 {
            let g = g as i128;
            return Some(Q::Small(n / g, den / g));
        }
        Some(Q::Small(n, den))
    }
}

/// Binary gcd on u128; gcd(0, x) = x.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    // Integers (whole costs, counts) are most values: the loop would take a step per bit.
    if a == 1 || b == 1 {
        return 1;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            return a << shift;
        }
    }
}

/// n/d as a float with a relative error of a few ulps, for any size of n and d (each is cut to
/// its top 128 bits first, read straight from its digits, so huge values stay finite and
/// nothing is allocated). NaN when d is zero.
pub fn ratio_to_f64(n: &BigInt, d: &BigInt) -> f64 {
    let (nf, ne) = top_bits(n);
    let (df, de) = top_bits(d);
    if df == 0.0 {
        return f64::NAN;
    }
    let exp = i32::try_from(ne - de).unwrap_or(i32::MAX);
    // Out-of-range exponents give 0 or ∞; callers treat those as "use exact arithmetic".
    nf / df * 2f64.powi(exp)
}

/// |x| ≈ m · 2^e, with m the value of its top two 64-bit digits.
fn top_bits(x: &BigInt) -> (f64, i64) {
    let mut digits = x.iter_u64_digits();
    let len = digits.len() as i64;
    let hi = digits.next_back().unwrap_or(0);
    let lo = digits.next_back().unwrap_or(0);
    let m = hi as f64 * 18_446_744_073_709_551_616.0 + lo as f64;
    let sign = if x.is_negative() { -1.0 } else { 1.0 };
    // The top two digits stand for 2^(64·(len − 2)) times their value.
    (sign * m, 64 * (len - 2))
}

impl Q {
    /// The value as a float (for filtering comparisons, never for decisions on its own).
    pub fn to_f64(&self) -> f64 {
        match self {
            Q::Small(n, d) => *n as f64 / *d as f64,
            Q::Big(b) => ratio_to_f64(b.numer(), b.denom()),
        }
    }
}

/// A big rational `n/d` from integers (for tests and callers that build money in code).
pub fn money(n: i64, d: i64) -> BigRational {
    if d == 0 {
        return BigRational::zero();
    }
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_of_any_size_become_close_floats() {
        let big = |s: &str| s.parse::<BigInt>().unwrap();
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * y.abs().max(1e-300);
        assert!(close(ratio_to_f64(&big("1"), &big("3")), 1.0 / 3.0));
        assert!(close(ratio_to_f64(&big("-7"), &big("2")), -3.5));
        assert_eq!(ratio_to_f64(&big("0"), &big("5")), 0.0);
        assert!(ratio_to_f64(&big("1"), &big("0")).is_nan());
        // 10^200 / (3·10^199) = 10/3, far beyond f64's integers.
        let n = big(&format!("1{}", "0".repeat(200)));
        let d = big(&format!("3{}", "0".repeat(199)));
        assert!(close(ratio_to_f64(&n, &d), 10.0 / 3.0));
        // Mixed sizes: 2^130 / 2^3.
        let n = BigInt::from(1) << 130usize;
        assert!(close(ratio_to_f64(&n, &BigInt::from(8)), 2f64.powi(127)));
    }

    fn q(n: i128, d: i128) -> Q {
        Q::ratio(n, d).unwrap()
    }

    #[test]
    fn arithmetic_is_exact_and_reduced() {
        assert_eq!(q(1, 3).add(&q(1, 6)), q(1, 2));
        assert_eq!(q(1, 2), Q::Small(1, 2));
        assert_eq!(q(2, -4), Q::Small(-1, 2));
        assert_eq!(q(1, 3).sub(&q(1, 3)), Q::ZERO);
        assert_eq!(q(2, 3).mul(&q(9, 4)), q(3, 2));
        assert_eq!(q(2, 3).div(&q(-4, 9)).unwrap(), q(-3, 2));
        assert!(q(1, 2).div(&Q::ZERO).is_none());
        assert_eq!(q(5, 6).mul_int(4), q(10, 3));
        assert!(q(1, 3) < q(1, 2));
        assert!(q(-1, 3) > q(-1, 2));
    }

    #[test]
    fn overflow_falls_back_to_big_and_demotes_again() {
        let p = (1i128 << 61) - 1; // a Mersenne prime
        let a = q(1, p);
        let b = q(1, p - 2);
        let tiny = a.mul(&b).mul(&a);
        assert!(tiny.is_big(), "1/p^2(p-2) must not fit i128");
        let expect = BigRational::new(
            BigInt::from(1),
            BigInt::from(p) * BigInt::from(p) * BigInt::from(p - 2),
        );
        assert_eq!(tiny.to_big(), expect);
        // Multiplying back brings it into i128 range, and it must be demoted.
        let back = tiny.mul(&Q::int(p)).mul(&Q::int(p));
        assert_eq!(back, q(1, p - 2));
        assert!(!back.is_big());
        // Comparison across representations.
        assert!(tiny < a);
        assert!(Q::int(i128::MAX).add(&Q::ONE).is_big());
        assert_eq!(
            Q::int(i128::MAX).add(&Q::ONE).sub(&Q::ONE),
            Q::int(i128::MAX)
        );
    }

    #[test]
    fn big_cross_products_compare_exactly() {
        let a = q(i128::MAX - 1, i128::MAX - 2);
        let b = q(i128::MAX - 2, i128::MAX - 3);
        assert!(a < b);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
    }
}
