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
use frac::Frac;
use horizon::{Horizon, Piece};

mod accum;
mod frac;
mod horizon;

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
        Setup {
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
        }
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
    group_class: Vec<u32>,
    /// Class amounts in units of 1/`unit`.
    class_val: Vec<BigInt>,
    unit: BigInt,
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
            group_class: vec![1; n_groups],
            class_val: vec![BigInt::zero(), b.numer().clone()],
            unit: b.denom().clone(),
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
        let mut sum = BigInt::zero();
        for &(g, _, m) in setup.supporters_of(ci) {
            let cls = self.group_class.get(g as usize).copied().unwrap_or(0);
            if let Some(val) = self.class_val.get(cls as usize) {
                sum += val * m;
            }
        }
        Money::new(sum, self.unit.clone())
    }
}

/// The state of one run: every group's budget class, and the class amounts as integers over a
/// common denominator `unit`. Payments only ever subtract, so a common denominator that is
/// refined (multiplied) when a price needs it keeps every amount exact without a gcd per
/// operation; amounts are deduplicated so that equal budgets share one class.
///
/// Refining is lazy: a class amount (and a cost) is in units of the unit of its *epoch*, the
/// number of refinements it has seen, and is brought up to date only when a candidate that
/// reads it is examined ([`State::catch_up`]). Most classes and costs are not read in most
/// rounds, and one product per class replaces a multiplication per refinement.
struct State {
    unit: BigInt,
    /// The factor of each refinement so far: the unit of epoch e is the first unit times
    /// factors[..e].
    factors: Vec<BigInt>,
    /// For each epoch e whose product is known, factors[e..] multiplied (reset by `refine`).
    pending: Vec<Option<BigInt>>,
    /// Scratch for `pay`: per class, 1 + its entry among the payment's transitions (0: none).
    /// All zero between payments.
    trans_of: Vec<u32>,
    /// The epoch of each class's `val`, `slope` and `lslope`.
    epoch: Vec<u32>,
    /// The epoch of each candidate's `cost`.
    cost_epoch: Vec<u32>,
    val: Vec<BigInt>,
    /// Each class's amount as a float (val / unit), for sorting.
    approx: Vec<f64>,
    /// Groups in each class; a class with none is dead and never rescaled again.
    refs: Vec<u64>,
    group_class: Vec<u32>,
    /// Candidate costs in units of 1/`unit` (of their epoch).
    cost: Vec<BigInt>,
    /// When tracking a horizon, each class's amount at share b + t, for t in [0, reach], lies
    /// between val + lslope·t and val + slope·t (in units of 1/`unit`); both empty otherwise.
    slope: Vec<BigInt>,
    lslope: Vec<BigInt>,
    /// `slope` as floats (slope / unit), for tests that only need to be sure by a wide margin.
    slope_approx: Vec<f64>,
    /// How far the bounds must hold, as numerator and denominator (`None`: for every t ≥ 0).
    reach: Option<(BigInt, BigInt)>,
    /// Buffers of dead classes and spent payments, for the next amounts: a payment makes a few
    /// amounts per class it touches, and allocating each anew was a third of a long count.
    spare: Vec<BigInt>,
}

impl State {
    fn new(setup: &Setup, b: &Money, n_groups: usize, track: Option<&Track>) -> State {
        let unit = b.denom().lcm(&setup.cost_denoms);
        let start = b.numer() * (&unit / b.denom());
        let mut st = State {
            factors: Vec::new(),
            pending: Vec::new(),
            trans_of: Vec::new(),
            epoch: vec![0],
            cost_epoch: vec![0; setup.n_cands()],
            // unit is a multiple of every cost's denominator: no gcd needed.
            cost: setup
                .cost_big
                .iter()
                .map(|c| c.numer() * (&unit / c.denom()))
                .collect(),
            unit,
            val: vec![BigInt::zero()],
            approx: vec![0.0],
            refs: vec![0],
            group_class: Vec::new(),
            slope: if track.is_some() {
                vec![BigInt::zero()]
            } else {
                Vec::new()
            },
            lslope: if track.is_some() {
                vec![BigInt::zero()]
            } else {
                Vec::new()
            },
            slope_approx: if track.is_some() {
                vec![0.0]
            } else {
                Vec::new()
            },
            reach: track.and_then(|t| t.reach.as_ref()).map(|r| {
                let r = r.to_big();
                (r.numer().clone(), r.denom().clone())
            }),
            spare: Vec::new(),
        };
        let unit = st.unit.clone();
        let c = st.intern(start, unit.clone(), unit);
        st.group_class = vec![c; n_groups];
        if let Some(r) = st.refs.get_mut(c as usize) {
            *r = n_groups as u64;
        }
        st
    }

