use crate::{audit_rows, ctx};
use cocity_domain::accounts::Language;
use cocity_domain::actors::{RelationDraft, RelationKind};
use cocity_domain::audit::{AuditFilter, write_csv};
use cocity_domain::municipalities::{MunicipalityDraft, MunicipalityInput};
use cocity_domain::pagination::PageRequest;
use cocity_domain::{Role, RoleGrant};
use cocity_store::testing::{ActorBuilder, MunicipalityBuilder, NOW_US, TestDb, UserBuilder};
use cocity_store::{
    AuditContext, actors, audit, municipalities, relations, roles, sessions, users,
};

/// Runs one write after another and checks that each added exactly one audit row, with
/// the expected action, actor, municipality and before/after presence.
#[tokio::test]
async fn every_write_produces_exactly_one_audit_row_with_before_and_after() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let officer = UserBuilder::new("officer@example.org")
        .role(torino.id, Role::Officer)
        .create(&db)
        .await;
    let me = Some(officer.user.id);
    let at = |n: i64| AuditContext::new(me, Some(torino.id), NOW_US + n);
    let a = ActorBuilder::new(torino.id, "Labsus").draft();
    let b = ActorBuilder::new(torino.id, "Iren").draft();

    let mut expected: Vec<(&str, bool, bool)> = Vec::new();
    let mut seen = audit_rows(&db).await.len();
    macro_rules! step {
        ($action:literal, $before:literal, $after:literal, $write:expr) => {{
            let out = $write.await.unwrap();
            let rows = audit_rows(&db).await;
            assert_eq!(
                rows.len(),
                seen + 1,
                "{} wrote {} audit rows",
                $action,
                rows.len() - seen
            );
            let row = rows.last().unwrap();
            assert_eq!(row.action, $action);
            assert_eq!(
                (row.before.is_some(), row.after.is_some()),
                ($before, $after),
                "{}",
                $action
            );
            assert_eq!(row.user, me, "{}", $action);
            seen = rows.len();
            expected.push(($action, $before, $after));
            out
        }};
    }

    let actor = step!(
        "actor.create",
        false,
        true,
        actors::create(&db, &at(1), torino.id, &a)
    );
    let other = step!(
        "actor.create",
        false,
        true,
        actors::create(&db, &at(2), torino.id, &b)
    );
    step!(
        "actor.update",
        true,
        true,
        actors::update(
            &db,
            &at(3),
            torino.id,
            actor.id,
            &b.clone().tap_name("Labsus APS")
        )
    );
    let rel = RelationDraft {
        from: actor.id,
        to: other.id,
        kind: RelationKind::MemberOf,
        start_date: None,
        end_date: None,
    };
    let rel = step!(
        "relation.add",
        false,
        true,
        relations::add(&db, &at(4), torino.id, &rel)
    );
    step!(
        "relation.remove",
        true,
        false,
        relations::remove(&db, &at(5), torino.id, actor.id, rel.id)
    );
    step!(
        "actor.archive",
        true,
        true,
        actors::archive(&db, &at(6), torino.id, other.id)
    );
    step!(
        "actor.import",
        false,
        true,
        actors::import_many(
            &db,
            &at(7),
            torino.id,
            &[ActorBuilder::new(torino.id, "Nesta").draft()]
        )
    );
    let citizen = RoleGrant::new(torino.id, Role::Citizen, None).unwrap();
    step!(
        "role.grant",
        false,
        true,
        roles::grant(&db, &at(8), officer.user.id, &citizen)
    );
    step!(
        "role.revoke",
        true,
        false,
        roles::revoke(&db, &at(9), officer.user.id, torino.id, Role::Citizen)
    );
    step!(
        "user.set_language",
        true,
        true,
        users::set_language(&db, &at(10), officer.user.id, Language::En)
    );
    let renamed = MunicipalityDraft::parse(&MunicipalityInput {
        slug: "torino".into(),
        name: "Torino!".into(),
    })
    .unwrap();
    step!(
        "municipality.update",
        true,
        true,
        municipalities::update(&db, &at(11), torino.id, &renamed)
    );
    let s = step!(
        "user.login",
        false,
        true,
        sessions::create(&db, officer.user.id, NOW_US + 12, NOW_US + 99)
    );
    step!(
        "user.logout",
        false,
        false,
        sessions::delete(&db, &s.token, NOW_US + 13)
    );
    assert_eq!(expected.len(), 13);
    assert_eq!(
        audit_rows(&db).await.len(),
        seen,
        "the audit log holds exactly the rows of the steps"
    );

    // The actor update's before and after are the actor as JSON.
    let update = audit::for_entity(&db, Some(torino.id), "actor", actor.id.0)
        .await
        .unwrap();
    assert_eq!(
        update.iter().map(|r| r.action.as_str()).collect::<Vec<_>>(),
        ["actor.create", "actor.update"]
    );
    let before: serde_json::Value =
        serde_json::from_str(update[1].before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(update[1].after.as_deref().unwrap()).unwrap();
    assert_eq!(
        (before["name"].as_str(), after["name"].as_str()),
        (Some("Labsus"), Some("Labsus APS"))
    );
    assert_eq!(update[1].municipality, Some(torino.id));
    assert_eq!(update[1].user_email.as_deref(), Some("officer@example.org"));
}

