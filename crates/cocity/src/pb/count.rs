//! `cocity pb count FILE --rule ...`: the winners, the totals and why.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use cocity_pb::Election;
use cocity_pb::analysis::{self, approx, exact_decimal};
use cocity_pb::chart::{ProjectBar, projects_chart};
use cocity_pb::pabulib::VoterCells;
use cocity_pb::rules::{self, CountSpec, Outcome};

use super::Failure;
use super::cli::CountArgs;
use super::json::{self as js, money};
use super::load::{self, project_id, project_name};
use super::progress::Bar;
use super::table::{Align, Table, percent};

pub(crate) fn run(args: CountArgs) -> Result<(), Failure> {
    // Voters are named only in the explained JSON's payments and satisfactions.
    let cells = if args.explain {
        VoterCells::IdOnly
    } else {
        VoterCells::None
    };
    let election = load::election(&args.file, cells)?;
    let rule = load::rule(&args.rule)?;
    let completion = load::completion(&args.completion)?;
    let sat = load::sat(args.sat.as_deref(), &election, &args.file)?;
    let spec = CountSpec {
        rule,
        sat: Some(sat),
        completion,
    };
    let outcome = count_with_progress(&election, &spec, &args.file, !args.no_progress)?;
    let votes = analysis::ballots_per_project(&election);
    let summary = Summary::new(&election, &outcome)?;

    if let Some(svg_path) = &args.svg {
        let svg = chart(&election, &outcome, &votes, &args.file);
        load::write_svg(svg_path, &svg)?;
    }
    if args.json {
        js::print(&to_json(&election, &outcome, &votes, &summary, &args))?;
    } else {
        write_text(&election, &outcome, &votes, &summary, &args)?;
    }
    Ok(())
}

/// Counts with a progress bar on stderr for long counts; a count error is a usage error (the
/// rule or measure does not fit the file).
pub(crate) fn count_with_progress(
    election: &Election,
    spec: &CountSpec,
    path: &Path,
    progress: bool,
) -> Result<Outcome, Failure> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut bar = Bar::new(format!("{name} {}", spec.rule), progress);
    let outcome = rules::count(election, spec, &mut |p| bar.update(p));
    bar.finish();
    outcome.map_err(|e| Failure::Usage(format!("{}: {e}", path.display())))
}

struct Summary {
    voters: usize,
    non_empty: usize,
    share: cocity_pb::Money,
    avg_satisfaction: cocity_pb::Money,
}

impl Summary {
    fn new(election: &Election, outcome: &Outcome) -> Result<Summary, Failure> {
        let flags = analysis::non_empty_handed(election, &outcome.winners)
            .map_err(|e| Failure::Usage(e.to_string()))?;
        Ok(Summary {
            voters: flags.len(),
            non_empty: flags.iter().filter(|&&f| f).count(),
            share: analysis::share_true(&flags),
            avg_satisfaction: outcome.voter_satisfaction.mean(),
        })
    }
}

fn write_text(
    election: &Election,
    outcome: &Outcome,
    votes: &[usize],
    s: &Summary,
    args: &CountArgs,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "{}: {} (satisfaction {}, completion {}), {} ballots",
        args.file.display(),
        outcome.rule,
        outcome.sat,
        outcome.completion,
        election.instance.vote_type
    )?;
    writeln!(out)?;
    let mut table = Table::new(&[
        ("#", Align::Right),
        ("id", Align::Left),
        ("cost", Align::Right),
        ("votes", Align::Right),
        ("name", Align::Left),
    ]);
    for (k, &p) in outcome.winners.iter().enumerate() {
        let cost = election
            .instance
            .projects
            .get(p)
            .map_or(String::new(), |pr| exact_decimal(&pr.cost));
        table.row(vec![
            (k + 1).to_string(),
            project_id(election, p).to_owned(),
            cost,
            votes.get(p).copied().unwrap_or(0).to_string(),
            project_name(election, p).unwrap_or("").to_owned(),
        ]);
    }
    table.write(&mut out)?;
    writeln!(out)?;
    let budget = &outcome.budget;
    let used_share = if budget > &cocity_pb::Money::default() {
        approx(&(&outcome.total_cost / budget))
    } else {
        f64::NAN
    };
    writeln!(
        out,
        "Funded: {} of {} projects. Budget {}, used {} ({}), left {}.",
        outcome.winners.len(),
        election.instance.projects.len(),
        exact_decimal(budget),
        exact_decimal(&outcome.total_cost),
        percent(used_share),
        exact_decimal(&outcome.leftover()),
    )?;
    writeln!(
        out,
        "Voters: {}; {} ({}) have at least one funded project they voted for; average satisfaction ({}) {}.",
        s.voters,
        s.non_empty,
        percent(approx(&s.share)),
        outcome.sat,
        readable(&s.avg_satisfaction),
    )?;
    if let Some(b) = &outcome.final_voter_budget {
        writeln!(
            out,
            "Equal Shares: {} share(s) tried ({} run, the others could not change the outcome); the returned run gave each voter {}.",
            outcome.mes_runs,
            outcome.mes_runs_computed,
            readable(b)
        )?;
    }
    if args.explain {
        writeln!(out)?;
        writeln!(out, "Why each project was or was not funded:")?;
        let mut why = Table::new(&[
            ("id", Align::Left),
            ("funded", Align::Left),
            ("cost", Align::Right),
            ("votes", Align::Right),
            ("why", Align::Left),
        ]);
        for r in &outcome.projects {
            let cost = election
                .instance
                .projects
                .get(r.index)
                .map_or(String::new(), |pr| exact_decimal(&pr.cost));
            why.row(vec![
                project_id(election, r.index).to_owned(),
                if r.selected { "yes" } else { "no" }.to_owned(),
                cost,
                votes.get(r.index).copied().unwrap_or(0).to_string(),
                String::new(),
            ]);
        }
        // Explanations are sentences: print them after the aligned part, not clipped.
        let mut buf = Vec::new();
        why.write(&mut buf)?;
        let text = String::from_utf8_lossy(&buf);
        let mut lines = text.lines();
        for line in lines.by_ref().take(2) {
            writeln!(out, "{line}")?;
        }
        for (line, r) in lines.zip(&outcome.projects) {
            writeln!(out, "{line}  {}", r.explanation)?;
        }
    }
    out.flush()
}

