use crate::{audit_rows, ctx};
use cocity_domain::ActorId;
use cocity_domain::actors::{RelationDraft, RelationInput, RelationKind};
use cocity_store::StoreError;
use cocity_store::relations::{self, Direction};
use cocity_store::testing::{ActorBuilder, MunicipalityBuilder, TestDb};

fn relation(from: ActorId, to: ActorId, kind: &str, start: &str, end: &str) -> RelationDraft {
    RelationDraft::parse(
        from,
        &RelationInput {
            other_actor: to.0.to_string(),
            kind: kind.into(),
            start_date: start.into(),
            end_date: end.into(),
        },
    )
    .unwrap()
}

#[tokio::test]
async fn relations_list_both_directions_with_names_in_one_query() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let city = ActorBuilder::new(torino.id, "Città di Torino")
        .create(&db)
        .await;
    let unit = ActorBuilder::new(torino.id, "Smart City unit")
        .create(&db)
        .await;
    let ftsc = ActorBuilder::new(torino.id, "Fondazione Torino Smart City")
        .create(&db)
        .await;

    let r1 = relations::add(
        &db,
        &ctx(None, 1),
        torino.id,
        &relation(unit.id, city.id, "unit_of", "", ""),
    )
    .await
    .unwrap();
    relations::add(
        &db,
        &ctx(None, 2),
        torino.id,
        &relation(ftsc.id, city.id, "founded_by", "2008-05-01", ""),
    )
    .await
    .unwrap();
    assert_eq!(r1.kind, RelationKind::UnitOf);

    db.reset_query_count();
    let of_city = relations::for_actor(&db, torino.id, city.id).await.unwrap();
    assert_eq!(db.query_count(), 1);
    assert_eq!(of_city.len(), 2);
    assert!(of_city.iter().all(|v| v.direction == Direction::Incoming));
    let founded = of_city
        .iter()
        .find(|v| v.kind == RelationKind::FoundedBy)
        .unwrap();
    assert_eq!(
        (founded.other, founded.other_name.as_str()),
        (ftsc.id, "Fondazione Torino Smart City")
    );
    assert_eq!(
        founded.start_date.map(|d| d.to_string()).as_deref(),
        Some("2008-05-01")
    );

    let of_unit = relations::for_actor(&db, torino.id, unit.id).await.unwrap();
    assert_eq!(of_unit.len(), 1);
    assert_eq!(
        (of_unit[0].direction, of_unit[0].other_name.as_str()),
        (Direction::Outgoing, "Città di Torino")
    );
    assert_eq!(relations::all(&db, torino.id).await.unwrap().len(), 2);

    let dup = relations::add(
        &db,
        &ctx(None, 3),
        torino.id,
        &relation(unit.id, city.id, "unit_of", "2020-01-01", ""),
    )
    .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict { field: "kind" })),
        "{dup:?}"
    );
}

#[tokio::test]
async fn relations_stay_within_one_municipality() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let bologna = MunicipalityBuilder::new("bologna").create(&db).await;
    let t = ActorBuilder::new(torino.id, "Torino Wireless")
        .create(&db)
        .await;
    let b = ActorBuilder::new(bologna.id, "Fondazione per l'Innovazione Urbana")
        .create(&db)
        .await;
    match relations::add(
        &db,
        &ctx(None, 1),
        torino.id,
        &relation(t.id, b.id, "member_of", "", ""),
    )
    .await
    {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.get("other_actor"), &["relation-actor-invalid"])
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let through_bologna = relations::add(
        &db,
        &ctx(None, 1),
        bologna.id,
        &relation(t.id, b.id, "member_of", "", ""),
    )
    .await;
    assert!(
        matches!(through_bologna, Err(StoreError::NotFound)),
        "{through_bologna:?}"
    );
    assert!(relations::all(&db, torino.id).await.unwrap().is_empty());
    assert!(
        relations::for_actor(&db, bologna.id, t.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn removing_needs_the_right_actor_and_municipality_and_is_audited() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let bologna = MunicipalityBuilder::new("bologna").create(&db).await;
    let a = ActorBuilder::new(torino.id, "Compagnia di San Paolo")
        .create(&db)
        .await;
    let b = ActorBuilder::new(torino.id, "Fondazione Torino Smart City")
        .create(&db)
        .await;
    let c = ActorBuilder::new(torino.id, "Iren").create(&db).await;
    let r = relations::add(
        &db,
        &ctx(None, 1),
        torino.id,
        &relation(b.id, a.id, "funded_by", "2010-01-01", "2012-12-31"),
    )
    .await
    .unwrap();

    assert!(matches!(
        relations::remove(&db, &ctx(None, 2), torino.id, c.id, r.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        relations::remove(&db, &ctx(None, 2), bologna.id, a.id, r.id).await,
        Err(StoreError::NotFound)
    ));
    let removed = relations::remove(&db, &ctx(None, 2), torino.id, a.id, r.id)
        .await
        .unwrap();
    assert_eq!(removed, r);
    assert!(relations::all(&db, torino.id).await.unwrap().is_empty());
    let last = audit_rows(&db).await.pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.entity_id),
        ("relation.remove", Some(r.id.0))
    );
    assert!(last.before.unwrap().contains("2012-12-31") && last.after.is_none());
}
