//! The command line of `cocity pb`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use cocity_pb::analysis::DEFAULT_WORK_LIMIT;

#[derive(Parser)]
#[command(
    name = "cocity pb",
    about = "Participatory budgeting: check, count, describe and compare Pabulib files",
    disable_version_flag = true
)]
pub(crate) struct PbCli {
    #[command(subcommand)]
    pub command: PbCommand,
}

#[derive(Subcommand)]
pub(crate) enum PbCommand {
    /// Count a Pabulib file with a rule and show the winners, the totals and why.
    Count(CountArgs),
    /// Check Pabulib files as Pabulib's own checker does; exit 0 only when every file is clean.
    Check(CheckArgs),
    /// Describe a Pabulib file: projects, voters, vote lengths, costs, budget ratio.
    Stats(StatsArgs),
    /// Count a file with several rules and compare the outcomes.
    Compare(CompareArgs),
}

pub(crate) const RULES: [&str; 3] = ["greedy", "mes", "phragmen"];
pub(crate) const SATS: [&str; 5] = ["cost", "card", "effort", "points", "borda"];
pub(crate) const COMPLETIONS: [&str; 4] = ["none", "add1", "add1-utilitarian", "add1-pabulib"];

#[derive(Args)]
pub(crate) struct CountArgs {
    /// The Pabulib (.pb) file.
    pub file: PathBuf,
    /// The rule: greedy utilitarian welfare, the Method of Equal Shares or sequential Phragmén.
    #[arg(long, value_parser = RULES)]
    pub rule: String,
    /// The satisfaction measure (default: cost for approval, points for cumulative and
    /// scoring, borda for ordinal ballots).
    #[arg(long, value_parser = SATS)]
    pub sat: Option<String>,
    /// How Equal Shares spends what its first run leaves (mes only).
    #[arg(long, value_parser = COMPLETIONS, default_value = "none")]
    pub completion: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also draw the projects (cost, funded or not, votes) as an SVG file.
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,
    /// Say why each project was or was not funded (in JSON: also each supporter's payment and
    /// each voter's satisfaction).
    #[arg(long)]
    pub explain: bool,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The Pabulib (.pb) files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Do not re-count the rule named in META and compare it with the `selected` column.
    #[arg(long)]
    pub no_recount: bool,
    /// Also show warnings (they never change the exit code).
    #[arg(long)]
    pub warnings: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub(crate) struct StatsArgs {
    /// The Pabulib (.pb) file.
    pub file: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub(crate) struct CompareArgs {
    /// The Pabulib (.pb) file.
    pub file: PathBuf,
    /// Comma-separated rules to compare: greedy, mes, phragmen, `mes:COMPLETION` (e.g.
    /// mes:add1-pabulib) and `file` (the file's own `selected` column).
    #[arg(long, value_delimiter = ',', required = true, num_args = 1..)]
    pub rules: Vec<String>,
    /// The satisfaction measure the rules count with and the figures use (default: by vote
    /// type, as for count).
    #[arg(long, value_parser = SATS)]
    pub sat: Option<String>,
    /// The completion of `mes` entries that do not name one.
    #[arg(long, value_parser = COMPLETIONS, default_value = "none")]
    pub completion: String,
    /// Print one JSON object instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Also draw the comparison as an SVG file.
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,
    /// Work limit of the exact EJR-up-to-one search per outcome; past it the answer is
    /// "undecided", never a guess.
    #[arg(long, value_name = "UNITS", default_value_t = DEFAULT_WORK_LIMIT)]
    pub ejr_limit: u64,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}
