//! One run of the Method of Equal Shares (pabutools `mes_inner_algo`, PB-SEMANTICS §4.2–4.3).
//!
//! Every voter starts with the same share b. In each round the candidate with the smallest ρ is
//! bought, where ρ is the least value with Σ_{supporters i} min(bᵢ, ρ·uᵢ) ≥ cost; each
//! supporter pays min(bᵢ, ρ·uᵢ). Ties on exactly equal ρ go to the smaller id as text.
//!
//! Speed comes from three facts, none of which changes the outcome:
//! - voters with identical ballots always hold the same money, so they are one group with a
//!   multiplicity ([`SatProfile`]);
//! - a voter's money depends only on what it paid, so few distinct amounts exist at any time:
//!   each group points to a *budget class* (an interned exact amount), and evaluating ρ sorts
//!   the few classes among a project's supporters instead of the supporters themselves;
//! - candidates are examined in order of their last ρ, a lower bound of the current one, and
//!   the round stops examining once the bound exceeds the best ρ found (pabutools' order).
//!
//! When no voter supports two candidates (choose-1 ballots), no purchase changes another
//! candidate's ρ, and a run takes the shortcut of [`disjoint`] instead of rounds.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::explain::PaymentSummary;
use crate::model::Money;
use crate::numeric::{Q, ratio_to_f64};
use crate::satisfaction::SatProfile;

use super::Ctx;
use accum::Accum;
use disjoint::Shortcut;
use fill::{
    Bucket, Eval, Scratch, evaluate, gather_sorted, rho_frac, slope_sum, upper_path, weight, zero,
};
use frac::Frac;
use ghost::{Ghost, Threat, keep_unaffordable};
use horizon::{Horizon, Piece};
use pay::pay;
pub(crate) use pay::replay_payments;
use state::State;

mod accum;
mod disjoint;
mod fill;
mod frac;
mod ghost;
mod horizon;
mod pay;
mod state;

/// What does not change between runs with different shares.
pub(crate) struct Setup {
    /// Candidate projects: positive total satisfaction and positive cost.
    pub cands: Vec<usize>,
    /// Supported projects of cost 0, funded up front, ordered by id as text.
    pub free: Vec<usize>,
    sup_start: Vec<u32>,
    /// (group, local utility index, voters in the group) of each candidate's supporters
    /// (utility > 0); the voters are kept here so that the hot loops read them in order.
    sup: Vec<(u32, u32, u64)>,
    /// Per candidate, its supporters' distinct utilities times `scale`, as integers; one entry
    /// when all supporters get the same utility.
    scaled: Vec<Vec<BigInt>>,
    /// Per candidate, the lcm of its utilities' denominators.
    scale: Vec<BigInt>,
    /// Per candidate, its first utility as (numerator, denominator): the utility of every
    /// supporter when `scaled` has one entry.
    uniform_util: Vec<(BigInt, BigInt)>,
    init_bound: Vec<Frac>,
    cost: Vec<Q>,
    cost_big: Vec<Money>,
    /// The lcm of the candidates' cost denominators.
    cost_denoms: BigInt,
    rank: Vec<u32>,
    /// Voters (with multiplicity) among each candidate's supporters.
    pub supporters: Vec<u64>,
    /// Set when runs can take the shortcut for disjoint supporters.
    shortcut: Option<Shortcut>,
}

