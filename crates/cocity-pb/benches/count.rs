//! Timing of the counting rules on the largest Pabulib files and on a synthetic
//! Budapest-sized instance (175 projects, 30,000 voters).
//!
//! Run: `cargo bench -p cocity-pb --bench count [-- FILE.pb ...]`
//! (default files: Poland_Lodz_2023.pb and Poland_Wroclaw_2015_up_to_150.pb from the shared
//! data directory). Each line gives the best of `COCITY_BENCH_REPS` (default 3) runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cocity_pb::model::{Election, Instance, Profile, Project, VoteType};
use cocity_pb::pabulib;
use cocity_pb::rules::{Completion, CountSpec, Outcome, Rule, Sat, count};
use num_rational::BigRational;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let reps: usize = std::env::var("COCITY_BENCH_REPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let mut files: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|a| a.ends_with(".pb"))
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
        files = ["Poland_Lodz_2023.pb", "Poland_Wroclaw_2015_up_to_150.pb"]
            .iter()
            .map(|f| data.join(f))
            .filter(|p| p.exists())
            .collect();
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<40} {:>8} {:>8} {:>24} {:>10} {:>6} {:>9}",
        "instance", "projects", "voters", "rule", "seconds", "runs", "winners"
    )?;
    for path in &files {
        let t = Instant::now();
        let e = pabulib::read_path(path)?;
        let read = t.elapsed();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        writeln!(
            out,
            "{name:<40} {:>8} {:>8} {:>24} {:>10.4}",
            e.instance.projects.len(),
            e.profile.len(),
            "read",
            read.as_secs_f64()
        )?;
        bench_election(&mut out, &name, &e, reps)?;
    }
    let e = synthetic(175, 30_000, 0x5eed);
    bench_election(&mut out, "synthetic 175x30000", &e, reps)?;
    Ok(())
}

fn bench_election(
    out: &mut impl Write,
    name: &str,
    e: &Election,
    reps: usize,
) -> std::io::Result<()> {
    let specs = [
        ("mes/cost/none", Rule::Mes, Completion::None),
        ("mes/cost/add1", Rule::Mes, Completion::Add1),
        (
            "mes/cost/add1-utilitarian",
            Rule::Mes,
            Completion::Add1Utilitarian,
        ),
        ("greedy/cost", Rule::Greedy, Completion::None),
        ("phragmen", Rule::Phragmen, Completion::None),
    ];
    for (label, rule, completion) in specs {
        if rule == Rule::Phragmen && !e.instance.vote_type.is_approval_like() {
            continue;
        }
        let spec = CountSpec {
            rule,
            sat: Some(Sat::Cost),
            completion,
        };
        let mut best = Duration::MAX;
        let mut last: Option<Outcome> = None;
        let verbose = std::env::var_os("COCITY_BENCH_VERBOSE").is_some();
        for _ in 0..reps.max(1) {
            let t = Instant::now();
            let mut report = |p: cocity_pb::rules::Progress| {
                if verbose {
                    eprintln!(
                        "  {} {} at {:.3}s",
                        p.stage,
                        p.done,
                        t.elapsed().as_secs_f64()
                    );
                }
            };
            let o = count(e, &spec, &mut report);
            best = best.min(t.elapsed());
            last = o.ok();
        }
        let (runs, winners) = last
            .as_ref()
            .map_or((0, 0), |o| (o.mes_runs, o.winners.len()));
        writeln!(
            out,
            "{name:<40} {:>8} {:>8} {label:>24} {:>10.4} {runs:>6} {winners:>9}",
            e.instance.projects.len(),
            e.profile.len(),
            best.as_secs_f64()
        )?;
        out.flush()?;
    }
    Ok(())
}

/// A deterministic approval election shaped like Budapest 2024: budget 1,000,000,000, project
/// costs between 5 and 120 million, 1–5 approvals per voter with skewed popularity.
pub fn synthetic(n_projects: usize, n_voters: usize, seed: u64) -> Election {
    let mut rng = seed;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let money = |n: u64| BigRational::from_integer(n.into());
    let projects: Vec<Project> = (0..n_projects)
        .map(|i| Project {
            id: format!("{}", i + 1),
            cost: money((5_000 + next() % 115_000) * 1000),
            cells: Vec::new(),
        })
        .collect();
    // Popularity weight of project i ∝ 1/(i+3): a few favourites, a long tail.
    let weights: Vec<f64> = (0..n_projects).map(|i| 1.0 / (i as f64 + 3.0)).collect();
    let total: f64 = weights.iter().sum();
    let mut profile = Profile::new(vec!["voter_id".into(), "vote".into()]);
    let mut ballot: Vec<u32> = Vec::new();
    for v in 0..n_voters {
        ballot.clear();
        let len = 1 + (next() % 5) as usize;
        while ballot.len() < len {
            let mut x = (next() % 1_000_000) as f64 / 1_000_000.0 * total;
            let mut pick = n_projects - 1;
            for (i, w) in weights.iter().enumerate() {
                if x < *w {
                    pick = i;
                    break;
                }
                x -= w;
            }
            if !ballot.contains(&(pick as u32)) {
                ballot.push(pick as u32);
            }
        }
        let id = format!("{v}");
        let _ = profile.push(0, &[id.as_str()], &ballot, &[]);
    }
    Election {
        instance: Instance {
            meta: vec![
                ("budget".into(), "1000000000".into()),
                ("vote_type".into(), "approval".into()),
            ],
            vote_type: VoteType::Approval,
            budget: money(1_000_000_000),
            project_columns: vec!["project_id".into(), "cost".into()],
            projects,
        },
        profile,
    }
}
