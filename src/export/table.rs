//! Layers as flat tables: each layer's columns (fixed, so a column keeps its
//! name and type from build to build, even when a layer is empty) and a
//! feature's values in that order, shared by the CSV and GeoPackage writers
//! so every format carries the same fields as the GeoJSON.

use geojson::{Feature, GeometryValue, JsonValue};
use serde::{Deserialize, Serialize};

/// The type a column holds in every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Real,
    Text,
}

/// One output layer: its file stem and its property columns, sorted by name
/// as in the GeoJSON.
#[derive(Debug)]
pub struct Layer {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColumnType)],
    /// LineString features (movements); the others are Points.
    pub line: bool,
}

use ColumnType::{Integer, Real, Text};

pub const PLACES: Layer = Layer {
    name: "places",
    columns: &[
        ("admin1", Text),
        ("articles", Text),
        ("confidence", Real),
        ("country", Text),
        ("id", Text),
        ("kind", Text),
        ("mentions", Integer),
        ("name", Text),
        ("population", Integer),
    ],
    line: false,
};

pub const FORCES: Layer = Layer {
    name: "forces",
    columns: &[
        ("actor", Text),
        ("article", Text),
        ("date", Text),
        ("evidence", Text),
        ("id", Text),
        ("kind", Text),
        ("place", Text),
        ("place_id", Text),
        ("quantity", Integer),
        ("rules", Text),
        ("source", Text),
        ("status", Text),
        ("title", Text),
        ("unit", Text),
        ("url", Text),
    ],
    line: false,
};

pub const EVENTS: Layer = Layer {
    name: "events",
    columns: &[
        ("article", Text),
        ("date", Text),
        ("event_type", Text),
        ("forces", Integer),
        ("id", Text),
        ("mentions", Integer),
        ("place", Text),
        ("place_id", Text),
        ("source", Text),
        ("summary", Text),
        ("title", Text),
        ("url", Text),
    ],
    line: false,
};

pub const MOVEMENTS: Layer = Layer {
    name: "movements",
    columns: &[
        ("actor", Text),
        ("article", Text),
        ("date", Text),
        ("evidence", Text),
        ("id", Text),
        ("kind", Text),
        ("origin", Text),
        ("origin_id", Text),
        ("place", Text),
        ("place_id", Text),
        ("quantity", Integer),
        ("rules", Text),
        ("source", Text),
        ("status", Text),
        ("title", Text),
        ("unit", Text),
        ("url", Text),
    ],
    line: true,
};

/// Every layer, in the order they are written.
pub const LAYERS: [&Layer; 4] = [&PLACES, &FORCES, &EVENTS, &MOVEMENTS];

/// One feature as a table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Values in the layer's column order; arrays are joined with "; ",
    /// null is None.
    pub values: Vec<Option<Value>>,
    /// The feature's points: one for a Point, two or more for a LineString.
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Integer(i64),
    Real(f64),
    Text(String),
}

fn value(v: &JsonValue) -> Option<Value> {
    match v {
        JsonValue::Null => None,
        JsonValue::Bool(b) => Some(Value::Integer(i64::from(*b))),
        JsonValue::Number(n) => Some(n.as_i64().map_or_else(
            || Value::Real(n.as_f64().unwrap_or(f64::NAN)),
            Value::Integer,
        )),
        JsonValue::String(s) => Some(Value::Text(s.clone())),
        JsonValue::Array(items) => Some(Value::Text(
            items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join("; "),
        )),
        JsonValue::Object(_) => Some(Value::Text(v.to_string())),
    }
}

/// A feature's row in `layer`'s columns.
pub fn row(layer: &Layer, f: &Feature) -> Row {
    Row {
        values: layer
            .columns
            .iter()
            .map(|(n, _)| {
                f.properties
                    .as_ref()
                    .and_then(|p| p.get(*n))
                    .and_then(value)
            })
            .collect(),
        points: match f.geometry.as_ref().map(|g| &g.value) {
            Some(GeometryValue::Point { coordinates }) => vec![(coordinates[0], coordinates[1])],
            Some(GeometryValue::LineString { coordinates }) => {
                coordinates.iter().map(|c| (c[0], c[1])).collect()
            }
            _ => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_sorted_and_unique() {
        for layer in LAYERS {
            let names: Vec<&str> = layer.columns.iter().map(|c| c.0).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(names, sorted, "{}", layer.name);
        }
    }

    #[test]
    fn a_row_follows_the_layer_columns_and_joins_arrays() {
        let f: Feature = serde_json::from_str(
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[25.28,54.69]},
                "properties":{"id":"593116","name":"Vilnius","articles":["a","b"],"mentions":3,
                "confidence":0.9,"population":null}}"#,
        )
        .unwrap();
        let r = row(&PLACES, &f);
        assert_eq!(r.points, vec![(25.28, 54.69)]);
        let at = |n: &str| r.values[PLACES.columns.iter().position(|c| c.0 == n).unwrap()].clone();
        assert_eq!(at("articles"), Some(Value::Text("a; b".into())));
        assert_eq!(at("mentions"), Some(Value::Integer(3)));
        assert_eq!(at("confidence"), Some(Value::Real(0.9)));
        assert_eq!(at("population"), None);
        assert_eq!(at("admin1"), None);
    }
}
