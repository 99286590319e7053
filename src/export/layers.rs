//! What one article adds to the layers, rendered once (GeoJSON feature
//! lines, CSV rows, the places it names) and kept in the build cache; and
//! the layers assembled from those parts. Clean and incremental builds both
//! go through `assemble`, so their layers are the same bytes.

use std::collections::BTreeMap;
use std::path::PathBuf;

use geojson::Feature;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::table::{self, EVENTS, FORCES, Layer, MOVEMENTS, PLACES, Row};
use super::{ExportError, csv, forces, geojson as gj};
use crate::event::{self, Lexicon, TaggedArticle};
use crate::gazetteer::Gazetteer;

/// The per-article layers, in the order of `Rendered::parts`.
pub const ARTICLE_LAYERS: [&Layer; 3] = [&FORCES, &EVENTS, &MOVEMENTS];

/// One article's features of one layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// Each feature as one line of compact GeoJSON.
    pub features: Vec<String>,
    /// The features' CSV rows, each ending in a newline.
    pub csv: String,
}

/// A place one article names: its facts, as the places layer shows them,
/// and how often and how surely the article names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceUse {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub admin1: String,
    pub population: u64,
    pub lon: f64,
    pub lat: f64,
    pub mentions: usize,
    pub confidence: f64,
}

/// Everything one article adds to the layers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    pub id: String,
    pub path: PathBuf,
    pub title: String,
    /// ISO 8601, when the article gives one.
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    /// "id: n place mention(s), m force(s), date d", for `build -v`.
    pub line: String,
    /// In order of place id.
    pub places: Vec<PlaceUse>,
    /// Forces, events and movements (`ARTICLE_LAYERS`).
    pub parts: [Part; 3],
}

