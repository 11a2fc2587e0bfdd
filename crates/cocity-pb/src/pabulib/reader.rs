//! The section state machine: rows in, [`Election`] out, as pabutools'
//! `parse_pabulib_from_string` reads a file (see PB-SEMANTICS §1).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::BufRead;

use crate::model::{
    Election, Instance, Money, Points, Profile, Project, VoteType, is_ballot_column,
};

use super::VoterCells;
use super::csv_line::RowReader;
use super::error::{Notice, ReadError};
use super::number::{parse_money, parse_points, py_strip};

/// The most voters a read makes room for from META's `num_votes` before seeing them.
const RESERVE_VOTERS_AT_MOST: usize = 1 << 18;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    None,
    Meta,
    Projects,
    Votes,
}

/// Where the ballot cells of a VOTES row are, resolved once from the header.
struct VotesLayout {
    /// The header as written, which a second VOTES section must repeat.
    header: Vec<String>,
    vote: Option<usize>,
    points: Option<usize>,
    /// Header position of `voter_id`, which notices name the voter by.
    voter_id: Option<usize>,
    /// Header positions of the text cells kept, in [`Profile::text_columns`] order.
    text: Vec<usize>,
}

struct Reader {
    voter_cells: VoterCells,
    section: Section,
    seen: [u32; 3],
    meta: Vec<(String, String)>,
    /// Line and value column of each META key.
    meta_lines: Vec<(u32, u32)>,
    project_columns: Vec<String>,
    projects_header_line: u32,
    cost_col: Option<usize>,
    projects: Vec<Project>,
    project_lines: Vec<u32>,
    ids: HashMap<String, u32, BuildHasherDefault<IdHasher>>,
    /// Most files number their projects: for an id written as a small canonical integer `n`,
    /// `numeric_ids[n]` is its index + 1 (0: no such project), which spares hashing each vote.
    numeric_ids: Vec<u32>,
    profile: Option<Profile>,
    layout: Option<VotesLayout>,
    votes_header_line: u32,
    vote_type: Option<VoteType>,
    notices: Vec<Notice>,
    // Buffers reused for every voter.
    items: Vec<u32>,
    points: Vec<Points>,
    stamp: Vec<u32>,
    slot: Vec<u32>,
    voter_no: u32,
    /// Projects listed twice in the current vote, for one notice per ballot.
    dups: String,
}

/// Reads a whole election, returning the notices too.
pub fn read_with_notices<R: BufRead>(
    input: R,
    voter_cells: VoterCells,
) -> Result<(Election, Vec<Notice>), ReadError> {
    let mut rows = RowReader::new(input);
    let mut r = Reader {
        voter_cells,
        section: Section::None,
        seen: [0; 3],
        meta: Vec::new(),
        meta_lines: Vec::new(),
        project_columns: Vec::new(),
        projects_header_line: 0,
        cost_col: None,
        projects: Vec::new(),
        project_lines: Vec::new(),
        ids: HashMap::default(),
        numeric_ids: Vec::new(),
        profile: None,
        layout: None,
        votes_header_line: 0,
        vote_type: None,
        notices: Vec::new(),
        items: Vec::new(),
        points: Vec::new(),
        stamp: Vec::new(),
        slot: Vec::new(),
        voter_no: 0,
        dups: String::new(),
    };
    let mut warned_before_section = false;
    while rows.next_row()? {
        let n = rows.len();
        if n == 0 || (n == 1 && py_strip(rows.cell(0)).is_empty()) {
            continue;
        }
        if let Some(section) = section_marker(rows.cell(0)) {
            r.start_section(section, &mut rows)?;
            continue;
        }
        match r.section {
            Section::None => {
                if !warned_before_section {
                    warned_before_section = true;
                    r.notices.push(Notice {
                        line: rows.row_line(),
                        code: "row_before_section",
                        message: "row before any META/PROJECTS/VOTES marker, ignored".into(),
                    });
                }
            }
            Section::Meta => r.meta_row(&rows)?,
            Section::Projects => r.project_row(&rows)?,
            Section::Votes => r.vote_row(&rows)?,
        }
    }
    r.finish(rows.last_line())
}

/// The value of an id written as a canonical integer below 100,000 (no sign, no leading zero),
/// which [`Reader::numeric_ids`] indexes directly.
fn small_number(id: &str) -> Option<usize> {
    let b = id.as_bytes();
    if b.is_empty() || b.len() > 5 || (b.len() > 1 && b[0] == b'0') {
        return None;
    }
    let mut n = 0usize;
    for &d in b {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n * 10 + usize::from(d - b'0');
    }
    Some(n)
}

