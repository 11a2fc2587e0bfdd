//! The JSON shapes of the actors API, with their OpenAPI schemas. They are converted from
//! and to the domain types, so the API can stay stable while the domain evolves.

use cocity_domain::ActorId;
use cocity_domain::actors::{Actor, ActorInput, Identifier, Relation};
use cocity_domain::pagination::Paged;
use cocity_store::actors::ActorListItem;
use cocity_store::relations::{Direction, RelationView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// An identifier of an actor in a named scheme.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct IdentifierJson {
    /// Lower-case scheme, e.g. `it_tax_code`, `vat`.
    pub scheme: String,
    pub value: String,
}

/// A WGS84 point.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct LocationJson {
    /// Latitude in degrees, -90 to 90.
    pub lat: f64,
    /// Longitude in degrees, -180 to 180.
    pub lon: f64,
}

/// An actor of a municipality's registry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorJson {
    pub id: i64,
    pub name: String,
    /// `public`, `private`, `knowledge`, `third_sector` or `civic`.
    pub sector: String,
    /// `local`, `metropolitan`, `regional`, `national`, `european` or `international`.
    pub level: String,
    /// e.g. `municipal_unit`, `foundation`, `university`, `association`, `company`.
    pub kind: String,
    pub description: String,
    pub website: Option<String>,
    pub contact: Option<String>,
    pub identifiers: Vec<IdentifierJson>,
    pub location: Option<LocationJson>,
    /// Unix microseconds when archived; `null` while active.
    pub archived_at: Option<i64>,
    /// Unix microseconds.
    pub created_at: i64,
    /// Unix microseconds.
    pub updated_at: i64,
}

impl From<&Actor> for ActorJson {
    fn from(a: &Actor) -> Self {
        ActorJson {
            id: a.id.0,
            name: a.name.as_str().to_owned(),
            sector: a.sector.as_str().to_owned(),
            level: a.level.as_str().to_owned(),
            kind: a.kind.as_str().to_owned(),
            description: a.description.clone(),
            website: a.website.as_ref().map(|w| w.as_str().to_owned()),
            contact: a.contact.as_ref().map(|c| c.as_str().to_owned()),
            identifiers: a
                .identifiers
                .iter()
                .map(|i| IdentifierJson {
                    scheme: i.scheme.clone(),
                    value: i.value.clone(),
                })
                .collect(),
            location: a.location.map(|l| LocationJson {
                lat: l.lat(),
                lon: l.lon(),
            }),
            archived_at: a.archived_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An actor as a row of the list (the fields the list query reads).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorSummaryJson {
    pub id: i64,
    pub name: String,
    pub sector: String,
    pub level: String,
    pub kind: String,
    pub description: String,
    pub website: Option<String>,
    /// Unix microseconds when archived; `null` while active.
    pub archived_at: Option<i64>,
}

impl From<&ActorListItem> for ActorSummaryJson {
    fn from(a: &ActorListItem) -> Self {
        ActorSummaryJson {
            id: a.id.0,
            name: a.name.clone(),
            sector: a.sector.as_str().to_owned(),
            level: a.level.as_str().to_owned(),
            kind: a.kind.as_str().to_owned(),
            description: a.description.clone(),
            website: a.website.clone(),
            archived_at: a.archived_at,
        }
    }
}

/// One page of actors.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorPageJson {
    pub items: Vec<ActorSummaryJson>,
    /// Number of actors matching the filters, on all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub total_pages: u64,
}

impl From<&Paged<ActorListItem>> for ActorPageJson {
    fn from(p: &Paged<ActorListItem>) -> Self {
        ActorPageJson {
            items: p.items.iter().map(ActorSummaryJson::from).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
            total_pages: p.total_pages(),
        }
    }
}

/// The fields of an actor, for `POST` (create) and `PUT` (replace).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ActorWrite {
    pub name: String,
    pub sector: String,
    pub level: String,
    pub kind: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub identifiers: Vec<IdentifierJson>,
    #[serde(default)]
    pub location: Option<LocationJson>,
}

impl ActorWrite {
    pub fn to_input(&self) -> ActorInput {
        ActorInput {
            name: self.name.clone(),
            sector: self.sector.clone(),
            level: self.level.clone(),
            kind: self.kind.clone(),
            description: self.description.clone(),
            website: self.website.clone().unwrap_or_default(),
            contact: self.contact.clone().unwrap_or_default(),
            identifiers: identifiers_text(&self.identifiers),
            latitude: self.location.map(|l| l.lat.to_string()).unwrap_or_default(),
            longitude: self.location.map(|l| l.lon.to_string()).unwrap_or_default(),
        }
    }
}

/// Some fields of an actor, for `PATCH`: absent fields keep their value; `null` clears an
/// optional field.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ActorPatch {
    pub name: Option<String>,
    pub sector: Option<String>,
    pub level: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub website: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub contact: Option<Option<String>>,
    pub identifiers: Option<Vec<IdentifierJson>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<LocationJson>)]
    pub location: Option<Option<LocationJson>>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl ActorPatch {
    /// The actor's current fields with this patch applied, as input to validate.
    pub fn apply(&self, current: ActorInput) -> ActorInput {
        let mut input = current;
        if let Some(v) = &self.name {
            input.name = v.clone();
        }
        if let Some(v) = &self.sector {
            input.sector = v.clone();
        }
        if let Some(v) = &self.level {
            input.level = v.clone();
        }
        if let Some(v) = &self.kind {
            input.kind = v.clone();
        }
        if let Some(v) = &self.description {
            input.description = v.clone();
        }
        if let Some(v) = &self.website {
            input.website = v.clone().unwrap_or_default();
        }
        if let Some(v) = &self.contact {
            input.contact = v.clone().unwrap_or_default();
        }
        if let Some(v) = &self.identifiers {
            input.identifiers = identifiers_text(v);
        }
        if let Some(v) = &self.location {
            input.latitude = v.map(|l| l.lat.to_string()).unwrap_or_default();
            input.longitude = v.map(|l| l.lon.to_string()).unwrap_or_default();
        }
        input
    }
}

