//! The reader on small files, one quirk each (PB-SEMANTICS §1).

// Test helpers may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cocity_pb::pabulib::{self, ReadError};
use cocity_pb::{Election, Money, Points, VoteType};

fn money(n: i64, d: i64) -> Money {
    Money::new(n.into(), d.into())
}

fn file(vote_type: &str, budget: &str, projects: &str, votes_header: &str, votes: &str) -> String {
    format!(
        "META\nkey;value\ndescription;test\nnum_projects;3\nbudget;{budget}\nvote_type;{vote_type}\n\
         PROJECTS\nproject_id;cost;name\n{projects}VOTES\n{votes_header}\n{votes}"
    )
}

const PROJECTS: &str = "1;100;One\n2;200;Two\n10;50;Ten\n";

fn approval(votes: &str) -> String {
    file("approval", "300", PROJECTS, "voter_id;vote", votes)
}

fn ids(e: &Election, voter: usize) -> Vec<&str> {
    let v = e.profile.voter(voter).unwrap();
    v.projects()
        .iter()
        .map(|&p| e.instance.projects[p as usize].id.as_str())
        .collect()
}

fn err(text: &str) -> ReadError {
    pabulib::read_str(text).unwrap_err()
}

#[test]
fn line_endings_bom_and_final_newline_do_not_matter() {
    let lf = approval("a;1,2\nb;10\n");
    let base = pabulib::read_str(&lf).unwrap();
    let variants = [
        lf.replace('\n', "\r\n"),
        lf.replace('\n', "\r"),
        format!("\u{feff}{lf}"),
        lf.trim_end().to_owned(),
        // Mixed: CRLF everywhere but one line.
        lf.replacen('\n', "\r\n", 5),
    ];
    for v in variants {
        let e = pabulib::read_str(&v).unwrap();
        assert_eq!(e.instance, base.instance, "{v:?}");
        assert_eq!(ids(&e, 0), vec!["1", "2"]);
        assert_eq!(e.profile.len(), 2);
    }
}

#[test]
fn numbers_are_exact() {
    for (text, expected) in [
        ("400000.0", money(400000, 1)),
        ("102533.36", money(10253336, 100)),
        ("10,25", money(41, 4)),
        ("1e3", money(1000, 1)),
        ("1/3", money(1, 3)),
        ("0.1", money(1, 10)),
    ] {
        let e =
            pabulib::read_str(&file("approval", text, "1;10,5;x\n", "voter_id;vote", "")).unwrap();
        assert_eq!(e.instance.budget, expected, "{text}");
        assert_eq!(e.instance.projects[0].cost, money(21, 2));
        // The cell is kept as written.
        assert_eq!(e.instance.projects[0].cells[1].as_deref(), Some("10,5"));
    }
    let e = err(&file("approval", "abc", PROJECTS, "voter_id;vote", ""));
    assert_eq!((e.line, e.column), (5, Some(8)));
    assert!(
        e.message
            .contains("expected a number for budget, found \"abc\""),
        "{e}"
    );
    let e = err(&file(
        "approval",
        "1e999999999",
        PROJECTS,
        "voter_id;vote",
        "",
    ));
    assert!(e.message.contains("too large"), "{e}");
}

#[test]
fn bad_cost_names_line_and_column() {
    let e = err(&file("approval", "300", "1;abc;x\n", "voter_id;vote", ""));
    assert_eq!((e.line, e.column), (9, Some(3)));
    assert_eq!(
        e.to_string(),
        "line 9:3: expected a number for cost, found \"abc\" (not a number)"
    );
    let e = e.with_path("file.pb");
    assert_eq!(
        e.to_string(),
        "file.pb:9:3: expected a number for cost, found \"abc\" (not a number)"
    );
}

#[test]
fn quoted_fields_none_cells_and_extra_columns() {
    let text = "META\nkey;value\nbudget;10\nvote_type;approval\nmy_key;kept\n\
                PROJECTS\nid_whatever;cost;name;beneficiaries\n\
                \"p;1\";5;\"A \"\"quoted\"\" name; with semicolon\";none\n\
                VOTES\nvoter_id;vote;age;sex\nv1;\"p;1\";none;M\n";
    let e = pabulib::read_str(text).unwrap();
    let p = &e.instance.projects[0];
    assert_eq!(p.id, "p;1");
    assert_eq!(
        p.cell(&e.instance.project_columns, "name"),
        Some("A \"quoted\" name; with semicolon")
    );
    assert_eq!(p.cells[3], None);
    assert_eq!(e.instance.meta("my_key"), Some("kept"));
    let v = e.profile.voter(0).unwrap();
    assert_eq!((v.cell("age"), v.cell("sex")), (Some(""), Some("M")));
    assert_eq!(v.projects(), &[0]);
    let back = pabulib::read_str(&pabulib::to_string(&e)).unwrap();
    assert_eq!(back, e);
}

