//! Extended justified representation up to one project (EJR-1) for approval ballots, with the
//! definition of pabutools' `is_EJR_one_approval`, decided exactly.
//!
//! # Definition (pabutools 1.2.3, `analysis/justifiedrepresentation.py`)
//!
//! A group of voters S and a non-empty set of projects T are *cohesive* when every voter of S
//! approves every project of T and S is large enough to pay for T with its share of the
//! budget: cost(T)·n ≤ |S|·B (n counts every voter, empty ballots included). The outcome W
//! satisfies EJR up to one project when for every cohesive (S, T) some voter i ∈ S has
//! sat_i(W) + max_{p ∈ T∖W} sat_i(p) ≥ sat_i(T) (the max of nothing is 0).
//!
//! # How it is decided
//!
//! pabutools enumerates every subset of voters and every subset of projects, which only ends on
//! toy instances. Two facts make an exact search practical:
//!
//! 1. For approval ballots and the measures that apply (cost, cardinality, effort), a
//!    project's satisfaction u(p) is the same for every voter who approves it. A voter i
//!    approving T therefore *fails* for T exactly when sat_i(W) < θ(T), with
//!    θ(T) = u(T∖W) − max_{p∈T∖W} u(p) + u(T∩W). So for a given T the best group is every
//!    approver of T that fails, and T witnesses a violation iff
//!    (number of failing approvers)·B ≥ n·cost(T).
//! 2. A group can only be large enough if all approvers of T together are:
//!    |approvers(T)|·B ≥ n·cost(T). Adding a project to T raises its cost and can only shrink
//!    its approvers, so once a set fails this test every superset does too.
//!
//! The search walks project sets in canonical order (each set once), extends a set only while
//! the test of fact 2 passes, and checks fact 1 at every set. Voters with identical ballots are
//! merged (they approve the same sets and have the same satisfaction), and each project's
//! approvers are a bitset over the distinct ballots.
//!
//! **Complexity.** O(F · D) time, where F is the number of project sets that pass fact 2 (and
//! their immediate extensions) and D the number of distinct ballots; memory O(m·D/64). F is
//! exponential in the worst case (checking EJR is coNP-hard), but a set must be approved by at
//! least n·cost(T)/B voters, so on real Pabulib files F stays small. The search stops after a
//! fixed amount of work ([`DEFAULT_WORK_LIMIT`]) and then says so ([`EjrVerdict::Undecided`])
//! rather than guess.

use std::collections::HashMap;

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::AnalysisError;
use super::voter_sat::{ballots_per_project, winner_mask};
use crate::model::{Election, Money};
use crate::satisfaction::Sat;

/// Units of work (bitset words combined plus ballots inspected) after which the search gives
/// up: a few seconds on one core at worst.
pub const DEFAULT_WORK_LIMIT: u64 = 2_000_000_000;

/// The answer to "does the outcome satisfy EJR up to one project?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EjrVerdict {
    /// Every cohesive group has a voter satisfied up to one project. `sets_examined` project
    /// sets were large enough to be checked.
    Holds { sets_examined: u64 },
    /// A cohesive group none of whose voters is satisfied up to one project.
    Violated(EjrWitness),
    /// The search hit its work limit before deciding; nothing is claimed.
    Undecided { sets_examined: u64, work: u64 },
    /// EJR up to one is defined here for approval (and choose-1) ballots with the cost,
    /// cardinality or effort measure only.
    NotApplicable { reason: String },
}

impl EjrVerdict {
    /// `Some(true)` when it holds, `Some(false)` when violated, `None` otherwise.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            EjrVerdict::Holds { .. } => Some(true),
            EjrVerdict::Violated(_) => Some(false),
            EjrVerdict::Undecided { .. } | EjrVerdict::NotApplicable { .. } => None,
        }
    }

    /// A short word for tables and JSON: `holds`, `violated`, `undecided`, `n/a`.
    pub fn label(&self) -> &'static str {
        match self {
            EjrVerdict::Holds { .. } => "holds",
            EjrVerdict::Violated(_) => "violated",
            EjrVerdict::Undecided { .. } => "undecided",
            EjrVerdict::NotApplicable { .. } => "n/a",
        }
    }
}

/// A cohesive group that the outcome under-represents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EjrWitness {
    /// The project set T (indices into `instance.projects`, ascending).
    pub projects: Vec<usize>,
    /// The voters of the group (indices in file order, ascending): all approve T, none is
    /// satisfied up to one project, and together they could pay for T.
    pub voters: Vec<usize>,
}

