//! `cocity pb compare FILE --rules greedy,mes`: which projects differ between rules, and how
//! voters fare under each.

use std::io::{self, Write};

use serde_json::{Value, json};

use cocity_pb::Election;
use cocity_pb::analysis::{self, Comparison, EjrVerdict, Sat, approx};
use cocity_pb::chart::{RuleSeries, comparison_chart};
use cocity_pb::pabulib::VoterCells;
use cocity_pb::rules::{Completion, CountSpec, Rule};

use super::Failure;
use super::cli::CompareArgs;
use super::count::{count_with_progress, readable};
use super::json::{self as js, money};
use super::load::{self, project_id, project_name};
use super::table::{Align, Table, percent};

/// One entry of `--rules`.
enum Entry {
    Count(CountSpec),
    /// The file's own `selected` column.
    File,
}

pub(crate) fn run(args: CompareArgs) -> Result<(), Failure> {
    let default_completion = load::completion(&args.completion)?;
    let entries: Vec<(String, Entry)> = args
        .rules
        .iter()
        .map(|word| {
            parse_entry(word.trim(), default_completion).map(|e| (word.trim().to_owned(), e))
        })
        .collect::<Result<_, _>>()?;
    if entries.len() < 2 {
        return Err(Failure::Usage(
            "--rules needs at least two rules to compare, e.g. --rules greedy,mes".into(),
        ));
    }
    let election = load::election(&args.file, VoterCells::None)?;
    let sat = load::sat(args.sat.as_deref(), &election, &args.file)?;
    let mut outcomes: Vec<(String, Vec<usize>)> = Vec::with_capacity(entries.len());
    for (label, entry) in entries {
        let winners = match entry {
            Entry::Count(mut spec) => {
                spec.sat = Some(sat);
                count_with_progress(&election, &spec, &args.file, !args.no_progress)?.winners
            }
            Entry::File => selected_column(&election, &args.file)?,
        };
        outcomes.push((label, winners));
    }
    let comparison = analysis::compare(&election, &outcomes, sat, args.ejr_limit)
        .map_err(|e| Failure::Usage(e.to_string()))?;
    if let Some(path) = &args.svg {
        load::write_svg(path, &chart(&election, &comparison, &args))?;
    }
    if args.json {
        js::print(&to_json(&election, &comparison, sat, &args))?;
    } else {
        write_text(&election, &comparison, sat, &args)?;
    }
    Ok(())
}

/// `greedy`, `mes`, `phragmen`, `mes:COMPLETION` or `file`.
fn parse_entry(word: &str, default_completion: Completion) -> Result<Entry, Failure> {
    if word == "file" {
        return Ok(Entry::File);
    }
    let (rule_word, completion) = match word.split_once(':') {
        Some((r, c)) => (r, load::completion(c)?),
        None => (word, default_completion),
    };
    let rule = load::rule(rule_word)?;
    let completion = if rule == Rule::Mes {
        completion
    } else if word.contains(':') {
        return Err(Failure::Usage(format!(
            "`{word}`: a completion applies to mes only"
        )));
    } else {
        Completion::None
    };
    Ok(Entry::Count(CountSpec {
        rule,
        sat: None,
        completion,
    }))
}

/// The projects the file marks `selected` = 1.
fn selected_column(election: &Election, path: &std::path::Path) -> Result<Vec<usize>, Failure> {
    cocity_pb::check::selected_projects(election).ok_or_else(|| {
        Failure::Usage(format!(
            "{}: `file` needs a `selected` column in PROJECTS, and this file has none",
            path.display()
        ))
    })
}

fn ejr_text(v: &EjrVerdict) -> String {
    match v {
        EjrVerdict::Holds { .. } => "holds".into(),
        EjrVerdict::Violated(w) => format!(
            "violated ({} voters, {} projects)",
            w.voters.len(),
            w.projects.len()
        ),
        EjrVerdict::Undecided { .. } => "undecided (work limit)".into(),
        EjrVerdict::NotApplicable { .. } => "n/a".into(),
    }
}

