//! `eventmap build`: seeds to layers, determinism, bad input.

mod common;

use common::{eventmap, features, fixture, read_layer, root};

#[test]
fn seeds_build_a_places_layer_per_the_contract() {
    let out = tempfile::tempdir().unwrap();
    let assert = eventmap()
        .args(["build", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("5 articles, 0 skipped"), "{stderr}");
    let layer = read_layer(&out.path().join("places.geojson"));
    assert_eq!(layer["type"], "FeatureCollection");
    assert!(layer.get("crs").is_none());
    let feats = features(&layer);
    assert!(feats.len() > 20, "only {} places", feats.len());
    for f in feats {
        let p = &f["properties"];
        for key in ["id", "name", "kind", "country"] {
            assert!(p[key].is_string(), "{key} in {p}");
        }
        assert!(p["mentions"].as_u64().unwrap() >= 1);
        assert!(
            p["articles"]
                .as_array()
                .unwrap()
                .iter()
                .all(|a| a.is_string())
        );
        let c = p["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
        let xy = f["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(f["geometry"]["type"], "Point");
        assert!(xy[0].as_f64().unwrap().abs() <= 180.0 && xy[1].as_f64().unwrap().abs() <= 90.0);
    }
    let by_name = |n: &str| feats.iter().find(|f| f["properties"]["name"] == n).cloned();
    // Rota is the naval station in Spain, not the island in the Pacific.
    let rota = by_name("Naval Station Rota").expect("Rota resolved");
    let xy = &rota["geometry"]["coordinates"];
    assert!(
        (xy[1].as_f64().unwrap() - 36.62).abs() < 0.1
            && (xy[0].as_f64().unwrap() + 6.35).abs() < 0.1
    );
    assert!(by_name("Suwałki Gap").is_some());
    assert!(by_name("Vilnius").is_some());
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for d in [&a, &b] {
        eventmap()
            .args(["build", "--out"])
            .arg(d.path())
            .assert()
            .success();
    }
    let fa = std::fs::read(a.path().join("places.geojson")).unwrap();
    let fb = std::fs::read(b.path().join("places.geojson")).unwrap();
    assert_eq!(fa, fb);
}

#[test]
fn non_utf8_and_empty_articles_warn_and_the_rest_is_built() {
    let dir = tempfile::tempdir().unwrap();
    let arts = dir.path().join("articles");
    std::fs::create_dir(&arts).unwrap();
    for name in ["latin1.txt", "empty.txt", "georgia_tbilisi.txt"] {
        std::fs::copy(fixture(name), arts.join(name)).unwrap();
    }
    let out = dir.path().join("out");
    let assert = eventmap()
        .args(["build", "--articles"])
        .arg(&arts)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("latin1.txt") && stderr.contains("UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("empty.txt") && stderr.contains("empty"),
        "{stderr}"
    );
    assert!(stderr.contains("2 articles, 1 skipped"), "{stderr}");
    let layer = read_layer(&out.join("places.geojson"));
    let names: Vec<&str> = features(&layer)
        .iter()
        .filter_map(|f| f["properties"]["name"].as_str())
        .collect();
    assert!(names.contains(&"Vilnius"), "{names:?}");
    assert!(names.contains(&"Tbilisi"), "{names:?}");

    // --strict turns the skipped article into a failure.
    eventmap()
        .args(["build", "--strict", "--articles"])
        .arg(&arts)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
}

#[test]
fn a_malformed_user_gazetteer_row_names_file_line_and_column() {
    let out = tempfile::tempdir().unwrap();
    let assert = eventmap()
        .args(["build", "--out"])
        .arg(out.path())
        .arg("--gazetteer")
        .arg(fixture("bad_row.csv"))
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("bad_row.csv:4"), "{stderr}");
    assert!(
        stderr.contains("lat") && stderr.contains("123.5"),
        "{stderr}"
    );
}

#[test]
fn a_user_gazetteer_adds_places() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("mine.csv");
    std::fs::write(&csv, "id,name,kind,lat,lon,country,aliases,source\nmine:camp-x,Camp Xylo,base,55.0,24.0,LT,Xylo base,test\n").unwrap();
    let art = dir.path().join("a.txt");
    std::fs::write(
        &art,
        "Troops moved to Camp Xylo\nTroops moved to Camp Xylo in Lithuania last week.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    eventmap()
        .args(["build", "--articles"])
        .arg(&art)
        .arg("--out")
        .arg(&out)
        .arg("--gazetteer")
        .arg(&csv)
        .assert()
        .success();
    let layer = read_layer(&out.join("places.geojson"));
    assert!(
        features(&layer)
            .iter()
            .any(|f| f["properties"]["id"] == "mine:camp-x")
    );
}

#[test]
fn output_path_that_is_a_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let assert = eventmap()
        .args(["build", "--out"])
        .arg(&file)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("not-a-dir"), "{stderr}");
    let _ = root();
}
