//! Sequential Phragmén (pabutools `sequential_phragmen`, PB-SEMANTICS §5), for approval and
//! choose-1 ballots.
//!
//! Each voter carries a load. Buying p would raise the load of every supporter to
//! t(p) = (Σ_{supporters} loads + cost(p)) / #supporters; the project with the smallest t is
//! bought (ties to the smaller id as text). The rule stops for good as soon as any project tied
//! at the smallest t does not fit in the money left: it does not skip. Projects nobody approves
//! have t = +∞. The outcome is returned sorted by id, as pabutools does.
//!
//! A voter's load is always the new load of the last project it helped buy, so the loads take
//! at most one value per pick. Each project keeps how many of its supporters sit at each of
//! these levels (integers, updated when a pick moves its supporters up); its load sum is then
//! Σ level·count. Every round computes these sums in floating point to find the few projects
//! that could have the smallest load, and only those are compared exactly.

use super::{Ctx, Partial};
use crate::explain::Explanation;
use crate::numeric::Q;

/// Relative margin under which two float loads are treated as possibly equal (the float sums
/// are accurate to far better than this).
const NEAR: f64 = 1e-9;

pub(crate) fn count(ctx: &Ctx<'_>) -> Partial {
    let n = ctx.n_projects();
    let sp = &ctx.sp;
    // score(p): voters naming p; groups_of(p): the groups naming p.
    let mut score = vec![0u64; n];
    let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); n];
    for g in 0..sp.n_groups() {
        let m = sp.mult.get(g).copied().unwrap_or(0);
        for &(p, _) in sp.items(g) {
            if let (Some(s), Some(list)) =
                (score.get_mut(p as usize), groups_of.get_mut(p as usize))
            {
                *s += m;
                list.push(g as u32);
            }
        }
    }
    // Load levels: level 0 is the initial load 0, level k the new load of the k-th pick.
    let mut level_exact: Vec<Q> = vec![Q::ZERO];
    let mut level_f: Vec<f64> = vec![0.0];
    let mut group_level = vec![0usize; sp.n_groups()];
    // at_level[p][k]: supporters of p whose load is level k.
    let mut at_level: Vec<Vec<u64>> = score.iter().map(|&s| vec![s]).collect();
    let cost_f: Vec<f64> = (0..n).map(|p| ctx.cost(p).to_f64()).collect();

    let exact_load = |p: usize, at_level: &[Vec<u64>], level_exact: &[Q]| -> Option<Q> {
        let s = score.get(p).copied().unwrap_or(0);
        if s == 0 {
            return None;
        }
        let counts = at_level.get(p)?;
        let sum = counts
            .iter()
            .zip(level_exact)
            .filter(|(c, _)| **c > 0)
            .fold(Q::ZERO, |acc, (c, l)| acc.add(&l.mul_int(*c)));
        sum.add(ctx.cost(p)).div(&Q::int(i128::from(s)))
    };

    let mut cands: Vec<usize> = (0..n).filter(|&p| ctx.cost(p) <= &ctx.budget).collect();
    let mut spent = Q::ZERO;
    let mut order: Vec<usize> = Vec::new();
    let mut explanations: Vec<Option<Explanation>> = vec![None; n];
    for p in 0..n {
        if ctx.cost(p) > &ctx.budget
            && let Some(e) = explanations.get_mut(p)
        {
            *e = Some(Explanation::PhragmenOverBudget {
                cost: ctx.cost(p).to_big(),
                budget: ctx.budget.to_big(),
            });
        }
    }
    while !cands.is_empty() {
        // Float loads of the supported candidates.
        let approx: Vec<(usize, f64)> = cands
            .iter()
            .filter(|&&p| score.get(p).copied().unwrap_or(0) > 0)
            .map(|&p| {
                let counts = at_level.get(p).map(Vec::as_slice).unwrap_or(&[]);
                let sum: f64 = counts
                    .iter()
                    .zip(&level_f)
                    .map(|(c, l)| *c as f64 * l)
                    .sum();
                let s = score.get(p).copied().unwrap_or(1) as f64;
                (p, (sum + cost_f.get(p).copied().unwrap_or(0.0)) / s)
            })
            .collect();
        let best_f = approx.iter().map(|(_, t)| *t).fold(f64::INFINITY, f64::min);
        // None = +∞: no candidate has supporters, all tie.
        let (best, tied): (Option<Q>, Vec<usize>) = if approx.is_empty() {
            (None, cands.clone())
        } else {
            let near: Vec<usize> = approx
                .iter()
                .filter(|(_, t)| {
                    !best_f.is_finite() || *t <= best_f + NEAR * best_f.abs() || !t.is_finite()
                })
                .map(|(p, _)| *p)
                .collect();
            let mut best: Option<Q> = None;
            let mut tied = Vec::new();
            for p in near {
                let Some(t) = exact_load(p, &at_level, &level_exact) else {
                    continue;
                };
                match best.as_ref().map(|b| t.cmp(b)) {
                    Some(std::cmp::Ordering::Greater) => {}
                    Some(std::cmp::Ordering::Equal) => tied.push(p),
                    _ => {
                        best = Some(t);
                        tied.clear();
                        tied.push(p);
                    }
                }
            }
            (best, tied)
        };
        let left = ctx.budget.sub(&spent);
        if let Some(&blocker) = tied
            .iter()
            .filter(|&&p| ctx.cost(p) > &left)
            .min_by_key(|&&p| ctx.rank(p))
        {
            let blocker_id = ctx
                .e
                .instance
                .projects
                .get(blocker)
                .map(|p| p.id.clone())
                .unwrap_or_default();
            for &p in &cands {
                if let Some(e) = explanations.get_mut(p) {
                    *e = Some(Explanation::PhragmenStopped {
                        step: order.len() + 1,
                        blocker: blocker_id.clone(),
                        blocker_cost: ctx.cost(blocker).to_big(),
                        remaining: left.to_big(),
                        load: exact_load(p, &at_level, &level_exact).map(|q| q.to_big()),
                    });
                }
            }
            break;
        }
        let Some(&pick) = tied.iter().min_by_key(|&&p| ctx.rank(p)) else {
            break;
        };
        if let Some(t) = &best {
            let k = level_exact.len();
            level_exact.push(t.clone());
            level_f.push(t.to_f64());
            for counts in at_level.iter_mut() {
                counts.push(0);
            }
            for &g in groups_of.get(pick).map(Vec::as_slice).unwrap_or(&[]) {
                let m = sp.mult.get(g as usize).copied().unwrap_or(0);
                let Some(lv) = group_level.get_mut(g as usize) else {
                    continue;
                };
                let old = *lv;
                *lv = k;
                for &(q, _) in sp.items(g as usize) {
                    if let Some(counts) = at_level.get_mut(q as usize) {
                        if let Some(c) = counts.get_mut(old) {
                            *c -= m;
                        }
                        if let Some(c) = counts.get_mut(k) {
                            *c += m;
                        }
                    }
                }
            }
        }
        spent = spent.add(ctx.cost(pick));
        order.push(pick);
        if let Some(e) = explanations.get_mut(pick) {
            *e = Some(Explanation::PhragmenSelected {
                step: order.len(),
                load: best.map(|q| q.to_big()),
            });
        }
        cands.retain(|&p| p != pick);
    }
    let mut winners = order;
    winners.sort_by_key(|&p| ctx.rank(p));
    let explanations = explanations
        .into_iter()
        .map(|e| {
            e.unwrap_or(Explanation::PhragmenOverBudget {
                cost: Default::default(),
                budget: ctx.budget.to_big(),
            })
        })
        .collect();
    Partial::new(winners, explanations)
}
