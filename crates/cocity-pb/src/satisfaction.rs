//! Satisfaction measures: how much a voter gains from a funded project.
//!
//! The measures are those of pabutools 1.2.3 (PB-SEMANTICS.md §2):
//!
//! | measure  | utility of project p for a voter naming it            | ballots          |
//! |----------|--------------------------------------------------------|------------------|
//! | `cost`   | cost(p)                                                | any (as a set)   |
//! | `card`   | 1                                                      | any (as a set)   |
//! | `effort` | cost(p) / number of ballots naming p                   | any (as a set)   |
//! | `points` | the points the voter gave p (may be 0 or negative)     | cumulative, scoring |
//! | `borda`  | len(ranking) − position − 1 (the last ranked scores 0) | ordinal          |
//!
//! All are additive: a voter's satisfaction with a set of projects is the sum over it.
//! [`SatProfile`] collapses voters with identical ballots into groups with a multiplicity,
//! which changes no outcome (pabutools' multiprofile gives the same winners) but makes the
//! rules proportional to the number of distinct ballots.

use std::str::FromStr;

use foldhash::{HashMap, HashMapExt};

use crate::model::{Election, Money, VoteType};
use crate::numeric::Q;

/// A satisfaction measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sat {
    Cost,
    Card,
    Effort,
    Points,
    Borda,
}

impl Sat {
    /// The spelling used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Sat::Cost => "cost",
            Sat::Card => "card",
            Sat::Effort => "effort",
            Sat::Points => "points",
            Sat::Borda => "borda",
        }
    }

    /// The measure used when none is asked for: cost for approval and choose-1, points for
    /// cumulative and scoring, Borda for ordinal ballots.
    pub fn default_for(vote_type: VoteType) -> Sat {
        match vote_type {
            VoteType::Approval | VoteType::Choose1 => Sat::Cost,
            VoteType::Cumulative | VoteType::Scoring => Sat::Points,
            VoteType::Ordinal => Sat::Borda,
        }
    }

    /// Whether the measure is defined for ballots of this type.
    pub fn applies_to(self, vote_type: VoteType) -> bool {
        match self {
            Sat::Cost | Sat::Card | Sat::Effort => true,
            Sat::Points => vote_type.has_points(),
            Sat::Borda => vote_type == VoteType::Ordinal,
        }
    }

    /// Whether every voter naming a project gets the same utility from it.
    pub fn is_uniform(self) -> bool {
        matches!(self, Sat::Cost | Sat::Card | Sat::Effort)
    }
}

impl std::fmt::Display for Sat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Sat {
    type Err = String;

    fn from_str(s: &str) -> Result<Sat, String> {
        match s {
            "cost" => Ok(Sat::Cost),
            "card" => Ok(Sat::Card),
            "effort" => Ok(Sat::Effort),
            "points" => Ok(Sat::Points),
            "borda" => Ok(Sat::Borda),
            other => Err(format!(
                "unknown satisfaction `{other}`: expected cost, card, effort, points or borda"
            )),
        }
    }
}

/// The voters of an election grouped by identical ballots, with every voter's utilities.
///
/// Group g's ballot is `items(g)`: (project index, utility id) pairs sorted by project, with
/// utilities looked up in [`SatProfile::util`]. Entries with utility ≤ 0 are kept (greedy sums
/// them; Equal Shares ignores them).
#[derive(Clone, Debug)]
pub struct SatProfile {
    pub sat: Sat,
    /// Number of voters, empty ballots included.
    pub n_voters: usize,
    /// The group of each voter, in file order.
    pub voter_group: Vec<u32>,
    /// How many voters each group stands for.
    pub mult: Vec<u64>,
    starts: Vec<u32>,
    items: Vec<(u32, u32)>,
    utils: Vec<Q>,
}

