//! GeoJSON FeatureCollections per ../LAYERS.md: RFC 7946, `[lon, lat]`,
//! flat properties, no `crs` member.

use geojson::{Feature, Geometry, GeometryValue, JsonObject, JsonValue};

use super::table::{self, Layer, Row};

/// Coordinates rounded to 5 decimals (about 1 m), enough for any place and
/// stable across platforms.
fn round(x: f64) -> f64 {
    (x * 1e5).round() / 1e5
}

/// A point at (lon, lat), rounded.
fn point_geometry(lon: f64, lat: f64) -> Geometry {
    Geometry::new_point([round(lon), round(lat)])
}

pub fn point(lon: f64, lat: f64, properties: JsonObject) -> Feature {
    Feature {
        bbox: None,
        geometry: Some(point_geometry(lon, lat)),
        id: None,
        properties: Some(properties),
        foreign_members: None,
    }
}

/// A JSON object from (key, value) pairs.
pub fn props<const N: usize>(pairs: [(&str, JsonValue); N]) -> JsonObject {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A feature whose properties are a struct, written as the `Feature` of
/// the same properties would be (a test holds them equal) without building
/// its JSON object: the struct's fields are in key order, as a JSON
/// object's keys are written.
pub struct Typed<P> {
    pub geometry: Geometry,
    pub properties: P,
}

impl<P: serde::Serialize> Typed<P> {
    pub fn point(lon: f64, lat: f64, properties: P) -> Typed<P> {
        Typed {
            geometry: point_geometry(lon, lat),
            properties,
        }
    }

    pub fn line(points: &[(f64, f64)], properties: P) -> Typed<P> {
        Typed {
            geometry: Geometry::new_line_string(
                points.iter().map(|&(lon, lat)| [round(lon), round(lat)]),
            ),
            properties,
        }
    }
}

/// What a layer's part is made from: a feature written as one line of
/// compact GeoJSON, and its row in the layer's table.
pub trait LayerFeature {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()>;
    fn row(&self, layer: &Layer) -> serde_json::Result<Row>;
}

impl LayerFeature for Feature {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        serde_json::to_writer(out, self)
    }

    fn row(&self, layer: &Layer) -> serde_json::Result<Row> {
        Ok(table::row(layer, self))
    }
}

/// A feature's properties, written as compact JSON exactly as their
/// derived `Serialize` writes them (`super::json`; a test of each holds
/// them equal).
pub trait Properties: serde::Serialize {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()>;
}

/// Writes `g` as serde writes it; points and lines, every feature's, by
/// hand.
fn write_geometry(out: &mut Vec<u8>, g: &Geometry) -> serde_json::Result<()> {
    let position = |out: &mut Vec<u8>, p: &geojson::Position| -> serde_json::Result<()> {
        out.push(b'[');
        for (i, x) in p.as_slice().iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            super::json::value(out, x)?;
        }
        out.push(b']');
        Ok(())
    };
    if g.bbox.is_some() || g.foreign_members.is_some() {
        return serde_json::to_writer(out, g);
    }
    match &g.value {
        GeometryValue::Point { coordinates } => {
            out.extend_from_slice(br#"{"type":"Point","coordinates":"#);
            position(out, coordinates)?;
        }
        GeometryValue::LineString { coordinates } => {
            out.extend_from_slice(br#"{"type":"LineString","coordinates":["#);
            for (i, p) in coordinates.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                position(out, p)?;
            }
            out.push(b']');
        }
        _ => return serde_json::to_writer(out, g),
    }
    out.push(b'}');
    Ok(())
}

impl<P: Properties> LayerFeature for Typed<P> {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(br#"{"type":"Feature","geometry":"#);
        write_geometry(out, &self.geometry)?;
        out.extend_from_slice(br#","properties":"#);
        self.properties.write(out)?;
        out.push(b'}');
        Ok(())
    }

    /// Made from the feature as a `Feature` (only `build` asks for rows).
    fn row(&self, layer: &Layer) -> serde_json::Result<Row> {
        Ok(table::row(layer, &self.to_feature()?))
    }
}

impl<P: serde::Serialize> Typed<P> {
    /// The same feature as a `geojson::Feature`.
    pub fn to_feature(&self) -> serde_json::Result<Feature> {
        let properties = match serde_json::to_value(&self.properties)? {
            JsonValue::Object(map) => Some(map),
            _ => None,
        };
        Ok(Feature {
            bbox: None,
            geometry: Some(self.geometry.clone()),
            id: None,
            properties,
            foreign_members: None,
        })
    }
}
