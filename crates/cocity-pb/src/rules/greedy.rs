//! Greedy utilitarian welfare (pabutools `greedy_utilitarian_welfare`, PB-SEMANTICS §3).
//!
//! Projects are taken in decreasing order of total satisfaction per unit of cost, ties to the
//! smaller id as text; a project that does not fit is skipped and the rule carries on, so
//! projects nobody supports are funded last if money is left.
//!
//! pabutools has two paths that differ only in where free projects go. For additive measures
//! a free project with positive total satisfaction comes first and one without comes last
//! (density 0). Borda is not an `AdditiveSatisfaction` in pabutools, so it takes the generic
//! path, where every free project scores +∞ and comes first.

use std::cmp::Ordering;

use super::{Ctx, Partial};
use crate::explain::Explanation;
use crate::numeric::Q;
use crate::satisfaction::Sat;

/// Satisfaction per unit of cost; `Inf` ranks above every finite value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Density {
    Finite(Q),
    Inf,
}

impl Density {
    fn cmp_desc(&self, o: &Density) -> Ordering {
        match (self, o) {
            (Density::Inf, Density::Inf) => Ordering::Equal,
            (Density::Inf, _) => Ordering::Less,
            (_, Density::Inf) => Ordering::Greater,
            (Density::Finite(a), Density::Finite(b)) => b.cmp(a),
        }
    }

    fn as_money(&self) -> Option<crate::model::Money> {
        match self {
            Density::Finite(q) => Some(q.to_big()),
            Density::Inf => None,
        }
    }
}

/// One greedy pass after the projects of `initial` (already funded, in order).
pub(crate) struct GreedyRun {
    /// Projects funded by this pass, in order.
    pub picks: Vec<usize>,
    /// For each project not in `initial`: why it was or was not funded.
    pub explanations: Vec<Option<Explanation>>,
}

pub(crate) fn run(ctx: &Ctx<'_>, initial: &[usize]) -> GreedyRun {
    let n = ctx.n_projects();
    let (total, _) = ctx.totals();
    let mut in_initial = vec![false; n];
    for &p in initial {
        if let Some(f) = in_initial.get_mut(p) {
            *f = true;
        }
    }
    let generic = ctx.sp.sat == Sat::Borda;
    let mut order: Vec<(usize, Density)> = (0..n)
        .filter(|&p| !in_initial.get(p).copied().unwrap_or(true))
        .map(|p| {
            let t = total.get(p).cloned().unwrap_or(Q::ZERO);
            let cost = ctx.cost(p);
            let d = if generic {
                if cost.is_zero() {
                    Density::Inf
                } else {
                    Density::Finite(t.div(cost).unwrap_or(Q::ZERO))
                }
            } else if !t.is_positive() {
                Density::Finite(Q::ZERO)
            } else if cost.is_zero() {
                Density::Inf
            } else {
                Density::Finite(t.div(cost).unwrap_or(Q::ZERO))
            };
            (p, d)
        })
        .collect();
    order.sort_by(|(a, da), (b, db)| da.cmp_desc(db).then(ctx.rank(*a).cmp(&ctx.rank(*b))));

    let mut remaining = ctx.budget.sub(&ctx.total_cost(initial));
    let mut picks = Vec::new();
    let mut explanations: Vec<Option<Explanation>> = vec![None; n];
    for (i, (p, d)) in order.iter().enumerate() {
        let cost = ctx.cost(*p);
        let e = if cost <= &remaining {
            remaining = remaining.sub(cost);
            picks.push(*p);
            Explanation::GreedySelected {
                rank: i + 1,
                step: picks.len(),
                density: d.as_money(),
                remaining_after: remaining.to_big(),
            }
        } else {
            Explanation::GreedySkipped {
                rank: i + 1,
                density: d.as_money(),
                cost: cost.to_big(),
                remaining: remaining.to_big(),
            }
        };
        if let Some(slot) = explanations.get_mut(*p) {
            *slot = Some(e);
        }
    }
    GreedyRun {
        picks,
        explanations,
    }
}

/// Greedy on its own.
pub(crate) fn count(ctx: &Ctx<'_>) -> Partial {
    let run = run(ctx, &[]);
    let explanations = run
        .explanations
        .into_iter()
        .map(|e| {
            e.unwrap_or(Explanation::GreedySkipped {
                rank: 0,
                density: None,
                cost: crate::model::Money::default(),
                remaining: crate::model::Money::default(),
            })
        })
        .collect();
    Partial::new(run.picks, explanations)
}
