use num_bigint::BigInt;
use num_rational::Ratio;

use super::*;
use crate::model::{Instance, Points, Profile, Project};

fn q(n: i64, d: i64) -> Money {
    Money::new(BigInt::from(n), BigInt::from(d))
}

fn int(n: i64) -> Money {
    q(n, 1)
}

/// An election from project (id, cost) pairs and ballots of project ids.
fn election(
    vote_type: VoteType,
    budget: i64,
    projects: &[(&str, i64)],
    ballots: &[&[&str]],
) -> Election {
    let projects: Vec<Project> = projects
        .iter()
        .map(|(id, cost)| Project {
            id: (*id).to_owned(),
            cost: int(*cost),
            cells: vec![],
        })
        .collect();
    let mut profile = Profile::new(vec!["voter_id".into(), "vote".into()]);
    for (i, ballot) in ballots.iter().enumerate() {
        let items: Vec<u32> = ballot
            .iter()
            .map(|id| projects.iter().position(|p| p.id == *id).unwrap() as u32)
            .collect();
        profile
            .push(i as u32 + 1, &[&(i + 1).to_string()], &items, &[])
            .unwrap();
    }
    Election {
        instance: Instance {
            meta: vec![],
            vote_type,
            budget: int(budget),
            project_columns: vec!["project_id".into(), "cost".into()],
            projects,
        },
        profile,
    }
}

fn ids(e: &Election, names: &[&str]) -> Vec<usize> {
    names
        .iter()
        .map(|n| e.instance.project_index(n).unwrap())
        .collect()
}

/// PB-SEMANTICS.md W2 (equalshares.net Example 1).
fn w2() -> Election {
    election(
        VoteType::Approval,
        1100,
        &[
            ("bike", 700),
            ("gym", 400),
            ("park", 250),
            ("playground", 200),
            ("library", 100),
        ],
        &[
            &["bike", "gym"],
            &["bike", "gym", "park"],
            &["bike", "gym"],
            &["bike", "gym", "park"],
            &["bike", "gym", "park"],
            &["bike", "gym"],
            &["park", "playground", "library"],
            &["playground"],
            &["playground", "library"],
            &["park", "playground", "library"],
            &["bike"],
        ],
    )
}

#[test]
fn w2_figures_match_pabutools() {
    // PB-SEMANTICS.md §10 W2: avg Cost_Sat = 6000/11; Gini = 61/330; non-empty-handed = 1;
    // EJR holds (all computed by pabutools 1.2.3).
    let e = w2();
    let w = ids(&e, &["bike", "playground", "library"]);
    let r = outcome_report(&e, "mes", &w, Sat::Cost, DEFAULT_WORK_LIMIT).unwrap();
    assert_eq!(r.avg_satisfaction, q(6000, 11));
    assert_eq!(r.gini, Some(q(61, 330)));
    assert_eq!(r.non_empty_handed_share, int(1));
    assert_eq!(r.pabutools_non_empty_handed, Some(int(1)));
    assert_eq!(r.ejr_up_to_one.as_bool(), Some(true));
    assert_eq!(r.cost, int(1000));
    // Voters 1-6 and 11 have one funded project, 8 has one, 7, 9 and 10 have two.
    assert_eq!(r.funded_count_histogram, vec![0, 8, 3, 0, 0, 0]);
}

#[test]
fn greedy_outcome_of_w2_leaves_playground_voters_empty_handed() {
    let e = w2();
    let w = ids(&e, &["bike", "gym"]);
    let share = non_empty_handed_share(&e, &w).unwrap();
    // Voters 8 and 9 approve neither bike nor gym; 7 and 10 approve park, not funded.
    assert_eq!(share, q(7, 11));
    let flags = non_empty_handed(&e, &w).unwrap();
    assert_eq!(flags.iter().filter(|f| !**f).count(), 4);
}

