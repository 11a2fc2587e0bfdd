//! Behaviour every response shares: security headers, error pages, body limit, CSRF,
//! health, language, the OpenAPI document.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let w = World::new().await;
    let b = w.app.browser();
    for path in [
        "/",
        "/m/torino/actors",
        "/api/v1/m/torino/actors",
        "/no/such/page",
        "/static/app.css",
        "/healthz",
        "/api/v1/openapi.json",
    ] {
        let r = b.get(path).await;
        let h = r.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    }
}

#[tokio::test]
async fn pages_have_no_inline_script_or_style() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let id = w.torino_actor.id;
    for path in [
        "/",
        "/m/torino/actors".to_owned().as_str(),
        &format!("/m/torino/actors/{id}"),
        "/m/torino/actors/new",
        "/m/torino/audit",
        "/api/docs",
    ] {
        let (status, body) = officer.get_text(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!body.contains("<script"), "{path} has a script");
        assert!(!body.contains("style="), "{path} has an inline style");
        assert!(!body.contains("<style"), "{path} has a style element");
        // Landmarks, a skip link and one h1.
        for landmark in [
            "<header",
            "<nav",
            "<main id=\"main\"",
            "<footer",
            "href=\"#main\"",
        ] {
            assert!(body.contains(landmark), "{path} lacks {landmark}");
        }
        assert_eq!(body.matches("<h1").count(), 1, "{path} should have one h1");
    }
}

#[tokio::test]
async fn every_input_has_a_label() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let id = w.torino_actor.id;
    let input = regex::Regex::new(r#"<(?:input|select|textarea)\b[^>]*>"#).unwrap();
    let id_attr = regex::Regex::new(r#"\bid="([^"]+)""#).unwrap();
    for path in [
        "/m/torino/actors".to_owned(),
        format!("/m/torino/actors/{id}"),
        "/m/torino/actors/new".into(),
        "/m/torino/actors/import".into(),
        "/m/torino/audit".into(),
        "/account/password".into(),
    ] {
        let (_, body) = officer.get_text(&path).await;
        for tag in input.find_iter(&body) {
            let tag = tag.as_str();
            if tag.contains("type=\"hidden\"") {
                continue;
            }
            let id = id_attr
                .captures(tag)
                .unwrap_or_else(|| panic!("{path}: input without id: {tag}"));
            assert!(
                body.contains(&format!("for=\"{}\"", &id[1])),
                "{path}: no label for {tag}"
            );
        }
    }
}

#[tokio::test]
async fn unknown_pages_are_real_404_pages() {
    let w = World::new().await;
    let b = w.app.browser();
    let r = b
        .client
        .get(b.url("/no/such/page"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = r.text().await.unwrap();
    assert!(body.contains("Page not found"), "{body}");
    assert!(body.contains("<main"));
    let r = b.get("/api/v1/nothing-here").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/api/docs#problem-not-found");
    assert_eq!(p["status"], 404);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let token = officer.csrf().await;
    let big = "x".repeat(cocity_web::config::DEFAULT_BODY_LIMIT + 1024);
    let r = officer
        .client
        .post(officer.url("/m/torino/actors/new"))
        .form(&[("csrf", token.as_str()), ("name", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = officer
        .client
        .post(officer.url("/api/v1/m/torino/actors"))
        .header("x-csrf-token", &token)
        .header("content-type", "application/json")
        .body(format!("{{\"name\":\"{big}\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}

#[tokio::test]
async fn a_post_without_a_valid_csrf_token_is_refused_and_changes_nothing() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let fields = [
        ("name", "Senza token"),
        ("sector", "civic"),
        ("level", "local"),
        ("kind", "association"),
    ];
    let r = officer
        .post_form_without_csrf("/m/torino/actors/new", &fields)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let mut with_bad: Vec<(&str, &str)> = fields.to_vec();
    with_bad.push(("csrf", "0000"));
    let r = officer
        .client
        .post(officer.url("/m/torino/actors/new"))
        .form(&with_bad)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = officer
        .client
        .post(officer.url("/api/v1/m/torino/actors"))
        .json(&serde_json::json!({"name": "Senza token", "sector": "civic", "level": "local", "kind": "association"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["type"], "/api/docs#problem-csrf");
    // Another browser's valid token does not count either.
    let other = w.app.browser();
    let foreign = other.csrf().await;
    let mut with_foreign: Vec<(&str, &str)> = fields.to_vec();
    with_foreign.push(("csrf", &foreign));
    let r = officer
        .client
        .post(officer.url("/m/torino/actors/new"))
        .form(&with_foreign)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Logout without a token keeps the session.
    let r = officer.post_form_without_csrf("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        officer.get("/m/torino/actors/new").await.status(),
        StatusCode::OK
    );
    let (_, list) = officer.get_text("/m/torino/actors?q=senza").await;
    assert!(
        !list.contains("Senza token"),
        "an actor was created without a token"
    );
    let filter = cocity_domain::actors::ActorFilter {
        text: Some("senza".into()),
        ..Default::default()
    };
    let found = cocity_store::actors::list(
        &w.app.db,
        w.torino.id,
        &filter,
        cocity_domain::pagination::PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(found.total, 0);
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let w = World::new().await;
    let b = w.app.browser();
    assert_eq!(b.get("/healthz").await.status(), StatusCode::OK);
    w.app.db.close().await;
    assert_eq!(
        b.get("/healthz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn the_actor_list_speaks_italian_or_english() {
    let w = World::new().await;
    let b = w.app.browser();
    let (status, it) = b
        .get_lang("/m/torino/actors", "it-IT,it;q=0.9,en;q=0.5")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        it.contains("Attori di Torino") && it.contains("<html lang=\"it\">"),
        "{it}"
    );
    assert!(it.contains("Fondazione"));
    let (_, en) = b.get_lang("/m/torino/actors", "en-GB,en;q=0.9").await;
    assert!(
        en.contains("Actors of Torino") && en.contains("<html lang=\"en\">"),
        "{en}"
    );
    let (_, default) = b.get_lang("/m/torino/actors", "de-DE").await;
    assert!(default.contains("Attori di Torino"));
}

#[tokio::test]
async fn the_language_switch_sets_a_cookie_that_wins_over_the_browser() {
    let w = World::new().await;
    let b = w.app.browser();
    let r = b
        .post_form("/lang", &[("lang", "en"), ("next", "/m/torino/actors")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/m/torino/actors");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("lang=en")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (_, body) = b.get_lang("/m/torino/actors", "it").await;
    assert!(body.contains("Actors of Torino"));
    // An absolute URL as `next` is not followed off the site.
    let r = b
        .post_form(
            "/lang",
            &[("lang", "it"), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn cookies_are_secure_when_configured_for_tls() {
    let app = TestApp::spawn_with(cocity_web::WebConfig {
        secure_cookies: true,
        ..Default::default()
    })
    .await;
    let b = app.browser();
    let r = b.get("/").await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let plain = TestApp::spawn().await;
    let r = plain.browser().get("/").await;
    assert!(
        !r.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Secure")
    );
}

#[tokio::test]
async fn the_openapi_document_is_generated_and_documented() {
    let w = World::new().await;
    let b = w.app.browser();
    let r = b.get("/api/v1/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: serde_json::Value = r.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", doc);
    let (status, page) = b.get_text("/api/docs").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("/api/v1/m/{slug}/actors"));
    assert!(page.contains("id=\"problem-wrong-role\""));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "the docs page must use no external assets"
    );
}
