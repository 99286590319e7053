//! Reading the gazetteer files: the derived GeoNames extracts, the curated
//! CSV, country aliases, name lists, and users' own CSVs.
//!
//! Every malformed row is an error naming the file, line, column and value.
//! This module only reads; indexing and matching live in `index.rs`.

use rustc_hash::FxHashSet as HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::place::{Place, PlaceKind};

/// A gazetteer file that could not be read or holds a bad row.
#[derive(Debug, thiserror::Error)]
pub enum GazetteerError {
    #[error("{file}: cannot read: {source}")]
    Read {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}: column `{column}`: {problem} (value {value:?})")]
    Row {
        file: PathBuf,
        line: u64,
        column: String,
        value: String,
        problem: String,
    },
    #[error("{file}:{line}: {problem}")]
    Shape {
        file: PathBuf,
        line: u64,
        problem: String,
    },
}

/// The files that make up the built-in gazetteer, embedded in the binary so
/// that `eventmap` works from any folder; a `gazetteer/` folder with the same
/// file names overrides them.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "countries.tsv",
        include_str!("../../gazetteer/countries.tsv"),
    ),
    (
        "continents.tsv",
        include_str!("../../gazetteer/continents.tsv"),
    ),
    ("admin1.tsv", include_str!("../../gazetteer/admin1.tsv")),
    (
        "geonames_cities.tsv",
        include_str!("../../gazetteer/geonames_cities.tsv"),
    ),
    ("curated.csv", include_str!("../../gazetteer/curated.csv")),
    (
        "country_aliases.csv",
        include_str!("../../gazetteer/country_aliases.csv"),
    ),
    (
        "country_points.csv",
        include_str!("../../gazetteer/country_points.csv"),
    ),
    (
        "ambiguous_names.tsv",
        include_str!("../../gazetteer/ambiguous_names.tsv"),
    ),
    (
        "first_names.tsv",
        include_str!("../../gazetteer/first_names.tsv"),
    ),
    (
        "not_places.txt",
        include_str!("../../gazetteer/not_places.txt"),
    ),
    (
        "person_titles.txt",
        include_str!("../../gazetteer/person_titles.txt"),
    ),
    (
        "english_words.tsv",
        include_str!("../../gazetteer/english_words.tsv"),
    ),
    ("demonyms.csv", include_str!("../../gazetteer/demonyms.csv")),
];

/// One file's text and the path to name in messages.
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// The built-in file `name`, or the same name in `dir` when it exists there.
    pub fn builtin_or_dir(dir: Option<&Path>, name: &str) -> Result<Source, GazetteerError> {
        if let Some(dir) = dir {
            let path = dir.join(name);
            if path.is_file() {
                return Source::read(&path);
            }
        }
        let text = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
            .unwrap_or_default();
        Ok(Source {
            path: PathBuf::from(format!("<built-in>/gazetteer/{name}")),
            text: text.to_string(),
        })
    }

    /// The path `builtin_or_dir` reads `name` from, without reading it.
    pub fn path_of(dir: Option<&Path>, name: &str) -> PathBuf {
        match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
            Some(p) => p,
            None => PathBuf::from(format!("<built-in>/gazetteer/{name}")),
        }
    }

    pub fn read(path: &Path) -> Result<Source, GazetteerError> {
        let text = fs::read_to_string(path).map_err(|source| GazetteerError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        Ok(Source {
            path: path.to_path_buf(),
            text,
        })
    }

    /// Data lines of a TSV extract: (1-based line number, fields), skipping the
    /// `#` note line and the header.
    fn tsv_rows(&self) -> impl Iterator<Item = (u64, Vec<&str>)> {
        self.text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
            .skip(1)
            .map(|(i, l)| (i as u64 + 1, l.split('\t').collect()))
    }

    /// Entries of a one-word-per-line list, folded.
    pub fn word_list(&self) -> HashSet<String> {
        self.text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| super::fold::key(l.split('\t').next().unwrap_or_default()))
            .collect()
    }

    fn field_error(&self, line: u64, column: &str, value: &str, problem: &str) -> GazetteerError {
        GazetteerError::Row {
            file: self.path.clone(),
            line,
            column: column.to_string(),
            value: value.to_string(),
            problem: problem.to_string(),
        }
    }

    fn expect_fields(&self, line: u64, fields: &[&str], n: usize) -> Result<(), GazetteerError> {
        if fields.len() < n {
            return Err(GazetteerError::Shape {
                file: self.path.clone(),
                line,
                problem: format!("expected {n} tab-separated columns, found {}", fields.len()),
            });
        }
        Ok(())
    }

    fn coord(
        &self,
        line: u64,
        column: &str,
        value: &str,
        limit: f64,
    ) -> Result<f64, GazetteerError> {
        let v: f64 = value
            .trim()
            .parse()
            .map_err(|_| self.field_error(line, column, value, "not a number"))?;
        if !v.is_finite() || v.abs() > limit {
            return Err(self.field_error(
                line,
                column,
                value,
                &format!("out of range -{limit}..{limit}"),
            ));
        }
        Ok(v)
    }
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|x| !x.is_empty())
}

