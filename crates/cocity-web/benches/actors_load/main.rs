//! Load benchmark of the public actor list (see `bench/actors-load.sh`): the real app on a
//! fresh database (SQLite, or PostgreSQL when `COCITY_TEST_POSTGRES_URL` is set) with
//! 10,000 actors in one municipality, served on 127.0.0.1 and driven over HTTP.

// A benchmark binary reports on stdout and may stop on a broken set-up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod load;

use cocity_domain::actors::{ActorDraft, ActorInput};
use cocity_domain::municipalities::{MunicipalityDraft, MunicipalityInput};
use cocity_store::AuditContext;
use cocity_store::testing::TestDb;
use cocity_web::{AppState, WebConfig};
use std::time::{Duration, Instant};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let seconds = env_number("COCITY_BENCH_SECONDS", 10).clamp(1, 120);
    let concurrency = env_number("COCITY_BENCH_CONCURRENCY", 8).clamp(1, 64) as usize;
    let actors = env_number("COCITY_BENCH_ACTORS", 10_000).clamp(1, 200_000) as usize;

    let test_db = TestDb::new().await;
    let db = test_db.db.clone();
    let backend = db.backend().as_str();
    let seeding = Instant::now();
    let ctx = AuditContext::system(1);
    let torino = cocity_store::municipalities::create(
        &db,
        &ctx,
        &MunicipalityDraft::parse(&MunicipalityInput {
            slug: "torino".into(),
            name: "Torino".into(),
        })
        .unwrap(),
    )
    .await
    .unwrap();
    let sectors = ["public", "private", "knowledge", "third_sector", "civic"];
    let kinds = [
        "association",
        "company",
        "university",
        "foundation",
        "citizen_group",
        "municipal_unit",
    ];
    let drafts: Vec<ActorDraft> = (0..actors)
        .map(|i| {
            ActorDraft::parse(&ActorInput {
                name: format!("Attore {i:05}"),
                sector: sectors[i % sectors.len()].into(),
                level: "local".into(),
                kind: kinds[i % kinds.len()].into(),
                description: format!("Attore numero {i} del registro di carico"),
                website: format!("https://attore-{i}.example.org"),
                ..ActorInput::default()
            })
            .unwrap()
        })
        .collect();
    cocity_store::actors::import_many(
        &db,
        &AuditContext::new(None, Some(torino.id), 1),
        torino.id,
        &drafts,
    )
    .await
    .unwrap();
    println!(
        "seeded {actors} actors on {backend} in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let state = AppState::new(db.clone(), WebConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(cocity_web::serve_listener(state, listener, async move {
        let _ = stopped.await;
    }));

    let duration = Duration::from_secs(seconds);
    println!("{concurrency} connections, {seconds} s per target (after a 1 s warm-up)");
    let targets = [
        ("page  /m/torino/actors", "/m/torino/actors"),
        (
            "page  ?sector=civic&q=attore&page=40",
            "/m/torino/actors?sector=civic&q=attore&page=40",
        ),
        ("api   /api/v1/m/torino/actors", "/api/v1/m/torino/actors"),
        (
            "api   ?per_page=100&page=50",
            "/api/v1/m/torino/actors?per_page=100&page=50",
        ),
    ];
    for (label, path) in targets {
        let report = load::drive(
            &format!("{backend:<8} {label}"),
            &format!("{base}{path}"),
            &[("accept-language", "it")],
            concurrency,
            duration,
        )
        .await;
        println!("{}", report.line());
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    db.close().await;
}