fn write_text(election: &Election, c: &Comparison, sat: Sat, args: &CompareArgs) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "{}: {} voters, {} projects, budget {}; satisfaction {sat}",
        args.file.display(),
        election.profile.len(),
        election.instance.projects.len(),
        readable(&election.instance.budget)
    )?;
    writeln!(out)?;
    let mut columns: Vec<(&str, Align)> = vec![("", Align::Left)];
    for o in &c.outcomes {
        columns.push((o.label.as_str(), Align::Right));
    }
    let mut table = Table::new(&columns);
    let row = |name: &str, f: &dyn Fn(&analysis::OutcomeReport) -> String| {
        let mut cells = vec![name.to_owned()];
        cells.extend(c.outcomes.iter().map(f));
        cells
    };
    table.row(row("funded projects", &|o| o.winners.len().to_string()));
    table.row(row("cost", &|o| readable(&o.cost)));
    table.row(row("budget used", &|o| {
        let b = &election.instance.budget;
        if b > &cocity_pb::Money::default() {
            percent(approx(&(&o.cost / b)))
        } else {
            "-".into()
        }
    }));
    table.row(row("avg satisfaction", &|o| readable(&o.avg_satisfaction)));
    table.row(row("voters with a funded project", &|o| {
        percent(approx(&o.non_empty_handed_share))
    }));
    table.row(row("Gini of satisfaction", &|o| {
        o.gini
            .as_ref()
            .map_or("-".into(), |g| format!("{:.4}", approx(g)))
    }));
    table.row(row("EJR up to one project", &|o| {
        ejr_text(&o.ejr_up_to_one)
    }));
    table.write(&mut out)?;

    let differing = c.differing();
    writeln!(out)?;
    writeln!(
        out,
        "Projects funded by some rules but not all ({}):",
        differing.len()
    )?;
    if !differing.is_empty() {
        let mut columns: Vec<(&str, Align)> = vec![("id", Align::Left), ("cost", Align::Right)];
        for o in &c.outcomes {
            columns.push((o.label.as_str(), Align::Left));
        }
        columns.push(("name", Align::Left));
        let mut diff = Table::new(&columns);
        for p in differing {
            let mut cells = vec![
                project_id(election, p).to_owned(),
                election
                    .instance
                    .projects
                    .get(p)
                    .map_or(String::new(), |pr| readable(&pr.cost)),
            ];
            let row = c.membership.get(p);
            for k in 0..c.outcomes.len() {
                let funded = row.and_then(|r| r.get(k)).copied().unwrap_or(false);
                cells.push(if funded { "funded" } else { "-" }.to_owned());
            }
            cells.push(project_name(election, p).unwrap_or("").to_owned());
            diff.row(cells);
        }
        diff.write(&mut out)?;
    }
    writeln!(out)?;
    let all = c.in_all();
    let ids: Vec<&str> = all.iter().map(|&p| project_id(election, p)).collect();
    writeln!(out, "In all ({}): {}", all.len(), ids.join(", "))?;
    for o in &c.outcomes {
        if let EjrVerdict::Violated(w) = &o.ejr_up_to_one {
            let ids: Vec<&str> = w
                .projects
                .iter()
                .map(|&p| project_id(election, p))
                .collect();
            writeln!(
                out,
                "EJR up to one fails under {}: {} voters all approve {{{}}}, could pay for it with \
                 their share of the budget, and none of them is satisfied up to one project.",
                o.label,
                w.voters.len(),
                ids.join(", ")
            )?;
        }
    }
    out.flush()
}

fn to_json(election: &Election, c: &Comparison, sat: Sat, args: &CompareArgs) -> Value {
    let id = |p: usize| project_id(election, p).to_owned();
    let rules: Vec<Value> = c
        .outcomes
        .iter()
        .enumerate()
        .map(|(k, o)| {
            json!({
                "label": o.label,
                "winners": o.winners.iter().map(|&p| id(p)).collect::<Vec<_>>(),
                "cost": money(&o.cost),
                "avg_satisfaction": money(&o.avg_satisfaction),
                "non_empty_handed_share": money(&o.non_empty_handed_share),
                "non_empty_handed_percent": js::percent(&o.non_empty_handed_share),
                "percent_non_empty_handed_pabutools": js::opt_money(o.pabutools_non_empty_handed.as_ref()),
                "gini": js::opt_money(o.gini.as_ref()),
                "ejr_up_to_one": js::ejr(&o.ejr_up_to_one, &id),
                "voters_by_funded_projects": o.funded_count_histogram,
                "only_here": c.only_in(k).into_iter().map(id).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "file": args.file.display().to_string(),
        "sat": sat.as_str(),
        "budget": money(&election.instance.budget),
        "voters": election.profile.len(),
        "rules": rules,
        "in_all": c.in_all().into_iter().map(id).collect::<Vec<_>>(),
        "differing": c.differing().into_iter().map(id).collect::<Vec<_>>(),
    })
}

fn chart(election: &Election, c: &Comparison, args: &CompareArgs) -> String {
    let budget = &election.instance.budget;
    let series: Vec<RuleSeries> = c
        .outcomes
        .iter()
        .map(|o| RuleSeries {
            label: o.label.clone(),
            non_empty_handed: approx(&o.non_empty_handed_share),
            budget_used: if budget > &cocity_pb::Money::default() {
                approx(&(&o.cost / budget))
            } else {
                0.0
            },
            voters_by_funded: o.funded_count_histogram.clone(),
        })
        .collect();
    let name = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    comparison_chart(&format!("{name}: rules compared"), &series)
}
