//! JSON shapes shared by the commands. Money and every exact figure are strings (an integer, a
//! finite decimal, or `"p/q"`), so that nothing is rounded; a few `*_percent` fields add a
//! float for reading.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use cocity_pb::Money;
use cocity_pb::analysis::{EjrVerdict, approx, exact_decimal};
use cocity_pb::rules::Explanation;

/// An exact amount as a JSON string.
pub(crate) fn money(x: &Money) -> Value {
    Value::String(exact_decimal(x))
}

pub(crate) fn opt_money(x: Option<&Money>) -> Value {
    x.map_or(Value::Null, money)
}

/// A share (0..=1) as a percentage with one decimal, for reading only.
pub(crate) fn percent(x: &Money) -> Value {
    let p = (approx(x) * 1000.0).round() / 10.0;
    serde_json::Number::from_f64(p).map_or(Value::Null, Value::Number)
}

/// Writes `value` as one line of JSON on stdout.
pub(crate) fn print(value: &Value) -> io::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer(&mut out, value).map_err(io::Error::other)?;
    writeln!(out)?;
    out.flush()
}

/// An explanation as `{"kind", "text", ...its exact numbers}`.
pub(crate) fn explanation(e: &Explanation) -> Value {
    let mut fields = Map::new();
    fields.insert("kind".into(), Value::String(e.kind().into()));
    fields.insert("text".into(), Value::String(e.to_string()));
    let extra = match e {
        Explanation::GreedySelected {
            rank,
            step,
            density,
            remaining_after,
        } => json!({
            "rank": rank, "step": step, "density": opt_money(density.as_ref()),
            "remaining_after": money(remaining_after),
        }),
        Explanation::GreedySkipped {
            rank,
            density,
            cost,
            remaining,
        } => json!({
            "rank": rank, "density": opt_money(density.as_ref()), "cost": money(cost),
            "remaining": money(remaining),
        }),
        Explanation::MesSelected {
            round,
            rho,
            payments,
        } => json!({
            "round": round, "rho": money(rho),
            "payers": payments.payers, "supporters": payments.supporters,
            "min_payment": money(&payments.min), "max_payment": money(&payments.max),
            "total_paid": money(&payments.total),
        }),
        Explanation::MesFreeSupported => json!({}),
        Explanation::MesUnaffordable {
            needed,
            supporters_had,
        } => json!({ "needed": money(needed), "supporters_had": money(supporters_had) }),
        Explanation::MesNoSupport { cost_zero } => json!({ "cost_zero": cost_zero }),
        Explanation::CompletionSelected {
            step,
            remaining_after,
        } => json!({ "step": step, "remaining_after": money(remaining_after) }),
        Explanation::CompletionSkipped { cost, remaining } => {
            json!({ "cost": money(cost), "remaining": money(remaining) })
        }
        Explanation::PhragmenSelected { step, load } => {
            json!({ "step": step, "load": opt_money(load.as_ref()) })
        }
        Explanation::PhragmenOverBudget { cost, budget } => {
            json!({ "cost": money(cost), "budget": money(budget) })
        }
        Explanation::PhragmenStopped {
            step,
            blocker,
            blocker_cost,
            remaining,
            load,
        } => json!({
            "step": step, "blocker": blocker, "blocker_cost": money(blocker_cost),
            "remaining": money(remaining), "load": opt_money(load.as_ref()),
        }),
    };
    if let Value::Object(extra) = extra {
        fields.extend(extra);
    }
    Value::Object(fields)
}

/// An EJR verdict as `{"verdict", ...}` with the witness group's projects and size.
pub(crate) fn ejr(v: &EjrVerdict, project_ids: &dyn Fn(usize) -> String) -> Value {
    match v {
        EjrVerdict::Holds { sets_examined } => {
            json!({ "verdict": "holds", "sets_examined": sets_examined })
        }
        EjrVerdict::Violated(w) => json!({
            "verdict": "violated",
            "witness": {
                "projects": w.projects.iter().map(|&p| project_ids(p)).collect::<Vec<_>>(),
                "group_size": w.voters.len(),
            },
        }),
        EjrVerdict::Undecided {
            sets_examined,
            work,
        } => json!({ "verdict": "undecided", "sets_examined": sets_examined, "work": work }),
        EjrVerdict::NotApplicable { reason } => {
            json!({ "verdict": "not-applicable", "reason": reason })
        }
    }
}
