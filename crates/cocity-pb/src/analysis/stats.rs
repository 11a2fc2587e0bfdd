//! Descriptive statistics of an election, before any counting: what the instance and the votes
//! look like (pabutools.analysis `instanceproperties` and `profileproperties`, kept exact).

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::model::{Election, Money, VoteType};

/// Where a project's cost sits relative to the budget: the upper bounds (exclusive, as a share
/// of the budget) of the cost buckets. A last bucket holds projects dearer than the budget.
///
/// The buckets are shares of B rather than absolute amounts so that a Polish district in złoty
/// and a Swiss one in francs read the same way.
pub const COST_BUCKET_BOUNDS_PERCENT: [u32; 7] = [1, 2, 5, 10, 20, 50, 100];

/// Summary of a list of exact numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub min: Money,
    pub max: Money,
    /// Exact mean.
    pub mean: Money,
    /// Median as numpy computes it: the middle value, or the mean of the two middle values.
    pub median: Money,
}

impl Summary {
    /// The summary of `values`, or `None` when there are none.
    pub fn of(values: &[Money]) -> Option<Summary> {
        let mut sorted: Vec<&Money> = values.iter().collect();
        sorted.sort();
        let (first, last) = (sorted.first()?, sorted.last()?);
        let n = sorted.len();
        let mean = super::exact::sum(values) / Money::from_integer(BigInt::from(n));
        let mid = n / 2;
        let median = if n % 2 == 1 {
            sorted.get(mid).map(|v| (*v).clone())?
        } else {
            let (a, b) = (sorted.get(mid - 1)?, sorted.get(mid)?);
            (*a + *b) / Money::from_integer(BigInt::from(2))
        };
        Some(Summary {
            min: (*first).clone(),
            max: (*last).clone(),
            mean,
            median,
        })
    }
}

/// How much support one project got in the votes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectSupport {
    /// Number of ballots that list the project (approvals for approval ballots).
    pub votes: usize,
    /// Sum of the points the project got, for cumulative and scoring ballots.
    pub points: Option<Money>,
    /// Sum of the project's Borda scores (ballot length − position − 1), for ordinal ballots.
    pub borda: Option<u64>,
}

/// Descriptive statistics of an election.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stats {
    pub vote_type: VoteType,
    pub projects: usize,
    /// Every VOTES row, empty ballots included (the `n` of B/n).
    pub voters: usize,
    pub budget: Money,
    /// The cost of all projects together.
    pub total_cost: Money,
    /// Total cost divided by the budget (pabutools' `funding_scarcity`); `None` when B = 0.
    pub budget_ratio: Option<Money>,
    /// Ballot length: min, max, mean, median over all voters (empty ballots count as 0).
    pub vote_length: Option<Summary>,
    /// `vote_length_histogram[k]` voters have a ballot of length k.
    pub vote_length_histogram: Vec<usize>,
    /// Project cost: min, max, mean, median.
    pub cost: Option<Summary>,
    /// Project counts per cost bucket: `cost_buckets[i]` projects cost less than
    /// `COST_BUCKET_BOUNDS_PERCENT[i]`% of B (B itself included in the 100% bucket) and at
    /// least the previous bound; the last entry counts projects dearer than B.
    pub cost_buckets: Vec<usize>,
    /// Projects that cost more than the whole budget (they can never be funded).
    pub projects_over_budget: usize,
    /// Voters whose ballot names no project.
    pub empty_ballots: usize,
    /// Support per project, aligned with `instance.projects`.
    pub support: Vec<ProjectSupport>,
}