    /// A new class holding `v` (class 0 for nothing left).
    ///
    /// Amounts are not deduplicated across classes: within a payment every old class maps to
    /// one new class, and distinct amounts minus the same price stay distinct, so duplicates
    /// only arise from exact coincidences, which cost a bucket, never a wrong result.
    /// When tracking, an empty purse whose bound still grows with the share is a class of its
    /// own; otherwise every empty purse is class 0.
    fn intern(&mut self, v: BigInt, slope: BigInt, lslope: BigInt) -> u32 {
        if v.is_zero() && (slope.is_zero() || !self.tracking()) {
            return 0;
        }
        let id = self.val.len() as u32;
        self.approx.push(ratio_to_f64(&v, &self.unit));
        self.val.push(v);
        self.epoch.push(self.factors.len() as u32);
        self.refs.push(0);
        if !self.slope.is_empty() {
            self.slope_approx.push(ratio_to_f64(&slope, &self.unit));
            self.slope.push(slope);
            self.lslope.push(lslope);
        }
        id
    }

    fn tracking(&self) -> bool {
        !self.slope.is_empty()
    }

    /// Drops the slopes once the horizon is known to be no use.
    fn stop_tracking(&mut self) {
        self.spare.append(&mut self.slope);
        self.spare.append(&mut self.lslope);
        self.slope_approx = Vec::new();
    }

    /// A copy of `x` in a recycled buffer.
    fn copy(spare: &mut Vec<BigInt>, x: &BigInt) -> BigInt {
        let mut b = spare.pop().unwrap_or_default();
        b.clone_from(x);
        b
    }

    /// Class `c` is held by no group any more: its amounts are never read again.
    fn recycle(&mut self, c: usize) {
        let State {
            val,
            slope,
            lslope,
            spare,
            ..
        } = self;
        for v in [val.get_mut(c), slope.get_mut(c), lslope.get_mut(c)]
            .into_iter()
            .flatten()
        {
            spare.push(std::mem::take(v));
        }
    }

    /// The slope of an upper bound of max(0, a + b·t) over the tracked range of t, where a and
    /// b are in units of 1/`unit`. The function is convex, so over [0, reach] it lies below the
    /// chord between its ends; without a reach only a non-negative slope bounds it for every t.
    fn leftover_slope(&self, a: &BigInt, b: BigInt) -> BigInt {
        let exact = !a.is_negative() && !b.is_negative();
        match &self.reach {
            _ if exact => b,
            None => b.max(BigInt::zero()),
            Some((rn, rd)) => {
                let start = a.max(zero()) * rd;
                let end = (a * rd + b * rn).max(BigInt::zero());
                Integer::div_ceil(&(end - start), rn)
            }
        }
    }

    fn slope(&self, c: u32) -> &BigInt {
        self.slope.get(c as usize).unwrap_or_else(|| zero())
    }

    fn lslope(&self, c: u32) -> &BigInt {
        self.lslope.get(c as usize).unwrap_or_else(|| zero())
    }

    fn val(&self, c: u32) -> &BigInt {
        self.val.get(c as usize).unwrap_or_else(|| zero())
    }

    /// Multiplies the unit by `f`; amounts follow when read (see [`State::catch_up`]).
    fn refine(&mut self, f: &BigInt) {
        if f.is_one() {
            return;
        }
        // The factor is a count of voters, or a divisor of one, nearly always: a machine word.
        match f.to_u64() {
            Some(m) => self.unit *= m,
            None => self.unit *= f,
        }
        self.factors.push(f.clone());
        self.pending.clear();
    }

    /// Brings class `c`'s amounts to the current unit.
    fn catch_up(&mut self, c: u32) {
        let ci = c as usize;
        if c == 0 {
            return;
        }
        let State {
            factors,
            pending,
            epoch,
            val,
            slope,
            lslope,
            ..
        } = self;
        if let Some(e) = epoch.get_mut(ci) {
            advance(
                factors,
                pending,
                e,
                [val.get_mut(ci), slope.get_mut(ci), lslope.get_mut(ci)],
            );
        }
    }

    /// Brings candidate `ci`'s cost to the current unit.
    fn catch_up_cost(&mut self, ci: usize) {
        if let Some(e) = self.cost_epoch.get_mut(ci) {
            advance(&self.factors, &mut self.pending, e, [self.cost.get_mut(ci)]);
        }
    }

    /// Brings every class that some group holds to the current unit (at the end of a run).
    fn settle(&mut self) {
        for c in 0..self.val.len() {
            if self.refs.get(c).is_some_and(|&r| r > 0) {
                self.catch_up(c as u32);
            }
        }
    }

    fn move_group(&mut self, g: usize, to: u32) {
        let Some(from) = self.group_class.get(g).copied() else {
            return;
        };
        if from == to {
            return;
        }
        if let Some(gc) = self.group_class.get_mut(g) {
            *gc = to;
        }
        if let Some(r) = self.refs.get_mut(to as usize) {
            *r += 1;
        }
        if let Some(r) = self.refs.get_mut(from as usize) {
            *r = r.saturating_sub(1);
            if *r == 0 && from != 0 {
                self.recycle(from as usize);
            }
        }
    }
}

