//! The registry of actors (DOMAIN.md "Actors"): organisations and people taking part in the
//! city's governance, classified by sector (the quintuple helix), level and kind.

pub mod export;
pub mod fields;
pub mod import;
pub mod policy;
pub mod popolo;
pub mod relations;

pub use fields::{ActorKind, ActorName, Contact, Identifier, Level, Location, Sector, Website};
pub use relations::{Relation, RelationDraft, RelationInput, RelationKind};

use crate::FieldErrors;
use crate::ids::{ActorId, MunicipalityId};
use serde::Serialize;

pub const MAX_DESCRIPTION_CHARS: usize = 5000;

/// An actor form (or CSV row) as typed: every field is text, as people give it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorInput {
    pub name: String,
    pub sector: String,
    pub level: String,
    pub kind: String,
    pub description: String,
    pub website: String,
    pub contact: String,
    /// `scheme:value` pairs separated by `;` or new lines, e.g. `it_tax_code:97..; vat:IT..`.
    pub identifiers: String,
    pub latitude: String,
    pub longitude: String,
}

/// A validated actor, ready to be created or to replace an actor's fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorDraft {
    pub name: ActorName,
    pub sector: Sector,
    pub level: Level,
    pub kind: ActorKind,
    pub description: String,
    pub website: Option<Website>,
    pub contact: Option<Contact>,
    pub identifiers: Vec<Identifier>,
    pub location: Option<Location>,
}

impl ActorDraft {
    /// Validates every field of the input and reports all errors at once, keyed by the
    /// `ActorInput` field names (`latitude`/`longitude` for the location).
    pub fn parse(input: &ActorInput) -> Result<ActorDraft, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", ActorName::parse(&input.name));
        let sector = errors.check(
            "sector",
            fields::parse_required(
                &input.sector,
                "actor-sector-required",
                "actor-sector-unknown",
            ),
        );
        let level = errors.check(
            "level",
            fields::parse_required(&input.level, "actor-level-required", "actor-level-unknown"),
        );
        let kind = errors.check(
            "kind",
            fields::parse_required(&input.kind, "actor-kind-required", "actor-kind-unknown"),
        );
        let description = input.description.trim().to_owned();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            errors.add("description", "actor-description-too-long");
        }
        let website = errors.check("website", optional(&input.website, Website::parse));
        let contact = errors.check("contact", optional(&input.contact, Contact::parse));
        let identifiers = errors.check("identifiers", Identifier::parse_list(&input.identifiers));
        let location = parse_location(&input.latitude, &input.longitude, &mut errors);
        match (name, sector, level, kind, website, contact, identifiers) {
            (
                Some(name),
                Some(sector),
                Some(level),
                Some(kind),
                Some(website),
                Some(contact),
                Some(identifiers),
            ) if errors.is_empty() => Ok(ActorDraft {
                name,
                sector,
                level,
                kind,
                description,
                website,
                contact,
                identifiers,
                location,
            }),
            _ => Err(errors),
        }
    }

    /// The draft as form input again (to pre-fill an edit form).
    pub fn to_input(&self) -> ActorInput {
        ActorInput {
            name: self.name.as_str().to_owned(),
            sector: self.sector.as_str().to_owned(),
            level: self.level.as_str().to_owned(),
            kind: self.kind.as_str().to_owned(),
            description: self.description.clone(),
            website: self
                .website
                .as_ref()
                .map(|w| w.as_str().to_owned())
                .unwrap_or_default(),
            contact: self
                .contact
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            identifiers: Identifier::format_list(&self.identifiers),
            latitude: self
                .location
                .map(|l| l.lat().to_string())
                .unwrap_or_default(),
            longitude: self
                .location
                .map(|l| l.lon().to_string())
                .unwrap_or_default(),
        }
    }
}

fn optional<T>(
    s: &str,
    parse: fn(&str) -> Result<T, &'static str>,
) -> Result<Option<T>, &'static str> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse(s).map(Some)
    }
}

fn parse_location(lat: &str, lon: &str, errors: &mut FieldErrors) -> Option<Location> {
    let (lat, lon) = (lat.trim(), lon.trim());
    match (lat.is_empty(), lon.is_empty()) {
        (true, true) => None,
        (false, true) => {
            errors.add("longitude", "actor-location-incomplete");
            None
        }
        (true, false) => {
            errors.add("latitude", "actor-location-incomplete");
            None
        }
        (false, false) => {
            let la = lat
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && (-90.0..=90.0).contains(v));
            let lo = lon
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && (-180.0..=180.0).contains(v));
            if la.is_none() {
                errors.add("latitude", "actor-latitude-invalid");
            }
            if lo.is_none() {
                errors.add("longitude", "actor-longitude-invalid");
            }
            Location::parse(la?, lo?).ok()
        }
    }
}

