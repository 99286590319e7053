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
    finish(layer, w)
}

/// The text a writer of `layer`'s rows has made.
fn finish(layer: &Layer, w: csv::Writer<Vec<u8>>) -> Result<String, ExportError> {
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
    if rows.is_empty() {
        return Ok(String::new());
    }
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(rows.len() * 256));
    // Numbers are formatted into one buffer, not a String per field.
    let mut buf = String::new();
    let mut number = |w: &mut csv::Writer<Vec<u8>>, x: &dyn std::fmt::Display| {
        use std::fmt::Write;
        buf.clear();
        let _ = write!(buf, "{x}");
        w.write_field(&buf)
    };
    let mut write = || -> Result<(), csv::Error> {
        for r in rows {
            for v in &r.values {
                match v {
                    None => w.write_field("")?,
                    Some(Value::Integer(i)) => number(&mut w, i)?,
                    Some(Value::Real(x)) => number(&mut w, x)?,
                    Some(Value::Text(s)) => w.write_field(s)?,
                }
            }
            let first = r.points.first().copied().unwrap_or((f64::NAN, f64::NAN));
            let last = r.points.last().copied().unwrap_or(first);
            if layer.line {
                number(&mut w, &first.1)?;
                number(&mut w, &first.0)?;
            }
            number(&mut w, &last.1)?;
            number(&mut w, &last.0)?;
            w.write_record(None::<&[u8]>)?;
        }
        Ok(())
    };
    write().map_err(err(layer))?;
    finish(layer, w)
}
