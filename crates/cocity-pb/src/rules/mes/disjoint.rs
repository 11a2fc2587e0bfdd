//! Runs where no voter supports two candidates and each candidate gives all its supporters one
//! utility (choose-1 ballots, most often).
//!
//! Buying a project then takes money only from voters who support nothing else, so no purchase
//! changes another candidate's ρ; and while the supporters of candidate c all hold the share b,
//! c is affordable exactly when b ≥ cost / supporters, at ρ = cost / (supporters · u), whatever
//! b is. A run therefore buys the candidates with b at or above that threshold, in order of
//! (ρ, id as text), the order in which the rounds would pick them: the order is sorted once per
//! count, and a run only compares the share with each threshold.

use super::*;

/// What the shortcut needs of a [`Setup`], computed once.
pub(super) struct Shortcut {
    /// Candidates in order of (ρ, id as text).
    order: Vec<usize>,
    /// Per candidate, its ρ when affordable.
    rho: Vec<Frac>,
    /// Per candidate, the least share at which it is affordable: cost / supporters.
    from: Vec<Q>,
}

impl Shortcut {
    /// The shortcut for `setup`'s candidates, when their supporters are disjoint (no group
    /// supports two) and every candidate has one utility; `None` otherwise.
    pub(super) fn new(setup: &Setup, disjoint: bool) -> Option<Shortcut> {
        if !disjoint || setup.scaled.iter().any(|s| s.len() > 1) {
            return None;
        }
        let n = setup.n_cands();
        let mut rho = Vec::with_capacity(n);
        let mut from = Vec::with_capacity(n);
        for ci in 0..n {
            let cost = setup.cost_big.get(ci)?;
            let supporters = *setup.supporters.get(ci)?;
            let (un, ud) = setup.uniform_util.get(ci)?;
            let voters = BigInt::from(supporters);
            rho.push(Frac::new(cost.numer() * ud, cost.denom() * &voters * un));
            from.push(setup.cand_cost(ci).div(&Q::int(i128::from(supporters)))?);
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &c| match (rho.get(a), rho.get(c)) {
            (Some(x), Some(y)) => x
                .cmp(y)
                .then_with(|| setup.rank.get(a).cmp(&setup.rank.get(c))),
            _ => Ordering::Equal,
        });
        Some(Shortcut { order, rho, from })
    }
}

/// One run with per-voter share `b` by the shortcut.
///
/// With `track`, [`Run::stable_for`] is exact: the picks stay the same, in the same order, until
/// the share reaches the next threshold above it.
pub(super) fn run(setup: &Setup, short: &Shortcut, b: &Q, track: bool) -> Run {
    let mut picks = Vec::new();
    let mut spent = Q::ZERO;
    let mut next: Option<&Q> = None;
    for &ci in &short.order {
        let (Some(from), Some(rho)) = (short.from.get(ci), short.rho.get(ci)) else {
            continue;
        };
        if from > b {
            next = Some(next.map_or(from, |q| q.min(from)));
            continue;
        }
        let (Some(cost), Some(&payers)) = (setup.cost_big.get(ci), setup.supporters.get(ci)) else {
            continue;
        };
        // Every supporter pays cost / supporters.
        picks.push(Pick {
            ci,
            rho: rho.clone(),
            payers,
            min_pay: cost.numer().clone(),
            max_pay: cost.numer().clone(),
            total_pay: cost.numer() * payers,
            unit: cost.denom() * payers,
        });
        spent = spent.add(setup.cand_cost(ci));
    }
    Run {
        b: b.clone(),
        picks,
        cost: spent,
        held: Held::Shares,
        stable_for: next.filter(|_| track).map(|from| from.sub(b)),
        round_limits: Vec::new(),
    }
}
