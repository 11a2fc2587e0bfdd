//! What the actor pages and the actor API both do: check the policy, parse the input,
//! call the store. Each function returns a [`Failure`] that either face renders its way.

use cocity_domain::actors::import::{self, RowError};
use cocity_domain::actors::{
    self as domain, Actor, ActorDraft, ActorFilter, ActorInput, Relation, RelationDraft,
    RelationInput, policy,
};
use cocity_domain::pagination::{PageRequest, Paged};
use cocity_domain::{ActorId, FieldErrors, Principal};
use cocity_store::AuditContext;
use cocity_store::actors::ActorListItem;
use cocity_store::relations::RelationView;

use super::json::ActorListQuery;
use crate::clock::now_micros;
use crate::errors::Failure;
use crate::extract::Municipality;
use crate::forms::{page_number, truthy};
use crate::sessions::SignedIn;
use crate::state::AppState;

/// What the visitor may do with one actor (to show or hide the management controls).
pub struct ActorPermissions {
    pub edit: bool,
    pub archive: bool,
}

impl ActorPermissions {
    pub fn of(who: Option<&Principal>, m: &Municipality, actor: &Actor) -> ActorPermissions {
        ActorPermissions {
            edit: policy::can_edit(who, m.id(), actor).is_ok(),
            archive: policy::can_archive(who, m.id(), actor).is_ok(),
        }
    }
}

/// An id from the URL; anything that is not a positive integer names no actor (404).
pub fn parse_id(s: &str) -> Result<ActorId, Failure> {
    s.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ActorId)
        .ok_or(Failure::NotFound)
}

/// Filters and paging from the query string. `lenient` (pages) drops unknown vocabulary
/// values; otherwise (API) they are field errors.
pub fn parse_list_query(
    q: &ActorListQuery,
    lenient: bool,
) -> Result<(ActorFilter, PageRequest), FieldErrors> {
    let mut errors = FieldErrors::new();
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let sector_text = given(&q.sector);
    let level_text = given(&q.level);
    let kind_text = given(&q.kind);
    let sector = sector_text
        .as_deref()
        .and_then(|v| v.parse::<domain::Sector>().ok());
    let level = level_text
        .as_deref()
        .and_then(|v| v.parse::<domain::Level>().ok());
    let kind = kind_text
        .as_deref()
        .and_then(|v| v.parse::<domain::ActorKind>().ok());
    if !lenient {
        if sector_text.is_some() && sector.is_none() {
            errors.add("sector", "actor-sector-unknown");
        }
        if level_text.is_some() && level.is_none() {
            errors.add("level", "actor-level-unknown");
        }
        if kind_text.is_some() && kind.is_none() {
            errors.add("kind", "actor-kind-unknown");
        }
    }
    let filter = ActorFilter {
        sector,
        level,
        kind,
        text: q
            .q
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned),
        include_archived: truthy(q.include_archived.as_deref()),
    };
    let paging = PageRequest::new(
        page_number(q.page.as_deref()),
        page_number(q.per_page.as_deref()),
    );
    errors.into_result((filter, paging))
}

pub async fn list(
    state: &AppState,
    m: &Municipality,
    filter: &ActorFilter,
    paging: PageRequest,
) -> Result<Paged<ActorListItem>, Failure> {
    Ok(cocity_store::actors::list(&state.db, m.id(), filter, paging).await?)
}

pub async fn get(state: &AppState, m: &Municipality, id: ActorId) -> Result<Actor, Failure> {
    cocity_store::actors::get(&state.db, m.id(), id)
        .await?
        .ok_or(Failure::NotFound)
}

/// An actor and its relations in both directions, with the related actors' names.
pub struct ActorDetail {
    pub actor: Actor,
    pub relations: Vec<RelationView>,
}

pub async fn detail(
    state: &AppState,
    m: &Municipality,
    id: ActorId,
) -> Result<ActorDetail, Failure> {
    let actor = get(state, m, id).await?;
    let relations = cocity_store::relations::for_actor(&state.db, m.id(), id).await?;
    Ok(ActorDetail { actor, relations })
}

/// `(id, name)` of the actors a new relation from `from` may point at.
pub async fn relation_candidates(
    state: &AppState,
    m: &Municipality,
    from: ActorId,
) -> Result<Vec<(i64, String)>, Failure> {
    Ok(cocity_store::actors::choices(&state.db, m.id())
        .await?
        .into_iter()
        .filter(|(id, _)| *id != from)
        .map(|(id, name)| (id.0, name))
        .collect())
}

