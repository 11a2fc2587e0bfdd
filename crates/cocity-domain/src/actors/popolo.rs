//! Popolo export (<https://www.popoloproject.com/specs/>) of one municipality's registry.
//!
//! Mapping:
//! - each actor → an `Organization`: `id` = `actor-<id>`, `name`, `classification` = the
//!   actor's kind (`university`, `foundation`, ...), `identifiers` = `{scheme, identifier}`,
//!   `links` = the website (`note: "website"`), `contact_details` = the contact
//!   (`type: "email"` when it contains `@`, `"voice"` otherwise), `dissolution_date` = the
//!   archive date. Popolo has no sector or level, so they are kept as the extension
//!   properties `sector` and `level`; the location as `lat`/`lon` likewise.
//! - each relation → a `Membership` whose `organization_id` is the organisation that has
//!   the member and whose `member` is `{"@type": "Organization", "id": ...}` (Popolo allows an
//!   organisation as member), with `role` and `start_date`/`end_date`:
//!   `A member_of B` → organization B, member A, role `member`;
//!   `A unit_of B` → organization B, member A, role `unit`, and A's `parent_id` = B (the
//!   first such relation, since Popolo has a single parent);
//!   `A founded_by B` → organization A, member B, role `founder`;
//!   `A funded_by B` → organization A, member B, role `funder`.

