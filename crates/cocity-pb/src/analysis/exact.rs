//! Sums of many exact rationals without a gcd per addition: real files have 100,000 voters and
//! their satisfactions share a handful of denominators, so the values are brought over their
//! least common denominator once and then added as integers.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

use crate::model::Money;

/// The least common multiple of the denominators, each distinct one taken once.
fn least_common_denominator<'a>(values: impl Iterator<Item = &'a Money>) -> BigInt {
    let mut lcm = BigInt::one();
    let mut seen: HashMap<&BigInt, ()> = HashMap::new();
    for v in values {
        if seen.insert(v.denom(), ()).is_none() {
            lcm = lcm.lcm(v.denom());
        }
    }
    lcm
}

/// The values as numerators over one common denominator (the least one).
pub(crate) fn over_common_denominator(values: &[Money]) -> (Vec<BigInt>, BigInt) {
    let lcm = least_common_denominator(values.iter());
    let mut factor: HashMap<&BigInt, BigInt> = HashMap::new();
    let numerators = values
        .iter()
        .map(|v| {
            if v.denom() == &lcm {
                return v.numer().clone();
            }
            let f = factor.entry(v.denom()).or_insert_with(|| &lcm / v.denom());
            v.numer() * &*f
        })
        .collect();
    (numerators, lcm)
}

/// The exact sum of `values`.
pub(crate) fn sum(values: &[Money]) -> Money {
    weighted_sum(values.iter().map(|v| (v, 1)))
}

/// The exact sum of count·value over `terms`.
pub(crate) fn weighted_sum<'a, I>(terms: I) -> Money
where
    I: Iterator<Item = (&'a Money, u64)> + Clone,
{
    // Satisfactions share a handful of denominators: numerators are added in place per
    // denominator, and only a file with many distinct ones takes the common-denominator route.
    const FEW: usize = 64;
    let add = |n: &mut BigInt, v: &Money, count: u64| match count {
        1 => *n += v.numer(),
        _ => *n += v.numer() * count,
    };
    let mut parts: Vec<(&BigInt, BigInt)> = Vec::new();
    for (v, count) in terms.clone() {
        if let Some((_, n)) = parts.iter_mut().find(|(d, _)| *d == v.denom()) {
            add(n, v, count);
            continue;
        }
        if parts.len() >= FEW {
            let lcm = least_common_denominator(terms.clone().map(|(v, _)| v));
            let mut total = BigInt::zero();
            for (v, count) in terms {
                total += v.numer() * (&lcm / v.denom()) * count;
            }
            return Money::new(total, lcm);
        }
        let mut n = BigInt::zero();
        add(&mut n, v, count);
        parts.push((v.denom(), n));
    }
    parts
        .into_iter()
        .fold(Money::zero(), |acc, (d, n)| acc + Money::new(n, d.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64, d: i64) -> Money {
        Money::new(BigInt::from(n), BigInt::from(d))
    }

    #[test]
    fn sums_match_rational_addition() {
        let values = vec![q(1, 2), q(1, 3), q(5, 6), q(7, 1), q(-1, 4), q(0, 1)];
        let expected = values.iter().fold(q(0, 1), |acc, v| acc + v);
        assert_eq!(sum(&values), expected);
        let (nums, d) = over_common_denominator(&values);
        assert_eq!(d, BigInt::from(12));
        assert_eq!(nums[0], BigInt::from(6));
        assert_eq!(sum(&[]), q(0, 1));
        // Past the handful of denominators that are added apart, the result is the same.
        let many: Vec<Money> = (1..200).map(|d| q(1, d)).collect();
        let expected = many.iter().fold(q(0, 1), |acc, v| acc + v);
        assert_eq!(sum(&many), expected);
        // Weighted, on both routes.
        let weights = [3u64, 1, 0, 2, 5, 7];
        let expected = values
            .iter()
            .zip(weights)
            .fold(q(0, 1), |acc, (v, w)| acc + v * BigInt::from(w));
        assert_eq!(weighted_sum(values.iter().zip(weights)), expected);
        let expected = many
            .iter()
            .zip(1u64..)
            .fold(q(0, 1), |acc, (v, w)| acc + v * BigInt::from(w));
        assert_eq!(weighted_sum(many.iter().zip(1u64..)), expected);
    }
}
