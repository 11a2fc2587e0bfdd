//! The checker on hand-made files with known problems, and on the real files.

// Test helpers may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use cocity_pb::check::{self, Report, Severity};

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(
        dir.is_dir(),
        "the real Pabulib files are missing: expected {}",
        dir.display()
    );
    dir
}

const META: &str = "META\nkey;value\ndescription;d\ncountry;c\nunit;u\ninstance;2024\n\
                    date_begin;2024\ndate_end;2024\nrule;greedy\n";

/// A complete valid file with the given extra META rows, projects and votes; lines: META rows
/// 1..=9, then `extra_meta`, then num_projects, num_votes, budget, vote_type.
fn file(
    extra_meta: &str,
    vote_type: &str,
    budget: &str,
    projects: &str,
    votes_header: &str,
    votes: &str,
) -> String {
    let n_projects = projects.lines().count();
    let n_votes = votes.lines().count();
    format!(
        "{META}{extra_meta}num_projects;{n_projects}\nnum_votes;{n_votes}\nbudget;{budget}\nvote_type;{vote_type}\n\
         PROJECTS\nproject_id;cost;votes;selected\n{projects}VOTES\n{votes_header}\n{votes}"
    )
}

fn find(r: &Report, code: &str) -> Vec<(Option<u32>, Severity)> {
    r.problems
        .iter()
        .filter(|p| p.code == code)
        .map(|p| (p.line, p.severity))
        .collect()
}

use Severity::{Error, Warning};

#[test]
fn a_valid_file_is_clean() {
    let text = file(
        "",
        "approval",
        "300",
        "1;100;2;1\n2;200;1;1\n",
        "voter_id;vote",
        "a;1,2\nb;1\n",
    );
    let r = check::check_str(&text);
    assert!(r.problems.is_empty(), "{:#?}", r.problems);
    assert!(r.is_clean());
}

#[test]
fn counts_costs_and_budget() {
    // Lines: 10 num_projects, 11 num_votes, 12 budget, 13 vote_type, 14 PROJECTS, 15 header.
    let text = file(
        "",
        "approval",
        "300,5",
        "1;0;1;0\n2;400;0;0\n3;999999999;0;0\n4;10,5;0;1\n",
        "voter_id;vote",
        "a;1\n",
    )
    .replace("num_votes;1", "num_votes;7");
    let r = check::check_str(&text);
    assert_eq!(find(&r, "num_votes_mismatch"), vec![(Some(11), Error)]);
    assert!(find(&r, "num_projects_mismatch").is_empty());
    assert_eq!(
        find(&r, "comma_in_number"),
        vec![(Some(12), Error), (Some(19), Error)]
    );
    assert_eq!(find(&r, "cost_zero"), vec![(Some(16), Error)]);
    assert_eq!(
        find(&r, "cost_above_budget"),
        vec![(Some(17), Error), (Some(18), Warning)]
    );
    assert!(!r.is_clean());
}

#[test]
fn selected_projects_must_fit() {
    let text = file(
        "",
        "approval",
        "300",
        "1;200;1;1\n2;200;0;1\n",
        "voter_id;vote",
        "a;1\n",
    );
    let r = check::check_str(&text);
    assert_eq!(find(&r, "selected_over_budget"), vec![(Some(12), Error)]);
}

#[test]
fn votes_are_checked_row_by_row() {
    let votes = "a;1, 2\nb;1,9\na;2\nc;1,1\nd;1,2,3\ne;\n";
    let text = file(
        "min_length;1\nmax_length;2\n",
        "approval",
        "1000",
        "1;100;4;0\n2;100;3;0\n3;100;1;0\n",
        "voter_id;vote",
        votes,
    );
    // Lines: META 1-9, limits 10-11, counts 12-15, PROJECTS 16-20, VOTES 21-22, votes from 23.
    let r = check::check_str(&text);
    assert_eq!(find(&r, "vote_whitespace"), vec![(Some(23), Error)]);
    assert_eq!(find(&r, "unknown_project"), vec![(Some(24), Error)]);
    assert_eq!(find(&r, "duplicate_voter_id"), vec![(Some(25), Error)]);
    assert_eq!(
        find(&r, "duplicate_project_in_vote"),
        vec![(Some(26), Warning)]
    );
    assert_eq!(find(&r, "vote_too_long"), vec![(Some(27), Error)]);
    // The pabutools-style reading fails on " 2": one parse error naming the line.
    assert_eq!(find(&r, "parse"), vec![(Some(23), Error)]);
    // Votes column: project 1 is listed by a, b, c, d → 4 voters (a's " 2" is unknown).
    // and project 2 by the second "a" row and d → 2, not the 3 its row (line 19) says.
    assert_eq!(find(&r, "votes_column_mismatch"), vec![(Some(19), Warning)]);
}

