//! Registration, sign-in (with throttling), sign-out and password change.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn registering_makes_a_signed_in_citizen_of_the_municipality() {
    let w = World::new().await;
    let b = w.app.browser();
    let r = b
        .post_form(
            "/m/torino/register",
            &[
                ("email", "Nuova@Example.IT"),
                ("display_name", "Nuova Cittadina"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/m/torino/actors");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cocity_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (_, body) = b.get_text("/m/torino/actors").await;
    assert!(
        body.contains("Nuova Cittadina"),
        "the layout shows the signed-in name"
    );
    // A citizen: reads, but does not manage the registry.
    assert_eq!(
        b.get("/m/torino/actors/new").await.status(),
        StatusCode::FORBIDDEN
    );
    // The address is unique whatever its case.
    let again = w.app.browser();
    let r = again
        .post_form(
            "/m/bologna/register",
            &[
                ("email", "nuova@example.it"),
                ("display_name", "Doppia"),
                ("password", PASSWORD),
                ("password_confirmation", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Esiste già un account con questo indirizzo email."),
        "{body}"
    );
}

#[tokio::test]
async fn an_invalid_registration_comes_back_with_messages_and_the_input_kept() {
    let w = World::new().await;
    let b = w.app.browser();
    let r = b
        .post_form(
            "/m/torino/register",
            &[
                ("email", "non-una-email"),
                ("display_name", "Anna <b>Rossi</b>"),
                ("password", "corta"),
                ("password_confirmation", "corta"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Questo indirizzo email non è valido."),
        "{body}"
    );
    assert!(body.contains("La password deve avere almeno 8 caratteri."));
    assert!(body.contains("value=\"non-una-email\""), "input kept");
    assert!(
        body.contains("Anna &#60;b&#62;Rossi&#60;/b&#62;")
            || body.contains("Anna &lt;b&gt;Rossi&lt;/b&gt;"),
        "input kept and escaped"
    );
    assert!(
        !body.contains("value=\"corta\""),
        "passwords are not sent back"
    );
    assert!(body.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn sign_in_fails_with_a_clear_message_and_is_throttled() {
    let w = World::new().await;
    let b = w.app.browser();
    for _ in 0..5 {
        let r = b
            .post_form(
                "/login",
                &[("email", OFFICER), ("password", "wrong password")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let body = r.text().await.unwrap();
        assert!(body.contains("Email o password non corretti."));
        assert!(
            body.contains(&format!("value=\"{OFFICER}\"")),
            "the email is kept"
        );
    }
    // The sixth attempt is refused even with the right password.
    let r = b
        .post_form("/login", &[("email", OFFICER), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let body = r.text().await.unwrap();
    assert!(body.contains("Riprova tra 15 minuti"), "{body}");
    // Another account from the same address is not locked by these failures.
    let r = b
        .post_form("/login", &[("email", ADMIN), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_and_never_off_site() {
    let w = World::new().await;
    let b = w.app.browser();
    let r = b.get("/m/torino/actors/new").await;
    assert_eq!(
        r.headers()["location"],
        "/login?next=%2Fm%2Ftorino%2Factors%2Fnew"
    );
    let r = b
        .post_form(
            "/login",
            &[
                ("email", OFFICER),
                ("password", PASSWORD),
                ("next", "/m/torino/actors/new"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/m/torino/actors/new");
    let b2 = w.app.browser();
    let r = b2
        .post_form(
            "/login",
            &[
                ("email", OFFICER),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let w = World::new().await;
    let login = w.app.browser();
    let r = login
        .post_form("/login", &[("email", OFFICER), ("password", PASSWORD)])
        .await;
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("cocity_session="))
        .unwrap();
    let session = session.split(';').next().unwrap().to_owned();
    // The same cookie, replayed by hand from another client.
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let replay = || {
        raw.get(format!("{}/m/torino/audit", w.app.base))
            .header("cookie", &session)
            .send()
    };
    assert_eq!(replay().await.unwrap().status(), StatusCode::OK);
    let r = login.post_form("/logout", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        replay().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "a logged-out session still works"
    );
}

#[tokio::test]
async fn a_password_change_needs_the_current_password() {
    let w = World::new().await;
    let b = w.browser_as(CITIZEN).await;
    let r = b
        .post_form(
            "/account/password",
            &[
                ("current_password", "not it"),
                ("password", "another long one"),
                ("password_confirmation", "another long one"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("La password attuale non è corretta.")
    );
    let r = b
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "another long one"),
                ("password_confirmation", "another long one"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Password cambiata."));
    let fresh = w.app.browser();
    let r = fresh
        .post_form("/login", &[("email", CITIZEN), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = fresh
        .post_form(
            "/login",
            &[("email", CITIZEN), ("password", "another long one")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let anon = w.app.browser();
    assert_eq!(
        anon.get("/account/password").await.status(),
        StatusCode::SEE_OTHER
    );
}
