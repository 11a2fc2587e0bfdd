//! How far the per-voter share can grow before a run of Equal Shares could go differently.
//!
//! The `add1` completions re-run Equal Shares with shares b, b + 1, b + 2, … and pabutools
//! makes every one of those runs: thousands on a city's budget. Along one run, as long as
//! every comparison the run makes keeps its result, each voter's money, each ρ and each payment
//! is an affine function of the share (b + t): a payment is either all of a voter's money or
//! (cost − what the capped supporters pay) / Σ utility × utility, both affine in affine inputs.
//! So the run records, for every comparison that decided something, the first t > 0 at which
//! the two sides could meet; below the least of them every share gives the same picks, and the
//! completion skips the shares in between without running them. The comparisons recorded are
//! the semantic ones (which supporters pay all they have, which candidate has the least ρ,
//! which cannot be afforded), so the skip does not depend on the order the run examined
//! candidates in.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::frac::Frac;

/// The least t at which a recorded comparison may change its result.
pub(crate) struct Horizon {
    t: Option<Frac>,
    /// A limit this small is no use to the caller (it steps at least this far anyway), so once
    /// one is found the run stops recording.
    enough: Frac,
    done: bool,
}

impl Horizon {
    pub(crate) fn new(enough: Frac) -> Horizon {
        Horizon {
            t: None,
            enough,
            done: false,
        }
    }

    /// Whether recording can still move the limit in a way the caller cares about.
    pub(crate) fn active(&self) -> bool {
        !self.done
    }

    /// The limit: every share in [b, b + t) gives the same picks. `None` when no recorded
    /// comparison ever changes.
    pub(crate) fn limit(&self) -> Option<&Frac> {
        self.t.as_ref()
    }

    /// Records that a0 + a1·t and b0 + b1·t must keep the order they have at t = 0.
    pub(crate) fn keep(&mut self, a0: &BigInt, a1: &BigInt, b0: &BigInt, b1: &BigInt) {
        if self.done {
            return;
        }
        match a0.cmp(b0) {
            Ordering::Equal => {
                if a1 != b1 {
                    self.at(Frac::new(BigInt::zero(), BigInt::from(1)));
                }
            }
            Ordering::Less => {
                if a1 > b1 {
                    self.at(Frac::new(b0 - a0, a1 - b1));
                }
            }
            Ordering::Greater => {
                if a1 < b1 {
                    self.at(Frac::new(a0 - b0, b1 - a1));
                }
            }
        }
    }

    /// As [`Horizon::keep`] for (a.n + a1·t) / a.d against (b.n + b1·t) / b.d.
    pub(crate) fn keep_fracs(&mut self, a: &Frac, a1: &BigInt, b: &Frac, b1: &BigInt) {
        if self.done {
            return;
        }
        // Both slopes of the same sign as their difference of values: the gap only widens.
        let gap = a.cmp(b);
        let widening = match gap {
            Ordering::Less => !a1.is_positive() && !b1.is_negative(),
            Ordering::Greater => !a1.is_negative() && !b1.is_positive(),
            Ordering::Equal => false,
        };
        if widening {
            return;
        }
        self.keep(&(&a.n * &b.d), &(a1 * &b.d), &(&b.n * &a.d), &(b1 * &a.d));
    }

    fn at(&mut self, t: Frac) {
        if self.t.as_ref().is_none_or(|cur| t.cmp(cur) == Ordering::Less) {
            if t.cmp(&self.enough) != Ordering::Greater {
                self.done = true;
            }
            self.t = Some(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(n: i64) -> BigInt {
        BigInt::from(n)
    }

    fn horizon() -> Horizon {
        Horizon::new(Frac::new(big(1), big(1000)))
    }

    #[test]
    fn lines_that_meet_ahead_limit_the_horizon() {
        let mut h = horizon();
        // 1 + 2t meets 5 + 0t at t = 2.
        h.keep(&big(1), &big(2), &big(5), &big(0));
        assert_eq!(h.limit().map(|t| t.to_q().to_string()), Some("2".into()));
        // A later meeting does not move it; an earlier one does.
        h.keep(&big(0), &big(1), &big(3), &big(0));
        h.keep(&big(10), &big(-1), &big(9), &big(0));
        assert_eq!(h.limit().map(|t| t.to_q().to_string()), Some("1".into()));
        assert!(h.active());
    }

    #[test]
    fn lines_that_part_or_stay_parallel_do_not() {
        let mut h = horizon();
        h.keep(&big(1), &big(0), &big(5), &big(1));
        h.keep(&big(7), &big(3), &big(5), &big(3));
        h.keep(&big(5), &big(3), &big(5), &big(3));
        assert!(h.limit().is_none());
    }

    #[test]
    fn a_tie_that_breaks_at_once_ends_recording() {
        let mut h = horizon();
        h.keep(&big(4), &big(1), &big(4), &big(2));
        assert_eq!(h.limit().map(|t| t.to_q().to_string()), Some("0".into()));
        assert!(!h.active());
    }

    #[test]
    fn fractions_compare_by_cross_multiplication() {
        let mut h = horizon();
        // (1 + t)/2 against (3 + 0t)/4: they meet at t = 1/2.
        let a = Frac::new(big(1), big(2));
        let b = Frac::new(big(3), big(4));
        h.keep_fracs(&a, &big(1), &b, &big(0));
        assert_eq!(h.limit().map(|t| t.to_q().to_string()), Some("1/2".into()));
        // Falling (−t) below a value that rises cannot meet it.
        let mut h = horizon();
        h.keep_fracs(&a, &big(-1), &b, &big(1));
        assert!(h.limit().is_none());
    }
}
