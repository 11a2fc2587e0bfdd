//! The writer round-trips: read(write(e)) == e for generated elections and real files, and the
//! written real files pass the checker.

// Test helpers may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use cocity_pb::check;
use cocity_pb::pabulib::{self, number::format_money};
use cocity_pb::{Election, Instance, Money, Points, Profile, Project, VoteType};
use proptest::prelude::*;

fn is_reserved(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    matches!(l.as_str(), "none" | "meta" | "projects" | "votes")
}

/// Cell text a reader gives back unchanged: no surrounding whitespace, not `none`, no line
/// breaks (quotes and semicolons are fine: the writer quotes them).
fn cell_text() -> impl Strategy<Value = String> {
    "[a-zA-Zé0-9;\"/ _.-]{0,10}"
        .prop_map(|s| s.trim().to_owned())
        .prop_filter("reserved", |s| !is_reserved(s))
}

fn project_id() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9;\"/_.ł-]{1,5}".prop_filter("reserved", |s| !is_reserved(s))
}

fn money() -> impl Strategy<Value = Money> {
    (
        0i64..2_000_000_000,
        prop::sample::select(vec![1i64, 2, 3, 4, 7, 10, 100, 1000]),
    )
        .prop_map(|(n, d)| Money::new(n.into(), d.into()))
}

fn points() -> impl Strategy<Value = Points> {
    (-5i64..50, 1i64..5).prop_map(|(n, d)| Points::new(n, d))
}

fn vote_type() -> impl Strategy<Value = VoteType> {
    prop::sample::select(vec![
        VoteType::Approval,
        VoteType::Choose1,
        VoteType::Cumulative,
        VoteType::Scoring,
        VoteType::Ordinal,
    ])
}

type Ballot = (Vec<prop::sample::Index>, Vec<Points>, String);

fn election() -> impl Strategy<Value = Election> {
    (
        vote_type(),
        money(),
        prop::collection::btree_set(project_id(), 1..8),
        prop::collection::vec((money(), cell_text()), 8),
        prop::collection::vec(
            (
                prop::collection::vec(any::<prop::sample::Index>(), 0..6),
                prop::collection::vec(points(), 6),
                cell_text(),
            ),
            0..25,
        ),
        cell_text(),
    )
        .prop_map(|(vote_type, budget, ids, costs, ballots, description)| {
            build(
                vote_type,
                budget,
                ids.into_iter().collect(),
                costs,
                ballots,
                description,
            )
        })
}

fn build(
    vote_type: VoteType,
    budget: Money,
    ids: Vec<String>,
    costs: Vec<(Money, String)>,
    ballots: Vec<Ballot>,
    description: String,
) -> Election {
    let projects: Vec<Project> = ids
        .iter()
        .zip(&costs)
        .map(|(id, (cost, name))| Project {
            id: id.clone(),
            cost: cost.clone(),
            cells: vec![
                Some(id.clone()),
                Some(format_money(cost)),
                Some(name.clone()).filter(|n| !n.is_empty()),
            ],
        })
        .collect();
    let mut columns = vec!["voter_id".to_owned(), "vote".to_owned()];
    if vote_type.has_points() {
        columns.push("points".to_owned());
    }
    columns.push("sex".to_owned());
    let mut profile = Profile::new(columns);
    for (i, (picks, pts, sex)) in ballots.iter().enumerate() {
        let mut chosen: Vec<u32> = Vec::new();
        for pick in picks {
            let p = pick.index(projects.len()) as u32;
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        let pts: Vec<Points> = if vote_type.has_points() {
            pts[..chosen.len()].to_vec()
        } else {
            Vec::new()
        };
        profile
            .push(0, &[&format!("v{i}"), sex], &chosen, &pts)
            .unwrap();
    }
    let meta = vec![
        ("description".to_owned(), description),
        ("num_projects".to_owned(), projects.len().to_string()),
        ("num_votes".to_owned(), profile.len().to_string()),
        ("budget".to_owned(), format_money(&budget)),
        ("vote_type".to_owned(), vote_type.as_str().to_owned()),
        ("unknown_key".to_owned(), "kept".to_owned()),
    ];
    Election {
        instance: Instance {
            meta,
            vote_type,
            budget,
            project_columns: vec!["project_id".into(), "cost".into(), "name".into()],
            projects,
        },
        profile,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_elections_round_trip(e in election()) {
        let text = pabulib::to_string(&e);
        let mut back = pabulib::read_str(&text).map_err(|err| TestCaseError::fail(format!("{err}\n{text}")))?;
        // Line numbers are where voters sit in the written file; everything else must be equal.
        prop_assert_eq!(back.profile.lines.len(), e.profile.len());
        let again = pabulib::read_str(&pabulib::to_string(&back)).unwrap();
        prop_assert_eq!(&again, &back);
        back.profile.lines = e.profile.lines.clone();
        prop_assert_eq!(back, e);
    }
}

#[test]
fn written_real_files_pass_the_checker_as_the_originals_do() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(
        dir.is_dir(),
        "the real Pabulib files are missing: expected {}",
        dir.display()
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    for f in files {
        let original = check::check_path(&f);
        let text = pabulib::to_string(&pabulib::read_path(&f).unwrap());
        let written = check::check_str(&text);
        if original.is_clean() {
            let errors: Vec<String> = written.errors().map(|p| p.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", f.display());
        }
    }
}

#[test]
fn money_without_a_finite_decimal_is_written_as_a_fraction() {
    let mut e = build(
        VoteType::Approval,
        Money::new(10.into(), 3.into()),
        vec!["a".into()],
        vec![(Money::new(1.into(), 7.into()), String::new())],
        vec![],
        String::new(),
    );
    // A cell that no longer matches the amount is rewritten from the amount.
    e.instance.projects[0].cells[1] = Some("5".into());
    let text = pabulib::to_string(&e);
    assert!(text.contains("budget;10/3\n"), "{text}");
    assert!(text.contains("a;1/7;\n"), "{text}");
    let back = pabulib::read_str(&text).unwrap();
    assert_eq!(
        back.instance.projects[0].cost,
        Money::new(1.into(), 7.into())
    );
}
