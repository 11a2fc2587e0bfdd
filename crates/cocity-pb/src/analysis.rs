//! What an election and its outcomes look like: descriptive statistics, voters' satisfaction,
//! the figures of `pabutools.analysis` (average satisfaction, share of non-empty-handed voters,
//! Gini coefficient, EJR up to one project), and the comparison of outcomes of several rules.
//!
//! Every figure is exact (a [`Money`] rational); [`exact_decimal`] prints one without loss.
//!
//! ```
//! use cocity_pb::analysis::{Sat, outcome_report, exact_decimal};
//! # use cocity_pb::model::*;
//! # use num_rational::BigRational;
//! # use num_bigint::BigInt;
//! # let money = |n: i64| BigRational::from_integer(BigInt::from(n));
//! # let project = |id: &str, cost: i64| Project { id: id.into(), cost: money(cost), cells: vec![] };
//! # let mut profile = Profile::new(vec!["voter_id".into(), "vote".into()]);
//! # profile.push(0, &["1"], &[0], &[]).unwrap();
//! # profile.push(0, &["2"], &[0, 1], &[]).unwrap();
//! # profile.push(0, &["3"], &[], &[]).unwrap();
//! # let election = Election {
//! #     instance: Instance { meta: vec![], vote_type: VoteType::Approval, budget: money(10),
//! #         project_columns: vec!["project_id".into(), "cost".into()],
//! #         projects: vec![project("a", 6), project("b", 5)] },
//! #     profile,
//! # };
//! // Two approval voters back project "a" (cost 6), one of them also "b"; a third voted blank.
//! let report = outcome_report(&election, "mes", &[0], Sat::Cost, 1_000_000)?;
//! assert_eq!(exact_decimal(&report.avg_satisfaction), "4");        // (6 + 6 + 0) / 3
//! assert_eq!(exact_decimal(&report.non_empty_handed_share), "2/3");
//! assert_eq!(report.ejr_up_to_one.as_bool(), Some(true));
//! # Ok::<(), cocity_pb::analysis::AnalysisError>(())
//! ```

mod ejr;
pub(crate) mod exact;
mod metrics;
mod stats;
mod voter_sat;

use num_traits::ToPrimitive;

pub use crate::satisfaction::Sat;
pub use ejr::{DEFAULT_WORK_LIMIT, EjrVerdict, EjrWitness, ejr_up_to_one};
pub use metrics::{
    avg_satisfaction, funded_votes_per_voter, gini_coefficient, non_empty_handed,
    non_empty_handed_share, pabutools_non_empty_handed, share_true,
};
pub use stats::{COST_BUCKET_BOUNDS_PERCENT, ProjectSupport, Stats, Summary, stats};
pub use voter_sat::{ballots_per_project, voter_satisfactions};

use crate::model::{Election, Money, VoteType};

/// Why a figure could not be computed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnalysisError {
    /// A winner index is not a project of the instance.
    UnknownProject { index: usize, projects: usize },
    /// The satisfaction measure is not defined for this vote type.
    SatNotApplicable { sat: Sat, vote_type: VoteType },
}

impl std::fmt::Display for AnalysisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AnalysisError::UnknownProject { index, projects } => write!(
                f,
                "project index {index} is out of range (the instance has {projects} projects)"
            ),
            AnalysisError::SatNotApplicable { sat, vote_type } => write!(
                f,
                "satisfaction `{sat}` does not apply to {vote_type} ballots"
            ),
        }
    }
}

impl std::error::Error for AnalysisError {}

/// Voters are counted by the number of funded projects they voted for, up to this many (the
/// last bar holds "this many or more").
pub const FUNDED_COUNT_BARS: usize = 5;

/// The figures of one outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeReport {
    /// What produced the outcome (a rule name, "file", ...).
    pub label: String,
    /// Funded projects (indices into `instance.projects`) in the order given.
    pub winners: Vec<usize>,
    /// Total cost of the winners.
    pub cost: Money,
    /// The satisfaction measure the figures use.
    pub sat: Sat,
    /// Each voter's satisfaction, in file order.
    pub satisfactions: Vec<Money>,
    /// pabutools' `avg_satisfaction`.
    pub avg_satisfaction: Money,
    /// Share of voters with at least one funded project they voted for.
    pub non_empty_handed_share: Money,
    /// pabutools' `percent_non_empty_handed` (see [`pabutools_non_empty_handed`]).
    pub pabutools_non_empty_handed: Option<Money>,
    /// pabutools' `gini_coefficient_of_satisfaction`; `None` with negative satisfactions.
    pub gini: Option<Money>,
    /// EJR up to one project (approval ballots).
    pub ejr_up_to_one: EjrVerdict,
    /// `funded_count_histogram[k]` voters voted for exactly k funded projects (the last entry:
    /// [`FUNDED_COUNT_BARS`] or more).
    pub funded_count_histogram: Vec<usize>,
}