/// Multiplies `values`, in units of epoch `*epoch`, by the refinements since, and moves them to
/// the current epoch.
fn advance<const N: usize>(
    factors: &[BigInt],
    pending: &mut Vec<Option<BigInt>>,
    epoch: &mut u32,
    values: [Option<&mut BigInt>; N],
) {
    let Some(m) = product_since(factors, pending, *epoch) else {
        return;
    };
    for v in values.into_iter().flatten() {
        *v *= m;
    }
    *epoch = factors.len() as u32;
}

/// The product of `factors[e..]`, or `None` if there are none, kept in `pending` (whose known
/// entries are those of the latest epochs) so that classes of the same epoch share it.
fn product_since<'a>(
    factors: &[BigInt],
    pending: &'a mut Vec<Option<BigInt>>,
    e: u32,
) -> Option<&'a BigInt> {
    let now = factors.len();
    let e = e as usize;
    if e >= now {
        return None;
    }
    if pending.len() < now {
        pending.resize(now, None);
    }
    let mut k = now;
    while k > e && pending.get(k - 1).is_some_and(Option::is_some) {
        k -= 1;
    }
    // Built from the newest factor down, so that every epoch on the way is kept too.
    while k > e {
        let f = factors.get(k - 1)?;
        let p = match pending.get(k).and_then(Option::as_ref) {
            Some(up) => f * up,
            None => f.clone(),
        };
        if let Some(slot) = pending.get_mut(k - 1) {
            *slot = Some(p);
        }
        k -= 1;
    }
    pending.get(e).and_then(Option::as_ref)
}

/// An evaluated candidate: ρ, and the water-filling state that produced it (the money still
/// needed from the supporters who pay ρ·u in full, and Σ count·U over them).
///
/// When tracking a horizon, (rho.n + rho1·t) / rho.d is a lower bound of ρ at share b + t, exact
/// at t = 0, and need + need1·t is the matching upper bound of what is still needed (see
/// `horizon`).
struct Eval {
    rho: Frac,
    need: BigInt,
    s: BigInt,
    rho1: BigInt,
    need1: BigInt,
    /// How many of the sorted buckets pay all they have.
    capped: usize,
}

/// A bucket of supporters holding the same money with the same utility.
struct Bucket {
    cls: u32,
    util: u32,
    count: u64,
    /// The class amount as a float, the sort key when every supporter has the same utility.
    key: f64,
}

/// A shared zero, for lookups that fall outside a table.
fn zero() -> &'static BigInt {
    static ZERO: std::sync::OnceLock<BigInt> = std::sync::OnceLock::new();
    ZERO.get_or_init(BigInt::zero)
}

/// The weight of one voter of a bucket in the water-filling: 1 when every supporter has the same
/// utility (each rich supporter then pays need / count), else its scaled utility.
fn weight(scaled: &[BigInt], uniform: bool, util: u32) -> &BigInt {
    static ONE: std::sync::OnceLock<BigInt> = std::sync::OnceLock::new();
    if uniform {
        ONE.get_or_init(BigInt::one)
    } else {
        scaled.get(util as usize).unwrap_or_else(|| zero())
    }
}

