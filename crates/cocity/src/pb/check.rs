//! `cocity pb check FILE...`: Pabulib's validations, each problem with its file and line, and
//! a re-count of the rule the file names compared with its `selected` column.
//!
//! Exit codes: 0 when every file is clean (warnings allowed), 1 when some file has errors,
//! 2 when a file cannot be opened at all.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use cocity_pb::Election;
use cocity_pb::check::{self, Problem, Report, Severity};
use cocity_pb::pabulib;
use cocity_pb::rules::{self, Completion, CountSpec, Rule, Sat};

use super::Failure;
use super::cli::CheckArgs;
use super::load::project_id;

/// What the re-count found.
enum Recount {
    /// The file names no rule we re-count (or no `selected` column): nothing claimed.
    Skipped(String),
    Matches {
        rule: String,
    },
    Differs {
        rule: String,
        /// Ids selected by the file but not by the re-count, and the other way round.
        only_file: Vec<String>,
        only_recount: Vec<String>,
    },
}

struct FileResult {
    report: Report,
    recount: Option<Recount>,
    unreadable: bool,
}

pub(crate) fn run(args: CheckArgs) -> Result<(), Failure> {
    let mut results = Vec::with_capacity(args.files.len());
    for path in &args.files {
        results.push(check_file(path, !args.no_recount));
    }
    if args.json {
        super::json::print(&to_json(&args, &results))?;
    } else {
        write_text(&args, &results)?;
    }
    if results.iter().any(|r| r.unreadable) {
        let first = args
            .files
            .iter()
            .zip(&results)
            .find(|(_, r)| r.unreadable)
            .map_or_else(String::new, |(p, _)| p.display().to_string());
        return Err(Failure::Usage(format!("{first}: cannot be opened")));
    }
    if results.iter().all(is_clean) {
        Ok(())
    } else {
        Err(Failure::Problems)
    }
}

fn is_clean(r: &FileResult) -> bool {
    r.report.is_clean() && !matches!(r.recount, Some(Recount::Differs { .. }))
}

fn check_file(path: &Path, recount: bool) -> FileResult {
    let report = check::check_path(path);
    let unreadable = report.problems.iter().any(|p| p.code == "io");
    let parsed = !report.has("parse") && !unreadable;
    let recount = if recount && parsed {
        Some(match pabulib::read_path(path) {
            Ok(election) => recount_rule(&election),
            Err(e) => Recount::Skipped(format!("cannot re-read: {e}")),
        })
    } else {
        None
    };
    FileResult {
        report,
        recount,
        unreadable,
    }
}

/// Re-counts the rule named in META with our engine and compares it with `selected`.
///
/// `greedy` is greedy by number of approvals (pabutools' greedy with cost satisfaction);
/// `equalshares` is Equal Shares without completion; `equalshares/add1` is the Pabulib
/// checker's Add1 ([`Completion::Add1Pabulib`]). A `-comparison` variant (Equal Shares, then
/// the more popular of it and greedy) is accepted when `selected` equals either. Only approval
/// and choose-1 files are re-counted: Pabulib's greedy on points ranks by score, not by score
/// per cost, which is no rule of pabutools.
fn recount_rule(e: &Election) -> Recount {
    let Some(rule) = e.instance.meta("rule") else {
        return Recount::Skipped("no rule in META".into());
    };
    let Some(selected) = check::selected_projects(e) else {
        return Recount::Skipped("no selected column".into());
    };
    if !e.instance.vote_type.is_approval_like() {
        return Recount::Skipped(format!(
            "rule `{rule}` is not re-counted for {} ballots",
            e.instance.vote_type
        ));
    }
    let greedy = CountSpec {
        rule: Rule::Greedy,
        sat: Some(Sat::Cost),
        completion: Completion::None,
    };
    let mes = |completion| CountSpec {
        rule: Rule::Mes,
        sat: Some(Sat::Cost),
        completion,
    };
    let candidates: Vec<CountSpec> = match rule {
        "greedy" => vec![greedy],
        "equalshares" => vec![mes(Completion::None)],
        "equalshares/add1" => vec![mes(Completion::Add1Pabulib)],
        "equalshares-comparison" => vec![mes(Completion::None), greedy],
        "equalshares/add1-comparison" => vec![mes(Completion::Add1Pabulib), greedy],
        other => return Recount::Skipped(format!("rule `{other}` is not re-counted")),
    };
    let mut want = selected;
    want.sort_unstable();
    let mut first_diff = None;
    for spec in &candidates {
        let outcome = match rules::count(e, spec, &mut |_| {}) {
            Ok(o) => o,
            Err(err) => return Recount::Skipped(format!("cannot re-count `{rule}`: {err}")),
        };
        let mut got = outcome.winners.clone();
        got.sort_unstable();
        if got == want {
            return Recount::Matches {
                rule: rule.to_owned(),
            };
        }
        if first_diff.is_none() {
            let ids = |v: &[usize]| v.iter().map(|&p| project_id(e, p).to_owned()).collect();
            let only_file: Vec<usize> = want.iter().copied().filter(|p| !got.contains(p)).collect();
            let only_recount: Vec<usize> =
                got.iter().copied().filter(|p| !want.contains(p)).collect();
            first_diff = Some(Recount::Differs {
                rule: rule.to_owned(),
                only_file: ids(&only_file),
                only_recount: ids(&only_recount),
            });
        }
    }
    first_diff.unwrap_or_else(|| Recount::Skipped("nothing to compare".into()))
}

