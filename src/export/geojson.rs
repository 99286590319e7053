//! GeoJSON FeatureCollections per ../LAYERS.md: RFC 7946, `[lon, lat]`,
//! flat properties, no `crs` member.

use geojson::{Feature, Geometry, JsonObject, JsonValue};

/// Coordinates rounded to 5 decimals (about 1 m), enough for any place and
/// stable across platforms.
fn round(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

pub fn point(lon: f64, lat: f64, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new_point([round(lon), round(lat)])),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

pub fn line(points: &[(f64, f64)], properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(Geometry::new_line_string(
            points.iter().map(|&(lon, lat)| [round(lon), round(lat)]),
        )),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

/// A JSON object from (key, value) pairs.
pub fn props<const N: usize>(pairs: [(&str, JsonValue); N]) -> JsonObject {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
