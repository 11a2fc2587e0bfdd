use crate::{audit_rows, ctx};
use cocity_domain::ActorId;
use cocity_domain::actors::{ActorDraft, ActorFilter, ActorInput, ActorKind, Level, Sector};
use cocity_domain::pagination::PageRequest;
use cocity_store::testing::{ActorBuilder, MunicipalityBuilder, TestDb};
use cocity_store::{StoreError, actors};

fn draft(name: &str) -> ActorDraft {
    ActorBuilder::new(cocity_domain::MunicipalityId(0), name).draft()
}

#[tokio::test]
async fn creates_reads_updates_and_archives_an_actor() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let full = ActorDraft::parse(&ActorInput {
        name: "Fondazione Torino Smart City".into(),
        sector: "public".into(),
        level: "local".into(),
        kind: "foundation".into(),
        description: "Fondazione per lo sviluppo sostenibile".into(),
        website: "https://www.torinosmartcity.it".into(),
        contact: "info@torinosmartcity.it".into(),
        identifiers: "it_tax_code:97718240016; vat:IT10747330013".into(),
        latitude: "45.0703".into(),
        longitude: "7.6869".into(),
    })
    .unwrap();
    let created = actors::create(&db, &ctx(None, 0), torino.id, &full)
        .await
        .unwrap();
    assert_eq!(created.draft(), full, "every field survives the round trip");
    assert_eq!(
        actors::get(&db, torino.id, created.id).await.unwrap(),
        Some(created.clone())
    );
    assert_eq!(
        actors::by_name(&db, torino.id, "FONDAZIONE torino smart city")
            .await
            .unwrap()
            .map(|a| a.id),
        Some(created.id)
    );

    let mut changed = full.clone();
    changed.level = Level::Metropolitan;
    changed.website = None;
    changed.location = None;
    let updated = actors::update(&db, &ctx(None, 10), torino.id, created.id, &changed)
        .await
        .unwrap();
    assert_eq!(updated.draft(), changed);
    assert_eq!(
        (updated.created_at, updated.updated_at),
        (created.created_at, created.updated_at + 10)
    );

    let archived = actors::archive(&db, &ctx(None, 20), torino.id, created.id)
        .await
        .unwrap();
    assert_eq!(archived.archived_at, Some(created.created_at + 20));
    let again = actors::archive(&db, &ctx(None, 30), torino.id, created.id).await;
    assert!(
        matches!(
            again,
            Err(StoreError::Conflict {
                field: "archived_at"
            })
        ),
        "{again:?}"
    );
}

#[tokio::test]
async fn an_actor_of_turin_is_invisible_and_unchangeable_through_bologna() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let bologna = MunicipalityBuilder::new("bologna").create(&db).await;
    let a = ActorBuilder::new(torino.id, "Torino Wireless")
        .create(&db)
        .await;
    assert_eq!(actors::get(&db, bologna.id, a.id).await.unwrap(), None);
    assert_eq!(
        actors::by_name(&db, bologna.id, "Torino Wireless")
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        actors::update(&db, &ctx(None, 1), bologna.id, a.id, &draft("Hijack")).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        actors::archive(&db, &ctx(None, 1), bologna.id, a.id).await,
        Err(StoreError::NotFound)
    ));
    let list = actors::list(
        &db,
        bologna.id,
        &ActorFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(list.total, 0);
    assert!(
        actors::export_all(&db, bologna.id, true)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        actors::get(&db, torino.id, a.id)
            .await
            .unwrap()
            .unwrap()
            .name
            .as_str(),
        "Torino Wireless"
    );
    // The same name is free in another municipality.
    ActorBuilder::new(bologna.id, "Torino Wireless")
        .create(&db)
        .await;
}

