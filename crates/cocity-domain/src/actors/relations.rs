//! Relations between two actors of the same municipality, read as
//! "`from` is *kind* `to`": the smart-city unit `unit_of` the municipality,
//! Fondazione Torino Smart City `founded_by` the municipality.

use crate::FieldErrors;
use crate::ids::{ActorId, MunicipalityId, RelationId};
use crate::time::IsoDate;
use crate::vocabulary::vocabulary;
use serde::Serialize;

vocabulary!(
    /// How `from` relates to `to`.
    RelationKind, "relation kind", {
        UnitOf => "unit_of",
        MemberOf => "member_of",
        FoundedBy => "founded_by",
        FundedBy => "funded_by",
    }
);

/// A relation form as typed, from the page of actor `from`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationInput {
    /// The id of the other actor.
    pub other_actor: String,
    pub kind: String,
    pub start_date: String,
    pub end_date: String,
}

/// A validated relation: distinct actors, known kind, `end_date ≥ start_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelationDraft {
    pub from: ActorId,
    pub to: ActorId,
    pub kind: RelationKind,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
}

impl RelationDraft {
    /// Validates the form of a relation starting at `from` (fields `other_actor`, `kind`,
    /// `start_date`, `end_date`). That both actors exist in the same municipality is
    /// checked by the store.
    pub fn parse(from: ActorId, input: &RelationInput) -> Result<RelationDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let to = if input.other_actor.trim().is_empty() {
            errors.add("other_actor", "relation-actor-required");
            None
        } else {
            match input.other_actor.trim().parse::<i64>() {
                Ok(id) if id == from.0 => {
                    errors.add("other_actor", "relation-self");
                    None
                }
                Ok(id) if id > 0 => Some(ActorId(id)),
                _ => {
                    errors.add("other_actor", "relation-actor-invalid");
                    None
                }
            }
        };
        let kind = errors.check(
            "kind",
            super::fields::parse_required(
                &input.kind,
                "relation-kind-required",
                "relation-kind-unknown",
            ),
        );
        let start_date = errors
            .check("start_date", optional_date(&input.start_date))
            .flatten();
        let end_date = errors
            .check("end_date", optional_date(&input.end_date))
            .flatten();
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            errors.add("end_date", "relation-end-before-start");
        }
        match (to, kind) {
            (Some(to), Some(kind)) if errors.is_empty() => Ok(RelationDraft {
                from,
                to,
                kind,
                start_date,
                end_date,
            }),
            _ => Err(errors),
        }
    }
}

fn optional_date(s: &str) -> Result<Option<IsoDate>, &'static str> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        IsoDate::parse(s)
            .map(Some)
            .map_err(|_| "relation-date-invalid")
    }
}

/// A relation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relation {
    pub id: RelationId,
    pub municipality: MunicipalityId,
    pub from: ActorId,
    pub to: ActorId,
    pub kind: RelationKind,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
    pub created_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(other: &str, kind: &str, start: &str, end: &str) -> RelationInput {
        RelationInput {
            other_actor: other.into(),
            kind: kind.into(),
            start_date: start.into(),
            end_date: end.into(),
        }
    }

    #[test]
    fn parses_a_dated_relation() {
        let d =
            RelationDraft::parse(ActorId(1), &input("2", "founded_by", "2008-05-01", "")).unwrap();
        assert_eq!((d.to, d.kind), (ActorId(2), RelationKind::FoundedBy));
        assert_eq!(
            d.start_date.map(|d| d.to_string()).as_deref(),
            Some("2008-05-01")
        );
    }

    #[test]
    fn refuses_self_relations_unknown_kinds_and_reversed_dates() {
        let e = RelationDraft::parse(
            ActorId(1),
            &input("1", "friend_of", "2020-01-01", "2019-01-01"),
        )
        .unwrap_err();
        assert_eq!(e.get("other_actor"), &["relation-self"]);
        assert_eq!(e.get("kind"), &["relation-kind-unknown"]);
        assert_eq!(e.get("end_date"), &["relation-end-before-start"]);
        let e = RelationDraft::parse(ActorId(1), &input("x", "", "2020-02-30", "")).unwrap_err();
        assert_eq!(e.get("other_actor"), &["relation-actor-invalid"]);
        assert_eq!(e.get("kind"), &["relation-kind-required"]);
        assert_eq!(e.get("start_date"), &["relation-date-invalid"]);
    }
}