/// Computes the statistics of `election`. Linear in the size of the votes.
pub fn stats(election: &Election) -> Stats {
    let instance = &election.instance;
    let profile = &election.profile;
    let m = instance.projects.len();
    let vote_type = instance.vote_type;

    let mut votes = vec![0usize; m];
    let mut points: Vec<Money> = vec![Money::zero(); m];
    let mut borda = vec![0u64; m];
    let mut lengths = Vec::with_capacity(profile.len());
    let mut histogram: Vec<usize> = Vec::new();
    let mut empty_ballots = 0usize;
    let mut seen = SeenSet::new(m);

    for voter in profile.voters() {
        seen.clear();
        let projects = voter.projects();
        let pts = voter.points();
        // A ballot's length counts distinct projects: pabutools collapses duplicates.
        let mut distinct: Vec<usize> = Vec::with_capacity(projects.len());
        for (k, &p) in projects.iter().enumerate() {
            let p = p as usize;
            if p >= m {
                continue;
            }
            if seen.insert(p) {
                distinct.push(p);
                if let Some(v) = votes.get_mut(p) {
                    *v += 1;
                }
            }
            if vote_type.has_points()
                && let (Some(total), Some(x)) = (points.get_mut(p), last_points(projects, pts, k))
            {
                // Only the last occurrence of a duplicate counts (pabutools keeps the last value).
                *total += x;
            }
        }
        if vote_type == VoteType::Ordinal {
            let len = distinct.len() as u64;
            for (pos, &p) in distinct.iter().enumerate() {
                if let Some(b) = borda.get_mut(p) {
                    *b += len - pos as u64 - 1;
                }
            }
        }
        let len = distinct.len();
        if len == 0 {
            empty_ballots += 1;
        }
        if histogram.len() <= len {
            histogram.resize(len + 1, 0);
        }
        if let Some(h) = histogram.get_mut(len) {
            *h += 1;
        }
        lengths.push(Money::from_integer(BigInt::from(len)));
    }

    let costs: Vec<Money> = instance.projects.iter().map(|p| p.cost.clone()).collect();
    let total_cost = costs.iter().fold(Money::zero(), |acc, c| acc + c);
    let budget = instance.budget.clone();
    let budget_ratio = (budget.is_positive()).then(|| &total_cost / &budget);

    let mut cost_buckets = vec![0usize; COST_BUCKET_BOUNDS_PERCENT.len() + 1];
    let mut projects_over_budget = 0usize;
    for c in &costs {
        let bucket = cost_bucket(c, &budget);
        if let Some(b) = cost_buckets.get_mut(bucket) {
            *b += 1;
        }
        if c > &budget {
            projects_over_budget += 1;
        }
    }

    let support = (0..m)
        .map(|p| ProjectSupport {
            votes: votes.get(p).copied().unwrap_or(0),
            points: vote_type
                .has_points()
                .then(|| points.get(p).cloned().unwrap_or_else(Money::zero)),
            borda: (vote_type == VoteType::Ordinal).then(|| borda.get(p).copied().unwrap_or(0)),
        })
        .collect();

    Stats {
        vote_type,
        projects: m,
        voters: profile.len(),
        budget,
        total_cost,
        budget_ratio,
        vote_length: Summary::of(&lengths),
        vote_length_histogram: histogram,
        cost: Summary::of(&costs),
        cost_buckets,
        projects_over_budget,
        empty_ballots,
        support,
    }
}

/// The index of the cost bucket of `cost` (see [`COST_BUCKET_BOUNDS_PERCENT`]).
fn cost_bucket(cost: &Money, budget: &Money) -> usize {
    let hundred = Money::from_integer(BigInt::from(100));
    for (i, bound) in COST_BUCKET_BOUNDS_PERCENT.iter().enumerate() {
        let limit = budget * Money::from_integer(BigInt::from(*bound)) / &hundred;
        let last = i + 1 == COST_BUCKET_BOUNDS_PERCENT.len();
        // The last bound is inclusive: a project costing exactly B still fits.
        if cost < &limit || (last && cost <= &limit) {
            return i;
        }
    }
    COST_BUCKET_BOUNDS_PERCENT.len()
}

/// The points of the entry at `k` if it is the last occurrence of its project in the ballot.
fn last_points(projects: &[u32], pts: &[crate::model::Points], k: usize) -> Option<Money> {
    let p = projects.get(k)?;
    if projects.get(k + 1..)?.contains(p) {
        return None;
    }
    let x = pts.get(k)?;
    Some(Money::new(
        BigInt::from(*x.numer()),
        BigInt::from(*x.denom()),
    ))
}

/// A set of project indices that can be cleared in time proportional to what it holds: one
/// ballot's worth of bookkeeping without allocating per voter.
pub(crate) struct SeenSet {
    marks: Vec<bool>,
    held: Vec<usize>,
}

impl SeenSet {
    pub(crate) fn new(size: usize) -> SeenSet {
        SeenSet {
            marks: vec![false; size],
            held: Vec::new(),
        }
    }

    /// Inserts `i`; false if it was already there or is out of range.
    pub(crate) fn insert(&mut self, i: usize) -> bool {
        match self.marks.get_mut(i) {
            Some(mark) if !*mark => {
                *mark = true;
                self.held.push(i);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn clear(&mut self) {
        for i in self.held.drain(..) {
            if let Some(mark) = self.marks.get_mut(i) {
                *mark = false;
            }
        }
    }
}