fn audit(who: Option<&SignedIn>, m: &Municipality) -> AuditContext {
    AuditContext::new(who.map(|s| s.user.id), Some(m.id()), now_micros())
}

pub fn check_create(who: Option<&Principal>, m: &Municipality) -> Result<(), Failure> {
    Ok(policy::can_create(who, m.id())?)
}

pub fn check_import(who: Option<&Principal>, m: &Municipality) -> Result<(), Failure> {
    Ok(policy::can_import(who, m.id())?)
}

pub fn check_edit(who: Option<&Principal>, m: &Municipality, actor: &Actor) -> Result<(), Failure> {
    Ok(policy::can_edit(who, m.id(), actor)?)
}

fn principal(who: Option<&SignedIn>) -> Option<&Principal> {
    who.map(|s| &s.principal)
}

/// Policy first (so an anonymous or unauthorised request learns nothing about the input),
/// then validation, then the store writes the actor and its audit row in one transaction.
pub async fn create(
    state: &AppState,
    m: &Municipality,
    who: Option<&SignedIn>,
    input: &ActorInput,
) -> Result<Actor, Failure> {
    policy::can_create(principal(who), m.id())?;
    let draft = ActorDraft::parse(input)?;
    Ok(cocity_store::actors::create(&state.db, &audit(who, m), m.id(), &draft).await?)
}

pub async fn update(
    state: &AppState,
    m: &Municipality,
    who: Option<&SignedIn>,
    id: ActorId,
    input: &ActorInput,
) -> Result<Actor, Failure> {
    let actor = get(state, m, id).await?;
    policy::can_edit(principal(who), m.id(), &actor)?;
    let draft = ActorDraft::parse(input)?;
    Ok(cocity_store::actors::update(&state.db, &audit(who, m), m.id(), id, &draft).await?)
}

pub async fn archive(
    state: &AppState,
    m: &Municipality,
    who: Option<&SignedIn>,
    id: ActorId,
) -> Result<Actor, Failure> {
    let actor = get(state, m, id).await?;
    policy::can_archive(principal(who), m.id(), &actor)?;
    Ok(cocity_store::actors::archive(&state.db, &audit(who, m), m.id(), id).await?)
}

pub async fn add_relation(
    state: &AppState,
    m: &Municipality,
    who: Option<&SignedIn>,
    from: ActorId,
    input: &RelationInput,
) -> Result<Relation, Failure> {
    let actor = get(state, m, from).await?;
    policy::can_edit(principal(who), m.id(), &actor)?;
    let draft = RelationDraft::parse(from, input)?;
    Ok(cocity_store::relations::add(&state.db, &audit(who, m), m.id(), &draft).await?)
}

pub async fn export_csv(state: &AppState, m: &Municipality) -> Result<Vec<u8>, Failure> {
    let actors = cocity_store::actors::export_all(&state.db, m.id(), true).await?;
    let mut out = Vec::new();
    domain::export::write_csv(&mut out, &actors).map_err(|error| {
        tracing::error!(%error, "CSV export failed");
        Failure::Internal
    })?;
    Ok(out)
}

pub async fn popolo(
    state: &AppState,
    m: &Municipality,
) -> Result<domain::popolo::PopoloDocument, Failure> {
    let actors = cocity_store::actors::export_all(&state.db, m.id(), true).await?;
    let relations = cocity_store::relations::all(&state.db, m.id()).await?;
    Ok(domain::popolo::document(&actors, &relations))
}

/// The result of an import: how many actors were created, or every bad row (and nothing created).
pub enum ImportOutcome {
    Imported(usize),
    Rejected(Vec<RowError>),
}

pub async fn import(
    state: &AppState,
    m: &Municipality,
    who: Option<&SignedIn>,
    bytes: &[u8],
) -> Result<ImportOutcome, Failure> {
    policy::can_import(principal(who), m.id())?;
    let drafts = match import::parse_csv(bytes) {
        Ok(d) => d,
        Err(errors) => return Ok(ImportOutcome::Rejected(errors)),
    };
    match cocity_store::actors::import_many(&state.db, &audit(who, m), m.id(), &drafts).await {
        Ok(ids) => Ok(ImportOutcome::Imported(ids.len())),
        // A name already in the registry: the draft's index is its data row (after the header).
        Err(cocity_store::StoreError::ImportConflict { index, field }) => {
            Ok(ImportOutcome::Rejected(vec![RowError {
                line: u64::try_from(index).unwrap_or(u64::MAX).saturating_add(2),
                field: Some(field.to_owned()),
                reason: "csv-duplicate-name",
            }]))
        }
        Err(e) => Err(e.into()),
    }
}
