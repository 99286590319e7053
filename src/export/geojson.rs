//! GeoJSON FeatureCollections per ../LAYERS.md: RFC 7946, `[lon, lat]`,
//! flat properties, no `crs` member.

use geojson::{Feature, Geometry, JsonObject, JsonValue};

use super::ExportError;

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

/// Serialises a layer: one feature per line, so diffs between builds are readable.
pub fn to_bytes(layer: &str, features: Vec<Feature>) -> Result<Vec<u8>, ExportError> {
    let err = |source| ExportError::Serialise {
        layer: layer.to_string(),
        source,
    };
    let mut out = Vec::from(&b"{\"type\":\"FeatureCollection\",\"features\":[\n"[..]);
    let n = features.len();
    for (i, f) in features.into_iter().enumerate() {
        out.extend(serde_json::to_vec(&f).map_err(err)?);
        out.extend_from_slice(if i + 1 < n { b",\n" } else { b"\n" });
    }
    out.extend_from_slice(b"]}\n");
    Ok(out)
}

/// A JSON object from (key, value) pairs.
pub fn props<const N: usize>(pairs: [(&str, JsonValue); N]) -> JsonObject {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}