impl Setup {
    pub fn build(ctx: &Ctx<'_>) -> Setup {
        let sp = &ctx.sp;
        let n = ctx.n_projects();
        let total = sp.utility_totals(n, true);
        let mut count = vec![0u32; n];
        for g in 0..sp.n_groups() {
            for &(p, u) in sp.items(g) {
                if sp.util(u).is_positive()
                    && let Some(c) = count.get_mut(p as usize)
                {
                    *c += 1;
                }
            }
        }
        let mut cand_of = vec![u32::MAX; n];
        let mut cands = Vec::new();
        let mut free = Vec::new();
        for p in 0..n {
            let t = total.get(p).cloned().unwrap_or(Q::ZERO);
            if t.is_positive() {
                if ctx.cost(p).is_positive() {
                    if let Some(c) = cand_of.get_mut(p) {
                        *c = cands.len() as u32;
                    }
                    cands.push(p);
                } else {
                    free.push(p);
                }
            }
        }
        // pabutools appends free supported projects in hash-set order, which changes from one
        // Python process to the next; the id order is the deterministic choice.
        free.sort_by_key(|&p| ctx.rank(p));

        let mut sup_start = vec![0u32; cands.len() + 1];
        for (ci, &p) in cands.iter().enumerate() {
            let c = count.get(p).copied().unwrap_or(0);
            let prev = sup_start.get(ci).copied().unwrap_or(0);
            if let Some(s) = sup_start.get_mut(ci + 1) {
                *s = prev + c;
            }
        }
        let mut fill: Vec<u32> = sup_start.clone();
        let mut sup = vec![(0u32, 0u32, 0u64); sup_start.last().copied().unwrap_or(0) as usize];
        let mut supporters = vec![0u64; cands.len()];
        // Per candidate: global utility id → local index.
        let mut local: Vec<Vec<u32>> = vec![Vec::new(); cands.len()];
        for g in 0..sp.n_groups() {
            let m = sp.mult.get(g).copied().unwrap_or(0);
            for &(p, u) in sp.items(g) {
                let ci = cand_of.get(p as usize).copied().unwrap_or(u32::MAX) as usize;
                if ci >= cands.len() || !sp.util(u).is_positive() {
                    continue;
                }
                let Some(ids) = local.get_mut(ci) else {
                    continue;
                };
                let k = match ids.iter().position(|&x| x == u) {
                    Some(k) => k,
                    None => {
                        ids.push(u);
                        ids.len() - 1
                    }
                };
                if let Some(slot) = fill.get_mut(ci) {
                    if let Some(s) = sup.get_mut(*slot as usize) {
                        *s = (g as u32, k as u32, m);
                    }
                    *slot += 1;
                }
                if let Some(s) = supporters.get_mut(ci) {
                    *s += m;
                }
            }
        }
        let mut scaled = Vec::with_capacity(cands.len());
        let mut scale = Vec::with_capacity(cands.len());
        let mut uniform_util = Vec::with_capacity(cands.len());
        for ids in &local {
            let utils: Vec<Money> = ids.iter().map(|&u| sp.util(u).to_big()).collect();
            let l = utils
                .iter()
                .fold(BigInt::one(), |acc, u| acc.lcm(u.denom()));
            scaled.push(
                utils
                    .iter()
                    .map(|u| (u * Money::from_integer(l.clone())).to_integer())
                    .collect(),
            );
            scale.push(l);
            uniform_util.push(
                utils
                    .first()
                    .map(|u| (u.numer().clone(), u.denom().clone()))
                    .unwrap_or((BigInt::one(), BigInt::one())),
            );
        }
        let disjoint = (0..sp.n_groups()).all(|g| {
            sp.items(g)
                .iter()
                .filter(|&&(p, u)| {
                    cand_of.get(p as usize).is_some_and(|&c| c != u32::MAX)
                        && sp.util(u).is_positive()
                })
                .count()
                <= 1
        });
        let init_bound = cands
            .iter()
            .map(|&p| {
                let q = ctx
                    .cost(p)
                    .div(total.get(p).unwrap_or(&Q::ONE))
                    .unwrap_or(Q::ZERO);
                Frac::from_q(&q)
            })
            .collect();
        let mut setup = Setup {
            cost: cands.iter().map(|&p| ctx.cost(p).clone()).collect(),
            cost_denoms: cands.iter().fold(BigInt::one(), |acc, &p| {
                acc.lcm(ctx.cost(p).to_big().denom())
            }),
            cost_big: cands.iter().map(|&p| ctx.cost(p).to_big()).collect(),
            scaled,
            scale,
            uniform_util,
            rank: cands.iter().map(|&p| ctx.rank(p)).collect(),
            cands,
            free,
            sup_start,
            sup,
            init_bound,
            supporters,
            shortcut: None,
        };
        setup.shortcut = Shortcut::new(&setup, disjoint);
        setup
    }

    fn supporters_of(&self, ci: usize) -> &[(u32, u32, u64)] {
        let a = self.sup_start.get(ci).copied().unwrap_or(0) as usize;
        let b = self.sup_start.get(ci + 1).copied().unwrap_or(0) as usize;
        self.sup.get(a..b).unwrap_or(&[])
    }

    pub fn n_cands(&self) -> usize {
        self.cands.len()
    }

    pub fn cand_cost(&self, ci: usize) -> &Q {
        self.cost.get(ci).unwrap_or(&Q::ZERO)
    }
}