fn part(layer: &Layer, features: Vec<Feature>) -> Result<Part, ExportError> {
    let rows: Vec<Row> = features.iter().map(|f| table::row(layer, f)).collect();
    let lines = features
        .iter()
        .map(|f| {
            serde_json::to_string(f).map_err(|source| ExportError::Serialise {
                layer: layer.name.to_string(),
                source,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Part {
        features: lines,
        csv: csv::rows(layer, &rows)?,
    })
}

/// Renders what `t` adds to every layer.
pub fn render(g: &Gazetteer, lex: &Lexicon, t: &TaggedArticle) -> Result<Rendered, ExportError> {
    let one = std::slice::from_ref(t);
    let events = event::events(g, lex, one);
    let mut places: BTreeMap<&str, PlaceUse> = BTreeMap::new();
    for m in &t.mentions {
        let p = g.place(m.place);
        let u = places.entry(&p.id).or_insert_with(|| PlaceUse {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind.as_str().to_string(),
            country: p.country.clone(),
            admin1: p.admin1.clone(),
            population: p.population,
            lon: p.lon,
            lat: p.lat,
            mentions: 0,
            confidence: 0.0,
        });
        u.mentions += 1;
        u.confidence = u.confidence.max(m.confidence);
    }
    Ok(Rendered {
        id: t.article.id.clone(),
        path: t.article.path.clone(),
        title: t.article.title.clone(),
        date: t.article.date.clone(),
        source: t.article.source.clone(),
        url: t.article.url.clone(),
        line: format!(
            "{}: {} place mention(s), {} force(s), date {}",
            t.article.id,
            t.mentions.len(),
            t.forces.len(),
            t.article.date.as_deref().unwrap_or("-")
        ),
        places: places.into_values().collect(),
        parts: [
            part(&FORCES, forces::features(g, one))?,
            part(&EVENTS, forces::events(g, one, &events))?,
            part(&MOVEMENTS, forces::movements(g, one))?,
        ],
    })
}

/// The places layer's features: one per place any article names, in order
/// of place id, with its mentions, articles (sorted) and best confidence.
pub fn places(articles: &[&Rendered]) -> Vec<Feature> {
    let mut by_id: BTreeMap<&str, (&PlaceUse, usize, Vec<&str>, f64)> = BTreeMap::new();
    for a in articles {
        for u in &a.places {
            let s = by_id.entry(&u.id).or_insert((u, 0, Vec::new(), 0.0));
            s.1 += u.mentions;
            s.2.push(&a.id);
            s.3 = s.3.max(u.confidence);
        }
    }
    by_id
        .into_values()
        .map(|(u, mentions, mut ids, confidence)| {
            ids.sort_unstable();
            ids.dedup();
            gj::point(
                u.lon,
                u.lat,
                gj::props([
                    ("id", json!(u.id)),
                    ("name", json!(u.name)),
                    ("kind", json!(u.kind)),
                    ("country", json!(u.country)),
                    ("mentions", json!(mentions)),
                    ("articles", json!(ids)),
                    ("confidence", json!(confidence)),
                    ("population", json!(u.population)),
                    ("admin1", json!(u.admin1)),
                ]),
            )
        })
        .collect()
}

/// The finished layers: each file's bytes, and the rows the GeoPackage needs.
pub struct Assembled {
    /// (file name, bytes): GeoJSON and CSV of every layer.
    pub files: Vec<(String, Vec<u8>)>,
    /// The places layer's rows (rebuilt in full on every build).
    pub place_rows: Vec<Row>,
    pub counts: [usize; 4],
}

/// A GeoJSON FeatureCollection with one feature per line, so diffs between
/// builds are readable.
fn collection<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut out = Vec::from(&b"{\"type\":\"FeatureCollection\",\"features\":[\n"[..]);
    for (i, l) in lines.enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(l.as_bytes());
    }
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    out.extend_from_slice(b"]}\n");
    out
}

/// Every layer's GeoJSON and CSV from the articles' parts, in article order.
pub fn assemble(articles: &[&Rendered]) -> Result<Assembled, ExportError> {
    let place_features = places(articles);
    let place_rows: Vec<Row> = place_features
        .iter()
        .map(|f| table::row(&PLACES, f))
        .collect();
    let place_part = part(&PLACES, place_features)?;
    let mut files = Vec::new();
    let mut counts = [place_part.features.len(), 0, 0, 0];
    let mut write = |layer: &Layer, parts: &[&Part]| -> Result<usize, ExportError> {
        let n = parts.iter().map(|p| p.features.len()).sum();
        files.push((
            format!("{}.geojson", layer.name),
            collection(
                parts
                    .iter()
                    .flat_map(|p| p.features.iter().map(String::as_str)),
            ),
        ));
        let mut text = csv::header(layer)?;
        for p in parts {
            text.push_str(&p.csv);
        }
        files.push((format!("{}.csv", layer.name), text.into_bytes()));
        Ok(n)
    };
    write(&PLACES, &[&place_part])?;
    for (i, layer) in ARTICLE_LAYERS.iter().enumerate() {
        let parts: Vec<&Part> = articles.iter().map(|a| &a.parts[i]).collect();
        counts[i + 1] = write(layer, &parts)?;
    }
    for layer in super::table::LAYERS {
        files.push((
            format!("{}.qml", layer.name),
            super::styles::qml(layer).as_bytes().to_vec(),
        ));
    }
    let geojson: Vec<(&str, &[u8])> = super::table::LAYERS
        .iter()
        .filter_map(|l| {
            let name = format!("{}.geojson", l.name);
            files
                .iter()
                .find(|(f, _)| *f == name)
                .map(|(_, b)| (l.name, b.as_slice()))
        })
        .collect();
    let entries: Vec<super::html::ArticleEntry> = articles
        .iter()
        .map(|a| super::html::ArticleEntry {
            id: &a.id,
            title: &a.title,
            date: a.date.as_deref(),
            source: &a.source,
            url: &a.url,
        })
        .collect();
    let page = super::html::page(&geojson, &entries).map_err(|source| ExportError::Serialise {
        layer: "index.html".to_string(),
        source,
    })?;
    files.push(("index.html".to_string(), page));
    let first = articles.iter().filter_map(|a| a.date.as_deref()).min();
    let last = articles.iter().filter_map(|a| a.date.as_deref()).max();
    files.push((
        "eventmap.qgs".to_string(),
        super::styles::project(first.zip(last)).into_bytes(),
    ));
    Ok(Assembled {
        files,
        place_rows,
        counts,
    })
}

/// A part's features as GeoPackage rows (read back from their GeoJSON).
pub fn rows(layer: &Layer, part: &Part) -> Result<Vec<Row>, ExportError> {
    part.features
        .iter()
        .map(|line| {
            serde_json::from_str::<Feature>(line)
                .map(|f| table::row(layer, &f))
                .map_err(|source| ExportError::Serialise {
                    layer: layer.name.to_string(),
                    source,
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_collection_has_one_feature_per_line() {
        assert_eq!(
            collection(["{\"a\":1}", "{\"b\":2}"].into_iter()),
            b"{\"type\":\"FeatureCollection\",\"features\":[\n{\"a\":1},\n{\"b\":2}\n]}\n"
        );
        assert_eq!(
            collection(std::iter::empty()),
            b"{\"type\":\"FeatureCollection\",\"features\":[\n]}\n"
        );
    }
}
