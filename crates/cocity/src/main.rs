//! The `cocity` binary: one executable for the platform and its tools. Every flag can also be
//! given as a `COCITY_*` environment variable.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod database;
mod demo;
mod demo_command;
mod logging;
mod migrate;
mod pb;
mod runtime;
mod serve;
mod user;

#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "cocity",
    version,
    about = "Govern a city's collaboration: actors, instruments, practices, evaluation"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web platform (pages and JSON API) on a database.
    Serve(serve::ServeArgs),
    /// Serve a demo database with Turin, Bologna and Milan on http://127.0.0.1:8080.
    Demo(demo_command::DemoArgs),
    /// Apply pending database migrations and exit.
    Migrate(migrate::MigrateArgs),
    /// Manage accounts.
    User(user::UserArgs),
    /// Participatory budgeting: read, check, count and compare Pabulib files.
    Pb(pb::PbArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Demo(args) => demo_command::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::User(args) => user::run(args),
        Command::Pb(args) => pb::run(args),
    }
}
