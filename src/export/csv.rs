//! One CSV per layer for spreadsheet users: the properties, then `lat` and
//! `lon` (for lines: `origin_lat`, `origin_lon` and `lat`, `lon` of the end).
//! Rows are rendered per article and joined under the header, so a rebuild
//! only renders the articles that changed.

use super::ExportError;
use super::table::{Layer, Row, Value};

fn err(layer: &Layer) -> impl Fn(csv::Error) -> ExportError + '_ {
    move |e| ExportError::Serialise {
        layer: layer.name.to_string(),
        source: serde_json::Error::io(std::io::Error::other(e.to_string())),
    }
}

fn render(layer: &Layer, records: &[Vec<String>]) -> Result<String, ExportError> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for r in records {
        w.write_record(r).map_err(err(layer))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| err(layer)(csv::Error::from(e.into_error())))?;
    // The writer only ever gets strings, so its output is UTF-8.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The header line of `layer`'s CSV.
pub fn header(layer: &Layer) -> Result<String, ExportError> {
    let mut header: Vec<String> = layer.columns.iter().map(|(n, _)| n.to_string()).collect();
    if layer.line {
        header.extend(["origin_lat".into(), "origin_lon".into()]);
    }
    header.extend(["lat".into(), "lon".into()]);
    render(layer, &[header])
}

/// The CSV lines of `rows`, without the header.
pub fn rows(layer: &Layer, rows: &[Row]) -> Result<String, ExportError> {
    let records: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
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
            if layer.line {
                rec.extend([first.1.to_string(), first.0.to_string()]);
            }
            rec.extend([last.1.to_string(), last.0.to_string()]);
            rec
        })
        .collect();
    render(layer, &records)
}
