use crate::{audit_rows, ctx};
use cocity_domain::accounts::{DisplayName, Email, Language, NewPassword, NewUser, password};
use cocity_domain::{Role, RoleGrant};
use cocity_store::testing::{MunicipalityBuilder, TestDb, UserBuilder};
use cocity_store::{StoreError, roles, users};

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: Email::parse(email).unwrap(),
        display_name: DisplayName::parse("Anna Rossi").unwrap(),
        password_hash: password::hash(&NewPassword::parse("una password lunga").unwrap()).unwrap(),
        language: Language::It,
        is_installation_admin: false,
    }
}

#[tokio::test]
async fn creates_and_finds_users_case_insensitively() {
    let db = TestDb::new().await;
    let created = users::create(&db, &ctx(None, 0), &new_user("Anna.Rossi@Example.org"))
        .await
        .unwrap();
    let found = users::by_email(&db, &Email::parse("anna.rossi@EXAMPLE.org").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, created);
    assert!(password::verify("una password lunga", &found.password_hash));
    assert_eq!(users::by_id(&db, created.id).await.unwrap(), Some(created));
    assert_eq!(users::count(&db).await.unwrap(), 1);
    let err = users::create(&db, &ctx(None, 0), &new_user("ANNA.ROSSI@example.org"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict { field: "email" }),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_audit_of_a_new_user_and_of_a_password_change_never_holds_the_hash() {
    let db = TestDb::new().await;
    let u = UserBuilder::new("marco@example.org").create(&db).await;
    let hash = password::hash(&NewPassword::parse("another long one").unwrap()).unwrap();
    users::set_password(&db, &ctx(Some(u.user.id), 1), u.user.id, &hash)
        .await
        .unwrap();
    let reloaded = users::by_id(&db, u.user.id).await.unwrap().unwrap();
    assert!(password::verify(
        "another long one",
        &reloaded.password_hash
    ));
    for row in audit_rows(&db).await {
        let text = format!("{:?}{:?}", row.before, row.after);
        assert!(!text.contains("argon2"), "{}: {text}", row.action);
    }
    let last = audit_rows(&db).await.pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.user),
        ("user.set_password", Some(u.user.id))
    );
}

#[tokio::test]
async fn sets_the_language() {
    let db = TestDb::new().await;
    let u = UserBuilder::new("marco@example.org").create(&db).await;
    users::set_language(&db, &ctx(Some(u.user.id), 1), u.user.id, Language::En)
        .await
        .unwrap();
    assert_eq!(
        users::by_id(&db, u.user.id)
            .await
            .unwrap()
            .unwrap()
            .language,
        Language::En
    );
    let last = audit_rows(&db).await.pop().unwrap();
    assert_eq!(last.before.as_deref(), Some("{\"language\":\"it\"}"));
    assert_eq!(last.after.as_deref(), Some("{\"language\":\"en\"}"));
    let missing = cocity_domain::UserId(u.user.id.0 + 1000);
    assert!(matches!(
        users::set_language(&db, &ctx(None, 1), missing, Language::En).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn registration_creates_the_account_and_a_citizen_role_together() {
    let db = TestDb::new().await;
    let torino = MunicipalityBuilder::new("torino").create(&db).await;
    let user = users::register(
        &db,
        &ctx(None, 0),
        &new_user("giulia@example.org"),
        torino.id,
    )
    .await
    .unwrap();
    assert_eq!(
        roles::for_user(&db, user.id).await.unwrap(),
        vec![RoleGrant {
            municipality: torino.id,
            role: Role::Citizen,
            actor: None
        }]
    );
    // A second registration with the same email leaves neither a user nor a role behind.
    let before = audit_rows(&db).await.len();
    let err = users::register(
        &db,
        &ctx(None, 0),
        &new_user("GIULIA@example.org"),
        torino.id,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { field: "email" }));
    assert_eq!(audit_rows(&db).await.len(), before);
    assert_eq!(users::count(&db).await.unwrap(), 1);
}