/// GeoNames populated places (`geonames_cities.tsv`).
pub fn cities(src: &Source, out: &mut Vec<Place>) -> Result<(), GazetteerError> {
    use rayon::prelude::*;
    // The largest file: rows are parsed in parallel, kept in file order.
    let rows: Vec<(u64, Vec<&str>)> = src.tsv_rows().collect();
    let parsed: Result<Vec<Place>, GazetteerError> = rows
        .par_iter()
        .map(|(line, f)| city(src, *line, f))
        .collect();
    out.extend(parsed?);
    Ok(())
}

fn city(src: &Source, line: u64, f: &[&str]) -> Result<Place, GazetteerError> {
    src.expect_fields(line, f, 9)?;
    let population: u64 = f[7]
        .parse()
        .map_err(|_| src.field_error(line, "population", f[7], "not a whole number"))?;
    let kind = if population >= 100_000 || matches!(f[4], "PPLC" | "PPLA") {
        PlaceKind::City
    } else if population >= 10_000 {
        PlaceKind::Town
    } else {
        PlaceKind::Village
    };
    let mut names = vec![f[1].to_string()];
    names.extend(split_list(f[8]).map(str::to_string));
    Ok(Place {
        id: format!("geonames:{}", f[0]),
        name: f[1].to_string(),
        kind,
        lat: src.coord(line, "lat", f[2], 90.0)?,
        lon: src.coord(line, "lon", f[3], 180.0)?,
        country: f[5].to_string(),
        admin1: f[6].to_string(),
        population,
        feature: f[4].to_string(),
        names,
    })
}

/// First-level divisions (`admin1.tsv`). Each also answers to "X region",
/// "X Province" and "X Oblast", the forms news uses for them.
pub fn admin1(src: &Source, out: &mut Vec<Place>) -> Result<(), GazetteerError> {
    for (line, f) in src.tsv_rows() {
        src.expect_fields(line, &f, 7)?;
        let name = f[1].to_string();
        let mut names = vec![name.clone()];
        let base = [
            "Oblast",
            "Voivodeship",
            "Province",
            "Region",
            "County",
            "Krai",
            "Governorate",
        ]
        .iter()
        .find_map(|s| name.strip_suffix(&format!(" {s}")))
        .unwrap_or(&name)
        .to_string();
        if base != name {
            names.push(base.clone());
        }
        for suffix in [
            "region", "Region", "Province", "province", "Oblast", "oblast", "State", "state",
        ] {
            names.push(format!("{base} {suffix}"));
        }
        out.push(Place {
            id: format!("admin1:{}", f[0]),
            name,
            kind: PlaceKind::Region,
            lat: src.coord(line, "lat", f[2], 90.0)?,
            lon: src.coord(line, "lon", f[3], 180.0)?,
            country: f[4].to_string(),
            admin1: f[5].to_string(),
            population: f[6].parse().unwrap_or(0),
            feature: "ADM1".to_string(),
            names,
        });
    }
    Ok(())
}

/// A country row's extra facts kept beside its `Place`.
#[derive(Debug, Clone, Default)]
pub struct CountryFacts {
    pub code: String,
    pub demonyms: Vec<String>,
    pub borders: Vec<String>,
}

/// Countries (`countries.tsv`).
pub fn countries(
    src: &Source,
    out: &mut Vec<Place>,
    facts: &mut Vec<CountryFacts>,
) -> Result<(), GazetteerError> {
    for (line, f) in src.tsv_rows() {
        src.expect_fields(line, &f, 9)?;
        let mut names = vec![f[1].to_string()];
        names.extend(split_list(f[6]).map(str::to_string));
        out.push(Place {
            id: format!("country:{}", f[0]),
            name: f[1].to_string(),
            kind: PlaceKind::Country,
            lat: src.coord(line, "lat", f[2], 90.0)?,
            lon: src.coord(line, "lon", f[3], 180.0)?,
            country: f[0].to_string(),
            admin1: String::new(),
            population: 0,
            feature: "PCLI".to_string(),
            names,
        });
        facts.push(CountryFacts {
            code: f[0].to_string(),
            demonyms: split_list(f[7]).map(str::to_string).collect(),
            borders: split_list(f[8]).map(str::to_string).collect(),
        });
    }
    Ok(())
}

/// Continents (`continents.tsv`).
pub fn continents(src: &Source, out: &mut Vec<Place>) -> Result<(), GazetteerError> {
    for (line, f) in src.tsv_rows() {
        src.expect_fields(line, &f, 5)?;
        out.push(Place {
            id: format!("continent:{}", f[0]),
            name: f[1].to_string(),
            kind: PlaceKind::Continent,
            lat: src.coord(line, "lat", f[2], 90.0)?,
            lon: src.coord(line, "lon", f[3], 180.0)?,
            country: String::new(),
            admin1: String::new(),
            population: 0,
            feature: "CONT".to_string(),
            names: vec![f[1].to_string()],
        });
    }
    Ok(())
}

