//! `cocity demo`: loads Turin, Bologna and Milan with the real actors the seed documents
//! name (see `data/README.md`), and the demo accounts that let a visitor try each role.
//!
//! [`seed`] is idempotent at the level people can see: a municipality that already exists
//! keeps its actors and relations as they are (including what was edited or archived in
//! the demo), and an account whose email exists is left alone. So opening an existing demo
//! database adds nothing, and a database that lacks a demo municipality gets it.
//!
//! The demo accounts have fixed, published passwords ([`DEMO_USERS`]): this is a demo
//! database on the loopback interface, and a reader of the README must be able to log in.

pub mod data;

use std::fmt;

use cocity_domain::accounts::password::{self, HashError};
use cocity_domain::accounts::{DisplayName, Email, Language, NewPassword, NewUser};
use cocity_domain::actors::RelationDraft;
use cocity_domain::{ActorId, MunicipalityId, Role, RoleGrant};
use cocity_store::{AuditContext, Db, StoreError};

use data::{DataError, DemoMunicipality};

/// What a demo account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoRole {
    /// Manages the municipalities of the installation.
    InstallationAdmin,
    /// A role in one municipality.
    In(Role),
}

impl fmt::Display for DemoRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoRole::InstallationAdmin => f.write_str("installation admin"),
            DemoRole::In(role) => f.write_str(role.as_str()),
        }
    }
}

/// A demo account as defined here (see [`DEMO_USERS`]).
#[derive(Debug, Clone, Copy)]
pub struct DemoUser {
    pub role: DemoRole,
    /// The municipality of the role (`None` for the installation admin).
    pub municipality: Option<&'static str>,
    /// The actor a representative acts for, by its name in the data set.
    pub actor: Option<&'static str>,
    pub email: &'static str,
    pub display_name: &'static str,
    pub password: &'static str,
}

/// The demo accounts: one per role in Turin, and the installation admin. The addresses
/// use the reserved `.example` domain so that no mail can ever reach a real person.
pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        role: DemoRole::In(Role::Citizen),
        municipality: Some("torino"),
        actor: None,
        email: "cittadina@torino.cocity.example",
        display_name: "Giulia Bianchi",
        password: "demo-citizen-2026",
    },
    DemoUser {
        role: DemoRole::In(Role::Representative),
        municipality: Some("torino"),
        actor: Some("Fondazione Torino Smart City"),
        email: "fondazione@torino.cocity.example",
        display_name: "Marco Rossi",
        password: "demo-representative-2026",
    },
    DemoUser {
        role: DemoRole::In(Role::Officer),
        municipality: Some("torino"),
        actor: None,
        email: "ufficio.collaborazione@torino.cocity.example",
        display_name: "Laura Esposito",
        password: "demo-officer-2026",
    },
    DemoUser {
        role: DemoRole::In(Role::Admin),
        municipality: Some("torino"),
        actor: None,
        email: "amministrazione@torino.cocity.example",
        display_name: "Paolo Ferrari",
        password: "demo-admin-2026",
    },
    DemoUser {
        role: DemoRole::InstallationAdmin,
        municipality: None,
        actor: None,
        email: "installazione@cocity.example",
        display_name: "Elena Russo",
        password: "demo-installation-admin-2026",
    },
];

/// One login to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: DemoRole,
    pub municipality: Option<&'static str>,
    /// The actor a representative acts for.
    pub acts_for: Option<&'static str>,
    pub email: &'static str,
    pub password: &'static str,
    /// False when the account already existed: its password may have been changed since.
    pub created_now: bool,
}

/// What [`seed`] created in this run (all zero when the database already held the demo).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedCounts {
    pub municipalities: usize,
    pub actors: usize,
    pub relations: usize,
    pub users: usize,
}

/// What `cocity demo` prints: a login per role, and what was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogins {
    pub logins: Vec<DemoLogin>,
    pub created: SeedCounts,
}

