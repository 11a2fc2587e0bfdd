//! Figures about an outcome, as `pabutools.analysis.votersatisfaction` computes them, exactly.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::stats::SeenSet;
use super::voter_sat::winner_mask;
use super::{AnalysisError, exact};
use crate::model::{Election, Money};

/// The mean of the satisfactions (`avg_satisfaction`); 0 when there are no voters, as
/// pabutools' `mean_generator` returns.
pub fn avg_satisfaction(satisfactions: &[Money]) -> Money {
    if satisfactions.is_empty() {
        return Money::zero();
    }
    exact::sum(satisfactions) / Money::from_integer(BigInt::from(satisfactions.len()))
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
    // Over a common denominator L the formula only needs integers: Σ xᵢ(n − i) / Σ xᵢ is the
    // same ratio with every xᵢ scaled by L.
    let (mut numerators, _) = exact::over_common_denominator(satisfactions);
    numerators.sort();
    let n = numerators.len();
    let mut weighted = BigInt::zero();
    let mut sum = BigInt::zero();
    for (i, x) in numerators.iter().enumerate() {
        weighted += x * BigInt::from(n - i);
        sum += x;
    }
    let n_q = Money::from_integer(BigInt::from(n));
    let ratio = Money::new(BigInt::from(2) * weighted, sum);
    Some((&n_q + Money::from_integer(BigInt::from(1)) - ratio) / n_q)
}

/// For each voter, how many distinct funded projects they voted for (listed on the ballot; on
/// cumulative and scoring ballots, given positive points).
pub fn funded_votes_per_voter(
    election: &Election,
    winners: &[usize],
) -> Result<Vec<usize>, AnalysisError> {
    let m = election.instance.projects.len();
    let funded = winner_mask(m, winners)?;
    let cardinal = election.instance.vote_type.has_points();
    let mut seen = SeenSet::new(m);
    Ok(election
        .profile
        .voters()
        .map(|voter| {
            seen.clear();
            let points = voter.points();
            // pabutools reads a cumulative or scoring ballot without points as empty.
            if cardinal && points.len() != voter.projects().len() {
                return 0;
            }
            voter
                .projects()
                .iter()
                .enumerate()
                .filter(|&(k, &p)| {
                    funded.get(p as usize).copied().unwrap_or(false)
                        && (!cardinal || points.get(k).is_some_and(|x| x.is_positive()))
                        && seen.insert(p as usize)
                })
                .count()
        })
        .collect())
}

/// Whether each voter has at least one funded project among those they voted for (listed on
/// the ballot; on cumulative and scoring ballots, given positive points).
pub fn non_empty_handed(
    election: &Election,
    winners: &[usize],
) -> Result<Vec<bool>, AnalysisError> {
    Ok(funded_votes_per_voter(election, winners)?
        .into_iter()
        .map(|k| k > 0)
        .collect())
}

/// The share of voters with at least one funded project they voted for (see
/// [`non_empty_handed`]); 0 when there are no voters.
pub fn non_empty_handed_share(
    election: &Election,
    winners: &[usize],
) -> Result<Money, AnalysisError> {
    Ok(share_true(&non_empty_handed(election, winners)?))
}

/// The share of `flags` that are true (for instance of [`non_empty_handed`]); 0 when empty.
pub fn share_true(flags: &[bool]) -> Money {
    if flags.is_empty() {
        return Money::zero();
    }
    let yes = flags.iter().filter(|&&f| f).count();
    Money::new(BigInt::from(yes), BigInt::from(flags.len()))
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
