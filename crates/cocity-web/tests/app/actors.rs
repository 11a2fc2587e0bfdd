//! The registry's pages: list with filters and pagination, detail with relations,
//! management forms, exports and CSV import.

use crate::helpers::*;
use cocity_domain::actors::{ActorDraft, ActorInput};
use reqwest::StatusCode;

fn actor_form(name: &str) -> Vec<(&str, &str)> {
    vec![
        ("name", name),
        ("sector", "knowledge"),
        ("level", "metropolitan"),
        ("kind", "university"),
        ("description", "Ateneo pubblico"),
        ("website", "https://www.unito.it"),
        ("contact", "info@unito.it"),
        ("identifiers", "it_tax_code:80088230018"),
        ("latitude", "45.0689"),
        ("longitude", "7.6888"),
    ]
}

#[tokio::test]
async fn an_officer_creates_an_actor_found_in_the_public_list_in_both_languages() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let r = officer
        .post_form("/m/torino/actors/new", &actor_form("Università di Torino"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/m/torino/actors/") && location.ends_with("?done=created"),
        "{location}"
    );
    let (status, detail) = officer.get_text(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        detail.contains("Attore creato.")
            && detail.contains("80088230018")
            && detail.contains("https://www.unito.it")
    );
    let anon = w.app.browser();
    let (_, it) = anon.get_lang("/m/torino/actors?q=universit", "it").await;
    assert!(
        it.contains("Università di Torino")
            && it.contains("Conoscenza")
            && it.contains("Metropolitano"),
        "{it}"
    );
    let (_, en) = anon.get_lang("/m/torino/actors?q=UNIVERSIT", "en").await;
    assert!(
        en.contains("Università di Torino")
            && en.contains("Knowledge")
            && en.contains("Metropolitan"),
        "{en}"
    );
    // Bologna's registry does not show it.
    let (_, bologna) = anon.get_text("/m/bologna/actors?q=universit").await;
    assert!(!bologna.contains("Università di Torino"));
}

