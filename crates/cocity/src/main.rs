//! The `cocity` binary: one executable for the platform and its tools.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod pb;

#[derive(Parser)]
#[command(name = "cocity", version, about = "Govern a city's collaboration: actors, instruments, practices, evaluation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Participatory budgeting: read, check, count and compare Pabulib files.
    Pb(pb::PbArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Pb(args) => pb::run(args),
    }
}
