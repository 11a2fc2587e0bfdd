//! The worked examples of PB-SEMANTICS.md §10 (answers checked against pabutools 1.2.3), with
//! the exact numbers behind the explanations.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use cocity_pb::Election;
use cocity_pb::explain::Explanation;
use cocity_pb::numeric::money;
use cocity_pb::pabulib;
use cocity_pb::rules::{Completion, CountError, CountSpec, Outcome, Rule, Sat, count};

fn election(budget: &str, projects: &[(&str, &str)], votes: &[&str]) -> Election {
    let mut s = format!(
        "META\nkey;value\nbudget;{budget}\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
    );
    for (id, cost) in projects {
        s.push_str(&format!("{id};{cost}\n"));
    }
    s.push_str("VOTES\nvoter_id;vote\n");
    for (i, v) in votes.iter().enumerate() {
        s.push_str(&format!("{};{v}\n", i + 1));
    }
    pabulib::read_str(&s).unwrap()
}

fn w1() -> Election {
    election(
        "5",
        &[("2", "2"), ("10", "2"), ("a", "3"), ("z", "1")],
        &["2,10", "2,10", "a"],
    )
}

fn w2_votes(eleventh: &'static str) -> Vec<&'static str> {
    vec![
        "bike,gym",
        "bike,gym,park",
        "bike,gym",
        "bike,gym,park",
        "bike,gym,park",
        "bike,gym",
        "park,playground,library",
        "playground",
        "playground,library",
        "park,playground,library",
        eleventh,
    ]
}

fn w2_projects() -> Vec<(&'static str, &'static str)> {
    vec![
        ("bike", "700"),
        ("gym", "400"),
        ("park", "250"),
        ("playground", "200"),
        ("library", "100"),
    ]
}

fn w2() -> Election {
    election("1100", &w2_projects(), &w2_votes("bike"))
}

fn w3() -> Election {
    election("1100", &w2_projects(), &w2_votes("gym"))
}

fn w4() -> Election {
    election(
        "13",
        &[("p1", "6"), ("p2", "6"), ("p3", "4"), ("p4", "3")],
        &["p2", "p1,p2,p3", "p1,p3"],
    )
}

fn run(e: &Election, rule: Rule, sat: Option<Sat>, completion: Completion) -> Outcome {
    count(
        e,
        &CountSpec {
            rule,
            sat,
            completion,
        },
        &mut |_| {},
    )
    .unwrap()
}

fn ids(e: &Election, o: &Outcome) -> Vec<String> {
    o.winners
        .iter()
        .map(|&p| e.instance.projects[p].id.clone())
        .collect()
}

fn idx(e: &Election, id: &str) -> usize {
    e.instance.project_index(id).unwrap()
}

#[test]
fn w1_string_tie_break_greedy_skip_and_unsupported_project() {
    let e = w1();
    for sat in [Sat::Cost, Sat::Card] {
        let o = run(&e, Rule::Greedy, Some(sat), Completion::None);
        assert_eq!(ids(&e, &o), ["10", "2", "z"], "greedy {sat}");
    }
    let o = run(&e, Rule::Greedy, None, Completion::None);
    assert_eq!(o.sat, Sat::Cost);
    match &o.projects[idx(&e, "a")].explanation {
        Explanation::GreedySkipped {
            rank,
            cost,
            remaining,
            ..
        } => {
            assert_eq!(
                (*rank, cost.clone(), remaining.clone()),
                (3, money(3, 1), money(1, 1))
            );
        }
        other => panic!("a: {other:?}"),
    }
    assert_eq!(o.total_cost, money(5, 1));

    let o = run(&e, Rule::Mes, None, Completion::None);
    assert_eq!(ids(&e, &o), ["10"]);
    assert_eq!(o.final_voter_budget, Some(money(5, 3)));
    match &o.projects[idx(&e, "10")].explanation {
        Explanation::MesSelected {
            round,
            rho,
            payments,
        } => {
            assert_eq!(*round, 1);
            assert_eq!(*rho, money(1, 2)); // 2 / (2 supporters · utility 2); each pays ρ·2 = 1
            assert_eq!(payments.payers, 2);
            assert_eq!(payments.min, money(1, 1));
            assert_eq!(payments.max, money(1, 1));
            assert_eq!(payments.total, money(2, 1));
        }
        other => panic!("10: {other:?}"),
    }
    match &o.projects[idx(&e, "2")].explanation {
        Explanation::MesUnaffordable {
            needed,
            supporters_had,
        } => {
            assert_eq!((needed, supporters_had), (&money(2, 1), &money(4, 3)));
        }
        other => panic!("2: {other:?}"),
    }
    assert_eq!(
        o.projects[idx(&e, "z")].explanation,
        Explanation::MesNoSupport { cost_zero: false }
    );
    let payments = o.payments(&e, idx(&e, "10")).unwrap();
    assert_eq!(payments, vec![(0, money(1, 1)), (1, money(1, 1))]);
    assert!(o.payments(&e, idx(&e, "2")).is_none());

    let o = run(&e, Rule::Mes, None, Completion::Add1);
    assert_eq!(ids(&e, &o), ["10", "2"]);
    assert_eq!(o.final_voter_budget, Some(money(8, 3)));
    let o = run(&e, Rule::Mes, None, Completion::Add1Utilitarian);
    assert_eq!(ids(&e, &o), ["10", "2", "z"]);
    assert!(matches!(
        o.projects[idx(&e, "z")].explanation,
        Explanation::CompletionSelected { step: 1, .. }
    ));

    let o = run(&e, Rule::Phragmen, None, Completion::None);
    assert_eq!(ids(&e, &o), ["10", "2"]);
    assert_eq!(
        o.projects[idx(&e, "2")].explanation,
        Explanation::PhragmenSelected {
            step: 2,
            load: Some(money(2, 1))
        }
    );
    match &o.projects[idx(&e, "a")].explanation {
        Explanation::PhragmenStopped { blocker, load, .. } => {
            assert_eq!(blocker, "a");
            assert_eq!(load, &Some(money(3, 1)));
        }
        other => panic!("a: {other:?}"),
    }
}

#[test]
fn w2_equalshares_net_example_1() {
    let e = w2();
    for c in [
        Completion::None,
        Completion::Add1,
        Completion::Add1Utilitarian,
        Completion::Add1Pabulib,
    ] {
        let o = run(&e, Rule::Mes, Some(Sat::Cost), c);
        assert_eq!(ids(&e, &o), ["bike", "playground", "library"], "{c}");
        assert_eq!(o.total_cost, money(1000, 1));
    }
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Greedy, Some(Sat::Cost), Completion::None)
        ),
        ["bike", "gym"]
    );
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Greedy, Some(Sat::Card), Completion::None)
        ),
        ["library", "park", "playground", "gym"]
    );
    assert_eq!(
        ids(&e, &run(&e, Rule::Mes, Some(Sat::Card), Completion::None)),
        ["library", "park", "gym", "playground"]
    );
    assert_eq!(
        ids(&e, &run(&e, Rule::Phragmen, None, Completion::None)),
        ["gym", "library", "park", "playground"]
    );
    let o = run(&e, Rule::Mes, Some(Sat::Cost), Completion::None);
    // Every voter funds at least one project they voted for.
    assert_eq!(o.voters_satisfied(), 11);
    let total: cocity_pb::Money = o.voter_satisfaction.iter().sum();
    assert_eq!(total, money(6000, 1));
}

