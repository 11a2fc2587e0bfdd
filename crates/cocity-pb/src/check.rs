//! Validation of Pabulib files, after Pabulib's own checker (`pabulib/checker`, see
//! PB-SEMANTICS §1 "What the Pabulib checker validates").
//!
//! The checker makes one streaming pass over the raw rows (so that it sees what a reader
//! normalises away: whitespace in cells, commas in numbers, `"a, b"` votes) and then reads the
//! file with [`pabulib::read_with_notices`]: a file pabutools could not read gives one `parse`
//! error, and the reader's notices become warnings. It never stops at the first problem and never
//! panics on a bad file. Re-computing the rule against the `selected` column is left to the
//! counting rules; [`selected_projects`] gives what they need.
//!
//! ```
//! use cocity_pb::check;
//!
//! let report = check::check_str("META\nkey;value\nbudget;10\nvote_type;approval\n\
//!     PROJECTS\nproject_id;cost\n1;20\nVOTES\nvoter_id;vote\nv1;1, 2\n");
//! assert!(!report.is_clean());
//! assert!(report.problems.iter().any(|p| p.code == "cost_above_budget" && p.line == Some(7)));
//! assert!(report.problems.iter().any(|p| p.code == "vote_whitespace" && p.line == Some(10)));
//! ```

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use crate::model::{Election, Money, VoteType};
use crate::pabulib::number::{parse_money, parse_rational, py_strip};
use crate::pabulib::{self, Notice, ReadError, RowReader};

/// How bad a problem is: errors make a file invalid, warnings are worth a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding, with the line it is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line; `None` for the file as a whole (e.g. it cannot be opened).
    pub line: Option<u32>,
    pub severity: Severity,
    /// Stable machine-readable code, e.g. `num_votes_mismatch`.
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = self.line {
            write!(f, "line {l}: ")?;
        }
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev} [{}]: {}", self.code, self.message)
    }
}

/// All problems of one file, in line order (file-wide ones last).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub problems: Vec<Problem>,
}

