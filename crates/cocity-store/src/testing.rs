//! Test support shared by the store suite, the web tests and the demo (feature `testing`).
//!
//! [`TestDb::new`] gives each test its own database: a fresh SQLite file in a temporary
//! directory, or, when `COCITY_TEST_POSTGRES_URL` is set, a fresh PostgreSQL database
//! cloned from a migrated template and dropped when the `TestDb` is dropped. If that
//! variable is set and the server cannot be reached, `new` panics: a suite meant for
//! PostgreSQL never quietly runs on SQLite.
//!
//! The builders create rows with sensible defaults; they panic on failure, as test
//! fixtures should.

use crate::audit::AuditContext;
use crate::db::{Db, POSTGRES_MIGRATOR};
use crate::error::StoreError;
use cocity_domain::accounts::{self, DisplayName, Email, Language, NewPassword, NewUser, User};
use cocity_domain::actors::{Actor, ActorDraft, ActorInput, ActorKind, Level, Sector};
use cocity_domain::municipalities::{Municipality, MunicipalityDraft, MunicipalityInput};
use cocity_domain::{ActorId, MunicipalityId, Principal, Role, RoleGrant};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// The environment variable that selects PostgreSQL for the test suites.
pub const POSTGRES_URL_VAR: &str = "COCITY_TEST_POSTGRES_URL";

/// A fixed "now" for fixtures: 2026-01-01T00:00:00Z.
pub const NOW_US: i64 = 1_767_225_600_000_000;

/// A fresh, migrated database for one test.
pub struct TestDb {
    pub db: Db,
    url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<PgDrop>,
}

struct PgDrop {
    admin: PgConnectOptions,
    name: String,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

impl TestDb {
    /// A fresh database on the backend the environment selects. Panics, naming the cause,
    /// when it cannot be made.
    pub async fn new() -> TestDb {
        match TestDb::try_new().await {
            Ok(t) => t,
            Err(e) => match std::env::var(POSTGRES_URL_VAR) {
                Ok(url) => panic!(
                    "{POSTGRES_URL_VAR}={url} is set but a test database could not be made there: {e}"
                ),
                Err(_) => panic!("could not make a SQLite test database: {e}"),
            },
        }
    }

    pub async fn try_new() -> Result<TestDb, StoreError> {
        match std::env::var(POSTGRES_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => TestDb::postgres(url.trim()).await,
            _ => TestDb::sqlite().await,
        }
    }

    /// The URL of this test's database (to hand to a spawned `cocity` process).
    pub fn url(&self) -> &str {
        &self.url
    }

    async fn sqlite() -> Result<TestDb, StoreError> {
        let dir = tempfile::Builder::new()
            .prefix("cocity-test-")
            .tempdir()
            .map_err(|e| {
                StoreError::Corrupt(format!("cannot create a temporary directory: {e}"))
            })?;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect_with_limit(&url, Some(4)).await?;
        db.migrate().await?;
        db.reset_query_count();
        Ok(TestDb {
            db,
            url,
            _dir: Some(dir),
            postgres: None,
        })
    }

