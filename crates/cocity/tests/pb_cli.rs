//! `cocity pb ...` end to end: the built binary on the real Pabulib files of the shared data set.

// A test fails loudly on anything unexpected, helpers included.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const WIELICZKA: &str = "Poland_Wieliczka_2023_Green_Budget.pb";

/// The shared Pabulib files; a missing data set is a failure, not a skipped test.
fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
    assert!(
        dir.join(WIELICZKA).is_file(),
        "the Pabulib data set is missing: expected {WIELICZKA} in {} (the shared data directory \
         next to the repository)",
        dir.display()
    );
    dir
}

fn data(name: &str) -> PathBuf {
    data_dir().join(name)
}

fn all_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(data_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pb"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 30,
        "expected the 31 files of the data set, found {}",
        files.len()
    );
    files
}

fn cocity(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cocity"))
        .args(args)
        .output()
        .expect("the cocity binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// Exactly one JSON object on one line of stdout, and nothing on stderr: no progress noise.
fn json_only(out: &Output) -> Value {
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        text(&out.stderr)
    );
    assert_eq!(stdout.lines().count(), 1, "one line of JSON, got: {stdout}");
    assert!(
        out.stderr.is_empty(),
        "stderr not empty: {}",
        text(&out.stderr)
    );
    serde_json::from_str(&stdout).expect("stdout is JSON")
}

fn tmp(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("pb_cli_{}_{name}", std::process::id()))
}

/// Asserts a failure with exit code 2 and one line on stderr, which is returned.
fn fails_with_one_line(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "stderr: {}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert_eq!(
        stderr.lines().count(),
        1,
        "one line on stderr, got: {stderr:?}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn ids(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn selected_ids(file: &Path) -> Vec<String> {
    let e = cocity_pb::pabulib::read_path(file).unwrap();
    let mut ids: Vec<String> = cocity_pb::check::selected_projects(&e)
        .unwrap()
        .into_iter()
        .map(|p| e.instance.projects[p].id.clone())
        .collect();
    ids.sort();
    ids
}

#[test]
fn add1_pabulib_reproduces_the_official_wieliczka_outcome() {
    let file = data(WIELICZKA);
    let out = cocity(&[
        "pb",
        "count",
        file.to_str().unwrap(),
        "--rule",
        "mes",
        "--completion",
        "add1-pabulib",
        "--json",
    ]);
    let v = json_only(&out);
    assert_eq!(v["rule"], "mes");
    assert_eq!(v["sat"], "cost");
    assert_eq!(v["completion"], "add1-pabulib");
    assert_eq!(v["budget"], "1000000");
    assert_eq!(v["total_cost"], "995079");
    assert_eq!(v["left"], "4921");
    let winners = ids(&v["winners"]);
    assert_eq!(winners.len(), 30);
    assert_eq!(winners, selected_ids(&file));

    let projects = v["projects"].as_array().unwrap();
    assert_eq!(projects.len(), 64);
    for p in projects {
        assert!(p["id"].is_string() && p["cost"].is_string() && p["selected"].is_boolean());
        assert!(p["explanation"]["kind"].is_string() && p["explanation"]["text"].is_string());
        let selected = p["selected"].as_bool().unwrap();
        assert_eq!(
            winners.contains(&p["id"].as_str().unwrap().to_owned()),
            selected
        );
    }
    // Money is exact text: a bought project's price factor is a decimal or a fraction string.
    let bought = projects
        .iter()
        .find(|p| p["explanation"]["kind"] == "mes-selected")
        .unwrap();
    assert!(bought["explanation"]["rho"].is_string());
    let voters = &v["voters"];
    assert_eq!(voters["count"], 6586);
    let share = voters["non_empty_handed_share"].as_str().unwrap();
    let (n, d) = share.split_once('/').unwrap_or((share, "1"));
    let ratio = n.parse::<f64>().unwrap() / d.parse::<f64>().unwrap();
    assert!((0.5..=1.0).contains(&ratio), "{share}");
    assert_eq!(
        voters["non_empty_handed"].as_u64().unwrap() as f64 / 6586.0,
        ratio
    );
}

