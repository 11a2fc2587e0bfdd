//! Sequential Phragmén (pabutools `sequential_phragmen`, PB-SEMANTICS §5), for approval and
//! choose-1 ballots.
//!
//! Each voter carries a load. Buying p would raise the load of every supporter to
//! t(p) = (Σ_{supporters} loads + cost(p)) / #supporters; the project with the smallest t is
//! bought (ties to the smaller id as text). The rule stops for good as soon as any project tied
//! at the smallest t does not fit in the money left: it does not skip. Projects nobody approves
//! have t = +∞. The outcome is returned sorted by id, as pabutools does.
//!
//! The sum of supporters' loads is kept per project and updated when a pick changes the loads
//! of its supporters, so a round costs O(projects) plus the ballots of the pick's supporters.

use super::{Ctx, Partial};
use crate::explain::Explanation;
use crate::numeric::Q;

pub(crate) fn count(ctx: &Ctx<'_>) -> Partial {
    let n = ctx.n_projects();
    let sp = &ctx.sp;
    // score(p): voters naming p; supporters_of(p): the groups naming p.
    let mut score = vec![0u64; n];
    let mut groups_of: Vec<Vec<u32>> = vec![Vec::new(); n];
    for g in 0..sp.n_groups() {
        let m = sp.mult.get(g).copied().unwrap_or(0);
        for &(p, _) in sp.items(g) {
            if let (Some(s), Some(list)) = (score.get_mut(p as usize), groups_of.get_mut(p as usize)) {
                *s += m;
                list.push(g as u32);
            }
        }
    }
    let mut load = vec![Q::ZERO; sp.n_groups()];
    let mut load_sum = vec![Q::ZERO; n];
    let mut cands: Vec<usize> = (0..n).filter(|&p| ctx.cost(p) <= &ctx.budget).collect();
    let mut spent = Q::ZERO;
    let mut order: Vec<usize> = Vec::new();
    let mut explanations: Vec<Option<Explanation>> = vec![None; n];
    for p in 0..n {
        if ctx.cost(p) > &ctx.budget {
            if let Some(e) = explanations.get_mut(p) {
                *e = Some(Explanation::PhragmenOverBudget {
                    cost: ctx.cost(p).to_big(),
                    budget: ctx.budget.to_big(),
                });
            }
        }
    }
    let new_load = |p: usize, load_sum: &[Q]| -> Option<Q> {
        let s = score.get(p).copied().unwrap_or(0);
        if s == 0 {
            return None;
        }
        let sum = load_sum.get(p).unwrap_or(&Q::ZERO);
        sum.add(ctx.cost(p)).div(&Q::int(i128::from(s)))
    };
    while !cands.is_empty() {
        // None = +∞, above every finite load.
        let mut best: Option<Option<Q>> = None;
        let mut tied: Vec<usize> = Vec::new();
        for &p in &cands {
            let t = new_load(p, &load_sum);
            let better = match (&best, &t) {
                (None, _) => Some(true),
                (Some(None), Some(_)) => Some(true),
                (Some(None), None) => None,
                (Some(Some(_)), None) => Some(false),
                (Some(Some(b)), Some(t)) => match t.cmp(b) {
                    std::cmp::Ordering::Less => Some(true),
                    std::cmp::Ordering::Equal => None,
                    std::cmp::Ordering::Greater => Some(false),
                },
            };
            match better {
                Some(true) => {
                    best = Some(t);
                    tied.clear();
                    tied.push(p);
                }
                None => tied.push(p),
                Some(false) => {}
            }
        }
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
                        load: new_load(p, &load_sum).map(|q| q.to_big()),
                    });
                }
            }
            break;
        }
        let Some(&pick) = tied.iter().min_by_key(|&&p| ctx.rank(p)) else {
            break;
        };
        let t = best.flatten();
        if let Some(t) = &t {
            for &g in groups_of.get(pick).map(Vec::as_slice).unwrap_or(&[]) {
                let m = sp.mult.get(g as usize).copied().unwrap_or(0);
                let Some(l) = load.get_mut(g as usize) else { continue };
                let delta = t.sub(l).mul_int(m);
                *l = t.clone();
                for &(q, _) in sp.items(g as usize) {
                    if let Some(s) = load_sum.get_mut(q as usize) {
                        *s = s.add(&delta);
                    }
                }
            }
        }
        spent = spent.add(ctx.cost(pick));
        order.push(pick);
        if let Some(e) = explanations.get_mut(pick) {
            *e = Some(Explanation::PhragmenSelected {
                step: order.len(),
                load: t.map(|q| q.to_big()),
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
