use super::data::{self, DataError};
use super::*;
use cocity_domain::actors::{ActorKind, Level, RelationKind, Sector};

fn municipality<'a>(all: &'a [data::DemoMunicipality], slug: &str) -> &'a data::DemoMunicipality {
    all.iter()
        .find(|m| m.draft.slug.as_str() == slug)
        .unwrap_or_else(|| panic!("no municipality {slug}"))
}

fn actor<'a>(m: &'a data::DemoMunicipality, name: &str) -> &'a data::DemoActor {
    m.actors
        .iter()
        .find(|a| a.draft.name.as_str() == name)
        .unwrap_or_else(|| panic!("no actor {name}"))
}

#[test]
fn the_data_set_holds_the_three_cities_and_their_named_actors() {
    let all = data::load().unwrap();
    let slugs: Vec<&str> = all.iter().map(|m| m.draft.slug.as_str()).collect();
    assert_eq!(slugs, ["torino", "bologna", "milano"]);
    assert_eq!(municipality(&all, "torino").draft.name.as_str(), "Torino");

    let torino = municipality(&all, "torino");
    for name in [
        "Comune di Torino",
        "Fondazione Torino Smart City",
        "Torino Wireless",
        "Compagnia di San Paolo",
        "Fondazione CRT",
        "Case di quartiere",
        "Politecnico di Torino",
        "Università degli Studi di Torino",
        "European Commission",
    ] {
        actor(torino, name);
    }
    let bologna = municipality(&all, "bologna");
    for name in [
        "Comune di Bologna",
        "Fondazione per l'Innovazione Urbana",
        "Labsus – Laboratorio per la sussidiarietà",
    ] {
        actor(bologna, name);
    }
    actor(municipality(&all, "milano"), "Politecnico di Milano");

    let fts = actor(torino, "Fondazione Torino Smart City");
    assert_eq!(
        (fts.draft.sector, fts.draft.level, fts.draft.kind),
        (Sector::ThirdSector, Level::Local, ActorKind::Foundation)
    );
    let ec = actor(bologna, "European Commission");
    assert_eq!(
        (ec.draft.sector, ec.draft.level, ec.draft.kind),
        (Sector::Public, Level::European, ActorKind::EuInstitution)
    );
}

#[test]
fn the_data_set_covers_every_sector_and_level() {
    let all = data::load().unwrap();
    let actors = || all.iter().flat_map(|m| m.actors.iter());
    for s in Sector::ALL {
        assert!(
            actors().any(|a| a.draft.sector == *s),
            "no demo actor in sector {s}"
        );
    }
    for l in Level::ALL {
        assert!(
            actors().any(|a| a.draft.level == *l),
            "no demo actor at level {l}"
        );
    }
    for a in actors() {
        assert!(
            a.draft.description.len() > 40,
            "{} has no real description",
            a.draft.name.as_str()
        );
    }
}

#[test]
fn relations_read_as_the_documents_state_them() {
    let all = data::load().unwrap();
    let torino = municipality(&all, "torino");
    let key = |i: usize| torino.actors[i].key.as_str();
    let has = |from: &str, kind: RelationKind, to: &str| {
        torino
            .relations
            .iter()
            .any(|r| key(r.from) == from && r.kind == kind && key(r.to) == to)
    };
    assert!(has(
        "fondazione-torino-smart-city",
        RelationKind::FoundedBy,
        "comune-torino"
    ));
    assert!(has(
        "torino-smart-city-unit",
        RelationKind::UnitOf,
        "comune-torino"
    ));
    assert!(has(
        "comune-torino",
        RelationKind::MemberOf,
        "torino-urban-lab"
    ));
    for m in &all {
        for r in &m.relations {
            assert_ne!(r.from, r.to);
        }
    }
}

/// A one-municipality data file with `actor` and `relation` spliced in.
fn file(actor: &str, relation: &str) -> String {
    format!(
        r#"{{"schema": "{}", "documents": {{"000": "seed"}}, "municipalities": [{{
            "slug": "torino", "name": "Torino", "name_en": "Turin",
            "actors": [
              {{"key": "a", "name": "Comune di Torino", "sector": "public", "level": "local", "kind": "municipality",
                "description_en": "The City of Turin.", "description_it": "Il Comune di Torino.",
                "sources": [{{"document": "000", "where": "intro", "quote": "Turin"}}]}}
              {actor}
            ],
            "relations": [{relation}]
        }}]}}"#,
        data::SCHEMA
    )
}

fn problems(text: &str) -> Vec<String> {
    match data::parse(text) {
        Ok(_) => panic!("accepted an invalid data file"),
        Err(DataError(p)) => p,
    }
}

