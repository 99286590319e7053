//! `eventmap.gpkg`: every layer as a table of one OGC GeoPackage 1.3 file
//! (rusqlite with the bundled SQLite): gpkg_spatial_ref_sys with EPSG:4326,
//! gpkg_contents, gpkg_geometry_columns, standard GeoPackage binary
//! geometries and an R-tree spatial index per layer. Written to a temporary
//! file and renamed, like every layer.

use std::path::Path;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params, params_from_iter};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::ExportError;
use super::layers::{self, ARTICLE_LAYERS, Rendered};
use super::table::{ColumnType, LAYERS, Layer, PLACES, Row, Value};

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

/// A GeoPackage geometry blob: header (magic, version, flags, srs id,
/// envelope for lines) then little-endian WKB.
pub fn geometry_blob(points: &[(f64, f64)]) -> Vec<u8> {
    let line = points.len() > 1;
    let mut b = vec![b'G', b'P', 0];
    // Flags: little endian (bit 0); envelope [minx,maxx,miny,maxy] for lines.
    b.push(if line { 0b0000_0011 } else { 0b0000_0001 });
    b.extend_from_slice(&4326i32.to_le_bytes());
    if line {
        let (mut minx, mut maxx, mut miny, mut maxy) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for &(x, y) in points {
            minx = minx.min(x);
            maxx = maxx.max(x);
            miny = miny.min(y);
            maxy = maxy.max(y);
        }
        for v in [minx, maxx, miny, maxy] {
            b.extend_from_slice(&v.to_le_bytes());
        }
    }
    b.push(1); // WKB little endian
    if line {
        b.extend_from_slice(&2u32.to_le_bytes());
        b.extend_from_slice(&(points.len() as u32).to_le_bytes());
    } else {
        b.extend_from_slice(&1u32.to_le_bytes());
    }
    for &(x, y) in points {
        b.extend_from_slice(&x.to_le_bytes());
        b.extend_from_slice(&y.to_le_bytes());
    }
    b
}

fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> ExportError + '_ {
    move |e| ExportError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Marks a package this program wrote and can update in place; bump it when
/// the tables change shape.
const SCHEMA: &str = "eventmap-gpkg-3";

fn rtree(layer: &Layer) -> String {
    quote(&format!("rtree_{}_geom", layer.name))
}

/// The GeoPackage tables and every (empty) layer table.
fn create(db: &Connection) -> rusqlite::Result<()> {
    db.execute_batch(&format!(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
         CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{WGS84_WKT}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
           description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER, CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
           srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
           scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
         CREATE TABLE layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
           f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
           useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
         INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles of the layers');
         CREATE TABLE eventmap_meta (key TEXT PRIMARY KEY, value TEXT);
         INSERT INTO eventmap_meta VALUES ('schema', '{SCHEMA}');
         CREATE TABLE eventmap_rows (article_key INTEGER NOT NULL, layer TEXT NOT NULL, fid INTEGER NOT NULL);
         CREATE INDEX eventmap_rows_key ON eventmap_rows (article_key);"
    ))?;
    for layer in LAYERS {
        let kind = if layer.line { "LINESTRING" } else { "POINT" };
        let mut sql = format!(
            "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {kind}",
            quote(layer.name)
        );
        for (n, ty) in layer.columns {
            let ty = match ty {
                ColumnType::Integer => "INTEGER",
                ColumnType::Real => "REAL",
                ColumnType::Text => "TEXT",
            };
            sql.push_str(&format!(", {} {ty}", quote(n)));
        }
        sql.push(')');
        db.execute(&sql, [])?;
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) VALUES (?1, 'features', ?1, ?2, 4326)",
            params![layer.name, format!("eventmap {} layer", layer.name)],
        )?;
        db.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
            params![layer.name, kind],
        )?;
        db.execute(
            &format!(
                "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
                rtree(layer)
            ),
            [],
        )?;
        db.execute(
            "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            params![layer.name],
        )?;
    }
    Ok(())
}

/// Whether the package at `path` is one this program wrote with the current
/// table shapes (else it is written anew).
fn is_ours(db: &Connection) -> bool {
    db.query_row(
        "SELECT value FROM eventmap_meta WHERE key = 'schema'",
        [],
        |r| r.get::<_, String>(0),
    )
    .is_ok_and(|v| v == SCHEMA)
}

/// Bounds of a set of geometries as the R-tree holds them: 32-bit floats
/// rounded outwards, so bounds kept up to date here equal a scan of it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    min_x: f64,
    max_x: f64,
    min_y: f64,
    max_y: f64,
}