impl Report {
    /// No errors (warnings allowed).
    pub fn is_clean(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    /// Whether some problem has this code.
    pub fn has(&self, code: &str) -> bool {
        self.problems.iter().any(|p| p.code == code)
    }

    fn sort(&mut self) {
        self.problems.sort_by_key(|p| p.line.unwrap_or(u32::MAX));
    }
}

/// Checks Pabulib text.
pub fn check_str(s: &str) -> Report {
    let mut report = Report {
        problems: scan(s.as_bytes()),
    };
    add_reader_findings(&mut report, pabulib::read_with_notices(s.as_bytes()));
    report.sort();
    report
}

/// Checks a file (read twice, streaming: once raw, once as pabutools reads it).
pub fn check_path(path: &Path) -> Report {
    let open = || File::open(path).map(|f| BufReader::with_capacity(1 << 16, f));
    let mut report = Report::default();
    match open() {
        Ok(f) => report.problems = scan(f),
        Err(e) => {
            report.problems.push(Problem {
                line: None,
                severity: Severity::Error,
                code: "io",
                message: format!("cannot open {}: {e}", path.display()),
            });
            return report;
        }
    }
    match open() {
        Ok(f) => add_reader_findings(&mut report, pabulib::read_with_notices(f)),
        Err(e) => report.problems.push(Problem {
            line: None,
            severity: Severity::Error,
            code: "io",
            message: format!("cannot open {}: {e}", path.display()),
        }),
    }
    report.sort();
    report
}

/// The projects whose `selected` cell is `1` (funded), by index; `None` without a `selected`
/// column. (Pabulib also uses 2 and 3 for projects funded outside the rule.)
pub fn selected_projects(e: &Election) -> Option<Vec<usize>> {
    let cols = &e.instance.project_columns;
    cols.iter().position(|c| c == "selected")?;
    Some(
        e.instance
            .projects
            .iter()
            .enumerate()
            .filter(|(_, p)| p.cell(cols, "selected") == Some("1"))
            .map(|(i, _)| i)
            .collect(),
    )
}

fn add_reader_findings(report: &mut Report, read: Result<(Election, Vec<Notice>), ReadError>) {
    match read {
        Err(e) => report.problems.push(Problem {
            line: Some(e.line).filter(|&l| l > 0),
            severity: Severity::Error,
            code: "parse",
            message: match e.column {
                Some(c) => format!("column {c}: {}", e.message),
                None => e.message,
            },
        }),
        Ok((_, notices)) => {
            let known: HashSet<(&'static str, Option<u32>)> =
                report.problems.iter().map(|p| (p.code, p.line)).collect();
            let extra: Vec<Problem> = notices
                .into_iter()
                .filter(|n| !known.contains(&(n.code, Some(n.line))))
                .map(|n| Problem {
                    line: Some(n.line),
                    severity: Severity::Warning,
                    code: n.code,
                    message: n.message,
                })
                .collect();
            report.problems.extend(extra);
        }
    }
}

const REQUIRED_META: [&str; 11] = [
    "description",
    "country",
    "unit",
    "instance",
    "num_projects",
    "num_votes",
    "budget",
    "vote_type",
    "rule",
    "date_begin",
    "date_end",
];

/// The sentinel cost Pabulib uses for projects that were never costed.
const SENTINEL_COST: u64 = 999_999_999;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    None,
    Meta,
    Projects,
    Votes,
}

struct ProjectRow {
    id: String,
    line: u32,
    cost: Option<Money>,
    selected: Option<String>,
    votes: Option<String>,
    score: Option<String>,
    counted_votes: u64,
    counted_score: BigRational,
}

/// Per-voter limits from META, parsed when VOTES begins.
#[derive(Default)]
struct Limits {
    min_length: Option<BigRational>,
    max_length: Option<BigRational>,
    min_points: Option<BigRational>,
    max_points: Option<BigRational>,
    min_sum_points: Option<BigRational>,
    max_sum_points: Option<BigRational>,
    min_sum_cost: Option<BigRational>,
    max_sum_cost: Option<BigRational>,
}

struct Scanner {
    problems: Vec<Problem>,
    section: Section,
    markers: [Option<u32>; 3],
    meta: Vec<(String, String, u32)>,
    project_header: Vec<String>,
    projects: Vec<ProjectRow>,
    ids: HashMap<String, usize>,
    votes_header: Vec<String>,
    voter_ids: HashMap<String, u32>,
    voters: u64,
    vote_type: Option<VoteType>,
    limits: Option<Limits>,
    points_seen: bool,
    seen_in_vote: Vec<u32>,
    voter_no: u32,
}

fn scan<R: BufRead>(input: R) -> Vec<Problem> {
    let mut s = Scanner {
        problems: Vec::new(),
        section: Section::None,
        markers: [None; 3],
        meta: Vec::new(),
        project_header: Vec::new(),
        projects: Vec::new(),
        ids: HashMap::new(),
        votes_header: Vec::new(),
        voter_ids: HashMap::new(),
        voters: 0,
        vote_type: None,
        limits: None,
        points_seen: false,
        seen_in_vote: Vec::new(),
        voter_no: 0,
    };
    let mut rows = RowReader::new(input);
    let mut expect_header = false;
    loop {
        match rows.next_row() {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                s.error(Some(e.line), "parse", e.message);
                break;
            }
        }
        let line = rows.row_line();
        let n = rows.len();
        if n == 0 || (n == 1 && py_strip(rows.cell(0)).is_empty()) {
            s.warn(
                Some(line),
                "empty_line",
                "empty line (readers skip it)".into(),
            );
            continue;
        }
        s.check_whitespace(&rows);
        let cells: Vec<&str> = (0..n).map(|i| py_strip(rows.cell(i))).collect();
        if expect_header {
            expect_header = false;
            s.header(line, &cells);
            continue;
        }
        if let Some((section, k)) = marker(cells.first().copied().unwrap_or("")) {
            if let Some(first) = s.markers[k] {
                s.error(
                    Some(line),
                    "duplicated_section",
                    format!("section {} already began on line {first}", cells[0]),
                );
            } else {
                s.markers[k] = Some(line);
            }
            s.section = section;
            expect_header = true;
            continue;
        }
        match s.section {
            Section::None => s.error(
                Some(line),
                "row_before_section",
                "row before any META/PROJECTS/VOTES section".into(),
            ),
            Section::Meta => s.meta_row(line, &cells),
            Section::Projects => s.project_row(line, &cells),
            Section::Votes => s.vote_row(line, &cells),
        }
    }
    if expect_header {
        s.error(
            Some(rows.last_line()),
            "missing_header",
            "section without a header row".into(),
        );
    }
    s.finish();
    s.problems
}