#[test]
fn approval_duplicates_collapse_with_a_notice() {
    let (e, notices) = pabulib::read_with_notices(approval("a;2,1,2,,1\nb;\n").as_bytes()).unwrap();
    assert_eq!(ids(&e, 0), vec!["2", "1"]);
    assert!(ids(&e, 1).is_empty());
    assert_eq!(e.profile.len(), 2, "an empty ballot is still a voter");
    assert_eq!(notices.len(), 1);
    assert_eq!(
        (notices[0].line, notices[0].code),
        (14, "duplicate_project_in_vote")
    );
}

#[test]
fn cumulative_duplicates_keep_the_last_points_in_the_first_place() {
    let text = file(
        "cumulative",
        "300",
        PROJECTS,
        "voter_id;vote;points",
        "a;2,1,2;3,4,5\nb;;\n",
    );
    let (e, notices) = pabulib::read_with_notices(text.as_bytes()).unwrap();
    assert_eq!(e.instance.vote_type, VoteType::Cumulative);
    assert_eq!(ids(&e, 0), vec!["2", "1"]);
    let pts = e.profile.voter(0).unwrap().points();
    assert_eq!(pts, &[Points::from_integer(5), Points::from_integer(4)]);
    assert_eq!(
        notices
            .iter()
            .filter(|n| n.code == "duplicate_project_in_vote")
            .count(),
        1
    );
    assert_eq!(e.profile.len(), 2);
}

#[test]
fn ordinal_duplicates_keep_the_first_position() {
    let text = file("ordinal", "300", PROJECTS, "voter_id;vote", "a;10,1,10,2\n");
    let e = pabulib::read_str(&text).unwrap();
    assert_eq!(ids(&e, 0), vec!["10", "1", "2"]);
}

#[test]
fn points_problems_are_errors_with_columns() {
    let text = file(
        "scoring",
        "300",
        PROJECTS,
        "voter_id;vote;points",
        "a;1,2;3\n",
    );
    let e = err(&text);
    assert_eq!(e.line, 14);
    assert!(
        e.message
            .contains("expected a points entry for project \"2\""),
        "{e}"
    );
    let text = file(
        "scoring",
        "300",
        PROJECTS,
        "voter_id;vote;points",
        "a;1,2;3,x\n",
    );
    let e = err(&text);
    assert_eq!((e.line, e.column), (14, Some(9)));
    assert!(e.message.contains("found \"x\""), "{e}");
    // Without a points column, pabutools reads cumulative ballots as empty.
    let text = file("cumulative", "300", PROJECTS, "voter_id;vote", "a;1,2\n");
    let (e, notices) = pabulib::read_with_notices(text.as_bytes()).unwrap();
    assert!(e.profile.voter(0).unwrap().projects().is_empty());
    assert!(notices.iter().any(|n| n.code == "points_missing"));
}

#[test]
fn vote_names_are_not_stripped() {
    let e = err(&approval("a;2, 10\n"));
    assert_eq!((e.line, e.column), (14, Some(5)));
    assert!(e.message.contains("unknown project id \" 10\""), "{e}");
    assert!(e.message.contains("not trimmed"), "{e}");
    let e = err(&approval("a;1\nb;1,7\n"));
    assert_eq!((e.line, e.column), (15, Some(5)));
    assert!(e.message.contains("\"7\""), "{e}");
}

#[test]
fn duplicate_project_ids_keep_the_first_row() {
    let text = file(
        "approval",
        "300",
        "1;100;first\n1;999;second\n2;5;x\n",
        "voter_id;vote",
        "a;1\n",
    );
    let (e, notices) = pabulib::read_with_notices(text.as_bytes()).unwrap();
    assert_eq!(e.instance.projects.len(), 2);
    assert_eq!(e.instance.projects[0].cost, money(100, 1));
    assert_eq!(notices[0].code, "duplicate_project_id");
    assert_eq!(notices[0].line, 10);
}

