//! Layers as flat tables: the columns and rows shared by the CSV and
//! GeoPackage writers, read from the GeoJSON features so every format
//! carries the same fields.

use geojson::{Feature, GeometryValue, JsonValue};

/// The type a column holds in every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    Integer,
    Real,
    Text,
}

/// One layer as a table: property columns (sorted, as in the GeoJSON) and
/// each feature's values and coordinates.
pub struct Table {
    pub columns: Vec<(String, ColumnType)>,
    pub rows: Vec<Row>,
}

pub struct Row {
    /// Values in `columns` order; arrays are joined with "; ", null is None.
    pub values: Vec<Option<Value>>,
    /// The feature's points: one for a Point, two or more for a LineString.
    pub points: Vec<(f64, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
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

pub fn table(features: &[Feature]) -> Table {
    let mut names: Vec<String> = features
        .iter()
        .flat_map(|f| f.properties.iter().flat_map(|p| p.keys().cloned()))
        .collect();
    names.sort();
    names.dedup();
    let rows: Vec<Row> = features
        .iter()
        .map(|f| Row {
            values: names
                .iter()
                .map(|n| f.properties.as_ref().and_then(|p| p.get(n)).and_then(value))
                .collect(),
            points: match f.geometry.as_ref().map(|g| &g.value) {
                Some(GeometryValue::Point { coordinates }) => {
                    vec![(coordinates[0], coordinates[1])]
                }
                Some(GeometryValue::LineString { coordinates }) => {
                    coordinates.iter().map(|c| (c[0], c[1])).collect()
                }
                _ => Vec::new(),
            },
        })
        .collect();
    let columns = names
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let kinds: Vec<&Value> = rows.iter().filter_map(|r| r.values[i].as_ref()).collect();
            let t = if kinds.iter().all(|v| matches!(v, Value::Integer(_))) && !kinds.is_empty() {
                ColumnType::Integer
            } else if kinds
                .iter()
                .all(|v| matches!(v, Value::Integer(_) | Value::Real(_)))
                && !kinds.is_empty()
            {
                ColumnType::Real
            } else {
                ColumnType::Text
            };
            (n, t)
        })
        .collect();
    Table { columns, rows }
}
