//! The audit log pages: every change is there, filterable and exportable.

use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn changes_appear_in_the_audit_log_with_filters_and_csv() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let r = officer
        .post_form(
            "/m/torino/actors/new",
            &[
                ("name", "Labsus"),
                ("sector", "third_sector"),
                ("level", "national"),
                ("kind", "association"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let id = w.torino_other.id;
    officer
        .post_form(&format!("/m/torino/actors/{id}/archive"), &[])
        .await;

    let (status, page) = officer.get_text("/m/torino/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("actor.create") && page.contains("actor.archive") && page.contains(OFFICER),
        "{page}"
    );
    assert!(page.contains("Labsus"), "the after-state is shown");
    let (_, only_archive) = officer
        .get_text("/m/torino/audit?action=actor.archive")
        .await;
    assert!(
        only_archive.contains("actor.archive")
            && !only_archive.contains("<code>actor.create</code>")
    );
    let (_, future) = officer.get_text("/m/torino/audit?from=2999-01-01").await;
    assert!(
        future.contains("0 risultati")
            || future.contains("Nessun")
            || !future.contains("<code>actor."),
        "{future}"
    );
    let (status, bad) = officer
        .get_text("/m/torino/audit?from=2024-02-30&user=abc")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.contains("Data non valida")
            && bad.contains("ID utente deve essere un numero intero positivo.")
    );
    assert!(bad.contains("value=\"2024-02-30\""), "input kept");

    let r = officer.get("/m/torino/audit.csv?action=actor.create").await;
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("id,at,user_id,user_email,municipality_id,action"));
    assert!(csv.contains("actor.create") && !csv.contains("actor.archive"));
    // Bologna's log does not hold Turin's changes.
    let bologna_officer = w.browser_as(BOLOGNA_OFFICER).await;
    let (_, bologna) = bologna_officer.get_text("/m/bologna/audit").await;
    assert!(!bologna.contains("Labsus"));
}
