//! The CSV and GeoPackage copies of the layers: same features, same place
//! ids, readable by SQLite as an OGC GeoPackage.

mod common;

use common::{features, read_layer};

#[test]
fn csv_and_geopackage_hold_every_layer() {
    let out = common::build_seeds();
    let db = rusqlite::Connection::open(out.path().join("eventmap.gpkg")).unwrap();
    let app: i64 = db
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, 0x4750_4B47, "GPKG application id");
    let srs: i64 = db
        .query_row(
            "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id = 4326",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(srs, 1);
    for layer in ["places", "forces", "events", "movements"] {
        let geo = read_layer(&out.path().join(format!("{layer}.geojson")));
        let n = features(&geo).len() as i64;
        let rows: i64 = db
            .query_row(&format!("SELECT count(*) FROM {layer}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, n, "{layer} rows");
        let indexed: i64 = db
            .query_row(
                &format!("SELECT count(*) FROM rtree_{layer}_geom"),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(indexed, n, "{layer} spatial index");
        let contents: i64 = db
            .query_row("SELECT count(*) FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) WHERE table_name = ?1", [layer], |r| r.get(0))
            .unwrap();
        assert_eq!(contents, 1, "{layer} registered");

        let mut csv = csv::Reader::from_path(out.path().join(format!("{layer}.csv"))).unwrap();
        let header = csv.headers().unwrap().clone();
        assert!(
            header.iter().any(|h| h == "lat") && header.iter().any(|h| h == "lon"),
            "{layer}: {header:?}"
        );
        let lat = header.iter().position(|h| h == "lat").unwrap();
        let records: Vec<_> = csv.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len() as i64, n, "{layer} csv rows");
        for r in &records {
            let v: f64 = r[lat].parse().unwrap();
            assert!(v.abs() <= 90.0);
        }
    }
    let ids: Vec<String> = {
        let mut s = db.prepare("SELECT id FROM places ORDER BY id").unwrap();
        s.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert!(ids.contains(&"base:rota".to_string()));
}

#[test]
fn layers_come_with_qgis_styles_and_a_project() {
    let out = common::build_seeds();
    let db = rusqlite::Connection::open(out.path().join("eventmap.gpkg")).unwrap();
    let project = std::fs::read_to_string(out.path().join("eventmap.qgs")).unwrap();
    for layer in ["places", "forces", "events", "movements"] {
        let qml = std::fs::read_to_string(out.path().join(format!("{layer}.qml"))).unwrap();
        assert!(qml.contains("<renderer-v2"), "{layer}.qml");
        let (stored, default): (String, bool) = db
            .query_row(
                "SELECT styleQML, useAsDefault FROM layer_styles WHERE f_table_name = ?1",
                [layer],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(stored, qml, "{layer} style in the GeoPackage");
        assert!(default);
        assert!(project.contains(&format!("<datasource>./{layer}.geojson</datasource>")));
    }
    // Forces sized by quantity and coloured by kind; movements drawn as arrows.
    let forces = std::fs::read_to_string(out.path().join("forces.qml")).unwrap();
    assert!(forces.contains("attr=\"kind\"") && forces.contains("scale_exp(\"quantity\""));
    let movements = std::fs::read_to_string(out.path().join("movements.qml")).unwrap();
    assert!(movements.contains("class=\"ArrowLine\""));
    // The seeds are all dated 2022-01-24: the project's time range is that day.
    assert!(
        project.contains("<start>2022-01-24T00:00:00Z</start>"),
        "{project}"
    );
}

#[test]
fn the_offline_map_holds_every_layer_and_no_live_article_markup() {
    let out = tempfile::tempdir().unwrap();
    let o = common::eventmap()
        .args(["build", "--articles"])
        .arg(common::fixture("hostile"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(out.path().join("index.html")).unwrap();
    // Only the page's own four scripts: Leaflet, the data, the outlines, the app.
    assert_eq!(page.matches("<script").count(), 4);
    assert!(!page.contains("<img"));
    let data = page
        .split("<script id=\"eventmap-data\" type=\"application/json\">")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .unwrap();
    let data: serde_json::Value = serde_json::from_str(data).unwrap();
    for layer in ["places", "forces", "events", "movements"] {
        let geo = read_layer(&out.path().join(format!("{layer}.geojson")));
        assert_eq!(data[layer], geo, "{layer}");
    }
    let titles: Vec<&str> = data["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("<script>")),
        "{titles:?}"
    );
}
