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
//! bound could reach the pick's ρ, or some dropped candidate could come back (see the ghosts
//! below). Below the least of those every comparison the run made goes the same way; the picks,
//! in order, are the same. The comparisons are semantic (which candidate has the least ρ, which cannot be
//! afforded), so the proof does not depend on the order the run examined candidates in.
//!
//! Three refinements make the horizon long enough to matter on a city's budget:
//!
//! - **A reach.** What a voter keeps, max(0, a + b·t), is convex in t, so over [0, T] it lies
//!   below the chord between t = 0 and t = T. A voter who paid all it had stays at nothing
//!   unless its bound passes the payment before T, where the bound valid for every t would
//!   have it gain money at once. The run is told T (`Track::reach`) and reports at most T; the
//!   completion doubles T while runs reach it.
//! - **A bending upper bound of the pick's ρ.** The water level of the lower bounds of its
//!   supporters' money is exact for that money at every t: a line until a capped supporter's
//!   money reaches its payment, then a flatter line, and so on (convex, piecewise linear). Past
//!   the last piece computed it stays at most its value there. Competitors are compared with
//!   each piece ([`meeting`]).
//! - **Dropped candidates as ghosts.** A candidate its supporters cannot afford is dropped; the
//!   bound of their money may reach its cost at some t, but a candidate that has only just
//!   become affordable is dear: everyone pays all it has. So from that t on, its ρ is bounded
//!   from below by the water level of its supporters' money bounds, and it can only change the
//!   picks where that level falls to a later pick's ρ ([`first_fill`] finds where, the pick's ρ
//!   being at most its path's value at that t, [`value_at`]), or where it becomes affordable
//!   after the last pick. The bounds are taken again, from the money then, in a later round in
//!   which the older ones would limit the horizon.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::frac::{Frac, MARGIN, ROUNDING};