impl Bounds {
    fn of(points: &[(f64, f64)]) -> Option<Bounds> {
        let (&(x, y), rest) = points.split_first()?;
        let mut b = Bounds {
            min_x: x,
            max_x: x,
            min_y: y,
            max_y: y,
        };
        for &(x, y) in rest {
            b.min_x = b.min_x.min(x);
            b.max_x = b.max_x.max(x);
            b.min_y = b.min_y.min(y);
            b.max_y = b.max_y.max(y);
        }
        Some(b)
    }

    fn union(self, o: Bounds) -> Bounds {
        Bounds {
            min_x: self.min_x.min(o.min_x),
            max_x: self.max_x.max(o.max_x),
            min_y: self.min_y.min(o.min_y),
            max_y: self.max_y.max(o.max_y),
        }
    }

    /// As the R-tree stores it (`f32_down`/`f32_up`).
    fn stored(self) -> Bounds {
        Bounds {
            min_x: f32_down(self.min_x),
            max_x: f32_up(self.max_x),
            min_y: f32_down(self.min_y),
            max_y: f32_up(self.max_y),
        }
    }
}

/// The largest 32-bit float not above `x`, as SQLite's R-tree rounds a
/// lower bound.
fn f32_down(x: f64) -> f64 {
    let f = x as f32;
    if f64::from(f) > x {
        f.next_down().into()
    } else {
        f.into()
    }
}

/// The smallest 32-bit float not below `x`, as SQLite's R-tree rounds an
/// upper bound.
fn f32_up(x: f64) -> f64 {
    let f = x as f32;
    if f64::from(f) < x {
        f.next_up().into()
    } else {
        f.into()
    }
}

/// Inserts `rows` into `layer` (and its R-tree); `key` names the article
/// they came from, so a later build can take them out again. Returns the
/// rows' bounds (None for no rows).
fn insert(
    db: &Connection,
    layer: &Layer,
    key: Option<u64>,
    rows: &[Row],
) -> rusqlite::Result<Option<Bounds>> {
    let names: Vec<String> = layer.columns.iter().map(|(n, _)| quote(n)).collect();
    let marks: Vec<String> = (0..=names.len()).map(|i| format!("?{}", i + 1)).collect();
    let mut stmt = db.prepare_cached(&format!(
        "INSERT INTO {} (geom, {}) VALUES ({})",
        quote(layer.name),
        names.join(", "),
        marks.join(", ")
    ))?;
    let mut index = db.prepare_cached(&format!(
        "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
        rtree(layer)
    ))?;
    let mut owner = db.prepare_cached("INSERT INTO eventmap_rows VALUES (?1, ?2, ?3)")?;
    let mut all: Option<Bounds> = None;
    for r in rows {
        let mut values: Vec<SqlValue> = vec![SqlValue::Blob(geometry_blob(&r.points))];
        values.extend(r.values.iter().map(|v| match v {
            None => SqlValue::Null,
            Some(Value::Integer(i)) => SqlValue::Integer(*i),
            Some(Value::Real(x)) => SqlValue::Real(*x),
            Some(Value::Text(s)) => SqlValue::Text(s.clone()),
        }));
        stmt.execute(params_from_iter(values))?;
        let fid = db.last_insert_rowid();
        if let Some(b) = Bounds::of(&r.points) {
            index.execute(params![fid, b.min_x, b.max_x, b.min_y, b.max_y])?;
            all = Some(all.map_or(b, |a| a.union(b)));
        }
        if let Some(key) = key {
            // SQLite integers are signed; the key's bits are kept as they are.
            owner.execute(params![key as i64, layer.name, fid])?;
        }
    }
    Ok(all.map(Bounds::stored))
}

enum Fill {
    Sql(rusqlite::Error),
    Export(ExportError),
}

impl From<rusqlite::Error> for Fill {
    fn from(e: rusqlite::Error) -> Fill {
        Fill::Sql(e)
    }
}

impl From<ExportError> for Fill {
    fn from(e: ExportError) -> Fill {
        Fill::Export(e)
    }
}

