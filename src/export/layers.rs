//! What one article adds to the layers, rendered once (GeoJSON feature
//! lines, CSV rows, the places it names) and kept in the build cache; and
//! the layers assembled from those parts. Clean and incremental builds both
//! go through `assemble`, so their layers are the same bytes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use geojson::Feature;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::table::{self, EVENTS, FORCES, Layer, MOVEMENTS, PLACES, Row};
use super::text::Text;
use super::{ExportError, csv, forces, geojson as gj};
use crate::event::{self, Lexicon, TaggedArticle};
use crate::gazetteer::Gazetteer;

/// The per-article layers, in the order of `Rendered::parts`.
pub const ARTICLE_LAYERS: [&Layer; 3] = [&FORCES, &EVENTS, &MOVEMENTS];

/// What follows each feature in `Part::lines` (and in a collection, but
/// for the last).
const SEPARATOR: &[u8] = b",\n";

/// One article's features of one layer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// Each feature as one line of compact GeoJSON followed by `,\n`, all
    /// in one text, as they stand in a feature collection: a cached article
    /// is a few allocations, or none when read from the mapped cache, and a
    /// layer file is written a part at a time, not a line at a time
    /// (`collection`; `Part::features` gives the lines).
    pub lines: Text,
    /// How many lines `lines` has.
    count: u32,
    /// The features' CSV rows, each ending in a newline.
    pub csv: Text,
}

impl Part {
    /// A part of these feature lines (compact GeoJSON, no newline inside)
    /// and CSV rows.
    pub fn of_lines<'a>(features: impl IntoIterator<Item = &'a [u8]>, csv: Text) -> Part {
        let mut lines = Vec::new();
        let mut count = 0;
        for f in features {
            debug_assert!(!f.contains(&b'\n'), "a feature line holds a newline");
            lines.extend_from_slice(f);
            lines.extend_from_slice(SEPARATOR);
            count += 1;
        }
        Part {
            lines: Text::from(lines),
            count,
            csv,
        }
    }

    /// Each feature as one line of compact GeoJSON.
    pub fn features(&self) -> impl Iterator<Item = &[u8]> + Clone {
        let lines: &[u8] = &self.lines;
        let mut start = 0;
        memchr::memchr_iter(b'\n', lines).map(move |end| {
            // (`end` > `start`: every line ends in the two bytes `,\n`.)
            let line = &lines[start..end - 1];
            start = end + 1;
            line
        })
    }

    /// How many features the part has.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
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

impl PlaceUse {
    /// Writes the place as its derived `Serialize` does.
    pub fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        super::json::Object::new(out)
            .str("id", &self.id)
            .str("name", &self.name)
            .str("kind", &self.kind)
            .str("country", &self.country)
            .str("admin1", &self.admin1)
            .value("population", &self.population)?
            .value("lon", &self.lon)?
            .value("lat", &self.lat)?
            .value("mentions", &self.mentions)?
            .thousandths("confidence", self.confidence)?
            .end();
        Ok(())
    }
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

fn part<F: gj::LayerFeature>(
    layer: &Layer,
    features: Vec<F>,
    with_csv: bool,
) -> Result<Part, ExportError> {
    let serialise = |source| ExportError::Serialise {
        layer: layer.name.to_string(),
        source,
    };
    let rows: Vec<Row> = if with_csv {
        features
            .iter()
            .map(|f| f.row(layer))
            .collect::<Result<_, _>>()
            .map_err(serialise)?
    } else {
        Vec::new()
    };
    let mut lines = Vec::with_capacity(features.len() * 512);
    for f in &features {
        // Compact JSON escapes every newline inside a string, so a feature
        // is one line.
        f.write(&mut lines).map_err(serialise)?;
        lines.extend_from_slice(SEPARATOR);
    }
    Ok(Part {
        lines: Text::from(lines),
        count: features.len() as u32,
        csv: Text::from(csv::rows(layer, &rows)?),
    })
}

/// "id: n place mention(s), m force(s), date d", what `build -v` prints.
pub fn summary_line(id: &str, mentions: usize, forces: usize, date: Option<&str>) -> String {
    format!(
        "{id}: {mentions} place mention(s), {forces} force(s), date {}",
        date.unwrap_or("-")
    )
}

/// Renders what `t` adds to every layer.
pub fn render(g: &Gazetteer, lex: &Lexicon, t: &TaggedArticle) -> Result<Rendered, ExportError> {
    render_parts(g, lex, t, true)
}

