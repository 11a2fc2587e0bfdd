//! The JSON API: shapes, filters, pagination, writes and their problems.

use crate::helpers::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn the_api_creates_reads_patches_replaces_and_archives() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let r = officer
        .api(
            Method::POST,
            "/api/v1/m/torino/actors",
            Some(json!({
                "name": "Politecnico di Torino", "sector": "knowledge", "level": "international", "kind": "university",
                "website": "https://www.polito.it", "identifiers": [{"scheme": "it_tax_code", "value": "00518460019"}],
                "location": {"lat": 45.0625, "lon": 7.6625}
            })),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["identifiers"][0]["value"], "00518460019");
    assert_eq!(created["location"]["lat"], 45.0625);
    assert!(created["archived_at"].is_null());

    let r = officer
        .api(
            Method::PATCH,
            &format!("/api/v1/m/torino/actors/{id}"),
            Some(json!({"description": "Ateneo tecnico", "website": null})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let patched: Value = r.json().await.unwrap();
    assert_eq!(patched["description"], "Ateneo tecnico");
    assert!(patched["website"].is_null());
    assert_eq!(patched["name"], "Politecnico di Torino");
    assert_eq!(patched["identifiers"][0]["scheme"], "it_tax_code");

    let r = officer
        .api(Method::PUT, &format!("/api/v1/m/torino/actors/{id}"), Some(json!({"name": "PoliTo", "sector": "knowledge", "level": "national", "kind": "university"})))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let replaced: Value = r.json().await.unwrap();
    assert_eq!(replaced["level"], "national");
    assert_eq!(replaced["identifiers"], json!([]));

    let r = officer.get(&format!("/api/v1/m/torino/actors/{id}")).await;
    let detail: Value = r.json().await.unwrap();
    assert_eq!(detail["name"], "PoliTo");
    assert_eq!(detail["relations"], json!([]));

    let r = officer
        .api(
            Method::DELETE,
            &format!("/api/v1/m/torino/actors/{id}"),
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let archived: Value = r.json().await.unwrap();
    assert!(archived["archived_at"].is_i64());
    let r = officer
        .api(
            Method::PATCH,
            &format!("/api/v1/m/torino/actors/{id}"),
            Some(json!({"name": "Again"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/api/docs#problem-archived");
}

#[tokio::test]
async fn invalid_bodies_are_422_or_400_problems_never_500() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let r = officer
        .api(
            Method::POST,
            "/api/v1/m/torino/actors",
            Some(json!({"name": "", "sector": "royal", "level": "local", "kind": "association"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/api/docs#problem-validation");
    assert_eq!(p["errors"]["name"], json!(["actor-name-required"]));
    assert_eq!(p["errors"]["sector"], json!(["actor-sector-unknown"]));
    let token = officer.csrf().await;
    let r = officer
        .client
        .post(officer.url("/api/v1/m/torino/actors"))
        .header("x-csrf-token", &token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = officer
        .client
        .post(officer.url("/api/v1/m/torino/actors"))
        .header("x-csrf-token", &token)
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error());
    let r = officer
        .api(
            Method::POST,
            &format!("/api/v1/m/torino/actors/{}/relations", w.torino_actor.id),
            Some(json!({"other_actor": w.torino_actor.id, "kind": "member_of"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"]["other_actor"], json!(["relation-self"]));
    let r = officer.get("/api/v1/m/torino/actors/abc").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_api_list_filters_and_pages_like_the_page() {
    let w = World::new().await;
    for i in 0..30 {
        w.app
            .actor(
                w.torino.id,
                &format!("Cooperativa {i:02}"),
                "third_sector",
                "cooperative",
            )
            .await;
    }
    let b = w.app.browser();
    let page: Value = b
        .get("/api/v1/m/torino/actors?kind=cooperative&per_page=25&page=2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 30);
    assert_eq!(page["page"], 2);
    assert_eq!(page["per_page"], 25);
    assert_eq!(page["total_pages"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let clamped: Value = b
        .get("/api/v1/m/torino/actors?per_page=1000")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(clamped["per_page"], 100);
    let text: Value = b
        .get("/api/v1/m/torino/actors?q=smart")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(text["total"], 1);
    assert_eq!(text["items"][0]["name"], "Fondazione Torino Smart City");
    let r = b.get("/api/v1/m/torino/actors?sector=royal").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["errors"]["sector"], json!(["actor-sector-unknown"]));
}

#[tokio::test]
async fn relations_through_the_api() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let from = w.torino_other.id;
    let r = officer
        .api(Method::POST, &format!("/api/v1/m/torino/actors/{from}/relations"), Some(json!({"other_actor": w.torino_actor.id, "kind": "funded_by", "start_date": "2018-05-01"})))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let rel: Value = r.json().await.unwrap();
    assert_eq!(rel["kind"], "funded_by");
    assert_eq!(rel["start_date"], "2018-05-01");
    let both: Value = officer
        .get(&format!(
            "/api/v1/m/torino/actors/{}/relations",
            w.torino_actor.id
        ))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(both.as_array().unwrap().len(), 1);
    let r = officer
        .api(
            Method::POST,
            &format!("/api/v1/m/torino/actors/{from}/relations"),
            Some(json!({"other_actor": w.bologna_actor.id, "kind": "funded_by"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