#[test]
fn a_minimal_file_parses() {
    let m = data::parse(&file("", "")).unwrap();
    assert_eq!(m[0].actors.len(), 1);
}

#[test]
fn refuses_unknown_vocabulary_and_missing_sources() {
    let bad = r#", {"key": "b", "name": "Labsus", "sector": "royal", "level": "local", "kind": "association",
        "description_en": "x", "description_it": "y", "sources": []}"#;
    let p = problems(&file(bad, ""));
    assert!(
        p.iter()
            .any(|e| e.contains("actor \"b\"") && e.contains("actor-sector-unknown")),
        "{p:?}"
    );
    assert!(
        p.iter()
            .any(|e| e.contains("actor \"b\"") && e.contains("has no source")),
        "{p:?}"
    );
}

#[test]
fn refuses_relations_to_unknown_actors_and_unknown_documents() {
    let rel = r#"{"from": "a", "kind": "unit_of", "to": "nobody",
        "sources": [{"document": "999", "where": "x", "quote": "y"}]}"#;
    let p = problems(&file("", rel));
    assert!(
        p.iter().any(|e| e.contains("no actor with key \"nobody\"")),
        "{p:?}"
    );
    assert!(
        p.iter().any(|e| e.contains("unknown document \"999\"")),
        "{p:?}"
    );
}

#[test]
fn refuses_bad_dates_and_duplicate_names() {
    let dup = r#", {"key": "b", "name": "comune di torino", "sector": "public", "level": "local", "kind": "municipality",
        "description_en": "x", "description_it": "y", "sources": [{"document": "000", "where": "x", "quote": "y"}]}"#;
    let rel = r#"{"from": "a", "kind": "member_of", "to": "b", "start_date": "2014-02-30",
        "sources": [{"document": "000", "where": "x", "quote": "y"}]}"#;
    let p = problems(&file(dup, rel));
    assert!(p.iter().any(|e| e.contains("appears twice")), "{p:?}");
    assert!(
        p.iter().any(|e| e.contains("start_date \"2014-02-30\"")),
        "{p:?}"
    );
}

#[test]
fn prints_a_login_per_role() {
    let logins = DemoLogins {
        logins: DEMO_USERS
            .iter()
            .map(|u| DemoLogin {
                role: u.role,
                municipality: u.municipality,
                acts_for: u.actor,
                email: u.email,
                password: u.password,
                created_now: true,
            })
            .collect(),
        created: SeedCounts {
            municipalities: 3,
            actors: 40,
            relations: 14,
            users: 5,
        },
    };
    let text = logins.to_string();
    for role in [
        "citizen",
        "representative",
        "officer",
        "admin",
        "installation admin",
    ] {
        assert!(
            text.contains(&format!("  {role} ")),
            "no {role} line in:\n{text}"
        );
    }
    assert!(text.contains("torino, for Fondazione Torino Smart City: fondazione@torino.cocity.example / demo-representative-2026"));
    assert!(text.contains("Demo data loaded: 3 municipalities"));
}

mod database {
    use super::super::data;
    use super::super::*;
    use cocity_domain::accounts::password;
    use cocity_domain::actors::RelationKind;
    use cocity_store::testing::{MunicipalityBuilder, NOW_US, TestDb};

    /// (slug, actors, relations) per municipality, and the number of accounts.
    async fn counts(db: &Db) -> (Vec<(String, u64, usize)>, u64) {
        let mut per = Vec::new();
        for m in cocity_store::municipalities::list(db).await.unwrap() {
            let actors = cocity_store::actors::count(db, m.id).await.unwrap();
            let relations = cocity_store::relations::all(db, m.id).await.unwrap().len();
            per.push((m.slug.as_str().to_owned(), actors, relations));
        }
        per.sort();
        (per, cocity_store::users::count(db).await.unwrap())
    }

    #[tokio::test]
    async fn seeding_twice_loads_the_demo_once() {
        let t = TestDb::new().await;
        let set = data::load().unwrap();
        let actors: usize = set.iter().map(|m| m.actors.len()).sum();
        let relations: usize = set.iter().map(|m| m.relations.len()).sum();

        let first = seed(&t, NOW_US).await.unwrap();
        assert_eq!(
            first.created,
            SeedCounts {
                municipalities: 3,
                actors,
                relations,
                users: DEMO_USERS.len()
            }
        );
        assert!(first.logins.iter().all(|l| l.created_now));
        let after_first = counts(&t).await;
        assert_eq!(after_first.0.len(), 3);
        assert_eq!(after_first.1, DEMO_USERS.len() as u64);

        let second = seed(&t, NOW_US + 1_000_000).await.unwrap();
        assert_eq!(second.created, SeedCounts::default());
        assert!(second.logins.iter().all(|l| !l.created_now));
        assert_eq!(counts(&t).await, after_first);
        assert!(second.to_string().contains("already present"));
    }

