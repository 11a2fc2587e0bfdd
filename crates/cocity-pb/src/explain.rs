//! Why each project was or was not funded, in terms a citizen can check.
//!
//! Every [`Explanation`] carries the exact numbers behind the decision and renders as one
//! English sentence through `Display` (money in decimal form, rounded to cents for reading;
//! the fields stay exact).

use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

use crate::model::Money;

/// What the supporters of a project bought by Equal Shares paid for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentSummary {
    /// Voters who paid something (supporters whose money had run out pay nothing and are not
    /// counted).
    pub payers: u64,
    /// Supporters of the project (voters with positive utility), payers or not.
    pub supporters: u64,
    pub min: Money,
    pub max: Money,
    /// The sum of all payments: the project's cost.
    pub total: Money,
}

/// The reason behind a project's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Explanation {
    /// Greedy: funded at `step` (1-based) when it came up as number `rank` in the order by
    /// satisfaction per unit of cost.
    GreedySelected {
        rank: usize,
        step: usize,
        /// Total satisfaction / cost; `None` stands for "infinite" (a supported free project).
        density: Option<Money>,
        remaining_after: Money,
    },
    /// Greedy: its turn came (number `rank`) but it cost more than the money left.
    GreedySkipped {
        rank: usize,
        density: Option<Money>,
        cost: Money,
        remaining: Money,
    },
    /// Equal Shares: bought in `round` (1-based among the rounds of the returned run) at price
    /// factor ρ; each supporter paid min(its money, ρ·utility).
    MesSelected {
        round: usize,
        rho: Money,
        payments: PaymentSummary,
    },
    /// Equal Shares: supported and free, so funded before the first round.
    MesFreeSupported,
    /// Equal Shares: at the end, the money its supporters still held was not enough.
    MesUnaffordable {
        needed: Money,
        supporters_had: Money,
    },
    /// Equal Shares: nobody gets positive satisfaction from it (nobody voted for it, or the
    /// measure gives it zero, as cost does for a free project).
    MesNoSupport { cost_zero: bool },
    /// Utilitarian completion after Equal Shares: funded in greedy step `step` with the money
    /// Equal Shares left.
    CompletionSelected { step: usize, remaining_after: Money },
    /// Utilitarian completion: not funded by Equal Shares, then too dear for what was left.
    CompletionSkipped { cost: Money, remaining: Money },
    /// Phragmén: funded at `step` (1-based selection order) when its supporters' load reached
    /// `load` (`None`: nobody supported it, funded at the end because everything fit).
    PhragmenSelected { step: usize, load: Option<Money> },
    /// Phragmén: dearer than the whole budget, never a candidate.
    PhragmenOverBudget { cost: Money, budget: Money },
    /// Phragmén stopped before this project: at `step` the project with the smallest load,
    /// `blocker`, did not fit in the money left, and the rule stops there.
    PhragmenStopped {
        step: usize,
        blocker: String,
        blocker_cost: Money,
        remaining: Money,
        /// This project's load at that moment (`None`: no supporters).
        load: Option<Money>,
    },
}

impl Explanation {
    /// Whether the explanation describes a funded project.
    pub fn is_selected(&self) -> bool {
        matches!(
            self,
            Explanation::GreedySelected { .. }
                | Explanation::MesSelected { .. }
                | Explanation::MesFreeSupported
                | Explanation::CompletionSelected { .. }
                | Explanation::PhragmenSelected { .. }
        )
    }

    /// A short machine-readable tag (for JSON and tables).
    pub fn kind(&self) -> &'static str {
        match self {
            Explanation::GreedySelected { .. } => "greedy-selected",
            Explanation::GreedySkipped { .. } => "greedy-skipped",
            Explanation::MesSelected { .. } => "mes-selected",
            Explanation::MesFreeSupported => "mes-free",
            Explanation::MesUnaffordable { .. } => "mes-unaffordable",
            Explanation::MesNoSupport { .. } => "mes-no-support",
            Explanation::CompletionSelected { .. } => "completion-selected",
            Explanation::CompletionSkipped { .. } => "completion-skipped",
            Explanation::PhragmenSelected { .. } => "phragmen-selected",
            Explanation::PhragmenOverBudget { .. } => "phragmen-over-budget",
            Explanation::PhragmenStopped { .. } => "phragmen-stopped",
        }
    }
}

/// Renders exact money for reading: integers as they are, other values with two decimals.
pub fn fmt_money(m: &Money) -> String {
    if m.is_integer() {
        return m.to_integer().to_string();
    }
    // Round half away from zero to cents. The quotient and remainder of 100·n by d, with no
    // reduced fraction made: reducing a long amount costs more than printing it.
    let hundred = BigInt::from(100);
    let (q, r) = (m.numer() * &hundred).div_rem(m.denom());
    let twice = r.abs() * BigInt::from(2);
    let mut cents = q;
    if twice >= m.denom().abs() {
        if m.is_negative() {
            cents -= 1;
        } else {
            cents += 1;
        }
    }
    let neg = cents.is_negative();
    let cents = cents.abs();
    let (whole, frac) = cents.div_rem(&hundred);
    let sign = if neg && !(whole.is_zero() && frac.is_zero()) {
        "-"
    } else {
        ""
    };
    format!("{sign}{whole}.{frac:02}")
}

