//! One participatory-budgeting election as a Pabulib file holds it: the META key/values, the
//! projects and the voters with their ballots.
//!
//! Voters are stored column-wise (one text arena, one flat ballot array with offsets) because
//! real files have 100,000 voters with ballots of a few projects each: a struct per voter would
//! cost more memory than the file itself.

use num_rational::{BigRational, Ratio};

/// An amount of money (a cost, a budget, a share): always exact.
pub type Money = BigRational;

/// The points a voter gives to a project on a cumulative or scoring ballot.
pub type Points = Ratio<i64>;

/// The `vote_type` of a Pabulib file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VoteType {
    Approval,
    Choose1,
    Cumulative,
    Scoring,
    Ordinal,
}

impl VoteType {
    /// The spelling used in Pabulib's META section.
    pub fn as_str(self) -> &'static str {
        match self {
            VoteType::Approval => "approval",
            VoteType::Choose1 => "choose-1",
            VoteType::Cumulative => "cumulative",
            VoteType::Scoring => "scoring",
            VoteType::Ordinal => "ordinal",
        }
    }

    /// Parses the META spelling (case-sensitive, as pabutools does).
    pub fn parse(s: &str) -> Option<VoteType> {
        match s {
            "approval" => Some(VoteType::Approval),
            "choose-1" => Some(VoteType::Choose1),
            "cumulative" => Some(VoteType::Cumulative),
            "scoring" => Some(VoteType::Scoring),
            "ordinal" => Some(VoteType::Ordinal),
            _ => None,
        }
    }

    /// Approval and choose-1 ballots are sets of projects.
    pub fn is_approval_like(self) -> bool {
        matches!(self, VoteType::Approval | VoteType::Choose1)
    }

    /// Cumulative and scoring ballots give points to projects.
    pub fn has_points(self) -> bool {
        matches!(self, VoteType::Cumulative | VoteType::Scoring)
    }
}

impl std::fmt::Display for VoteType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A project of the PROJECTS section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The first column, whatever its header says (as pabutools reads it).
    pub id: String,
    pub cost: Money,
    /// Every cell of the row, aligned with [`Instance::project_columns`]; `None` where the cell
    /// was empty or `none`. The id and cost cells are kept here too, as written.
    pub cells: Vec<Option<String>>,
}

impl Project {
    /// The text of the cell under `column`, if the row has one.
    pub fn cell<'a>(&'a self, columns: &[String], column: &str) -> Option<&'a str> {
        let idx = columns.iter().position(|c| c == column)?;
        self.cells.get(idx)?.as_deref()
    }
}

/// The META section and the projects: everything but the votes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// META key/values in file order; unknown keys are kept. A repeated key keeps its last value
    /// in the first key's place.
    pub meta: Vec<(String, String)>,
    pub vote_type: VoteType,
    /// The total money B.
    pub budget: Money,
    /// The PROJECTS header as written (`project_id;cost;...`).
    pub project_columns: Vec<String>,
    /// Projects in file order. Rules refer to a project by its index here.
    pub projects: Vec<Project>,
}

impl Instance {
    /// The value of a META key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets a META key, keeping its place if it exists.
    pub fn set_meta(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.meta.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = value,
            None => self.meta.push((key.to_owned(), value)),
        }
    }

    /// The index of the project with this id.
    pub fn project_index(&self, id: &str) -> Option<usize> {
        self.projects.iter().position(|p| p.id == id)
    }

    /// The sum of the costs of the given projects.
    pub fn total_cost(&self, projects: &[usize]) -> Money {
        projects
            .iter()
            .filter_map(|&p| self.projects.get(p))
            .fold(Money::from_integer(0.into()), |acc, p| acc + &p.cost)
    }
}

/// The VOTES section, column-wise.
///
/// Each voter's ballot is a list of project indices into [`Instance::projects`]: a set for
/// approval and choose-1 (duplicates collapsed, file order kept), a ranking (most preferred first)
/// for ordinal, and for cumulative and scoring a list aligned with the voter's points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// The VOTES header as written (`voter_id;vote;...`).
    pub columns: Vec<String>,
    /// The 1-based line of each voter's row in the file it came from (0 when built in code).
    pub lines: Vec<u32>,
    /// All voters' cells but `vote` and `points`, concatenated: one text arena.
    text: String,
    /// For each voter, `extra_count` end offsets into `text` (the cells of the columns that are
    /// not `vote`/`points`, in header order).
    cell_ends: Vec<u32>,
    /// How many stored text cells each voter has.
    extra_count: usize,
    /// Ballot of voter i is `items[starts[i]..starts[i+1]]`.
    starts: Vec<u32>,
    items: Vec<u32>,
    /// Aligned with `items` for cumulative and scoring ballots; empty otherwise.
    points: Vec<Points>,
}