/// One bought project.
pub(crate) struct Pick {
    /// Candidate index.
    pub ci: usize,
    pub rho: Frac,
    pub payers: u64,
    /// The least, the largest and the total payment, in units of 1/`unit` (reduced only when
    /// a summary is asked for: most runs' picks are never explained).
    min_pay: BigInt,
    max_pay: BigInt,
    total_pay: BigInt,
    unit: BigInt,
}

impl Pick {
    pub fn summary(&self, supporters: u64) -> PaymentSummary {
        PaymentSummary {
            payers: self.payers,
            supporters,
            min: Money::new(self.min_pay.clone(), self.unit.clone()),
            max: Money::new(self.max_pay.clone(), self.unit.clone()),
            total: Money::new(self.total_pay.clone(), self.unit.clone()),
        }
    }
}

/// The result of one run.
pub(crate) struct Run {
    /// The per-voter share the run started with.
    pub b: Q,
    pub picks: Vec<Pick>,
    /// Σ cost of the picks.
    pub cost: Q,
    held: Held,
    /// When the run was asked to track it: every share in [b, b + t) gives the same picks.
    /// `None` when not tracked, or when no share above b changes anything.
    pub stable_for: Option<Q>,
    /// While tracking: after round r, every share in [b, b + H) gives the same first r + 1
    /// picks, for H the r-th entry (`None`: no limit found). Not increasing; it ends where the
    /// run stopped tracking.
    round_limits: Vec<Option<Frac>>,
}

impl Run {
    /// The outcome of a run that bought nothing (pabutools' starting "previous outcome").
    pub fn empty(b: &Q, n_groups: usize) -> Run {
        let b = b.to_big();
        Run {
            b: Q::from_money(&b),
            picks: Vec::new(),
            cost: Q::ZERO,
            held: Held::Classes {
                group_class: vec![1; n_groups],
                class_val: vec![BigInt::zero(), b.numer().clone()],
                class_epoch: vec![0, 0],
                factors: Vec::new(),
                unit: b.denom().clone(),
            },
            stable_for: None,
            round_limits: Vec::new(),
        }
    }

    /// The picks that a run at the larger share `next` (whose bounds will hold over `reach`) is
    /// sure to begin with: those of the rounds whose limit lies beyond `next`, with how far
    /// above `next` they stay sure.
    ///
    /// The next run's horizon can then go no further than that limit. Rounds are taken only
    /// while their limit is beyond `next` plus twice what this run proved (at most the reach):
    /// about what the next run can hope to prove, so the prefix saves work without costing runs.
    pub fn prefix_at(&self, next: &Q, reach: Option<&Q>) -> Option<Prefix> {
        let gap = next.sub(&self.b);
        let d = Frac::from_q(&gap);
        let margin = match (&self.stable_for, reach) {
            (Some(t), Some(r)) => Some(t.add(t).min(r.clone())),
            (Some(t), None) => Some(t.add(t)),
            (None, r) => r.cloned(),
        };
        // `None`: only rounds with no limit at all.
        let need = margin.map(|m| Frac::from_q(&gap.add(&m)));
        let k = self
            .round_limits
            .iter()
            .take_while(|h| match (h, &need) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(h), Some(need)) => h.cmp(need) == Ordering::Greater,
            })
            .count();
        if k == 0 {
            return None;
        }
        let limit = self
            .round_limits
            .get(k - 1)
            .and_then(Option::as_ref)
            .map(|h| Frac::new(&h.n * &d.d - &d.n * &h.d, &h.d * &d.d));
        Some(Prefix {
            cis: self.picks.iter().take(k).map(|p| p.ci).collect(),
            limit,
        })
    }

    /// The money the supporters of candidate `ci` held at the end of the run.
    pub fn supporters_money(&self, setup: &Setup, ci: usize) -> Money {
        match &self.held {
            Held::Classes {
                group_class,
                class_val,
                class_epoch,
                factors,
                unit,
            } => {
                // Summed by epoch, then each sum is brought to the final unit.
                let mut by_epoch: Vec<Accum> =
                    (0..=factors.len()).map(|_| Accum::default()).collect();
                for &(g, _, m) in setup.supporters_of(ci) {
                    let cls = group_class.get(g as usize).copied().unwrap_or(0) as usize;
                    let e = class_epoch.get(cls).copied().unwrap_or(0) as usize;
                    if let (Some(val), Some(sum)) = (class_val.get(cls), by_epoch.get_mut(e)) {
                        sum.add(val, m);
                    }
                }
                // Oldest first: each refinement multiplies what was summed before it.
                let mut total = BigInt::zero();
                for (e, sum) in by_epoch.iter_mut().enumerate() {
                    total += sum.take();
                    if let Some(f) = factors.get(e).filter(|_| !total.is_zero()) {
                        total *= f;
                    }
                }
                Money::new(total, unit.clone())
            }
            Held::Shares => {
                let voters = setup.supporters.get(ci).copied().unwrap_or(0);
                let held = self.b.mul_int(voters);
                let held = if self.picks.iter().any(|p| p.ci == ci) {
                    held.sub(setup.cand_cost(ci))
                } else {
                    held
                };
                held.to_big()
            }
        }
    }
}

