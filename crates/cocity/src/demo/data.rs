//! The demo data set (`data/actors.json`): the real actors of Turin, Bologna and Milan as
//! the three seed documents name them, with the relations the documents state.
//!
//! The file is compiled into the binary and checked as a whole before anything is
//! written: every actor must pass the same validation as an actor typed into the web form,
//! every relation must join two actors of its municipality, and every actor and relation
//! must carry at least one source (document id, section, verbatim quote) so that a reviewer
//! can check it against `shared/seeds/`. The file's schema is documented in
//! `data/README.md`.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use cocity_domain::FieldErrors;
use cocity_domain::actors::{ActorDraft, ActorInput, RelationKind};
use cocity_domain::municipalities::{MunicipalityDraft, MunicipalityInput};
use cocity_domain::time::IsoDate;
use serde::Deserialize;

/// The data file's text, compiled in so that `cocity demo` needs nothing beside the binary.
const ACTORS_JSON: &str = include_str!("data/actors.json");

/// The `schema` value this loader reads; bump it when the file's shape changes.
pub const SCHEMA: &str = "cocity-demo-actors/1";

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    pub schema: String,
    /// Document id (`000`, `001`, `002`) → which seed file it is.
    pub documents: BTreeMap<String, String>,
    pub municipalities: Vec<MunicipalityData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MunicipalityData {
    pub slug: String,
    /// The official (Italian) name, stored as the municipality's name.
    pub name: String,
    /// The English name, kept for when municipalities get translated names.
    pub name_en: String,
    pub actors: Vec<ActorData>,
    pub relations: Vec<RelationData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorData {
    /// Stable key inside the file (relations refer to actors by it); never shown.
    pub key: String,
    pub name: String,
    pub sector: String,
    pub level: String,
    pub kind: String,
    #[serde(default)]
    pub website: Option<String>,
    /// Stored as the actor's description (the registry holds one description per actor).
    pub description_en: String,
    /// Kept for when descriptions become translatable; checked non-empty like the English one.
    pub description_it: String,
    pub sources: Vec<Source>,
    /// How a reviewer should read the sources, e.g. when a document anonymises the actor.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationData {
    /// Key of the actor the relation starts from (`from` is a unit of / member of /
    /// founded by / funded by `to`).
    pub from: String,
    pub kind: String,
    pub to: String,
    #[serde(default)]
    pub start_date: Option<String>,
    #[serde(default)]
    pub end_date: Option<String>,
    /// A year the document states without a day. The registry stores full dates only, so
    /// the year stays in the data (and in the actor's description) rather than being
    /// turned into an invented 1 January.
    #[serde(default)]
    pub start_year: Option<i32>,
    pub sources: Vec<Source>,
}

/// Where a fact comes from: one of `documents`, the section, and a verbatim quote.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub document: String,
    #[serde(rename = "where")]
    pub section: String,
    pub quote: String,
}

/// A municipality of the data set, validated and ready for the store.
#[derive(Debug)]
pub struct DemoMunicipality {
    pub draft: MunicipalityDraft,
    pub actors: Vec<DemoActor>,
    pub relations: Vec<DemoRelation>,
}

#[derive(Debug)]
pub struct DemoActor {
    pub key: String,
    pub draft: ActorDraft,
}

#[derive(Debug)]
pub struct DemoRelation {
    /// Index into the municipality's `actors`.
    pub from: usize,
    pub kind: RelationKind,
    /// Index into the municipality's `actors`.
    pub to: usize,
    pub start_date: Option<IsoDate>,
    pub end_date: Option<IsoDate>,
}

/// Everything wrong with the data file, one line per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataError(pub Vec<String>);

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "demo data file crates/cocity/src/demo/data/actors.json is invalid: {}",
            self.0.join("; ")
        )
    }
}

impl std::error::Error for DataError {}

/// Parses and validates the compiled-in data set.
pub fn load() -> Result<Vec<DemoMunicipality>, DataError> {
    parse(ACTORS_JSON)
}