/// Scratch space reused across evaluations within a run.
struct Scratch {
    count: Vec<u64>,
    touched: Vec<u32>,
    pairs: Vec<(u32, u32, u64)>,
    buckets: Vec<Bucket>,
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
            gather(setup, &mut st, ci, &mut scratch);
            let Ok(ev) = water_fill(setup, &st, ci, &scratch.buckets) else {
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
            gather(setup, &mut st, ci, &mut scratch);
            let ev = match water_fill(setup, &st, ci, &scratch.buckets) {
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
            gather(setup, &mut st, pick, &mut scratch);
            let path = upper_path(setup, &st, pick, &ev, &scratch.buckets);
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
                gather(setup, &mut st, ci, &mut scratch);
                match water_fill(setup, &st, ci, &scratch.buckets) {
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
    st.settle();
    Run {
        b: b.clone(),
        picks,
        cost: spent,
        group_class: st.group_class,
        class_val: st.val,
        unit: st.unit,
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

/// A candidate dropped as unaffordable in some round of a run that tracks a horizon with a
/// reach, whose supporters' money could cover its cost from share b + `afford` on.
///
/// Money only falls within a run and each supporter's money is bounded by a line rising in t,
/// so at a share b + t with the same picks up to some round, the candidate's ρ in that round
/// and every later one is at least the water level of those bounds at t. A later pick, whose ρ
/// is at most X from `afford` on, keeps its place until the bounds could pay the cost at level
/// X (`reaches`). After the last pick, the candidate must stay unaffordable (checked at the end
/// of the run).
struct Ghost {
    ci: usize,
    afford: Frac,
    /// The supporters' money bounds, taken when first needed and again when they would limit
    /// the horizon in a later round (the money then is less).
    tops: Option<Tops>,
    /// The last level checked and the share it limits the horizon to (`None`: never).
    last: Option<(Frac, Option<Frac>)>,
}

/// Per bucket of a candidate's supporters in some round: money, the slope of its upper bound
/// (≥ 0), the utility index and the voters, in units of 1/`unit`, with the cost.
struct Tops {
    round: usize,
    buckets: Vec<(BigInt, BigInt, u32, u64)>,
    cost: BigInt,
    unit: BigInt,
}

/// What a ghost means for the horizon of the round being checked.
enum Threat {
    /// It could undercut the pick from this t on.
    At(Frac),
    /// Not before the horizon found so far.
    NotBefore,
    /// Its supporters' money can no longer reach its cost in this run.
    Gone,
}

impl Ghost {
    /// Candidate `ci`, whose supporters hold `held` in all and gain at most `rise` per unit of
    /// t; `None` if that money never reaches its cost.
    fn new(st: &State, ci: usize, held: &BigInt, rise: &BigInt) -> Option<Ghost> {
        let cost = st.cost.get(ci)?;
        Some(Ghost {
            ci,
            afford: horizon::crossing(held, rise, cost, zero())?,
            tops: None,
            last: None,
        })
    }

    /// Candidate `ci` as its supporters' money stands in `st`, leaving them in `scratch.buckets`;
    /// `Ok(None)` if that money's bound never reaches its cost, `Err` if it is affordable now.
    fn now(
        setup: &Setup,
        st: &mut State,
        ci: usize,
        scratch: &mut Scratch,
    ) -> Result<Option<Ghost>, ()> {
        gather(setup, st, ci, scratch);
        match water_fill(setup, st, ci, &scratch.buckets) {
            Ok(_) => Err(()),
            Err(held) => Ok(Ghost::new(st, ci, &held, &slope_sum(st, &scratch.buckets))),
        }
    }

    /// Where this candidate could undercut the pick of round `round`, whose ρ is bounded by
    /// `path`, given that the horizon is `limit` already.
    fn limit(
        &mut self,
        run: (&Setup, &mut State, &mut Scratch),
        round: usize,
        limit: &Frac,
        path: &[Piece],
    ) -> Threat {
        let (setup, st, scratch) = run;
        loop {
            if self.afford.cmp(limit) != Ordering::Less {
                return Threat::NotBefore;
            }
            let x = horizon::value_at(path, &self.afford);
            if let Some(tops) = &self.tops {
                // A lower level is only reached later: a limit found for a higher one holds.
                let known = match &self.last {
                    Some((lx, lt)) if x.cmp(lx) != Ordering::Greater => Some(lt.clone()),
                    _ => None,
                };
                let t = match known {
                    Some(t) => t,
                    None => {
                        let t = tops.reaches(setup, self.ci, &x);
                        self.last = Some((x, t.clone()));
                        t
                    }
                };
                match t {
                    None => return Threat::NotBefore,
                    Some(t) if t.cmp(limit) != Ordering::Less => return Threat::NotBefore,
                    Some(t) if tops.round == round => {
                        return Threat::At(if t.cmp(&self.afford) == Ordering::Less {
                            self.afford.clone()
                        } else {
                            t
                        });
                    }
                    Some(_) => {}
                }
            }
            // No bounds yet, or bounds of an earlier round that would limit: take them now.
            let fresh = match Ghost::now(setup, st, self.ci, scratch) {
                Ok(Some(fresh)) => fresh,
                Ok(None) => return Threat::Gone,
                // Money only falls within a run: it cannot be affordable again.
                Err(()) => return Threat::At(Frac::new(BigInt::zero(), BigInt::one())),
            };
            self.afford = fresh.afford;
            self.last = None;
            self.tops = Some(Tops {
                round,
                buckets: scratch
                    .buckets
                    .iter()
                    .map(|b| {
                        let v = st.val(b.cls).clone();
                        (v, st.slope(b.cls).max(zero()).clone(), b.util, b.count)
                    })
                    .collect(),
                cost: st.cost.get(self.ci).cloned().unwrap_or_default(),
                unit: st.unit.clone(),
            });
        }
    }
}

impl Tops {
    /// The least t at which the supporters' bounds pay the cost with nobody paying more than
    /// the level of ρ = `x`: Σ count·min(money + slope·t, λ·weight) ≥ cost, where λ is `x` in
    /// money per unit of weight. A concave piecewise-linear function of t, swept in order of
    /// the shares where each supporter reaches λ·weight.
    fn reaches(&self, setup: &Setup, ci: usize, x: &Frac) -> Option<Frac> {
        let (num, d) = rho_frac(setup, &self.unit, ci, &BigInt::one())?;
        let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
        let uniform = scaled.len() <= 1;
        // λ = x.n·d / (x.d·num); each term is scaled by λd = x.d·num.
        let (ln, ld) = (&x.n * &d, &x.d * &num);
        let terms: Vec<horizon::Term> = self
            .buckets
            .iter()
            .map(|(v, sl, u, c)| horizon::Term {
                now: &ld * v,
                rise: &ld * sl,
                cap: &ln * weight(scaled, uniform, *u),
                count: *c,
            })
            .collect();
        horizon::first_fill(&terms, &(&self.cost * &ld))
    }
}

/// Candidate `ci`, whose supporters (`buckets`) hold `held` in all, cannot be afforded and is
/// dropped for good in this run; with more money it could compete again.
///
/// Without a reach the horizon ends where the upper bound of that money could reach its cost.
/// With one, the candidate becomes a [`Ghost`] that the caller checks against every later pick.
fn keep_unaffordable(
    h: &mut Horizon,
    st: &State,
    ci: usize,
    held: &BigInt,
    buckets: &[Bucket],
) -> Option<Ghost> {
    if !h.active() {
        return None;
    }
    let cost = st.cost.get(ci)?;
    if st.reach.is_some()
        && let Some(limit) = h.limit()
        && surely_unaffordable_before(st, cost - held, buckets, limit.to_f64())
    {
        return None;
    }
    let rise = slope_sum(st, buckets);
    if st.reach.is_none() {
        h.keep(held, &rise, cost, zero());
        return None;
    }
    Ghost::new(st, ci, held, &rise).filter(|g| h.would_lower(&g.afford))
}

/// Whether the upper bound of the money of `buckets`, `gap` (in units) short of a cost, surely
/// stays short of it for t below `limit`, by a float test with a wide margin (`false` when
/// unsure).
fn surely_unaffordable_before(st: &State, gap: BigInt, buckets: &[Bucket], limit: f64) -> bool {
    let (mut rise, mut size) = (0.0f64, 0.0f64);
    for b in buckets {
        let x = st
            .slope_approx
            .get(b.cls as usize)
            .copied()
            .unwrap_or(f64::NAN)
            * b.count as f64;
        rise += x;
        size += x.abs();
    }
    let gap = ratio_to_f64(&gap, &st.unit);
    let rise_hi = rise + frac::MARGIN * size;
    if !(gap.is_finite() && rise_hi.is_finite() && limit.is_finite()) || gap <= 0.0 {
        return false;
    }
    let m = frac::MARGIN;
    rise_hi <= 0.0 || gap * (1.0 - m) >= rise_hi * limit * (1.0 + m)
}

/// Collects the supporters of `ci` with money left into `s.buckets`, sorted by money / utility
/// ascending.
fn gather(setup: &Setup, st: &mut State, ci: usize, s: &mut Scratch) {
    st.catch_up_cost(ci);
    let supp = setup.supporters_of(ci);
    s.buckets.clear();
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    if scaled.len() <= 1 {
        if s.count.len() < st.val.len() {
            s.count.resize(st.val.len(), 0);
        }
        for &(g, _, m) in supp {
            let cls = st.group_class.get(g as usize).copied().unwrap_or(0);
            if cls == 0 {
                continue;
            }
            if let Some(c) = s.count.get_mut(cls as usize) {
                if *c == 0 {
                    s.touched.push(cls);
                }
                *c += m;
            }
        }
        for &cls in &s.touched {
            if let Some(c) = s.count.get_mut(cls as usize) {
                s.buckets.push(Bucket {
                    cls,
                    util: 0,
                    count: *c,
                    key: st.approx.get(cls as usize).copied().unwrap_or(0.0),
                });
                *c = 0;
            }
        }
        s.touched.clear();
        for b in &s.buckets {
            st.catch_up(b.cls);
        }
        // Sort by the float value of each amount (which refining the unit does not change),
        // then repair with exact comparisons: floats can only misorder nearly equal amounts,
        // so the insertion pass does few swaps.
        s.buckets.sort_unstable_by(|a, b| a.key.total_cmp(&b.key));
        for i in 1..s.buckets.len() {
            let mut j = i;
            while j > 0 {
                let (Some(a), Some(b)) = (s.buckets.get(j - 1), s.buckets.get(j)) else {
                    break;
                };
                if st.val(a.cls) <= st.val(b.cls) {
                    break;
                }
                s.buckets.swap(j - 1, j);
                j -= 1;
            }
        }
    } else {
        s.pairs.clear();
        for &(g, u, m) in supp {
            let cls = st.group_class.get(g as usize).copied().unwrap_or(0);
            if cls == 0 {
                continue;
            }
            s.pairs.push((cls, u, m));
        }
        s.pairs.sort_unstable_by_key(|&(c, u, _)| (c, u));
        let mut i = 0;
        while let Some(&(c, u, _)) = s.pairs.get(i) {
            let mut count = 0;
            while let Some(&(c2, u2, m)) = s.pairs.get(i) {
                if (c2, u2) != (c, u) {
                    break;
                }
                count += m;
                i += 1;
            }
            s.buckets.push(Bucket {
                cls: c,
                util: u,
                count,
                key: 0.0,
            });
        }
        for b in &s.buckets {
            st.catch_up(b.cls);
        }
        let zero = BigInt::zero();
        let u = |k: u32| scaled.get(k as usize).unwrap_or(&zero);
        s.buckets
            .sort_by(|a, b| (st.val(a.cls) * u(b.util)).cmp(&(st.val(b.cls) * u(a.util))));
    }
}

/// The least ρ with Σ count·min(money, ρ·util) ≥ cost over the sorted buckets, or `None` if
/// the supporters' money does not cover the cost.
///
/// `Err` holds the money the supporters hold in all when it does not cover the cost.
fn water_fill(setup: &Setup, st: &State, ci: usize, buckets: &[Bucket]) -> Result<Eval, BigInt> {
    let (Some(cost), Some(scaled)) = (st.cost.get(ci), setup.scaled.get(ci)) else {
        return Err(BigInt::zero());
    };
    let uniform = scaled.len() <= 1;
    let u = |b: &Bucket| weight(scaled, uniform, b.util);
    let mut paid;
    let mut stop = None;
    let mut s;
    let stop_need;
    if uniform {
        // The hot loop of every run: no allocation per bucket.
        let mut rem: u64 = buckets.iter().map(|b| b.count).sum();
        let mut held = Accum::default();
        // The stop test in floats, done exactly only when too close to call: the float error of
        // `need_f` stays below k·ε·cost, far inside the margin.
        let cost_f = ratio_to_f64(cost, &st.unit);
        let mut need_f = cost_f;
        for (k, b) in buckets.iter().enumerate() {
            let val = st.val(b.cls);
            let val_f = st.approx.get(b.cls as usize).copied().unwrap_or(f64::NAN);
            let level_f = val_f * rem as f64;
            let gap = need_f - level_f;
            let stops = if gap.abs() > frac::MARGIN * (cost_f + level_f.abs()) {
                gap < 0.0
            } else {
                // Also the path of NaN and ∞: exact.
                cost - held.sum() <= val * rem
            };
            if stops {
                stop = Some(k);
                break;
            }
            held.add(val, b.count);
            need_f -= val_f * b.count as f64;
            rem -= b.count;
        }
        paid = held.take();
        stop_need = cost - &paid;
        s = BigInt::from(rem);
    } else {
        s = buckets.iter().map(|b| u(b) * b.count).sum();
        paid = BigInt::zero();
        for (k, b) in buckets.iter().enumerate() {
            let need = cost - &paid;
            let val = st.val(b.cls);
            if &need * u(b) <= val * &s {
                stop = Some(k);
                break;
            }
            paid += val * b.count;
            s -= u(b) * b.count;
        }
        stop_need = cost - &paid;
    }
    let tracking = st.tracking();
    let Some(k) = stop else {
        return Err(paid);
    };
    let need = stop_need;
    let need1: BigInt = if tracking {
        -slope_sum(st, buckets.get(..k).unwrap_or(&[]))
    } else {
        BigInt::zero()
    };
    let (num, den) = rho_frac(setup, &st.unit, ci, &s).ok_or_else(BigInt::zero)?;
    Ok(Eval {
        rho: Frac::new(&need * &num, den),
        rho1: &need1 * &num,
        need,
        s,
        need1,
        capped: k,
    })
}

/// Σ count·slope over `buckets`: how fast the upper bound of their money grows with the share.
fn slope_sum(st: &State, buckets: &[Bucket]) -> BigInt {
    counted_sum(buckets, |c| st.slope(c))
}

/// Σ count·f(class) over `buckets`, with no allocation per bucket.
fn counted_sum<'a>(buckets: &[Bucket], f: impl Fn(u32) -> &'a BigInt) -> BigInt {
    let mut sum = Accum::default();
    for b in buckets {
        sum.add(f(b.cls), b.count);
    }
    sum.take()
}

/// An upper bound of the pick's ρ at share b + t: the water level of the lower bounds of its
/// supporters' money, a convex piecewise-linear function of t. With the split of the
/// water-filling at t = 0, (cost − Σ_capped money) / Σ_rest count·u is that level until the
/// money of a capped bucket reaches its payment (a bend); the bucket then pays ρ·u like the rest
/// and the next line starts. Only capped buckets can cross, as the others' money only rises while
/// the level falls. Past the last piece computed the level stays at most its value there.
fn upper_path(setup: &Setup, st: &State, ci: usize, ev: &Eval, buckets: &[Bucket]) -> Vec<Piece> {
    // Each piece costs a pass over the capped buckets here and a comparison per competitor.
    const MAX_PIECES: usize = 8;
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    let uniform = scaled.len() <= 1;
    let u = |b: &Bucket| weight(scaled, uniform, b.util);
    let capped = buckets.get(..ev.capped).unwrap_or(&[]);
    let mut need0 = ev.need.clone();
    let mut need1 = -counted_sum(capped, |c| st.lslope(c));
    let mut capped: Vec<&Bucket> = capped.iter().collect();
    // Each capped bucket's money, the slope of its lower bound and its weight as floats: a float
    // test rules out the buckets that clearly cross after another one, and only the rest are
    // compared exactly.
    let mut approx: Vec<[f64; 3]> = capped
        .iter()
        .map(|b| {
            let w = if uniform {
                1.0
            } else {
                ratio_to_f64(u(b), &BigInt::one())
            };
            let val = st.approx.get(b.cls as usize).copied().unwrap_or(f64::NAN);
            [val, ratio_to_f64(st.lslope(b.cls), &st.unit), w]
        })
        .collect();
    let mut s = ev.s.clone();
    let mut from = Frac::new(BigInt::zero(), BigInt::one());
    let reach = st
        .reach
        .as_ref()
        .map(|(n, d)| Frac::new(n.clone(), d.clone()));
    let beyond = |t: &Frac| reach.as_ref().is_some_and(|r| t.cmp(r) != Ordering::Less);
    let mut pieces = Vec::new();
    while let Some((num, den)) = rho_frac(setup, &st.unit, ci, &s) {
        let w = Frac::new(&need0 * &num, den);
        let w1 = &need1 * &num;
        let mut next: Option<(Frac, usize)> = None;
        let line = [
            ratio_to_f64(&need0, &st.unit),
            ratio_to_f64(&need1, &st.unit),
            ratio_to_f64(&s, &BigInt::one()),
            from.to_f64(),
        ];
        let spans: Vec<(f64, f64)> = approx
            .iter()
            .map(|a| horizon::crossing_span(a, &line))
            .collect();
        let cut = spans.iter().map(|s| s.1).fold(f64::INFINITY, f64::min);
        for (i, b) in capped.iter().enumerate() {
            if spans.get(i).is_some_and(|s| s.0 > cut) {
                continue;
            }
            let money = st.val(b.cls) * &s;
            let pays = &need0 * u(b);
            let t = if money >= pays {
                Some(from.clone())
            } else {
                horizon::crossing(&money, &(st.lslope(b.cls) * &s), &pays, &(&need1 * u(b)))
            };
            if let Some(t) = t {
                let t = if t.cmp(&from) == Ordering::Less {
                    from.clone()
                } else {
                    t
                };
                if next
                    .as_ref()
                    .is_none_or(|(n, _)| t.cmp(n) == Ordering::Less)
                {
                    next = Some((t, i));
                }
            }
        }
        let Some((t, i)) = next.filter(|(t, _)| !beyond(t)) else {
            pieces.push(Piece {
                from,
                to: None,
                w,
                w1,
            });
            break;
        };
        // Out of pieces: flat from the bend on, at the level there.
        let last = (pieces.len() + 2 >= MAX_PIECES)
            .then(|| Frac::new(&w.n * &t.d + &w1 * &t.n, &w.d * &t.d));
        pieces.push(Piece {
            from,
            to: Some(t.clone()),
            w,
            w1,
        });
        if let Some(level) = last {
            pieces.push(Piece {
                from: t,
                to: None,
                w: level,
                w1: BigInt::zero(),
            });
            break;
        }
        let b = capped.swap_remove(i);
        approx.swap_remove(i);
        need0 += st.val(b.cls) * b.count;
        need1 += st.lslope(b.cls) * b.count;
        s += u(b) * b.count;
        from = t;
    }
    pieces
}

/// ρ = need · num / den for candidate `ci` when the supporters who pay ρ·u weigh `s` in all
/// (their count when every supporter has the same utility).
fn rho_frac(setup: &Setup, unit: &BigInt, ci: usize, s: &BigInt) -> Option<(BigInt, BigInt)> {
    if setup.scaled.get(ci)?.len() <= 1 {
        let (un, ud) = setup.uniform_util.get(ci)?;
        Some((ud.clone(), unit * s * un))
    } else {
        Some((setup.scale.get(ci)?.clone(), unit * s))
    }
}

/// Charges the supporters of `ci` min(money, ρ·util) and moves them to their new classes.
fn pay(setup: &Setup, st: &mut State, ci: usize, ev: &Eval) -> Pick {
    // Each fully paying supporter pays (need + need1·t)·U/s: refine the unit so that both
    // parts are integers.
    let g = gcd_with_small(&ev.need, &ev.s);
    let g = if st.tracking() {
        gcd_with_small(&ev.need1, &g)
    } else {
        g
    };
    let (f, cap_unit, cap_slope) = if g.is_zero() {
        (BigInt::one(), BigInt::zero(), BigInt::zero())
    } else {
        (&ev.s / &g, &ev.need / &g, &ev.need1 / &g)
    };
    st.refine(&f);
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    let one = BigInt::one();
    // (old class, utility) → index into `trans`: (new class, payment, voters, old class).
    let mut trans: Vec<(u32, BigInt, u64, u32)> = Vec::new();
    let mut memo: HashMap<(u32, u32), usize> = HashMap::new();
    let uniform = scaled.len() <= 1;
    // Old class → 1 + index into `trans` (`st.trans_of`), for the common case of one utility.
    if uniform && st.trans_of.len() < st.val.len() {
        st.trans_of.resize(st.val.len(), 0);
    }
    for &(grp, u, m) in setup.supporters_of(ci) {
        let Some(cls) = st.group_class.get(grp as usize).copied() else {
            continue;
        };
        if cls == 0 {
            continue;
        }
        let known = if uniform {
            st.trans_of
                .get(cls as usize)
                .filter(|&&i| i > 0)
                .map(|&i| i as usize - 1)
        } else {
            memo.get(&(cls, u)).copied()
        };
        let idx = match known {
            Some(i) => i,
            None => {
                // With one utility the water-filling counted voters, not utility, and the cap
                // is the same for every class: no product to make.
                let (cap, cap_slope) = if uniform {
                    (Cow::Borrowed(&cap_unit), Cow::Borrowed(&cap_slope))
                } else {
                    let util = scaled.get(u as usize).unwrap_or(&one);
                    (Cow::Owned(&cap_unit * util), Cow::Owned(&cap_slope * util))
                };
                st.catch_up(cls);
                let c = cls as usize;
                let val = st.val.get(c).unwrap_or_else(|| zero());
                // What is left after paying ρ·u; negative when the voter pays all it has.
                let mut left = State::copy(&mut st.spare, val);
                left -= cap.as_ref();
                let pays_all = left.is_negative();
                // The bound of what is left after paying the lower bound of ρ·u: exact at t = 0,
                // and over the reach the chord of a convex function (see `leftover_slope`).
                let slope = if st.tracking() {
                    let mut rise =
                        State::copy(&mut st.spare, st.slope.get(c).unwrap_or_else(|| zero()));
                    rise -= cap_slope.as_ref();
                    st.leftover_slope(&left, rise)
                } else {
                    BigInt::zero()
                };
                // The lower bound: a supporter who pays ρ·u pays at most what it pays now, as ρ
                // only falls; one who pays all it has keeps at least nothing.
                let (lslope, payment, left) = if pays_all {
                    st.spare.push(left);
                    let all = State::copy(&mut st.spare, val);
                    (BigInt::zero(), all, BigInt::zero())
                } else {
                    let lslope =
                        State::copy(&mut st.spare, st.lslope.get(c).unwrap_or_else(|| zero()));
                    (lslope, State::copy(&mut st.spare, cap.as_ref()), left)
                };
                let new = st.intern(left, slope, lslope);
                trans.push((new, payment, 0, cls));
                let i = trans.len() - 1;
                if uniform {
                    if let Some(d) = st.trans_of.get_mut(cls as usize) {
                        *d = trans.len() as u32;
                    }
                } else {
                    memo.insert((cls, u), i);
                }
                i
            }
        };
        if let Some(t) = trans.get_mut(idx) {
            t.2 += m;
            let to = t.0;
            st.move_group(grp as usize, to);
        }
    }
    for t in &trans {
        if let Some(d) = st.trans_of.get_mut(t.3 as usize) {
            *d = 0;
        }
    }
    let mut payers = 0;
    let mut total = Accum::default();
    let mut min_pay: Option<&BigInt> = None;
    let mut max_pay: Option<&BigInt> = None;
    for (_, payment, count, _) in &trans {
        if !payment.is_positive() || *count == 0 {
            continue;
        }
        payers += count;
        total.add(payment, *count);
        if min_pay.is_none_or(|m| payment < m) {
            min_pay = Some(payment);
        }
        if max_pay.is_none_or(|m| payment > m) {
            max_pay = Some(payment);
        }
    }
    let pick = Pick {
        ci,
        rho: ev.rho.clone(),
        payers,
        min_pay: min_pay.cloned().unwrap_or_default(),
        max_pay: max_pay.cloned().unwrap_or_default(),
        total_pay: total.take(),
        unit: st.unit.clone(),
    };
    st.spare.extend(trans.into_iter().map(|t| t.1));
    pick
}

/// gcd(a, b) where b is small and a may be long: a is reduced modulo b first, as the binary gcd
/// on a long number costs the square of its length.
fn gcd_with_small(a: &BigInt, b: &BigInt) -> BigInt {
    if b.is_zero() { a.abs() } else { (a % b).gcd(b) }
}

/// Replays the picks of a run from share `b0` and returns what each voter paid in round
/// `round` (0-based) for every supporter of that round's project.
pub(crate) fn replay_payments(
    sp: &SatProfile,
    b0: &Q,
    picks: &[(usize, Money)],
    round: usize,
) -> Option<Vec<(usize, Money)>> {
    let mut money = vec![b0.clone(); sp.n_groups()];
    let mut paid_in_round: Vec<Option<Q>> = vec![None; sp.n_groups()];
    for (k, (project, rho)) in picks.iter().enumerate().take(round + 1) {
        let rho = Q::from_money(rho);
        for g in 0..sp.n_groups() {
            let Some(&(_, u)) = sp.items(g).iter().find(|(p, _)| *p as usize == *project) else {
                continue;
            };
            let util = sp.util(u);
            if !util.is_positive() {
                continue;
            }
            let Some(b) = money.get_mut(g) else { continue };
            let payment = b.min_ref(&rho.mul(util)).clone();
            *b = b.sub(&payment);
            if k == round
                && let Some(slot) = paid_in_round.get_mut(g)
            {
                *slot = Some(payment);
            }
        }
    }
    let out = sp
        .voter_group
        .iter()
        .enumerate()
        .filter_map(|(i, &g)| {
            paid_in_round
                .get(g as usize)
                .and_then(|p| p.as_ref())
                .map(|p| (i, p.to_big()))
        })
        .collect();
    Some(out)
}