#[test]
fn projects_dearer_than_the_budget_are_read() {
    let e = pabulib::read_str(&file("approval", "10", PROJECTS, "voter_id;vote", "a;2\n")).unwrap();
    assert_eq!(e.instance.projects[1].cost, money(200, 1));
}

#[test]
fn structural_errors_say_what_was_expected() {
    let e = err("META\nkey;value\nbudget;1\n");
    assert!(e.message.contains("vote_type"), "{e}");
    let e = err("META\nkey;value\nvote_type;approval\n");
    assert!(e.message.contains("budget"), "{e}");
    let e = err("META\nkey;value\nbudget;1\nvote_type;plurality\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("found \"plurality\""), "{e}");
    let e = err("META\nkey;value\nlonely\n");
    assert_eq!(e.line, 3);
    let e = err(&approval("a;1;extra\n"));
    assert_eq!((e.line, e.column), (14, Some(5)));
    assert!(e.message.contains("at most 2 cells"), "{e}");
    let e = err("META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;name\n1;x\n");
    assert!(e.message.contains("cost column"), "{e}");
    let e = err("META\nkey;value\nbudget;\"1\n");
    assert!(e.message.contains("closing \""), "{e}");
    let e = pabulib::read(&b"META\nkey;value\nbudget;1\xff\n"[..]).unwrap_err();
    assert_eq!((e.line, e.column), (3, Some(9)));
    // Text is read in blocks of many lines: a problem on an earlier line of the block is still
    // the one reported, and a bad byte further on is placed on its own line.
    let mut bytes = approval("a;1;extra\n").into_bytes();
    bytes.extend_from_slice(b"b;2\r\nc;1\xff\n");
    let e = pabulib::read(&bytes[..]).unwrap_err();
    assert_eq!((e.line, e.column), (14, Some(5)));
    let mut bytes = approval("a;1\r\n").into_bytes();
    bytes.extend_from_slice(b"b;2\r\nc;1\xff\n");
    let e = pabulib::read(&bytes[..]).unwrap_err();
    assert_eq!((e.line, e.column), (16, Some(4)));
    assert!(e.message.contains("UTF-8"), "{e}");
}

#[test]
fn several_sections_and_odd_rows_follow_pabutools() {
    // Repeated META keys: the last value wins; a blank-looking row is skipped; section names are
    // case-insensitive.
    let text = "meta\nkey;value\nbudget;1\nbudget;5\n  \nvote_type;approval\nProjects\nproject_id;cost\n\
                1;2\nVOTES\nvoter_id;vote\nx;1\n";
    let (e, notices) = pabulib::read_with_notices(text.as_bytes()).unwrap();
    assert_eq!(e.instance.budget, money(5, 1));
    assert_eq!(e.instance.meta("budget"), Some("5"));
    assert_eq!(notices[0].code, "duplicate_meta_key");
    assert_eq!(e.profile.voter(0).unwrap().line(), 12);
}

#[test]
fn a_voter_count_in_meta_is_only_a_hint() {
    // A count far above what the file holds, one that is not a number, and one below it: each
    // file reads the voters it has, with many text columns as well.
    let header = format!(
        "voter_id;vote;{}",
        (0..300)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(";")
    );
    for claim in ["1000000000000", "many", "1"] {
        let text = format!(
            "META\nkey;value\nnum_votes;{claim}\nbudget;300\nvote_type;cumulative\n\
             PROJECTS\nproject_id;cost\n1;100\n2;200\nVOTES\nvoter_id;vote;points\n\
             a;1,2;2,1\nb;2;3\n"
        );
        let e = pabulib::read_str(&text).unwrap();
        assert_eq!(e.profile.len(), 2, "{claim}");
        assert_eq!(
            e.profile.voter(1).unwrap().points(),
            [Points::from_integer(3)]
        );
        let wide = format!(
            "META\nkey;value\nnum_votes;{claim}\nbudget;300\nvote_type;approval\n\
             PROJECTS\nproject_id;cost\n1;100\nVOTES\n{header}\na;1\n"
        );
        let e = pabulib::read_str(&wide).unwrap();
        assert_eq!(
            (e.profile.len(), e.profile.text_columns().count()),
            (1, 301)
        );
    }
}
