//! The three article formats, headers, dates and boilerplate, through the
//! binary: every layer is parsed and checked.

mod common;

use std::collections::HashSet;

use common::{eventmap, features, read_layer};

fn build(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let out = dir.join("out");
    let assert = eventmap()
        .args(["build", "--articles"])
        .arg(dir.join("in"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    (
        out,
        String::from_utf8_lossy(&assert.get_output().stderr).into_owned(),
    )
}

#[test]
fn text_json_and_jsonl_articles_with_dates() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("header.txt"),
        "---\ntitle: Frigates for Norway\ndate: 3 March 2023\nsource: Test Wire\nurl: https://example.org/a\n---\nGermany will send three frigates to Norway.\n",
    )
    .unwrap();
    std::fs::write(input.join("dateline.txt"), "Tanks in Estonia\nTALLINN, Jan 24 2022 - Britain sent 20 tanks to Estonia.\nShare this article\n").unwrap();
    std::fs::write(
        input.join("records.jsonl"),
        "{\"id\":\"r1\",\"title\":\"Jets\",\"date\":\"2022-02-01\",\"source\":\"S\",\"url\":\"u\",\"text\":\"Spain is sending ships to Bulgaria.\"}\nnot json\n",
    )
    .unwrap();
    std::fs::write(
        input.join("one.json"),
        "{\"id\":\"j1\",\"text\":\"French troops arrived in Romania on 5 May 2022.\"}",
    )
    .unwrap();
    let (out, stderr) = build(dir.path());
    assert!(
        stderr.contains("records.jsonl") && stderr.contains("line 2"),
        "{stderr}"
    );

    let events = read_layer(&out.join("events.geojson"));
    let by_article = |id: &str| {
        features(&events)
            .iter()
            .find(|f| f["properties"]["article"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no event for {id}"))
    };
    let h = by_article("header");
    assert_eq!(h["properties"]["date"], "2023-03-03");
    assert_eq!(h["properties"]["title"], "Frigates for Norway");
    assert_eq!(h["properties"]["source"], "Test Wire");
    assert_eq!(h["properties"]["url"], "https://example.org/a");
    assert_eq!(by_article("dateline")["properties"]["date"], "2022-01-24");
    assert_eq!(by_article("r1")["properties"]["date"], "2022-02-01");
    assert_eq!(by_article("j1")["properties"]["date"], "2022-05-05");
    assert_eq!(by_article("r1")["properties"]["event_type"], "deployment");

    let forces = read_layer(&out.join("forces.geojson"));
    let f = |article: &str| {
        features(&forces)
            .iter()
            .filter(|f| f["properties"]["article"] == article)
            .map(|f| f["properties"].clone())
            .collect::<Vec<_>>()
    };
    let norway = f("header");
    assert_eq!(norway.len(), 1);
    assert_eq!(norway[0]["place"], "Norway");
    assert_eq!(norway[0]["actor"], "DE");
    assert_eq!(norway[0]["quantity"], 3);
    assert_eq!(norway[0]["status"], "planned");
    assert_eq!(f("dateline")[0]["kind"], "armour");

    // "Spain is sending ships to Bulgaria" is a line from Spain to Bulgaria.
    let moves = read_layer(&out.join("movements.geojson"));
    let line = features(&moves)
        .iter()
        .find(|m| m["properties"]["article"] == "r1")
        .expect("movement");
    assert_eq!(line["geometry"]["type"], "LineString");
    assert_eq!(line["properties"]["origin"], "Spain");
    assert_eq!(line["properties"]["place"], "Bulgaria");
}

#[test]
fn every_feature_references_a_place_in_the_places_layer() {
    let out = common::build_seeds();
    let places = read_layer(&out.path().join("places.geojson"));
    let ids: HashSet<String> = features(&places)
        .iter()
        .map(|f| f["properties"]["id"].as_str().unwrap().to_string())
        .collect();
    for layer in ["forces", "events", "movements"] {
        let l = read_layer(&out.path().join(format!("{layer}.geojson")));
        assert!(!features(&l).is_empty(), "{layer} is empty on the seeds");
        for f in features(&l) {
            let id = f["properties"]["place_id"].as_str().unwrap();
            assert!(ids.contains(id), "{layer}: {id} not in places.geojson");
            for key in ["id", "article", "place"] {
                assert!(f["properties"][key].is_string(), "{layer}: {key}");
            }
        }
    }
    let forces = read_layer(&out.path().join("forces.geojson"));
    let kinds = [
        "troops",
        "warships",
        "aircraft",
        "air_defence",
        "missiles",
        "armour",
        "artillery",
        "headquarters",
        "other",
    ];
    let statuses = [
        "present",
        "deployed",
        "announced",
        "planned",
        "requested",
        "withdrawn",
    ];
    for f in features(&forces) {
        let p = &f["properties"];
        assert!(kinds.contains(&p["kind"].as_str().unwrap()));
        assert!(statuses.contains(&p["status"].as_str().unwrap()));
        assert!(p["quantity"].is_null() || p["quantity"].is_u64());
        assert!(p["evidence"].as_str().is_some_and(|e| !e.is_empty()));
    }
}

#[test]
fn boilerplate_lines_are_not_mapped() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(input.join("a.txt"), "Troops in Latvia\nCanadian troops arrived in Latvia.\n[READ MORE: Protests in Chile]\nSource: Wire service in Peru\n").unwrap();
    let (out, _) = build(dir.path());
    let places = read_layer(&out.join("places.geojson"));
    let names: Vec<&str> = features(&places)
        .iter()
        .filter_map(|f| f["properties"]["name"].as_str())
        .collect();
    assert!(names.contains(&"Latvia"), "{names:?}");
    assert!(
        !names.contains(&"Chile") && !names.contains(&"Peru"),
        "{names:?}"
    );
}
