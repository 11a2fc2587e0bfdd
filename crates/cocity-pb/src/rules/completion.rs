//! Equal Shares with its completions (PB-SEMANTICS §4.4–4.6): which runs to make, which to
//! keep, and how the kept run is explained.

use super::greedy;
use super::mes::{self, Prefix, Run, Setup, Track};
use super::{Completion, Ctx, Partial, Progress};
use crate::explain::Explanation;
use crate::numeric::Q;

/// Whether the Add1 completions may skip shares that cannot change the outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stepping {
    /// Skip to the next share at which some decision of the last run could go differently.
    Skip,
    /// Run every share, as pabutools does (kept to check `Skip` against).
    EveryShare,
}

pub(crate) fn count_mes(
    ctx: &Ctx<'_>,
    completion: Completion,
    stepping: Stepping,
    progress: &mut dyn FnMut(Progress),
) -> Partial {
    let n = ctx.sp.n_voters;
    let setup = Setup::build(ctx);
    let mut runs = Runs {
        computed: 0,
        tried: 0,
    };
    // pabutools returns the initial (empty) allocation when there are no ballots at all.
    let chosen: Option<Run> = if n == 0 {
        None
    } else {
        let b0 = ctx.budget.div(&Q::int(n as i128)).unwrap_or(Q::ZERO);
        let mut step = |b: &Q, track: Option<&Track>, computed: &mut usize| {
            *computed += 1;
            progress(Progress {
                stage: "equal shares run",
                done: *computed as u64,
                total: None,
            });
            mes::run(&setup, &ctx.sp, b, track)
        };
        match completion {
            Completion::None => {
                runs.tried = 1;
                Some(step(&b0, None, &mut runs.computed))
            }
            Completion::Add1 | Completion::Add1Utilitarian => {
                let grid = Grid {
                    first: b0.clone(),
                    origin: b0.clone(),
                };
                let done = |run: &Run| is_exhaustive_over_candidates(ctx, &setup, run);
                Some(add1(ctx, &grid, stepping, &done, &mut runs, &mut step))
            }
            Completion::Add1Pabulib => {
                let grid = Grid {
                    origin: floor(&b0),
                    first: b0,
                };
                // A larger share cannot change an outcome that bought every candidate.
                let done = |run: &Run| run.picks.len() == setup.n_cands();
                Some(add1(ctx, &grid, stepping, &done, &mut runs, &mut step))
            }
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
            let rho = pick.rho.to_q();
            picks_rho.push((p, rho.clone()));
            let supporters = setup.supporters.get(pick.ci).copied().unwrap_or(0);
            if let Some(e) = explanations.get_mut(p) {
                *e = Some(Explanation::MesSelected {
                    round: round + 1,
                    rho: rho.to_big(),
                    payments: pick.summary(supporters),
                });
            }
        }
        for (ci, &p) in setup.cands.iter().enumerate() {
            if let Some(e @ None) = explanations.get_mut(p) {
                *e = Some(Explanation::MesUnaffordable {
                    needed: ctx.cost(p).to_big(),
                    supporters_had: run.supporters_money(&setup, ci),
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
    partial.mes_runs = runs.tried;
    partial.mes_runs_computed = runs.computed;
    partial.mes_picks = picks_rho;
    partial
}

/// How many shares a completion went through, and how many of them it actually ran.
struct Runs {
    computed: usize,
    tried: usize,
}

/// The shares an Add1 completion goes through: `first`, then every `origin` + k above it.
///
/// - pabutools' `voter_budget_increment=1` (`add1`, `add1-utilitarian`): B/n, B/n + 1, …
/// - the Pabulib checker's `equalshares/add1` (`add1-pabulib`): B/n, then floor(B/n) + 1, +2, …
struct Grid {
    first: Q,
    origin: Q,
}

impl Grid {
    /// The first share of the grid above `b` that is at least `b + stable`.
    fn next(&self, b: &Q, stable: Option<&Q>) -> Q {
        let above = floor(&b.sub(&self.origin)).add(&Q::ONE);
        let k = match stable {
            Some(t) => above.max(ceil(&b.add(t).sub(&self.origin))),
            None => above,
        };
        self.origin.add(&k)
    }

    /// The share of the grid just below `b` (which is on the grid, above `first`).
    fn before(&self, b: &Q) -> Q {
        b.sub(&Q::ONE).max(self.first.clone())
    }

    /// How many shares of the grid come before `b`.
    fn index(&self, b: &Q) -> usize {
        if b <= &self.first {
            return 0;
        }
        let k = b.sub(&self.origin).to_big().to_integer();
        usize::try_from(k).unwrap_or(usize::MAX)
    }
}

/// Runs the shares of `grid` in order until one run's outcome costs more than the budget (the
/// previous share's outcome is returned) or is `done` (it is returned).
///
/// pabutools runs every share of the grid. With [`Stepping::Skip`] each run also reports how far
/// the share can grow with the same picks, and the shares below that are not run: their
/// outcomes are the same, so neither stop test could fire on them. When the previous share's
/// outcome is the answer and that share was skipped, it is run then, so that the share and the
/// payments reported are the ones pabutools reports.
fn add1(
    ctx: &Ctx<'_>,
    grid: &Grid,
    stepping: Stepping,
    done: &dyn Fn(&Run) -> bool,
    runs: &mut Runs,
    step: &mut dyn FnMut(&Q, Option<&Track>, &mut usize) -> Run,
) -> Run {
    let mut b = grid.first.clone();
    let mut prev: Option<Run> = None;
    // How far each run's bounds are made to hold; see `next_reach`.
    let mut reach: Option<Q> = None;
    // The picks the last run proved for this share.
    let mut prefix: Option<Prefix> = None;
    loop {
        let next_anyway = grid.next(&b, None);
        let track = match stepping {
            Stepping::Skip => Some(Track {
                enough: next_anyway.sub(&b),
                reach: reach.clone(),
                prefix: prefix.take(),
            }),
            Stepping::EveryShare => None,
        };
        let run = step(&b, track.as_ref(), &mut runs.computed);
        runs.tried = grid.index(&b) + 1;
        if run.cost > ctx.budget {
            let Some(prev) = prev else {
                return Run::empty(&b, ctx.sp.n_groups());
            };
            let below = grid.before(&b);
            if prev.b == below {
                return prev;
            }
            let again = step(&below, None, &mut runs.computed);
            debug_assert!(
                again
                    .picks
                    .iter()
                    .map(|p| p.ci)
                    .eq(prev.picks.iter().map(|p| p.ci)),
                "a skipped share gave different picks"
            );
            return again;
        }
        if done(&run) {
            return run;
        }
        if let Some(h) = &run.stable_for {
            reach = Some(next_reach(&b, h, reach.as_ref()));
        }
        b = match (stepping, &run.stable_for) {
            (Stepping::Skip, Some(t)) => grid.next(&b, Some(t)),
            _ => next_anyway,
        };
        prefix = run.prefix_at(&b, reach.as_ref());
        prev = Some(run);
    }
}

/// How far the next run should look. Bounds made to hold over a shorter range are tighter (see
/// `mes::Track::reach`), but the horizon cannot pass the range: double it while runs reach its
/// end, else look twice as far as the last run could prove, and never less than 1/128 of the
/// share (on a city's budget a share grows by thousands, so tiny ranges would mean many runs).
fn next_reach(b: &Q, proved: &Q, reach: Option<&Q>) -> Q {
    match reach {
        Some(r) if proved >= r => r.add(r),
        _ => {
            let least = b.div(&Q::int(128)).unwrap_or(Q::ONE);
            proved.add(proved).max(least)
        }
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
    Q::from_big(q.to_big().floor())
}

/// The least integer ≥ q.
fn ceil(q: &Q) -> Q {
    Q::from_big(q.to_big().ceil())
}