impl SatProfile {
    /// Groups the voters of `e` and computes their utilities under `sat`.
    ///
    /// The caller checks that `sat` applies to the vote type; here an inapplicable measure
    /// gives empty ballots rather than a panic.
    pub fn build(e: &Election, sat: Sat) -> SatProfile {
        let n_projects = e.instance.projects.len();
        let costs: Vec<Q> = e
            .instance
            .projects
            .iter()
            .map(|p| Q::from_money(&p.cost))
            .collect();
        let cardinal = e.instance.vote_type.has_points();
        let effort_count = if sat == Sat::Effort {
            let mut count = vec![0u64; n_projects];
            let mut seen = Vec::new();
            for v in e.profile.voters() {
                named_set(v.projects(), v.points(), cardinal, &mut seen);
                for &p in &seen {
                    if let Some(c) = count.get_mut(p as usize) {
                        *c += 1;
                    }
                }
            }
            count
        } else {
            Vec::new()
        };

        let mut util_ids: HashMap<Q, u32> = HashMap::new();
        let mut utils: Vec<Q> = Vec::new();
        let mut intern = |q: Q| -> u32 {
            if let Some(&id) = util_ids.get(&q) {
                return id;
            }
            let id = utils.len() as u32;
            utils.push(q.clone());
            util_ids.insert(q, id);
            id
        };

        let mut table = BallotTable::default();
        let mut sp = SatProfile {
            sat,
            n_voters: e.profile.len(),
            voter_group: Vec::with_capacity(e.profile.len()),
            mult: Vec::new(),
            starts: vec![0],
            items: Vec::new(),
            utils: Vec::new(),
        };
        let mut seen = Vec::new();
        let mut ballot: Vec<(u32, u32)> = Vec::new();
        // With cost, card and effort a project's utility is the same on every ballot: it is
        // interned once per project rather than hashed once per vote.
        let mut project_util: Vec<Option<u32>> = vec![None; n_projects];
        let utility_per_project = matches!(sat, Sat::Cost | Sat::Card | Sat::Effort);
        let mut empty_group: Option<u32> = None;
        let mut single_group: Vec<Option<u32>> = vec![None; n_projects];
        for v in e.profile.voters() {
            ballot.clear();
            let projects = v.projects();
            let points = v.points();
            match sat {
                Sat::Cost | Sat::Card | Sat::Effort => {
                    // A project listed twice has one utility: the sort below brings the copies
                    // together and the dedup after it keeps one, in linear time on long ballots.
                    let listed = if cardinal && points.len() != projects.len() {
                        &[][..]
                    } else {
                        projects
                    };
                    for &p in listed {
                        let Some(cost) = costs.get(p as usize) else {
                            continue;
                        };
                        if let Some(Some(id)) = project_util.get(p as usize) {
                            ballot.push((p, *id));
                            continue;
                        }
                        let u = match sat {
                            Sat::Cost => cost.clone(),
                            Sat::Card => Q::ONE,
                            _ => {
                                let c = effort_count.get(p as usize).copied().unwrap_or(0);
                                match Q::int(i128::from(c)) {
                                    d if d.is_zero() => Q::ZERO,
                                    d => cost.div(&d).unwrap_or(Q::ZERO),
                                }
                            }
                        };
                        let id = intern(u);
                        if let Some(slot) = project_util.get_mut(p as usize) {
                            *slot = Some(id);
                        }
                        ballot.push((p, id));
                    }
                }
                Sat::Points => {
                    // A cardinal ballot is a dict: a repeated project keeps its place of first
                    // mention and the value of its last.
                    if points.len() == projects.len() {
                        for (&p, pts) in projects.iter().zip(points) {
                            if (p as usize) >= n_projects {
                                continue;
                            }
                            let u = Q::ratio(i128::from(*pts.numer()), i128::from(*pts.denom()))
                                .unwrap_or(Q::ZERO);
                            let id = intern(u);
                            match ballot.iter_mut().find(|(q, _)| *q == p) {
                                Some(entry) => entry.1 = id,
                                None => ballot.push((p, id)),
                            }
                        }
                    }
                }
                Sat::Borda => {
                    // A ranking keeps the first position of a repeated project.
                    named_set(projects, &[], false, &mut seen);
                    let len = seen.len();
                    for (pos, &p) in seen.iter().enumerate() {
                        if (p as usize) >= n_projects {
                            continue;
                        }
                        let score = (len - pos - 1) as i128;
                        ballot.push((p, intern(Q::int(score))));
                    }
                }
            }
            ballot.sort_unstable();
            // Cost, card and effort ballots may list a project twice (one utility each time);
            // points and Borda ballots are built without repeats.
            ballot.dedup_by_key(|(p, _)| *p);
            // Ballots of at most one project (all of them on choose-1 files) are found by
            // index, not by hashing; the same ballot always takes the same path.
            // Points and Borda give a utility per ballot, not per project: those are hashed.
            let slot = match ballot.as_slice() {
                [] => Some(&mut empty_group),
                &[(p, _)] if utility_per_project => single_group.get_mut(p as usize),
                _ => None,
            };
            let hash = slot.is_none().then(|| table.hash(&ballot));
            let known = match (&slot, hash) {
                (Some(slot), _) => **slot,
                (None, Some(h)) => table.find(h, &ballot, &sp),
                (None, None) => None,
            };
            let g = match known {
                Some(g) => g,
                None => {
                    let g = sp.mult.len() as u32;
                    sp.mult.push(0);
                    sp.items.extend_from_slice(&ballot);
                    sp.starts.push(sp.items.len() as u32);
                    table.add(g, hash);
                    if let Some(slot) = slot {
                        *slot = Some(g);
                    }
                    g
                }
            };
            if let Some(m) = sp.mult.get_mut(g as usize) {
                *m += 1;
            }
            sp.voter_group.push(g);
        }
        sp.utils = utils;
        sp
    }