#[test]
fn points_rules_by_vote_type() {
    let votes = "a;1,2;5,6\nb;1;\nc;1,2;3\nd;1;-1\ne;1,2;x,1\nf;1,2;9,9\n";
    let text = file(
        "max_sum_points;10\nmax_points;8\n",
        "cumulative",
        "1000",
        "1;100;6;0\n2;100;4;0\n",
        "voter_id;vote;points",
        votes,
    );
    // Votes from line 22.
    let r = check::check_str(&text);
    assert_eq!(find(&r, "points_not_sorted"), vec![(Some(22), Warning)]);
    assert_eq!(
        find(&r, "sum_points_out_of_range"),
        vec![(Some(22), Warning), (Some(27), Warning)]
    );
    assert_eq!(find(&r, "points_missing"), vec![(Some(23), Error)]);
    assert_eq!(find(&r, "points_length"), vec![(Some(24), Error)]);
    assert_eq!(find(&r, "negative_points"), vec![(Some(25), Error)]);
    assert_eq!(find(&r, "points_not_numeric"), vec![(Some(26), Error)]);
    assert_eq!(find(&r, "points_out_of_range"), vec![(Some(27), Error)]);

    let text = file(
        "",
        "choose-1",
        "1000",
        "1;100;1;0\n2;100;1;0\n",
        "voter_id;vote;points",
        "a;1,2;\nb;;\nc;1;3\n",
    );
    let r = check::check_str(&text);
    assert_eq!(
        find(&r, "choose1_length"),
        vec![(Some(20), Error), (Some(21), Error)]
    );
    assert_eq!(find(&r, "points_forbidden"), vec![(Some(22), Error)]);

    let text = file(
        "",
        "cumulative",
        "1000",
        "1;100;0;0\n",
        "voter_id;vote;points",
        "",
    );
    let r = check::check_str(&text);
    assert_eq!(find(&r, "missing_meta_key"), vec![(Some(13), Error)]);
}

#[test]
fn approval_cost_limits_are_warnings() {
    let text = file(
        "min_sum_cost;150\nmax_sum_cost;250\n",
        "approval",
        "1000",
        "1;100;2;0\n2;200;1;0\n",
        "voter_id;vote",
        "a;1\nb;1,2\n",
    );
    let r = check::check_str(&text);
    assert_eq!(
        find(&r, "sum_cost_out_of_range"),
        vec![(Some(22), Warning), (Some(23), Warning)]
    );
    assert!(r.is_clean());
}

#[test]
fn structure_problems() {
    let text = "META\nkey;val\nbudget;1\nMETA\nkey;value\n\nPROJECTS\nid;cost\n 1;1\nVOTES\nvoter;vote\nx;1;7\n";
    let r = check::check_str(text);
    assert_eq!(find(&r, "meta_header"), vec![(Some(2), Error)]);
    assert_eq!(find(&r, "duplicated_section"), vec![(Some(4), Error)]);
    assert_eq!(find(&r, "empty_line"), vec![(Some(6), Warning)]);
    assert_eq!(find(&r, "projects_header"), vec![(Some(8), Error)]);
    assert_eq!(find(&r, "cell_whitespace"), vec![(Some(9), Error)]);
    assert_eq!(find(&r, "votes_header"), vec![(Some(11), Error)]);
    assert_eq!(find(&r, "too_many_cells"), vec![(Some(12), Error)]);
    assert_eq!(
        find(&r, "missing_meta_key").len(),
        10,
        "all but budget: {:#?}",
        r.problems
    );
    assert_eq!(find(&r, "parse").len(), 1);
    // Garbage never panics.
    for junk in [
        "",
        "\u{feff}",
        ";;;",
        "\"",
        "VOTES",
        "META\nkey;value\nbudget;1e999999999\n",
    ] {
        assert!(!check::check_str(junk).is_clean(), "{junk:?}");
    }
}

#[test]
fn real_files_report_their_known_problems() {
    let dir = data_dir();
    let seattle = check::check_path(&dir.join(
        "US_Stanford_Dataset_Your_Voice_Your_Choice_Parks_and_Streets-_Seattle_2019_District_3_vote_knapsacks.pb",
    ));
    assert_eq!(find(&seattle, "votes_column_mismatch").len(), 3);
    assert_eq!(
        find(&seattle, "duplicate_project_in_vote"),
        vec![(Some(123), Warning)]
    );
    let gdynia = check::check_path(&dir.join("Poland_Gdynia_2020_Grabowek__large.pb"));
    // The sentinel cost 999999999 of a withdrawn project is a warning.
    assert_eq!(
        find(&gdynia, "cost_above_budget"),
        vec![(Some(31), Warning)]
    );
    for f in std::fs::read_dir(&dir).unwrap() {
        let path = f.unwrap().path();
        if path.extension().is_some_and(|x| x == "pb") {
            let r = check::check_path(&path);
            let errors: Vec<String> = r.errors().map(|p| p.to_string()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        }
    }
    let missing = check::check_path(&dir.join("nope.pb"));
    assert_eq!(find(&missing, "io"), vec![(None, Error)]);
}

#[test]
fn selected_projects_reads_the_selected_column() {
    let e =
        cocity_pb::pabulib::read_path(&data_dir().join("Poland_Wieliczka_2023_Green_Budget.pb"))
            .unwrap();
    let selected = check::selected_projects(&e).unwrap();
    assert!(!selected.is_empty());
    assert!(e.instance.total_cost(&selected) <= e.instance.budget);
}