/// Decides whether `winners` satisfies EJR up to one project under `sat`, doing at most
/// `work_limit` units of work (see the module documentation for the method and its cost).
pub fn ejr_up_to_one(
    election: &Election,
    winners: &[usize],
    sat: Sat,
    work_limit: u64,
) -> Result<EjrVerdict, AnalysisError> {
    let vote_type = election.instance.vote_type;
    if !vote_type.is_approval_like() {
        return Ok(EjrVerdict::NotApplicable {
            reason: format!("EJR up to one is checked for approval ballots, not {vote_type}"),
        });
    }
    if !matches!(sat, Sat::Cost | Sat::Card | Sat::Effort) {
        return Ok(EjrVerdict::NotApplicable {
            reason: format!("satisfaction `{sat}` does not apply to approval ballots"),
        });
    }
    let m = election.instance.projects.len();
    let funded = winner_mask(m, winners)?;
    let search = Search::new(election, &funded, sat);
    Ok(search.run(work_limit))
}

/// Voters grouped by identical ballots, with everything the search needs precomputed.
struct Search<'a> {
    funded: &'a [bool],
    /// Per project: its cost and its satisfaction per approver.
    cost: Vec<Money>,
    unit: Vec<Money>,
    /// Per distinct ballot: how many voters cast it, their voter indices, and the rank of their
    /// satisfaction with W among the distinct satisfaction values.
    weight: Vec<u64>,
    members: Vec<Vec<usize>>,
    sat_rank: Vec<usize>,
    /// Distinct satisfaction values, ascending.
    sat_values: Vec<Money>,
    /// Per project, the bitset of distinct ballots approving it.
    approvers: Vec<Vec<u64>>,
    /// Projects with at least one approver, in index order: the search alphabet.
    alphabet: Vec<usize>,
    budget: Money,
    n: Money,
    words: usize,
}

struct Node {
    /// The projects of T in search order.
    projects: Vec<usize>,
    cost: Money,
    /// u(T∩W), u(T∖W) and max u over T∖W (None while T∖W is empty).
    funded_u: Money,
    unfunded_u: Money,
    unfunded_max: Option<Money>,
}

struct Walk {
    work: u64,
    limit: u64,
    sets: u64,
    found: Option<EjrWitness>,
    gave_up: bool,
}

