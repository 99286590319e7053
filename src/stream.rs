//! Streaming, for corpora larger than one build and for running on many
//! machines: `extract` turns article records (JSON lines) into one JSON line
//! per article holding everything the article adds to the layers, with
//! nothing kept between lines; `merge` builds the layers from such lines,
//! the same bytes as `build` gives for the same articles in the same order.
//!
//! An extract line is `{"id","title","date","source","url","places",
//! "forces","events","movements"}` (places as the article names them, the
//! others as GeoJSON features exactly as the layers hold them), plus
//! `"warnings"` when reading the record gave any. A line that is not an
//! article record gives `{"line": N, "error": "..."}` instead.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::article::{self, Boilerplate};
use crate::diagnostics::Diagnostics;
use crate::event::{self, Lexicon};
use crate::export::json::Object;
use crate::export::layers::{self, ARTICLE_LAYERS, Part, PlaceUse, Rendered};
use crate::export::text::Text;
use crate::export::{csv, table};
use crate::gazetteer::Gazetteer;

/// An extract line up to its places; `extract_line` appends the layers'
/// features as they are (already JSON) and any warnings.
#[derive(Serialize)]
struct ExtractedHead<'a> {
    id: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    source: &'a str,
    url: &'a str,
    places: &'a [PlaceUse],
}

impl ExtractedHead<'_> {
    /// Writes the head as its derived `Serialize` does, but for the
    /// closing brace: the layers' features follow.
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let mut o = Object::new(out);
        o.str("id", self.id)
            .str("title", self.title)
            .opt_str("date", self.date)
            .str("source", self.source)
            .str("url", self.url);
        let out = o.member("places");
        out.push(b'[');
        for (i, p) in self.places.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            p.write(out)?;
        }
        out.push(b']');
        Ok(())
    }
}

#[derive(Deserialize)]
struct ExtractedOwned {
    id: String,
    title: String,
    date: Option<String>,
    source: String,
    url: String,
    places: Vec<PlaceUse>,
    forces: Vec<Box<RawValue>>,
    events: Vec<Box<RawValue>>,
    movements: Vec<Box<RawValue>>,
}

#[derive(Serialize, Deserialize)]
struct ErrorRecord {
    line: usize,
    error: String,
}

/// The error record for input line `n`.
pub fn error_line(n: usize, error: &str) -> String {
    serde_json::to_string(&ErrorRecord {
        line: n,
        error: error.to_string(),
    })
    .unwrap_or_default()
}

/// What extracting one input line gives: its output line (UTF-8 JSON
/// without the newline), None for a blank line, or why it is not an article
/// record.
pub type Extracted = Result<Option<Vec<u8>>, String>;

/// The extract line of input line `n` (1-based): Ok(None) for a blank line,
/// Err(message) for a line that is not an article record or has no text.
pub fn extract_line(
    g: &Gazetteer,
    lex: &Lexicon,
    boilerplate: &Boilerplate,
    line: &str,
    n: usize,
) -> Extracted {
    let mut diag = Diagnostics::default();
    let from = Path::new("<stdin>");
    let Some(a) = article::record_line(line, &format!("line-{n}"), from, boilerplate, &mut diag)?
    else {
        // A record with an empty text: say so rather than drop it.
        return match diag.warnings.first() {
            Some(w) => Err(w.message.clone()),
            None => Ok(None),
        };
    };
    let r = layers::render_parts(g, lex, &event::tag_article(g, lex, a), false)
        .map_err(|e| e.to_string())?;
    let head = ExtractedHead {
        id: &r.id,
        title: &r.title,
        date: r.date.as_deref(),
        source: &r.source,
        url: &r.url,
        places: &r.places,
    };
    let mut out = Vec::with_capacity(
        1024 + r
            .parts
            .iter()
            .map(|p| p.lines.as_bytes().len())
            .sum::<usize>(),
    );
    head.write(&mut out).map_err(|e| e.to_string())?;
    for (layer, part) in ARTICLE_LAYERS.iter().zip(&r.parts) {
        write!(out, ",\"{}\":[", layer.name).map_err(|e| e.to_string())?;
        for (i, feature) in part.features().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(feature);
        }
        out.push(b']');
    }
    if !diag.warnings.is_empty() {
        let warnings: Vec<&str> = diag.warnings.iter().map(|w| w.message.as_str()).collect();
        out.extend_from_slice(b",\"warnings\":");
        serde_json::to_writer(&mut out, &warnings).map_err(|e| e.to_string())?;
    }
    out.push(b'}');
    Ok(Some(out))
}

/// What one line of a part file holds.
pub enum PartLine {
    Article(Box<Rendered>),
    /// An error record extract wrote for a bad input line.
    Error {
        line: usize,
        error: String,
    },
    Blank,
}

/// Reads one extract line back into the article's rendered layer parts;
/// Err says why the line is neither an extract line nor an error record.
pub fn read_part_line(line: &str, path: &Path) -> Result<PartLine, String> {
    if line.trim().is_empty() {
        return Ok(PartLine::Blank);
    }
    let e = match serde_json::from_str::<ExtractedOwned>(line) {
        Ok(e) => e,
        Err(err) => {
            return match serde_json::from_str::<ErrorRecord>(line) {
                Ok(r) => Ok(PartLine::Error {
                    line: r.line,
                    error: r.error,
                }),
                Err(_) => Err(format!("not an extract line: {err}")),
            };
        }
    };
    let mut parts: [Part; 3] = Default::default();
    for ((part, layer), features) in
        parts
            .iter_mut()
            .zip(ARTICLE_LAYERS)
            .zip([e.forces, e.events, e.movements])
    {
        *part = Part::of_lines(features.iter().map(|f| f.get().as_bytes()), Text::default());
        let rows: Vec<table::Row> = layers::rows(layer, part).map_err(|e| e.to_string())?;
        part.csv = csv::rows(layer, &rows).map_err(|e| e.to_string())?.into();
    }
    let mentions = e.places.iter().map(|p| p.mentions).sum();
    Ok(PartLine::Article(Box::new(Rendered {
        line: layers::summary_line(&e.id, mentions, parts[0].len(), e.date.as_deref()),
        id: e.id,
        path: path.to_path_buf(),
        title: e.title,
        date: e.date,
        source: e.source,
        url: e.url,
        places: e.places,
        parts,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_written_as_serde_writes_it() {
        let place = |id: &str, lat| PlaceUse {
            id: id.to_string(),
            name: "Vilnius \"capital\"\n".to_string(),
            kind: "city".to_string(),
            country: "LT".to_string(),
            admin1: String::new(),
            population: 542_366,
            lon: 25.2798,
            lat,
            mentions: 3,
            confidence: 0.1 + 0.2,
        };
        let places = [place("geonames:593116", 54.68916), place("x", -0.000_001)];
        for (date, places) in [(None, &places[..0]), (Some("2026-11-23"), &places[..])] {
            let head = ExtractedHead {
                id: "a\\b",
                title: "Troops\tarrive",
                date,
                source: "",
                url: "https://example.org/?a=1&b=\u{1}",
                places,
            };
            let mut ours = Vec::new();
            head.write(&mut ours).unwrap();
            ours.push(b'}');
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&head).unwrap()
            );
        }
    }
}
