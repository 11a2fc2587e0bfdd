//! Reading benchmark for the Pabulib reader (and the writer), without a harness:
//!
//! ```text
//! cargo bench -p cocity-pb --bench read                  # real files + synthetic 100,000 voters
//! cargo bench -p cocity-pb --bench read -- FILE...       # those files
//! <bench binary> --once FILE                             # read once (for /usr/bin/time -v)
//! <bench binary> --synth OUT [VOTERS]                    # write a synthetic approval file
//! ```
//!
//! Throughput is Pabulib bytes per second, best of several runs, reading from memory (so the
//! figure is the parser's, not the disk's); `--once` reads from the file, streaming.
#![allow(clippy::print_stdout)]

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cocity_pb::pabulib;

const RUNS: usize = 7;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("--once") => {
            let path = args.get(1).ok_or("--once needs a file")?;
            let start = Instant::now();
            let e = pabulib::read_path(Path::new(path))?;
            println!(
                "read {path}: {} projects, {} voters in {:.1} ms",
                e.instance.projects.len(),
                e.profile.len(),
                start.elapsed().as_secs_f64() * 1e3
            );
            return Ok(());
        }
        Some("--synth") => {
            let out = args.get(1).ok_or("--synth needs an output file")?;
            let voters = args
                .get(2)
                .map(|v| v.parse())
                .transpose()?
                .unwrap_or(100_000);
            let text = synthetic(voters, 150);
            std::fs::write(out, &text)?;
            println!("wrote {out}: {voters} voters, {} bytes", text.len());
            return Ok(());
        }
        _ => {}
    }
    let files: Vec<PathBuf> = if args.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pabulib");
        [
            "Poland_Lodz_2023.pb",
            "Poland_Wroclaw_2015_up_to_150.pb",
            "Poland_Krakow_2021.pb",
            "Poland_Katowice_2020.pb",
        ]
        .iter()
        .map(|f| dir.join(f))
        .collect()
    } else {
        args.iter().map(PathBuf::from).collect()
    };
    println!(
        "{:<40} {:>10} {:>9} {:>11} {:>11}",
        "input", "bytes", "voters", "read MB/s", "write MB/s"
    );
    for f in &files {
        let text = std::fs::read_to_string(f)?;
        let name = f.file_name().map_or_else(
            || f.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        bench(&name, &text)?;
    }
    if args.is_empty() {
        bench(
            "synthetic 100,000 voters (approval)",
            &synthetic(100_000, 150),
        )?;
    }
    Ok(())
}

fn bench(name: &str, text: &str) -> Result<(), Box<dyn Error>> {
    let mut best_read = Duration::MAX;
    let mut best_write = Duration::MAX;
    let mut voters = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let e = pabulib::read(text.as_bytes())?;
        best_read = best_read.min(start.elapsed());
        voters = e.profile.len();
        let start = Instant::now();
        let out = pabulib::to_string(&e);
        best_write = best_write.min(start.elapsed());
        std::hint::black_box(out);
    }
    let mbps = |d: Duration| text.len() as f64 / 1e6 / d.as_secs_f64();
    println!(
        "{:<40} {:>10} {:>9} {:>11.1} {:>11.1}",
        name.chars().take(40).collect::<String>(),
        text.len(),
        voters,
        mbps(best_read),
        mbps(best_write)
    );
    Ok(())
}

/// An approval file like a city-wide vote: `projects` projects, each voter approving 1 to 10 of
/// them, with voter_id, age and sex columns.
fn synthetic(voters: usize, projects: usize) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let _ = write!(
        s,
        "META\nkey;value\ndescription;Synthetic city-wide vote\ncountry;Nowhere\nunit;Synthetic\n\
         instance;2024\nnum_projects;{projects}\nnum_votes;{voters}\nbudget;10000000.50\n\
         vote_type;approval\nrule;greedy\ndate_begin;2024\ndate_end;2024\nmax_length;10\n\
         PROJECTS\nproject_id;cost;votes;name;selected\n"
    );
    for p in 0..projects {
        let cost = 10_000 + next() % 990_000;
        let _ = writeln!(s, "{};{cost};0;\"Project {p}; a park, a path\";0", p + 1);
    }
    s.push_str("VOTES\nvoter_id;vote;age;sex\n");
    for v in 0..voters {
        let k = 1 + (next() % 10) as usize;
        let _ = write!(s, "{};", v + 1);
        let mut chosen: Vec<u64> = Vec::with_capacity(k);
        while chosen.len() < k {
            let p = 1 + next() % projects as u64;
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        for (i, p) in chosen.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "{p}");
        }
        let sex = if next() % 2 == 0 { "F" } else { "M" };
        let _ = writeln!(s, ";{};{sex}", 16 + next() % 70);
    }
    s
}
