//! Each voter's satisfaction with a set of funded projects, under the satisfaction measures of
//! pabutools (`Cost_Sat`, `Cardinality_Sat`, `Effort_Sat`, `Additive_Cardinal_Sat`,
//! `Additive_Borda_Sat`), exactly. The measures themselves live in [`crate::satisfaction`],
//! shared with the rules, so that a figure and a count never disagree on what a voter gets.

use super::AnalysisError;
use super::stats::SeenSet;
use crate::model::{Election, Money};
use crate::satisfaction::Sat;

/// A membership test over project indices.
pub(crate) fn winner_mask(m: usize, winners: &[usize]) -> Result<Vec<bool>, AnalysisError> {
    let mut mask = vec![false; m];
    for &w in winners {
        match mask.get_mut(w) {
            Some(slot) => *slot = true,
            None => {
                return Err(AnalysisError::UnknownProject {
                    index: w,
                    projects: m,
                });
            }
        }
    }
    Ok(mask)
}

/// Number of ballots listing each project (duplicates inside a ballot count once): the
/// denominator of `Effort_Sat`.
pub fn ballots_per_project(election: &Election) -> Vec<usize> {
    let m = election.instance.projects.len();
    let mut counts = vec![0usize; m];
    let mut seen = SeenSet::new(m);
    for voter in election.profile.voters() {
        seen.clear();
        for &p in voter.projects() {
            if seen.insert(p as usize)
                && let Some(c) = counts.get_mut(p as usize)
            {
                *c += 1;
            }
        }
    }
    counts
}

/// The satisfaction of every voter (in file order) with the funded projects `winners` (indices
/// into `instance.projects`), under `sat`.
///
/// Duplicates inside a ballot follow pabutools: an approval counts once, a ranking keeps the
/// first position, points keep the last value.
pub fn voter_satisfactions(
    election: &Election,
    winners: &[usize],
    sat: Sat,
) -> Result<Vec<Money>, AnalysisError> {
    let vote_type = election.instance.vote_type;
    if !sat.applies_to(vote_type) {
        return Err(AnalysisError::SatNotApplicable { sat, vote_type });
    }
    winner_mask(election.instance.projects.len(), winners)?;
    Ok(crate::satisfaction::voter_satisfaction(
        election, sat, winners,
    ))
}
