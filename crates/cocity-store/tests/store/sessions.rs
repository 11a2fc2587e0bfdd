use cocity_domain::Role;
use cocity_domain::time::MICROS_PER_DAY;
use cocity_store::Db;
use cocity_store::sessions::{self, SessionToken};
use cocity_store::testing::{ActorBuilder, MunicipalityBuilder, NOW_US, TestDb, UserBuilder};

async fn stored_hashes(db: &Db) -> Vec<String> {
    match db {
        Db::Sqlite { pool, .. } => sqlx::query_scalar("SELECT token_hash FROM sessions")
            .fetch_all(pool)
            .await
            .unwrap(),
        Db::Postgres { pool, .. } => sqlx::query_scalar("SELECT token_hash FROM sessions")
            .fetch_all(pool)
            .await
            .unwrap(),
    }
}

#[tokio::test]
async fn a_session_finds_its_user_and_roles_in_one_query() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let milano = MunicipalityBuilder::new("milano").create(&db).await;
    let actor = ActorBuilder::new(milano.id, "Social Street Via Fondazza")
        .create(&db)
        .await;
    let u = UserBuilder::new("anna@example.org")
        .role(torino.id, Role::Officer)
        .role(torino.id, Role::Admin)
        .representative(milano.id, actor.id)
        .create(&db)
        .await;
    let s = sessions::create(&db, u.user.id, NOW_US, NOW_US + MICROS_PER_DAY)
        .await
        .unwrap();
    assert_eq!(s.token.as_str().len(), 64);
    assert_eq!(s.csrf_secret.len(), 64);
    assert!(
        !stored_hashes(&db)
            .await
            .contains(&s.token.as_str().to_owned()),
        "only the hash is stored"
    );

    let before = db.query_count();
    let found = sessions::lookup(&db, &s.token, NOW_US + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(db.query_count() - before, 1);
    assert_eq!(found.user.id, u.user.id);
    assert_eq!(found.csrf_secret, s.csrf_secret);
    assert_eq!(found.principal.roles.len(), 3);
    assert!(found.principal.is_staff_of(torino.id));
    assert_eq!(
        found
            .principal
            .represented_actors(milano.id)
            .collect::<Vec<_>>(),
        vec![actor.id]
    );

    let other = sessions::create(&db, u.user.id, NOW_US, NOW_US + MICROS_PER_DAY)
        .await
        .unwrap();
    assert_ne!(other.token, s.token);
}

#[tokio::test]
async fn a_user_without_roles_still_has_a_session() {
    let db = TestDb::new().await;
    let u = UserBuilder::new("nobody@example.org").create(&db).await;
    let s = sessions::create(&db, u.user.id, NOW_US, NOW_US + 10)
        .await
        .unwrap();
    let found = sessions::lookup(&db, &s.token, NOW_US)
        .await
        .unwrap()
        .unwrap();
    assert!(found.principal.roles.is_empty());
}

#[tokio::test]
async fn sessions_expire_with_time_given_as_a_parameter() {
    let db = TestDb::new().await;
    let u = UserBuilder::new("anna@example.org").create(&db).await;
    let expires = NOW_US + MICROS_PER_DAY;
    let s = sessions::create(&db, u.user.id, NOW_US, expires)
        .await
        .unwrap();
    assert!(
        sessions::lookup(&db, &s.token, expires - 1)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::lookup(&db, &s.token, expires)
            .await
            .unwrap()
            .is_none()
    );
    let long = sessions::create(&db, u.user.id, NOW_US, expires + MICROS_PER_DAY)
        .await
        .unwrap();
    assert_eq!(sessions::delete_expired(&db, expires).await.unwrap(), 1);
    assert!(
        sessions::lookup(&db, &long.token, expires)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn logout_deletes_the_session_on_the_server() {
    let db = TestDb::new().await;
    let u = UserBuilder::new("anna@example.org").create(&db).await;
    let s = sessions::create(&db, u.user.id, NOW_US, NOW_US + MICROS_PER_DAY)
        .await
        .unwrap();
    assert!(sessions::delete(&db, &s.token, NOW_US + 5).await.unwrap());
    assert!(
        sessions::lookup(&db, &s.token, NOW_US + 6)
            .await
            .unwrap()
            .is_none()
    );
    assert!(!sessions::delete(&db, &s.token, NOW_US + 7).await.unwrap());
    let actions: Vec<String> = crate::audit_rows(&db)
        .await
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert!(actions.ends_with(&["user.login".to_owned(), "user.logout".to_owned()]));
    assert!(
        sessions::lookup(&db, &SessionToken::from_cookie("forged"), NOW_US)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_password_change_can_end_the_other_sessions() {
    let db = TestDb::new().await;
    let u = UserBuilder::new("anna@example.org").create(&db).await;
    let keep = sessions::create(&db, u.user.id, NOW_US, NOW_US + MICROS_PER_DAY)
        .await
        .unwrap();
    let other = sessions::create(&db, u.user.id, NOW_US, NOW_US + MICROS_PER_DAY)
        .await
        .unwrap();
    assert_eq!(
        sessions::delete_for_user(&db, u.user.id, Some(&keep.token))
            .await
            .unwrap(),
        1
    );
    assert!(
        sessions::lookup(&db, &keep.token, NOW_US)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        sessions::lookup(&db, &other.token, NOW_US)
            .await
            .unwrap()
            .is_none()
    );
}