/// Computes every figure of one outcome. `ejr_work_limit` bounds the EJR search (see
/// [`ejr_up_to_one`]); pass [`DEFAULT_WORK_LIMIT`] unless you need an answer fast.
pub fn outcome_report(
    election: &Election,
    label: &str,
    winners: &[usize],
    sat: Sat,
    ejr_work_limit: u64,
) -> Result<OutcomeReport, AnalysisError> {
    let satisfactions = voter_satisfactions(election, winners, sat)?;
    let mut funded_count_histogram = vec![0usize; FUNDED_COUNT_BARS + 1];
    for k in funded_votes_per_voter(election, winners)? {
        if let Some(bar) = funded_count_histogram.get_mut(k.min(FUNDED_COUNT_BARS)) {
            *bar += 1;
        }
    }
    let mut distinct = winners.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    Ok(OutcomeReport {
        label: label.to_owned(),
        winners: winners.to_vec(),
        cost: election.instance.total_cost(&distinct),
        sat,
        avg_satisfaction: avg_satisfaction(&satisfactions),
        gini: gini_coefficient(&satisfactions),
        non_empty_handed_share: non_empty_handed_share(election, winners)?,
        pabutools_non_empty_handed: pabutools_non_empty_handed(election, winners)?,
        ejr_up_to_one: ejr_up_to_one(election, winners, sat, ejr_work_limit)?,
        satisfactions,
        funded_count_histogram,
    })
}

/// Several outcomes of the same election side by side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub outcomes: Vec<OutcomeReport>,
    /// `membership[p][k]`: whether project p is funded by outcome k.
    pub membership: Vec<Vec<bool>>,
}

impl Comparison {
    /// Projects funded by outcome `k` and by no other.
    pub fn only_in(&self, k: usize) -> Vec<usize> {
        self.projects_where(|row| {
            row.get(k).copied().unwrap_or(false) && row.iter().filter(|&&x| x).count() == 1
        })
    }

    /// Projects funded by every outcome.
    pub fn in_all(&self) -> Vec<usize> {
        self.projects_where(|row| !row.is_empty() && row.iter().all(|&x| x))
    }

    /// Projects funded by some outcomes but not all.
    pub fn differing(&self) -> Vec<usize> {
        self.projects_where(|row| row.iter().any(|&x| x) && !row.iter().all(|&x| x))
    }

    fn projects_where(&self, keep: impl Fn(&[bool]) -> bool) -> Vec<usize> {
        self.membership
            .iter()
            .enumerate()
            .filter(|(_, row)| keep(row))
            .map(|(p, _)| p)
            .collect()
    }
}

/// Compares the outcomes `(label, winners)` of one election, all measured with `sat`.
/// With two outcomes A and B, [`Comparison::only_in`]`(0)` is "only in A", `only_in(1)` "only
/// in B" and [`Comparison::in_all`] "in both".
pub fn compare(
    election: &Election,
    outcomes: &[(String, Vec<usize>)],
    sat: Sat,
    ejr_work_limit: u64,
) -> Result<Comparison, AnalysisError> {
    let m = election.instance.projects.len();
    let mut membership = vec![vec![false; outcomes.len()]; m];
    let mut reports = Vec::with_capacity(outcomes.len());
    for (k, (label, winners)) in outcomes.iter().enumerate() {
        for &p in winners {
            match membership.get_mut(p).and_then(|row| row.get_mut(k)) {
                Some(slot) => *slot = true,
                None => {
                    return Err(AnalysisError::UnknownProject {
                        index: p,
                        projects: m,
                    });
                }
            }
        }
        reports.push(outcome_report(
            election,
            label,
            winners,
            sat,
            ejr_work_limit,
        )?);
    }
    Ok(Comparison {
        outcomes: reports,
        membership,
    })
}

/// An exact rational as text: an integer (`"995079"`), a finite decimal (`"10.25"`), or
/// `"p/q"` when the decimal expansion does not end (`"2/3"`). The same spelling as the Pabulib
/// writer's, which reads back exactly.
pub fn exact_decimal(x: &Money) -> String {
    crate::pabulib::number::format_money(x)
}

/// A rational as a float, for display only (never for a decision).
pub fn approx(x: &Money) -> f64 {
    x.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests;
