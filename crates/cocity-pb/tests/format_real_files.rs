//! Every real Pabulib file of ../shared/data/pabulib: read, facts from its README table, and
//! the writer's round trip.

// Test helpers may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use cocity_pb::pabulib;
use cocity_pb::{Election, Money, VoteType};

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(
        dir.is_dir(),
        "the real Pabulib files are missing: expected the directory {} (the repository's sibling \
         `shared/data/pabulib`)",
        dir.display()
    );
    dir
}

fn pb_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 31,
        "expected the 31 sample files, found {}",
        files.len()
    );
    files
}

fn read(name: &str) -> Election {
    pabulib::read_path(&data_dir().join(name)).unwrap()
}

fn money(s: &str) -> Money {
    pabulib::number::parse_rational(s).unwrap()
}

/// One row of the README's file table.
struct Row {
    file: String,
    vote_type: String,
    projects: usize,
    voters: usize,
    budget: String,
    bytes: u64,
}

fn readme_table() -> Vec<Row> {
    let text = std::fs::read_to_string(data_dir().join("README.md")).unwrap();
    let rows: Vec<Row> = text
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains(".pb` |"))
        .map(|l| {
            let c: Vec<&str> = l.split('|').map(str::trim).collect();
            Row {
                file: c[1].trim_matches('`').to_owned(),
                vote_type: c[2].to_owned(),
                projects: c[3].parse().unwrap(),
                voters: c[4].parse().unwrap(),
                budget: c[5].to_owned(),
                bytes: c[6].parse().unwrap(),
            }
        })
        .collect();
    assert_eq!(rows.len(), 31, "the README table should list 31 files");
    rows
}

#[test]
fn every_file_matches_its_readme_row() {
    for row in readme_table() {
        let path = data_dir().join(&row.file);
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            row.bytes,
            "{}",
            row.file
        );
        let e = pabulib::read_path(&path).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(e.instance.vote_type.as_str(), row.vote_type, "{}", row.file);
        assert_eq!(e.instance.projects.len(), row.projects, "{}", row.file);
        assert_eq!(e.profile.len(), row.voters, "{}", row.file);
        assert_eq!(e.instance.budget, money(&row.budget), "{}", row.file);
        assert_eq!(
            e.instance.meta("budget"),
            Some(row.budget.as_str()),
            "{}",
            row.file
        );
    }
}

#[test]
fn concrete_facts_of_several_files() {
    let lodz = read("Poland_Lodz_2023.pb");
    assert_eq!(lodz.instance.vote_type, VoteType::Approval);
    assert_eq!(lodz.instance.projects.len(), 139);
    assert_eq!(lodz.profile.len(), 70747);
    assert_eq!(lodz.instance.budget, money("7605325"));
    // Non-numeric ids are kept as text.
    assert!(
        lodz.instance
            .projects
            .iter()
            .any(|p| !p.id.bytes().all(|b| b.is_ascii_digit()))
    );

    let grochowski = read("Poland_Warszawa_2017_Przyczolek_Grochowski.pb");
    assert_eq!(
        grochowski.instance.budget,
        Money::new(10253336.into(), 100.into())
    );

    let toulouse = read("France_Toulouse_2022_17_-_Mirail-Universite_Reynerie_Bellefontaine.pb");
    assert_eq!(toulouse.instance.budget, money("400000"));
    assert_eq!(toulouse.instance.projects.len(), 10);
    assert_eq!(toulouse.profile.len(), 93);

    let wroclaw = read("Poland_Wroclaw_2015_up_to_150.pb");
    assert_eq!(wroclaw.instance.vote_type, VoteType::Choose1);
    assert_eq!(
        (wroclaw.instance.projects.len(), wroclaw.profile.len()),
        (220, 108499)
    );

    let krakow = read("Poland_Krakow_2021_Bienczyce.pb");
    assert_eq!(krakow.instance.vote_type, VoteType::Ordinal);
    // First voter: "25;15,10,34;3,2,1;internet" on line 49, ranking kept in order.
    let v = krakow.profile.voter(0).unwrap();
    let ids: Vec<&str> = v
        .projects()
        .iter()
        .map(|&p| krakow.instance.projects[p as usize].id.as_str())
        .collect();
    assert_eq!((v.id(), ids, v.line()), ("25", vec!["15", "10", "34"], 49));
    assert_eq!(v.cell("voting_method"), Some("internet"));
    // The emoji in project 4's name survives.
    assert!(
        krakow.instance.projects[0]
            .cell(&krakow.instance.project_columns, "name")
            .unwrap()
            .ends_with('💡')
    );

    let zurich = read("Switzerland_Zurich_D5.pb");
    assert_eq!(zurich.instance.vote_type, VoteType::Cumulative);
    let v = zurich.profile.voter(0).unwrap();
    assert_eq!(v.id(), "QGVT6BFJ");
    assert_eq!(
        v.points().iter().map(|p| *p.numer()).collect::<Vec<_>>(),
        vec![2, 2, 1]
    );
    assert_eq!(v.cell("district_preference"), Some("West"));
    assert_eq!(zurich.instance.meta("experimental"), Some("1"));

    // "Park; ..." style quoted fields with a semicolon.
    let amsterdam = read("Netherlands_Amsterdam_613.pb");
    let cols = &amsterdam.instance.project_columns;
    let category = amsterdam
        .instance
        .projects
        .iter()
        .find(|p| p.id == "42426")
        .unwrap();
    assert_eq!(
        category.cell(cols, "category"),
        Some("Ontmoeting &amp; verbinding")
    );
    assert_eq!(category.cost, money("6055"));
}

