use crate::{audit_rows, ctx};
use cocity_domain::municipalities::{MunicipalityDraft, MunicipalityInput};
use cocity_store::testing::{MunicipalityBuilder, TestDb};
use cocity_store::{StoreError, municipalities};

fn draft(slug: &str, name: &str) -> MunicipalityDraft {
    MunicipalityDraft::parse(&MunicipalityInput {
        slug: slug.into(),
        name: name.into(),
    })
    .unwrap()
}

#[tokio::test]
async fn creates_lists_and_finds_by_slug() {
    let db = TestDb::new().await;
    let torino = municipalities::create(&db, &ctx(None, 0), &draft("torino", "Torino"))
        .await
        .unwrap();
    municipalities::create(&db, &ctx(None, 0), &draft("bologna", "Bologna"))
        .await
        .unwrap();
    let names: Vec<String> = municipalities::list(&db)
        .await
        .unwrap()
        .iter()
        .map(|m| m.name.as_str().to_owned())
        .collect();
    assert_eq!(names, ["Bologna", "Torino"]);
    assert_eq!(
        municipalities::by_slug(&db, "torino").await.unwrap(),
        Some(torino.clone())
    );
    assert_eq!(
        municipalities::by_id(&db, torino.id).await.unwrap(),
        Some(torino)
    );
    assert_eq!(municipalities::by_slug(&db, "milano").await.unwrap(), None);
}

#[tokio::test]
async fn a_taken_slug_is_a_conflict_on_slug() {
    let db = TestDb::new().await;
    MunicipalityBuilder::new("torino").create(&db).await;
    let err = municipalities::create(&db, &ctx(None, 0), &draft("torino", "Torino 2"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "slug" }),
        "{err:?}"
    );
}

#[tokio::test]
async fn updates_with_before_and_after_in_the_audit() {
    let db = TestDb::new().await;
    let m = MunicipalityBuilder::new("torino").create(&db).await;
    let other = MunicipalityBuilder::new("milano").create(&db).await;
    let updated = municipalities::update(
        &db,
        &ctx(None, 5),
        m.id,
        &draft("torino", "Città di Torino"),
    )
    .await
    .unwrap();
    assert_eq!(updated.name.as_str(), "Città di Torino");
    let last = audit_rows(&db).await.pop().unwrap();
    assert_eq!(last.action, "municipality.update");
    assert!(last.before.unwrap().contains("\"Torino\""));
    assert!(last.after.unwrap().contains("Città di Torino"));
    let err = municipalities::update(&db, &ctx(None, 5), m.id, &draft("milano", "X"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "slug" }),
        "{err:?}"
    );
    let err = municipalities::update(
        &db,
        &ctx(None, 5),
        cocity_domain::MunicipalityId(other.id.0 + 100),
        &draft("x1", "X"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
}