/// Parses and validates a data file's text (the compiled-in one, or one a test builds).
pub fn parse(text: &str) -> Result<Vec<DemoMunicipality>, DataError> {
    let data: DemoData = serde_json::from_str(text)
        .map_err(|e| DataError(vec![format!("not the expected JSON: {e}")]))?;
    let mut problems = Vec::new();
    if data.schema != SCHEMA {
        problems.push(format!(
            "schema is {:?}, this loader reads {SCHEMA:?}",
            data.schema
        ));
    }
    let mut slugs = HashSet::new();
    let mut out = Vec::with_capacity(data.municipalities.len());
    for m in &data.municipalities {
        if !slugs.insert(m.slug.as_str()) {
            problems.push(format!("municipality {:?} appears twice", m.slug));
        }
        if let Some(valid) = municipality(m, &data.documents, &mut problems) {
            out.push(valid);
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(DataError(problems))
    }
}

fn municipality(
    m: &MunicipalityData,
    documents: &BTreeMap<String, String>,
    problems: &mut Vec<String>,
) -> Option<DemoMunicipality> {
    let here = |what: String| format!("{}: {what}", m.slug);
    let draft = MunicipalityDraft::parse(&MunicipalityInput {
        slug: m.slug.clone(),
        name: m.name.clone(),
    })
    .map_err(|e| {
        problems.push(here(format!(
            "municipality fields invalid: {}",
            describe(&e)
        )))
    })
    .ok();
    if m.name_en.trim().is_empty() {
        problems.push(here("name_en is empty".into()));
    }

    let mut keys: BTreeMap<&str, usize> = BTreeMap::new();
    let mut names = HashSet::new();
    let mut actors = Vec::with_capacity(m.actors.len());
    for (i, a) in m.actors.iter().enumerate() {
        let at = |what: String| here(format!("actor {:?}: {what}", a.key));
        if keys.insert(a.key.as_str(), i).is_some() {
            problems.push(at("key appears twice".into()));
        }
        // The loader finds an already-seeded actor by its name, so names must be unique.
        if !names.insert(a.name.trim().to_lowercase()) {
            problems.push(at(format!("name {:?} appears twice", a.name)));
        }
        if a.description_it.trim().is_empty() {
            problems.push(at("description_it is empty".into()));
        }
        if a.description_en.trim().is_empty() {
            problems.push(at("description_en is empty".into()));
        }
        if a.note.as_deref().is_some_and(|n| n.trim().is_empty()) {
            problems.push(at("note is present but empty".into()));
        }
        check_sources(&a.sources, documents, &at, problems);
        let input = ActorInput {
            name: a.name.clone(),
            sector: a.sector.clone(),
            level: a.level.clone(),
            kind: a.kind.clone(),
            description: a.description_en.clone(),
            website: a.website.clone().unwrap_or_default(),
            ..ActorInput::default()
        };
        match ActorDraft::parse(&input) {
            Ok(draft) => actors.push(DemoActor {
                key: a.key.clone(),
                draft,
            }),
            Err(e) => problems.push(at(format!("fields invalid: {}", describe(&e)))),
        }
    }

    let mut relations = Vec::with_capacity(m.relations.len());
    for r in &m.relations {
        let at = |what: String| here(format!("relation {} {} {}: {what}", r.from, r.kind, r.to));
        check_sources(&r.sources, documents, &at, problems);
        let from = keys.get(r.from.as_str()).copied();
        let to = keys.get(r.to.as_str()).copied();
        if from.is_none() {
            problems.push(at(format!("no actor with key {:?}", r.from)));
        }
        if to.is_none() {
            problems.push(at(format!("no actor with key {:?}", r.to)));
        }
        if from.is_some() && from == to {
            problems.push(at("an actor cannot relate to itself".into()));
        }
        let kind = r
            .kind
            .parse::<RelationKind>()
            .map_err(|e| problems.push(at(e.to_string())))
            .ok();
        let date = |d: &Option<String>, field: &str| -> Result<Option<IsoDate>, String> {
            d.as_deref()
                .map(|s| {
                    IsoDate::parse(s)
                        .map_err(|_| at(format!("{field} {s:?} is not a YYYY-MM-DD date")))
                })
                .transpose()
        };
        let start_date = date(&r.start_date, "start_date")
            .map_err(|e| problems.push(e))
            .ok()
            .flatten();
        let end_date = date(&r.end_date, "end_date")
            .map_err(|e| problems.push(e))
            .ok()
            .flatten();
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            problems.push(at(format!("end_date {e} is before start_date {s}")));
        }
        if let Some(y) = r.start_year
            && !(1000..=9999).contains(&y)
        {
            problems.push(at(format!("start_year {y} is not a four-digit year")));
        }
        if let (Some(from), Some(to), Some(kind)) = (from, to, kind) {
            relations.push(DemoRelation {
                from,
                kind,
                to,
                start_date,
                end_date,
            });
        }
    }

    if actors.len() != m.actors.len() {
        return None;
    }
    draft.map(|draft| DemoMunicipality {
        draft,
        actors,
        relations,
    })
}

fn check_sources(
    sources: &[Source],
    documents: &BTreeMap<String, String>,
    at: &dyn Fn(String) -> String,
    problems: &mut Vec<String>,
) {
    if sources.is_empty() {
        problems.push(at("has no source".into()));
    }
    for s in sources {
        if !documents.contains_key(&s.document) {
            problems.push(at(format!(
                "source names unknown document {:?}",
                s.document
            )));
        }
        if s.quote.trim().is_empty() || s.section.trim().is_empty() {
            problems.push(at(format!(
                "source in document {:?} lacks a quote or a section",
                s.document
            )));
        }
    }
}

/// `sector: actor-sector-unknown, website: actor-website-invalid`.
fn describe(errors: &FieldErrors) -> String {
    errors
        .iter()
        .map(|(field, keys)| format!("{field}: {}", keys.join(" + ")))
        .collect::<Vec<_>>()
        .join(", ")
}
