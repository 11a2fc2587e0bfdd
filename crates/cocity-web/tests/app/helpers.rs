//! `TestApp::spawn()` and a cookie-keeping `Browser`, plus a `World` of two municipalities
//! with a user per role.

use cocity_domain::actors::{Actor, ActorDraft, ActorInput};
use cocity_domain::municipalities::{Municipality, MunicipalityDraft, MunicipalityInput};
use cocity_domain::{ActorId, MunicipalityId, Role};
use cocity_store::Db;
use cocity_store::testing::TestDb;
use cocity_web::{AppState, WebConfig};
use regex::Regex;
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use std::sync::LazyLock;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub db: Db,
    _test_db: TestDb,
    shutdown: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(WebConfig::default()).await
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let test_db = TestDb::new().await;
        let db = test_db.db.clone();
        let state = AppState::new(db.clone(), config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            cocity_web::serve_listener(state, listener, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        });
        TestApp {
            base,
            db,
            _test_db: test_db,
            shutdown: Some(tx),
        }
    }

    pub fn browser(&self) -> Browser {
        Browser {
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: self.base.clone(),
        }
    }

    pub async fn municipality(&self, slug: &str, name: &str) -> Municipality {
        let draft = MunicipalityDraft::parse(&MunicipalityInput {
            slug: slug.into(),
            name: name.into(),
        })
        .unwrap();
        cocity_store::municipalities::create(
            &self.db,
            &cocity_store::AuditContext::system(1),
            &draft,
        )
        .await
        .unwrap()
    }

    /// A user with the given roles; `(municipality, role, actor)`.
    pub async fn user(
        &self,
        email: &str,
        roles: &[(MunicipalityId, Role, Option<ActorId>)],
        installation_admin: bool,
    ) {
        store_user(&self.db, email, roles, installation_admin).await;
    }

    pub async fn actor(&self, m: MunicipalityId, name: &str, sector: &str, kind: &str) -> Actor {
        let draft = ActorDraft::parse(&ActorInput {
            name: name.into(),
            sector: sector.into(),
            level: "local".into(),
            kind: kind.into(),
            description: format!("Descrizione di {name}"),
            ..ActorInput::default()
        })
        .unwrap();
        cocity_store::actors::create(
            &self.db,
            &cocity_store::AuditContext::new(None, Some(m), 1),
            m,
            &draft,
        )
        .await
        .unwrap()
    }
}

pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

static CSRF_FIELD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"name="csrf" value="([^"]+)""#).unwrap());

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_text(&self, path: &str) -> (StatusCode, String) {
        let r = self.get(path).await;
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    pub async fn get_lang(&self, path: &str, accept_language: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(self.url(path))
            .header("accept-language", accept_language)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    /// The CSRF token the forms of `path` carry for this browser.
    pub async fn csrf_from(&self, path: &str) -> String {
        let (_, body) = self.get_text(path).await;
        CSRF_FIELD
            .captures(&body)
            .map(|c| c[1].to_owned())
            .unwrap_or_else(|| panic!("no csrf field on {path}"))
    }

    pub async fn csrf(&self) -> String {
        self.csrf_from("/").await
    }

    /// Posts a form with this browser's CSRF token.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf", &token));
        self.client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .unwrap()
    }

    /// Posts a form without any CSRF token.
    pub async fn post_form_without_csrf(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, email: &str) {
        let r = self
            .post_form(
                "/login",
                &[("email", email), ("password", PASSWORD), ("next", "/")],
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "login of {email} failed: {}",
            r.text().await.unwrap()
        );
    }

    /// A JSON API call with the CSRF header (for state-changing methods).
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let token = self.csrf().await;
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("x-csrf-token", token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.unwrap()
    }
}

/// Two municipalities, an actor in each, and one user per role.
pub struct World {
    pub app: TestApp,
    pub torino: Municipality,
    /// An actor of Turin, represented by `rep@torino.it`.
    pub torino_actor: Actor,
    /// Another actor of Turin, not represented by anyone.
    pub torino_other: Actor,
    pub bologna_actor: Actor,
}

pub const OFFICER: &str = "officer@torino.it";
pub const ADMIN: &str = "admin@torino.it";
pub const CITIZEN: &str = "citizen@torino.it";
pub const REPRESENTATIVE: &str = "rep@torino.it";
pub const BOLOGNA_OFFICER: &str = "officer@bologna.it";
pub const INSTALLATION_ADMIN: &str = "root@cocity.example";

impl World {
    pub async fn new() -> World {
        let app = TestApp::spawn().await;
        let torino = app.municipality("torino", "Torino").await;
        let bologna = app.municipality("bologna", "Bologna").await;
        let torino_actor = app
            .actor(
                torino.id,
                "Fondazione Torino Smart City",
                "public",
                "foundation",
            )
            .await;
        let torino_other = app
            .actor(torino.id, "Torino Wireless", "third_sector", "foundation")
            .await;
        let bologna_actor = app
            .actor(
                bologna.id,
                "Fondazione per l'Innovazione Urbana",
                "public",
                "foundation",
            )
            .await;
        app.user(OFFICER, &[(torino.id, Role::Officer, None)], false)
            .await;
        app.user(ADMIN, &[(torino.id, Role::Admin, None)], false)
            .await;
        app.user(CITIZEN, &[(torino.id, Role::Citizen, None)], false)
            .await;
        app.user(
            REPRESENTATIVE,
            &[(torino.id, Role::Representative, Some(torino_actor.id))],
            false,
        )
        .await;
        app.user(BOLOGNA_OFFICER, &[(bologna.id, Role::Officer, None)], false)
            .await;
        app.user(INSTALLATION_ADMIN, &[], true).await;
        World {
            app,
            torino,

            torino_actor,
            torino_other,
            bologna_actor,
        }
    }

    pub async fn browser_as(&self, email: &str) -> Browser {
        let b = self.app.browser();
        b.login(email).await;
        b
    }
}

static PASSWORD_HASH: LazyLock<cocity_domain::accounts::PasswordHash> = LazyLock::new(|| {
    cocity_domain::accounts::password::hash(
        &cocity_domain::accounts::NewPassword::parse(PASSWORD).unwrap(),
    )
    .unwrap()
});

/// A user whose password is [`PASSWORD`], with the given roles.
pub async fn store_user(
    db: &Db,
    email: &str,
    roles: &[(MunicipalityId, Role, Option<ActorId>)],
    installation_admin: bool,
) {
    use cocity_domain::accounts::{DisplayName, Email, Language, NewUser};
    let ctx = cocity_store::AuditContext::system(1);
    let name = email.split('@').next().unwrap();
    let user = cocity_store::users::create(
        db,
        &ctx,
        &NewUser {
            email: Email::parse(email).unwrap(),
            display_name: DisplayName::parse(&format!("Utente {name}")).unwrap(),
            password_hash: PASSWORD_HASH.clone(),
            language: Language::It,
            is_installation_admin: installation_admin,
        },
    )
    .await
    .unwrap();
    for (m, role, actor) in roles {
        let grant = cocity_domain::RoleGrant::new(*m, *role, *actor).unwrap();
        cocity_store::roles::grant(db, &ctx, user.id, &grant)
            .await
            .unwrap();
    }
}

/// Creates `drafts` in one transaction, as an import does.
pub async fn store_import(
    db: &Db,
    m: MunicipalityId,
    drafts: &[cocity_domain::actors::ActorDraft],
) {
    cocity_store::actors::import_many(
        db,
        &cocity_store::AuditContext::new(None, Some(m), 1),
        m,
        drafts,
    )
    .await
    .unwrap();
}