#[test]
fn w3_equalshares_net_example_2_exact_payments() {
    let e = w3();
    let o = run(&e, Rule::Mes, Some(Sat::Cost), Completion::None);
    assert_eq!(ids(&e, &o), ["gym", "park", "playground"]);
    assert_eq!(o.total_cost, money(850, 1));
    match &o.projects[idx(&e, "park")].explanation {
        Explanation::MesSelected {
            round,
            rho,
            payments,
        } => {
            assert_eq!(*round, 2);
            // ρ·cost = 17/70 · 250 = 425/7: the largest payment.
            assert_eq!(rho * money(250, 1), money(425, 7));
            assert_eq!(payments.min, money(300, 7));
            assert_eq!(payments.max, money(425, 7));
            assert_eq!(payments.payers, 5);
            assert_eq!(payments.total, money(250, 1));
        }
        other => panic!("park: {other:?}"),
    }
    let mut pays = o.payments(&e, idx(&e, "park")).unwrap();
    pays.sort_by(|a, b| a.1.cmp(&b.1));
    let amounts: Vec<_> = pays.iter().map(|(_, m)| m.clone()).collect();
    assert_eq!(
        amounts,
        vec![
            money(300, 7),
            money(300, 7),
            money(300, 7),
            money(425, 7),
            money(425, 7)
        ]
    );
    for c in [
        Completion::Add1,
        Completion::Add1Utilitarian,
        Completion::Add1Pabulib,
    ] {
        let o = run(&e, Rule::Mes, Some(Sat::Cost), c);
        assert_eq!(ids(&e, &o), ["gym", "park", "playground", "library"], "{c}");
    }
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Greedy, Some(Sat::Cost), Completion::None)
        ),
        ["gym", "bike"]
    );
}

#[test]
fn w4_three_way_tie_add1_and_phragmen_stop() {
    let e = w4();
    let o = run(&e, Rule::Mes, Some(Sat::Cost), Completion::None);
    assert_eq!(ids(&e, &o), ["p1"]);
    assert_eq!(
        ids(&e, &run(&e, Rule::Mes, Some(Sat::Cost), Completion::Add1)),
        ["p1", "p3"]
    );
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Mes, Some(Sat::Cost), Completion::Add1Utilitarian)
        ),
        ["p1", "p3", "p4"]
    );
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Mes, Some(Sat::Cost), Completion::Add1Pabulib)
        ),
        ["p1", "p2"]
    );
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Greedy, Some(Sat::Cost), Completion::None)
        ),
        ["p1", "p2"]
    );
    assert_eq!(
        ids(
            &e,
            &run(&e, Rule::Greedy, Some(Sat::Card), Completion::None)
        ),
        ["p3", "p1", "p4"]
    );
    assert_eq!(
        ids(&e, &run(&e, Rule::Mes, Some(Sat::Card), Completion::None)),
        ["p3", "p2"]
    );
    let o = run(&e, Rule::Phragmen, None, Completion::None);
    assert_eq!(ids(&e, &o), ["p2", "p3"]);
    match &o.projects[idx(&e, "p1")].explanation {
        Explanation::PhragmenStopped {
            step,
            blocker,
            remaining,
            load,
            ..
        } => {
            assert_eq!((*step, blocker.as_str()), (3, "p1"));
            assert_eq!(remaining, &money(3, 1));
            assert_eq!(load, &Some(money(6, 1)));
        }
        other => panic!("p1: {other:?}"),
    }
}