/// What the voters hold at the end of a run.
enum Held {
    /// Each group's budget class, and the classes' amounts in units of 1/`unit` after the
    /// refinements `factors[class_epoch..]` (see [`State`]): most runs' money is never read, so
    /// it is not brought to the final unit when the run ends.
    Classes {
        group_class: Vec<u32>,
        class_val: Vec<BigInt>,
        class_epoch: Vec<u32>,
        factors: Vec<BigInt>,
        unit: BigInt,
    },
    /// A run of the [`disjoint`] shortcut: every voter holds the share, but the supporters of a
    /// bought candidate (one of the picks), who paid cost / supporters each.
    Shares,
}

/// The first picks of a run, proved by a run at a smaller share (see [`Run::prefix_at`]): the
/// run buys them without comparing candidates, evaluating only each pick for its price.
pub(crate) struct Prefix {
    cis: Vec<usize>,
    /// Every share in [b, b + limit) begins with these picks (`None`: no limit found).
    limit: Option<Frac>,
}

/// What a run is asked to prove about larger shares.
pub(crate) struct Track {
    /// A horizon at or below this is no use: the run reports it without looking further.
    pub enough: Q,
    /// How far to look: the bounds are only made to hold up to b + reach, which makes them
    /// tighter; the horizon reported is then at most `reach`. `None` looks arbitrarily far.
    pub reach: Option<Q>,
    /// Picks known before the run starts.
    pub prefix: Option<Prefix>,
}

