//! What can go wrong while reading, and what is worth telling without failing.

use std::fmt;
use std::path::PathBuf;

/// A Pabulib file that cannot be read. It names the line, the column (1-based, in characters,
/// when one cell or entry is at fault), what was expected, and the file when it came from one.
///
/// Displays as `file.pb:12:3: expected a number for cost, found "abc"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// 1-based line; 0 when the problem is the file as a whole (e.g. no `budget` at all).
    pub line: u32,
    pub column: Option<u32>,
    pub message: String,
    pub path: Option<PathBuf>,
}

impl ReadError {
    pub fn new(line: u32, column: Option<u32>, message: impl Into<String>) -> ReadError {
        ReadError {
            line,
            column,
            message: message.into(),
            path: None,
        }
    }

    /// The same error, naming the file it came from.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> ReadError {
        self.path = Some(path.into());
        self
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "{}:", p.display())?,
            None => f.write_str("line ")?,
        }
        write!(f, "{}", self.line)?;
        if let Some(c) = self.column {
            write!(f, ":{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

/// Something unusual that the reader handled the way pabutools does, and that a checker or a
/// careful user wants to hear about (a project listed twice in one vote, a repeated project id,
/// ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// 1-based line of the row concerned.
    pub line: u32,
    /// A stable machine-readable code, e.g. `duplicate_project_in_vote`.
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {} [{}]", self.line, self.message, self.code)
    }
}