#[test]
fn w5_wieliczka_add1_pabulib_reproduces_the_official_outcome() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/pabulib/Poland_Wieliczka_2023_Green_Budget.pb");
    let e = pabulib::read_path(&path).unwrap();
    let cols = &e.instance.project_columns;
    let mut official: Vec<usize> = (0..e.instance.projects.len())
        .filter(|&p| e.instance.projects[p].cell(cols, "selected") == Some("1"))
        .collect();
    official.sort();
    assert_eq!(official.len(), 30);

    let o = run(&e, Rule::Mes, Some(Sat::Cost), Completion::Add1Pabulib);
    let mut got = o.winners.clone();
    got.sort();
    assert_eq!(got, official);
    assert_eq!(o.total_cost, money(995_079, 1));

    let o = run(&e, Rule::Mes, Some(Sat::Cost), Completion::None);
    assert_eq!(
        (o.winners.len(), o.total_cost.clone()),
        (21, money(450_548, 1))
    );
    let o = run(&e, Rule::Mes, Some(Sat::Cost), Completion::Add1);
    assert_eq!(
        (o.winners.len(), o.total_cost.clone()),
        (31, money(984_579, 1))
    );
    assert_eq!(o.final_voter_budget, Some(money(993_950, 3293)));
}

#[test]
fn errors_name_the_problem() {
    let e = w1();
    let err = |rule, sat, completion| -> CountError {
        count(
            &e,
            &CountSpec {
                rule,
                sat,
                completion,
            },
            &mut |_| {},
        )
        .unwrap_err()
    };
    assert_eq!(
        err(Rule::Mes, Some(Sat::Borda), Completion::None).to_string(),
        "satisfaction `borda` needs ordinal ballots; this file is approval"
    );
    assert_eq!(
        err(Rule::Greedy, None, Completion::Add1).to_string(),
        "completion `add1` applies to the Method of Equal Shares only, not to greedy"
    );
    let cumulative = pabulib::read_str(
        "META\nkey;value\nbudget;10\nvote_type;cumulative\nmax_sum_points;3\nPROJECTS\nproject_id;cost\na;4\nb;6\nVOTES\nvoter_id;vote;points\n1;a,b;2,1\n",
    )
    .unwrap();
    let e2 = count(
        &cumulative,
        &CountSpec {
            rule: Rule::Phragmen,
            sat: None,
            completion: Completion::None,
        },
        &mut |_| {},
    )
    .unwrap_err();
    assert_eq!(
        e2.to_string(),
        "Phragmén needs approval or choose-1 ballots; this file is cumulative"
    );
    assert!("bogus".parse::<Rule>().is_err());
    assert!("add2".parse::<Completion>().is_err());
    assert!("votes".parse::<Sat>().is_err());
}

#[test]
fn cardinal_and_ordinal_ballots_use_their_own_measures() {
    // Points: voter 1 gives a 2 and b 1; voter 2 gives b 3. B/n = 6.
    let e = pabulib::read_str(
        "META\nkey;value\nbudget;12\nvote_type;cumulative\nmax_sum_points;3\nPROJECTS\nproject_id;cost\na;4\nb;6\nVOTES\nvoter_id;vote;points\n1;a,b;2,1\n2;b;3\n",
    )
    .unwrap();
    let o = run(&e, Rule::Mes, None, Completion::None);
    assert_eq!(o.sat, Sat::Points);
    // ρ(b) = 6/4 (both can pay 1.5·u), ρ(a) = 4/2 = 2: b first, then a with voter 1's 4.5 left.
    assert_eq!(ids(&e, &o), ["b", "a"]);
    assert_eq!(
        o.voter_satisfaction.to_vec(),
        vec![money(3, 1), money(3, 1)]
    );
    // Borda: the last-ranked project scores 0, so a one-project ranking supports nothing.
    let e = pabulib::read_str(
        "META\nkey;value\nbudget;15\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;4\nb;6\nc;0\nVOTES\nvoter_id;vote\n1;a,b\n2;b\n3;c,a\n",
    )
    .unwrap();
    let o = run(&e, Rule::Greedy, None, Completion::None);
    assert_eq!(o.sat, Sat::Borda);
    // Generic path: the free project comes first whatever its score.
    assert_eq!(ids(&e, &o), ["c", "a", "b"]);
    let o = run(&e, Rule::Mes, None, Completion::None);
    assert_eq!(ids(&e, &o), ["c", "a"]);
}
