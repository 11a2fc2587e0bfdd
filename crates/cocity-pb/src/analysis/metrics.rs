//! Figures about an outcome, as `pabutools.analysis.votersatisfaction` computes them, exactly.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::AnalysisError;
use super::stats::SeenSet;
use super::voter_sat::winner_mask;
use crate::model::{Election, Money};

/// The mean of the satisfactions (`avg_satisfaction`); 0 when there are no voters, as
/// pabutools' `mean_generator` returns.
pub fn avg_satisfaction(satisfactions: &[Money]) -> Money {
    if satisfactions.is_empty() {
        return Money::zero();
    }
    let sum = satisfactions.iter().fold(Money::zero(), |acc, s| acc + s);
    sum / Money::from_integer(BigInt::from(satisfactions.len()))
}

/// The Gini coefficient of the satisfactions, by pabutools' formula (`utils.gini_coefficient`):
/// with the n values sorted ascending as x₀ ≤ … ≤ xₙ₋₁,
/// G = (n + 1 − 2·Σᵢ xᵢ·(n − i) / Σᵢ xᵢ) / n, and 0 when every value is 0 (or there are none).
///
/// 0 means everyone is equally satisfied; values near 1 mean few voters get all the
/// satisfaction. Returns `None` when a value is negative (scoring ballots may have negative
/// points), which pabutools rejects with a ValueError.
pub fn gini_coefficient(satisfactions: &[Money]) -> Option<Money> {
    if satisfactions.iter().any(|s| s.is_negative()) {
        return None;
    }
    if satisfactions.iter().all(|s| s.is_zero()) {
        return Some(Money::zero());
    }
    let mut sorted: Vec<&Money> = satisfactions.iter().collect();
    sorted.sort();
    let n = sorted.len();
    let mut weighted = Money::zero();
    let mut sum = Money::zero();
    for (i, v) in sorted.iter().enumerate() {
        weighted += *v * Money::from_integer(BigInt::from(n - i));
        sum += *v;
    }
    let n_q = Money::from_integer(BigInt::from(n));
    let two = Money::from_integer(BigInt::from(2));
    Some((&n_q + Money::from_integer(BigInt::from(1)) - two * weighted / sum) / n_q)
}

/// Whether each voter has at least one funded project among those they voted for (listed on
/// the ballot; on cumulative and scoring ballots, given positive points).
pub fn non_empty_handed(
    election: &Election,
    winners: &[usize],
) -> Result<Vec<bool>, AnalysisError> {
    let m = election.instance.projects.len();
    let funded = winner_mask(m, winners)?;
    let has_points = election.profile.has_points();
    Ok(election
        .profile
        .voters()
        .map(|voter| {
            let points = voter.points();
            voter.projects().iter().enumerate().any(|(k, &p)| {
                funded.get(p as usize).copied().unwrap_or(false)
                    && (!has_points || points.get(k).is_some_and(|x| x.is_positive()))
            })
        })
        .collect())
}

/// The share of voters with at least one funded project they voted for (see
/// [`non_empty_handed`]); 0 when there are no voters.
pub fn non_empty_handed_share(
    election: &Election,
    winners: &[usize],
) -> Result<Money, AnalysisError> {
    let flags = non_empty_handed(election, winners)?;
    if flags.is_empty() {
        return Ok(Money::zero());
    }
    let yes = flags.iter().filter(|&&f| f).count();
    Ok(Money::new(BigInt::from(yes), BigInt::from(flags.len())))
}

/// pabutools' `percent_non_empty_handed` exactly: the mean of `CC_Sat`. For approval ballots
/// that is [`non_empty_handed_share`]; for cumulative and scoring ballots `CC_Sat` is the
/// highest score a voter gave to a funded project (0 if none is positive), so the figure is a
/// mean score, not a share. For ordinal ballots pabutools has no `CC_Sat`: `None`.
pub fn pabutools_non_empty_handed(
    election: &Election,
    winners: &[usize],
) -> Result<Option<Money>, AnalysisError> {
    let vote_type = election.instance.vote_type;
    if vote_type.is_approval_like() {
        return non_empty_handed_share(election, winners).map(Some);
    }
    if !vote_type.has_points() {
        return Ok(None);
    }
    let m = election.instance.projects.len();
    let funded = winner_mask(m, winners)?;
    let mut seen = SeenSet::new(m);
    let mut values = Vec::with_capacity(election.profile.len());
    for voter in election.profile.voters() {
        seen.clear();
        let ballot = voter.projects();
        let points = voter.points();
        let mut best = Money::zero();
        // Walk from the end so that a duplicated project counts with its last value.
        for (k, &p) in ballot.iter().enumerate().rev() {
            if !seen.insert(p as usize) || !funded.get(p as usize).copied().unwrap_or(false) {
                continue;
            }
            if let Some(x) = points.get(k) {
                let x = Money::new(BigInt::from(*x.numer()), BigInt::from(*x.denom()));
                if x > best {
                    best = x;
                }
            }
        }
        values.push(best);
    }
    Ok(Some(avg_satisfaction(&values)))
}