/// Read-only view of one voter.
#[derive(Clone, Copy, Debug)]
pub struct Voter<'a> {
    profile: &'a Profile,
    index: usize,
}

impl Profile {
    /// An empty profile whose text cells are the columns of `columns` that are not `vote` or
    /// `points`.
    pub fn new(columns: Vec<String>) -> Profile {
        let extra_count = columns.iter().filter(|c| !is_ballot_column(c)).count();
        Profile {
            columns,
            extra_count,
            starts: vec![0],
            ..Profile::default()
        }
    }

    /// Makes room for `voters` more voters with `items` ballot entries in all, so that a reader
    /// that knows the count up front does not grow the columns step by step (each step copies
    /// them and touches new memory). The text cells, whose size the count does not tell, grow
    /// as they come.
    pub fn reserve(&mut self, voters: usize, items: usize, with_points: bool) {
        self.lines.reserve(voters);
        self.starts.reserve(voters);
        self.items.reserve(items);
        if with_points {
            self.points.reserve(items);
        }
    }

    /// The names of the text cells each voter keeps, in order.
    pub fn text_columns(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .map(String::as_str)
            .filter(|c| !is_ballot_column(c))
    }

    /// Number of voters (every VOTES row, empty ballots included).
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a voter. `cells` are the text cells in [`Profile::text_columns`] order; `points`
    /// must be empty or as long as `projects`.
    ///
    /// Returns an error message if the shape does not match or the profile outgrows u32 offsets.
    pub fn push(
        &mut self,
        line: u32,
        cells: &[&str],
        projects: &[u32],
        points: &[Points],
    ) -> Result<(), String> {
        self.push_cells(line, cells.iter().copied(), projects, points)
    }

    /// Like [`Profile::push`], with the text cells taken from an iterator, so that a streaming
    /// reader appends a voter without building a slice of cells for it.
    pub fn push_cells<'c>(
        &mut self,
        line: u32,
        cells: impl IntoIterator<Item = &'c str>,
        projects: &[u32],
        points: &[Points],
    ) -> Result<(), String> {
        if !points.is_empty() && points.len() != projects.len() {
            return Err(format!(
                "{} projects but {} points",
                projects.len(),
                points.len()
            ));
        }
        // Checked before anything is appended, so that a refused voter leaves no trace.
        let items_end = to_u32(self.items.len().saturating_add(projects.len()))?;
        let (text_len, ends_len) = (self.text.len(), self.cell_ends.len());
        let mut count = 0;
        for cell in cells {
            count += 1;
            self.text.push_str(cell);
            // Truncation is caught below: the text only grows, so if its final length fits in
            // u32, so did every end pushed on the way.
            self.cell_ends.push(self.text.len() as u32);
        }
        let error = if count != self.extra_count {
            Some(format!(
                "expected {} voter cells, got {count}",
                self.extra_count
            ))
        } else {
            to_u32(self.text.len()).err()
        };
        if let Some(e) = error {
            self.text.truncate(text_len);
            self.cell_ends.truncate(ends_len);
            return Err(e);
        }
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        // Element by element: ballots are short, and a copy call costs more than the loop.
        self.items.extend(projects.iter().copied());
        if !points.is_empty() {
            self.points.extend_from_slice(points);
        }
        self.starts.push(items_end);
        self.lines.push(line);
        Ok(())
    }

    /// The voter at `index` (panics never: out of range gives `None`).
    pub fn voter(&self, index: usize) -> Option<Voter<'_>> {
        (index < self.len()).then_some(Voter {
            profile: self,
            index,
        })
    }

    /// All voters in file order.
    pub fn voters(&self) -> impl ExactSizeIterator<Item = Voter<'_>> {
        (0..self.len()).map(move |index| Voter {
            profile: self,
            index,
        })
    }

    /// Whether ballots carry points.
    pub fn has_points(&self) -> bool {
        !self.points.is_empty()
    }
}

