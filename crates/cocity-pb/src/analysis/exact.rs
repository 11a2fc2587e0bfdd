//! Sums of many exact rationals without a gcd per addition: real files have 100,000 voters and
//! their satisfactions share a handful of denominators, so the values are brought over their
//! least common denominator once and then added as integers.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Zero};

use crate::model::Money;

/// The values as numerators over one common denominator (the least one).
pub(crate) fn over_common_denominator(values: &[Money]) -> (Vec<BigInt>, BigInt) {
    let mut lcm = BigInt::one();
    let mut seen: HashMap<&BigInt, ()> = HashMap::new();
    for v in values {
        if seen.insert(v.denom(), ()).is_none() {
            lcm = lcm.lcm(v.denom());
        }
    }
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
    // Satisfactions share a handful of denominators: numerators are added in place per
    // denominator, and only a file with many distinct ones takes the common-denominator route.
    const FEW: usize = 64;
    let mut parts: Vec<(&BigInt, BigInt)> = Vec::new();
    for v in values {
        if let Some((_, n)) = parts.iter_mut().find(|(d, _)| *d == v.denom()) {
            *n += v.numer();
            continue;
        }
        if parts.len() >= FEW {
            let (numerators, denom) = over_common_denominator(values);
            let total = numerators.iter().fold(BigInt::zero(), |acc, n| acc + n);
            return Money::new(total, denom);
        }
        parts.push((v.denom(), v.numer().clone()));
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
    }
}
