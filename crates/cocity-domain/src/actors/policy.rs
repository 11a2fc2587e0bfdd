//! Who may change the registry of a municipality. Anyone, signed in or not, may read it.
//!
//! - officers and admins of the municipality create, edit and archive its actors, and
//!   import them from CSV;
//! - a representative edits only the actor they act for (and its relations);
//! - archived actors can no longer be changed;
//! - installation admins manage municipalities, not registries, so they get no rights here.

use crate::access::{Principal, Refusal, require_staff, signed_in};
use crate::actors::Actor;
use crate::ids::MunicipalityId;

/// Creating an actor in `municipality` (and importing a CSV).
pub fn can_create(who: Option<&Principal>, municipality: MunicipalityId) -> Result<(), Refusal> {
    require_staff(who, municipality).map(|_| ())
}

/// Editing `actor` (its fields or its relations) through `municipality`'s pages.
pub fn can_edit(
    who: Option<&Principal>,
    municipality: MunicipalityId,
    actor: &Actor,
) -> Result<(), Refusal> {
    let p = signed_in(who)?;
    if actor.municipality != municipality {
        return Err(Refusal::OtherMunicipality);
    }
    if !p.is_staff_of(municipality) {
        let mut represented = p.represented_actors(municipality).peekable();
        if represented.peek().is_none() {
            return Err(p.missing_role(municipality));
        }
        if !represented.any(|a| a == actor.id) {
            return Err(Refusal::NotYourActor);
        }
    }
    if actor.is_archived() {
        Err(Refusal::Archived)
    } else {
        Ok(())
    }
}

/// Archiving `actor`: staff only, and only once.
pub fn can_archive(
    who: Option<&Principal>,
    municipality: MunicipalityId,
    actor: &Actor,
) -> Result<(), Refusal> {
    require_staff(who, municipality)?;
    if actor.municipality != municipality {
        return Err(Refusal::OtherMunicipality);
    }
    if actor.is_archived() {
        Err(Refusal::Archived)
    } else {
        Ok(())
    }
}

/// Importing actors from CSV: the same as creating them.
pub fn can_import(who: Option<&Principal>, municipality: MunicipalityId) -> Result<(), Refusal> {
    can_create(who, municipality)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::access::fixtures::*;
    use crate::actors::{ActorDraft, ActorInput};
    use crate::ids::ActorId;

    fn actor(id: i64, m: MunicipalityId, archived: bool) -> Actor {
        let d = ActorDraft::parse(&ActorInput {
            name: "Labsus".into(),
            sector: "third_sector".into(),
            level: "national".into(),
            kind: "association".into(),
            ..ActorInput::default()
        })
        .unwrap();
        Actor {
            id: ActorId(id),
            municipality: m,
            name: d.name,
            sector: d.sector,
            level: d.level,
            kind: d.kind,
            description: d.description,
            website: None,
            contact: None,
            identifiers: vec![],
            location: None,
            archived_at: archived.then_some(5),
            created_at: 1,
            updated_at: 1,
        }
    }

    #[test]
    fn anonymous_is_asked_to_sign_in() {
        let a = actor(1, TURIN, false);
        assert_eq!(can_create(None, TURIN), Err(Refusal::NotSignedIn));
        assert_eq!(can_edit(None, TURIN, &a), Err(Refusal::NotSignedIn));
        assert_eq!(can_archive(None, TURIN, &a), Err(Refusal::NotSignedIn));
    }

    #[test]
    fn citizens_have_the_wrong_role() {
        let c = with_role(TURIN, Role::Citizen, None);
        let a = actor(1, TURIN, false);
        assert_eq!(can_create(Some(&c), TURIN), Err(Refusal::WrongRole));
        assert_eq!(can_edit(Some(&c), TURIN, &a), Err(Refusal::WrongRole));
        assert_eq!(can_archive(Some(&c), TURIN, &a), Err(Refusal::WrongRole));
        assert_eq!(can_import(Some(&c), TURIN), Err(Refusal::WrongRole));
    }

    #[test]
    fn staff_of_another_municipality_is_refused() {
        let bologna_officer = with_role(BOLOGNA, Role::Officer, None);
        let a = actor(1, TURIN, false);
        assert_eq!(
            can_create(Some(&bologna_officer), TURIN),
            Err(Refusal::OtherMunicipality)
        );
        assert_eq!(
            can_edit(Some(&bologna_officer), TURIN, &a),
            Err(Refusal::OtherMunicipality)
        );
        // A Bologna officer reaching a Turin actor through Bologna's pages.
        assert_eq!(
            can_edit(Some(&bologna_officer), BOLOGNA, &a),
            Err(Refusal::OtherMunicipality)
        );
        assert_eq!(
            can_archive(Some(&bologna_officer), BOLOGNA, &a),
            Err(Refusal::OtherMunicipality)
        );
    }

    #[test]
    fn officers_and_admins_manage_the_registry() {
        let a = actor(1, TURIN, false);
        for role in [Role::Officer, Role::Admin] {
            let p = with_role(TURIN, role, None);
            assert!(can_create(Some(&p), TURIN).is_ok());
            assert!(can_edit(Some(&p), TURIN, &a).is_ok());
            assert!(can_archive(Some(&p), TURIN, &a).is_ok());
        }
    }

    #[test]
    fn representatives_edit_only_their_own_actor_and_never_archive() {
        let rep = with_role(TURIN, Role::Representative, Some(ActorId(1)));
        assert!(can_edit(Some(&rep), TURIN, &actor(1, TURIN, false)).is_ok());
        assert_eq!(
            can_edit(Some(&rep), TURIN, &actor(2, TURIN, false)),
            Err(Refusal::NotYourActor)
        );
        assert_eq!(
            can_archive(Some(&rep), TURIN, &actor(1, TURIN, false)),
            Err(Refusal::WrongRole)
        );
        assert_eq!(can_create(Some(&rep), TURIN), Err(Refusal::WrongRole));
    }

    #[test]
    fn archived_actors_are_frozen() {
        let officer = with_role(TURIN, Role::Officer, None);
        let a = actor(1, TURIN, true);
        assert_eq!(can_edit(Some(&officer), TURIN, &a), Err(Refusal::Archived));
        assert_eq!(
            can_archive(Some(&officer), TURIN, &a),
            Err(Refusal::Archived)
        );
    }

    #[test]
    fn installation_admins_do_not_manage_registries() {
        let mut p = nobody();
        p.is_installation_admin = true;
        assert_eq!(can_create(Some(&p), TURIN), Err(Refusal::WrongRole));
    }
}