#[tokio::test]
async fn an_invalid_actor_form_keeps_the_input_and_says_what_is_wrong() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let r = officer
        .post_form(
            "/m/torino/actors/new",
            &[
                ("name", "Associazione \"Giardini\" <Aurora>"),
                ("sector", "royal"),
                ("level", ""),
                ("kind", "association"),
                ("website", "www.no-scheme.it"),
                ("latitude", "95"),
                ("longitude", "7"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Settore sconosciuto"), "{body}");
    assert!(body.contains("Scegli il livello."));
    assert!(body.contains("Il sito web deve essere un indirizzo http o https completo"));
    assert!(body.contains("La latitudine deve essere un numero tra -90 e 90."));
    assert!(body.contains("value=\"www.no-scheme.it\""), "input kept");
    assert!(
        body.contains("&#60;Aurora&#62;") || body.contains("&lt;Aurora&gt;"),
        "input kept, escaped"
    );
    assert!(
        body.contains("<option value=\"association\" selected>"),
        "choice kept"
    );
    assert!(!body.contains("<Aurora>"));
}

#[tokio::test]
async fn edit_archive_and_the_archived_filter() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let id = w.torino_other.id;
    let (status, form) = officer
        .get_text(&format!("/m/torino/actors/{id}/edit"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("value=\"Torino Wireless\""));
    let mut fields = actor_form("Fondazione Torino Wireless");
    fields[1] = ("sector", "third_sector");
    let r = officer
        .post_form(&format!("/m/torino/actors/{id}/edit"), &fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, detail) = officer.get_text(&format!("/m/torino/actors/{id}")).await;
    assert!(detail.contains("Fondazione Torino Wireless") && detail.contains("Terzo settore"));
    let r = officer
        .post_form(&format!("/m/torino/actors/{id}/archive"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = officer.get_text("/m/torino/actors").await;
    assert!(
        !list.contains("Fondazione Torino Wireless"),
        "archived actors are hidden by default"
    );
    let (_, list) = officer
        .get_text("/m/torino/actors?include_archived=true")
        .await;
    assert!(list.contains("Fondazione Torino Wireless"));
    // An archived actor can no longer change.
    let r = officer
        .post_form(&format!("/m/torino/actors/{id}/edit"), &fields)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("Attore archiviato"));
}

#[tokio::test]
async fn relations_show_on_both_actors_and_bad_dates_are_explained() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let from = w.torino_other.id;
    let to = w.torino_actor.id;
    let to_s = to.to_string();
    let r = officer
        .post_form(
            &format!("/m/torino/actors/{from}/relations"),
            &[
                ("other_actor", &to_s),
                ("kind", "member_of"),
                ("start_date", "2020-01-01"),
                ("end_date", "2019-12-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("La data di fine non può precedere quella di inizio."),
        "{body}"
    );
    assert!(body.contains("value=\"2019-12-31\""));
    let r = officer
        .post_form(
            &format!("/m/torino/actors/{from}/relations"),
            &[
                ("other_actor", &to_s),
                ("kind", "member_of"),
                ("start_date", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, a) = officer
        .get_lang(&format!("/m/torino/actors/{from}"), "en")
        .await;
    assert!(
        a.contains("is a member of")
            && a.contains("Fondazione Torino Smart City")
            && a.contains("2020-01-01"),
        "{a}"
    );
    let (_, b) = officer
        .get_lang(&format!("/m/torino/actors/{to}"), "en")
        .await;
    assert!(
        b.contains("has as a member") && b.contains("Torino Wireless"),
        "{b}"
    );
    // An actor of another municipality cannot be related.
    let bologna = w.bologna_actor.id.to_string();
    let r = officer
        .post_form(
            &format!("/m/torino/actors/{from}/relations"),
            &[("other_actor", &bologna), ("kind", "funded_by")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_list_filters_and_pages() {
    let w = World::new().await;
    for i in 0..25 {
        w.app
            .actor(
                w.torino.id,
                &format!("Associazione {i:02}"),
                "civic",
                "association",
            )
            .await;
    }
    let b = w.app.browser();
    let (_, page1) = b.get_text("/m/torino/actors?sector=civic").await;
    assert!(page1.contains("25 risultati"), "{page1}");
    assert!(page1.contains("Pagina 1 di 2") && page1.contains("rel=\"next\""));
    assert!(!page1.contains("Fondazione Torino Smart City"));
    let (_, page2) = b.get_text("/m/torino/actors?sector=civic&page=2").await;
    assert!(
        page2.contains("Pagina 2 di 2")
            && page2.contains("rel=\"prev\"")
            && !page2.contains("rel=\"next\"")
    );
    let (_, kind) = b.get_text("/m/torino/actors?kind=foundation").await;
    assert!(kind.contains("2 risultati") && kind.contains("Torino Wireless"));
    let (_, level) = b.get_text("/m/torino/actors?level=european").await;
    assert!(level.contains("Nessun attore corrisponde ai filtri."));
    let (_, text) = b
        .get_text("/m/torino/actors?q=descrizione%20di%20torino%20wire")
        .await;
    assert!(
        text.contains("Un risultato") && text.contains("Torino Wireless"),
        "free text searches descriptions"
    );
    // Nonsense in the query string is ignored on pages, never a 500.
    let (status, _) = b
        .get_text("/m/torino/actors?sector=royal&page=-3&per_page=x")
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn exports_in_csv_and_popolo() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let from = w.torino_actor.id.to_string();
    let to = w.torino_other.id;
    officer
        .post_form(
            &format!("/m/torino/actors/{to}/relations"),
            &[("other_actor", &from), ("kind", "unit_of")],
        )
        .await;
    let r = officer.get("/m/torino/actors.csv").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("id,name,sector,level,kind")
    );
    assert_eq!(lines.count(), 2);
    assert!(csv.contains("Fondazione Torino Smart City") && !csv.contains("Innovazione Urbana"));
    let doc: serde_json::Value = officer
        .get("/api/v1/m/torino/popolo.json")
        .await
        .json()
        .await
        .unwrap();
    let orgs = doc["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    let wireless = orgs
        .iter()
        .find(|o| o["name"] == "Torino Wireless")
        .unwrap();
    assert_eq!(wireless["parent_id"], format!("actor-{from}"));
    assert_eq!(doc["memberships"][0]["role"], "unit");
}

#[tokio::test]
async fn a_csv_import_with_bad_rows_lists_them_all_and_imports_nothing() {
    let w = World::new().await;
    let officer = w.browser_as(OFFICER).await;
    let token = officer.csrf().await;
    let upload = |csv: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("actors.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
        officer
            .client
            .post(officer.url(&format!("/m/torino/actors/import?csrf={token}")))
            .multipart(form)
            .send()
    };
    let bad = "name,sector,level,kind,website\n\
               Casa del Quartiere San Salvario,third_sector,local,association,https://www.casadelquartiere.it\n\
               ,civic,local,citizen_group,\n\
               Comitato Parco Dora,royal,local,citizen_group,\n\
               Social Street Via Baltea,civic,local,social_street,\n\
               Rete Case del Quartiere,third_sector,local,association,not-a-url\n";
    let r = upload(bad).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("Il file contiene 3 errori: non è stato importato nulla."),
        "{body}"
    );
    for (line, reason) in [
        ("3", "Indica il nome."),
        ("4", "Settore sconosciuto"),
        ("6", "Il sito web deve essere"),
    ] {
        assert!(
            body.contains(&format!("<td>{line}</td>")),
            "line {line} missing: {body}"
        );
        assert!(body.contains(reason), "{reason}");
    }
    let (_, list) = officer.get_text("/m/torino/actors?q=quartiere").await;
    assert!(
        list.contains("Nessun attore corrisponde ai filtri."),
        "nothing may be imported"
    );
    let good = "name,sector,level,kind,identifiers\n\
                Casa del Quartiere San Salvario,third_sector,local,association,it_tax_code:97654321001\n\
                Social Street Via Baltea,civic,local,social_street,\n";
    let r = upload(good).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Importati 2 attori."));
    let (_, list) = officer.get_text("/m/torino/actors?q=quartiere").await;
    assert!(list.contains("Casa del Quartiere San Salvario"));
    // A file with no file part is explained, not a 500.
    let empty = reqwest::multipart::Form::new().text("nothing", "here");
    let r = officer
        .client
        .post(officer.url(&format!("/m/torino/actors/import?csrf={token}")))
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// Seeds `n` actors in one transaction (as an import would).
pub async fn seed_actors(app: &TestApp, m: cocity_domain::MunicipalityId, n: usize) {
    let sectors = ["public", "private", "knowledge", "third_sector", "civic"];
    let kinds = [
        "association",
        "company",
        "university",
        "foundation",
        "citizen_group",
    ];
    let drafts: Vec<ActorDraft> = (0..n)
        .map(|i| {
            ActorDraft::parse(&ActorInput {
                name: format!("Attore {i:05}"),
                sector: sectors[i % 5].into(),
                level: "local".into(),
                kind: kinds[i % 5].into(),
                description: format!("Attore numero {i} del registro di prova"),
                ..ActorInput::default()
            })
            .unwrap()
        })
        .collect();
    crate::helpers::store_import(&app.db, m, &drafts).await;
}

#[tokio::test]
async fn the_list_page_and_the_api_list_run_at_most_three_queries_with_10000_actors() {
    let w = World::new().await;
    seed_actors(&w.app, w.torino.id, 10_000).await;
    let b = w.app.browser();
    b.get("/").await; // takes the anonymous CSRF cookie first
    for path in [
        "/m/torino/actors",
        "/m/torino/actors?sector=civic&q=attore&page=7",
        "/api/v1/m/torino/actors",
        "/api/v1/m/torino/actors?kind=university&per_page=100&page=3",
    ] {
        w.app.db.reset_query_count();
        let r = b.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let body = r.text().await.unwrap();
        let queries = w.app.db.query_count();
        assert!(queries <= 3, "{path} ran {queries} queries");
        assert!(body.contains("Attore"), "{path}");
    }
    let (_, page) = b.get_text("/m/torino/actors").await;
    assert!(
        page.contains("10.002 risultati")
            || page.contains("10002 risultati")
            || page.contains("10,002"),
        "{}",
        &page[..page.len().min(3000)]
    );
}
