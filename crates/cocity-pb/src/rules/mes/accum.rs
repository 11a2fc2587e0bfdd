//! Σ count·x over many exact amounts without an allocation per term.
//!
//! A `BigInt` product needs a buffer of its own, and growing it by a digit reallocates; on the
//! hot paths of a run (the water-filling, the sums of slopes) that cost more than the
//! arithmetic. The accumulator adds each product digit by digit into buffers it keeps.

use num_bigint::{BigInt, BigUint, Sign};

/// A running sum of count·x, positive and negative parts apart.
#[derive(Default)]
pub(crate) struct Accum {
    pos: Vec<u64>,
    neg: Vec<u64>,
}

impl Accum {
    /// Adds m·x.
    pub(crate) fn add(&mut self, x: &BigInt, m: u64) {
        let acc = if x.sign() == Sign::Minus {
            &mut self.neg
        } else {
            &mut self.pos
        };
        mul_add(acc, x.magnitude(), m);
    }

    /// The sum so far.
    pub(crate) fn sum(&self) -> BigInt {
        BigInt::from(to_biguint(&self.pos)) - BigInt::from(to_biguint(&self.neg))
    }

    /// The sum so far, starting again from zero.
    pub(crate) fn take(&mut self) -> BigInt {
        let s = self.sum();
        self.pos.clear();
        self.neg.clear();
        s
    }
}

/// acc += x·m, on little-endian 64-bit digits.
fn mul_add(acc: &mut Vec<u64>, x: &BigUint, m: u64) {
    let mut carry: u128 = 0;
    let mut i = 0;
    // Each step is at most (2⁶⁴ − 1) + (2⁶⁴ − 1)² + (2⁶⁴ − 1) = 2¹²⁸ − 1: no overflow.
    for d in x.iter_u64_digits() {
        carry += u128::from(d) * u128::from(m);
        carry = add_at(acc, i, carry);
        i += 1;
    }
    while carry != 0 {
        carry = add_at(acc, i, carry);
        i += 1;
    }
}

/// Adds the low 64 bits of `v` to digit `i` (growing `acc` as needed) and returns the carry.
fn add_at(acc: &mut Vec<u64>, i: usize, v: u128) -> u128 {
    if acc.len() <= i {
        acc.resize(i + 1, 0);
    }
    match acc.get_mut(i) {
        Some(a) => {
            let t = u128::from(*a) + v;
            *a = t as u64;
            t >> 64
        }
        None => 0,
    }
}

fn to_biguint(digits: &[u64]) -> BigUint {
    let mut v = Vec::with_capacity(digits.len() * 2);
    for &d in digits {
        v.push(d as u32);
        v.push((d >> 32) as u32);
    }
    BigUint::new(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_match_bigint_arithmetic_across_digit_carries() {
        let big = BigInt::from(u64::MAX) * BigInt::from(u64::MAX) + BigInt::from(12345);
        let terms: [(BigInt, u64); 5] = [
            (big.clone(), u64::MAX),
            (BigInt::from(7), 3),
            (-big.clone(), 2),
            (BigInt::from(u64::MAX), u64::MAX),
            (BigInt::from(0), 9),
        ];
        let mut acc = Accum::default();
        let mut want = BigInt::from(0);
        for (x, m) in &terms {
            acc.add(x, *m);
            want += x * BigInt::from(*m);
            assert_eq!(acc.sum(), want);
        }
        assert_eq!(acc.take(), want);
        assert_eq!(acc.sum(), BigInt::from(0));
    }
}