#[test]
fn gini_follows_pabutools_formula() {
    assert_eq!(gini_coefficient(&[]), Some(int(0)));
    assert_eq!(gini_coefficient(&[int(0), int(0)]), Some(int(0)));
    assert_eq!(gini_coefficient(&[int(3), int(3), int(3)]), Some(int(0)));
    // One voter has everything: (n + 1 − 2·x·1/x)/n = (n − 1)/n.
    assert_eq!(
        gini_coefficient(&[int(0), int(0), int(0), int(5)]),
        Some(q(3, 4))
    );
    // 1, 2, 3: Σ x·(n − i) = 1·3 + 2·2 + 3·1 = 10; (4 − 20/6)/3 = 2/9.
    assert_eq!(gini_coefficient(&[int(3), int(1), int(2)]), Some(q(2, 9)));
    assert_eq!(gini_coefficient(&[int(1), int(-1)]), None);
}

#[test]
fn avg_of_nothing_is_zero() {
    assert_eq!(avg_satisfaction(&[]), int(0));
    assert_eq!(avg_satisfaction(&[int(1), int(2)]), q(3, 2));
}

#[test]
fn measures_per_voter() {
    let e = election(
        VoteType::Approval,
        10,
        &[("a", 6), ("b", 4), ("c", 3)],
        &[&["a", "b"], &["a"], &["c"], &[]],
    );
    let w = ids(&e, &["a", "b"]);
    assert_eq!(
        voter_satisfactions(&e, &w, Sat::Cost).unwrap(),
        vec![int(10), int(6), int(0), int(0)]
    );
    assert_eq!(
        voter_satisfactions(&e, &w, Sat::Card).unwrap(),
        vec![int(2), int(1), int(0), int(0)]
    );
    // a is on 2 ballots (6/2 = 3 each), b on one (4).
    assert_eq!(
        voter_satisfactions(&e, &w, Sat::Effort).unwrap(),
        vec![int(7), int(3), int(0), int(0)]
    );
    assert!(matches!(
        voter_satisfactions(&e, &w, Sat::Points),
        Err(AnalysisError::SatNotApplicable { .. })
    ));
    assert!(matches!(
        voter_satisfactions(&e, &[7], Sat::Cost),
        Err(AnalysisError::UnknownProject { index: 7, .. })
    ));
}

#[test]
fn borda_scores_the_last_ranked_zero() {
    let e = election(
        VoteType::Ordinal,
        10,
        &[("a", 1), ("b", 1), ("c", 1)],
        &[&["a", "b", "c"], &["c"], &["b", "a"]],
    );
    let w = ids(&e, &["a", "c"]);
    // [a, b, c]: a scores 2, c 0. [c]: 0. [b, a]: a scores 0.
    assert_eq!(
        voter_satisfactions(&e, &w, Sat::Borda).unwrap(),
        vec![int(2), int(0), int(0)]
    );
    assert_eq!(pabutools_non_empty_handed(&e, &w).unwrap(), None);
    assert_eq!(non_empty_handed_share(&e, &w).unwrap(), int(1));
}

#[test]
fn points_measure_and_cc_for_cumulative_ballots() {
    let mut e = election(VoteType::Cumulative, 10, &[("a", 1), ("b", 1)], &[]);
    let pts = |v: &[i64]| {
        v.iter()
            .map(|&x| Points::from_integer(x))
            .collect::<Vec<_>>()
    };
    e.profile = Profile::new(vec!["voter_id".into(), "vote".into(), "points".into()]);
    e.profile.push(1, &["1"], &[0, 1], &pts(&[3, 2])).unwrap();
    e.profile.push(2, &["2"], &[1], &pts(&[5])).unwrap();
    e.profile
        .push(3, &["3"], &[0], &[Ratio::new(1, 2)])
        .unwrap();
    let w = ids(&e, &["a", "b"]);
    assert_eq!(
        voter_satisfactions(&e, &w, Sat::Points).unwrap(),
        vec![int(5), int(5), q(1, 2)]
    );
    // CC_Sat: best score among funded projects: 3, 5, 1/2 → mean 17/6.
    assert_eq!(pabutools_non_empty_handed(&e, &w).unwrap(), Some(q(17, 6)));
    let only_b = ids(&e, &["b"]);
    assert_eq!(
        pabutools_non_empty_handed(&e, &only_b).unwrap(),
        Some(q(7, 3))
    );
    assert_eq!(non_empty_handed_share(&e, &only_b).unwrap(), q(2, 3));
}