#[test]
fn duplicate_projects_in_a_vote_are_noticed() {
    for (name, expected) in [
        (
            "US_Stanford_Dataset_Your_Voice_Your_Choice_Parks_and_Streets-_Seattle_2019_District_3_vote_knapsacks.pb",
            1,
        ),
        ("Poland_Warszawa_2026_Srodmiescie_Poludniowe.pb", 1),
        ("Poland_Czestochowa_2020.pb", 1),
    ] {
        let (e, notices) = pabulib::read_path_with_notices(&data_dir().join(name)).unwrap();
        let dups: Vec<_> = notices
            .iter()
            .filter(|n| n.code == "duplicate_project_in_vote")
            .collect();
        assert_eq!(dups.len(), expected, "{name}: {notices:?}");
        // The voter on that line has no project twice.
        let v = e
            .profile
            .voters()
            .find(|v| v.line() == dups[0].line)
            .unwrap();
        let mut ps = v.projects().to_vec();
        ps.sort();
        ps.dedup();
        assert_eq!(ps.len(), v.projects().len(), "{name}");
    }
}

#[test]
fn every_file_round_trips_through_the_writer() {
    for path in pb_files() {
        let e = pabulib::read_path(&path).unwrap();
        let text = pabulib::to_string(&e);
        let again =
            pabulib::read_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        assert!(again == e, "{} does not round-trip", path.display());
    }
}

#[test]
fn keeping_fewer_voter_cells_keeps_every_ballot() {
    use pabulib::VoterCells;
    for path in pb_files() {
        let all = pabulib::read_path(&path).unwrap();
        let ids = pabulib::read_path_keeping(&path, VoterCells::IdOnly).unwrap();
        let none = pabulib::read_path_keeping(&path, VoterCells::None).unwrap();
        let name = path.display();
        assert_eq!(ids.instance, all.instance, "{name}");
        assert_eq!(none.instance, all.instance, "{name}");
        let ballots: Vec<&str> = all
            .profile
            .columns
            .iter()
            .map(String::as_str)
            .filter(|c| *c == "vote" || *c == "points")
            .collect();
        assert_eq!(none.profile.columns, ballots, "{name}");
        assert_eq!(none.profile.text_columns().count(), 0, "{name}");
        assert_eq!(
            ids.profile.text_columns().collect::<Vec<_>>(),
            ["voter_id"],
            "{name}"
        );
        assert_eq!(none.profile.len(), all.profile.len(), "{name}");
        for ((a, i), n) in all
            .profile
            .voters()
            .zip(ids.profile.voters())
            .zip(none.profile.voters())
        {
            for v in [i, n] {
                assert_eq!(v.projects(), a.projects(), "{name} line {}", a.line());
                assert_eq!(v.points(), a.points(), "{name} line {}", a.line());
                assert_eq!(v.line(), a.line(), "{name}");
            }
            assert_eq!(i.id(), a.id(), "{name} line {}", a.line());
            assert_eq!(n.id(), "", "{name}");
        }
    }
}

#[test]
fn read_paths_reads_a_file_set_and_names_the_failing_file() {
    let dir = data_dir();
    let set = [
        dir.join("Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb"),
        dir.join("Poland_Warszawa_2017_Przyczolek_Grochowski.pb"),
    ];
    let elections = pabulib::read_paths(&set).unwrap();
    assert_eq!(elections.len(), 2);
    assert_eq!(elections[1].profile.len(), 176);
    let missing = dir.join("no_such_file.pb");
    let err = pabulib::read_paths(&[set[0].clone(), missing.clone()]).unwrap_err();
    assert_eq!(err.path.as_deref(), Some(missing.as_path()));
    assert!(err.to_string().contains("no_such_file.pb"), "{err}");
}
