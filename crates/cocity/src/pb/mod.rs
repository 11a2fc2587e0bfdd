//! `cocity pb ...`: participatory-budgeting commands over Pabulib files.

use std::process::ExitCode;

/// Arguments of `cocity pb`.
#[derive(clap::Args)]
pub struct PbArgs {}

pub fn run(_args: PbArgs) -> ExitCode {
    ExitCode::SUCCESS
}