/// One run with per-voter share `b`. With `track`, the run also finds how far the share can
/// grow with the same picks ([`Run::stable_for`]).
pub(crate) fn run(setup: &Setup, sp: &SatProfile, b: &Q, track: Option<&Track>) -> Run {
    if let Some(short) = &setup.shortcut {
        return disjoint::run(setup, short, b, track.is_some());
    }
    let b_big = b.to_big();
    let mut st = State::new(setup, &b_big, sp.n_groups(), track);
    let mut horizon = track.map(|t| {
        let mut h = Horizon::new(Frac::from_q(&t.enough));
        if let Some(r) = &t.reach {
            h.at(Frac::from_q(r));
        }
        h
    });
    let mut known = Known::new(setup, track.is_some());
    let mut ghosts: Vec<Ghost> = Vec::new();
    let mut live: Vec<usize> = (0..setup.n_cands()).collect();
    let mut keyed: Vec<(f64, usize)> = Vec::with_capacity(live.len());
    let mut scratch = Scratch {
        count: Vec::new(),
        touched: Vec::new(),
        pairs: Vec::new(),
        buckets: Vec::new(),
    };
    let mut picks = Vec::new();
    let mut spent = Q::ZERO;
    let mut round_limits = Vec::new();
    if let Some(prefix) = track.and_then(|t| t.prefix.as_ref()) {
        if let (Some(h), Some(limit)) = (horizon.as_mut(), &prefix.limit) {
            // The prefix's own proof covers its rounds, as far as this limit.
            h.at(limit.clone());
        }
        // Nothing else moves the horizon during the replay.
        if horizon.as_ref().is_some_and(|h| !h.active()) {
            st.stop_tracking();
        }
        for &ci in &prefix.cis {
            let Ok(ev) = evaluate(setup, &mut st, ci, &mut scratch) else {
                // The proof says it is bought: never reached. Count again from nothing if it is.
                let cold = track.map(|t| Track {
                    enough: t.enough.clone(),
                    reach: t.reach.clone(),
                    prefix: None,
                });
                return run(setup, sp, b, cold.as_ref());
            };
            let p = pay(setup, &mut st, ci, &ev);
            spent = spent.add(setup.cand_cost(ci));
            picks.push(p);
            live.retain(|&c| c != ci);
            if let Some(h) = horizon.as_ref().filter(|h| h.active()) {
                round_limits.push(h.limit().cloned());
            }
        }
    }
    loop {
        // Sorted by the bounds' floats: nearly equal bounds may be out of order, so the scan
        // below stops only at a bound surely above the best ρ, and steps over the others that
        // are above it. Exactly when some float is out of range.
        keyed.clear();
        keyed.extend(
            live.iter()
                .map(|&ci| (known.bound.get(ci).map_or(f64::NAN, Frac::to_f64), ci)),
        );
        let by_float = keyed.iter().all(|(key, _)| key.is_normal());
        if by_float {
            // Keys taken once per round: comparing them is all the sort does.
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0));
            live.clear();
            live.extend(keyed.iter().map(|&(_, ci)| ci));
        } else {
            live.sort_by(|&a, &c| match (known.bound.get(a), known.bound.get(c)) {
                (Some(x), Some(y)) => x.cmp(y),
                _ => Ordering::Equal,
            });
        }
        let mut best: Option<Frac> = None;
        let mut tied: Vec<usize> = Vec::new();
        let mut dead: Vec<usize> = Vec::new();
        for &ci in &live {
            if let (Some(best), Some(bd)) = (&best, known.bound.get(ci)) {
                // An unaffordable project met here would be dropped by pabutools first; leaving
                // it for later changes nothing, as it can never become affordable again.
                if bd.cmp(best) == Ordering::Greater {
                    if !by_float || bd.surely_above(best) {
                        break;
                    }
                    continue;
                }
            }
            let ev = match evaluate(setup, &mut st, ci, &mut scratch) {
                Ok(ev) => ev,
                Err(held) => {
                    dead.push(ci);
                    if let Some(h) = horizon.as_mut() {
                        ghosts.extend(keep_unaffordable(h, &st, ci, &held, &scratch.buckets));
                    }
                    continue;
                }
            };
            match best.as_ref().map(|bst| ev.rho.cmp(bst)) {
                Some(Ordering::Greater) => {}
                Some(Ordering::Equal) => tied.push(ci),
                _ => {
                    best = Some(ev.rho.clone());
                    tied.clear();
                    tied.push(ci);
                }
            }
            known.record(ci, ev, picks.len());
        }
        if !dead.is_empty() {
            live.retain(|ci| !dead.contains(ci));
            dead.clear();
        }
        let Some(&pick) = tied.iter().min_by_key(|&&ci| setup.rank.get(ci).copied()) else {
            break;
        };
        let Some(ev) = known.evals.get_mut(pick).and_then(Option::take) else {
            break;
        };
        if let Some(h) = horizon.as_mut().filter(|h| h.active()) {
            // Every other candidate must stay above the pick's ρ. Each holds a lower bound of
            // its ρ, from this round or an earlier one (money only falls within a run, so an
            // earlier ρ is at most the current one); the pick's ρ is bounded above (see
            // `upper_path`).
            gather_sorted(setup, &mut st, pick, &mut scratch);
            let path = upper_path(setup, &mut st, pick, &ev, &scratch.buckets);
            let round = picks.len();
            let zero = BigInt::zero();
            let limit = h.limit().map(Frac::to_f64);
            let top = path.first().map(|p| p.w.to_f64());
            let mut meets: Vec<(Frac, usize)> = live
                .iter()
                .filter(|&&ci| ci != pick)
                .filter_map(|&ci| {
                    let bd = known.bound.get(ci)?;
                    let b1 = known.bound1.get(ci).unwrap_or(&zero);
                    let slope = known.slope_f.get(ci).copied().unwrap_or(f64::NAN);
                    if let (Some(limit), Some(top)) = (limit, top)
                        && horizon::surely_above(bd, slope, limit, top)
                    {
                        return None;
                    }
                    horizon::meeting(bd, b1, &path)
                        .filter(|t| h.would_lower(t))
                        .map(|t| (t, ci))
                })
                .collect();
            meets.sort_by(|x, y| x.0.cmp(&y.0));
            // Only the earliest meetings can limit the horizon. A bound from an earlier round
            // is weaker than the candidate's ρ now, and following it alone would let the run
            // after this one creep towards a meeting that never happens: such a candidate is
            // evaluated again here, and the later of the two meetings holds, as both lines
            // bound its ρ from below.
            for (t, ci) in meets {
                if !h.would_lower(&t) {
                    break;
                }
                if known.round.get(ci) == Some(&round) {
                    h.at(t);
                    continue;
                }
                match evaluate(setup, &mut st, ci, &mut scratch) {
                    Ok(fresh) => {
                        if let Some(f) = horizon::meeting(&fresh.rho, &fresh.rho1, &path) {
                            h.at(if f.cmp(&t) == Ordering::Less { t } else { f });
                        }
                        known.record(ci, fresh, round);
                    }
                    Err(held) => {
                        // Unaffordable already: dropped now rather than when next examined.
                        dead.push(ci);
                        ghosts.extend(keep_unaffordable(h, &st, ci, &held, &scratch.buckets));
                    }
                }
            }
            if !dead.is_empty() {
                live.retain(|ci| !dead.contains(ci));
            }
            let mut gone = Vec::new();
            for (gi, g) in ghosts.iter_mut().enumerate() {
                let Some(limit) = h.limit().filter(|_| h.active()).cloned() else {
                    break;
                };
                match g.limit((setup, &mut st, &mut scratch), round, &limit, &path) {
                    Threat::At(t) => h.at(t),
                    Threat::NotBefore => {}
                    Threat::Gone => gone.push(gi),
                }
            }
            for gi in gone.into_iter().rev() {
                ghosts.swap_remove(gi);
            }
            round_limits.push(h.limit().cloned());
            if !h.active() {
                st.stop_tracking();
            }
        }
        let p = pay(setup, &mut st, pick, &ev);
        spent = spent.add(setup.cand_cost(pick));
        picks.push(p);
        live.retain(|&ci| ci != pick);
    }
    if let Some(h) = horizon.as_mut() {
        // After the last pick no ρ is compared: a ghost that its supporters could afford there
        // would be bought in one more round.
        for g in &ghosts {
            if !h.active() {
                break;
            }
            match Ghost::now(setup, &mut st, g.ci, &mut scratch) {
                Ok(Some(now)) => h.at(now.afford),
                Ok(None) => {}
                // Money only falls within a run, so this cannot happen; stay safe if it did.
                Err(()) => h.at(Frac::new(BigInt::zero(), BigInt::one())),
            }
        }
    }
    let stable_for = horizon.and_then(|h| h.limit().map(Frac::to_q));
    Run {
        b: b.clone(),
        picks,
        cost: spent,
        held: Held::Classes {
            group_class: st.group_class,
            class_val: st.val,
            class_epoch: st.epoch,
            factors: st.factors,
            unit: st.unit,
        },
        stable_for,
        round_limits,
    }
}

