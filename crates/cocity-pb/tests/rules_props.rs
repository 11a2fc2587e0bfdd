//! Property tests of the counting rules on generated small elections, and a differential test
//! of Equal Shares against a direct, slow transcription of pabutools' algorithm (one exact
//! budget per voter, every ρ recomputed every round).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)]

use cocity_pb::model::{Election, Instance, Money, Points, Profile, Project, VoteType};
use cocity_pb::rules::{Completion, CountSpec, Outcome, Rule, Sat, count, count_every_share};
use num_bigint::BigInt;
use num_rational::{BigRational, Ratio};
use num_traits::{One, Zero};
use proptest::prelude::*;

fn m(n: i64) -> Money {
    BigRational::from_integer(BigInt::from(n))
}

/// An election from costs and ballots (project indices, with points for cumulative).
fn build(
    budget: Money,
    costs: &[Money],
    ballots: &[Vec<(u32, i64)>],
    vote_type: VoteType,
) -> Election {
    // Ids chosen so that text order differs from index and numeric order.
    let ids = ["7", "10", "2", "b", "A", "a", "11", "3", "B", "1"];
    let projects = costs
        .iter()
        .enumerate()
        .map(|(i, c)| Project {
            id: ids
                .get(i)
                .map_or_else(|| format!("p{i}"), |s| s.to_string()),
            cost: c.clone(),
            cells: Vec::new(),
        })
        .collect();
    let cols = if vote_type.has_points() {
        vec!["voter_id".into(), "vote".into(), "points".into()]
    } else {
        vec!["voter_id".into(), "vote".into()]
    };
    let mut profile = Profile::new(cols);
    for (v, b) in ballots.iter().enumerate() {
        let projects: Vec<u32> = b.iter().map(|(p, _)| *p).collect();
        let points: Vec<Points> = if vote_type.has_points() {
            b.iter().map(|(_, s)| Ratio::from_integer(*s)).collect()
        } else {
            Vec::new()
        };
        let id = v.to_string();
        profile.push(0, &[id.as_str()], &projects, &points).unwrap();
    }
    Election {
        instance: Instance {
            meta: Vec::new(),
            vote_type,
            budget,
            project_columns: vec!["project_id".into(), "cost".into()],
            projects,
        },
        profile,
    }
}

fn approval_election() -> impl Strategy<Value = Election> {
    (1usize..=7, 0usize..=12).prop_flat_map(|(np, nv)| {
        (
            prop::collection::vec(0i64..=12, np),
            1i64..=40,
            prop::collection::vec(prop::collection::btree_set(0u32..np as u32, 0..=np), nv),
        )
            .prop_map(|(costs, budget, ballots)| {
                let costs: Vec<Money> = costs.into_iter().map(m).collect();
                let ballots: Vec<Vec<(u32, i64)>> = ballots
                    .into_iter()
                    .map(|s| s.into_iter().map(|p| (p, 1)).collect())
                    .collect();
                build(m(budget), &costs, &ballots, VoteType::Approval)
            })
    })
}

fn cumulative_election() -> impl Strategy<Value = Election> {
    (1usize..=6, 1usize..=10).prop_flat_map(|(np, nv)| {
        (
            prop::collection::vec(1i64..=12, np),
            1i64..=40,
            prop::collection::vec(
                prop::collection::btree_map(0u32..np as u32, 0i64..=4, 0..=np),
                nv,
            ),
        )
            .prop_map(|(costs, budget, ballots)| {
                let costs: Vec<Money> = costs.into_iter().map(m).collect();
                let ballots: Vec<Vec<(u32, i64)>> = ballots
                    .into_iter()
                    .map(|b| b.into_iter().collect())
                    .collect();
                build(m(budget), &costs, &ballots, VoteType::Cumulative)
            })
    })
}