#[tokio::test]
async fn names_are_unique_per_municipality_case_insensitively() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    ActorBuilder::new(torino.id, "Città di Torino")
        .create(&db)
        .await;
    let err = actors::create(&db, &ctx(None, 0), torino.id, &draft("CITTÀ DI TORINO"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "name" }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_list_filters_and_pages() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    ActorBuilder::new(torino.id, "Politecnico di Torino")
        .sector(Sector::Knowledge)
        .level(Level::Regional)
        .kind(ActorKind::University)
        .create(&db)
        .await;
    ActorBuilder::new(torino.id, "Università di Torino")
        .sector(Sector::Knowledge)
        .level(Level::Regional)
        .kind(ActorKind::University)
        .description("Ateneo della CITTÀ")
        .create(&db)
        .await;
    ActorBuilder::new(torino.id, "Iren")
        .sector(Sector::Private)
        .kind(ActorKind::Utility)
        .create(&db)
        .await;
    ActorBuilder::new(torino.id, "Casa del quartiere San Salvario")
        .sector(Sector::Civic)
        .create(&db)
        .await;
    ActorBuilder::new(torino.id, "Old 100%_ foundation")
        .kind(ActorKind::Foundation)
        .archived()
        .create(&db)
        .await;

    let names = |p: &cocity_domain::pagination::Paged<actors::ActorListItem>| -> Vec<String> {
        p.items.iter().map(|i| i.name.clone()).collect()
    };
    let all = actors::list(
        &db,
        torino.id,
        &ActorFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        names(&all),
        [
            "Casa del quartiere San Salvario",
            "Iren",
            "Politecnico di Torino",
            "Università di Torino"
        ]
    );

    let knowledge = ActorFilter {
        sector: Some(Sector::Knowledge),
        ..ActorFilter::default()
    };
    assert_eq!(
        actors::list(&db, torino.id, &knowledge, PageRequest::default())
            .await
            .unwrap()
            .total,
        2
    );
    let utility = ActorFilter {
        kind: Some(ActorKind::Utility),
        ..ActorFilter::default()
    };
    assert_eq!(
        names(
            &actors::list(&db, torino.id, &utility, PageRequest::default())
                .await
                .unwrap()
        ),
        ["Iren"]
    );
    let regional = ActorFilter {
        level: Some(Level::Regional),
        sector: Some(Sector::Private),
        ..ActorFilter::default()
    };
    assert_eq!(
        actors::list(&db, torino.id, &regional, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );

    // Free text: case-insensitive, on name and description, beyond ASCII.
    let text = |t: &str| ActorFilter {
        text: Some(t.into()),
        ..ActorFilter::default()
    };
    assert_eq!(
        names(
            &actors::list(&db, torino.id, &text("TORINO"), PageRequest::default())
                .await
                .unwrap()
        )
        .len(),
        2
    );
    assert_eq!(
        names(
            &actors::list(&db, torino.id, &text("città"), PageRequest::default())
                .await
                .unwrap()
        ),
        ["Università di Torino"]
    );
    assert_eq!(
        names(
            &actors::list(&db, torino.id, &text("UNIVERSITÀ"), PageRequest::default())
                .await
                .unwrap()
        ),
        ["Università di Torino"]
    );
    // LIKE wildcards in the text are literal.
    assert_eq!(
        actors::list(&db, torino.id, &text("%"), PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    let archived_too = ActorFilter {
        text: Some("100%_".into()),
        include_archived: true,
        ..ActorFilter::default()
    };
    let found = actors::list(&db, torino.id, &archived_too, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(names(&found), ["Old 100%_ foundation"]);
    assert!(found.items[0].archived_at.is_some());

    let page2 = actors::list(
        &db,
        torino.id,
        &ActorFilter::default(),
        PageRequest::new(Some(2), Some(3)),
    )
    .await
    .unwrap();
    assert_eq!((page2.total, page2.total_pages()), (4, 2));
    assert_eq!(names(&page2), ["Università di Torino"]);
    assert_eq!(actors::count(&db, torino.id).await.unwrap(), 5);
    assert_eq!(actors::choices(&db, torino.id).await.unwrap().len(), 4);
    assert_eq!(
        actors::export_all(&db, torino.id, false)
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        actors::export_all(&db, torino.id, true)
            .await
            .unwrap()
            .len(),
        5
    );
}

#[tokio::test]
async fn the_first_page_of_ten_thousand_actors_takes_at_most_three_queries() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let drafts: Vec<ActorDraft> = (0..10_000)
        .map(|i| {
            let mut d = draft(&format!("Actor {i:05}"));
            d.sector = Sector::ALL[i % Sector::ALL.len()];
            d
        })
        .collect();
    actors::import_many(&db, &ctx(None, 0), torino.id, &drafts)
        .await
        .unwrap();
    for filter in [
        ActorFilter::default(),
        ActorFilter {
            sector: Some(Sector::Civic),
            text: Some("actor 0".into()),
            ..ActorFilter::default()
        },
    ] {
        db.reset_query_count();
        let page = actors::list(&db, torino.id, &filter, PageRequest::new(Some(1), Some(20)))
            .await
            .unwrap();
        assert!(db.query_count() <= 3, "{} queries", db.query_count());
        assert_eq!(page.items.len(), 20);
        assert!(page.total >= 2_000, "{}", page.total);
    }
}

#[tokio::test]
async fn an_import_stores_every_row_with_an_audit_row_each() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let before = audit_rows(&db).await.len();
    let ids = actors::import_many(
        &db,
        &ctx(None, 0),
        torino.id,
        &[draft("Labsus"), draft("Torino Wireless")],
    )
    .await
    .unwrap();
    assert_eq!(ids.len(), 2);
    let rows = audit_rows(&db).await;
    assert_eq!(rows.len(), before + 2);
    assert!(rows[before..].iter().all(|r| r.action == "actor.import"
        && r.after.is_some()
        && r.municipality == Some(torino.id)));
    assert_eq!(
        rows[before..]
            .iter()
            .map(|r| r.entity_id.map(ActorId))
            .collect::<Vec<_>>(),
        ids.into_iter().map(Some).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_failed_import_leaves_nothing_and_writes_no_audit() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    ActorBuilder::new(torino.id, "Labsus").create(&db).await;
    let (actors_before, audit_before) = (
        actors::count(&db, torino.id).await.unwrap(),
        audit_rows(&db).await.len(),
    );
    let err = actors::import_many(
        &db,
        &ctx(None, 0),
        torino.id,
        &[
            draft("Nesta Italia"),
            draft("Compagnia di San Paolo"),
            draft("LABSUS"),
        ],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::ImportConflict {
                index: 2,
                field: "name"
            }
        ),
        "{err:?}"
    );
    assert_eq!(actors::count(&db, torino.id).await.unwrap(), actors_before);
    assert_eq!(audit_rows(&db).await.len(), audit_before);
    assert_eq!(
        actors::by_name(&db, torino.id, "Nesta Italia")
            .await
            .unwrap(),
        None
    );
}
