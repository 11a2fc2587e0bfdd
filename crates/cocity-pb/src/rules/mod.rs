//! The counting rules: greedy utilitarian welfare, the Method of Equal Shares (with its
//! completions) and sequential Phragmén.
//!
//! Every rule returns the same winners, in the same order, as pabutools 1.2.3 with its default
//! (lexicographic) tie-breaking; `PB-SEMANTICS.md` in the project's shared notes lists the
//! details this depends on. All decisions use exact rational arithmetic.
//!
//! ```
//! use cocity_pb::model::{Election, Instance, Profile, Project, VoteType};
//! use cocity_pb::rules::{count, CountSpec, Rule, Completion};
//! use num_rational::BigRational;
//!
//! let money = |n: i64| BigRational::from_integer(n.into());
//! let project = |id: &str, cost: i64| Project { id: id.into(), cost: money(cost), cells: vec![] };
//! let instance = Instance {
//!     meta: vec![],
//!     vote_type: VoteType::Approval,
//!     budget: money(5),
//!     project_columns: vec!["project_id".into(), "cost".into()],
//!     projects: vec![project("2", 2), project("10", 2), project("a", 3), project("z", 1)],
//! };
//! let mut profile = Profile::new(vec!["voter_id".into(), "vote".into()]);
//! profile.push(0, &["1"], &[0, 1], &[]).unwrap();
//! profile.push(0, &["2"], &[0, 1], &[]).unwrap();
//! profile.push(0, &["3"], &[2], &[]).unwrap();
//! let election = Election { instance, profile };
//!
//! let spec: CountSpec = CountSpec { rule: Rule::Greedy, sat: None, completion: Completion::None };
//! let outcome = count(&election, &spec, &mut |_| {}).unwrap();
//! let ids: Vec<&str> = outcome.winners.iter().map(|&p| election.instance.projects[p].id.as_str()).collect();
//! // Ties go to the smaller id compared as text ("10" < "2"); `a` does not fit, `z` does.
//! assert_eq!(ids, ["10", "2", "z"]);
//! assert_eq!(outcome.projects[2].explanation.to_string(),
//!            "skipped at rank 3 (satisfaction per cost 1): cost 3 > remaining 1");
//!
//! let mes = CountSpec { rule: Rule::Mes, sat: None, completion: Completion::Add1 };
//! let outcome = count(&election, &mes, &mut |_| {}).unwrap();
//! assert_eq!(outcome.winners, vec![1, 0]); // `10`, then `2`
//! ```

mod completion;
mod greedy;
mod mes;
mod phragmen;

use std::fmt;
use std::str::FromStr;

use num_traits::Zero;

pub use crate::explain::{Explanation, PaymentSummary};
use crate::model::{Election, Money, VoteType};
use crate::numeric::Q;
pub use crate::satisfaction::Sat;
use crate::satisfaction::SatProfile;
pub use crate::satisfaction::VoterSatisfaction;
use completion::Stepping;

/// A counting rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Greedy,
    Mes,
    Phragmen,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Greedy => "greedy",
            Rule::Mes => "mes",
            Rule::Phragmen => "phragmen",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rule {
    type Err = String;

    fn from_str(s: &str) -> Result<Rule, String> {
        match s {
            "greedy" => Ok(Rule::Greedy),
            "mes" => Ok(Rule::Mes),
            "phragmen" => Ok(Rule::Phragmen),
            other => Err(format!(
                "unknown rule `{other}`: expected greedy, mes or phragmen"
            )),
        }
    }
}