/// One row of a curated or user gazetteer CSV.
#[derive(Debug, serde::Deserialize)]
struct CuratedRow {
    id: String,
    name: String,
    kind: String,
    lat: String,
    lon: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    aliases: String,
    /// Where the row comes from; documented in the file, not used.
    #[serde(default, rename = "source")]
    _source: String,
}

/// The column names a curated CSV must have, in order.
pub const CURATED_COLUMNS: &str = "id,name,kind,lat,lon,country,aliases,source";

/// A curated or user CSV (`id,name,kind,lat,lon,country,aliases,source`).
/// Ids already taken (by this or an earlier file) are errors, so a user
/// cannot silently shadow an entry.
pub fn curated(
    src: &Source,
    out: &mut Vec<Place>,
    ids: &mut HashSet<String>,
) -> Result<(), GazetteerError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .comment(Some(b'#'))
        .from_reader(src.text.as_bytes());
    let header = reader.headers().map_err(|e| csv_error(src, &e))?.clone();
    let want: Vec<&str> = CURATED_COLUMNS.split(',').collect();
    if header.iter().take(5).collect::<Vec<_>>() != want[..5] {
        return Err(GazetteerError::Shape {
            file: src.path.clone(),
            line: 1,
            problem: format!(
                "header must start with {CURATED_COLUMNS}, found {:?}",
                header.iter().collect::<Vec<_>>().join(",")
            ),
        });
    }
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(src, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let row: CuratedRow = record
            .deserialize(Some(&header))
            .map_err(|e| csv_error(src, &e))?;
        if row.id.trim().is_empty() {
            return Err(src.field_error(line, "id", &row.id, "empty id"));
        }
        if row.name.trim().is_empty() {
            return Err(src.field_error(line, "name", &row.name, "empty name"));
        }
        let kind = PlaceKind::parse(&row.kind).ok_or_else(|| {
            src.field_error(
                line,
                "kind",
                &row.kind,
                "unknown kind (country, region, sea, base, city, town, village, area, feature)",
            )
        })?;
        let country = row.country.trim().to_ascii_uppercase();
        if !(country.is_empty()
            || country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
        {
            return Err(src.field_error(
                line,
                "country",
                &row.country,
                "not an ISO 3166-1 alpha-2 code",
            ));
        }
        if !ids.insert(row.id.trim().to_string()) {
            return Err(src.field_error(line, "id", &row.id, "duplicate id"));
        }
        let mut names = vec![row.name.trim().to_string()];
        names.extend(split_list(&row.aliases).map(str::to_string));
        out.push(Place {
            id: row.id.trim().to_string(),
            name: row.name.trim().to_string(),
            kind,
            lat: src.coord(line, "lat", &row.lat, 90.0)?,
            lon: src.coord(line, "lon", &row.lon, 180.0)?,
            country,
            admin1: String::new(),
            population: 0,
            feature: kind.as_str().to_string(),
            names,
        });
    }
    Ok(())
}

fn csv_error(src: &Source, e: &csv::Error) -> GazetteerError {
    let line = e.position().map_or(0, |p| p.line());
    GazetteerError::Shape {
        file: src.path.clone(),
        line,
        problem: e.to_string(),
    }
}

/// Rows of a two-column list (a third `source` column is allowed), both
/// columns required: `columns` names them for messages.
fn pairs(src: &Source, columns: [&str; 2]) -> Result<Vec<(String, String)>, GazetteerError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(src.text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(src, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut fields = [""; 2];
        for (i, column) in columns.iter().enumerate() {
            fields[i] = record.get(i).unwrap_or_default().trim();
            if fields[i].is_empty() {
                return Err(src.field_error(line, column, fields[i], &format!("empty {column}")));
            }
        }
        out.push((fields[0].to_string(), fields[1].to_string()));
    }
    Ok(out)
}

/// Country aliases (`country,alias,source`): extra names for a country.
pub fn country_aliases(src: &Source) -> Result<Vec<(String, String)>, GazetteerError> {
    pairs(src, ["country", "alias"])
}

/// Extra demonyms (`demonym,place_id,source`): adjectives of continents and
/// regions ("European"), beside the countries' own.
pub fn demonyms(src: &Source) -> Result<Vec<(String, String)>, GazetteerError> {
    pairs(src, ["demonym", "place_id"])
}

/// Country point overrides (`country,lat,lon,source`).
pub fn country_points(src: &Source) -> Result<Vec<(String, f64, f64)>, GazetteerError> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(src.text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(src, &e))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or_default();
        let lat = src.coord(line, "lat", field(1), 90.0)?;
        let lon = src.coord(line, "lon", field(2), 180.0)?;
        out.push((field(0).trim().to_string(), lat, lon));
    }
    Ok(out)
}

/// Ambiguity flags (`ambiguous_names.tsv`): folded name -> flags.
pub fn ambiguity(src: &Source) -> Vec<(String, Vec<String>)> {
    src.tsv_rows()
        .filter(|(_, f)| f.len() >= 2)
        .map(|(_, f)| {
            (
                f[0].to_string(),
                f[1].split('|').map(str::to_string).collect(),
            )
        })
        .collect()
}
