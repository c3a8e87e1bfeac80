//! `cockpit sheet`: the field document of a simulated, scored fleet, as HTML and as JSON, in
//! both languages; bad input refused with a message naming it.

use cockpit_tests::{cockpit, ingest_simulated, simulate};

#[test]
fn the_field_document_ranks_the_turbines_and_gives_each_its_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cockpit.db");
    let sim = dir.path().join("sim");
    simulate(&db, &sim, 3, 20, 11);
    ingest_simulated(&db, &sim);
    let run = cockpit(&db, &["score"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fleet = cockpit(&db, &["fleet", "--json"]).json();
    let ranked: Vec<String> = fleet
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["turbine_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ranked.len(), 3);

    // Asked for in reverse order, written in the fleet's order, one sheet each.
    let out = dir.path().join("terrain.html");
    let run = cockpit(
        &db,
        &[
            "sheet",
            &ranked[2],
            &ranked[0],
            "--lang",
            "fr",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("terrain.html"), "{}", run.stdout);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"fr\">"));
    for part in [
        "Dossier terrain",
        "Dernières mesures",
        "Historique du risque",
        "Interventions prévues",
    ] {
        assert!(html.contains(part), "{part} missing");
    }
    assert_eq!(html.matches("<section class=\"sheet\"").count(), 2);
    assert_eq!(html.matches("<figure><svg").count(), 2);
    let first = html.find(&format!("id=\"sheet-{}\"", ranked[0])).unwrap();
    let last = html.find(&format!("id=\"sheet-{}\"", ranked[2])).unwrap();
    assert!(first < last, "the sheets follow the fleet's ranking");
    assert!(!html.contains(&format!("id=\"sheet-{}\"", ranked[1])));

    // The same document's data as JSON; without --out the HTML goes to standard output.
    let json = cockpit(&db, &["sheet", &ranked[1], "--json"]).json();
    let sheet = &json["sheets"][0];
    assert_eq!(sheet["identity"]["turbine_id"], ranked[1].as_str());
    assert!(sheet["measurements"].as_array().unwrap().len() >= 5);
    assert!(sheet["risk_chart"].as_str().unwrap().starts_with("<svg"));
    assert_eq!(sheet["interventions"], serde_json::json!([]));
    let printed = cockpit(&db, &["sheet", &ranked[1]]);
    assert_eq!(printed.code, 0);
    assert!(
        printed.stdout.contains("Field document") && printed.stdout.contains("Last measurements")
    );

    // Bad input: an unknown turbine, a language the document is not written in, no turbine.
    let run = cockpit(&db, &["sheet", &ranked[0], "LYO-99"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown turbine 'LYO-99'"),
        "{}",
        run.stderr
    );
    let run = cockpit(&db, &["sheet", &ranked[0], "--lang", "de"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--lang"), "{}", run.stderr);
    assert_eq!(cockpit(&db, &["sheet"]).code, 2);
    let run = cockpit(
        &db,
        &[
            "sheet",
            &ranked[0],
            "--out",
            dir.path().join("no/such/dir/x.html").to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("could not be written"),
        "{}",
        run.stderr
    );
}