/// One line of a piecewise-linear function of t: (w.n + w1·t) / w.d on [from, to).
pub(crate) struct Piece {
    pub(crate) from: Frac,
    pub(crate) to: Option<Frac>,
    pub(crate) w: Frac,
    pub(crate) w1: BigInt,
}

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

    /// Whether a limit at `t` would lower the horizon the caller still cares about.
    pub(crate) fn would_lower(&self, t: &Frac) -> bool {
        !self.done
            && self
                .t
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

/// One term of Σ count·min(now + rise·t, cap): what a bucket of voters can pay when the level
/// is capped, as its money grows with t.
pub(crate) struct Term {
    pub(crate) now: BigInt,
    pub(crate) rise: BigInt,
    pub(crate) cap: BigInt,
    pub(crate) count: u64,
}

/// The least t ≥ 0 with Σ count·min(now + rise·t, cap) ≥ target (rise ≥ 0), or `None`. The sum
/// is concave and piecewise linear in t; it is swept in order of the t where each term reaches
/// its cap.
pub(crate) fn first_fill(terms: &[Term], target: &BigInt) -> Option<Frac> {
    let mut base = BigInt::zero();
    let mut slope = BigInt::zero();
    let mut bends: Vec<(Frac, &Term)> = Vec::new();
    for term in terms {
        if term.now >= term.cap {
            base += &term.cap * term.count;
            continue;
        }
        base += &term.now * term.count;
        if term.rise.is_positive() {
            slope += &term.rise * term.count;
            bends.push((Frac::new(&term.cap - &term.now, term.rise.clone()), term));
        }
    }
    bends.sort_by(|a, b| a.0.cmp(&b.0));
    let mut from = Frac::new(BigInt::zero(), BigInt::from(1));
    for (tau, term) in bends {
        // On [from, tau) the sum is base + slope·t.
        if let Some(t) = first_at_least(&base, &slope, target, &from, Some(&tau)) {
            return Some(t);
        }
        // From tau on the term is its cap.
        base += (&term.cap - &term.now) * term.count;
        slope -= &term.rise * term.count;
        from = tau;
    }
    first_at_least(&base, &slope, target, &from, None)
}

/// The least t in [from, to) with base + slope·t ≥ target.
fn first_at_least(
    base: &BigInt,
    slope: &BigInt,
    target: &BigInt,
    from: &Frac,
    to: Option<&Frac>,
) -> Option<Frac> {
    if base * &from.d + slope * &from.n >= target * &from.d {
        return Some(from.clone());
    }
    if !slope.is_positive() {
        return None;
    }
    let t = Frac::new(target - base, slope.clone());
    to.is_none_or(|to| t.cmp(to) == Ordering::Less).then_some(t)
}

/// The value at `t` of the piecewise-linear function given by `pieces` (the last piece runs on).
pub(crate) fn value_at(pieces: &[Piece], t: &Frac) -> Frac {
    let p = pieces
        .iter()
        .find(|p| p.to.as_ref().is_none_or(|to| t.cmp(to) == Ordering::Less))
        .or(pieces.last());
    match p {
        Some(p) => Frac::new(&p.w.n * &t.d + &p.w1 * &t.n, &p.w.d * &t.d),
        None => Frac::new(BigInt::zero(), BigInt::from(1)),
    }
}

/// The least t ≥ 0 at which the line (a.n + a1·t) / a.d may stop being above a non-increasing
/// function given by `pieces`, each a line on [from, to) (to = the next piece's from; the last
/// one runs on). `None` if it stays above.
pub(crate) fn meeting(a: &Frac, a1: &BigInt, pieces: &[Piece]) -> Option<Frac> {
    for p in pieces {
        let t = match a.cmp(&p.w) {
            // Above at t = 0: the first meeting, not before the piece starts.
            Ordering::Greater => crossing_fracs(a, a1, &p.w, &p.w1).map(|t| {
                if t.cmp(&p.from) == Ordering::Less {
                    p.from.clone()
                } else {
                    t
                }
            }),
            // Below at t = 0, the line is above only after it meets the piece.
            Ordering::Less => match crossing_fracs(a, a1, &p.w, &p.w1) {
                Some(t) if t.cmp(&p.from) == Ordering::Less => None,
                _ => Some(p.from.clone()),
            },
            // Equal at t = 0: the slopes decide. On the first piece an equal ρ is a tie the
            // run already broke by id, which stays broken while the lines coincide.
            Ordering::Equal => match (a1 * &p.w.d).cmp(&(&p.w1 * &a.d)) {
                Ordering::Less => Some(p.from.clone()),
                Ordering::Equal if !p.from.n.is_zero() => Some(p.from.clone()),
                _ => None,
            },
        };
        if let Some(t) = t
            && p.to.as_ref().is_none_or(|to| t.cmp(to) == Ordering::Less)
        {
            return Some(t);
        }
    }
    None
}

/// The least t ≥ 0 at which a0 + a1·t and b0 + b1·t stop comparing as they do at t = 0: where
/// they meet, or 0 when they are equal now and part at once. `None` if that never happens.
pub(crate) fn crossing(a0: &BigInt, a1: &BigInt, b0: &BigInt, b1: &BigInt) -> Option<Frac> {
    match a0.cmp(b0) {
        Ordering::Equal => (a1 != b1).then(|| Frac::new(BigInt::zero(), BigInt::from(1))),
        Ordering::Less => (a1 > b1).then(|| Frac::new(b0 - a0, a1 - b1)),
        Ordering::Greater => (a1 < b1).then(|| Frac::new(a0 - b0, b1 - a1)),
    }
}

/// Bounds (lo, hi) of where a capped bucket's money meets its payment in the pick's upper
/// path, from floats: `a` is the bucket's [money, lower slope, weight], `line` the path's
/// [need0, need1, s, from] (amounts over the unit). The exact t is max(from, (need0·w − money·s)
/// / (lslope·s − need1·w)), or never when the denominator is not positive; unknown parts give
/// −∞ or +∞.
pub(crate) fn crossing_span(a: &[f64; 3], line: &[f64; 4]) -> (f64, f64) {
    // Generous against the few roundings of each product: bounds never exclude the exact t.
    let [val, lsl, w] = *a;
    let [n0, n1, s, from] = *line;
    let (p, q) = (n0 * w, val * s);
    let (r, m) = (lsl * s, n1 * w);
    let (num, den) = (p - q, r - m);
    let (en, ed) = (
        ROUNDING * (p.abs() + q.abs()),
        ROUNDING * (r.abs() + m.abs()),
    );
    if ![num, den, en, ed, from].iter().all(|x| x.is_finite()) {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    let (lo, hi) = if num + en < 0.0 {
        (from, from)
    } else if den - ed > 0.0 {
        let lo = if num - en > 0.0 {
            ((num - en) / (den + ed)).max(from)
        } else {
            from
        };
        (lo, ((num + en) / (den - ed)).max(from))
    } else {
        (from, f64::INFINITY)
    };
    (lo * (1.0 - MARGIN) - MARGIN, hi * (1.0 + MARGIN) + MARGIN)
}

/// Whether the line (a.n + a1·t) / a.d surely stays above `top` for t in [0, limit], by floats
/// with a wide margin (`false` when unsure); `slope` is a1 / a.d as a float. A path whose first
/// value is `top` never rises, so such a line cannot meet it before `limit`.
pub(crate) fn surely_above(a: &Frac, slope: f64, limit: f64, top: f64) -> bool {
    let start = a.to_f64();
    let rise = slope * limit;
    let low = start.min(start + rise);
    // The floats' own error grows with the terms, which may nearly cancel.
    let err = ROUNDING * (start.abs() + rise.abs());
    low.is_finite() && top.is_finite() && low > top * (1.0 + MARGIN) + err + f64::MIN_POSITIVE
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

    fn piece(from: (i64, i64), to: Option<(i64, i64)>, w: (i64, i64), w1: i64) -> Piece {
        Piece {
            from: Frac::new(big(from.0), big(from.1)),
            to: to.map(|t| Frac::new(big(t.0), big(t.1))),
            w: Frac::new(big(w.0), big(w.1)),
            w1: big(w1),
        }
    }

    #[test]
    fn a_line_above_a_convex_path_meets_it_on_the_piece_where_it_crosses() {
        // w(t) = 8 − 3t on [0, 1), then 6 − t on [1, 3), then flat at 3.
        let path = [
            piece((0, 1), Some((1, 1)), (8, 1), -3),
            piece((1, 1), Some((3, 1)), (6, 1), -1),
            piece((3, 1), None, (3, 1), 0),
        ];
        let limit = |a: i64, a1: i64| {
            meeting(&Frac::new(big(a), big(1)), &big(a1), &path).map(|t| t.to_q().to_string())
        };
        // 10 − t stays above all three pieces until it meets the flat level at t = 7.
        assert_eq!(limit(10, -1), Some("7".into()));
        // 9 − 2t meets the line of the second piece at t = 3, where that piece ends, and the
        // flat third piece there too.
        assert_eq!(limit(9, -2), Some("3".into()));
        // 10 − 4t meets the first line at t = 2, past the end of its piece, and the second
        // at t = 4/3, within it.
        assert_eq!(limit(10, -4), Some("4/3".into()));
        // A line that rises never meets it.
        assert_eq!(limit(9, 1), None);
    }

    #[test]
    fn an_equal_start_is_decided_by_the_slopes() {
        let path = [piece((0, 1), None, (5, 1), -1)];
        let limit = |a1: i64| {
            meeting(&Frac::new(big(5), big(1)), &big(a1), &path).map(|t| t.to_q().to_string())
        };
        assert_eq!(limit(-2), Some("0".into()));
        assert_eq!(limit(-1), None);
        assert_eq!(limit(0), None);
    }

    #[test]
    fn the_float_span_holds_the_exact_crossing() {
        // (need0, need1, s, money, lslope, weight, from): money + lslope·t meets
        // (need0 + need1·t)·w/s, as `crossing` finds it exactly.
        let cases: [(i64, i64, i64, i64, i64, i64, f64); 5] = [
            (300, -20, 10, 7, 1, 1, 0.0),
            (300, -20, 10, 29, 1, 1, 0.0),
            (300, -20, 10, 29, 1, 1, 2.5),
            (1_000_000_007, -3, 999_983, 1, 0, 2, 0.0),
            (50, 0, 10, 4, 0, 1, 0.0),
        ];
        for (n0, n1, s, v, l, w, from) in cases {
            let span = crossing_span(
                &[v as f64, l as f64, w as f64],
                &[n0 as f64, n1 as f64, s as f64, from],
            );
            let exact = crossing(&big(v * s), &big(l * s), &big(n0 * w), &big(n1 * w))
                .map(|t| t.to_q().to_f64().max(from));
            match exact {
                Some(t) => assert!(span.0 <= t && t <= span.1, "{t} outside {span:?}"),
                None => assert!(span.1.is_infinite(), "no crossing, yet {span:?}"),
            }
        }
        // A crossing that is certainly later than another is told apart.
        let early = crossing_span(&[7.0, 1.0, 1.0], &[300.0, -20.0, 10.0, 0.0]);
        let late = crossing_span(&[1.0, 1.0, 1.0], &[300.0, -20.0, 10.0, 0.0]);
        assert!(late.0 > early.1);
    }

    #[test]
    fn a_line_is_surely_above_only_with_room_to_spare() {
        // (10 − t)/2 over [0, 4] stays at 3 or more.
        let a = Frac::new(big(10), big(2));
        assert!(surely_above(&a, -0.5, 4.0, 2.9));
        assert!(!surely_above(&a, -0.5, 4.0, 3.0));
        assert!(!surely_above(&a, -0.5, 6.0, 2.9));
        // A rising line is lowest at the start.
        assert!(surely_above(&a, 0.5, 4.0, 4.9));
        assert!(!surely_above(&a, 0.5, 4.0, 5.0));
    }

    #[test]
    fn a_path_is_read_on_the_piece_that_holds_t() {
        let path = [
            piece((0, 1), Some((1, 1)), (8, 1), -3),
            piece((1, 1), None, (6, 1), -1),
        ];
        let at = |n: i64, d: i64| {
            value_at(&path, &Frac::new(big(n), big(d)))
                .to_q()
                .to_string()
        };
        assert_eq!(at(1, 2), "13/2");
        assert_eq!(at(1, 1), "5");
        assert_eq!(at(4, 1), "2");
    }

    fn term(now: i64, rise: i64, cap: i64, count: u64) -> Term {
        Term {
            now: big(now),
            rise: big(rise),
            cap: big(cap),
            count,
        }
    }

    #[test]
    fn capped_terms_fill_the_target_where_the_concave_sum_reaches_it() {
        // 2·min(1 + t, 3) + min(2t, 2): 2 + 4t until t = 1, 4 + 2t until t = 2, then 8.
        let terms = [term(1, 1, 3, 2), term(0, 2, 2, 1)];
        let fill = |target: i64| first_fill(&terms, &big(target)).map(|t| t.to_q().to_string());
        assert_eq!(fill(2), Some("0".into()));
        assert_eq!(fill(4), Some("1/2".into()));
        assert_eq!(fill(6), Some("1".into()));
        assert_eq!(fill(7), Some("3/2".into()));
        assert_eq!(fill(8), Some("2".into()));
        assert_eq!(fill(9), None);
        // A term at its cap already counts its cap and never moves.
        assert!(first_fill(&[term(5, 1, 4, 1)], &big(5)).is_none());
    }

    #[test]
    fn a_line_below_a_later_piece_at_its_start_limits_there() {
        // A live competitor never starts below the pick; the bound is kept safe if one did.
        let path = [piece((0, 1), None, (5, 1), -1)];
        let t = meeting(&Frac::new(big(4), big(1)), &big(0), &path);
        assert_eq!(t.map(|t| t.to_q().to_string()), Some("0".into()));
    }
}