#[test]
fn ejr_violation_has_a_witness() {
    // Two voters approve a and b (5 each), B = 10: together they deserve both.
    let e = election(
        VoteType::Approval,
        10,
        &[("a", 5), ("b", 5), ("c", 5)],
        &[&["a", "b"], &["a", "b"]],
    );
    let none = ejr_up_to_one(&e, &[], Sat::Cost, DEFAULT_WORK_LIMIT).unwrap();
    let EjrVerdict::Violated(witness) = none else {
        panic!("expected a violation, got {none:?}");
    };
    assert_eq!(witness.voters, vec![0, 1]);
    assert!(!witness.projects.is_empty());
    // Funding one of them is enough "up to one project".
    let a = ids(&e, &["a"]);
    assert_eq!(
        ejr_up_to_one(&e, &a, Sat::Cost, DEFAULT_WORK_LIMIT)
            .unwrap()
            .as_bool(),
        Some(true)
    );
    // Funding an unrelated project is not.
    let c = ids(&e, &["c"]);
    assert_eq!(
        ejr_up_to_one(&e, &c, Sat::Card, DEFAULT_WORK_LIMIT)
            .unwrap()
            .as_bool(),
        Some(false)
    );
}

#[test]
fn ejr_gives_up_honestly_and_refuses_other_ballots() {
    let e = w2();
    let v = ejr_up_to_one(&e, &[], Sat::Cost, 3).unwrap();
    assert!(matches!(v, EjrVerdict::Undecided { .. }), "{v:?}");
    assert_eq!(v.as_bool(), None);
    let o = election(VoteType::Ordinal, 10, &[("a", 1)], &[&["a"]]);
    let v = ejr_up_to_one(&o, &[], Sat::Borda, DEFAULT_WORK_LIMIT).unwrap();
    assert!(matches!(v, EjrVerdict::NotApplicable { .. }));
}

/// pabutools' definition taken literally: every non-empty group of voters and every non-empty
/// project set.
fn ejr_one_brute_force(e: &Election, winners: &[usize], sat: Sat) -> bool {
    let sats = voter_satisfactions(e, winners, sat).unwrap();
    let m = e.instance.projects.len();
    let n = e.profile.len();
    let unit = |p: usize| -> Money {
        let single = voter_satisfactions(e, &[p], sat).unwrap();
        single.into_iter().max().unwrap_or_else(|| int(0))
    };
    let units: Vec<Money> = (0..m).map(unit).collect();
    let ballots: Vec<Vec<u32>> = e.profile.voters().map(|v| v.projects().to_vec()).collect();
    for group in 1u32..(1 << n) {
        let members: Vec<usize> = (0..n).filter(|i| group & (1 << i) != 0).collect();
        for set in 1u32..(1 << m) {
            let t: Vec<usize> = (0..m).filter(|p| set & (1 << p) != 0).collect();
            let cost = e.instance.total_cost(&t);
            if cost * int(n as i64) > int(members.len() as i64) * &e.instance.budget {
                continue;
            }
            if !members
                .iter()
                .all(|&i| t.iter().all(|&p| ballots[i].contains(&(p as u32))))
            {
                continue;
            }
            let sat_t = t.iter().fold(int(0), |acc, &p| acc + &units[p]);
            let surplus = t
                .iter()
                .filter(|p| !winners.contains(p))
                .map(|&p| units[p].clone())
                .max()
                .unwrap_or_else(|| int(0));
            if !members.iter().any(|&i| &sats[i] + &surplus >= sat_t) {
                return false;
            }
        }
    }
    true
}