#[test]
fn count_prints_a_table_with_totals() {
    let file = data(WIELICZKA);
    let out = cocity(&["pb", "count", file.to_str().unwrap(), "--rule", "greedy"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        out.stderr.is_empty(),
        "no progress noise: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let header = stdout
        .lines()
        .find(|l| l.contains("id") && l.contains("cost"))
        .unwrap();
    assert!(
        header.contains("votes") && header.contains("name"),
        "{header}"
    );
    assert!(stdout.contains("Budget 1000000, used"), "{stdout}");
    assert!(
        stdout.contains("have at least one funded project they voted for"),
        "{stdout}"
    );
    // Greedy by approvals: the most approved project (24, 720 votes) comes first.
    let first = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("1 "))
        .unwrap();
    assert!(first.contains(" 24 ") && first.contains("720"), "{first}");
}

#[test]
fn count_explains_every_project() {
    let file = data("Poland_Warszawa_2017_Przyczolek_Grochowski.pb");
    let out = cocity(&[
        "pb",
        "count",
        file.to_str().unwrap(),
        "--rule",
        "mes",
        "--explain",
    ]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Why each project was or was not funded"));
    assert!(stdout.contains("bought in round 1"), "{stdout}");
    assert!(stdout.contains("its supporters had"), "{stdout}");

    let out = cocity(&[
        "pb",
        "count",
        file.to_str().unwrap(),
        "--rule",
        "mes",
        "--explain",
        "--json",
    ]);
    let v = json_only(&out);
    let bought = v["projects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["selected"] == true)
        .unwrap();
    let payments = bought["payments"].as_array().unwrap();
    assert!(!payments.is_empty());
    assert!(payments[0]["voter"].is_string() && payments[0]["paid"].is_string());
    let satisfaction = v["voters"]["satisfaction"].as_array().unwrap();
    assert_eq!(
        satisfaction.len(),
        v["voters"]["count"].as_u64().unwrap() as usize
    );
    // The count reads only the voters' ids, and names each voter by the id in the file.
    let e = cocity_pb::pabulib::read_path(&file).unwrap();
    let ids: Vec<&str> = e.profile.voters().map(|voter| voter.id()).collect();
    let named: Vec<&str> = satisfaction
        .iter()
        .map(|s| s["voter"].as_str().unwrap())
        .collect();
    assert_eq!(named, ids);
    assert!(
        payments
            .iter()
            .all(|p| ids.contains(&p["voter"].as_str().unwrap()))
    );
}

#[test]
fn count_and_stats_work_on_every_file() {
    for file in all_files() {
        let path = file.to_str().unwrap();
        let s = json_only(&cocity(&["pb", "stats", path, "--json"]));
        assert!(s["projects"].as_u64().unwrap() > 0, "{path}");
        assert!(s["voters"].as_u64().unwrap() > 0, "{path}");
        let approval = matches!(s["vote_type"].as_str(), Some("approval" | "choose-1"));
        let mut rules = vec!["greedy", "mes"];
        if approval {
            rules.push("phragmen");
        }
        for rule in rules {
            let v = json_only(&cocity(&["pb", "count", path, "--rule", rule, "--json"]));
            assert_eq!(v["rule"], rule, "{path}");
            assert_eq!(
                v["projects"].as_array().unwrap().len() as u64,
                s["projects"].as_u64().unwrap()
            );
        }
    }
}

#[test]
fn check_reports_lines_and_exit_codes() {
    let file = data(WIELICZKA);
    let out = cocity(&["pb", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("clean"));

    let bad = tmp("check_bad.pb");
    std::fs::write(
        &bad,
        "META\nkey;value\nnum_projects;1\nnum_votes;1\nbudget;10\nvote_type;approval\n\
         PROJECTS\nproject_id;cost\n1;20\nVOTES\nvoter_id;vote\nv1;1\n",
    )
    .unwrap();
    let out = cocity(&["pb", "check", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    // Project 1 (line 9) costs more than the budget.
    assert!(
        stdout.contains(&format!("{}:9: error", bad.display())),
        "{stdout}"
    );

    let out = cocity(&["pb", "check", "/nonexistent/file.pb"]);
    let stderr = fails_with_one_line(&out);
    assert!(stderr.contains("/nonexistent/file.pb"), "{stderr}");
}

#[test]
fn check_recounts_the_rule_of_the_file() {
    let file = data(WIELICZKA);
    let out = cocity(&["pb", "check", file.to_str().unwrap(), "--json"]);
    let v = json_only(&out);
    assert_eq!(v["clean"], true);
    assert_eq!(v["files"][0]["recount"]["status"], "matches", "{v}");
}

#[test]
fn check_passes_on_every_file() {
    let files = all_files();
    let mut args = vec!["pb", "check", "--no-recount"];
    let paths: Vec<String> = files
        .iter()
        .map(|f| f.to_str().unwrap().to_owned())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let out = cocity(&args);
    let stdout = text(&out.stdout);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{stdout}"
    );
    // One verdict line per file, whatever the verdict.
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.contains(": clean:") || l.contains(": INVALID:"))
            .count(),
        files.len(),
        "{stdout}"
    );
}

#[test]
fn stats_describe_a_file() {
    let file = data("France_Toulouse_2019.pb");
    let v = json_only(&cocity(&["pb", "stats", file.to_str().unwrap(), "--json"]));
    assert_eq!(v["vote_type"], "cumulative");
    assert_eq!(v["projects"], 30);
    assert_eq!(v["voters"], 1494);
    assert_eq!(v["budget"], "1000000");
    assert_eq!(v["total_cost"], "2452000");
    assert_eq!(v["budget_ratio"], "2.452");
    assert_eq!(v["vote_length"]["max"], "7");
    let hist: u64 = v["vote_length_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .sum();
    assert_eq!(hist, 1494);
    assert!(v["project_support"][0]["points"].is_string());

    let out = cocity(&["pb", "stats", file.to_str().unwrap()]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Budget ratio"), "{stdout}");
    assert!(stdout.contains("Vote lengths"), "{stdout}");
}

#[test]
fn compare_greedy_and_mes() {
    let file = data(WIELICZKA);
    let svg = tmp("compare.svg");
    let out = cocity(&[
        "pb",
        "compare",
        file.to_str().unwrap(),
        "--rules",
        "greedy,mes",
        "--json",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    let v = json_only(&out);
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0]["label"], "greedy");
    assert_eq!(rules[1]["label"], "mes");
    for r in rules {
        for field in ["cost", "avg_satisfaction", "non_empty_handed_share", "gini"] {
            assert!(r[field].is_string(), "{field}: {r}");
        }
        assert!(matches!(
            r["ejr_up_to_one"]["verdict"].as_str(),
            Some("holds" | "violated" | "undecided")
        ));
    }
    // Projects only under one rule plus those in both make up each rule's winners.
    let both = ids(&v["in_all"]);
    for r in rules {
        let mut union = ids(&r["only_here"]);
        union.extend(both.iter().cloned());
        union.sort();
        assert_eq!(union, ids(&r["winners"]));
    }
    // MES without completion spends less than half of the budget here (PB-SEMANTICS W5).
    assert_eq!(rules[1]["cost"], "450548");
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.trim_end().ends_with("</svg>"));
    assert!(picture.contains("<title"));

    let out = cocity(&[
        "pb",
        "compare",
        file.to_str().unwrap(),
        "--rules",
        "file,mes:add1-pabulib",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Projects funded by some rules but not all (0)"),
        "{stdout}"
    );
}

#[test]
fn count_draws_an_svg() {
    let file = data("Poland_Warszawa_2024_Wesola.pb");
    let svg = tmp("count.svg");
    let out = cocity(&[
        "pb",
        "count",
        file.to_str().unwrap(),
        "--rule",
        "greedy",
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.contains("viewBox"));
    assert!(picture.contains("funded"));
}

#[test]
fn bad_arguments_give_one_line_and_exit_2() {
    let file = data(WIELICZKA);
    let path = file.to_str().unwrap();
    for args in [
        vec!["pb", "count", path, "--rule", "nonsense"],
        vec!["pb", "count", path],
        vec!["pb", "count", path, "--rule", "mes", "--frobnicate"],
        vec!["pb", "count", path, "--rule", "mes", "--sat", "borda"],
        vec![
            "pb",
            "count",
            path,
            "--rule",
            "greedy",
            "--completion",
            "add1",
        ],
        vec!["pb", "compare", path, "--rules", "greedy"],
        vec!["pb", "compare", path, "--rules", "greedy,bogus"],
        vec!["pb", "nonsense"],
    ] {
        let out = cocity(&args);
        let stderr = fails_with_one_line(&out);
        assert!(out.stdout.is_empty(), "{args:?}: {}", text(&out.stdout));
        assert!(
            stderr.starts_with("cocity pb: error: "),
            "{args:?}: {stderr}"
        );
    }
    let stderr = fails_with_one_line(&cocity(&["pb", "count", path, "--rule", "nonsense"]));
    assert!(
        stderr.contains("--rule") && stderr.contains("greedy, mes, phragmen"),
        "{stderr}"
    );
}

#[test]
fn bad_files_give_their_line_and_exit_2() {
    let bad = tmp("bad_budget.pb");
    std::fs::write(
        &bad,
        "META\nkey;value\nbudget;abc\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n1;1\n",
    )
    .unwrap();
    for cmd in [
        vec!["pb", "count", bad.to_str().unwrap(), "--rule", "mes"],
        vec!["pb", "stats", bad.to_str().unwrap()],
        vec![
            "pb",
            "compare",
            bad.to_str().unwrap(),
            "--rules",
            "greedy,mes",
        ],
    ] {
        let stderr = fails_with_one_line(&cocity(&cmd));
        assert!(
            stderr.contains(&format!("{}:3:", bad.display())),
            "{stderr}"
        );
        assert!(stderr.contains("budget"), "{stderr}");
    }
    let stderr = fails_with_one_line(&cocity(&[
        "pb",
        "count",
        "/nonexistent/x.pb",
        "--rule",
        "mes",
    ]));
    assert!(
        stderr.contains("/nonexistent/x.pb") && stderr.contains("cannot open"),
        "{stderr}"
    );
}

#[test]
fn help_goes_to_stdout_with_exit_0() {
    let out = cocity(&["pb", "count", "--help"]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("--rule") && stdout.contains("--completion"),
        "{stdout}"
    );
    let out = cocity(&["pb", "help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("compare"));
}