/// Elections whose shares start far below the costs, so that the Add1 completions go through
/// tens to hundreds of shares; costs and the budget may be fractions.
fn wide_election() -> impl Strategy<Value = Election> {
    (1usize..=7, 1usize..=9, any::<bool>()).prop_flat_map(|(np, nv, cumulative)| {
        (
            prop::collection::vec((1i64..=300, 1i64..=3), np),
            (20i64..=1500, 1i64..=7),
            prop::collection::vec(
                prop::collection::btree_map(0u32..np as u32, 1i64..=3, 0..=np),
                nv,
            ),
        )
            .prop_map(move |(costs, (budget, denom), ballots)| {
                let costs: Vec<Money> = costs.into_iter().map(|(c, d)| m(c) / m(d)).collect();
                let (vote_type, ballots): (VoteType, Vec<Vec<(u32, i64)>>) = if cumulative {
                    (
                        VoteType::Cumulative,
                        ballots
                            .into_iter()
                            .map(|b| b.into_iter().collect())
                            .collect(),
                    )
                } else {
                    (
                        VoteType::Approval,
                        ballots
                            .into_iter()
                            .map(|b| b.into_keys().map(|p| (p, 1)).collect())
                            .collect(),
                    )
                };
                build(m(budget) / m(denom), &costs, &ballots, vote_type)
            })
    })
}

/// Elections in which no voter supports two projects (choose-1 ballots, or cumulative ballots
/// naming one project with 1–3 points), which Equal Shares counts by its shortcut for disjoint
/// supporters; shares start far below the costs so that Add1 goes through many of them, and
/// costs repeat so that ρ's tie.
fn single_choice_election() -> impl Strategy<Value = Election> {
    (1usize..=7, 1usize..=14, any::<bool>()).prop_flat_map(|(np, nv, cumulative)| {
        (
            prop::collection::vec((1i64..=4, 1i64..=2), np),
            (2i64..=400, 1i64..=3),
            prop::collection::vec(prop::option::of((0u32..np as u32, 1i64..=3)), nv),
        )
            .prop_map(move |(costs, (budget, denom), ballots)| {
                let costs: Vec<Money> = costs.into_iter().map(|(c, d)| m(c * 50) / m(d)).collect();
                let vote_type = if cumulative {
                    VoteType::Cumulative
                } else {
                    VoteType::Choose1
                };
                let ballots: Vec<Vec<(u32, i64)>> = ballots
                    .into_iter()
                    .map(|b| {
                        b.map(|(p, points)| (p, if cumulative { points } else { 1 }))
                            .into_iter()
                            .collect()
                    })
                    .collect();
                build(m(budget) / m(denom), &costs, &ballots, vote_type)
            })
    })
}

/// Approval elections full of exact ties: projects come as twins or triplets with the same
/// cost and the same supporters, and costs take few values, so that equal ρ's (broken by id)
/// meet every part of the engine, dropped candidates included.
fn tied_election() -> impl Strategy<Value = Election> {
    (1usize..=4, 1usize..=9).prop_flat_map(|(nb, nv)| {
        (
            prop::collection::vec((0usize..3, 1usize..=3), nb),
            (20i64..=900, 1i64..=3),
            prop::collection::vec(prop::collection::btree_set(0usize..nb, 0..=nb), nv),
        )
            .prop_map(move |(bases, (budget, denom), ballots)| {
                const COSTS: [i64; 3] = [60, 100, 150];
                let mut costs = Vec::new();
                // The ids of each base project's copies.
                let mut copies: Vec<Vec<u32>> = Vec::new();
                for (c, n) in bases {
                    let cost = COSTS.get(c).copied().unwrap_or(100);
                    let first = costs.len() as u32;
                    costs.extend(std::iter::repeat_n(m(cost), n));
                    copies.push((first..first + n as u32).collect());
                }
                let ballots: Vec<Vec<(u32, i64)>> = ballots
                    .into_iter()
                    .map(|b| {
                        b.into_iter()
                            .flat_map(|base| copies[base].iter().map(|&p| (p, 1)))
                            .collect()
                    })
                    .collect();
                build(m(budget) / m(denom), &costs, &ballots, VoteType::Approval)
            })
    })
}

fn all_specs(vote_type: VoteType) -> Vec<CountSpec> {
    let sats: Vec<Sat> = if vote_type.has_points() {
        vec![Sat::Points, Sat::Cost, Sat::Card]
    } else {
        vec![Sat::Cost, Sat::Card, Sat::Effort]
    };
    let mut specs = Vec::new();
    for &sat in &sats {
        specs.push(CountSpec {
            rule: Rule::Greedy,
            sat: Some(sat),
            completion: Completion::None,
        });
        for completion in [
            Completion::None,
            Completion::Add1,
            Completion::Add1Utilitarian,
            Completion::Add1Pabulib,
        ] {
            specs.push(CountSpec {
                rule: Rule::Mes,
                sat: Some(sat),
                completion,
            });
        }
    }
    if vote_type.is_approval_like() {
        specs.push(CountSpec {
            rule: Rule::Phragmen,
            sat: None,
            completion: Completion::None,
        });
    }
    specs
}

