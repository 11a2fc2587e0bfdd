//! Installation administration of municipalities.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn the_installation_admin_creates_municipalities_with_checked_slugs() {
    let w = World::new().await;
    let root = w.browser_as(INSTALLATION_ADMIN).await;
    let r = root
        .post_form(
            "/admin/municipalities",
            &[("slug", "Reggio Emilia"), ("name", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("identificativo deve avere da 2 a 40 caratteri")
            && body.contains("Indica il nome del comune.")
    );
    assert!(body.contains("value=\"Reggio Emilia\""));
    let r = root
        .post_form(
            "/admin/municipalities",
            &[("slug", "torino"), ("name", "Torino bis")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Esiste già un comune con questo identificativo.")
    );
    let r = root
        .post_form(
            "/admin/municipalities",
            &[("slug", "reggio-emilia"), ("name", "Reggio Emilia")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, home) = w.app.browser().get_text("/").await;
    assert!(home.contains("/m/reggio-emilia/actors") && home.contains("Reggio Emilia"));
}