    async fn postgres(admin_url: &str) -> Result<TestDb, StoreError> {
        let admin = PgConnectOptions::from_str(admin_url)?;
        let template = ensure_template(&admin).await?;
        let name = format!("cocity_test_{}", random_suffix());
        let mut conn = admin.connect().await?;
        // Cloning fails while another session is connected to the template (only while a
        // concurrent test process is building it); retry briefly.
        let mut attempt = 0;
        loop {
            let done = sqlx::query(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            ))
            .execute(&mut conn)
            .await;
            match done {
                Ok(_) => break,
                Err(e)
                    if attempt < 20 && e.to_string().contains("being accessed by other users") =>
                {
                    attempt += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        conn.close().await?;
        let options = admin.clone().database(&name);
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        let db = Db::Postgres {
            pool,
            queries: Arc::new(AtomicU64::new(0)),
        };
        Ok(TestDb {
            db,
            url: with_database(admin_url, &name),
            _dir: None,
            postgres: Some(PgDrop { admin, name }),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(PgDrop { admin, name }) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread with its
        // own runtime drops the database (FORCE ends the pool's open connections).
        let dropper = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            let Ok(runtime) = runtime else { return };
            runtime.block_on(async move {
                if let Ok(mut conn) = admin.connect().await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut conn)
                            .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = dropper.join();
    }
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// `postgres://user@host:port/admin_db?x` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base.get(authority_start..).and_then(|rest| rest.find('/')) {
        Some(slash) => base.get(..authority_start + slash).unwrap_or(base),
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// The migrated template database, named after the migrations' checksums so that a changed
/// migration gets a new template. Built under a temporary name and renamed, so concurrent
/// test processes never clone a half-migrated template.
async fn ensure_template(admin: &PgConnectOptions) -> Result<String, StoreError> {
    let mut hasher = Sha256::new();
    for m in POSTGRES_MIGRATOR.iter() {
        hasher.update(m.version.to_le_bytes());
        hasher.update(&m.checksum);
    }
    let digest = hex::encode(hasher.finalize());
    let template = format!("cocity_template_{}", digest.get(..16).unwrap_or(&digest));
    let mut conn = admin.connect().await?;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut conn)
        .await?;
    if exists.is_none() {
        let building = format!("cocity_building_{}", random_suffix());
        sqlx::query(&format!("CREATE DATABASE \"{building}\""))
            .execute(&mut conn)
            .await?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(admin.clone().database(&building))
            .await?;
        let migrated = POSTGRES_MIGRATOR.run(&pool).await;
        pool.close().await;
        let renamed = match migrated {
            Ok(()) => {
                sqlx::query(&format!(
                    "ALTER DATABASE \"{building}\" RENAME TO \"{template}\""
                ))
                .execute(&mut conn)
                .await
            }
            Err(e) => {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{building}\""))
                    .execute(&mut conn)
                    .await;
                return Err(e.into());
            }
        };
        if renamed.is_err() {
            // Another process renamed its copy first; use theirs.
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{building}\""))
                .execute(&mut conn)
                .await;
        }
    }
    conn.close().await?;
    Ok(template)
}

/// Builds a municipality: `MunicipalityBuilder::new("torino").name("Torino").create(&db)`.
pub struct MunicipalityBuilder {
    slug: String,
    name: String,
}

impl MunicipalityBuilder {
    pub fn new(slug: &str) -> MunicipalityBuilder {
        let mut name: Vec<char> = slug.chars().collect();
        if let Some(first) = name.first_mut() {
            *first = first.to_ascii_uppercase();
        }
        MunicipalityBuilder {
            slug: slug.to_owned(),
            name: name.into_iter().collect(),
        }
    }

    pub fn name(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    pub async fn create(self, db: &Db) -> Municipality {
        let draft = match MunicipalityDraft::parse(&MunicipalityInput {
            slug: self.slug.clone(),
            name: self.name,
        }) {
            Ok(d) => d,
            Err(e) => panic!("invalid test municipality {:?}: {e}", self.slug),
        };
        match crate::municipalities::create(db, &AuditContext::system(NOW_US), &draft).await {
            Ok(m) => m,
            Err(e) => panic!("cannot create test municipality {:?}: {e}", self.slug),
        }
    }
}

/// A user made by [`UserBuilder`], with the password it was given.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub user: User,
    pub password: String,
    pub principal: Principal,
}

/// Builds a user: `UserBuilder::new("anna@example.org").role(turin.id, Role::Officer).create(&db)`.
pub struct UserBuilder {
    email: String,
    display_name: String,
    password: String,
    language: Language,
    installation_admin: bool,
    grants: Vec<(MunicipalityId, Role, Option<ActorId>)>,
}

impl UserBuilder {
    pub fn new(email: &str) -> UserBuilder {
        let display_name = email.split('@').next().unwrap_or(email).to_owned();
        UserBuilder {
            email: email.to_owned(),
            display_name,
            password: "correct horse battery staple".to_owned(),
            language: Language::It,
            installation_admin: false,
            grants: Vec::new(),
        }
    }

    pub fn display_name(mut self, name: &str) -> Self {
        self.display_name = name.to_owned();
        self
    }

    pub fn password(mut self, password: &str) -> Self {
        self.password = password.to_owned();
        self
    }

    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    pub fn installation_admin(mut self) -> Self {
        self.installation_admin = true;
        self
    }

    /// A role without an actor (citizen, officer, admin).
    pub fn role(mut self, municipality: MunicipalityId, role: Role) -> Self {
        self.grants.push((municipality, role, None));
        self
    }

    /// The representative of `actor`.
    pub fn representative(mut self, municipality: MunicipalityId, actor: ActorId) -> Self {
        self.grants
            .push((municipality, Role::Representative, Some(actor)));
        self
    }