impl<'a> Voter<'a> {
    pub fn index(&self) -> usize {
        self.index
    }

    /// The project indices of the ballot (see [`Profile`] for their meaning per vote type).
    pub fn projects(&self) -> &'a [u32] {
        let p = self.profile;
        let (a, b) = self.range();
        p.items.get(a..b).unwrap_or(&[])
    }

    /// The points aligned with [`Voter::projects`], or an empty slice for ballots without points.
    pub fn points(&self) -> &'a [Points] {
        let p = self.profile;
        if p.points.is_empty() {
            return &[];
        }
        let (a, b) = self.range();
        p.points.get(a..b).unwrap_or(&[])
    }

    /// The text of the voter's cell under `column` (not `vote` or `points`).
    pub fn cell(&self, column: &str) -> Option<&'a str> {
        let k = self.profile.text_columns().position(|c| c == column)?;
        self.cell_at(k)
    }

    /// The k-th text cell, in [`Profile::text_columns`] order.
    pub fn cell_at(&self, k: usize) -> Option<&'a str> {
        let p = self.profile;
        if k >= p.extra_count {
            return None;
        }
        let slot = self.index * p.extra_count + k;
        let end = *p.cell_ends.get(slot)? as usize;
        let start = if slot == 0 {
            0
        } else {
            *p.cell_ends.get(slot - 1)? as usize
        };
        p.text.get(start..end)
    }

    /// The `voter_id` cell, or "" if the file has none.
    pub fn id(&self) -> &'a str {
        self.cell("voter_id").unwrap_or("")
    }

    /// The 1-based line of the voter's row (0 when built in code).
    pub fn line(&self) -> u32 {
        self.profile.lines.get(self.index).copied().unwrap_or(0)
    }

    fn range(&self) -> (usize, usize) {
        let s = &self.profile.starts;
        let a = s.get(self.index).copied().unwrap_or(0) as usize;
        let b = s.get(self.index + 1).copied().unwrap_or(0) as usize;
        (a, b.max(a))
    }
}

/// `vote` and `points` are stored as the ballot, not as text.
pub(crate) fn is_ballot_column(name: &str) -> bool {
    name == "vote" || name == "points"
}

fn to_u32(n: usize) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| "profile too large (more than 4 GiB of votes)".to_owned())
}

/// A whole election: the instance and its votes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Election {
    pub instance: Instance,
    pub profile: Profile,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_stores_voters_column_wise() {
        let mut p = Profile::new(vec!["voter_id".into(), "vote".into(), "age".into()]);
        p.push(5, &["v1", "34"], &[0, 2], &[]).unwrap();
        p.push(6, &["v2", ""], &[], &[]).unwrap();
        assert_eq!(p.len(), 2);
        let v = p.voter(0).unwrap();
        assert_eq!(v.id(), "v1");
        assert_eq!(v.cell("age"), Some("34"));
        assert_eq!(v.projects(), &[0, 2]);
        let w = p.voter(1).unwrap();
        assert_eq!(w.id(), "v2");
        assert!(w.projects().is_empty());
        assert_eq!(w.line(), 6);
        assert!(p.voter(2).is_none());
        assert!(p.push(7, &["v3"], &[], &[]).is_err());
    }

    #[test]
    fn push_cells_refuses_a_wrong_shape_and_keeps_the_profile() {
        let mut p = Profile::new(vec!["voter_id".into(), "vote".into(), "age".into()]);
        p.push_cells(3, ["v1", "34"], &[1], &[]).unwrap();
        let before = p.clone();
        assert!(p.push_cells(4, ["v2"], &[0], &[]).is_err());
        assert!(p.push_cells(4, ["v2", "5", "x"], &[0], &[]).is_err());
        assert!(
            p.push_cells(4, ["v2", "5"], &[0, 1], &[Points::from_integer(1)])
                .is_err()
        );
        assert_eq!(p, before);
        p.push_cells(5, ["v3", ""], &[0, 1], &[]).unwrap();
        let v = p.voter(1).unwrap();
        assert_eq!(
            (v.id(), v.cell("age"), v.projects(), v.line()),
            ("v3", Some(""), &[0, 1][..], 5)
        );
    }
}