/// `s.split(',')` without the generic searcher's set-up per call: vote lists are short.
fn comma_split(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == b',') {
            Some(i) => {
                rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Where `part` (a sub-slice of `whole`, e.g. its stripped form) begins in `whole`.
fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(whole.as_ptr() as usize)
        .min(whole.len())
}

/// FxHash (rustc's hasher): project ids are short and trusted to be few, so SipHash's
/// flood resistance buys nothing and costs a fifth of the reading time.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// `row[0].strip().lower()` is a section name.
fn section_marker(cell: &str) -> Option<Section> {
    let c = py_strip(cell);
    if c.eq_ignore_ascii_case("meta") {
        Some(Section::Meta)
    } else if c.eq_ignore_ascii_case("projects") {
        Some(Section::Projects)
    } else if c.eq_ignore_ascii_case("votes") {
        Some(Section::Votes)
    } else {
        None
    }
}

fn note_duplicate(dups: &mut String, name: &str) {
    if !dups.is_empty() {
        dups.push_str(", ");
    }
    dups.push_str(&format!("{name:?}"));
}

/// pabutools drops cells whose stripped, lower-cased text is `none`.
fn is_none_cell(s: &str) -> bool {
    s.eq_ignore_ascii_case("none")
}

impl Reader {
    /// Where META key `key` is (its last value is kept there).
    fn meta_index(&self, key: &str) -> Option<usize> {
        self.meta.iter().position(|(k, _)| k == key)
    }

    fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta_index(key)
            .and_then(|i| self.meta.get(i))
            .map(|(_, v)| v.as_str())
    }

    fn start_section<R: BufRead>(
        &mut self,
        section: Section,
        rows: &mut RowReader<R>,
    ) -> Result<(), ReadError> {
        let marker_line = rows.row_line();
        let k = match section {
            Section::Meta => 0,
            Section::Projects => 1,
            _ => 2,
        };
        self.seen[k] += 1;
        if self.seen[k] > 1 {
            self.notices.push(Notice {
                line: marker_line,
                code: "duplicated_section",
                message: format!("section {} appears again", py_strip(rows.cell(0))),
            });
        }
        self.section = section;
        // pabutools takes the very next row as the header, whatever it holds.
        if !rows.next_row()? {
            return Err(ReadError::new(
                marker_line,
                None,
                format!(
                    "expected a header row after {}, found the end of the file",
                    py_strip(rows.cell(0))
                ),
            ));
        }
        let header: Vec<String> = (0..rows.len())
            .map(|i| py_strip(rows.cell(i)).to_owned())
            .collect();
        let line = rows.row_line();
        match section {
            Section::Projects => {
                if self.seen[1] > 1 && header != self.project_columns {
                    return Err(ReadError::new(
                        line,
                        Some(1),
                        format!(
                            "expected the same PROJECTS header as on line {}, found another one",
                            self.projects_header_line
                        ),
                    ));
                }
                self.cost_col = header.iter().rposition(|c| c == "cost");
                self.project_columns = header;
                self.projects_header_line = line;
            }
            Section::Votes => {
                if let Some(layout) = &self.layout {
                    if header != layout.header {
                        return Err(ReadError::new(
                            line,
                            Some(1),
                            format!(
                                "expected the same VOTES header as on line {}, found another one",
                                self.votes_header_line
                            ),
                        ));
                    }
                    return Ok(());
                }
                let kept = |c: &str| match self.voter_cells {
                    VoterCells::All => true,
                    VoterCells::IdOnly => c == "voter_id",
                    VoterCells::None => false,
                };
                let text = header
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| !is_ballot_column(c) && kept(c))
                    .map(|(i, _)| i)
                    .collect();
                let columns = header
                    .iter()
                    .filter(|c| is_ballot_column(c) || kept(c))
                    .cloned()
                    .collect();
                let mut profile = Profile::new(columns);
                // META's own count, trusted only so far: a file that claims more voters than
                // it holds costs at most this much unused (untouched) capacity.
                let claimed = self
                    .meta_value("num_votes")
                    .and_then(|v| v.parse::<usize>().ok())
                    .map_or(0, |n| n.min(RESERVE_VOTERS_AT_MOST));
                let with_points = self
                    .meta_value("vote_type")
                    .and_then(VoteType::parse)
                    .is_some_and(VoteType::has_points);
                profile.reserve(claimed, claimed, with_points);
                self.profile = Some(profile);
                self.layout = Some(VotesLayout {
                    vote: header.iter().rposition(|c| c == "vote"),
                    points: header.iter().rposition(|c| c == "points"),
                    voter_id: header.iter().position(|c| c == "voter_id"),
                    text,
                    header,
                });
                self.votes_header_line = line;
            }
            Section::Meta | Section::None => {}
        }
        Ok(())
    }

    fn meta_row<R: BufRead>(&mut self, rows: &RowReader<R>) -> Result<(), ReadError> {
        let line = rows.row_line();
        if rows.len() < 2 {
            return Err(ReadError::new(
                line,
                Some(rows.column(0, rows.cell(0).len())),
                format!("expected key;value in META, found only {:?}", rows.cell(0)),
            ));
        }
        let key = py_strip(rows.cell(0));
        let value = py_strip(rows.cell(1));
        match self.meta_index(key) {
            Some(i) => {
                self.notices.push(Notice {
                    line,
                    code: "duplicate_meta_key",
                    message: format!(
                        "META key {key:?} repeats (first on line {}); the last value wins",
                        self.meta_lines.get(i).map_or(0, |l| l.0)
                    ),
                });
                if let Some(entry) = self.meta.get_mut(i) {
                    entry.1 = value.to_owned();
                }
            }
            None => {
                self.meta.push((key.to_owned(), value.to_owned()));
                self.meta_lines.push((line, rows.cell_column(1)));
            }
        }
        Ok(())
    }

    fn too_many_cells<R: BufRead>(rows: &RowReader<R>, header_len: usize, what: &str) -> ReadError {
        ReadError::new(
            rows.row_line(),
            Some(rows.cell_column(header_len)),
            format!(
                "expected at most {header_len} cells as in the {what} header, found {}",
                rows.len()
            ),
        )
    }

    fn project_row<R: BufRead>(&mut self, rows: &RowReader<R>) -> Result<(), ReadError> {
        let line = rows.row_line();
        let width = self.project_columns.len();
        if rows.len() > width {
            return Err(Self::too_many_cells(rows, width, "PROJECTS"));
        }
        let Some(cost_col) = self.cost_col else {
            return Err(ReadError::new(
                self.projects_header_line,
                None,
                "expected a cost column in the PROJECTS header",
            ));
        };
        let id = py_strip(rows.cell(0));
        let cost_text = py_strip(rows.cell(cost_col));
        if cost_col >= rows.len() || is_none_cell(cost_text) {
            return Err(ReadError::new(
                line,
                Some(rows.column(cost_col.min(rows.len()), 0)),
                format!("expected a number for cost of project {id:?}, found no cost cell"),
            ));
        }
        let cost = parse_money(cost_text).map_err(|e| {
            ReadError::new(
                line,
                Some(rows.cell_column(cost_col)),
                format!("expected a number for cost, found {cost_text:?} ({e})"),
            )
        })?;
        if let Some(&first) = self.ids.get(id) {
            let first_line = self.project_lines.get(first as usize).copied().unwrap_or(0);
            self.notices.push(Notice {
                line,
                code: "duplicate_project_id",
                message: format!(
                    "project id {id:?} repeats (first on line {first_line}); the first row is kept"
                ),
            });
            return Ok(());
        }
        let cells = (0..width)
            .map(|i| {
                let c = py_strip(rows.cell(i));
                (i < rows.len() && !c.is_empty() && !is_none_cell(c)).then(|| c.to_owned())
            })
            .collect();
        let index = u32::try_from(self.projects.len())
            .map_err(|_| ReadError::new(line, None, "too many projects"))?;
        self.ids.insert(id.to_owned(), index);
        if let Some(n) = small_number(id) {
            if self.numeric_ids.len() <= n {
                self.numeric_ids.resize(n + 1, 0);
            }
            if let Some(slot) = self.numeric_ids.get_mut(n) {
                *slot = index + 1;
            }
        }
        self.project_lines.push(line);
        self.projects.push(Project {
            id: id.to_owned(),
            cost,
            cells,
        });
        Ok(())
    }

    fn resolve_vote_type<R: BufRead>(
        &mut self,
        rows: &RowReader<R>,
    ) -> Result<VoteType, ReadError> {
        if let Some(t) = self.vote_type {
            return Ok(t);
        }
        let Some(i) = self.meta_index("vote_type") else {
            return Err(ReadError::new(
                rows.row_line(),
                None,
                "expected META vote_type before the first vote",
            ));
        };
        let t = self.parse_vote_type(i)?;
        self.vote_type = Some(t);
        // From here on `slot` and `stamp` are per-project scratch space for deduplication.
        self.slot = vec![0; self.projects.len()];
        self.stamp = vec![0; self.projects.len()];
        Ok(t)
    }

    fn parse_vote_type(&self, i: usize) -> Result<VoteType, ReadError> {
        let value = self.meta.get(i).map_or("", |(_, v)| v.as_str());
        VoteType::parse(value).ok_or_else(|| {
            let (line, col) = self.meta_lines.get(i).copied().unwrap_or((0, 1));
            ReadError::new(
                line,
                Some(col),
                format!(
                    "expected vote_type approval, choose-1, cumulative, scoring or ordinal, found {value:?}"
                ),
            )
        })
    }

    fn vote_row<R: BufRead>(&mut self, rows: &RowReader<R>) -> Result<(), ReadError> {
        let vote_type = self.resolve_vote_type(rows)?;
        let line = rows.row_line();
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        if rows.len() > layout.header.len() {
            return Err(Self::too_many_cells(rows, layout.header.len(), "VOTES"));
        }
        let Some(vote_col) = layout.vote else {
            return Err(ReadError::new(
                self.votes_header_line,
                None,
                "expected a vote column in the VOTES header",
            ));
        };
        self.voter_no = self.voter_no.wrapping_add(1);
        if self.voter_no == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.voter_no = 1;
        }
        self.items.clear();
        self.points.clear();
        if self.stamp.len() < self.projects.len() {
            // A PROJECTS section after VOTES began: widen the scratch space.
            self.stamp.resize(self.projects.len(), 0);
            self.slot.resize(self.projects.len(), 0);
        }
        let present = |i: usize| {
            let c = py_strip(rows.cell(i));
            (i < rows.len() && !is_none_cell(c)).then_some(c)
        };
        let voter_label = || {
            let id = layout.voter_id.map_or("", |i| py_strip(rows.cell(i)));
            format!("voter {id:?}")
        };
        let vote = present(vote_col);
        // Offset of the stripped vote text inside the raw cell, for error columns.
        let vote_shift = vote.map_or(0, |v| offset_in(rows.cell(vote_col), v));
        match vote_type {
            VoteType::Approval | VoteType::Choose1 | VoteType::Ordinal => match vote {
                None => self.notices.push(Notice {
                    line,
                    code: "missing_vote",
                    message: format!(
                        "{} has no vote cell; read as an empty ballot",
                        voter_label()
                    ),
                }),
                Some(v) => {
                    let mut offset = 0;
                    for name in comma_split(v) {
                        let at = offset;
                        offset += name.len() + 1;
                        if name.is_empty() {
                            continue;
                        }
                        let p = self.lookup(name, rows, vote_col, vote_shift + at)?;
                        let pi = p as usize;
                        if self.stamp.get(pi) == Some(&self.voter_no) {
                            note_duplicate(&mut self.dups, name);
                            continue;
                        }
                        if let Some(s) = self.stamp.get_mut(pi) {
                            *s = self.voter_no;
                        }
                        self.items.push(p);
                    }
                }
            },
            VoteType::Cumulative | VoteType::Scoring => {
                let pts = layout.points.and_then(present);
                match (vote, pts) {
                    (_, None) => {
                        if vote.is_some_and(|v| !v.is_empty()) {
                            self.notices.push(Notice {
                                line,
                                code: "points_missing",
                                message: format!(
                                    "{} has a vote but no points; read as an empty ballot, as pabutools does",
                                    voter_label()
                                ),
                            });
                        }
                    }
                    (None, Some(_)) => self.notices.push(Notice {
                        line,
                        code: "missing_vote",
                        message: format!(
                            "{} has no vote cell; read as an empty ballot",
                            voter_label()
                        ),
                    }),
                    (Some(""), Some("")) => {}
                    (Some(v), Some(pts_text)) => {
                        let points_col = layout.points.unwrap_or(0);
                        let pts_shift = offset_in(rows.cell(points_col), pts_text);
                        let mut pts_iter = comma_split(pts_text);
                        let mut pts_offset = 0;
                        let mut offset = 0;
                        for name in comma_split(v) {
                            let at = offset;
                            offset += name.len() + 1;
                            let p = self.lookup(name, rows, vote_col, vote_shift + at)?;
                            let Some(pt_text) = pts_iter.next() else {
                                return Err(ReadError::new(
                                    line,
                                    Some(rows.column(points_col, pts_shift + pts_text.len())),
                                    format!(
                                        "expected a points entry for project {name:?}: the vote lists {} projects, points has {}",
                                        v.split(',').count(),
                                        pts_text.split(',').count()
                                    ),
                                ));
                            };
                            let pt_at = pts_offset;
                            pts_offset += pt_text.len() + 1;
                            let value = parse_points(pt_text).map_err(|e| {
                                ReadError::new(
                                    line,
                                    Some(rows.column(points_col, pts_shift + pt_at)),
                                    format!(
                                        "expected a number for the points of project {name:?}, found {pt_text:?} ({e})"
                                    ),
                                )
                            })?;
                            let pi = p as usize;
                            if self.stamp.get(pi) == Some(&self.voter_no) {
                                // A dict in pabutools: the last value wins, in the first place.
                                note_duplicate(&mut self.dups, name);
                                let k = self.slot.get(pi).copied().unwrap_or(0) as usize;
                                if let Some(slot) = self.points.get_mut(k) {
                                    *slot = value;
                                }
                                continue;
                            }
                            if let Some(s) = self.stamp.get_mut(pi) {
                                *s = self.voter_no;
                            }
                            if let Some(s) = self.slot.get_mut(pi) {
                                *s = self.items.len() as u32;
                            }
                            self.items.push(p);
                            self.points.push(value);
                        }
                        if pts_iter.next().is_some() {
                            self.notices.push(Notice {
                                line,
                                code: "extra_points",
                                message: format!(
                                    "{} has more points than projects; the extra points are ignored",
                                    voter_label()
                                ),
                            });
                        }
                    }
                }
            }
        }
        if !self.dups.is_empty() {
            let rule = if vote_type.has_points() {
                "the last points count, in the first place"
            } else {
                "the first place counts"
            };
            self.notices.push(Notice {
                line,
                code: "duplicate_project_in_vote",
                message: format!(
                    "{} lists project(s) {} more than once; {rule}",
                    voter_label(),
                    self.dups
                ),
            });
            self.dups.clear();
        }
        let texts = layout.text.iter().map(|&i| present(i).unwrap_or_default());
        let Some(profile) = self.profile.as_mut() else {
            return Ok(());
        };
        profile
            .push_cells(line, texts, &self.items, &self.points)
            .map_err(|e| ReadError::new(line, None, e))
    }

    fn lookup<R: BufRead>(
        &self,
        name: &str,
        rows: &RowReader<R>,
        col: usize,
        offset: usize,
    ) -> Result<u32, ReadError> {
        let numeric = small_number(name)
            .and_then(|n| self.numeric_ids.get(n))
            .and_then(|&slot| slot.checked_sub(1));
        if let Some(p) = numeric {
            return Ok(p);
        }
        self.ids.get(name).copied().ok_or_else(|| {
            let hint = if py_strip(name) != name && self.ids.contains_key(py_strip(name)) {
                " (project ids in a vote are not trimmed: remove the spaces around the commas)"
            } else {
                ""
            };
            ReadError::new(
                rows.row_line(),
                Some(rows.column(col, offset)),
                format!("expected a project id from PROJECTS in the vote, found unknown project id {name:?}{hint}"),
            )
        })
    }

    fn finish(mut self, last_line: u32) -> Result<(Election, Vec<Notice>), ReadError> {
        let vote_type = match self.vote_type {
            Some(t) => t,
            None => match self.meta_index("vote_type") {
                Some(i) => self.parse_vote_type(i)?,
                None => {
                    return Err(ReadError::new(
                        last_line,
                        None,
                        "expected a vote_type key in META, found none",
                    ));
                }
            },
        };
        let budget = self.budget(last_line)?;
        if let Some(layout) = &self.layout
            && vote_type.has_points()
            && layout.points.is_none()
            && self.profile.as_ref().is_some_and(|p| !p.is_empty())
        {
            self.notices.push(Notice {
                line: self.votes_header_line,
                code: "points_missing",
                message: format!(
                    "the VOTES header has no points column: every {vote_type} ballot is read as empty, as pabutools does"
                ),
            });
        }
        let profile = self
            .profile
            .take()
            .unwrap_or_else(|| Profile::new(Vec::new()));
        Ok((
            Election {
                instance: Instance {
                    meta: self.meta,
                    vote_type,
                    budget,
                    project_columns: self.project_columns,
                    projects: self.projects,
                },
                profile,
            },
            self.notices,
        ))
    }

    fn budget(&self, last_line: u32) -> Result<Money, ReadError> {
        let Some(i) = self.meta_index("budget") else {
            return Err(ReadError::new(
                last_line,
                None,
                "expected a budget key in META, found none",
            ));
        };
        let value = self.meta.get(i).map_or("", |(_, v)| v.as_str());
        parse_money(value).map_err(|e| {
            let (line, col) = self.meta_lines.get(i).copied().unwrap_or((0, 1));
            ReadError::new(
                line,
                Some(col),
                format!("expected a number for budget, found {value:?} ({e})"),
            )
        })
    }
}
