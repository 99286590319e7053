//! `places.geojson`: one Point per place named in any article.

use geojson::Feature;
use serde_json::json;

use super::geojson::{point, props};
use crate::event::PlaceSummary;
use crate::gazetteer::Gazetteer;

pub fn features(g: &Gazetteer, places: &[PlaceSummary]) -> Vec<Feature> {
    places
        .iter()
        .map(|s| {
            let p = g.place(s.place);
            point(
                p.lon,
                p.lat,
                props([
                    ("id", json!(p.id)),
                    ("name", json!(p.name)),
                    ("kind", json!(p.kind.as_str())),
                    ("country", json!(p.country)),
                    ("mentions", json!(s.mentions)),
                    ("articles", json!(s.articles)),
                    ("confidence", json!(s.confidence)),
                    ("population", json!(p.population)),
                    ("admin1", json!(p.admin1)),
                ]),
            )
        })
        .collect()
}
