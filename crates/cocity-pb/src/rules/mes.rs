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

use std::collections::HashMap;

use crate::explain::PaymentSummary;
use crate::model::Money;
use crate::numeric::Q;
use crate::satisfaction::SatProfile;

use super::Ctx;

/// What does not change between runs with different shares.
pub(crate) struct Setup {
    /// Candidate projects: positive total satisfaction and positive cost.
    pub cands: Vec<usize>,
    /// Supported projects of cost 0, funded up front, ordered by id as text.
    pub free: Vec<usize>,
    sup_start: Vec<u32>,
    /// (group, utility id) of each candidate's supporters (utility > 0).
    sup: Vec<(u32, u32)>,
    /// The candidate's single utility id if all supporters share it.
    uniform: Vec<Option<u32>>,
    init_bound: Vec<Q>,
    cost: Vec<Q>,
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
                if u.is_positive() {
                    if let (Some(t), Some(c)) = (total.get_mut(p as usize), count.get_mut(p as usize)) {
                        *t = t.add(&u.mul_int(m));
                        *c += 1;
                    }
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
        let mut uniform: Vec<Option<u32>> = vec![None; cands.len()];
        let mut first = vec![true; cands.len()];
        for g in 0..sp.n_groups() {
            let m = sp.mult.get(g).copied().unwrap_or(0);
            for &(p, u) in sp.items(g) {
                let ci = cand_of.get(p as usize).copied().unwrap_or(u32::MAX) as usize;
                if ci >= cands.len() || !sp.util(u).is_positive() {
                    continue;
                }
                if let Some(slot) = fill.get_mut(ci) {
                    if let Some(s) = sup.get_mut(*slot as usize) {
                        *s = (g as u32, u);
                    }
                    *slot += 1;
                }
                if let Some(s) = supporters.get_mut(ci) {
                    *s += m;
                }
                if let (Some(f), Some(un)) = (first.get_mut(ci), uniform.get_mut(ci)) {
                    if *f {
                        *f = false;
                        *un = Some(u);
                    } else if *un != Some(u) {
                        *un = None;
                    }
                }
            }
        }
        // A candidate whose supporters share one utility but that came out non-uniform cannot
        // happen; one with several utilities takes the general path.
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
            rank: cands.iter().map(|&p| ctx.rank(p)).collect(),
            cands,
            free,
            sup_start,
            sup,
            uniform,
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
    pub min_pay: Q,
    pub max_pay: Q,
    pub total_pay: Q,
}

impl Pick {
    pub fn summary(&self, supporters: u64) -> PaymentSummary {
        PaymentSummary {
            payers: self.payers,
            supporters,
            min: self.min_pay.to_big(),
            max: self.max_pay.to_big(),
            total: self.total_pay.to_big(),
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
    class_val: Vec<Q>,
}

impl Run {
    /// The outcome of a run that bought nothing (pabutools' starting "previous outcome").
    pub fn empty(b: &Q, n_groups: usize) -> Run {
        Run {
            b: b.clone(),
            picks: Vec::new(),
            cost: Q::ZERO,
            group_class: vec![1; n_groups],
            class_val: vec![Q::ZERO, b.clone()],
        }
    }

    /// The money the supporters of candidate `ci` held at the end of the run.
    pub fn supporters_money(&self, setup: &Setup, sp: &SatProfile, ci: usize) -> Money {
        let mut sum = Q::ZERO;
        for &(g, _) in setup.supporters_of(ci) {
            let cls = self.group_class.get(g as usize).copied().unwrap_or(0);
            let val = self.class_val.get(cls as usize).unwrap_or(&Q::ZERO);
            let m = sp.mult.get(g as usize).copied().unwrap_or(0);
            sum = sum.add(&val.mul_int(m));
        }
        sum.to_big()
    }
}

/// Interned budget amounts. Class 0 is always zero.
struct Classes {
    val: Vec<Q>,
    ids: HashMap<Q, u32>,
}

impl Classes {
    fn new() -> Classes {
        let mut ids = HashMap::new();
        ids.insert(Q::ZERO, 0);
        Classes {
            val: vec![Q::ZERO],
            ids,
        }
    }

    fn intern(&mut self, q: Q) -> u32 {
        if let Some(&id) = self.ids.get(&q) {
            return id;
        }
        let id = self.val.len() as u32;
        self.val.push(q.clone());
        self.ids.insert(q, id);
        id
    }

    fn get(&self, c: u32) -> &Q {
        self.val.get(c as usize).unwrap_or(&Q::ZERO)
    }
}

/// Scratch space reused across evaluations within a run.
struct Scratch {
    count: Vec<u64>,
    touched: Vec<u32>,
    pairs: Vec<(u32, u32, u64)>,
}

/// A bucket of supporters holding the same money with the same utility.
struct Bucket<'a> {
    val: &'a Q,
    util: &'a Q,
    count: u64,
}

pub(crate) fn run(setup: &Setup, sp: &SatProfile, b: &Q) -> Run {
    let mut classes = Classes::new();
    let start = classes.intern(b.clone());
    let mut group_class = vec![start; sp.n_groups()];
    let mut bound = setup.init_bound.clone();
    let mut live: Vec<usize> = (0..setup.n_cands()).collect();
    let mut scratch = Scratch {
        count: Vec::new(),
        touched: Vec::new(),
        pairs: Vec::new(),
    };
    let mut picks = Vec::new();
    let mut spent = Q::ZERO;
    loop {
        live.sort_by(|&a, &c| {
            let ba = bound.get(a).unwrap_or(&Q::ZERO);
            let bc = bound.get(c).unwrap_or(&Q::ZERO);
            ba.cmp(bc).then(setup.rank.get(a).cmp(&setup.rank.get(c)))
        });
        let mut best: Option<Q> = None;
        let mut tied: Vec<usize> = Vec::new();
        let mut dead: Vec<usize> = Vec::new();
        for &ci in &live {
            let cost = setup.cand_cost(ci);
            let buckets = gather(setup, sp, &classes, &group_class, ci, &mut scratch);
            let avail = buckets
                .iter()
                .fold(Q::ZERO, |acc, bk| acc.add(&bk.val.mul_int(bk.count)));
            if &avail < cost {
                dead.push(ci);
                continue;
            }
            if let Some(best) = &best {
                if bound.get(ci).is_some_and(|bd| bd > best) {
                    break;
                }
            }
            let rho = water_fill(cost, &buckets);
            match &best {
                Some(bst) if &rho > bst => {}
                Some(bst) if &rho == bst => tied.push(ci),
                _ => {
                    best = Some(rho.clone());
                    tied.clear();
                    tied.push(ci);
                }
            }
            if let Some(bd) = bound.get_mut(ci) {
                *bd = rho;
            }
        }
        if !dead.is_empty() {
            live.retain(|ci| !dead.contains(ci));
        }
        let (Some(rho), Some(&pick)) = (
            best,
            tied.iter().min_by_key(|&&ci| setup.rank.get(ci).copied()),
        ) else {
            break;
        };
        let p = pay(setup, sp, &mut classes, &mut group_class, pick, &rho);
        spent = spent.add(setup.cand_cost(pick));
        picks.push(p);
        live.retain(|&ci| ci != pick);
    }
    Run {
        b: b.clone(),
        picks,
        cost: spent,
        group_class,
        class_val: classes.val,
    }
}

/// The supporters of `ci` with money left, as buckets sorted by money / utility ascending.
fn gather<'a>(
    setup: &Setup,
    sp: &'a SatProfile,
    classes: &'a Classes,
    group_class: &[u32],
    ci: usize,
    s: &mut Scratch,
) -> Vec<Bucket<'a>> {
    let supp = setup.supporters_of(ci);
    let mut out = Vec::new();
    match setup.uniform.get(ci).copied().flatten() {
        Some(uid) => {
            if s.count.len() < classes.val.len() {
                s.count.resize(classes.val.len(), 0);
            }
            for &(g, _) in supp {
                let cls = group_class.get(g as usize).copied().unwrap_or(0);
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
            let util = sp.util(uid);
            for &cls in &s.touched {
                let count = s.count.get(cls as usize).copied().unwrap_or(0);
                if let Some(c) = s.count.get_mut(cls as usize) {
                    *c = 0;
                }
                out.push(Bucket {
                    val: classes.get(cls),
                    util,
                    count,
                });
            }
            s.touched.clear();
            out.sort_by(|a, b| a.val.cmp(b.val));
        }
        None => {
            s.pairs.clear();
            for &(g, u) in supp {
                let cls = group_class.get(g as usize).copied().unwrap_or(0);
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
                out.push(Bucket {
                    val: classes.get(c),
                    util: sp.util(u),
                    count,
                });
            }
            // Ascending money / utility; utilities are positive.
            out.sort_by(|a, b| a.val.mul(b.util).cmp(&b.val.mul(a.util)));
        }
    }
    out
}

/// The least ρ with Σ count·min(money, ρ·util) ≥ cost, for buckets sorted by money/util and
/// holding at least `cost` in total.
fn water_fill(cost: &Q, buckets: &[Bucket<'_>]) -> Q {
    let mut paid = Q::ZERO;
    let mut denom = buckets
        .iter()
        .fold(Q::ZERO, |acc, b| acc.add(&b.util.mul_int(b.count)));
    for b in buckets {
        let need = cost.sub(&paid);
        // ρ = need / denom; the bucket can pay ρ·util in full iff need·util ≤ money·denom.
        if need.mul(b.util) <= b.val.mul(&denom) {
            return need.div(&denom).unwrap_or(Q::ZERO);
        }
        paid = paid.add(&b.val.mul_int(b.count));
        denom = denom.sub(&b.util.mul_int(b.count));
    }
    // Unreachable for an affordable project: the last bucket always satisfies the test.
    cost.sub(&paid).div(&denom).unwrap_or(Q::ZERO)
}

/// Charges the supporters of `ci` min(money, ρ·util) and moves them to their new classes.
fn pay(
    setup: &Setup,
    sp: &SatProfile,
    classes: &mut Classes,
    group_class: &mut [u32],
    ci: usize,
    rho: &Q,
) -> Pick {
    // (old class, utility id) → (new class, payment, voters)
    let mut trans: Vec<(u32, Q, u64)> = Vec::new();
    let mut memo: HashMap<(u32, u32), usize> = HashMap::new();
    let mut cap_cache: HashMap<u32, Q> = HashMap::new();
    for &(g, u) in setup.supporters_of(ci) {
        let Some(cls) = group_class.get(g as usize).copied() else {
            continue;
        };
        if cls == 0 {
            continue;
        }
        let idx = match memo.get(&(cls, u)) {
            Some(&i) => i,
            None => {
                let cap = cap_cache
                    .entry(u)
                    .or_insert_with(|| rho.mul(sp.util(u)))
                    .clone();
                let val = classes.get(cls).clone();
                let payment = val.min_ref(&cap).clone();
                let new = classes.intern(val.sub(&payment));
                trans.push((new, payment, 0));
                memo.insert((cls, u), trans.len() - 1);
                trans.len() - 1
            }
        };
        if let Some(t) = trans.get_mut(idx) {
            t.2 += sp.mult.get(g as usize).copied().unwrap_or(0);
            if let Some(gc) = group_class.get_mut(g as usize) {
                *gc = t.0;
            }
        }
    }
    let mut payers = 0;
    let mut total = Q::ZERO;
    let mut min_pay: Option<Q> = None;
    let mut max_pay: Option<Q> = None;
    for (_, payment, count) in &trans {
        if !payment.is_positive() || *count == 0 {
            continue;
        }
        payers += count;
        total = total.add(&payment.mul_int(*count));
        if min_pay.as_ref().is_none_or(|m| payment < m) {
            min_pay = Some(payment.clone());
        }
        if max_pay.as_ref().is_none_or(|m| payment > m) {
            max_pay = Some(payment.clone());
        }
    }
    Pick {
        ci,
        rho: rho.clone(),
        payers,
        min_pay: min_pay.unwrap_or(Q::ZERO),
        max_pay: max_pay.unwrap_or(Q::ZERO),
        total_pay: total,
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
            if k == round {
                if let Some(slot) = paid_in_round.get_mut(g) {
                    *slot = Some(payment);
                }
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