impl fmt::Display for DemoLogins {
    /// The lines to print, e.g. `officer (torino): ufficio.collaborazione@… / demo-officer-2026`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.created;
        if c == SeedCounts::default() {
            writeln!(f, "Demo data already present: nothing added.")?;
        } else {
            writeln!(
                f,
                "Demo data loaded: {} municipalities, {} actors, {} relations, {} accounts.",
                c.municipalities, c.actors, c.relations, c.users
            )?;
        }
        writeln!(f, "Demo logins (email / password):")?;
        for l in &self.logins {
            write!(f, "  {:<18}", l.role.to_string())?;
            match (l.municipality, l.acts_for) {
                (Some(m), Some(a)) => write!(f, " {m}, for {a}:")?,
                (Some(m), None) => write!(f, " {m}:")?,
                (None, _) => write!(f, " all municipalities:")?,
            }
            write!(f, " {} / {}", l.email, l.password)?;
            if !l.created_now {
                write!(
                    f,
                    " (account existed already; its password may have been changed)"
                )?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Why the demo could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("loading the demo data into the database failed while {doing}: {source}")]
    Store { doing: String, source: StoreError },
    #[error("hashing the password of demo account {email} failed: {source}")]
    Password {
        email: &'static str,
        source: HashError,
    },
    #[error("demo account {email} is invalid: {reason}")]
    Account { email: &'static str, reason: String },
}

fn store(doing: impl Into<String>) -> impl FnOnce(StoreError) -> DemoError {
    let doing = doing.into();
    move |source| DemoError::Store { doing, source }
}

/// Loads the demo data and accounts into `db` (already migrated) as the system at
/// `now_us`, adding only what is missing, and returns the logins to print.
pub async fn seed(db: &Db, now_us: i64) -> Result<DemoLogins, DemoError> {
    let municipalities = data::load()?;
    let mut created = SeedCounts::default();
    for m in &municipalities {
        seed_municipality(db, now_us, m, &mut created).await?;
    }
    let mut logins = Vec::with_capacity(DEMO_USERS.len());
    for u in DEMO_USERS {
        let created_now = seed_user(db, now_us, u).await?;
        if created_now {
            created.users += 1;
        }
        logins.push(DemoLogin {
            role: u.role,
            municipality: u.municipality,
            acts_for: u.actor,
            email: u.email,
            password: u.password,
            created_now,
        });
    }
    Ok(DemoLogins { logins, created })
}

async fn seed_municipality(
    db: &Db,
    now_us: i64,
    m: &DemoMunicipality,
    created: &mut SeedCounts,
) -> Result<(), DemoError> {
    let slug = m.draft.slug.as_str();
    if cocity_store::municipalities::by_slug(db, slug)
        .await
        .map_err(store(format!("looking up municipality {slug}")))?
        .is_some()
    {
        return Ok(());
    }
    let system = AuditContext::system(now_us);
    let municipality = cocity_store::municipalities::create(db, &system, &m.draft)
        .await
        .map_err(store(format!("creating municipality {slug}")))?;
    created.municipalities += 1;
    let ctx = AuditContext::new(None, Some(municipality.id), now_us);

    let mut ids: Vec<ActorId> = Vec::with_capacity(m.actors.len());
    for a in &m.actors {
        let actor = cocity_store::actors::create(db, &ctx, municipality.id, &a.draft)
            .await
            .map_err(store(format!(
                "creating actor {:?} (data key {}) in {slug}",
                a.draft.name.as_str(),
                a.key
            )))?;
        ids.push(actor.id);
        created.actors += 1;
    }
    for r in &m.relations {
        let (Some(&from), Some(&to)) = (ids.get(r.from), ids.get(r.to)) else {
            // data::parse only builds relations between actors it validated.
            continue;
        };
        let draft = RelationDraft {
            from,
            to,
            kind: r.kind,
            start_date: r.start_date,
            end_date: r.end_date,
        };
        cocity_store::relations::add(db, &ctx, municipality.id, &draft)
            .await
            .map_err(store(format!(
                "creating relation {} {} {} in {slug}",
                from, r.kind, to
            )))?;
        created.relations += 1;
    }
    Ok(())
}

/// Creates the account and its role unless the email exists; true when it created it.
async fn seed_user(db: &Db, now_us: i64, u: &DemoUser) -> Result<bool, DemoError> {
    let invalid = |reason: &str| DemoError::Account {
        email: u.email,
        reason: reason.to_owned(),
    };
    let email = Email::parse(u.email).map_err(invalid)?;
    if cocity_store::users::by_email(db, &email)
        .await
        .map_err(store(format!("looking up account {}", u.email)))?
        .is_some()
    {
        return Ok(false);
    }
    let grant = match (u.role, u.municipality) {
        (DemoRole::InstallationAdmin, _) => None,
        (DemoRole::In(role), Some(slug)) => Some(role_grant(db, u, role, slug).await?),
        (DemoRole::In(_), None) => return Err(invalid("a municipal role needs a municipality")),
    };
    let password = NewPassword::parse(u.password).map_err(invalid)?;
    let new = NewUser {
        email,
        display_name: DisplayName::parse(u.display_name).map_err(invalid)?,
        password_hash: password::hash(&password).map_err(|source| DemoError::Password {
            email: u.email,
            source,
        })?,
        language: Language::It,
        is_installation_admin: u.role == DemoRole::InstallationAdmin,
    };
    let ctx = AuditContext::new(None, grant.map(|g| g.municipality), now_us);
    let user = cocity_store::users::create(db, &ctx, &new)
        .await
        .map_err(store(format!("creating account {}", u.email)))?;
    if let Some(grant) = grant {
        cocity_store::roles::grant(db, &ctx, user.id, &grant)
            .await
            .map_err(store(format!("granting {} to {}", u.role, u.email)))?;
    }
    Ok(true)
}

async fn role_grant(db: &Db, u: &DemoUser, role: Role, slug: &str) -> Result<RoleGrant, DemoError> {
    let invalid = |reason: String| DemoError::Account {
        email: u.email,
        reason,
    };
    let municipality = cocity_store::municipalities::by_slug(db, slug)
        .await
        .map_err(store(format!("looking up municipality {slug}")))?
        .ok_or_else(|| invalid(format!("municipality {slug} does not exist")))?;
    let actor = match u.actor {
        None => None,
        Some(name) => Some(
            actor_named(db, municipality.id, name)
                .await?
                .ok_or_else(|| invalid(format!("{slug} has no actor named {name:?}")))?,
        ),
    };
    RoleGrant::new(municipality.id, role, actor).map_err(|e| invalid(e.to_owned()))
}

/// The actor of `municipality` with this name (archived ones included: a representative
/// of an archived actor still exists).
async fn actor_named(
    db: &Db,
    municipality: MunicipalityId,
    name: &str,
) -> Result<Option<ActorId>, DemoError> {
    let actor = cocity_store::actors::by_name(db, municipality, name)
        .await
        .map_err(store(format!("looking up actor {name:?}")))?;
    Ok(actor.map(|a| a.id))
}

#[cfg(test)]
mod tests;