/// What a run knows of each candidate's ρ.
struct Known {
    /// A lower bound of its ρ now: exact in the round it was computed, as money only falls
    /// within a run.
    bound: Vec<Frac>,
    /// When tracking, the slope of that bound in t (over the bound's denominator); the first
    /// bounds do not move. Empty otherwise.
    bound1: Vec<BigInt>,
    /// `bound1` over the bound's denominator as a float, for the quick test of every round.
    slope_f: Vec<f64>,
    /// The round in which the bound was computed (`usize::MAX`: never, the setup's bound).
    round: Vec<usize>,
    /// The evaluation behind the bound, kept for the candidate's purchase.
    evals: Vec<Option<Eval>>,
}

impl Known {
    fn new(setup: &Setup, tracking: bool) -> Known {
        let n = setup.n_cands();
        Known {
            bound: setup.init_bound.clone(),
            bound1: if tracking {
                vec![BigInt::zero(); n]
            } else {
                Vec::new()
            },
            slope_f: if tracking { vec![0.0; n] } else { Vec::new() },
            round: vec![usize::MAX; n],
            evals: (0..n).map(|_| None).collect(),
        }
    }

    fn record(&mut self, ci: usize, ev: Eval, round: usize) {
        if let Some(bd) = self.bound.get_mut(ci) {
            *bd = ev.rho.clone();
        }
        if let Some(b1) = self.bound1.get_mut(ci) {
            *b1 = ev.rho1.clone();
        }
        if let Some(f) = self.slope_f.get_mut(ci) {
            *f = ratio_to_f64(&ev.rho1, &ev.rho.d);
        }
        if let Some(r) = self.round.get_mut(ci) {
            *r = round;
        }
        if let Some(e) = self.evals.get_mut(ci) {
            *e = Some(ev);
        }
    }
}
