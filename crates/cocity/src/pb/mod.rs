//! `cocity pb ...`: participatory-budgeting commands over Pabulib files.
//!
//! The subcommands are parsed here rather than by the top-level parser so that every mistake
//! on the command line gives one line on stderr and exit code 2 (clap's own errors span
//! several lines). Exit codes: 0 success; 1 `check` found problems (or output could not be
//! written); 2 bad arguments, unreadable or unusable files.

mod check;
mod cli;
mod compare;
mod count;
mod json;
mod load;
mod progress;
mod stats;
mod table;

use std::ffi::OsString;
use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use cli::{PbCli, PbCommand};

/// Arguments of `cocity pb`.
#[derive(clap::Args)]
#[command(disable_help_flag = true)]
pub struct PbArgs {
    /// `count`, `check`, `stats` or `compare`, then its arguments (`cocity pb help` lists
    /// them; `cocity pb count --help` details one).
    #[arg(
        value_name = "COMMAND",
        trailing_var_arg = true,
        allow_hyphen_values = true,
        num_args = 0..
    )]
    args: Vec<OsString>,
}

/// Why a command did not succeed.
pub(crate) enum Failure {
    /// Bad arguments or a file that cannot be read or used: exit 2.
    Usage(String),
    /// Problems were found and reported (`check`): exit 1, nothing more to say.
    Problems,
    /// Writing the output failed.
    Output(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Output(e)
    }
}

pub fn run(args: PbArgs) -> ExitCode {
    let argv = std::iter::once(OsString::from("cocity pb")).chain(args.args);
    let cli = match PbCli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) => return parse_failure(&e),
    };
    let result = match cli.command {
        PbCommand::Count(a) => count::run(a),
        PbCommand::Check(a) => check::run(a),
        PbCommand::Stats(a) => stats::run(a),
        PbCommand::Compare(a) => compare::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            error_line(&message);
            ExitCode::from(2)
        }
        Err(Failure::Problems) => ExitCode::from(1),
        // A closed pipe (`cocity pb stats f.pb | head`) is the reader's choice, not an error.
        Err(Failure::Output(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(1),
        Err(Failure::Output(e)) => {
            error_line(&format!("cannot write the output: {e}"));
            ExitCode::from(1)
        }
    }
}

/// Prints `cocity pb: error: MESSAGE` as one line on stderr.
pub(crate) fn error_line(message: &str) {
    let one_line: String = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(io::stderr().lock(), "cocity pb: error: {one_line}");
}

fn parse_failure(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = write!(io::stdout().lock(), "{}", e.render());
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = write!(io::stderr().lock(), "{}", e.render());
            ExitCode::from(2)
        }
        _ => {
            error_line(&summarise_clap_error(&e.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// The first paragraph of a clap error (the message and, when clap gives them, the missing
/// arguments or the possible values) on one line, without the usage and tips that follow.
fn summarise_clap_error(rendered: &str) -> String {
    let paragraph: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect();
    let text = paragraph.join(" ");
    let text = text.trim_start_matches("error:").trim();
    if text.is_empty() {
        return "invalid arguments (see `cocity pb help`)".to_owned();
    }
    if text.contains("[possible values:") {
        text.to_owned()
    } else {
        format!("{text} (see `cocity pb help`)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_errors_become_one_line() {
        let rendered = "error: invalid value 'x' for '--rule <RULE>'\n  [possible values: greedy, mes, phragmen]\n\nFor more information, try '--help'.\n";
        assert_eq!(
            summarise_clap_error(rendered),
            "invalid value 'x' for '--rule <RULE>' [possible values: greedy, mes, phragmen]"
        );
        let rendered = "error: unexpected argument '--foo' found\n\n  tip: to pass '--foo' as a value, use '-- --foo'\n\nUsage: cocity pb count <FILE>\n";
        assert_eq!(
            summarise_clap_error(rendered),
            "unexpected argument '--foo' found (see `cocity pb help`)"
        );
        let rendered = "error: the following required arguments were not provided:\n  --rule <RULE>\n\nUsage: cocity pb count --rule <RULE> <FILE>\n";
        assert_eq!(
            summarise_clap_error(rendered),
            "the following required arguments were not provided: --rule <RULE> (see `cocity pb help`)"
        );
    }
}
