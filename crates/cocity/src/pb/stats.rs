//! `cocity pb stats FILE`: what the instance and the votes look like.

use std::io::{self, Write};

use serde_json::{Value, json};

use cocity_pb::Election;
use cocity_pb::analysis::{self, COST_BUCKET_BOUNDS_PERCENT, Stats, Summary, approx};
use cocity_pb::pabulib::VoterCells;

use super::Failure;
use super::cli::StatsArgs;
use super::count::readable;
use super::json::{self as js, money, opt_money};
use super::load::{self, project_id, project_name};
use super::table::{Align, Table, percent};

pub(crate) fn run(args: StatsArgs) -> Result<(), Failure> {
    let election = load::election(&args.file, VoterCells::None)?;
    let s = analysis::stats(&election);
    if args.json {
        js::print(&to_json(&election, &s, &args))?;
    } else {
        write_text(&election, &s, &args)?;
    }
    Ok(())
}

/// Bucket names matching [`COST_BUCKET_BOUNDS_PERCENT`], e.g. "< 1% of B", ..., "> B".
fn bucket_names() -> Vec<String> {
    let mut names = Vec::new();
    let mut lower = 0u32;
    for &b in &COST_BUCKET_BOUNDS_PERCENT {
        names.push(if b == 100 {
            format!("{lower}%–100% of B")
        } else {
            format!("{lower}%–{b}% of B")
        });
        lower = b;
    }
    names.push("more than B".to_owned());
    names
}

fn summary_json(s: Option<&Summary>) -> Value {
    match s {
        Some(s) => json!({
            "min": money(&s.min), "max": money(&s.max),
            "mean": money(&s.mean), "median": money(&s.median),
        }),
        None => Value::Null,
    }
}

fn to_json(election: &Election, s: &Stats, args: &StatsArgs) -> Value {
    let names = bucket_names();
    let buckets: Vec<Value> = names
        .iter()
        .zip(&s.cost_buckets)
        .map(|(name, count)| json!({ "bucket": name, "projects": count }))
        .collect();
    let projects: Vec<Value> = s
        .support
        .iter()
        .enumerate()
        .map(|(p, sup)| {
            json!({
                "id": project_id(election, p),
                "name": project_name(election, p),
                "cost": election.instance.projects.get(p).map_or(Value::Null, |pr| money(&pr.cost)),
                "votes": sup.votes,
                "points": opt_money(sup.points.as_ref()),
                "borda": sup.borda,
            })
        })
        .collect();
    json!({
        "file": args.file.display().to_string(),
        "vote_type": s.vote_type.as_str(),
        "rule": election.instance.meta("rule"),
        "projects": s.projects,
        "voters": s.voters,
        "empty_ballots": s.empty_ballots,
        "budget": money(&s.budget),
        "total_cost": money(&s.total_cost),
        "budget_ratio": opt_money(s.budget_ratio.as_ref()),
        "projects_over_budget": s.projects_over_budget,
        "vote_length": summary_json(s.vote_length.as_ref()),
        "vote_length_histogram": s.vote_length_histogram,
        "cost": summary_json(s.cost.as_ref()),
        "cost_buckets": buckets,
        "project_support": projects,
    })
}

fn write_text(election: &Election, s: &Stats, args: &StatsArgs) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let meta = |k: &str| election.instance.meta(k).unwrap_or("").to_owned();
    writeln!(out, "{}", args.file.display())?;
    let place = [
        meta("country"),
        meta("unit"),
        meta("subunit"),
        meta("instance"),
    ]
    .into_iter()
    .filter(|x| !x.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    if !place.is_empty() {
        writeln!(out, "{place}")?;
    }
    writeln!(
        out,
        "Vote type {}, rule in the file: {}",
        s.vote_type,
        election.instance.meta("rule").unwrap_or("(none)")
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Projects: {} (costing {} in all; {} dearer than the budget)",
        s.projects,
        readable(&s.total_cost),
        s.projects_over_budget
    )?;
    writeln!(
        out,
        "Voters: {} ({} empty ballots)",
        s.voters, s.empty_ballots
    )?;
    writeln!(out, "Budget: {}", readable(&s.budget))?;
    match &s.budget_ratio {
        Some(r) => writeln!(
            out,
            "Budget ratio (total cost / budget): {:.2} — {}",
            approx(r),
            if approx(r) > 1.0 {
                "not every project can be funded"
            } else {
                "every project fits in the budget"
            }
        )?,
        None => writeln!(out, "Budget ratio: undefined (budget 0)")?,
    }
    writeln!(out)?;
    let mut summary = Table::new(&[
        ("", Align::Left),
        ("min", Align::Right),
        ("median", Align::Right),
        ("mean", Align::Right),
        ("max", Align::Right),
    ]);
    for (name, sum) in [("vote length", &s.vote_length), ("project cost", &s.cost)] {
        if let Some(x) = sum {
            summary.row(vec![
                name.to_owned(),
                readable(&x.min),
                readable(&x.median),
                readable(&x.mean),
                readable(&x.max),
            ]);
        }
    }
    summary.write(&mut out)?;
    writeln!(out)?;
    writeln!(out, "Vote lengths (projects per ballot):")?;
    let total = s.voters.max(1) as f64;
    let mut lengths = Table::new(&[
        ("length", Align::Right),
        ("voters", Align::Right),
        ("share", Align::Right),
    ]);
    for (len, &count) in s.vote_length_histogram.iter().enumerate() {
        if count > 0 {
            lengths.row(vec![
                len.to_string(),
                count.to_string(),
                percent(count as f64 / total),
            ]);
        }
    }
    lengths.write(&mut out)?;
    writeln!(out)?;
    writeln!(out, "Project costs:")?;
    let mut costs = Table::new(&[("cost", Align::Left), ("projects", Align::Right)]);
    for (name, &count) in bucket_names().iter().zip(&s.cost_buckets) {
        costs.row(vec![name.clone(), count.to_string()]);
    }
    costs.write(&mut out)?;
    writeln!(out)?;
    writeln!(out, "Support per project (most voted first):")?;
    let mut order: Vec<usize> = (0..s.support.len()).collect();
    order.sort_by(|&a, &b| {
        let va = s.support.get(a).map_or(0, |x| x.votes);
        let vb = s.support.get(b).map_or(0, |x| x.votes);
        vb.cmp(&va).then(a.cmp(&b))
    });
    let extra = if s.vote_type.has_points() {
        "points"
    } else if s.support.iter().any(|x| x.borda.is_some()) {
        "borda"
    } else {
        ""
    };
    let mut columns = vec![
        ("id", Align::Left),
        ("cost", Align::Right),
        ("votes", Align::Right),
    ];
    if !extra.is_empty() {
        columns.push((extra, Align::Right));
    }
    columns.push(("name", Align::Left));
    let mut support = Table::new(&columns);
    for p in order {
        let Some(sup) = s.support.get(p) else {
            continue;
        };
        let mut row = vec![
            project_id(election, p).to_owned(),
            election
                .instance
                .projects
                .get(p)
                .map_or(String::new(), |pr| readable(&pr.cost)),
            sup.votes.to_string(),
        ];
        if let Some(points) = &sup.points {
            row.push(readable(points));
        } else if let Some(b) = sup.borda {
            row.push(b.to_string());
        }
        row.push(project_name(election, p).unwrap_or("").to_owned());
        support.row(row);
    }
    support.write(&mut out)?;
    out.flush()
}