fn location(path: &Path, p: &Problem) -> String {
    match p.line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

fn severity(p: &Problem) -> &'static str {
    match p.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn write_text(args: &CheckArgs, results: &[FileResult]) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    for (path, r) in args.files.iter().zip(results) {
        for p in &r.report.problems {
            if p.severity == Severity::Warning && !args.warnings {
                continue;
            }
            writeln!(
                out,
                "{}: {} [{}]: {}",
                location(path, p),
                severity(p),
                p.code,
                p.message
            )?;
        }
        match &r.recount {
            Some(Recount::Differs {
                rule,
                only_file,
                only_recount,
            }) => writeln!(
                out,
                "{}: error [selected_mismatch]: the `selected` column does not match rule `{rule}` \
                 re-counted: selected only in the file: [{}]; only by the re-count: [{}]",
                path.display(),
                only_file.join(", "),
                only_recount.join(", ")
            )?,
            Some(Recount::Matches { rule }) if args.warnings => writeln!(
                out,
                "{}: info: the `selected` column matches rule `{rule}` re-counted",
                path.display()
            )?,
            _ => {}
        }
        let errors = r.report.errors().count()
            + usize::from(matches!(r.recount, Some(Recount::Differs { .. })));
        let warnings = r.report.warnings().count();
        let verdict = if errors == 0 { "clean" } else { "INVALID" };
        writeln!(
            out,
            "{}: {verdict}: {errors} error(s), {warnings} warning(s){}",
            path.display(),
            if warnings > 0 && !args.warnings {
                " (--warnings to list them)"
            } else {
                ""
            }
        )?;
    }
    out.flush()
}

fn to_json(args: &CheckArgs, results: &[FileResult]) -> Value {
    let problem = |path: &Path, p: &Problem| {
        json!({
            "file": path.display().to_string(),
            "line": p.line,
            "severity": severity(p),
            "code": p.code,
            "message": p.message,
        })
    };
    let files: Vec<Value> = args
        .files
        .iter()
        .zip(results)
        .map(|(path, r)| {
            let recount = match &r.recount {
                None => Value::Null,
                Some(Recount::Skipped(why)) => json!({ "status": "skipped", "reason": why }),
                Some(Recount::Matches { rule }) => json!({ "status": "matches", "rule": rule }),
                Some(Recount::Differs {
                    rule,
                    only_file,
                    only_recount,
                }) => json!({
                    "status": "differs", "rule": rule,
                    "only_in_file": only_file, "only_in_recount": only_recount,
                }),
            };
            json!({
                "file": path.display().to_string(),
                "clean": is_clean(r),
                "errors": r.report.errors().map(|p| problem(path, p)).collect::<Vec<_>>(),
                "warnings": r.report.warnings().map(|p| problem(path, p)).collect::<Vec<_>>(),
                "recount": recount,
            })
        })
        .collect();
    json!({ "clean": results.iter().all(is_clean), "files": files })
}