fn marker(cell: &str) -> Option<(Section, usize)> {
    let c = cell.to_ascii_lowercase();
    match c.as_str() {
        "meta" => Some((Section::Meta, 0)),
        "projects" => Some((Section::Projects, 1)),
        "votes" => Some((Section::Votes, 2)),
        _ => None,
    }
}

/// Splits a comma list into its non-empty entries.
fn entries(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').filter(|e| !e.is_empty())
}

fn has_space_around_commas(list: &str) -> bool {
    list.contains(',') && list.split(',').any(|e| py_strip(e) != e)
}

fn to_int(v: &BigRational) -> BigInt {
    v.floor().to_integer()
}

impl Scanner {
    fn error(&mut self, line: Option<u32>, code: &'static str, message: String) {
        self.problems.push(Problem {
            line,
            severity: Severity::Error,
            code,
            message,
        });
    }

    fn warn(&mut self, line: Option<u32>, code: &'static str, message: String) {
        self.problems.push(Problem {
            line,
            severity: Severity::Warning,
            code,
            message,
        });
    }

    fn meta_value(&self, key: &str) -> Option<(&str, u32)> {
        self.meta
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, l)| (v.as_str(), *l))
    }

    fn check_whitespace<R: BufRead>(&mut self, rows: &RowReader<R>) {
        let bad: Vec<String> = (0..rows.len())
            .filter(|&i| {
                let c = rows.cell(i);
                py_strip(c) != c
            })
            .map(|i| rows.cell_column(i).to_string())
            .collect();
        if !bad.is_empty() {
            self.error(
                Some(rows.row_line()),
                "cell_whitespace",
                format!(
                    "cell(s) with leading or trailing whitespace at column(s) {}",
                    bad.join(", ")
                ),
            );
        }
    }

    fn header(&mut self, line: u32, cells: &[&str]) {
        let owned: Vec<String> = cells.iter().map(|c| (*c).to_owned()).collect();
        match self.section {
            Section::Meta => {
                if cells != ["key", "value"] {
                    self.error(
                        Some(line),
                        "meta_header",
                        format!(
                            "expected the META header key;value, found {:?}",
                            cells.join(";")
                        ),
                    );
                }
            }
            Section::Projects => {
                if cells.first() != Some(&"project_id") {
                    self.error(
                        Some(line),
                        "projects_header",
                        format!(
                            "expected project_id as the first PROJECTS column, found {:?}",
                            cells.first().copied().unwrap_or("")
                        ),
                    );
                }
                if !cells.contains(&"cost") {
                    self.error(
                        Some(line),
                        "projects_header",
                        "the PROJECTS header has no cost column".into(),
                    );
                }
                self.project_header = owned;
            }
            Section::Votes => {
                if cells.first() != Some(&"voter_id") {
                    self.error(
                        Some(line),
                        "votes_header",
                        format!(
                            "expected voter_id as the first VOTES column, found {:?}",
                            cells.first().copied().unwrap_or("")
                        ),
                    );
                }
                if !cells.contains(&"vote") {
                    self.error(
                        Some(line),
                        "votes_header",
                        "the VOTES header has no vote column".into(),
                    );
                }
                let vote_type = self
                    .meta_value("vote_type")
                    .and_then(|(v, _)| VoteType::parse(v));
                if vote_type.is_some_and(VoteType::has_points) && !cells.contains(&"points") {
                    self.error(
                        Some(line),
                        "points_missing",
                        "a cumulative or scoring file needs a points column in VOTES".into(),
                    );
                }
                self.votes_header = owned;
                self.vote_type = vote_type;
                self.limits = Some(self.parse_limits());
                self.seen_in_vote = vec![0; self.projects.len()];
            }
            Section::None => {}
        }
    }

    fn parse_limits(&mut self) -> Limits {
        let mut get = |key: &'static str, integer: bool| -> Option<BigRational> {
            let (v, line) = self.meta_value(key)?;
            let (v, line) = (v.to_owned(), line);
            match parse_rational(&v) {
                Ok(x) if !integer || x.is_integer() => Some(x),
                _ => {
                    let what = if integer { "an integer" } else { "a number" };
                    self.error(
                        Some(line),
                        "bad_limit",
                        format!("expected {what} for {key}, found {v:?}"),
                    );
                    None
                }
            }
        };
        Limits {
            min_length: get("min_length", true),
            max_length: get("max_length", true),
            min_points: get("min_points", false),
            max_points: get("max_points", false),
            min_sum_points: get("min_sum_points", false),
            max_sum_points: get("max_sum_points", false),
            min_sum_cost: get("min_sum_cost", false),
            max_sum_cost: get("max_sum_cost", false),
        }
    }

    fn too_many(&mut self, line: u32, n: usize, width: usize, what: &str) -> bool {
        if n > width {
            self.error(
                Some(line),
                "too_many_cells",
                format!("expected at most {width} cells as in the {what} header, found {n}"),
            );
            return true;
        }
        false
    }

    fn meta_row(&mut self, line: u32, cells: &[&str]) {
        if cells.len() < 2 {
            self.error(
                Some(line),
                "meta_row",
                format!("expected key;value in META, found {:?}", cells.join(";")),
            );
            return;
        }
        let (key, value) = (cells[0], cells[1]);
        if let Some(first) = self.meta.iter().find(|(k, _, _)| k == key).map(|m| m.2) {
            self.warn(
                Some(line),
                "duplicate_meta_key",
                format!("META key {key:?} repeats (first on line {first}); the last value wins"),
            );
        }
        self.meta.retain(|(k, _, _)| k != key);
        self.meta.push((key.to_owned(), value.to_owned(), line));
    }

    fn project_row(&mut self, line: u32, cells: &[&str]) {
        if self.too_many(line, cells.len(), self.project_header.len(), "PROJECTS") {
            return;
        }
        let col = |name: &str| -> Option<String> {
            let i = self.project_header.iter().rposition(|c| c == name)?;
            cells
                .get(i)
                .map(|c| (*c).to_owned())
                .filter(|c| !c.eq_ignore_ascii_case("none"))
        };
        let id = cells[0].to_owned();
        let (cost_text, selected, votes, score) =
            (col("cost"), col("selected"), col("votes"), col("score"));
        if id.is_empty() {
            self.error(
                Some(line),
                "missing_project_id",
                "project row without an id".into(),
            );
        }
        if let Some(&first) = self.ids.get(&id) {
            let first_line = self.projects.get(first).map_or(0, |p| p.line);
            self.error(
                Some(line),
                "duplicate_project_id",
                format!("project id {id:?} repeats (first on line {first_line})"),
            );
            return;
        }
        let cost = match cost_text.as_deref() {
            None | Some("") => {
                self.error(
                    Some(line),
                    "bad_cost",
                    format!("project {id:?} has no cost"),
                );
                None
            }
            Some(c) => {
                if c.contains(',') {
                    self.error(
                        Some(line),
                        "comma_in_number",
                        format!("cost {c:?} of project {id:?} uses a comma; write a decimal point"),
                    );
                }
                match parse_money(c) {
                    Ok(v) => {
                        if v.is_zero() {
                            self.error(Some(line), "cost_zero", format!("project {id:?} costs 0"));
                        } else if v.is_negative() {
                            self.error(
                                Some(line),
                                "bad_cost",
                                format!("project {id:?} has a negative cost"),
                            );
                        }
                        Some(v)
                    }
                    Err(e) => {
                        self.error(
                            Some(line),
                            "bad_cost",
                            format!("expected a number for the cost of project {id:?}, found {c:?} ({e})"),
                        );
                        None
                    }
                }
            }
        };
        self.ids.insert(id.clone(), self.projects.len());
        self.projects.push(ProjectRow {
            id,
            line,
            cost,
            selected,
            votes,
            score,
            counted_votes: 0,
            counted_score: BigRational::zero(),
        });
    }

    fn vote_row(&mut self, line: u32, cells: &[&str]) {
        if self.too_many(line, cells.len(), self.votes_header.len(), "VOTES") {
            return;
        }
        self.voters += 1;
        let col = |name: &str| -> Option<&str> {
            let i = self.votes_header.iter().rposition(|c| c == name)?;
            cells
                .get(i)
                .copied()
                .filter(|c| !c.eq_ignore_ascii_case("none"))
        };
        let voter_id = col("voter_id").unwrap_or("").to_owned();
        let vote = col("vote").unwrap_or("").to_owned();
        let points = col("points").filter(|p| !p.is_empty()).map(str::to_owned);
        let who = format!("voter {voter_id:?}");
        if voter_id.is_empty() {
            self.error(
                Some(line),
                "missing_voter_id",
                "vote row without a voter_id".into(),
            );
        } else if let Some(first) = self.voter_ids.get(&voter_id) {
            let first = *first;
            self.error(
                Some(line),
                "duplicate_voter_id",
                format!("{who} already voted on line {first}"),
            );
        } else {
            self.voter_ids.insert(voter_id.clone(), line);
        }
        if has_space_around_commas(&vote) {
            self.error(
                Some(line),
                "vote_whitespace",
                format!("{who}: whitespace around a comma in the vote {vote:?} (write \"a,b\")"),
            );
        }
        // Resolve the projects, reporting unknown ones and repeats.
        self.voter_no = self.voter_no.wrapping_add(1).max(1);
        if self.seen_in_vote.len() < self.projects.len() {
            self.seen_in_vote.resize(self.projects.len(), 0);
        }
        let mut listed: Vec<Option<usize>> = Vec::new();
        let mut repeated = Vec::new();
        for name in entries(&vote) {
            match self.ids.get(name).copied() {
                Some(p) => {
                    if self.seen_in_vote.get(p) == Some(&self.voter_no) {
                        repeated.push(name.to_owned());
                    } else if let Some(s) = self.seen_in_vote.get_mut(p) {
                        *s = self.voter_no;
                    }
                    listed.push(Some(p));
                }
                None => {
                    // " 10" is already reported as whitespace around a comma.
                    if !self.ids.contains_key(py_strip(name)) {
                        self.error(
                            Some(line),
                            "unknown_project",
                            format!("{who} votes for project {name:?}, which is not in PROJECTS"),
                        );
                    }
                    listed.push(None);
                }
            }
        }
        if !repeated.is_empty() {
            self.warn(
                Some(line),
                "duplicate_project_in_vote",
                format!(
                    "{who} lists project(s) {} more than once",
                    repeated.join(", ")
                ),
            );
        }
        let length = listed.len();
        let Some(limits) = self.limits.take() else {
            return;
        };
        let len_q = BigRational::from_integer(length.into());
        if let Some(min) = &limits.min_length
            && length > 0
            && &len_q < min
        {
            self.error(
                Some(line),
                "vote_too_short",
                format!("{who} lists {length} projects; min_length is {min}"),
            );
        }
        if let Some(max) = &limits.max_length
            && &len_q > max
        {
            self.error(
                Some(line),
                "vote_too_long",
                format!("{who} lists {length} projects; max_length is {max}"),
            );
        }
        match self.vote_type {
            Some(VoteType::Choose1) if length != 1 => self.error(
                Some(line),
                "choose1_length",
                format!("{who} lists {length} projects; a choose-1 vote names exactly one"),
            ),
            _ => {}
        }
        let is_points_type = self.vote_type.is_some_and(VoteType::has_points);
        if self.vote_type.is_some_and(VoteType::is_approval_like)
            && let Some(p) = &points
        {
            self.error(
                Some(line),
                "points_forbidden",
                format!("{who} has points {p:?} in an approval or choose-1 file"),
            );
        }
        if is_points_type && points.is_none() && length > 0 {
            self.error(
                Some(line),
                "points_missing",
                format!("{who} has a vote but no points"),
            );
        }
        let mut values: Vec<Option<BigRational>> = Vec::new();
        if let Some(p) = &points {
            if has_space_around_commas(p) {
                self.error(
                    Some(line),
                    "vote_whitespace",
                    format!("{who}: whitespace around a comma in the points {p:?}"),
                );
            }
            let parts: Vec<&str> = p.split(',').collect();
            if parts.len() != length {
                self.error(
                    Some(line),
                    "points_length",
                    format!("{who} lists {length} projects but {} points", parts.len()),
                );
            }
            for part in parts {
                match parse_rational(part) {
                    Ok(v) => values.push(Some(v)),
                    Err(_) => {
                        self.error(
                            Some(line),
                            "points_not_numeric",
                            format!("{who} has points entry {part:?}, not a number"),
                        );
                        values.push(None);
                    }
                }
            }
            self.points_seen = true;
        }
        if is_points_type {
            self.check_points(line, &who, &values, &limits);
        }
        if self.vote_type == Some(VoteType::Approval) {
            let total = listed
                .iter()
                .flatten()
                .filter_map(|&p| self.projects.get(p).and_then(|r| r.cost.clone()))
                .fold(BigRational::zero(), |a, c| a + c);
            if let Some(min) = limits.min_sum_cost.as_ref().filter(|m| !m.is_zero())
                && length > 0
                && &total < min
            {
                self.warn(
                    Some(line),
                    "sum_cost_out_of_range",
                    format!(
                        "{who} approves projects costing {total} in total; min_sum_cost is {min}"
                    ),
                );
            }
            if let Some(max) = &limits.max_sum_cost
                && &total > max
            {
                self.warn(
                    Some(line),
                    "sum_cost_out_of_range",
                    format!(
                        "{who} approves projects costing {total} in total; max_sum_cost is {max}"
                    ),
                );
            }
        }
        // Count supporters (once per voter) and points, to compare with the votes/score columns.
        let mut counted: Vec<usize> = Vec::new();
        for (k, p) in listed.iter().enumerate() {
            let Some(p) = *p else { continue };
            if let Some(row) = self.projects.get_mut(p) {
                if !counted.contains(&p) {
                    row.counted_votes += 1;
                    counted.push(p);
                }
                if let Some(Some(v)) = values.get(k) {
                    row.counted_score += v;
                }
            }
        }
        self.limits = Some(limits);
    }

    fn check_points(
        &mut self,
        line: u32,
        who: &str,
        values: &[Option<BigRational>],
        limits: &Limits,
    ) {
        let nums: Vec<&BigRational> = values.iter().flatten().collect();
        if self.vote_type == Some(VoteType::Cumulative) && nums.iter().any(|v| v.is_negative()) {
            self.error(
                Some(line),
                "negative_points",
                format!("{who} gives negative points"),
            );
        }
        if let Some(min) = &limits.min_points
            && nums.iter().any(|v| *v < min)
        {
            self.error(
                Some(line),
                "points_out_of_range",
                format!("{who} gives fewer points than min_points {min} to a project"),
            );
        }
        if let Some(max) = &limits.max_points
            && nums.iter().any(|v| *v > max)
        {
            self.error(
                Some(line),
                "points_out_of_range",
                format!("{who} gives more points than max_points {max} to a project"),
            );
        }
        let sum = nums.iter().fold(BigRational::zero(), |a, v| a + *v);
        if let Some(min) = &limits.min_sum_points
            && !nums.is_empty()
            && &sum < min
        {
            self.warn(
                Some(line),
                "sum_points_out_of_range",
                format!("{who} gives {sum} points in total; min_sum_points is {min}"),
            );
        }
        if let Some(max) = &limits.max_sum_points
            && &sum > max
        {
            self.warn(
                Some(line),
                "sum_points_out_of_range",
                format!("{who} gives {sum} points in total; max_sum_points is {max}"),
            );
        }
        if nums.windows(2).any(|w| w[0] < w[1]) {
            self.warn(
                Some(line),
                "points_not_sorted",
                format!("{who}'s vote is not ordered by non-increasing points"),
            );
        }
    }

    fn finish(&mut self) {
        let meta_line = self.markers[0];
        if meta_line.is_none() {
            self.error(None, "missing_section", "no META section".into());
        }
        if self.markers[1].is_none() {
            self.error(None, "missing_section", "no PROJECTS section".into());
        }
        if self.markers[2].is_none() {
            self.error(None, "missing_section", "no VOTES section".into());
        }
        for key in REQUIRED_META {
            if self.meta_value(key).is_none() {
                self.error(meta_line, "missing_meta_key", format!("META has no {key}"));
            }
        }
        let vote_type = self.meta_value("vote_type").map(|(v, l)| (v.to_owned(), l));
        if let Some((v, l)) = vote_type {
            match VoteType::parse(&v) {
                None => self.error(
                    Some(l),
                    "bad_vote_type",
                    format!(
                        "vote_type {v:?} is not approval, choose-1, cumulative, scoring or ordinal"
                    ),
                ),
                Some(VoteType::Cumulative) if self.meta_value("max_sum_points").is_none() => self
                    .error(
                        Some(l),
                        "missing_meta_key",
                        "a cumulative file needs max_sum_points in META".into(),
                    ),
                Some(_) => {}
            }
        }
        for key in ["budget", "max_sum_cost"] {
            if let Some((v, l)) = self.meta_value(key).map(|(v, l)| (v.to_owned(), l))
                && v.contains(',')
            {
                self.error(
                    Some(l),
                    "comma_in_number",
                    format!("{key} {v:?} uses a comma; write a decimal point"),
                );
            }
        }
        self.check_counts();
        let budget = match self.meta_value("budget").map(|(v, l)| (v.to_owned(), l)) {
            Some((v, l)) => match parse_money(&v) {
                Ok(b) => Some((b, l)),
                Err(e) => {
                    self.error(
                        Some(l),
                        "bad_budget",
                        format!("expected a number for budget, found {v:?} ({e})"),
                    );
                    None
                }
            },
            None => None,
        };
        if let Some((budget, budget_line)) = budget {
            self.check_budget(&budget, budget_line);
        }
        self.check_vote_columns();
    }

    fn check_counts(&mut self) {
        let counts = [
            ("num_projects", self.projects.len() as u64, "projects"),
            ("num_votes", self.voters, "votes"),
        ];
        for (key, actual, what) in counts {
            let Some((v, l)) = self.meta_value(key).map(|(v, l)| (v.to_owned(), l)) else {
                continue;
            };
            match v.parse::<u64>() {
                Ok(n) if n == actual => {}
                Ok(n) => {
                    let code = if key == "num_projects" {
                        "num_projects_mismatch"
                    } else {
                        "num_votes_mismatch"
                    };
                    self.error(
                        Some(l),
                        code,
                        format!("{key} is {n} but the file has {actual} {what}"),
                    );
                }
                Err(_) => self.error(
                    Some(l),
                    "bad_count",
                    format!("expected an integer for {key}, found {v:?}"),
                ),
            }
        }
    }

    fn check_budget(&mut self, budget: &Money, budget_line: u32) {
        let floor_budget = to_int(budget);
        let mut findings = Vec::new();
        let mut selected_total = BigRational::zero();
        let mut all_cost = BigRational::zero();
        for p in &self.projects {
            let Some(cost) = &p.cost else { continue };
            all_cost += cost;
            if to_int(cost) > floor_budget {
                let sentinel = to_int(cost) == BigInt::from(SENTINEL_COST);
                findings.push(Problem {
                    line: Some(p.line),
                    severity: if sentinel {
                        Severity::Warning
                    } else {
                        Severity::Error
                    },
                    code: "cost_above_budget",
                    message: format!(
                        "project {:?} costs {cost}, more than the budget {budget}",
                        p.id
                    ),
                });
            }
            if p.selected.as_deref() == Some("1") {
                selected_total += cost;
            }
        }
        self.problems.extend(findings);
        if to_int(&selected_total) > floor_budget {
            self.error(
                Some(budget_line),
                "selected_over_budget",
                format!(
                    "the selected projects cost {selected_total}, more than the budget {budget}"
                ),
            );
        }
        if let Some((flag, l)) = self
            .meta_value("fully_funded")
            .map(|(v, l)| (v.to_owned(), l))
        {
            if flag != "1" {
                self.error(
                    Some(l),
                    "fully_funded_flag",
                    format!("fully_funded must be 1 when present, found {flag:?}"),
                );
            } else if to_int(&all_cost) > floor_budget {
                self.error(
                    Some(l),
                    "fully_funded_flag",
                    format!("fully_funded is 1 but all projects cost {all_cost}, more than the budget {budget}"),
                );
            }
        }
    }

    fn check_vote_columns(&mut self) {
        let mut findings = Vec::new();
        for p in &self.projects {
            if let Some(v) = &p.votes
                && v.parse::<u64>().ok() != Some(p.counted_votes)
            {
                findings.push(Problem {
                    line: Some(p.line),
                    severity: Severity::Warning,
                    code: "votes_column_mismatch",
                    message: format!(
                        "project {:?}: votes column says {v}, counted {} voters",
                        p.id, p.counted_votes
                    ),
                });
            }
            if let (Some(s), true) = (&p.score, self.points_seen)
                && parse_rational(s).ok().as_ref() != Some(&p.counted_score)
            {
                findings.push(Problem {
                    line: Some(p.line),
                    severity: Severity::Warning,
                    code: "score_column_mismatch",
                    message: format!(
                        "project {:?}: score column says {s}, counted {}",
                        p.id, p.counted_score
                    ),
                });
            }
        }
        self.problems.extend(findings);
    }
}