    /// Number of distinct ballots.
    pub fn n_groups(&self) -> usize {
        self.mult.len()
    }

    /// The (project, utility id) pairs of group `g`, sorted by project.
    pub fn items(&self, g: usize) -> &[(u32, u32)] {
        let a = self.starts.get(g).copied().unwrap_or(0) as usize;
        let b = self.starts.get(g + 1).copied().unwrap_or(0) as usize;
        self.items.get(a..b).unwrap_or(&[])
    }

    /// How many distinct utilities there are (ids are 0 to this, exclusive).
    pub fn n_utils(&self) -> usize {
        self.utils.len()
    }

    /// Per project, Σ multiplicity · utility over the groups, counting only positive utilities
    /// when `positive_only`.
    ///
    /// The voters behind each (project, utility) are counted first, so that each total is a few
    /// products rather than one rational addition per vote; a file with so many distinct
    /// utilities that this table would be large (a crafted file of point votes) is summed vote by
    /// vote instead.
    pub fn utility_totals(&self, n_projects: usize, positive_only: bool) -> Vec<Q> {
        const MAX_CELLS: usize = 1 << 20;
        let counts = |u: &Q| !positive_only || u.is_positive();
        let mut total = vec![Q::ZERO; n_projects];
        let nu = self.n_utils();
        let Some(cells) = nu.checked_mul(n_projects).filter(|&c| c <= MAX_CELLS) else {
            for g in 0..self.n_groups() {
                let m = self.mult.get(g).copied().unwrap_or(0);
                for &(p, u) in self.items(g) {
                    let u = self.util(u);
                    if counts(u)
                        && let Some(t) = total.get_mut(p as usize)
                    {
                        *t = t.add(&u.mul_int(m));
                    }
                }
            }
            return total;
        };
        let mut w = vec![0u64; cells];
        for g in 0..self.n_groups() {
            let m = self.mult.get(g).copied().unwrap_or(0);
            for &(p, u) in self.items(g) {
                if let Some(c) = w.get_mut(p as usize * nu + u as usize) {
                    *c += m;
                }
            }
        }
        for (p, t) in total.iter_mut().enumerate() {
            for u in 0..nu {
                let m = w.get(p * nu + u).copied().unwrap_or(0);
                let util = self.util(u as u32);
                if m > 0 && counts(util) {
                    *t = t.add(&util.mul_int(m));
                }
            }
        }
        total
    }

    /// The utility with this id.
    pub fn util(&self, id: u32) -> &Q {
        self.utils.get(id as usize).unwrap_or(&Q::ZERO)
    }

    /// Every group's satisfaction with the set `selected` (a mask over projects).
    pub fn group_satisfaction(&self, selected: &[bool]) -> Vec<Q> {
        (0..self.n_groups())
            .map(|g| {
                self.items(g)
                    .iter()
                    .filter(|(p, _)| selected.get(*p as usize).copied().unwrap_or(false))
                    .fold(Q::ZERO, |acc, (_, u)| acc.add(self.util(*u)))
            })
            .collect()
    }

    /// Every voter's satisfaction with the set `selected`, kept once per group.
    pub fn voter_satisfaction(&self, selected: &[bool]) -> VoterSatisfaction {
        VoterSatisfaction {
            values: self
                .group_satisfaction(selected)
                .iter()
                .map(Q::to_big)
                .collect(),
            counts: self.mult.clone(),
            of_voter: self.voter_group.clone(),
        }
    }
}

/// Every voter's satisfaction with an outcome, in file order.
///
/// Voters with the same ballot have the same satisfaction, so it is kept once per distinct
/// ballot: a file of 100,000 voters and 220 distinct ballots holds 220 exact fractions, and the
/// mean and the count of satisfied voters take one step per distinct ballot.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct VoterSatisfaction {
    values: Vec<Money>,
    /// How many voters share each value's ballot.
    counts: Vec<u64>,
    /// The index into `values` of each voter, in file order.
    of_voter: Vec<u32>,
}

