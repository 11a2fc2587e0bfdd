//! The audit log: every state change records who, when, in which municipality, what
//! (`action` on `entity_type` #`entity_id`) and the entity before and after, as JSON.

use crate::ids::{MunicipalityId, UserId};
use crate::time::format_us;
use serde::Serialize;
use std::io::Write;

/// Action names, `<entity>.<verb>`.
pub mod actions {
    pub const MUNICIPALITY_CREATE: &str = "municipality.create";
    pub const MUNICIPALITY_UPDATE: &str = "municipality.update";
    pub const USER_CREATE: &str = "user.create";
    pub const USER_SET_PASSWORD: &str = "user.set_password";
    pub const USER_SET_LANGUAGE: &str = "user.set_language";
    pub const USER_LOGIN: &str = "user.login";
    pub const USER_LOGOUT: &str = "user.logout";
    pub const ROLE_GRANT: &str = "role.grant";
    pub const ROLE_REVOKE: &str = "role.revoke";
    pub const ACTOR_CREATE: &str = "actor.create";
    pub const ACTOR_UPDATE: &str = "actor.update";
    pub const ACTOR_ARCHIVE: &str = "actor.archive";
    pub const ACTOR_IMPORT: &str = "actor.import";
    pub const RELATION_ADD: &str = "relation.add";
    pub const RELATION_REMOVE: &str = "relation.remove";

    pub const ALL: &[&str] = &[
        MUNICIPALITY_CREATE,
        MUNICIPALITY_UPDATE,
        USER_CREATE,
        USER_SET_PASSWORD,
        USER_SET_LANGUAGE,
        USER_LOGIN,
        USER_LOGOUT,
        ROLE_GRANT,
        ROLE_REVOKE,
        ACTOR_CREATE,
        ACTOR_UPDATE,
        ACTOR_ARCHIVE,
        ACTOR_IMPORT,
        RELATION_ADD,
        RELATION_REMOVE,
    ];
}

/// Entity types named in audit rows.
pub mod entities {
    pub const MUNICIPALITY: &str = "municipality";
    pub const USER: &str = "user";
    pub const ROLE: &str = "role";
    pub const ACTOR: &str = "actor";
    pub const RELATION: &str = "relation";
    pub const SESSION: &str = "session";
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// `None` for the system (CLI, demo loader).
    pub user: Option<UserId>,
    /// The acting user's email at the time of listing (joined, for display).
    pub user_email: Option<String>,
    /// `None` for installation-level changes.
    pub municipality: Option<MunicipalityId>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<i64>,
    /// JSON text of the entity before the change (`None` on creation).
    pub before: Option<String>,
    /// JSON text of the entity after the change (`None` on removal).
    pub after: Option<String>,
}

/// Filters of the audit list (all optional; the date range is `[from, to)` in µs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub entity_type: Option<String>,
    pub user: Option<UserId>,
    pub from_us: Option<i64>,
    pub to_us: Option<i64>,
}

pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "at",
    "user_id",
    "user_email",
    "municipality_id",
    "action",
    "entity_type",
    "entity_id",
    "before",
    "after",
];

/// Writes the audit rows as CSV with a header row; `at` as RFC 3339 UTC.
pub fn write_csv<W: Write>(out: W, entries: &[AuditEntry]) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for e in entries {
        let opt = |v: Option<String>| v.unwrap_or_default();
        w.write_record([
            e.id.to_string(),
            format_us(e.at),
            opt(e.user.map(|u| u.to_string())),
            crate::actors::export::guard_formula(&opt(e.user_email.clone())),
            opt(e.municipality.map(|m| m.to_string())),
            e.action.clone(),
            e.entity_type.clone(),
            opt(e.entity_id.map(|i| i.to_string())),
            opt(e.before.clone()),
            opt(e.after.clone()),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub mod policy {
    //! The audit log of a municipality is read by its officers and admins.
    use crate::access::{Principal, Refusal, require_staff};
    use crate::ids::MunicipalityId;

    pub fn can_view(who: Option<&Principal>, municipality: MunicipalityId) -> Result<(), Refusal> {
        require_staff(who, municipality).map(|_| ())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::access::Role;
        use crate::access::fixtures::*;
        use crate::ids::ActorId;

        #[test]
        fn staff_of_the_municipality_only() {
            assert_eq!(can_view(None, TURIN), Err(Refusal::NotSignedIn));
            assert_eq!(
                can_view(Some(&with_role(TURIN, Role::Citizen, None)), TURIN),
                Err(Refusal::WrongRole)
            );
            assert_eq!(
                can_view(
                    Some(&with_role(TURIN, Role::Representative, Some(ActorId(1)))),
                    TURIN
                ),
                Err(Refusal::WrongRole)
            );
            assert_eq!(
                can_view(Some(&with_role(BOLOGNA, Role::Officer, None)), TURIN),
                Err(Refusal::OtherMunicipality)
            );
            assert!(can_view(Some(&with_role(TURIN, Role::Officer, None)), TURIN).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_and_one_row_per_entry() {
        let e = AuditEntry {
            id: 1,
            at: 0,
            user: Some(UserId(2)),
            user_email: Some("a@b.it".into()),
            municipality: None,
            action: actions::ACTOR_CREATE.into(),
            entity_type: entities::ACTOR.into(),
            entity_id: Some(9),
            before: None,
            after: Some("{\"name\":\"x\"}".into()),
        };
        let mut out = Vec::new();
        write_csv(&mut out, &[e]).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some(
                "id,at,user_id,user_email,municipality_id,action,entity_type,entity_id,before,after"
            )
        );
        assert_eq!(
            lines.next(),
            Some(
                "1,1970-01-01T00:00:00Z,2,a@b.it,,actor.create,actor,9,,\"{\"\"name\"\":\"\"x\"\"}\""
            )
        );
    }
}