use super::{Actor, Relation, RelationKind};
use crate::ids::ActorId;
use crate::time::format_us;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopoloDocument {
    pub organizations: Vec<Organization>,
    pub memberships: Vec<Membership>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub classification: &'static str,
    pub sector: &'static str,
    pub level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    pub identifiers: Vec<PopoloIdentifier>,
    pub links: Vec<Link>,
    pub contact_details: Vec<ContactDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dissolution_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PopoloIdentifier {
    pub scheme: String,
    pub identifier: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub url: String,
    pub note: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactDetail {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Membership {
    pub id: String,
    pub organization_id: String,
    pub member: MemberRef,
    pub role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberRef {
    #[serde(rename = "@type")]
    pub kind: &'static str,
    pub id: String,
}

/// The Popolo id of an actor.
pub fn organization_id(id: ActorId) -> String {
    format!("actor-{id}")
}

/// Builds the document. Relations whose actors are not in `actors` are left out, so that a
/// document never points at an organisation it does not hold.
pub fn document(actors: &[Actor], relations: &[Relation]) -> PopoloDocument {
    let present: std::collections::HashSet<ActorId> = actors.iter().map(|a| a.id).collect();
    let relations: Vec<&Relation> = relations
        .iter()
        .filter(|r| present.contains(&r.from) && present.contains(&r.to))
        .collect();
    let mut parents: HashMap<ActorId, ActorId> = HashMap::new();
    let mut unit_of: Vec<&&Relation> = relations
        .iter()
        .filter(|r| r.kind == RelationKind::UnitOf)
        .collect();
    unit_of.sort_by_key(|r| r.id);
    for r in unit_of {
        parents.entry(r.from).or_insert(r.to);
    }
    let organizations = actors
        .iter()
        .map(|a| Organization {
            id: organization_id(a.id),
            name: a.name.as_str().to_owned(),
            classification: a.kind.as_str(),
            sector: a.sector.as_str(),
            level: a.level.as_str(),
            description: (!a.description.is_empty()).then(|| a.description.clone()),
            parent_id: parents.get(&a.id).map(|p| organization_id(*p)),
            identifiers: a
                .identifiers
                .iter()
                .map(|i| PopoloIdentifier {
                    scheme: i.scheme.clone(),
                    identifier: i.value.clone(),
                })
                .collect(),
            links: a
                .website
                .iter()
                .map(|w| Link {
                    url: w.as_str().to_owned(),
                    note: "website",
                })
                .collect(),
            contact_details: a
                .contact
                .iter()
                .map(|c| ContactDetail {
                    kind: if c.is_email() { "email" } else { "voice" },
                    value: c.as_str().to_owned(),
                })
                .collect(),
            dissolution_date: a
                .archived_at
                .map(|t| format_us(t).chars().take(10).collect()),
            lat: a.location.map(|l| l.lat()),
            lon: a.location.map(|l| l.lon()),
        })
        .collect();
    let memberships = relations
        .iter()
        .map(|r| {
            let (organization, member, role) = match r.kind {
                RelationKind::MemberOf => (r.to, r.from, "member"),
                RelationKind::UnitOf => (r.to, r.from, "unit"),
                RelationKind::FoundedBy => (r.from, r.to, "founder"),
                RelationKind::FundedBy => (r.from, r.to, "funder"),
            };
            Membership {
                id: format!("relation-{}", r.id),
                organization_id: organization_id(organization),
                member: MemberRef {
                    kind: "Organization",
                    id: organization_id(member),
                },
                role,
                start_date: r.start_date.map(|d| d.to_string()),
                end_date: r.end_date.map(|d| d.to_string()),
            }
        })
        .collect();
    PopoloDocument {
        organizations,
        memberships,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{ActorDraft, ActorInput};
    use crate::ids::{MunicipalityId, RelationId};
    use crate::time::IsoDate;

    fn actor(id: i64, name: &str, kind: &str, contact: &str) -> Actor {
        let d = ActorDraft::parse(&ActorInput {
            name: name.into(),
            sector: "public".into(),
            level: "local".into(),
            kind: kind.into(),
            website: "https://www.comune.torino.it".into(),
            contact: contact.into(),
            identifiers: "it_tax_code:00514490010".into(),
            ..ActorInput::default()
        })
        .unwrap();
        Actor {
            id: ActorId(id),
            municipality: MunicipalityId(1),
            name: d.name,
            sector: d.sector,
            level: d.level,
            kind: d.kind,
            description: d.description,
            website: d.website,
            contact: d.contact,
            identifiers: d.identifiers,
            location: None,
            archived_at: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn relation(id: i64, from: i64, to: i64, kind: RelationKind) -> Relation {
        Relation {
            id: RelationId(id),
            municipality: MunicipalityId(1),
            from: ActorId(from),
            to: ActorId(to),
            kind,
            start_date: IsoDate::parse("2008-01-01").ok(),
            end_date: None,
            created_at: 0,
        }
    }

    #[test]
    fn maps_actors_and_relations() {
        let actors = vec![
            actor(1, "Città di Torino", "municipality", "+39 011 01123"),
            actor(
                2,
                "Smart City unit",
                "municipal_unit",
                "smartcity@comune.torino.it",
            ),
            actor(
                3,
                "Fondazione Torino Smart City",
                "foundation",
                "info@torinosmartcity.it",
            ),
        ];
        let relations = vec![
            relation(10, 2, 1, RelationKind::UnitOf),
            relation(11, 3, 1, RelationKind::FoundedBy),
            relation(12, 3, 99, RelationKind::FundedBy),
        ];
        let doc = document(&actors, &relations);
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["organizations"][1]["parent_id"], "actor-1");
        assert_eq!(
            json["organizations"][0]["contact_details"][0]["type"],
            "voice"
        );
        assert_eq!(
            json["organizations"][1]["contact_details"][0]["type"],
            "email"
        );
        assert_eq!(
            json["organizations"][0]["identifiers"][0]["scheme"],
            "it_tax_code"
        );
        assert_eq!(json["organizations"][0]["classification"], "municipality");
        assert_eq!(
            doc.memberships.len(),
            2,
            "the relation to an absent actor is left out"
        );
        assert_eq!(json["memberships"][1]["organization_id"], "actor-3");
        assert_eq!(json["memberships"][1]["member"]["id"], "actor-1");
        assert_eq!(json["memberships"][1]["member"]["@type"], "Organization");
        assert_eq!(json["memberships"][1]["role"], "founder");
        assert_eq!(json["memberships"][0]["start_date"], "2008-01-01");
    }
}
