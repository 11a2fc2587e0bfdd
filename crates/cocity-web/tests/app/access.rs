//! Every endpoint that changes data or shows staff data refuses the anonymous visitor, a
//! user with the wrong role, and a user of another municipality — and changes nothing.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[derive(Clone, Copy, Debug)]
enum Body {
    None,
    ActorForm,
    RelationForm,
    MunicipalityForm,
    Csv,
    ActorJson,
    PatchJson,
    RelationJson,
}

struct Endpoint {
    method: Method,
    path: String,
    body: Body,
}

fn ep(method: Method, path: String, body: Body) -> Endpoint {
    Endpoint { method, path, body }
}

async fn call(b: &Browser, e: &Endpoint, other_actor: i64) -> reqwest::Response {
    let token = b.csrf().await;
    let url = b.url(&e.path);
    let other = other_actor.to_string();
    let req = b
        .client
        .request(e.method.clone(), &url)
        .header("x-csrf-token", &token);
    let req = match e.body {
        Body::None => req,
        Body::ActorForm => req.form(&[
            ("name", "Renamed by an intruder"),
            ("sector", "civic"),
            ("level", "local"),
            ("kind", "association"),
        ]),
        Body::RelationForm => req.form(&[("other_actor", other.as_str()), ("kind", "member_of")]),
        Body::MunicipalityForm => req.form(&[("slug", "intrusa"), ("name", "Intrusa")]),
        Body::Csv => req.multipart(
            reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"name,sector,level,kind\nIntrusa,civic,local,association\n".to_vec())
                    .file_name("a.csv"),
            ),
        ),
        Body::ActorJson => req.json(&json!({"name": "Renamed by an intruder", "sector": "civic", "level": "local", "kind": "association"})),
        Body::PatchJson => req.json(&json!({"name": "Renamed by an intruder"})),
        Body::RelationJson => req.json(&json!({"other_actor": other_actor, "kind": "member_of"})),
    };
    req.send().await.unwrap()
}

fn protected(w: &World) -> (Vec<Endpoint>, Vec<Endpoint>) {
    let id = w.torino_actor.id;
    let pages = vec![
        ep(Method::GET, "/m/torino/actors/new".into(), Body::None),
        ep(Method::POST, "/m/torino/actors/new".into(), Body::ActorForm),
        ep(
            Method::GET,
            format!("/m/torino/actors/{id}/edit"),
            Body::None,
        ),
        ep(
            Method::POST,
            format!("/m/torino/actors/{id}/edit"),
            Body::ActorForm,
        ),
        ep(
            Method::POST,
            format!("/m/torino/actors/{id}/archive"),
            Body::None,
        ),
        ep(
            Method::POST,
            format!("/m/torino/actors/{id}/relations"),
            Body::RelationForm,
        ),
        ep(Method::GET, "/m/torino/actors/import".into(), Body::None),
        ep(Method::POST, "/m/torino/actors/import".into(), Body::Csv),
        ep(Method::GET, "/m/torino/audit".into(), Body::None),
        ep(Method::GET, "/m/torino/audit.csv".into(), Body::None),
        ep(Method::GET, "/admin/municipalities".into(), Body::None),
        ep(
            Method::POST,
            "/admin/municipalities".into(),
            Body::MunicipalityForm,
        ),
    ];
    let api = vec![
        ep(
            Method::POST,
            "/api/v1/m/torino/actors".into(),
            Body::ActorJson,
        ),
        ep(
            Method::PUT,
            format!("/api/v1/m/torino/actors/{id}"),
            Body::ActorJson,
        ),
        ep(
            Method::PATCH,
            format!("/api/v1/m/torino/actors/{id}"),
            Body::PatchJson,
        ),
        ep(
            Method::DELETE,
            format!("/api/v1/m/torino/actors/{id}"),
            Body::None,
        ),
        ep(
            Method::POST,
            format!("/api/v1/m/torino/actors/{id}/relations"),
            Body::RelationJson,
        ),
    ];
    (pages, api)
}

async fn assert_nothing_changed(w: &World, audit_rows_before: u64) {
    let actor = cocity_store::actors::get(&w.app.db, w.torino.id, w.torino_actor.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(actor.name.as_str(), "Fondazione Torino Smart City");
    assert!(actor.archived_at.is_none());
    assert!(
        cocity_store::municipalities::by_slug(&w.app.db, "intrusa")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        audit_rows(w).await,
        audit_rows_before,
        "a refused request wrote to the audit log"
    );
}

async fn audit_rows(w: &World) -> u64 {
    let page = cocity_store::audit::list(
        &w.app.db,
        None,
        &cocity_domain::audit::AuditFilter::default(),
        cocity_domain::pagination::PageRequest::new(None, None),
    )
    .await
    .unwrap();
    page.total
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_or_get_401() {
    let w = World::new().await;
    let anon = w.app.browser();
    let before = audit_rows(&w).await;
    let (pages, api) = protected(&w);
    for e in &pages {
        let r = call(&anon, e, w.torino_other.id.0).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{} {}", e.method, e.path);
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with("/login?next="),
            "{} {} → {location}",
            e.method,
            e.path
        );
    }
    for e in &api {
        let r = call(&anon, e, w.torino_other.id.0).await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{} {}",
            e.method,
            e.path
        );
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = r.json().await.unwrap();
        assert_eq!(problem["type"], "/api/docs#problem-not-signed-in");
    }
    assert_nothing_changed(&w, before).await;
}

