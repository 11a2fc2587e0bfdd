//! How far the per-voter share can grow before a run of Equal Shares could go differently.
//!
//! The `add1` completions re-run Equal Shares with shares b, b + 1, b + 2, … and pabutools
//! makes every one of those runs: tens of thousands on a city's budget, for a few dozen
//! distinct outcomes. A run at share b can prove that the shares b + t, for t below some
//! horizon, give the same picks, so that the completion skips them. The proof rests on three
//! facts about shares that give the same picks up to a round:
//!
//! 1. every voter's money at that round only grows with t, so every ρ only falls; the pick's ρ
//!    at share b is thus an upper bound of its ρ at b + t;
//! 2. for any split of a project's supporters into C and the rest,
//!    ρ ≥ (cost − Σ_C money) / Σ_rest count·u, because each min(money, ρ·u) is at most either
//!    term. Taking the split the water-filling found at b gives a lower bound of ρ that is
//!    exact at t = 0 and affine in t when the money is bounded by affine functions;
//! 3. what a voter keeps, max(0, money − ρ·u), is bounded by that same expression with the
//!    bounds of facts 2 and 3 put in, and again by an affine function exact at t = 0.
//!
//! So each voter's money carries an affine upper bound along the run, each candidate an affine
//! lower bound of its ρ, and the run records the first t at which some other candidate's lower
//! bound could reach the pick's ρ. Below the least of those every comparison the run made goes
//! the same way; the picks, in order, are the same. The comparisons are semantic (which
//! candidate has the least ρ, which cannot be afforded), so the proof does not depend on the
//! order the run examined candidates in.
//!
//! Two refinements make the horizon long enough to matter on a city's budget:
//!
//! - **A reach.** What a voter keeps, max(0, a + b·t), is convex in t, so over [0, T] it lies
//!   below the chord between t = 0 and t = T. A voter who paid all it had stays at nothing
//!   unless its bound passes the payment before T, where the bound valid for every t would
//!   have it gain money at once. The run is told T (`Track::reach`) and reports at most T; the
//!   completion doubles T while runs reach it.
//! - **Dropped candidates.** A candidate found unaffordable can change the picks only if, at
//!   some larger share, it is affordable *and* either below some later pick's ρ or affordable
//!   after the last pick. Its limit is the later of the first t at which its supporters could
//!   afford it and the first of those crossings, with a lower bound of its ρ from the split
//!   "the richest bucket pays ρ·u, the others all they have" (fact 2).

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
        if let Some(t) = crossing(a0, a1, b0, b1) {
            self.at(t);
        }
    }

    /// Records that the line (a.n + a1·t) / a.d must keep its side of w, a non-increasing
    /// function that follows the line (w.n + w1·t) / w.d up to `bend` and is known only to stay
    /// at or below its value there after it.
    pub(crate) fn keep_above_falling(
        &mut self,
        a: &Frac,
        a1: &BigInt,
        w: &Frac,
        w1: &BigInt,
        bend: Option<&Frac>,
    ) {
        if self.done {
            return;
        }
        let t = crossing_fracs(a, a1, w, w1);
        let Some(bend) = bend else {
            if let Some(t) = t {
                self.at(t);
            }
            return;
        };
        if let Some(t) = t.filter(|t| t.cmp(bend) != Ordering::Greater) {
            self.at(t);
            return;
        }
        // Beyond the bend, w is below its value there: the line must stay above that level
        // (it is above it up to the bend, where w is at least that level).
        let level = Frac::new(&w.n * &bend.d + w1 * &bend.n, &w.d * &bend.d);
        if let Some(t) = crossing_fracs(a, a1, &level, &BigInt::zero()) {
            self.at(t);
        }
    }

    /// Whether `t` comes before the limit found so far.
    pub(crate) fn before(&self, t: &Frac) -> bool {
        self.t
            .as_ref()
            .is_none_or(|cur| t.cmp(cur) == Ordering::Less)
    }

    /// Limits the horizon to `t` (≥ 0).
    pub(crate) fn at(&mut self, t: Frac) {
        if self
            .t
            .as_ref()
            .is_none_or(|cur| t.cmp(cur) == Ordering::Less)
        {
            if t.cmp(&self.enough) != Ordering::Greater {
                self.done = true;
            }
            self.t = Some(t);
        }
    }
}

/// The least t ≥ 0 at which a0 + a1·t and b0 + b1·t stop comparing as they do at t = 0: where
/// they meet, or 0 when they are equal now and part at once. `None` if that never happens.
fn crossing(a0: &BigInt, a1: &BigInt, b0: &BigInt, b1: &BigInt) -> Option<Frac> {
    match a0.cmp(b0) {
        Ordering::Equal => (a1 != b1).then(|| Frac::new(BigInt::zero(), BigInt::from(1))),
        Ordering::Less => (a1 > b1).then(|| Frac::new(b0 - a0, a1 - b1)),
        Ordering::Greater => (a1 < b1).then(|| Frac::new(a0 - b0, b1 - a1)),
    }
}

/// [`crossing`] for (a.n + a1·t) / a.d against (b.n + b1·t) / b.d.
fn crossing_fracs(a: &Frac, a1: &BigInt, b: &Frac, b1: &BigInt) -> Option<Frac> {
    // Slopes that only widen the gap need no multiplication.
    let widening = match a.cmp(b) {
        Ordering::Less => !a1.is_positive() && !b1.is_negative(),
        Ordering::Greater => !a1.is_negative() && !b1.is_positive(),
        Ordering::Equal => false,
    };
    if widening {
        return None;
    }
    crossing(&(&a.n * &b.d), &(a1 * &b.d), &(&b.n * &a.d), &(b1 * &a.d))
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
        // (1 + t)/2 against (3 + 0t)/4: they meet at t = 1/2.
        let a = Frac::new(big(1), big(2));
        let b = Frac::new(big(3), big(4));
        let t = crossing_fracs(&a, &big(1), &b, &big(0));
        assert_eq!(t.map(|t| t.to_q().to_string()), Some("1/2".into()));
        // Falling (−t) below a value that rises cannot meet it.
        assert!(crossing_fracs(&a, &big(-1), &b, &big(1)).is_none());
    }

    #[test]
    fn a_line_above_a_bending_function_meets_its_level_after_the_bend() {
        let one = big(1);
        // a(t) = 10 − t; w(t) = 8 − 3t up to t = 1, then at most 5.
        let a = Frac::new(big(10), one.clone());
        let w = Frac::new(big(8), one.clone());
        let mut h = horizon();
        h.keep_above_falling(
            &a,
            &big(-1),
            &w,
            &big(-3),
            Some(&Frac::new(one.clone(), one.clone())),
        );
        assert_eq!(h.limit().map(|t| t.to_q().to_string()), Some("5".into()));
        // Without the bend, the two lines never meet (w falls faster).
        let mut h = horizon();
        h.keep_above_falling(&a, &big(-1), &w, &big(-3), None);
        assert!(h.limit().is_none());
        // A line that meets w before the bend stops there: 10 − 4t = 8 − 3t at t = 2.
        let mut h = horizon();
        h.keep_above_falling(&a, &big(-4), &w, &big(-3), Some(&Frac::new(big(3), one)));
        assert_eq!(h.limit().map(|t| t.to_q().to_string()), Some("2".into()));
    }
}