fn identifiers_text(ids: &[IdentifierJson]) -> String {
    // The domain parses `scheme:value` pairs; a value holding `;` or a newline would split,
    // so such identifiers are passed through unchanged and refused by the domain's checks.
    Identifier::format_list(
        &ids.iter()
            .map(|i| Identifier {
                scheme: i.scheme.clone(),
                value: i.value.clone(),
            })
            .collect::<Vec<_>>(),
    )
}

/// A relation between two actors: `from` *kind* `to` (e.g. `from` `unit_of` `to`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelationJson {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    /// `unit_of`, `member_of`, `founded_by` or `funded_by`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`, not before `start_date`.
    pub end_date: Option<String>,
    /// Unix microseconds.
    pub created_at: i64,
}

/// A relation as seen from one actor, with the other actor's name.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RelationViewJson {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    /// `unit_of`, `member_of`, `founded_by` or `funded_by` (read as `from` *kind* `to`).
    pub kind: String,
    /// The actor at the other end, seen from the actor asked for.
    pub other: i64,
    pub other_name: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

impl RelationViewJson {
    pub fn new(actor: ActorId, r: &RelationView) -> RelationViewJson {
        let (from, to) = match r.direction {
            Direction::Outgoing => (actor, r.other),
            Direction::Incoming => (r.other, actor),
        };
        RelationViewJson {
            id: r.id.0,
            from: from.0,
            to: to.0,
            kind: r.kind.as_str().to_owned(),
            other: r.other.0,
            other_name: r.other_name.clone(),
            start_date: r.start_date.map(|d| d.to_string()),
            end_date: r.end_date.map(|d| d.to_string()),
        }
    }
}

impl From<&Relation> for RelationJson {
    fn from(r: &Relation) -> Self {
        RelationJson {
            id: r.id.0,
            from: r.from.0,
            to: r.to.0,
            kind: r.kind.as_str().to_owned(),
            start_date: r.start_date.map(|d| d.to_string()),
            end_date: r.end_date.map(|d| d.to_string()),
            created_at: r.created_at,
        }
    }
}

/// A relation to add from the actor in the URL to `other_actor`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RelationWrite {
    /// Id of the other actor (same municipality).
    pub other_actor: i64,
    /// `unit_of`, `member_of`, `founded_by` or `funded_by`.
    pub kind: String,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub start_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub end_date: Option<String>,
}

/// An actor with its relations (both directions).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActorDetailJson {
    #[serde(flatten)]
    pub actor: ActorJson,
    pub relations: Vec<RelationViewJson>,
}

/// Filters and paging of the actor list (the same on the page and in the API).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActorListQuery {
    /// Case-insensitive text searched in the name and description.
    pub q: Option<String>,
    /// Sector (`public`, `private`, `knowledge`, `third_sector`, `civic`).
    pub sector: Option<String>,
    /// Level (`local`, `metropolitan`, `regional`, `national`, `european`, `international`).
    pub level: Option<String>,
    /// Kind (e.g. `foundation`, `university`).
    pub kind: Option<String>,
    /// `true` to include archived actors (off by default).
    pub include_archived: Option<String>,
    /// 1-based page number (default 1).
    pub page: Option<String>,
    /// Page size, 1 to 100 (default 20).
    pub per_page: Option<String>,
}