/// How Equal Shares spends the money its first run leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Completion {
    /// One run with the per-voter share B/n.
    None,
    /// pabutools' `voter_budget_increment=1`: the share starts at B/n and rises by 1 per run
    /// until the outcome leaves no Equal Shares candidate that would still fit; if a run costs
    /// more than B, the previous outcome is kept.
    Add1,
    /// [`Completion::Add1`], then greedy with the same satisfaction fills what is left
    /// (pabutools' `completion_by_rule_combination`).
    Add1Utilitarian,
    /// The `equalshares/add1` rule of Pabulib files (the Pabulib checker's semantics): first
    /// B/n, then integral shares floor(B/n)+1, +2, …, keeping the last outcome that fits, with
    /// no exhaustiveness stop. It also stops once every candidate is funded, since larger
    /// shares could not change the outcome any more (equalshares.net would loop forever).
    Add1Pabulib,
}

impl Completion {
    pub fn as_str(self) -> &'static str {
        match self {
            Completion::None => "none",
            Completion::Add1 => "add1",
            Completion::Add1Utilitarian => "add1-utilitarian",
            Completion::Add1Pabulib => "add1-pabulib",
        }
    }
}

impl fmt::Display for Completion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Completion {
    type Err = String;

    fn from_str(s: &str) -> Result<Completion, String> {
        match s {
            "none" => Ok(Completion::None),
            "add1" => Ok(Completion::Add1),
            "add1-utilitarian" => Ok(Completion::Add1Utilitarian),
            "add1-pabulib" => Ok(Completion::Add1Pabulib),
            other => Err(format!(
                "unknown completion `{other}`: expected none, add1, add1-utilitarian or add1-pabulib"
            )),
        }
    }
}

/// What to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountSpec {
    pub rule: Rule,
    /// `None`: the default for the vote type (cost; points; borda). Phragmén does not use a
    /// satisfaction; it is only used there for [`Outcome::voter_satisfaction`].
    pub sat: Option<Sat>,
    pub completion: Completion,
}

/// Progress of a long count, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What is being done, e.g. "setup" or "equal shares run".
    pub stage: &'static str,
    pub done: u64,
    /// `None` when the number of steps is not known in advance (the Add1 runs).
    pub total: Option<u64>,
}

/// Why a count could not be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountError {
    pub message: String,
}

impl CountError {
    fn new(message: impl Into<String>) -> CountError {
        CountError {
            message: message.into(),
        }
    }
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CountError {}

/// The result for one project of the instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectResult {
    /// Index into the instance's projects.
    pub index: usize,
    pub selected: bool,
    /// Voters who get positive satisfaction from the project under the outcome's measure.
    pub supporters: u64,
    pub explanation: Explanation,
}

/// The outcome of a count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub rule: Rule,
    /// The satisfaction measure actually used (the default resolved).
    pub sat: Sat,
    pub completion: Completion,
    pub budget: Money,
    pub total_cost: Money,
    /// Winning project indices, in pabutools' output order.
    pub winners: Vec<usize>,
    /// One per instance project, in instance order.
    pub projects: Vec<ProjectResult>,
    /// Every voter's satisfaction with the winners under [`Outcome::sat`], in file order.
    pub voter_satisfaction: VoterSatisfaction,
    /// Equal Shares: the per-voter share of the run whose outcome was returned.
    pub final_voter_budget: Option<Money>,
    /// Equal Shares: how many shares the completion went through (1 without completion), as
    /// many as pabutools runs.
    pub mes_runs: usize,
    /// Equal Shares: how many of those shares were actually run; the others could not change
    /// the outcome and were skipped.
    pub mes_runs_computed: usize,
    /// The bought projects of the returned Equal Shares run with their ρ, in order, for
    /// replaying payments on demand.
    mes_picks: Vec<(usize, Money)>,
}

impl Outcome {
    /// The money left: budget − total cost.
    pub fn leftover(&self) -> Money {
        &self.budget - &self.total_cost
    }

    /// How many voters have positive satisfaction with the outcome.
    pub fn voters_satisfied(&self) -> usize {
        self.voter_satisfaction.satisfied()
    }