/// Brings the package at `file` to this build's rows: updates it in place
/// when `reuse` (failing if it is not ours), else creates every table first.
fn fill(
    file: &Path,
    reuse: bool,
    place_rows: &[Row],
    articles: &[(u64, &Rendered)],
) -> Result<(), Fill> {
    let mut db = Connection::open(file)?;
    if reuse && !is_ours(&db) {
        return Err(Fill::Sql(rusqlite::Error::InvalidQuery));
    }
    // No journal and no syncs: the file is a temporary one.
    db.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    if !reuse {
        create(&db)?;
    }
    let tx = db.transaction()?;
    // Which articles the package holds: their keys only, by the index.
    let old: HashSet<u64> = {
        let mut s = tx.prepare("SELECT DISTINCT article_key FROM eventmap_rows")?;
        let keys = s.query_map([], |r| Ok(r.get::<_, i64>(0)? as u64))?;
        keys.collect::<Result<_, _>>()?
    };
    let now: HashSet<u64> = articles.iter().map(|(k, _)| *k).collect();
    // Per layer: whether rows were deleted from it, and the bounds of the
    // rows inserted.
    let mut deleted: HashSet<&str> = HashSet::default();
    let mut added: HashMap<&str, Bounds> = HashMap::default();
    for key in old.iter().filter(|k| !now.contains(k)) {
        let rows: Vec<(String, i64)> = {
            let mut s =
                tx.prepare_cached("SELECT layer, fid FROM eventmap_rows WHERE article_key = ?1")?;
            let rows = s.query_map([*key as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (layer, fid) in rows {
            let layer = LAYERS
                .iter()
                .find(|l| l.name == layer)
                .ok_or(rusqlite::Error::InvalidQuery)?;
            tx.execute(
                &format!("DELETE FROM {} WHERE fid = ?1", quote(layer.name)),
                [fid],
            )?;
            tx.execute(
                &format!("DELETE FROM {} WHERE id = ?1", rtree(layer)),
                [fid],
            )?;
            deleted.insert(layer.name);
        }
        tx.execute(
            "DELETE FROM eventmap_rows WHERE article_key = ?1",
            [*key as i64],
        )?;
    }
    // Whether each layer had rows before this build's were inserted.
    let mut had_rows: HashMap<&str, bool> = HashMap::default();
    for layer in ARTICLE_LAYERS {
        let any: bool = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {})", quote(layer.name)),
            [],
            |r| r.get(0),
        )?;
        had_rows.insert(layer.name, any);
    }
    for (key, a) in articles {
        if old.contains(key) {
            continue;
        }
        for (layer, part) in ARTICLE_LAYERS.iter().zip(&a.parts) {
            if let Some(b) = insert(&tx, layer, Some(*key), &layers::rows(layer, part)?)? {
                let e = added.entry(layer.name).or_insert(b);
                *e = e.union(b);
            }
        }
    }
    tx.execute_batch(&format!(
        "DELETE FROM {}; DELETE FROM {};",
        quote(PLACES.name),
        rtree(&PLACES)
    ))?;
    let places = insert(&tx, &PLACES, None, place_rows)?;
    // QGIS applies a layer's default style from here when the layer is opened.
    tx.execute("DELETE FROM layer_styles", [])?;
    for layer in LAYERS {
        tx.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui)
             VALUES ('', '', ?1, 'geom', ?1, ?2, '', 1, 'eventmap default style', '', '')",
            params![layer.name, super::styles::qml(layer)],
        )?;
    }
    // Each layer's extent: scanned from its R-tree when rows left it, else
    // the old extent grown by the rows added (a scan of 40,000 rows per
    // layer is most of an update's time otherwise); the whole world when
    // the layer is empty.
    for layer in LAYERS {
        let known = if layer.name == PLACES.name {
            Some(places)
        } else if deleted.contains(layer.name) {
            None
        } else {
            let old = if had_rows[layer.name] {
                Some(tx.query_row(
                    "SELECT min_x, max_x, min_y, max_y FROM gpkg_contents WHERE table_name = ?1",
                    [layer.name],
                    |r| {
                        Ok(Bounds {
                            min_x: r.get(0)?,
                            max_x: r.get(1)?,
                            min_y: r.get(2)?,
                            max_y: r.get(3)?,
                        })
                    },
                )?)
            } else {
                None
            };
            Some(match (old, added.get(layer.name)) {
                (Some(o), Some(b)) => Some(o.union(*b)),
                (o, b) => o.or(b.copied()),
            })
        };
        match known {
            Some(b) => {
                let b = b.unwrap_or(Bounds {
                    min_x: -180.0,
                    max_x: 180.0,
                    min_y: -90.0,
                    max_y: 90.0,
                });
                tx.execute(
                    "UPDATE gpkg_contents SET min_x = ?2, max_x = ?3, min_y = ?4, max_y = ?5,
                       last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                     WHERE table_name = ?1",
                    params![layer.name, b.min_x, b.max_x, b.min_y, b.max_y],
                )?;
            }
            None => {
                tx.execute(
                    &format!(
                        "UPDATE gpkg_contents SET
                           min_x = coalesce((SELECT min(minx) FROM {0}), -180),
                           max_x = coalesce((SELECT max(maxx) FROM {0}), 180),
                           min_y = coalesce((SELECT min(miny) FROM {0}), -90),
                           max_y = coalesce((SELECT max(maxy) FROM {0}), 90),
                           last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                         WHERE table_name = ?1",
                        rtree(layer)
                    ),
                    [layer.name],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// A copy of the package at `path` beside it, for `stage` to update; None
/// when there is none (or it cannot be copied: it is then written anew).
pub fn copy_for_update(path: &Path) -> Option<tempfile::NamedTempFile> {
    let tmp = super::temp_beside(path, ".gpkg").ok()?;
    let copied = path.is_file() && std::fs::copy(path, tmp.path()).is_ok();
    // Most of the copy is left as it is: its writing to disk can start now.
    super::start_writeback(tmp.as_file(), 0, 0);
    copied.then_some(tmp)
}

/// Stages the GeoPackage at `path` for this build: the places rows and each
/// article's rows, `articles` being (article key, rendered article) in
/// layer order. A package from an earlier build is copied and updated:
/// rows of articles no longer there are deleted and only new articles are
/// inserted; anything else (no package, a damaged or foreign one) is
/// written from scratch. Either way the work happens on a temporary copy
/// renamed into place once complete, so a crash cannot leave a half package.
/// The note says why an existing package was written anew rather than
/// updated (not one of ours, or damaged), for a warning.
pub fn stage(
    path: &Path,
    copy: Option<tempfile::NamedTempFile>,
    place_rows: &[Row],
    articles: &[(u64, &Rendered)],
) -> Result<(super::Staged, Option<String>), ExportError> {
    let io = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let (tmp, copied) = match copy {
        Some(tmp) => (tmp, true),
        None => (super::temp_beside(path, ".gpkg").map_err(io)?, false),
    };
    let updated = copied && fill(tmp.path(), true, place_rows, articles).is_ok();
    let note = (copied && !updated)
        .then(|| "not a GeoPackage of this eventmap version, or damaged: written anew".to_string());
    if !updated {
        tmp.as_file().set_len(0).map_err(io)?;
        fill(tmp.path(), false, place_rows, articles).map_err(|e| match e {
            Fill::Sql(e) => sql_err(path)(e),
            Fill::Export(e) => e,
        })?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    Ok((super::staged(tmp, path), note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_blob_is_header_then_wkb() {
        let b = geometry_blob(&[(24.0, 56.0)]);
        assert_eq!(&b[..4], &[b'G', b'P', 0, 1]);
        assert_eq!(i32::from_le_bytes(b[4..8].try_into().unwrap()), 4326);
        assert_eq!(b[8], 1);
        assert_eq!(u32::from_le_bytes(b[9..13].try_into().unwrap()), 1);
        assert_eq!(f64::from_le_bytes(b[13..21].try_into().unwrap()), 24.0);
        assert_eq!(b.len(), 29);
    }

    #[test]
    fn bounds_are_rounded_as_the_rtree_stores_them() {
        // Extents grown in Rust must equal a scan of the R-tree, which keeps
        // 32-bit floats rounded outwards.
        let db = Connection::open_in_memory().unwrap();
        db.execute_batch("CREATE VIRTUAL TABLE t USING rtree(id, minx, maxx, miny, maxy)")
            .unwrap();
        let values = [
            24.123456789,
            -6.35,
            0.1,
            -0.1,
            1e-10,
            54.6872,
            -113.642601,
            180.0,
            0.0,
        ];
        for (i, &v) in values.iter().enumerate() {
            db.execute(
                "INSERT INTO t VALUES (?1, ?2, ?2, ?2, ?2)",
                params![i as i64, v],
            )
            .unwrap();
            let (lo, hi): (f64, f64) = db
                .query_row("SELECT minx, maxx FROM t WHERE id = ?1", [i as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap();
            assert_eq!((lo, hi), (f32_down(v), f32_up(v)), "{v}");
            assert!(lo <= v && v <= hi);
        }
    }

    #[test]
    fn line_blob_has_an_envelope() {
        let b = geometry_blob(&[(-3.7, 40.4), (25.0, 43.0)]);
        assert_eq!(b[3], 0b11);
        assert_eq!(f64::from_le_bytes(b[8..16].try_into().unwrap()), -3.7);
        assert_eq!(b.len(), 8 + 32 + 1 + 4 + 4 + 32);
    }
}