/// An exact figure for reading: exact when short, else rounded to two decimals.
pub(crate) fn readable(x: &cocity_pb::Money) -> String {
    let exact = exact_decimal(x);
    if exact.len() <= 12 && !exact.contains('/') {
        exact
    } else {
        format!("{:.2}", approx(x))
    }
}

fn to_json(
    election: &Election,
    outcome: &Outcome,
    votes: &[usize],
    s: &Summary,
    args: &CountArgs,
) -> Value {
    let instance = &election.instance;
    let all_cost = instance
        .projects
        .iter()
        .fold(cocity_pb::Money::default(), |acc, p| acc + &p.cost);
    let projects: Vec<Value> = outcome
        .projects
        .iter()
        .map(|r| {
            let p = r.index;
            let mut v = json!({
                "id": project_id(election, p),
                "name": project_name(election, p),
                "cost": instance.projects.get(p).map_or(Value::Null, |pr| money(&pr.cost)),
                "votes": votes.get(p).copied().unwrap_or(0),
                "supporters": r.supporters,
                "selected": r.selected,
                "explanation": js::explanation(&r.explanation),
            });
            if args.explain
                && let (Some(payments), Value::Object(obj)) =
                    (outcome.payments(election, p), &mut v)
            {
                let list: Vec<Value> = payments
                    .iter()
                    .map(
                        |(i, paid)| json!({ "voter": voter_id(election, *i), "paid": money(paid) }),
                    )
                    .collect();
                obj.insert("payments".into(), Value::Array(list));
            }
            v
        })
        .collect();
    let mut voters = json!({
        "count": s.voters,
        "non_empty_handed": s.non_empty,
        "non_empty_handed_share": money(&s.share),
        "non_empty_handed_percent": js::percent(&s.share),
        "avg_satisfaction": money(&s.avg_satisfaction),
    });
    if args.explain
        && let Value::Object(obj) = &mut voters
    {
        let list: Vec<Value> = outcome
            .voter_satisfaction
            .iter()
            .enumerate()
            .map(|(i, sat)| json!({ "voter": voter_id(election, i), "satisfaction": money(sat) }))
            .collect();
        obj.insert("satisfaction".into(), Value::Array(list));
    }
    let mut root = json!({
        "file": args.file.display().to_string(),
        "vote_type": instance.vote_type.as_str(),
        "rule": outcome.rule.as_str(),
        "sat": outcome.sat.as_str(),
        "completion": outcome.completion.as_str(),
        "budget": money(&outcome.budget),
        "total_cost": money(&outcome.total_cost),
        "left": money(&outcome.leftover()),
        "all_projects_cost": money(&all_cost),
        "winners": outcome.winners.iter().map(|&p| project_id(election, p)).collect::<Vec<_>>(),
        "projects": projects,
        "voters": voters,
    });
    if let (Some(b), Value::Object(obj)) = (&outcome.final_voter_budget, &mut root) {
        obj.insert(
            "mes".into(),
            json!({
                "final_voter_budget": money(b),
                "runs": outcome.mes_runs,
                "runs_computed": outcome.mes_runs_computed,
            }),
        );
    }
    root
}

fn voter_id(election: &Election, i: usize) -> String {
    election
        .profile
        .voter(i)
        .map_or_else(String::new, |v| v.id().to_owned())
}

fn chart(election: &Election, outcome: &Outcome, votes: &[usize], path: &Path) -> String {
    let mut order: Vec<usize> = (0..election.instance.projects.len()).collect();
    order.sort_by(|&a, &b| {
        let va = votes.get(a).copied().unwrap_or(0);
        let vb = votes.get(b).copied().unwrap_or(0);
        vb.cmp(&va).then(a.cmp(&b))
    });
    let bars: Vec<ProjectBar> = order
        .iter()
        .map(|&p| ProjectBar {
            label: match project_name(election, p) {
                Some(name) => format!("{}: {name}", project_id(election, p)),
                None => project_id(election, p).to_owned(),
            },
            cost: election
                .instance
                .projects
                .get(p)
                .map_or(0.0, |pr| approx(&pr.cost)),
            votes: votes.get(p).copied().unwrap_or(0),
            selected: outcome.projects.get(p).is_some_and(|r| r.selected),
        })
        .collect();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let title = format!(
        "{name}: {} (satisfaction {}, completion {})",
        outcome.rule, outcome.sat, outcome.completion
    );
    projects_chart(&title, approx(&outcome.budget), &bars)
}