    /// Equal Shares: what each voter paid for `project`, as (voter index, payment) for every
    /// supporter in file order (zero for supporters whose money had run out). `None` if the
    /// project was not bought in an Equal Shares round of this outcome, or `e` is not the
    /// election the outcome was counted on.
    pub fn payments(&self, e: &Election, project: usize) -> Option<Vec<(usize, Money)>> {
        let b0 = self.final_voter_budget.as_ref()?;
        if e.instance.projects.len() != self.projects.len()
            || e.profile.len() != self.voter_satisfaction.len()
        {
            return None;
        }
        let round = self.mes_picks.iter().position(|(p, _)| *p == project)?;
        let sp = SatProfile::build(e, self.sat);
        mes::replay_payments(&sp, &Q::from_money(b0), &self.mes_picks, round)
    }
}

/// Shared, read-only data of one count.
pub(crate) struct Ctx<'a> {
    pub e: &'a Election,
    pub sp: SatProfile,
    pub costs: Vec<Q>,
    pub budget: Q,
    /// Position of each project when sorted by id as text (ties by index).
    pub name_rank: Vec<u32>,
}

impl<'a> Ctx<'a> {
    fn new(e: &'a Election, sat: Sat) -> Ctx<'a> {
        let projects = &e.instance.projects;
        let mut by_name: Vec<usize> = (0..projects.len()).collect();
        by_name.sort_by(|&a, &b| {
            let ida = projects.get(a).map(|p| p.id.as_str()).unwrap_or("");
            let idb = projects.get(b).map(|p| p.id.as_str()).unwrap_or("");
            ida.cmp(idb).then(a.cmp(&b))
        });
        let mut name_rank = vec![0u32; projects.len()];
        for (rank, &p) in by_name.iter().enumerate() {
            if let Some(r) = name_rank.get_mut(p) {
                *r = rank as u32;
            }
        }
        Ctx {
            e,
            sp: SatProfile::build(e, sat),
            costs: projects.iter().map(|p| Q::from_money(&p.cost)).collect(),
            budget: Q::from_money(&e.instance.budget),
            name_rank,
        }
    }

    pub fn n_projects(&self) -> usize {
        self.costs.len()
    }

    pub fn cost(&self, p: usize) -> &Q {
        self.costs.get(p).unwrap_or(&Q::ZERO)
    }

    pub fn rank(&self, p: usize) -> u32 {
        self.name_rank.get(p).copied().unwrap_or(u32::MAX)
    }

    pub fn total_cost(&self, projects: &[usize]) -> Q {
        projects
            .iter()
            .fold(Q::ZERO, |acc, &p| acc.add(self.cost(p)))
    }

    /// Per project: Σ multiplicity · utility over all voters, and the number of voters with
    /// positive utility.
    pub fn totals(&self) -> (Vec<Q>, Vec<u64>) {
        let n = self.n_projects();
        let total = self.sp.utility_totals(n, false);
        let mut support = vec![0u64; n];
        for g in 0..self.sp.n_groups() {
            let m = self.sp.mult.get(g).copied().unwrap_or(0);
            for &(p, u) in self.sp.items(g) {
                let u = self.sp.util(u);
                if u.is_positive()
                    && let Some(s) = support.get_mut(p as usize)
                {
                    *s += m;
                }
            }
        }
        (total, support)
    }
}

/// Counts an election.
///
/// `progress` is called now and then during long counts (never for small ones' sake alone);
/// it must be cheap.
pub fn count(
    e: &Election,
    spec: &CountSpec,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, CountError> {
    count_with(e, spec, Stepping::Skip, progress)
}

/// [`count`], but the Add1 completions run Equal Shares for every share as pabutools does,
/// instead of skipping the shares that cannot change the outcome. The outcome is the same;
/// this exists so that tests can check that, and is much slower on large budgets.
#[doc(hidden)]
pub fn count_every_share(
    e: &Election,
    spec: &CountSpec,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, CountError> {
    count_with(e, spec, Stepping::EveryShare, progress)
}

fn count_with(
    e: &Election,
    spec: &CountSpec,
    stepping: Stepping,
    progress: &mut dyn FnMut(Progress),
) -> Result<Outcome, CountError> {
    let vote_type = e.instance.vote_type;
    let sat = spec.sat.unwrap_or_else(|| Sat::default_for(vote_type));
    if !sat.applies_to(vote_type) {
        let needs = match sat {
            Sat::Points => "cumulative or scoring",
            Sat::Borda => "ordinal",
            _ => "any",
        };
        return Err(CountError::new(format!(
            "satisfaction `{sat}` needs {needs} ballots; this file is {vote_type}"
        )));
    }
    if spec.rule != Rule::Mes && spec.completion != Completion::None {
        return Err(CountError::new(format!(
            "completion `{}` applies to the Method of Equal Shares only, not to {}",
            spec.completion, spec.rule
        )));
    }
    if spec.rule == Rule::Phragmen && !vote_type.is_approval_like() {
        return Err(CountError::new(format!(
            "Phragmén needs approval or choose-1 ballots; this file is {vote_type}"
        )));
    }
    if e.instance.budget < Money::zero() {
        return Err(CountError::new(format!(
            "the budget is negative ({})",
            e.instance.budget
        )));
    }
    if let Some(p) = e.instance.projects.iter().find(|p| p.cost < Money::zero()) {
        return Err(CountError::new(format!(
            "project `{}` has a negative cost ({})",
            p.id, p.cost
        )));
    }
    progress(Progress {
        stage: "setup",
        done: 0,
        total: None,
    });
    let ctx = Ctx::new(e, sat);
    let mut partial = match spec.rule {
        Rule::Greedy => greedy::count(&ctx),
        Rule::Mes => completion::count_mes(&ctx, spec.completion, stepping, progress),
        Rule::Phragmen => phragmen::count(&ctx),
    };
    let (_, support) = ctx.totals();
    for (r, s) in partial.projects.iter_mut().zip(support) {
        r.supporters = s;
    }
    let mut mask = vec![false; ctx.n_projects()];
    for &w in &partial.winners {
        if let Some(m) = mask.get_mut(w) {
            *m = true;
        }
    }
    for r in partial.projects.iter_mut() {
        r.selected = mask.get(r.index).copied().unwrap_or(false);
    }
    Ok(Outcome {
        rule: spec.rule,
        sat,
        completion: spec.completion,
        budget: e.instance.budget.clone(),
        total_cost: e.instance.total_cost(&partial.winners),
        voter_satisfaction: ctx.sp.voter_satisfaction(&mask),
        winners: partial.winners,
        projects: partial.projects,
        final_voter_budget: partial.final_voter_budget.map(|q| q.to_big()),
        mes_runs: partial.mes_runs,
        mes_runs_computed: partial.mes_runs_computed,
        mes_picks: partial
            .mes_picks
            .into_iter()
            .map(|(p, rho)| (p, rho.to_big()))
            .collect(),
    })
}

/// What a rule module hands back to [`count`].
pub(crate) struct Partial {
    pub winners: Vec<usize>,
    pub projects: Vec<ProjectResult>,
    pub final_voter_budget: Option<Q>,
    pub mes_runs: usize,
    pub mes_runs_computed: usize,
    pub mes_picks: Vec<(usize, Q)>,
}

impl Partial {
    pub fn new(winners: Vec<usize>, explanations: Vec<Explanation>) -> Partial {
        Partial {
            winners,
            projects: explanations
                .into_iter()
                .enumerate()
                .map(|(index, explanation)| ProjectResult {
                    index,
                    selected: false,
                    supporters: 0,
                    explanation,
                })
                .collect(),
            final_voter_budget: None,
            mes_runs: 0,
            mes_runs_computed: 0,
            mes_picks: Vec::new(),
        }
    }
}

/// Whether the vote type reads ballots as sets (for callers choosing a rule).
pub fn phragmen_applies(vote_type: VoteType) -> bool {
    vote_type.is_approval_like()
}