trait TapName {
    fn tap_name(self, name: &str) -> Self;
}

impl TapName for cocity_domain::actors::ActorDraft {
    fn tap_name(mut self, name: &str) -> Self {
        self.name = cocity_domain::actors::ActorName::parse(name).unwrap();
        self
    }
}

#[tokio::test]
async fn the_log_filters_pages_and_stays_within_its_municipality() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let bologna = MunicipalityBuilder::new("bologna").create(&db).await;
    let officer = UserBuilder::new("officer@example.org")
        .role(torino.id, Role::Officer)
        .create(&db)
        .await;
    for i in 0..5 {
        let c = AuditContext::new(Some(officer.user.id), Some(torino.id), NOW_US + 1_000 + i);
        actors::create(
            &db,
            &c,
            torino.id,
            &ActorBuilder::new(torino.id, &format!("T{i}")).draft(),
        )
        .await
        .unwrap();
    }
    actors::create(
        &db,
        &ctx(None, 2_000),
        bologna.id,
        &ActorBuilder::new(bologna.id, "B").draft(),
    )
    .await
    .unwrap();

    let creates = AuditFilter {
        action: Some("actor.create".into()),
        ..AuditFilter::default()
    };
    let page = audit::list(
        &db,
        Some(torino.id),
        &creates,
        PageRequest::new(Some(1), Some(2)),
    )
    .await
    .unwrap();
    assert_eq!((page.total, page.items.len()), (5, 2));
    assert_eq!(page.items[0].at, NOW_US + 1_004, "newest first");
    let page3 = audit::list(
        &db,
        Some(torino.id),
        &creates,
        PageRequest::new(Some(3), Some(2)),
    )
    .await
    .unwrap();
    assert_eq!(page3.items.len(), 1);

    let bologna_rows = audit::list(&db, Some(bologna.id), &creates, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(bologna_rows.total, 1);
    assert!(
        bologna_rows
            .items
            .iter()
            .all(|r| r.municipality == Some(bologna.id))
    );

    let by_user = AuditFilter {
        user: Some(officer.user.id),
        ..AuditFilter::default()
    };
    assert_eq!(
        audit::list(&db, Some(torino.id), &by_user, PageRequest::default())
            .await
            .unwrap()
            .total,
        5
    );
    let range = AuditFilter {
        from_us: Some(NOW_US + 1_001),
        to_us: Some(NOW_US + 1_003),
        ..AuditFilter::default()
    };
    let in_range = audit::all(&db, Some(torino.id), &range).await.unwrap();
    assert_eq!(
        in_range.iter().map(|r| r.at - NOW_US).collect::<Vec<_>>(),
        [1_001, 1_002]
    );
    let entity = AuditFilter {
        entity_type: Some("municipality".into()),
        ..AuditFilter::default()
    };
    assert_eq!(audit::all(&db, None, &entity).await.unwrap().len(), 2);

    let mut csv = Vec::new();
    write_csv(
        &mut csv,
        &audit::all(&db, Some(torino.id), &creates).await.unwrap(),
    )
    .unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.lines().count(), 6, "{text}");
    assert!(text.lines().nth(1).unwrap().contains("officer@example.org"));
}
