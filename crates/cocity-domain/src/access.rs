//! Who is asking (a [`Principal`]) and why a request is refused (a [`Refusal`]). Each
//! feature's `policy` module decides with these; the web layer maps a refusal to 401/403.

use crate::ids::{ActorId, MunicipalityId, UserId};
use crate::vocabulary::vocabulary;
use serde::Serialize;
use std::fmt;

vocabulary!(
    /// A role held in one municipality.
    Role, "role", {
        /// Registered resident: reads, and later proposes and votes.
        Citizen => "citizen",
        /// Acts for exactly one actor (the grant carries the actor id).
        Representative => "representative",
        /// The collaboration office: manages the registry and reads the audit log.
        Officer => "officer",
        /// Manages roles in the municipality, and can do what an officer does.
        Admin => "admin",
    }
);

/// One role of a user in one municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoleGrant {
    pub municipality: MunicipalityId,
    pub role: Role,
    /// Set for `representative` only: the actor they act for.
    pub actor: Option<ActorId>,
}

impl RoleGrant {
    /// Checks the shape of a grant: a representative names an actor, other roles do not.
    pub fn new(
        municipality: MunicipalityId,
        role: Role,
        actor: Option<ActorId>,
    ) -> Result<RoleGrant, &'static str> {
        match (role, actor) {
            (Role::Representative, None) => Err("role-needs-actor"),
            (Role::Representative, Some(_)) => Ok(RoleGrant {
                municipality,
                role,
                actor,
            }),
            (_, Some(_)) => Err("role-takes-no-actor"),
            (_, None) => Ok(RoleGrant {
                municipality,
                role,
                actor,
            }),
        }
    }
}

/// A signed-in user as the policy sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub user: UserId,
    pub is_installation_admin: bool,
    pub roles: Vec<RoleGrant>,
}

impl Principal {
    pub fn has_role(&self, municipality: MunicipalityId, role: Role) -> bool {
        self.roles
            .iter()
            .any(|g| g.municipality == municipality && g.role == role)
    }

    /// Officer or admin of the municipality: the people who run its registry.
    pub fn is_staff_of(&self, municipality: MunicipalityId) -> bool {
        self.has_role(municipality, Role::Officer) || self.has_role(municipality, Role::Admin)
    }

    pub fn has_any_role_in(&self, municipality: MunicipalityId) -> bool {
        self.roles.iter().any(|g| g.municipality == municipality)
    }

    /// The actors this user represents in the municipality.
    pub fn represented_actors(
        &self,
        municipality: MunicipalityId,
    ) -> impl Iterator<Item = ActorId> + '_ {
        self.roles
            .iter()
            .filter(move |g| g.municipality == municipality && g.role == Role::Representative)
            .filter_map(|g| g.actor)
    }

    /// The refusal for someone lacking the needed role here: `OtherMunicipality` when they
    /// hold no role in this municipality but do elsewhere, `WrongRole` otherwise.
    pub fn missing_role(&self, municipality: MunicipalityId) -> Refusal {
        if !self.has_any_role_in(municipality) && !self.roles.is_empty() {
            Refusal::OtherMunicipality
        } else {
            Refusal::WrongRole
        }
    }
}

/// Why a request is not allowed. `as_str` is the stable code used as the problem `type`
/// suffix in the API and as the message key suffix (`refusal-<code>`) on pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// Anonymous: sign in first (401 in the API, a redirect to the login page for pages).
    NotSignedIn,
    /// Signed in, but the role held here does not allow this.
    WrongRole,
    /// Signed in with roles in other municipalities only.
    OtherMunicipality,
    /// A representative acting on an actor other than their own.
    NotYourActor,
    /// The actor is archived and can no longer be changed.
    Archived,
    /// Too many failed sign-in attempts recently; try again after the window passes.
    TooManyAttempts,
}

impl Refusal {
    pub const ALL: &'static [Refusal] = &[
        Refusal::NotSignedIn,
        Refusal::WrongRole,
        Refusal::OtherMunicipality,
        Refusal::NotYourActor,
        Refusal::Archived,
        Refusal::TooManyAttempts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::NotSignedIn => "not-signed-in",
            Refusal::WrongRole => "wrong-role",
            Refusal::OtherMunicipality => "other-municipality",
            Refusal::NotYourActor => "not-your-actor",
            Refusal::Archived => "archived",
            Refusal::TooManyAttempts => "too-many-attempts",
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Refusal {}

/// The signed-in principal, or `NotSignedIn`.
pub fn signed_in(who: Option<&Principal>) -> Result<&Principal, Refusal> {
    who.ok_or(Refusal::NotSignedIn)
}

/// Officer or admin of `municipality`.
pub fn require_staff(
    who: Option<&Principal>,
    municipality: MunicipalityId,
) -> Result<&Principal, Refusal> {
    let p = signed_in(who)?;
    if p.is_staff_of(municipality) {
        Ok(p)
    } else {
        Err(p.missing_role(municipality))
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Principals for the policy tests of every feature.
    use super::*;

    pub const TURIN: MunicipalityId = MunicipalityId(1);
    pub const BOLOGNA: MunicipalityId = MunicipalityId(2);

    pub fn with_role(m: MunicipalityId, role: Role, actor: Option<ActorId>) -> Principal {
        Principal {
            user: UserId(10),
            is_installation_admin: false,
            roles: vec![RoleGrant {
                municipality: m,
                role,
                actor,
            }],
        }
    }

    pub fn nobody() -> Principal {
        Principal {
            user: UserId(11),
            is_installation_admin: false,
            roles: vec![],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    #[test]
    fn grants_check_the_actor() {
        assert_eq!(
            RoleGrant::new(TURIN, Role::Representative, None),
            Err("role-needs-actor")
        );
        assert_eq!(
            RoleGrant::new(TURIN, Role::Officer, Some(ActorId(1))),
            Err("role-takes-no-actor")
        );
        assert!(RoleGrant::new(TURIN, Role::Representative, Some(ActorId(1))).is_ok());
    }

    #[test]
    fn staff_requirement_says_why_not() {
        assert_eq!(require_staff(None, TURIN).err(), Some(Refusal::NotSignedIn));
        let citizen = with_role(TURIN, Role::Citizen, None);
        assert_eq!(
            require_staff(Some(&citizen), TURIN).err(),
            Some(Refusal::WrongRole)
        );
        let bologna_officer = with_role(BOLOGNA, Role::Officer, None);
        assert_eq!(
            require_staff(Some(&bologna_officer), TURIN).err(),
            Some(Refusal::OtherMunicipality)
        );
        assert_eq!(
            require_staff(Some(&nobody()), TURIN).err(),
            Some(Refusal::WrongRole)
        );
        assert!(require_staff(Some(&with_role(TURIN, Role::Admin, None)), TURIN).is_ok());
    }

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>(), Ok(*r));
        }
        assert!("mayor".parse::<Role>().is_err());
    }
}
