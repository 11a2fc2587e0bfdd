//! Exact fractions compared without a gcd on the hot path.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::Zero;

use crate::model::Money;
use crate::numeric::{Q, ratio_to_f64};

/// How far apart, relative to their size, two float approximations must be for their order to
/// be trusted without exact arithmetic. Every float test in a run uses it: the floats' own error
/// (a few ulps per operation, `ROUNDING` per term) is many orders of magnitude smaller.
pub(crate) const MARGIN: f64 = 1e-9;

/// A bound of the rounding error of a float product or sum, relative to its terms' size.
pub(crate) const ROUNDING: f64 = 1e-12;

/// Whether float approximations `a` and `b` (each within a few ulps of its value) show that
/// the value of `a` is below that of `b`.
pub(crate) fn surely_below(a: f64, b: f64) -> bool {
    a.is_normal() && b.is_normal() && b - a > MARGIN * a.abs().max(b.abs())
}

/// An unreduced positive fraction, compared by cross-multiplication (no gcd on the hot path).
///
/// `approx` is n/d to within a few ulps; comparisons trust it only when the two values are
/// far apart relative to that error, and fall back to exact arithmetic otherwise.
#[derive(Clone, Debug)]
pub(crate) struct Frac {
    pub(crate) n: BigInt,
    pub(crate) d: BigInt,
    approx: f64,
}

impl Frac {
    pub(crate) fn new(n: BigInt, d: BigInt) -> Frac {
        let approx = ratio_to_f64(&n, &d);
        Frac { n, d, approx }
    }

    pub(crate) fn from_q(q: &Q) -> Frac {
        let b = q.to_big();
        Frac::new(b.numer().clone(), b.denom().clone())
    }

    pub(crate) fn cmp(&self, o: &Frac) -> Ordering {
        let (a, b) = (self.approx, o.approx);
        if a.is_normal() && b.is_normal() && (a - b).abs() > MARGIN * a.abs().max(b.abs()) {
            return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
        }
        // Equal bounds are common (1/supporters at the start): no products for those.
        if self.n == o.n && self.d == o.d {
            return Ordering::Equal;
        }
        (&self.n * &o.d).cmp(&(&o.n * &self.d))
    }

    /// Whether the floats alone show `self` > `o`, so that any value whose float is at least
    /// `self`'s is above `o` too.
    pub(crate) fn surely_above(&self, o: &Frac) -> bool {
        surely_below(o.approx, self.approx)
    }

    /// n/d to within a few ulps (∞ or NaN when out of range).
    pub(crate) fn to_f64(&self) -> f64 {
        self.approx
    }

    pub(crate) fn to_q(&self) -> Q {
        if self.d.is_zero() {
            return Q::ZERO;
        }
        Q::from_big(Money::new(self.n.clone(), self.d.clone()))
    }
}