impl VoterSatisfaction {
    /// Number of voters.
    pub fn len(&self) -> usize {
        self.of_voter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.of_voter.is_empty()
    }

    /// The satisfaction of voter `voter` (file order), if there is such a voter.
    pub fn get(&self, voter: usize) -> Option<&Money> {
        self.of_voter
            .get(voter)
            .and_then(|&k| self.values.get(k as usize))
    }

    /// Every voter's satisfaction, in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Money> + '_ {
        // Every index comes from the same grouping as `values`; the fallback is never used.
        static ZERO: std::sync::OnceLock<Money> = std::sync::OnceLock::new();
        let zero = ZERO.get_or_init(Money::default);
        self.of_voter
            .iter()
            .map(move |&k| self.values.get(k as usize).unwrap_or(zero))
    }

    /// The mean satisfaction; 0 when there are no voters (as pabutools' `mean_generator`).
    pub fn mean(&self) -> Money {
        if self.of_voter.is_empty() {
            return Money::default();
        }
        let terms = self.values.iter().zip(self.counts.iter().copied());
        crate::analysis::exact::weighted_sum(terms) / num_bigint::BigInt::from(self.of_voter.len())
    }

    /// How many voters have a positive satisfaction.
    pub fn satisfied(&self) -> usize {
        let positive: u64 = self
            .values
            .iter()
            .zip(&self.counts)
            .filter(|(v, _)| num_traits::Signed::is_positive(*v))
            .map(|(_, &c)| c)
            .sum();
        usize::try_from(positive).unwrap_or(usize::MAX)
    }

    /// Every voter's satisfaction as a list, in file order.
    pub fn to_vec(&self) -> Vec<Money> {
        self.iter().cloned().collect()
    }
}

/// The distinct ballots met so far, by hash: each hash leads to the groups with it, which are
/// compared with the ballot in full. A group's ballot is kept once, in the profile's items.
///
/// foldhash, randomly seeded: a fifth of SipHash's cost on 100,000 ballots, and still no fixed
/// function for a crafted file to collide (and a collision costs a comparison, never a wrong
/// group).
#[derive(Default)]
struct BallotTable {
    seed: foldhash::fast::RandomState,
    /// Hash → the latest group with it.
    latest: HashMap<u64, u32>,
    /// Per group, the group before it with the same hash (`u32::MAX`: none); groups found by
    /// index and not by hash have none.
    earlier: Vec<u32>,
}

impl BallotTable {
    fn hash(&self, ballot: &[(u32, u32)]) -> u64 {
        use std::hash::BuildHasher;
        self.seed.hash_one(ballot)
    }

    fn find(&self, hash: u64, ballot: &[(u32, u32)], sp: &SatProfile) -> Option<u32> {
        let mut g = *self.latest.get(&hash)?;
        while g != u32::MAX {
            if sp.items(g as usize) == ballot {
                return Some(g);
            }
            g = self.earlier.get(g as usize).copied().unwrap_or(u32::MAX);
        }
        None
    }

    /// Records new group `g`, found by `hash` if it has one.
    fn add(&mut self, g: u32, hash: Option<u64>) {
        let earlier = match hash {
            Some(h) => self.latest.insert(h, g).unwrap_or(u32::MAX),
            None => u32::MAX,
        };
        self.earlier.push(earlier);
    }
}

/// The distinct projects a ballot names, in order of first mention. A cumulative or scoring
/// ballot without points is empty, as pabutools reads it.
fn named_set(
    projects: &[u32],
    points: &[crate::model::Points],
    cardinal: bool,
    out: &mut Vec<u32>,
) {
    out.clear();
    if cardinal && points.len() != projects.len() {
        return;
    }
    for &p in projects {
        if !out.contains(&p) {
            out.push(p);
        }
    }
}

