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

use std::cmp::Ordering;
use std::collections::HashMap;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, Zero};

use crate::explain::PaymentSummary;
use crate::model::Money;
use crate::numeric::{Q, ratio_to_f64};
use crate::satisfaction::SatProfile;

use super::Ctx;

/// What does not change between runs with different shares.
pub(crate) struct Setup {
    /// Candidate projects: positive total satisfaction and positive cost.
    pub cands: Vec<usize>,
    /// Supported projects of cost 0, funded up front, ordered by id as text.
    pub free: Vec<usize>,
    sup_start: Vec<u32>,
    /// (group, local utility index) of each candidate's supporters (utility > 0).
    sup: Vec<(u32, u32)>,
    /// Per candidate, its supporters' distinct utilities times `scale`, as integers; one entry
    /// when all supporters get the same utility.
    scaled: Vec<Vec<BigInt>>,
    /// Per candidate, the lcm of its utilities' denominators.
    scale: Vec<BigInt>,
    /// Per candidate, its first utility as (numerator, denominator): the utility of every
    /// supporter when `scaled` has one entry.
    uniform_util: Vec<(BigInt, BigInt)>,
    init_bound: Vec<Q>,
    cost: Vec<Q>,
    cost_big: Vec<Money>,
    rank: Vec<u32>,
    /// Voters (with multiplicity) among each candidate's supporters.
    pub supporters: Vec<u64>,
}

