//! The Pabulib file format (pabulib.org/format): a streaming reader, a writer, and the notices
//! a checker reports.
//!
//! Reading follows pabutools 1.2.3 (`parse_pabulib_from_string`) quirk for quirk: lines are split
//! as Python's `str.splitlines()` does (LF, CRLF, CR, mixed), a BOM is skipped, cells are
//! `;`-separated with CSV quoting (`"a;b"`, `""`), every cell is stripped, `none` cells are
//! dropped, the project id is the first column whatever its header says, costs and the budget
//! are exact rationals (`"10,25"` is 41/4; never via `f64`), project ids inside a vote are *not*
//! stripped (`"2, 10"` fails on `" 10"`), and a project listed twice in one vote is collapsed
//! (approval, ordinal: first place kept; cumulative, scoring: last points kept, first place).
//! Where pabutools would crash with a Python exception, this reader returns a [`ReadError`]
//! naming the line, the column and what was expected; where it silently does something
//! surprising, the reader does the same and records a [`Notice`].
//!
//! Reading streams: one line is held at a time and voters go straight into the compact
//! [`Profile`](crate::model::Profile).
//!
//! ```
//! use cocity_pb::pabulib;
//!
//! let text = "META\nkey;value\nnum_projects;2\nnum_votes;2\nbudget;100,5\nvote_type;approval\n\
//!             PROJECTS\nproject_id;cost;name\n1;60;\"Park; trees\"\n2;50.25;Library\n\
//!             VOTES\nvoter_id;vote\nv1;1,2\nv2;\n";
//! let election = pabulib::read_str(text)?;
//! assert_eq!(election.instance.projects.len(), 2);
//! assert_eq!(election.profile.len(), 2); // an empty ballot is still a voter
//! assert_eq!(election.instance.budget, "201/2".parse().unwrap());
//!
//! let written = pabulib::to_string(&election);
//! assert_eq!(pabulib::read_str(&written)?, election);
//! # Ok::<(), pabulib::ReadError>(())
//! ```

mod csv_line;
mod error;
pub mod number;
mod reader;
mod writer;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::model::Election;

pub use error::{Notice, ReadError};
pub use writer::write;

/// Rows as Python's `splitlines()` + `csv.reader(delimiter=";")` see them; shared with the
/// checker so that both agree on lines and cells.
pub(crate) use csv_line::RowReader;

/// Which of a voter's cells besides `vote` and `points` a read keeps in the
/// [`Profile`](crate::model::Profile). Every cell is read and checked either way; a count needs
/// none of them, and storing 100,000 voters' ids, ages and districts costs more than cutting
/// their rows.
///
/// ```
/// use cocity_pb::pabulib::{self, VoterCells};
///
/// let text = "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n\
///             1;5\nVOTES\nvoter_id;vote;district\nv1;1;north\n";
/// let e = pabulib::read_keeping(text.as_bytes(), VoterCells::IdOnly)?;
/// assert_eq!(e.profile.columns, ["voter_id", "vote"]);
/// assert_eq!(e.profile.voter(0).map(|v| v.id()), Some("v1"));
/// let e = pabulib::read_keeping(text.as_bytes(), VoterCells::None)?;
/// assert_eq!(e.profile.columns, ["vote"]);
/// assert_eq!(e.profile.voter(0).map(|v| v.projects()), Some(&[0][..]));
/// # Ok::<(), pabulib::ReadError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum VoterCells {
    /// Every cell (`voter_id`, `age`, `district`, ...): what writing the file back needs.
    #[default]
    All,
    /// Only `voter_id`, to name voters in explanations.
    IdOnly,
    /// None: the profile's columns are `vote` and `points` only.
    None,
}

/// Reads an election from any buffered reader, streaming.
pub fn read<R: BufRead>(r: R) -> Result<Election, ReadError> {
    read_keeping(r, VoterCells::All)
}

/// Reads an election keeping only some of the voters' cells.
pub fn read_keeping<R: BufRead>(r: R, cells: VoterCells) -> Result<Election, ReadError> {
    reader::read_with_notices(r, cells).map(|(e, _)| e)
}

/// Reads an election and the [`Notice`]s about what was unusual but handled.
pub fn read_with_notices<R: BufRead>(r: R) -> Result<(Election, Vec<Notice>), ReadError> {
    reader::read_with_notices(r, VoterCells::All)
}

/// Reads an election from text.
pub fn read_str(s: &str) -> Result<Election, ReadError> {
    read(s.as_bytes())
}

/// Reads an election from a file; the error names the file.
pub fn read_path(p: &Path) -> Result<Election, ReadError> {
    read_path_keeping(p, VoterCells::All)
}

/// Reads an election from a file keeping only some of the voters' cells; the error names the
/// file.
pub fn read_path_keeping(p: &Path, cells: VoterCells) -> Result<Election, ReadError> {
    read_file(p, cells).map(|(e, _)| e)
}

/// Reads an election from a file with its notices; the error names the file.
pub fn read_path_with_notices(p: &Path) -> Result<(Election, Vec<Notice>), ReadError> {
    read_file(p, VoterCells::All)
}

fn read_file(p: &Path, cells: VoterCells) -> Result<(Election, Vec<Notice>), ReadError> {
    let file = File::open(p)
        .map_err(|e| ReadError::new(0, None, format!("cannot open the file: {e}")).with_path(p))?;
    reader::read_with_notices(BufReader::with_capacity(1 << 16, file), cells)
        .map_err(|e| e.with_path(p))
}

/// Reads a file set, e.g. the district budgets of one city, each file one election, in order.
/// Stops at the first file that cannot be read (the error names it).
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<Election>, ReadError> {
    paths.iter().map(|p| read_path(p)).collect()
}

/// The election as Pabulib text (see [`write`] for how values are written).
pub fn to_string(e: &Election) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail, and every cell is a &str, so the bytes are UTF-8.
    match write(e, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(_) => String::new(),
    }
}