/// `render`, leaving the CSV rows empty unless `with_csv` (`extract` writes
/// only the features; `merge` makes the rows again from them).
pub fn render_parts(
    g: &Gazetteer,
    lex: &Lexicon,
    t: &TaggedArticle,
    with_csv: bool,
) -> Result<Rendered, ExportError> {
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
        line: summary_line(
            &t.article.id,
            t.mentions.len(),
            t.forces.len(),
            t.article.date.as_deref(),
        ),
        places: places.into_values().collect(),
        parts: [
            part(&FORCES, forces::features(g, one), with_csv)?,
            part(&EVENTS, forces::events(g, one, &events), with_csv)?,
            part(&MOVEMENTS, forces::movements(g, one), with_csv)?,
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

/// The places layer: its part (features and CSV) and its GeoPackage rows.
pub fn place_part(articles: &[&Rendered]) -> Result<(Part, Vec<Row>), ExportError> {
    let features = places(articles);
    let rows = features.iter().map(|f| table::row(&PLACES, f)).collect();
    Ok((part(&PLACES, features, true)?, rows))
}

/// One output file's content, streamed to disk by `write_to`.
pub enum Body<'a> {
    Bytes(Vec<u8>),
    /// A GeoJSON FeatureCollection of these parts' features (split into
    /// lines by the thread writing the file, not by the one listing them).
    Collection(Vec<&'a Part>),
    /// A CSV header, then blocks of rows.
    Csv(String, Vec<&'a [u8]>),
    /// The offline map of these layers' parts and the article list.
    Html(Vec<(&'static str, Vec<&'a Part>)>, Vec<u8>),
}

/// Writes a GeoJSON FeatureCollection of the parts' features, one feature
/// per line so diffs between builds are readable: each part as it is, the
/// last without its final separator.
pub fn collection(w: &mut dyn Write, parts: &[&Part]) -> std::io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let Some(last) = parts.iter().rposition(|p| !p.is_empty()) else {
        return w.write_all(b"]}\n");
    };
    for p in &parts[..last] {
        w.write_all(&p.lines)?;
    }
    let lines: &[u8] = &parts[last].lines;
    w.write_all(&lines[..lines.len() - SEPARATOR.len()])?;
    w.write_all(b"\n]}\n")
}

impl Body<'_> {
    pub fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Body::Bytes(b) => w.write_all(b),
            Body::Collection(parts) => collection(w, parts),
            Body::Csv(header, blocks) => {
                w.write_all(header.as_bytes())?;
                blocks.iter().try_for_each(|b| w.write_all(b))
            }
            Body::Html(layers, articles) => super::html::write_page(w, layers, articles),
        }
    }
}

/// The name of every file `files` writes.
pub fn file_names() -> Vec<String> {
    let mut names: Vec<String> = std::iter::once(&PLACES)
        .chain(ARTICLE_LAYERS)
        .flat_map(|l| ["geojson", "csv", "qml"].map(|ext| format!("{}.{ext}", l.name)))
        .collect();
    names.extend(["index.html".to_string(), "eventmap.qgs".to_string()]);
    names
}

/// Every output file but the GeoPackage, in article order: GeoJSON, CSV
/// and QGIS style of each layer, the QGIS project and the offline map.
pub fn files<'a>(
    articles: &[&'a Rendered],
    place: &'a Part,
) -> Result<Vec<(String, Body<'a>)>, ExportError> {
    let mut files = Vec::new();
    let mut lines = Vec::new();
    let layers = std::iter::once((&PLACES, vec![place])).chain(
        ARTICLE_LAYERS
            .iter()
            .enumerate()
            .map(|(i, l)| (*l, articles.iter().map(|a| &a.parts[i]).collect())),
    );
    for (layer, parts) in layers {
        let parts: Vec<&Part> = parts;
        files.push((
            format!("{}.geojson", layer.name),
            Body::Collection(parts.clone()),
        ));
        files.push((
            format!("{}.csv", layer.name),
            Body::Csv(csv::header(layer)?, parts.iter().map(|p| &*p.csv).collect()),
        ));
        files.push((
            format!("{}.qml", layer.name),
            Body::Bytes(super::styles::qml(layer).as_bytes().to_vec()),
        ));
        lines.push((layer.name, parts));
    }
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
    let entries = serde_json::to_vec(&entries).map_err(|source| ExportError::Serialise {
        layer: "index.html".to_string(),
        source,
    })?;
    files.push(("index.html".to_string(), Body::Html(lines, entries)));
    let first = articles.iter().filter_map(|a| a.date.as_deref()).min();
    let last = articles.iter().filter_map(|a| a.date.as_deref()).max();
    files.push((
        "eventmap.qgs".to_string(),
        Body::Bytes(super::styles::project(first.zip(last)).into_bytes()),
    ));
    Ok(files)
}

/// A part's features as GeoPackage rows (read back from their GeoJSON).
pub fn rows(layer: &Layer, part: &Part) -> Result<Vec<Row>, ExportError> {
    part.features()
        .map(|line| {
            serde_json::from_slice::<Feature>(line)
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
    fn a_part_gives_back_its_feature_lines() {
        let part = Part::of_lines([&b"{\"a\":1}"[..], b"{\"b\":\"x\\ny\"}"], Text::default());
        let lines: Vec<&[u8]> = part.features().collect();
        assert_eq!(lines, [&b"{\"a\":1}"[..], b"{\"b\":\"x\\ny\"}"]);
        assert_eq!(part.len(), 2);
        let none = Part::default();
        assert_eq!(
            (none.features().count(), none.len(), none.is_empty()),
            (0, 0, true)
        );
    }

    #[test]
    fn file_names_name_every_file_written() {
        let place = Part::default();
        let written: Vec<String> = files(&[], &place)
            .unwrap()
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(written, file_names());
    }

    #[test]
    fn a_collection_has_one_feature_per_line() {
        let (a, b) = (&b"{\"a\":1}"[..], &b"{\"b\":2}"[..]);
        let one = Part::of_lines([a], Text::default());
        let two = Part::of_lines([a, b], Text::default());
        let none = Part::default();
        let text = |parts: &[&Part]| {
            let mut out = Vec::new();
            collection(&mut out, parts).unwrap();
            String::from_utf8(out).unwrap()
        };
        let head = "{\"type\":\"FeatureCollection\",\"features\":[\n";
        // Empty parts anywhere, the last among them, add nothing.
        assert_eq!(
            text(&[&two]),
            format!("{head}{{\"a\":1}},\n{{\"b\":2}}\n]}}\n")
        );
        assert_eq!(
            text(&[&one, &none, &one]),
            format!("{head}{{\"a\":1}},\n{{\"a\":1}}\n]}}\n")
        );
        assert_eq!(
            text(&[&none, &two, &none]),
            format!("{head}{{\"a\":1}},\n{{\"b\":2}}\n]}}\n")
        );
        assert_eq!(text(&[&none]), format!("{head}]}}\n"));
        assert_eq!(text(&[]), format!("{head}]}}\n"));
    }
}
