use crate::{audit_rows, ctx};
use cocity_domain::{ActorId, Role, RoleGrant};
use cocity_store::testing::{ActorBuilder, MunicipalityBuilder, TestDb, UserBuilder};
use cocity_store::{StoreError, roles};

#[tokio::test]
async fn grants_lists_and_revokes_roles() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let bologna = MunicipalityBuilder::new("bologna").create(&db).await;
    let labsus = ActorBuilder::new(torino.id, "Labsus").create(&db).await;
    let u = UserBuilder::new("anna@example.org")
        .role(bologna.id, Role::Citizen)
        .create(&db)
        .await;

    let officer = RoleGrant::new(torino.id, Role::Officer, None).unwrap();
    let rep = RoleGrant::new(torino.id, Role::Representative, Some(labsus.id)).unwrap();
    roles::grant(&db, &ctx(None, 1), u.user.id, &officer)
        .await
        .unwrap();
    roles::grant(&db, &ctx(None, 2), u.user.id, &rep)
        .await
        .unwrap();

    let mine = roles::for_user(&db, u.user.id).await.unwrap();
    assert_eq!(mine.len(), 3);
    assert!(mine.contains(&rep) && mine.contains(&officer));
    let principal = roles::principal(&db, u.user.id).await.unwrap().unwrap();
    assert!(principal.is_staff_of(torino.id) && !principal.is_staff_of(bologna.id));
    assert_eq!(
        principal.represented_actors(torino.id).collect::<Vec<_>>(),
        vec![labsus.id]
    );

    let holders = roles::for_municipality(&db, torino.id).await.unwrap();
    assert_eq!(holders.len(), 2);
    assert!(
        holders
            .iter()
            .all(|h| h.email.as_str() == "anna@example.org" && h.grant.municipality == torino.id)
    );

    roles::revoke(&db, &ctx(None, 3), u.user.id, torino.id, Role::Officer)
        .await
        .unwrap();
    assert!(
        !roles::for_user(&db, u.user.id)
            .await
            .unwrap()
            .contains(&officer)
    );
    let last = audit_rows(&db).await.pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.municipality),
        ("role.revoke", Some(torino.id))
    );
    assert!(last.before.unwrap().contains("\"officer\"") && last.after.is_none());
    let again = roles::revoke(&db, &ctx(None, 3), u.user.id, torino.id, Role::Officer).await;
    assert!(matches!(again, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn refuses_duplicate_roles_and_representatives_of_another_municipality() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let bologna = MunicipalityBuilder::new("bologna").create(&db).await;
    let fiu = ActorBuilder::new(bologna.id, "Fondazione per l'Innovazione Urbana")
        .create(&db)
        .await;
    let u = UserBuilder::new("anna@example.org")
        .role(torino.id, Role::Officer)
        .create(&db)
        .await;

    let dup = roles::grant(
        &db,
        &ctx(None, 1),
        u.user.id,
        &RoleGrant::new(torino.id, Role::Officer, None).unwrap(),
    )
    .await;
    assert!(
        matches!(dup, Err(StoreError::Conflict { field: "role" })),
        "{dup:?}"
    );

    let cross = RoleGrant::new(torino.id, Role::Representative, Some(fiu.id)).unwrap();
    match roles::grant(&db, &ctx(None, 1), u.user.id, &cross).await {
        Err(StoreError::Invalid(e)) => assert!(e.has("actor")),
        other => panic!("expected Invalid, got {other:?}"),
    }
    let ghost = RoleGrant::new(torino.id, Role::Representative, Some(ActorId(999_999))).unwrap();
    assert!(matches!(
        roles::grant(&db, &ctx(None, 1), u.user.id, &ghost).await,
        Err(StoreError::Invalid(_))
    ));
}