/// Every voter's satisfaction under `sat` with the projects in `selected` (project indices).
///
/// This is the per-voter figure behind statements such as "82% of voters have at least one
/// funded project"; the measure must apply to the election's vote type.
pub fn voter_satisfaction(e: &Election, sat: Sat, selected: &[usize]) -> Vec<Money> {
    let mut mask = vec![false; e.instance.projects.len()];
    for &p in selected {
        if let Some(m) = mask.get_mut(p) {
            *m = true;
        }
    }
    SatProfile::build(e, sat).voter_satisfaction(&mask).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utility_totals_add_each_projects_utility_over_its_voters() {
        let text = "META\nkey;value\nnum_projects;3\nnum_votes;4\nbudget;10\nvote_type;approval\n\
                    PROJECTS\nproject_id;cost\na;4\nb;4\nc;6\n\
                    VOTES\nvoter_id;vote\n1;a,c\n2;a,c\n3;b\n4;a\n";
        let Ok(e) = crate::pabulib::read_str(text) else {
            panic!("the test election does not parse");
        };
        let sp = SatProfile::build(&e, Sat::Cost);
        let totals: Vec<String> = sp
            .utility_totals(3, true)
            .iter()
            .map(|q| q.to_string())
            .collect();
        assert_eq!(totals, ["12", "4", "12"]);
        let card = SatProfile::build(&e, Sat::Card);
        let totals: Vec<String> = card
            .utility_totals(3, false)
            .iter()
            .map(|q| q.to_string())
            .collect();
        assert_eq!(totals, ["3", "1", "2"]);
    }

    #[test]
    fn ballots_with_the_same_hash_stay_apart() {
        let sp = SatProfile {
            sat: Sat::Cost,
            n_voters: 0,
            voter_group: vec![],
            mult: vec![1, 1, 1],
            starts: vec![0, 1, 3, 4],
            items: vec![(0, 0), (0, 0), (1, 0), (2, 0)],
            utils: vec![Q::ONE],
        };
        let mut table = BallotTable::default();
        // Groups 0 and 2 collide on purpose; group 1 was found by index and has no hash.
        table.add(0, Some(7));
        table.add(1, None);
        table.add(2, Some(7));
        assert_eq!(table.find(7, &[(0, 0)], &sp), Some(0));
        assert_eq!(table.find(7, &[(2, 0)], &sp), Some(2));
        assert_eq!(table.find(7, &[(0, 0), (1, 0)], &sp), None);
        assert_eq!(table.find(8, &[(0, 0)], &sp), None);
        assert_eq!(table.hash(&[(0, 0)]), table.hash(&[(0, 0)]));
    }

    #[test]
    fn voter_satisfaction_is_per_voter_though_kept_per_ballot() {
        let text = "META\nkey;value\nbudget;10\nvote_type;approval\n\
                    PROJECTS\nproject_id;cost\na;4\nb;4\nc;6\n\
                    VOTES\nvoter_id;vote\n1;a,c\n2;b\n3;c,a\n4;b\n5;\n";
        let Ok(e) = crate::pabulib::read_str(text) else {
            panic!("the test election does not parse");
        };
        let sat = SatProfile::build(&e, Sat::Cost).voter_satisfaction(&[true, false, true]);
        let m = |n: i64| Money::from_integer(n.into());
        assert_eq!(sat.to_vec(), [m(10), m(0), m(10), m(0), m(0)]);
        assert_eq!((sat.len(), sat.get(2), sat.get(5)), (5, Some(&m(10)), None));
        assert_eq!(sat.satisfied(), 2);
        assert_eq!(sat.mean(), m(4));
        assert_eq!(VoterSatisfaction::default().mean(), m(0));
    }

    #[test]
    fn ballots_group_by_content_whatever_their_length() {
        // Empty and one-project ballots are grouped by index, longer ones by hashing; a
        // duplicate inside a ballot collapses it to one project.
        let text = "META\nkey;value\nbudget;10\nvote_type;approval\n\
                    PROJECTS\nproject_id;cost\na;4\nb;4\nc;6\n\
                    VOTES\nvoter_id;vote\n1;b\n2;\n3;a,c\n4;b,b\n5;c,a\n6;\n7;a\n8;b\n";
        let Ok(e) = crate::pabulib::read_str(text) else {
            panic!("the test election does not parse");
        };
        for sat in [Sat::Cost, Sat::Card, Sat::Effort] {
            let sp = SatProfile::build(&e, sat);
            assert_eq!(sp.voter_group, [0, 1, 2, 0, 2, 1, 3, 0], "{sat:?}");
            assert_eq!(sp.mult, [3, 2, 2, 1]);
            let projects = |g: usize| -> Vec<u32> { sp.items(g).iter().map(|i| i.0).collect() };
            assert_eq!(projects(0), [1]);
            assert!(projects(1).is_empty());
            assert_eq!(projects(2), [0, 2]);
            assert_eq!(projects(3), [0]);
        }
    }
}