impl<'a> Search<'a> {
    fn new(election: &Election, funded: &'a [bool], sat: Sat) -> Search<'a> {
        let projects = &election.instance.projects;
        let m = projects.len();
        let cost: Vec<Money> = projects.iter().map(|p| p.cost.clone()).collect();
        let unit: Vec<Money> = match sat {
            Sat::Card => vec![Money::from_integer(BigInt::from(1)); m],
            Sat::Effort => {
                let counts = ballots_per_project(election);
                cost.iter()
                    .zip(&counts)
                    .map(|(c, &k)| {
                        if k == 0 {
                            Money::zero()
                        } else {
                            c / Money::from_integer(BigInt::from(k))
                        }
                    })
                    .collect()
            }
            // Points and Borda never get here (not applicable to approval ballots).
            Sat::Cost | Sat::Points | Sat::Borda => cost.clone(),
        };

        let mut class_of: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut weight: Vec<u64> = Vec::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut ballots: Vec<Vec<u32>> = Vec::new();
        for voter in election.profile.voters() {
            let mut key: Vec<u32> = voter
                .projects()
                .iter()
                .copied()
                .filter(|&p| (p as usize) < m)
                .collect();
            key.sort_unstable();
            key.dedup();
            if key.is_empty() {
                // An empty ballot approves no set: it only counts in n.
                continue;
            }
            let next = weight.len();
            let class = *class_of.entry(key.clone()).or_insert(next);
            if class == next {
                weight.push(0);
                members.push(Vec::new());
                ballots.push(key);
            }
            if let (Some(w), Some(list)) = (weight.get_mut(class), members.get_mut(class)) {
                *w += 1;
                list.push(voter.index());
            }
        }

        let classes = weight.len();
        let words = classes.div_ceil(64);
        let mut approvers = vec![vec![0u64; words]; m];
        let mut sats: Vec<Money> = Vec::with_capacity(classes);
        for (c, ballot) in ballots.iter().enumerate() {
            let mut s = Money::zero();
            for &p in ballot {
                let p = p as usize;
                if let Some(bits) = approvers.get_mut(p)
                    && let Some(word) = bits.get_mut(c / 64)
                {
                    *word |= 1u64 << (c % 64);
                }
                if funded.get(p).copied().unwrap_or(false)
                    && let Some(u) = unit.get(p)
                {
                    s += u;
                }
            }
            sats.push(s);
        }
        let mut sat_values = sats.clone();
        sat_values.sort();
        sat_values.dedup();
        let sat_rank = sats
            .iter()
            .map(|s| sat_values.partition_point(|v| v < s))
            .collect();
        let alphabet = (0..m)
            .filter(|&p| approvers.get(p).is_some_and(|b| b.iter().any(|&w| w != 0)))
            .collect();

        Search {
            funded,
            cost,
            unit,
            weight,
            members,
            sat_rank,
            sat_values,
            approvers,
            alphabet,
            budget: election.instance.budget.clone(),
            n: Money::from_integer(BigInt::from(election.profile.len())),
            words,
        }
    }

    fn run(&self, limit: u64) -> EjrVerdict {
        let mut walk = Walk {
            work: 0,
            limit,
            sets: 0,
            found: None,
            gave_up: false,
        };
        let root = Node {
            projects: Vec::new(),
            cost: Money::zero(),
            funded_u: Money::zero(),
            unfunded_u: Money::zero(),
            unfunded_max: None,
        };
        let all = vec![u64::MAX; self.words];
        self.extend(&root, &all, 0, &mut walk);
        match (walk.found, walk.gave_up) {
            (Some(witness), _) => EjrVerdict::Violated(witness),
            (None, true) => EjrVerdict::Undecided {
                sets_examined: walk.sets,
                work: walk.work,
            },
            (None, false) => EjrVerdict::Holds {
                sets_examined: walk.sets,
            },
        }
    }

    /// Tries every extension of `node` by a project at or after `from` in the alphabet.
    fn extend(&self, node: &Node, bits: &[u64], from: usize, walk: &mut Walk) {
        for (offset, &q) in self.alphabet.get(from..).unwrap_or(&[]).iter().enumerate() {
            if walk.found.is_some() || walk.gave_up {
                return;
            }
            let (Some(q_bits), Some(q_cost), Some(q_u)) =
                (self.approvers.get(q), self.cost.get(q), self.unit.get(q))
            else {
                continue;
            };
            let child_bits: Vec<u64> = bits.iter().zip(q_bits).map(|(a, b)| a & b).collect();
            let (total, ones) = self.weigh(&child_bits, None);
            walk.work += (self.words as u64) + ones;
            if walk.work > walk.limit {
                walk.gave_up = true;
                return;
            }
            let cost = &node.cost + q_cost;
            // Fact 2: no group inside these approvers can pay for the set, nor for any superset.
            if total == 0 || !self.can_afford(total, &cost) {
                continue;
            }
            walk.sets += 1;
            let mut projects = node.projects.clone();
            projects.push(q);
            let is_funded = self.funded.get(q).copied().unwrap_or(false);
            let child = if is_funded {
                Node {
                    projects,
                    cost,
                    funded_u: &node.funded_u + q_u,
                    unfunded_u: node.unfunded_u.clone(),
                    unfunded_max: node.unfunded_max.clone(),
                }
            } else {
                let max = match &node.unfunded_max {
                    Some(m) if m >= q_u => m.clone(),
                    _ => q_u.clone(),
                };
                Node {
                    projects,
                    cost,
                    funded_u: node.funded_u.clone(),
                    unfunded_u: &node.unfunded_u + q_u,
                    unfunded_max: Some(max),
                }
            };
            if let Some(max) = &child.unfunded_max {
                // Fact 1: the failing approvers are those whose satisfaction is below θ(T).
                let theta = &child.unfunded_u - max + &child.funded_u;
                let below = self.sat_values.partition_point(|v| v < &theta);
                let (failing, ones) = self.weigh(&child_bits, Some(below));
                walk.work += ones;
                if failing > 0 && self.can_afford(failing, &child.cost) {
                    walk.found = Some(self.witness(&child, &child_bits, below));
                    return;
                }
            }
            self.extend(&child, &child_bits, from + offset + 1, walk);
        }
    }

    /// Total weight of the ballots in `bits` (only those with satisfaction rank below
    /// `below_rank` when given), and how many ballots were looked at.
    fn weigh(&self, bits: &[u64], below_rank: Option<usize>) -> (u64, u64) {
        let mut total = 0u64;
        let mut seen = 0u64;
        for (w, &word) in bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let c = w * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let Some(&weight) = self.weight.get(c) else {
                    continue;
                };
                seen += 1;
                let counts = match below_rank {
                    None => true,
                    Some(k) => self.sat_rank.get(c).is_some_and(|&r| r < k),
                };
                if counts {
                    total += weight;
                }
            }
        }
        (total, seen)
    }

    /// |S|·B ≥ n·cost(T).
    fn can_afford(&self, group: u64, cost: &Money) -> bool {
        if cost.is_negative() || cost.is_zero() {
            return true;
        }
        Money::from_integer(BigInt::from(group)) * &self.budget >= &self.n * cost
    }

    fn witness(&self, node: &Node, bits: &[u64], below_rank: usize) -> EjrWitness {
        let mut voters = Vec::new();
        for (w, &word) in bits.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                let c = w * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if self.sat_rank.get(c).is_some_and(|&r| r < below_rank)
                    && let Some(list) = self.members.get(c)
                {
                    voters.extend_from_slice(list);
                }
            }
        }
        voters.sort_unstable();
        let mut projects = node.projects.clone();
        projects.sort_unstable();
        EjrWitness { projects, voters }
    }
}