#[test]
fn ejr_search_agrees_with_the_literal_definition() {
    // A small linear congruential generator: deterministic, no dependency.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |bound: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % bound
    };
    let names = ["p0", "p1", "p2", "p3", "p4"];
    let mut violations = 0;
    for round in 0..300 {
        let m = 2 + next(4) as usize;
        let n = 1 + next(6) as usize;
        let projects: Vec<(&str, i64)> = (0..m).map(|p| (names[p], 1 + next(6) as i64)).collect();
        let ballots: Vec<Vec<&str>> = (0..n)
            .map(|_| (0..m).filter(|_| next(2) == 0).map(|p| names[p]).collect())
            .collect();
        let refs: Vec<&[&str]> = ballots.iter().map(Vec::as_slice).collect();
        let budget = 2 + next(12) as i64;
        let e = election(VoteType::Approval, budget, &projects, &refs);
        let winners: Vec<usize> = (0..m).filter(|_| next(3) == 0).collect();
        let sat = [Sat::Cost, Sat::Card, Sat::Effort][round % 3];
        let expected = ejr_one_brute_force(&e, &winners, sat);
        let got = ejr_up_to_one(&e, &winners, sat, DEFAULT_WORK_LIMIT).unwrap();
        assert_eq!(got.as_bool(), Some(expected), "round {round}: {got:?}");
        if let EjrVerdict::Violated(w) = &got {
            violations += 1;
            // The witness is itself a violation of the definition.
            let cost = e.instance.total_cost(&w.projects);
            assert!(cost * int(n as i64) <= int(w.voters.len() as i64) * &e.instance.budget);
        }
    }
    // The generator must exercise both answers.
    assert!(violations > 20 && violations < 280, "{violations}");
}

#[test]
fn stats_describe_the_instance() {
    let e = election(
        VoteType::Approval,
        10,
        &[("a", 6), ("b", 4), ("c", 12)],
        &[&["a", "b"], &["a"], &[], &["a", "b", "c"]],
    );
    let s = stats(&e);
    assert_eq!((s.projects, s.voters, s.empty_ballots), (3, 4, 1));
    assert_eq!(s.total_cost, int(22));
    assert_eq!(s.budget_ratio, Some(q(11, 5)));
    assert_eq!(s.vote_length_histogram, vec![1, 1, 1, 1]);
    let len = s.vote_length.unwrap();
    assert_eq!(
        (len.min, len.max, len.mean, len.median),
        (int(0), int(3), q(3, 2), q(3, 2))
    );
    let cost = s.cost.unwrap();
    assert_eq!(
        (cost.min, cost.max, cost.mean, cost.median),
        (int(4), int(12), q(22, 3), int(6))
    );
    // 4 and 6 are 40% and 60% of B; 12 is over budget.
    assert_eq!(s.cost_buckets, vec![0, 0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(s.projects_over_budget, 1);
    let votes: Vec<usize> = s.support.iter().map(|x| x.votes).collect();
    assert_eq!(votes, vec![3, 2, 1]);
    assert!(
        s.support
            .iter()
            .all(|x| x.points.is_none() && x.borda.is_none())
    );
}

#[test]
fn comparison_splits_projects() {
    let e = w2();
    let mes = ids(&e, &["bike", "playground", "library"]);
    let greedy = ids(&e, &["bike", "gym"]);
    let c = compare(
        &e,
        &[("mes".into(), mes), ("greedy".into(), greedy)],
        Sat::Cost,
        DEFAULT_WORK_LIMIT,
    )
    .unwrap();
    assert_eq!(c.only_in(0), ids(&e, &["playground", "library"]));
    assert_eq!(c.only_in(1), ids(&e, &["gym"]));
    assert_eq!(c.in_all(), ids(&e, &["bike"]));
    assert_eq!(c.differing().len(), 3);
    assert_eq!(c.outcomes[1].non_empty_handed_share, q(7, 11));
    assert_eq!(c.outcomes[1].cost, int(1100));
}

#[test]
fn exact_decimals() {
    assert_eq!(exact_decimal(&int(995_079)), "995079");
    assert_eq!(exact_decimal(&q(41, 4)), "10.25");
    assert_eq!(exact_decimal(&q(1, 8)), "0.125");
    assert_eq!(exact_decimal(&q(-3, 20)), "-0.15");
    assert_eq!(exact_decimal(&q(-1, 2)), "-0.5");
    assert_eq!(exact_decimal(&q(2, 3)), "2/3");
    assert_eq!(exact_decimal(&q(-7, 6)), "-7/6");
    assert_eq!(exact_decimal(&q(1, 1000)), "0.001");
    assert_eq!(exact_decimal(&int(0)), "0");
}