/// An actor as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub id: ActorId,
    pub municipality: MunicipalityId,
    pub name: ActorName,
    pub sector: Sector,
    pub level: Level,
    pub kind: ActorKind,
    pub description: String,
    pub website: Option<Website>,
    pub contact: Option<Contact>,
    pub identifiers: Vec<Identifier>,
    pub location: Option<Location>,
    /// Unix µs when archived; archived actors stay readable but can no longer change.
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Actor {
    pub fn is_archived(&self) -> bool {
        self.archived_at.is_some()
    }

    /// The actor's editable fields.
    pub fn draft(&self) -> ActorDraft {
        ActorDraft {
            name: self.name.clone(),
            sector: self.sector,
            level: self.level,
            kind: self.kind,
            description: self.description.clone(),
            website: self.website.clone(),
            contact: self.contact.clone(),
            identifiers: self.identifiers.clone(),
            location: self.location,
        }
    }
}

/// Filters of the public list (pages and API alike).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorFilter {
    pub sector: Option<Sector>,
    pub level: Option<Level>,
    pub kind: Option<ActorKind>,
    /// Case-insensitive substring of the name or description.
    pub text: Option<String>,
    pub include_archived: bool,
}

impl ActorFilter {
    /// The free-text filter as a `LIKE` pattern on lower-cased text, with `%`, `_` and the
    /// escape character `\` escaped (the SQL uses `ESCAPE '\'`). `None` when empty.
    pub fn text_pattern(&self) -> Option<String> {
        let t = self.text.as_deref()?.trim();
        if t.is_empty() {
            return None;
        }
        let mut p = String::with_capacity(t.len() + 2);
        p.push('%');
        for c in t.to_lowercase().chars() {
            if matches!(c, '%' | '_' | '\\') {
                p.push('\\');
            }
            p.push(c);
        }
        p.push('%');
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> ActorInput {
        ActorInput {
            name: "Fondazione Torino Smart City".into(),
            sector: "public".into(),
            level: "local".into(),
            kind: "foundation".into(),
            description: "Per lo sviluppo sostenibile".into(),
            website: "https://www.torinosmartcity.it".into(),
            contact: "info@torinosmartcity.it".into(),
            identifiers: "it_tax_code:97718240016".into(),
            latitude: "45.0703".into(),
            longitude: "7.6869".into(),
        }
    }

    #[test]
    fn parses_a_complete_actor_and_round_trips_as_input() {
        let d = ActorDraft::parse(&valid()).unwrap();
        assert_eq!(d.sector, Sector::Public);
        assert_eq!(d.identifiers[0].scheme, "it_tax_code");
        assert_eq!(d.location.unwrap().lat(), 45.0703);
        assert_eq!(ActorDraft::parse(&d.to_input()).unwrap(), d);
    }

    #[test]
    fn reports_every_bad_field() {
        let input = ActorInput {
            name: "  ".into(),
            sector: "royal".into(),
            level: "".into(),
            kind: "guild".into(),
            website: "ftp://x".into(),
            identifiers: "novalue".into(),
            latitude: "95".into(),
            longitude: "7".into(),
            ..ActorInput::default()
        };
        let e = ActorDraft::parse(&input).unwrap_err();
        assert_eq!(e.get("name"), &["actor-name-required"]);
        assert_eq!(e.get("sector"), &["actor-sector-unknown"]);
        assert_eq!(e.get("level"), &["actor-level-required"]);
        assert_eq!(e.get("kind"), &["actor-kind-unknown"]);
        assert_eq!(e.get("website"), &["actor-website-invalid"]);
        assert_eq!(e.get("identifiers"), &["actor-identifier-invalid"]);
        assert_eq!(e.get("latitude"), &["actor-latitude-invalid"]);
        assert!(!e.has("longitude"));
    }

    #[test]
    fn location_needs_both_coordinates() {
        let e = ActorDraft::parse(&ActorInput {
            longitude: "".into(),
            ..valid()
        })
        .unwrap_err();
        assert_eq!(e.get("longitude"), &["actor-location-incomplete"]);
        let d = ActorDraft::parse(&ActorInput {
            latitude: "".into(),
            longitude: " ".into(),
            ..valid()
        })
        .unwrap();
        assert_eq!(d.location, None);
    }

    #[test]
    fn text_pattern_escapes_like_wildcards() {
        let f = ActorFilter {
            text: Some(" 100%_Città\\ ".into()),
            ..ActorFilter::default()
        };
        assert_eq!(f.text_pattern().as_deref(), Some("%100\\%\\_città\\\\%"));
        assert_eq!(
            ActorFilter {
                text: Some("  ".into()),
                ..ActorFilter::default()
            }
            .text_pattern(),
            None
        );
    }
}