impl Setup {
    pub fn build(ctx: &Ctx<'_>) -> Setup {
        let sp = &ctx.sp;
        let n = ctx.n_projects();
        let mut total = vec![Q::ZERO; n];
        let mut count = vec![0u32; n];
        for g in 0..sp.n_groups() {
            let m = sp.mult.get(g).copied().unwrap_or(0);
            for &(p, u) in sp.items(g) {
                let u = sp.util(u);
                if u.is_positive()
                    && let (Some(t), Some(c)) =
                        (total.get_mut(p as usize), count.get_mut(p as usize))
                {
                    *t = t.add(&u.mul_int(m));
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
        let mut sup = vec![(0u32, 0u32); sup_start.last().copied().unwrap_or(0) as usize];
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
                        *s = (g as u32, k as u32);
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
                ctx.cost(p)
                    .div(total.get(p).unwrap_or(&Q::ONE))
                    .unwrap_or(Q::ZERO)
            })
            .collect();
        Setup {
            cost: cands.iter().map(|&p| ctx.cost(p).clone()).collect(),
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

    fn supporters_of(&self, ci: usize) -> &[(u32, u32)] {
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
    pub rho: Q,
    pub payers: u64,
    pub min_pay: Money,
    pub max_pay: Money,
    pub total_pay: Money,
}

impl Pick {
    pub fn summary(&self, supporters: u64) -> PaymentSummary {
        PaymentSummary {
            payers: self.payers,
            supporters,
            min: self.min_pay.clone(),
            max: self.max_pay.clone(),
            total: self.total_pay.clone(),
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
        }
    }

    /// The money the supporters of candidate `ci` held at the end of the run.
    pub fn supporters_money(&self, setup: &Setup, sp: &SatProfile, ci: usize) -> Money {
        let mut sum = BigInt::zero();
        for &(g, _) in setup.supporters_of(ci) {
            let cls = self.group_class.get(g as usize).copied().unwrap_or(0);
            if let Some(val) = self.class_val.get(cls as usize) {
                let m = sp.mult.get(g as usize).copied().unwrap_or(0);
                sum += val * m;
            }
        }
        Money::new(sum, self.unit.clone())
    }
}

/// An unreduced positive fraction, compared by cross-multiplication (no gcd on the hot path).
///
/// `approx` is n/d to within a few ulps; comparisons trust it only when the two values are
/// far apart relative to that error, and fall back to exact arithmetic otherwise.
#[derive(Clone, Debug)]
struct Frac {
    n: BigInt,
    d: BigInt,
    approx: f64,
}

impl Frac {
    fn new(n: BigInt, d: BigInt) -> Frac {
        let approx = ratio_to_f64(&n, &d);
        Frac { n, d, approx }
    }

    fn from_q(q: &Q) -> Frac {
        let b = q.to_big();
        Frac::new(b.numer().clone(), b.denom().clone())
    }

    fn cmp(&self, o: &Frac) -> Ordering {
        let (a, b) = (self.approx, o.approx);
        if a.is_normal() && b.is_normal() && (a - b).abs() > 1e-9 * a.abs().max(b.abs()) {
            return a.partial_cmp(&b).unwrap_or(Ordering::Equal);
        }
        (&self.n * &o.d).cmp(&(&o.n * &self.d))
    }

    fn to_q(&self) -> Q {
        if self.d.is_zero() {
            return Q::ZERO;
        }
        Q::from_big(Money::new(self.n.clone(), self.d.clone()))
    }
}

/// The state of one run: every group's budget class, and the class amounts as integers over a
/// common denominator `unit`. Payments only ever subtract, so a common denominator that is
/// refined (multiplied) when a price needs it keeps every amount exact without a gcd per
/// operation; amounts are deduplicated so that equal budgets share one class.
struct State {
    unit: BigInt,
    val: Vec<BigInt>,
    /// Each class's amount as a float (val / unit), for sorting.
    approx: Vec<f64>,
    /// Groups in each class; a class with none is dead and never rescaled again.
    refs: Vec<u64>,
    group_class: Vec<u32>,
    /// Candidate costs in units of 1/`unit`.
    cost: Vec<BigInt>,
}

impl State {
    fn new(setup: &Setup, b: &Money, n_groups: usize) -> State {
        let mut unit = b.denom().clone();
        for c in &setup.cost_big {
            unit = unit.lcm(c.denom());
        }
        let start = b * Money::from_integer(unit.clone());
        let start = start.to_integer();
        let mut st = State {
            cost: setup
                .cost_big
                .iter()
                .map(|c| (c * Money::from_integer(unit.clone())).to_integer())
                .collect(),
            unit,
            val: vec![BigInt::zero()],
            approx: vec![0.0],
            refs: vec![0],
            group_class: Vec::new(),
        };
        let c = st.intern(start);
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
    fn intern(&mut self, v: BigInt) -> u32 {
        if v.is_zero() {
            return 0;
        }
        let id = self.val.len() as u32;
        self.approx.push(ratio_to_f64(&v, &self.unit));
        self.val.push(v);
        self.refs.push(0);
        id
    }

    fn val(&self, c: u32) -> &BigInt {
        static ZERO: std::sync::OnceLock<BigInt> = std::sync::OnceLock::new();
        self.val
            .get(c as usize)
            .unwrap_or_else(|| ZERO.get_or_init(BigInt::zero))
    }

    /// Multiplies the unit by `f`, rescaling every live amount and cost.
    fn refine(&mut self, f: &BigInt) {
        if f.is_one() {
            return;
        }
        self.unit *= f;
        for (v, r) in self.val.iter_mut().zip(&self.refs) {
            if *r > 0 {
                *v *= f;
            }
        }
        for c in self.cost.iter_mut() {
            *c *= f;
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
        }
    }
}

/// An evaluated candidate: ρ, and the water-filling state that produced it (the money still
/// needed from the supporters who pay ρ·u in full, and Σ count·U over them).
struct Eval {
    rho: Frac,
    need: BigInt,
    s: BigInt,
}

/// A bucket of supporters holding the same money with the same utility.
struct Bucket {
    cls: u32,
    util: u32,
    count: u64,
}

/// Scratch space reused across evaluations within a run.
struct Scratch {
    count: Vec<u64>,
    touched: Vec<u32>,
    pairs: Vec<(u32, u32, u64)>,
    buckets: Vec<Bucket>,
}

pub(crate) fn run(setup: &Setup, sp: &SatProfile, b: &Q) -> Run {
    let b_big = b.to_big();
    let mut st = State::new(setup, &b_big, sp.n_groups());
    let mut bound: Vec<Frac> = setup.init_bound.iter().map(Frac::from_q).collect();
    let mut evals: Vec<Option<Eval>> = (0..setup.n_cands()).map(|_| None).collect();
    let mut live: Vec<usize> = (0..setup.n_cands()).collect();
    let mut scratch = Scratch {
        count: Vec::new(),
        touched: Vec::new(),
        pairs: Vec::new(),
        buckets: Vec::new(),
    };
    let mut picks = Vec::new();
    let mut spent = Q::ZERO;
    loop {
        // Nearly sorted after the first round: only re-evaluated bounds moved.
        live.sort_by(|&a, &c| match (bound.get(a), bound.get(c)) {
            (Some(x), Some(y)) => x.cmp(y),
            _ => Ordering::Equal,
        });
        let mut best: Option<Frac> = None;
        let mut tied: Vec<usize> = Vec::new();
        let mut dead: Vec<usize> = Vec::new();
        for &ci in &live {
            if let (Some(best), Some(bd)) = (&best, bound.get(ci)) {
                // An unaffordable project met here would be dropped by pabutools first; leaving
                // it for later changes nothing, as it can never become affordable again.
                if bd.cmp(best) == Ordering::Greater {
                    break;
                }
            }
            gather(setup, sp, &st, ci, &mut scratch);
            let Some(ev) = water_fill(setup, &st, ci, &scratch.buckets) else {
                dead.push(ci);
                continue;
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
            if let Some(bd) = bound.get_mut(ci) {
                *bd = ev.rho.clone();
            }
            if let Some(e) = evals.get_mut(ci) {
                *e = Some(ev);
            }
        }
        if !dead.is_empty() {
            live.retain(|ci| !dead.contains(ci));
        }
        let Some(&pick) = tied.iter().min_by_key(|&&ci| setup.rank.get(ci).copied()) else {
            break;
        };
        let Some(ev) = evals.get_mut(pick).and_then(Option::take) else {
            break;
        };
        let p = pay(setup, sp, &mut st, pick, &ev);
        spent = spent.add(setup.cand_cost(pick));
        picks.push(p);
        live.retain(|&ci| ci != pick);
    }
    Run {
        b: b.clone(),
        picks,
        cost: spent,
        group_class: st.group_class,
        class_val: st.val,
        unit: st.unit,
    }
}

/// Collects the supporters of `ci` with money left into `s.buckets`, sorted by money / utility
/// ascending.
fn gather(setup: &Setup, sp: &SatProfile, st: &State, ci: usize, s: &mut Scratch) {
    let supp = setup.supporters_of(ci);
    s.buckets.clear();
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    if scaled.len() <= 1 {
        if s.count.len() < st.val.len() {
            s.count.resize(st.val.len(), 0);
        }
        for &(g, _) in supp {
            let cls = st.group_class.get(g as usize).copied().unwrap_or(0);
            if cls == 0 {
                continue;
            }
            let m = sp.mult.get(g as usize).copied().unwrap_or(0);
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
                });
                *c = 0;
            }
        }
        s.touched.clear();
        // Sort by the float value of each amount (which refining the unit does not change),
        // then repair with exact comparisons: floats can only misorder nearly equal amounts,
        // so the insertion pass does few swaps.
        s.buckets.sort_by(|a, b| {
            let x = st.approx.get(a.cls as usize).copied().unwrap_or(0.0);
            let y = st.approx.get(b.cls as usize).copied().unwrap_or(0.0);
            x.total_cmp(&y)
        });
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
        for &(g, u) in supp {
            let cls = st.group_class.get(g as usize).copied().unwrap_or(0);
            if cls == 0 {
                continue;
            }
            let m = sp.mult.get(g as usize).copied().unwrap_or(0);
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
            });
        }
        let zero = BigInt::zero();
        let u = |k: u32| scaled.get(k as usize).unwrap_or(&zero);
        s.buckets
            .sort_by(|a, b| (st.val(a.cls) * u(b.util)).cmp(&(st.val(b.cls) * u(a.util))));
    }
}

/// The least ρ with Σ count·min(money, ρ·util) ≥ cost over the sorted buckets, or `None` if
/// the supporters' money does not cover the cost.
fn water_fill(setup: &Setup, st: &State, ci: usize, buckets: &[Bucket]) -> Option<Eval> {
    let cost = st.cost.get(ci)?;
    let scaled = setup.scaled.get(ci)?;
    let mut paid = BigInt::zero();
    if scaled.len() <= 1 {
        // One utility u for all: each rich supporter pays need / count_rem.
        let mut rem: u64 = buckets.iter().map(|b| b.count).sum();
        for b in buckets {
            let need = cost - &paid;
            let val = st.val(b.cls);
            if need <= val * rem {
                let (un, ud) = setup.uniform_util.get(ci)?;
                let rho = Frac::new(&need * ud, &st.unit * rem * un);
                return Some(Eval {
                    rho,
                    need,
                    s: BigInt::from(rem),
                });
            }
            paid += val * b.count;
            rem -= b.count;
        }
        None
    } else {
        let zero = BigInt::zero();
        let u = |k: u32| scaled.get(k as usize).unwrap_or(&zero);
        let mut s: BigInt = buckets.iter().map(|b| u(b.util) * b.count).sum();
        for b in buckets {
            let need = cost - &paid;
            let val = st.val(b.cls);
            if &need * u(b.util) <= val * &s {
                let scale = setup.scale.get(ci)?;
                let rho = Frac::new(&need * scale, &st.unit * &s);
                return Some(Eval { rho, need, s });
            }
            paid += val * b.count;
            s -= u(b.util) * b.count;
        }
        None
    }
}

/// Charges the supporters of `ci` min(money, ρ·util) and moves them to their new classes.
fn pay(setup: &Setup, sp: &SatProfile, st: &mut State, ci: usize, ev: &Eval) -> Pick {
    // Each fully paying supporter pays need·U/s: refine the unit so that this is an integer.
    let g = ev.need.gcd(&ev.s);
    let (f, cap_unit) = if g.is_zero() {
        (BigInt::one(), BigInt::zero())
    } else {
        (&ev.s / &g, &ev.need / &g)
    };
    st.refine(&f);
    let scaled = setup.scaled.get(ci).map(Vec::as_slice).unwrap_or(&[]);
    let one = BigInt::one();
    // (old class, utility) → index into `trans`: (new class, payment, voters).
    let mut trans: Vec<(u32, BigInt, u64)> = Vec::new();
    let mut memo: HashMap<(u32, u32), usize> = HashMap::new();
    let uniform = scaled.len() <= 1;
    // Old class → index into `trans`, for the common case of a single utility.
    let mut dense: Vec<usize> = Vec::new();
    for &(grp, u) in setup.supporters_of(ci) {
        let Some(cls) = st.group_class.get(grp as usize).copied() else {
            continue;
        };
        if cls == 0 {
            continue;
        }
        let known = if uniform {
            dense
                .get(cls as usize)
                .copied()
                .filter(|&i| i != usize::MAX)
        } else {
            memo.get(&(cls, u)).copied()
        };
        let idx = match known {
            Some(i) => i,
            None => {
                // With one utility the water-filling counted voters, not utility.
                let cap = if scaled.len() <= 1 {
                    cap_unit.clone()
                } else {
                    &cap_unit * scaled.get(u as usize).unwrap_or(&one)
                };
                let val = st.val(cls).clone();
                let payment = if val < cap { val.clone() } else { cap };
                let new = st.intern(val - &payment);
                trans.push((new, payment, 0));
                let i = trans.len() - 1;
                if uniform {
                    if dense.len() <= cls as usize {
                        dense.resize(cls as usize + 1, usize::MAX);
                    }
                    if let Some(d) = dense.get_mut(cls as usize) {
                        *d = i;
                    }
                } else {
                    memo.insert((cls, u), i);
                }
                i
            }
        };
        let m = sp.mult.get(grp as usize).copied().unwrap_or(0);
        if let Some(t) = trans.get_mut(idx) {
            t.2 += m;
            let to = t.0;
            st.move_group(grp as usize, to);
        }
    }
    let mut payers = 0;
    let mut total = BigInt::zero();
    let mut min_pay: Option<&BigInt> = None;
    let mut max_pay: Option<&BigInt> = None;
    for (_, payment, count) in &trans {
        if !payment.is_positive() || *count == 0 {
            continue;
        }
        payers += count;
        total += payment * *count;
        if min_pay.is_none_or(|m| payment < m) {
            min_pay = Some(payment);
        }
        if max_pay.is_none_or(|m| payment > m) {
            max_pay = Some(payment);
        }
    }
    let money = |x: Option<&BigInt>| Money::new(x.cloned().unwrap_or_default(), st.unit.clone());
    Pick {
        ci,
        rho: ev.rho.to_q(),
        payers,
        min_pay: money(min_pay),
        max_pay: money(max_pay),
        total_pay: Money::new(total, st.unit.clone()),
    }
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