fn run(e: &Election, spec: &CountSpec) -> Outcome {
    count(e, spec, &mut |_| {}).unwrap()
}

fn reversed_voters(e: &Election) -> Election {
    let mut p = Profile::new(e.profile.columns.clone());
    let voters: Vec<_> = e.profile.voters().collect();
    for v in voters.iter().rev() {
        let cells: Vec<&str> = (0..e.profile.text_columns().count())
            .map(|k| v.cell_at(k).unwrap_or(""))
            .collect();
        p.push(0, &cells, v.projects(), v.points()).unwrap();
    }
    Election {
        instance: e.instance.clone(),
        profile: p,
    }
}

/// pabutools' MES, transcribed directly: per-voter exact budgets, all candidates re-evaluated
/// every round, smallest ρ then smallest id as text.
fn reference_mes(e: &Election, sat: Sat, b0: &Money) -> Vec<usize> {
    let n = e.profile.len();
    let np = e.instance.projects.len();
    let cost = |p: usize| e.instance.projects[p].cost.clone();
    let count_naming: Vec<i64> = (0..np)
        .map(|p| {
            e.profile
                .voters()
                .filter(|v| v.projects().contains(&(p as u32)))
                .count() as i64
        })
        .collect();
    let util = |v: usize, p: usize| -> Money {
        let voter = e.profile.voter(v).unwrap();
        let pos = voter.projects().iter().position(|&q| q as usize == p);
        match (sat, pos) {
            (_, None) => Money::zero(),
            (Sat::Cost, Some(_)) => cost(p),
            (Sat::Card, Some(_)) => Money::one(),
            (Sat::Effort, Some(_)) => cost(p) / m(count_naming[p]),
            (Sat::Points, Some(i)) => {
                let pt = voter.points()[i];
                BigRational::new(BigInt::from(*pt.numer()), BigInt::from(*pt.denom()))
            }
            (Sat::Borda, Some(i)) => m((voter.projects().len() - i - 1) as i64),
        }
    };
    let mut budget = vec![b0.clone(); n];
    let mut out: Vec<usize> = Vec::new();
    let mut cands: Vec<usize> = (0..np)
        .filter(|&p| {
            cost(p) > Money::zero() && (0..n).map(|v| util(v, p)).sum::<Money>() > Money::zero()
        })
        .collect();
    let mut free: Vec<usize> = (0..np)
        .filter(|&p| cost(p).is_zero() && (0..n).map(|v| util(v, p)).sum::<Money>() > Money::zero())
        .collect();
    free.sort_by(|&a, &b| e.instance.projects[a].id.cmp(&e.instance.projects[b].id));
    out.extend(free);
    loop {
        let mut best: Option<(Money, usize)> = None;
        for &p in &cands {
            let mut supp: Vec<usize> = (0..n).filter(|&v| util(v, p) > Money::zero()).collect();
            let avail: Money = supp.iter().map(|&v| budget[v].clone()).sum();
            if avail < cost(p) {
                continue;
            }
            supp.sort_by(|&a, &b| (&budget[a] / util(a, p)).cmp(&(&budget[b] / util(b, p))));
            let mut paid = Money::zero();
            let mut denom: Money = supp.iter().map(|&v| util(v, p)).sum();
            for &v in &supp {
                let rho = (cost(p) - &paid) / &denom;
                if &rho * util(v, p) <= budget[v] {
                    let better = match &best {
                        None => true,
                        Some((b, q)) => {
                            rho < *b
                                || (rho == *b
                                    && e.instance.projects[p].id < e.instance.projects[*q].id)
                        }
                    };
                    if better {
                        best = Some((rho, p));
                    }
                    break;
                }
                paid += &budget[v];
                denom -= util(v, p);
            }
        }
        let Some((rho, p)) = best else { break };
        for v in 0..n {
            let u = util(v, p);
            if u > Money::zero() {
                let pay = std::cmp::min(budget[v].clone(), &rho * u);
                budget[v] -= pay;
            }
        }
        out.push(p);
        cands.retain(|&q| q != p);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn approval_outcomes_fit_and_ignore_voter_order(e in approval_election()) {
        let rev = reversed_voters(&e);
        for spec in all_specs(VoteType::Approval) {
            let o = run(&e, &spec);
            prop_assert!(o.total_cost <= e.instance.budget, "{spec:?} overspends");
            let r = run(&rev, &spec);
            prop_assert_eq!(&o.winners, &r.winners, "{:?} depends on voter order", spec);
            let n_selected = o.projects.iter().filter(|p| p.selected).count();
            prop_assert_eq!(n_selected, o.winners.len());
            prop_assert_eq!(o.voter_satisfaction.len(), e.profile.len());
        }
    }

    #[test]
    fn greedy_and_utilitarian_completion_are_exhaustive(e in approval_election()) {
        for sat in [Sat::Cost, Sat::Card, Sat::Effort] {
            for spec in [
                CountSpec { rule: Rule::Greedy, sat: Some(sat), completion: Completion::None },
                CountSpec { rule: Rule::Mes, sat: Some(sat), completion: Completion::Add1Utilitarian },
            ] {
                let o = run(&e, &spec);
                let left = o.leftover();
                for p in o.projects.iter().filter(|p| !p.selected) {
                    prop_assert!(e.instance.projects[p.index].cost > left,
                        "{spec:?}: {} would still fit", e.instance.projects[p.index].id);
                }
            }
        }
    }

    #[test]
    fn mes_matches_the_direct_transcription(e in approval_election()) {
        prop_assume!(!e.profile.is_empty());
        let b0 = &e.instance.budget / m(e.profile.len() as i64);
        for sat in [Sat::Cost, Sat::Card, Sat::Effort] {
            let o = run(&e, &CountSpec { rule: Rule::Mes, sat: Some(sat), completion: Completion::None });
            prop_assert_eq!(&o.winners, &reference_mes(&e, sat, &b0), "sat {}", sat);
            // Every project bought is affordable: its supporters' payments cover exactly its cost.
            for p in o.projects.iter() {
                if let cocity_pb::explain::Explanation::MesSelected { payments, .. } = &p.explanation {
                    prop_assert_eq!(&payments.total, &e.instance.projects[p.index].cost);
                    prop_assert!(payments.max <= b0);
                }
            }
            // Add1: the result is the reference run at the reported share.
            let a = run(&e, &CountSpec { rule: Rule::Mes, sat: Some(sat), completion: Completion::Add1 });
            let b = a.final_voter_budget.clone().unwrap();
            let mut expect = reference_mes(&e, sat, &b);
            if e.instance.total_cost(&expect) > e.instance.budget {
                // The run at b over-spent only if b was the first share; never the case.
                expect.clear();
            }
            prop_assert_eq!(&a.winners, &expect);
            supporters_had_what_they_kept(&e, &o)?;
            supporters_had_what_they_kept(&e, &a)?;
        }
    }

    #[test]
    fn cumulative_mes_matches_the_direct_transcription(e in cumulative_election()) {
        let b0 = &e.instance.budget / m(e.profile.len() as i64);
        for sat in [Sat::Points, Sat::Cost, Sat::Card] {
            let o = run(&e, &CountSpec { rule: Rule::Mes, sat: Some(sat), completion: Completion::None });
            prop_assert_eq!(&o.winners, &reference_mes(&e, sat, &b0), "sat {}", sat);
        }
        for spec in all_specs(VoteType::Cumulative) {
            let o = run(&e, &spec);
            prop_assert!(o.total_cost <= e.instance.budget);
            let r = run(&reversed_voters(&e), &spec);
            prop_assert_eq!(&o.winners, &r.winners);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// The Add1 completions skip the shares that cannot change the outcome; running every share,
    /// as pabutools does, must give the same outcome: winners, explanations, the returned share
    /// and the number of shares gone through.
    #[test]
    fn skipping_shares_changes_no_outcome(e in wide_election()) {
        skipping_matches_every_share(&e)?;
    }

    /// The same with exact ties everywhere.
    #[test]
    fn skipping_shares_changes_no_outcome_with_ties(e in tied_election()) {
        skipping_matches_every_share(&e)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Disjoint supporters take a shortcut (each candidate evaluated once per run, and the next
    /// share that changes anything computed directly): it must give the rounds' outcome, in the
    /// rounds' order, and skip no share that matters.
    #[test]
    fn single_choice_ballots_match_the_direct_transcription(e in single_choice_election()) {
        let b0 = &e.instance.budget / m(e.profile.len() as i64);
        let sats: &[Sat] = if e.instance.vote_type.has_points() {
            &[Sat::Points, Sat::Cost, Sat::Card]
        } else {
            &[Sat::Cost, Sat::Card, Sat::Effort]
        };
        for &sat in sats {
            let o = run(&e, &CountSpec { rule: Rule::Mes, sat: Some(sat), completion: Completion::None });
            prop_assert_eq!(&o.winners, &reference_mes(&e, sat, &b0), "sat {}", sat);
            for p in o.projects.iter() {
                if let cocity_pb::explain::Explanation::MesSelected { payments, .. } = &p.explanation {
                    prop_assert_eq!(&payments.total, &e.instance.projects[p.index].cost);
                }
            }
            let a = run(&e, &CountSpec { rule: Rule::Mes, sat: Some(sat), completion: Completion::Add1 });
            let b = a.final_voter_budget.clone().unwrap();
            let mut expect = reference_mes(&e, sat, &b);
            if e.instance.total_cost(&expect) > e.instance.budget {
                expect.clear();
            }
            prop_assert_eq!(&a.winners, &expect, "add1, sat {}", sat);
        }
        skipping_matches_every_share(&e)?;
    }
}

/// What an Equal Shares outcome says the supporters of a project it could not afford still
/// held is their share minus what they paid for the projects bought (payments replayed per
/// voter).
fn supporters_had_what_they_kept(e: &Election, o: &Outcome) -> Result<(), TestCaseError> {
    let Some(b) = o.final_voter_budget.clone() else {
        return Ok(());
    };
    let mut kept = vec![b; e.profile.len()];
    for p in o.projects.iter().filter(|p| p.selected) {
        for (v, paid) in o.payments(e, p.index).unwrap_or_default() {
            kept[v] -= paid;
        }
    }
    for p in &o.projects {
        if let cocity_pb::explain::Explanation::MesUnaffordable { supporters_had, .. } =
            &p.explanation
        {
            let held: Money = e
                .profile
                .voters()
                .enumerate()
                .filter(|(_, v)| v.projects().contains(&(p.index as u32)))
                .map(|(i, _)| kept[i].clone())
                .sum();
            prop_assert_eq!(supporters_had, &held, "project {}", p.index);
        }
    }
    Ok(())
}

fn skipping_matches_every_share(e: &Election) -> Result<(), TestCaseError> {
    for spec in all_specs(e.instance.vote_type) {
        if spec.rule != Rule::Mes || spec.completion == Completion::None {
            continue;
        }
        let skipped = run(e, &spec);
        let mut every = count_every_share(e, &spec, &mut |_| {}).unwrap();
        prop_assert!(skipped.mes_runs_computed <= every.mes_runs_computed + 1);
        every.mes_runs_computed = skipped.mes_runs_computed;
        prop_assert_eq!(&skipped, &every, "{:?}", spec);
    }
    Ok(())
}

/// Costs and a budget so large that ρ·u and the cross-multiplied comparisons overflow i128:
/// the engine must switch to big rationals and still agree with the direct transcription.
#[test]
fn huge_numbers_fall_back_to_big_rationals() {
    let big = |s: &str| BigRational::from_integer(s.parse::<BigInt>().unwrap());
    let costs = [
        big("300000000000000000000000007"),
        big("200000000000000000000000011"),
        big("170000000000000000000000013"),
        big("90000000000000000000000017"),
    ];
    let budget = big("700000000000000000000000019");
    let ballots: Vec<Vec<(u32, i64)>> = vec![
        vec![(0, 1), (1, 1)],
        vec![(0, 1), (2, 1)],
        vec![(1, 1), (2, 1), (3, 1)],
        vec![(0, 1)],
        vec![(3, 1), (2, 1)],
        vec![(1, 1)],
        vec![(0, 1), (3, 1)],
    ];
    let e = build(budget.clone(), &costs, &ballots, VoteType::Approval);
    let b0 = &budget / m(7);
    for sat in [Sat::Cost, Sat::Card, Sat::Effort] {
        let o = run(
            &e,
            &CountSpec {
                rule: Rule::Mes,
                sat: Some(sat),
                completion: Completion::None,
            },
        );
        assert_eq!(o.winners, reference_mes(&e, sat, &b0), "sat {sat}");
        assert!(!o.winners.is_empty());
    }
    // The numbers really are beyond i128 (≈1.7·10^38) once multiplied.
    assert!(&costs[0] * &costs[1] > big("170141183460469231731687303715884105727"));
}
