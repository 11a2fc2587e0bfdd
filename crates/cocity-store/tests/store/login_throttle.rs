use cocity_domain::Refusal;
use cocity_domain::accounts::throttle::{MAX_FAILURES_PER_EMAIL, WINDOW_US};
use cocity_store::login_throttle;
use cocity_store::testing::{NOW_US, TestDb};

#[tokio::test]
async fn five_failures_refuse_until_the_window_passes() {
    let db = TestDb::new().await;
    for i in 0..MAX_FAILURES_PER_EMAIL {
        let n = login_throttle::recent_failures(&db, "anna@example.org", Some("10.0.0.1"), NOW_US)
            .await
            .unwrap();
        assert_eq!(n.check(), Ok(()), "attempt {i}");
        login_throttle::record_failure(
            &db,
            "Anna@Example.org",
            Some("10.0.0.1"),
            NOW_US + i64::try_from(i).unwrap(),
        )
        .await
        .unwrap();
    }
    let now = NOW_US + 10;
    let n = login_throttle::recent_failures(&db, "anna@example.org", Some("10.0.0.2"), now)
        .await
        .unwrap();
    assert_eq!((n.by_email, n.by_ip), (5, 0));
    assert_eq!(n.check(), Err(Refusal::TooManyAttempts));
    // Another account from the same address is not locked by these failures.
    let other = login_throttle::recent_failures(&db, "marco@example.org", Some("10.0.0.1"), now)
        .await
        .unwrap();
    assert_eq!((other.by_email, other.by_ip), (0, 5));
    assert_eq!(other.check(), Ok(()));
    // Once the first failure leaves the window, one attempt is allowed again.
    let later = NOW_US + WINDOW_US;
    let n = login_throttle::recent_failures(&db, "anna@example.org", None, later)
        .await
        .unwrap();
    assert_eq!(n.by_email, 4);
    assert_eq!(n.check(), Ok(()));
    assert_eq!(login_throttle::prune(&db, later).await.unwrap(), 1);
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_failures() {
    let db = TestDb::new().await;
    for i in 0..3 {
        login_throttle::record_failure(&db, "anna@example.org", None, NOW_US + i)
            .await
            .unwrap();
    }
    login_throttle::clear(&db, "ANNA@example.org")
        .await
        .unwrap();
    let n = login_throttle::recent_failures(&db, "anna@example.org", None, NOW_US + 5)
        .await
        .unwrap();
    assert_eq!((n.by_email, n.by_ip), (0, 0));
}
