//! Equal Shares with its completions (PB-SEMANTICS §4.4–4.6): which runs to make, which to
//! keep, and how the kept run is explained.

use super::greedy;
use super::mes::{self, Run, Setup};
use super::{Completion, Ctx, Partial, Progress};
use crate::explain::Explanation;
use crate::numeric::Q;

pub(crate) fn count_mes(
    ctx: &Ctx<'_>,
    completion: Completion,
    progress: &mut dyn FnMut(Progress),
) -> Partial {
    let n = ctx.sp.n_voters;
    let setup = Setup::build(ctx);
    let mut runs = 0usize;
    // pabutools returns the initial (empty) allocation when there are no ballots at all.
    let chosen: Option<Run> = if n == 0 {
        None
    } else {
        let b0 = ctx.budget.div(&Q::int(n as i128)).unwrap_or(Q::ZERO);
        let mut step = |b: &Q, runs: &mut usize| {
            *runs += 1;
            progress(Progress {
                stage: "equal shares run",
                done: *runs as u64,
                total: None,
            });
            mes::run(&setup, &ctx.sp, b)
        };
        match completion {
            Completion::None => Some(step(&b0, &mut runs)),
            Completion::Add1 | Completion::Add1Utilitarian => {
                Some(add1(ctx, &setup, &b0, &mut runs, &mut step))
            }
            Completion::Add1Pabulib => Some(add1_pabulib(ctx, &setup, &b0, &mut runs, &mut step)),
        }
    };

    let n_projects = ctx.n_projects();
    let mut explanations: Vec<Option<Explanation>> = vec![None; n_projects];
    let mut winners: Vec<usize> = Vec::new();
    let mut picks_rho = Vec::new();
    if let Some(run) = &chosen {
        for &p in &setup.free {
            winners.push(p);
            if let Some(e) = explanations.get_mut(p) {
                *e = Some(Explanation::MesFreeSupported);
            }
        }
        for (round, pick) in run.picks.iter().enumerate() {
            let Some(&p) = setup.cands.get(pick.ci) else {
                continue;
            };
            winners.push(p);
            picks_rho.push((p, pick.rho.clone()));
            let supporters = setup.supporters.get(pick.ci).copied().unwrap_or(0);
            if let Some(e) = explanations.get_mut(p) {
                *e = Some(Explanation::MesSelected {
                    round: round + 1,
                    rho: pick.rho.to_big(),
                    payments: pick.summary(supporters),
                });
            }
        }
        for (ci, &p) in setup.cands.iter().enumerate() {
            if let Some(e @ None) = explanations.get_mut(p) {
                *e = Some(Explanation::MesUnaffordable {
                    needed: ctx.cost(p).to_big(),
                    supporters_had: run.supporters_money(&setup, &ctx.sp, ci),
                });
            }
        }
    }

    if completion == Completion::Add1Utilitarian {
        let g = greedy::run(ctx, &winners);
        for (p, e) in g.explanations.into_iter().enumerate() {
            let Some(e) = e else { continue };
            let e = match e {
                Explanation::GreedySelected {
                    step,
                    remaining_after,
                    ..
                } => Explanation::CompletionSelected {
                    step,
                    remaining_after,
                },
                Explanation::GreedySkipped {
                    cost, remaining, ..
                } => Explanation::CompletionSkipped { cost, remaining },
                other => other,
            };
            if let Some(slot) = explanations.get_mut(p) {
                // Keep why Equal Shares did not buy it when the completion did not either.
                let keep_mes = matches!(e, Explanation::CompletionSkipped { .. })
                    && matches!(slot, Some(Explanation::MesUnaffordable { .. }));
                if !keep_mes {
                    *slot = Some(e);
                }
            }
        }
        winners.extend(g.picks);
    }

    let explanations = explanations
        .into_iter()
        .enumerate()
        .map(|(p, e)| {
            e.unwrap_or(Explanation::MesNoSupport {
                cost_zero: ctx.cost(p).is_zero(),
            })
        })
        .collect();
    let mut partial = Partial::new(winners, explanations);
    partial.final_voter_budget = chosen.as_ref().map(|r| r.b.clone());
    partial.mes_runs = runs;
    partial.mes_picks = picks_rho;
    partial
}

/// pabutools' `voter_budget_increment=1`: shares B/n, B/n + 1, …; stop at the first outcome
/// that leaves no candidate fitting, or return the previous outcome when one costs more than B.
fn add1(
    ctx: &Ctx<'_>,
    setup: &Setup,
    b0: &Q,
    runs: &mut usize,
    step: &mut dyn FnMut(&Q, &mut usize) -> Run,
) -> Run {
    let mut b = b0.clone();
    let mut prev = Run::empty(b0, ctx.sp.n_groups());
    loop {
        let run = step(&b, runs);
        if run.cost > ctx.budget {
            return prev;
        }
        if is_exhaustive_over_candidates(ctx, setup, &run) {
            return run;
        }
        b = b.add(&Q::ONE);
        prev = run;
    }
}

/// The Pabulib checker's `equalshares/add1`: B/n, then floor(B/n)+1, +2, …, keeping the last
/// outcome within the budget. It stops as soon as every candidate is bought, since a larger
/// share cannot change such an outcome.
fn add1_pabulib(
    ctx: &Ctx<'_>,
    setup: &Setup,
    b0: &Q,
    runs: &mut usize,
    step: &mut dyn FnMut(&Q, &mut usize) -> Run,
) -> Run {
    let floor = floor(b0);
    let mut b = b0.clone();
    let mut k: i128 = 0;
    let mut prev = Run::empty(b0, ctx.sp.n_groups());
    loop {
        let run = step(&b, runs);
        if run.cost > ctx.budget {
            return prev;
        }
        if run.picks.len() == setup.n_cands() {
            return run;
        }
        k += 1;
        b = floor.add(&Q::int(k));
        prev = run;
    }
}

fn is_exhaustive_over_candidates(ctx: &Ctx<'_>, setup: &Setup, run: &Run) -> bool {
    let mut bought = vec![false; setup.n_cands()];
    for p in &run.picks {
        if let Some(b) = bought.get_mut(p.ci) {
            *b = true;
        }
    }
    let left = ctx.budget.sub(&run.cost);
    !(0..setup.n_cands())
        .any(|ci| !bought.get(ci).copied().unwrap_or(true) && setup.cand_cost(ci) <= &left)
}

/// The largest integer ≤ q.
fn floor(q: &Q) -> Q {
    let big = q.to_big();
    Q::from_big(num_rational::BigRational::from_integer(
        big.floor().to_integer(),
    ))
}