    #[tokio::test]
    async fn stored_actors_and_relations_are_the_data_set() {
        let t = TestDb::new().await;
        seed(&t, NOW_US).await.unwrap();
        for m in data::load().unwrap() {
            let stored = cocity_store::municipalities::by_slug(&t, m.draft.slug.as_str())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(stored.name, m.draft.name);
            let actors = cocity_store::actors::export_all(&t, stored.id, true)
                .await
                .unwrap();
            assert_eq!(actors.len(), m.actors.len());
            for a in &m.actors {
                let s = actors.iter().find(|s| s.name == a.draft.name).unwrap();
                assert_eq!(s.draft(), a.draft, "{} differs once stored", a.key);
            }
            let name_of = |id: ActorId| {
                actors
                    .iter()
                    .find(|a| a.id == id)
                    .map(|a| a.name.as_str().to_owned())
                    .unwrap()
            };
            let mut expected: Vec<(String, RelationKind, String)> = m
                .relations
                .iter()
                .map(|r| {
                    (
                        m.actors[r.from].draft.name.as_str().to_owned(),
                        r.kind,
                        m.actors[r.to].draft.name.as_str().to_owned(),
                    )
                })
                .collect();
            let mut got: Vec<(String, RelationKind, String)> =
                cocity_store::relations::all(&t, stored.id)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| (name_of(r.from), r.kind, name_of(r.to)))
                    .collect();
            expected.sort();
            got.sort();
            assert_eq!(got, expected, "relations of {}", m.draft.slug);
        }
        let torino = cocity_store::municipalities::by_slug(&t, "torino")
            .await
            .unwrap()
            .unwrap();
        let fts = cocity_store::actors::by_name(&t, torino.id, "Fondazione Torino Smart City")
            .await
            .unwrap()
            .unwrap();
        let comune = cocity_store::actors::by_name(&t, torino.id, "Comune di Torino")
            .await
            .unwrap()
            .unwrap();
        let rels = cocity_store::relations::all(&t, torino.id).await.unwrap();
        assert!(
            rels.iter().any(|r| r.from == fts.id
                && r.kind == RelationKind::FoundedBy
                && r.to == comune.id)
        );
    }

    #[tokio::test]
    async fn demo_accounts_log_in_with_their_printed_passwords_and_hold_their_roles() {
        let t = TestDb::new().await;
        let logins = seed(&t, NOW_US).await.unwrap();
        let torino = cocity_store::municipalities::by_slug(&t, "torino")
            .await
            .unwrap()
            .unwrap();
        let fts = cocity_store::actors::by_name(&t, torino.id, "Fondazione Torino Smart City")
            .await
            .unwrap()
            .unwrap();
        for l in &logins.logins {
            let email = cocity_domain::accounts::Email::parse(l.email).unwrap();
            let user = cocity_store::users::by_email(&t, &email)
                .await
                .unwrap()
                .unwrap();
            assert!(
                password::verify(l.password, &user.password_hash),
                "{} does not log in with {}",
                l.email,
                l.password
            );
            assert!(!password::verify("wrong-password", &user.password_hash));
            let roles = cocity_store::roles::for_user(&t, user.id).await.unwrap();
            match l.role {
                DemoRole::InstallationAdmin => {
                    assert!(user.is_installation_admin);
                    assert!(roles.is_empty());
                }
                DemoRole::In(role) => {
                    assert!(!user.is_installation_admin);
                    let actor = (role == Role::Representative).then_some(fts.id);
                    assert_eq!(
                        roles,
                        vec![RoleGrant {
                            municipality: torino.id,
                            role,
                            actor
                        }],
                        "{}",
                        l.email
                    );
                }
            }
        }
    }

    #[tokio::test]
    async fn a_municipality_that_exists_already_is_left_as_it_is() {
        let t = TestDb::new().await;
        MunicipalityBuilder::new("milano")
            .name("Milano")
            .create(&t)
            .await;
        let logins = seed(&t, NOW_US).await.unwrap();
        assert_eq!(logins.created.municipalities, 2);
        let milano = cocity_store::municipalities::by_slug(&t, "milano")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cocity_store::actors::count(&t, milano.id).await.unwrap(), 0);
        let bologna = cocity_store::municipalities::by_slug(&t, "bologna")
            .await
            .unwrap()
            .unwrap();
        assert!(cocity_store::actors::count(&t, bologna.id).await.unwrap() > 5);
    }
}