fn fmt_density(d: &Option<Money>) -> String {
    match d {
        Some(d) => fmt_money(d),
        None => "unbounded (free)".to_owned(),
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Explanation::GreedySelected {
                rank,
                step,
                density,
                remaining_after,
            } => write!(
                f,
                "selected in step {step} (rank {rank} by satisfaction per cost, {}); {} left after it",
                fmt_density(density),
                fmt_money(remaining_after)
            ),
            Explanation::GreedySkipped {
                rank,
                density,
                cost,
                remaining,
            } => write!(
                f,
                "skipped at rank {rank} (satisfaction per cost {}): cost {} > remaining {}",
                fmt_density(density),
                fmt_money(cost),
                fmt_money(remaining)
            ),
            Explanation::MesSelected {
                round,
                rho,
                payments,
            } => write!(
                f,
                "bought in round {round} at ρ = {}: {} of its {} supporters paid between {} and {} (total {})",
                fmt_money(rho),
                payments.payers,
                payments.supporters,
                fmt_money(&payments.min),
                fmt_money(&payments.max),
                fmt_money(&payments.total)
            ),
            Explanation::MesFreeSupported => {
                f.write_str("cost 0 and supported: funded before the first round")
            }
            Explanation::MesUnaffordable {
                needed,
                supporters_had,
            } => write!(
                f,
                "not funded: it needed {}, its supporters had {} left",
                fmt_money(needed),
                fmt_money(supporters_had)
            ),
            Explanation::MesNoSupport { cost_zero: true } => {
                f.write_str("not funded: cost 0, and it gives no satisfaction under this measure")
            }
            Explanation::MesNoSupport { cost_zero: false } => {
                f.write_str("not funded: not supported by anyone")
            }
            Explanation::CompletionSelected {
                step,
                remaining_after,
            } => write!(
                f,
                "selected by the utilitarian completion in step {step}; {} left after it",
                fmt_money(remaining_after)
            ),
            Explanation::CompletionSkipped { cost, remaining } => write!(
                f,
                "not funded by Equal Shares, then skipped by the completion: cost {} > remaining {}",
                fmt_money(cost),
                fmt_money(remaining)
            ),
            Explanation::PhragmenSelected { step, load } => match load {
                Some(l) => write!(f, "selected in step {step} at load {}", fmt_money(l)),
                None => write!(
                    f,
                    "selected in step {step} without supporters (everything left fit)"
                ),
            },
            Explanation::PhragmenOverBudget { cost, budget } => write!(
                f,
                "not funded: cost {} > budget {}",
                fmt_money(cost),
                fmt_money(budget)
            ),
            Explanation::PhragmenStopped {
                step,
                blocker,
                blocker_cost,
                remaining,
                load,
            } => {
                write!(
                    f,
                    "not funded: the rule stopped at step {step} because `{blocker}` (smallest load) cost {} > remaining {}",
                    fmt_money(blocker_cost),
                    fmt_money(remaining)
                )?;
                match load {
                    Some(l) => write!(f, "; this project's load was {}", fmt_money(l)),
                    None => f.write_str("; this project had no supporters"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numeric::money;

    #[test]
    fn money_is_rendered_for_reading() {
        assert_eq!(fmt_money(&money(5, 1)), "5");
        assert_eq!(fmt_money(&money(1, 3)), "0.33");
        assert_eq!(fmt_money(&money(2, 3)), "0.67");
        assert_eq!(fmt_money(&money(-5, 2)), "-2.50");
        assert_eq!(fmt_money(&money(300, 7)), "42.86");
        // Half a cent rounds away from zero; what rounds to nothing has no sign.
        assert_eq!(fmt_money(&money(1, 200)), "0.01");
        assert_eq!(fmt_money(&money(-1, 200)), "-0.01");
        assert_eq!(fmt_money(&money(-1, 300)), "0.00");
        assert_eq!(fmt_money(&Money::new_raw(6.into(), 4.into())), "1.50");
    }

    #[test]
    fn explanations_read_as_sentences() {
        let e = Explanation::MesUnaffordable {
            needed: money(700, 1),
            supporters_had: money(1300, 3),
        };
        assert_eq!(
            e.to_string(),
            "not funded: it needed 700, its supporters had 433.33 left"
        );
        assert!(!e.is_selected());
        let s = Explanation::GreedySkipped {
            rank: 3,
            density: Some(money(1, 1)),
            cost: money(3, 1),
            remaining: money(1, 1),
        };
        assert_eq!(
            s.to_string(),
            "skipped at rank 3 (satisfaction per cost 1): cost 3 > remaining 1"
        );
    }
}
