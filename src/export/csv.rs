//! One CSV per layer for spreadsheet users: the properties, then `lat` and
//! `lon` (for lines: `origin_lat`, `origin_lon` and `lat`, `lon` of the end).

use super::ExportError;
use super::table::{Table, Value};

pub fn to_bytes(layer: &str, t: &Table) -> Result<Vec<u8>, ExportError> {
    let err = |e: csv::Error| ExportError::Serialise {
        layer: layer.to_string(),
        source: serde_json::Error::io(std::io::Error::other(e.to_string())),
    };
    let lines = t.rows.iter().any(|r| r.points.len() > 1);
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = t.columns.iter().map(|(n, _)| n.clone()).collect();
    if lines {
        header.extend(["origin_lat".into(), "origin_lon".into()]);
    }
    header.extend(["lat".into(), "lon".into()]);
    w.write_record(&header).map_err(err)?;
    for r in &t.rows {
        let mut rec: Vec<String> = r
            .values
            .iter()
            .map(|v| match v {
                None => String::new(),
                Some(Value::Integer(i)) => i.to_string(),
                Some(Value::Real(x)) => x.to_string(),
                Some(Value::Text(s)) => s.clone(),
            })
            .collect();
        let first = r.points.first().copied().unwrap_or((f64::NAN, f64::NAN));
        let last = r.points.last().copied().unwrap_or(first);
        if lines {
            rec.extend([first.1.to_string(), first.0.to_string()]);
        }
        rec.extend([last.1.to_string(), last.0.to_string()]);
        w.write_record(&rec).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| err(csv::Error::from(e.into_error())))
}