#[tokio::test]
async fn a_citizen_has_the_wrong_role() {
    let w = World::new().await;
    let citizen = w.browser_as(CITIZEN).await;
    let before = audit_rows(&w).await;
    let (pages, api) = protected(&w);
    for e in pages.iter().chain(api.iter()) {
        let r = call(&citizen, e, w.torino_other.id.0).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{} {}", e.method, e.path);
        if e.path.starts_with("/api/") {
            let problem: serde_json::Value = r.json().await.unwrap();
            assert_eq!(
                problem["type"], "/api/docs#problem-wrong-role",
                "{} {}",
                e.method, e.path
            );
        } else {
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/html")
            );
        }
    }
    assert_nothing_changed(&w, before).await;
}

#[tokio::test]
async fn an_officer_of_another_municipality_is_refused() {
    let w = World::new().await;
    let outsider = w.browser_as(BOLOGNA_OFFICER).await;
    let before = audit_rows(&w).await;
    let (pages, api) = protected(&w);
    for e in pages.iter().chain(api.iter()) {
        let r = call(&outsider, e, w.torino_other.id.0).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{} {}", e.method, e.path);
        if e.path.starts_with("/api/") {
            let problem: serde_json::Value = r.json().await.unwrap();
            assert_eq!(
                problem["type"], "/api/docs#problem-other-municipality",
                "{} {}",
                e.method, e.path
            );
        }
    }
    assert_nothing_changed(&w, before).await;
}

#[tokio::test]
async fn a_representative_may_edit_only_their_own_actor_and_archive_nothing() {
    let w = World::new().await;
    let rep = w.browser_as(REPRESENTATIVE).await;
    let other = w.torino_other.id;
    let own = w.torino_actor.id;
    let r = rep.get(&format!("/m/torino/actors/{other}/edit")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = rep
        .api(
            Method::PATCH,
            &format!("/api/v1/m/torino/actors/{other}"),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let problem: serde_json::Value = r.json().await.unwrap();
    assert_eq!(problem["type"], "/api/docs#problem-not-your-actor");
    let r = rep
        .post_form(&format!("/m/torino/actors/{own}/archive"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = rep.get(&format!("/m/torino/actors/{own}/edit")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = rep
        .api(
            Method::PATCH,
            &format!("/api/v1/m/torino/actors/{own}"),
            Some(json!({"description": "Aggiornata dal rappresentante"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["description"], "Aggiornata dal rappresentante");
    assert_eq!(body["name"], "Fondazione Torino Smart City");
}

#[tokio::test]
async fn a_municipality_admin_cannot_manage_municipalities_but_the_installation_admin_can() {
    let w = World::new().await;
    let admin = w.browser_as(ADMIN).await;
    assert_eq!(
        admin.get("/admin/municipalities").await.status(),
        StatusCode::FORBIDDEN
    );
    let root = w.browser_as(INSTALLATION_ADMIN).await;
    assert_eq!(
        root.get("/admin/municipalities").await.status(),
        StatusCode::OK
    );
    let r = root
        .post_form(
            "/admin/municipalities",
            &[("slug", "milano"), ("name", "Milano")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        cocity_store::municipalities::by_slug(&w.app.db, "milano")
            .await
            .unwrap()
            .is_some()
    );
    // The installation admin holds no role in Turin: managing its registry is refused.
    assert_eq!(
        root.get("/m/torino/actors/new").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn public_reads_need_no_sign_in() {
    let w = World::new().await;
    let anon = w.app.browser();
    let id = w.torino_actor.id;
    for path in [
        "/".to_owned(),
        "/m/torino/actors".to_owned(),
        format!("/m/torino/actors/{id}"),
        "/m/torino/actors.csv".to_owned(),
        "/api/v1/m/torino/actors".to_owned(),
        format!("/api/v1/m/torino/actors/{id}"),
        format!("/api/v1/m/torino/actors/{id}/relations"),
        "/api/v1/m/torino/popolo.json".to_owned(),
        "/m/torino/register".to_owned(),
        "/login".to_owned(),
    ] {
        assert_eq!(anon.get(&path).await.status(), StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn ids_of_one_municipality_are_not_found_through_another() {
    let w = World::new().await;
    let anon = w.app.browser();
    let turin_id = w.torino_actor.id;
    assert_eq!(
        anon.get(&format!("/m/bologna/actors/{turin_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        anon.get(&format!("/api/v1/m/bologna/actors/{turin_id}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Even Bologna's own officer cannot reach a Turin actor through Bologna's URLs.
    let outsider = w.browser_as(BOLOGNA_OFFICER).await;
    let r = outsider
        .api(
            Method::PATCH,
            &format!("/api/v1/m/bologna/actors/{turin_id}"),
            Some(json!({"name": "X"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        anon.get("/m/nowhere/actors").await.status(),
        StatusCode::NOT_FOUND
    );
}