    pub async fn create(self, db: &Db) -> TestUser {
        let who = self.email.clone();
        let email = Email::parse(&self.email).unwrap_or_else(|e| fail_user(&who, "email", &e));
        let display_name = DisplayName::parse(&self.display_name)
            .unwrap_or_else(|e| fail_user(&who, "display name", &e));
        let password =
            NewPassword::parse(&self.password).unwrap_or_else(|e| fail_user(&who, "password", &e));
        let password_hash =
            accounts::password::hash(&password).unwrap_or_else(|e| fail_user(&who, "hash", &e));
        let new = NewUser {
            email,
            display_name,
            password_hash,
            language: self.language,
            is_installation_admin: self.installation_admin,
        };
        let ctx = AuditContext::system(NOW_US);
        let user = crate::users::create(db, &ctx, &new)
            .await
            .unwrap_or_else(|e| fail_user(&who, "create", &e));
        let mut roles = Vec::new();
        for (municipality, role, actor) in &self.grants {
            let grant = RoleGrant::new(*municipality, *role, *actor)
                .unwrap_or_else(|e| fail_user(&who, "role", &e));
            crate::roles::grant(db, &ctx, user.id, &grant)
                .await
                .unwrap_or_else(|e| fail_user(&who, "grant", &e));
            roles.push(grant);
        }
        let principal = Principal {
            user: user.id,
            is_installation_admin: self.installation_admin,
            roles,
        };
        TestUser {
            user,
            password: self.password,
            principal,
        }
    }
}

fn fail_user(email: &str, what: &str, e: &dyn std::fmt::Display) -> ! {
    panic!("test user {email:?}: {what}: {e}")
}

/// Builds an actor: `ActorBuilder::new(turin.id, "Labsus").sector(Sector::ThirdSector).create(&db)`.
/// Defaults: third sector, local, association.
pub struct ActorBuilder {
    municipality: MunicipalityId,
    input: ActorInput,
    archived: bool,
}

impl ActorBuilder {
    pub fn new(municipality: MunicipalityId, name: &str) -> ActorBuilder {
        ActorBuilder {
            municipality,
            input: ActorInput {
                name: name.to_owned(),
                sector: Sector::ThirdSector.as_str().to_owned(),
                level: Level::Local.as_str().to_owned(),
                kind: ActorKind::Association.as_str().to_owned(),
                ..ActorInput::default()
            },
            archived: false,
        }
    }

    pub fn sector(mut self, sector: Sector) -> Self {
        self.input.sector = sector.as_str().to_owned();
        self
    }

    pub fn level(mut self, level: Level) -> Self {
        self.input.level = level.as_str().to_owned();
        self
    }

    pub fn kind(mut self, kind: ActorKind) -> Self {
        self.input.kind = kind.as_str().to_owned();
        self
    }

    pub fn description(mut self, text: &str) -> Self {
        self.input.description = text.to_owned();
        self
    }

    pub fn website(mut self, url: &str) -> Self {
        self.input.website = url.to_owned();
        self
    }

    pub fn contact(mut self, contact: &str) -> Self {
        self.input.contact = contact.to_owned();
        self
    }

    /// `scheme:value; ...`
    pub fn identifiers(mut self, list: &str) -> Self {
        self.input.identifiers = list.to_owned();
        self
    }

    pub fn location(mut self, lat: f64, lon: f64) -> Self {
        self.input.latitude = lat.to_string();
        self.input.longitude = lon.to_string();
        self
    }

    pub fn archived(mut self) -> Self {
        self.archived = true;
        self
    }

    /// The validated draft (panics if the builder was given invalid values).
    pub fn draft(&self) -> ActorDraft {
        match ActorDraft::parse(&self.input) {
            Ok(d) => d,
            Err(e) => panic!("invalid test actor {:?}: {e}", self.input.name),
        }
    }

    pub async fn create(self, db: &Db) -> Actor {
        let ctx = AuditContext::system(NOW_US);
        let actor = match crate::actors::create(db, &ctx, self.municipality, &self.draft()).await {
            Ok(a) => a,
            Err(e) => panic!("cannot create test actor {:?}: {e}", self.input.name),
        };
        if !self.archived {
            return actor;
        }
        match crate::actors::archive(db, &ctx, self.municipality, actor.id).await {
            Ok(a) => a,
            Err(e) => panic!("cannot archive test actor {:?}: {e}", self.input.name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_of_a_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "t1"),
            "postgres://u:p@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
    }
}
