//! Reading a file and turning command-line words into counting options, with errors that say
//! what was wrong.

use std::path::Path;

use cocity_pb::Election;
use cocity_pb::pabulib::{self, VoterCells};
use cocity_pb::rules::{Completion, Rule, Sat};

use super::Failure;

/// Reads a Pabulib file keeping the voters' `cells` the command uses; the error names the
/// file, the line and what was expected.
pub(crate) fn election(path: &Path, cells: VoterCells) -> Result<Election, Failure> {
    pabulib::read_path_keeping(path, cells).map_err(|e| {
        // Line 0 means the file as a whole (it cannot be opened, or lacks a section).
        if e.line == 0 {
            Failure::Usage(format!("{}: {}", path.display(), e.message))
        } else {
            Failure::Usage(e.to_string())
        }
    })
}

pub(crate) fn rule(word: &str) -> Result<Rule, Failure> {
    word.parse().map_err(Failure::Usage)
}

pub(crate) fn completion(word: &str) -> Result<Completion, Failure> {
    word.parse().map_err(Failure::Usage)
}

/// The satisfaction measure asked for (or the vote type's default), refused when it does not
/// apply to the file's ballots.
pub(crate) fn sat(word: Option<&str>, election: &Election, path: &Path) -> Result<Sat, Failure> {
    let vote_type = election.instance.vote_type;
    let sat = match word {
        Some(w) => w.parse().map_err(Failure::Usage)?,
        None => Sat::default_for(vote_type),
    };
    if !sat.applies_to(vote_type) {
        return Err(Failure::Usage(format!(
            "{}: --sat {sat} does not apply to {vote_type} ballots (try {})",
            path.display(),
            Sat::default_for(vote_type)
        )));
    }
    Ok(sat)
}

/// The `name` cell of a project, if the file has one.
pub(crate) fn project_name(election: &Election, index: usize) -> Option<&str> {
    let instance = &election.instance;
    instance
        .projects
        .get(index)?
        .cell(&instance.project_columns, "name")
        .filter(|n| !n.is_empty())
}

/// The id of a project (empty if out of range, which callers never ask).
pub(crate) fn project_id(election: &Election, index: usize) -> &str {
    election
        .instance
        .projects
        .get(index)
        .map_or("", |p| p.id.as_str())
}

/// Writes an SVG picture, naming the file when that fails.
pub(crate) fn write_svg(path: &Path, svg: &str) -> Result<(), Failure> {
    std::fs::write(path, svg)
        .map_err(|e| Failure::Usage(format!("{}: cannot write the SVG: {e}", path.display())))
}
