//! `eventmap.gpkg`: every layer as a table of one OGC GeoPackage 1.3 file
//! (rusqlite with the bundled SQLite): gpkg_spatial_ref_sys with EPSG:4326,
//! gpkg_contents, gpkg_geometry_columns, standard GeoPackage binary
//! geometries and an R-tree spatial index per layer. Written to a temporary
//! file and renamed, like every layer.

use std::path::Path;

use rusqlite::{Connection, params, params_from_iter};

use super::ExportError;
use super::table::{ColumnType, Table, Value};

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

/// Writes all `layers` (name, table) into the GeoPackage at `path`.
pub fn write(path: &Path, layers: &[(&str, Table)]) -> Result<(), ExportError> {
    let io = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = super::temp_beside(path, ".gpkg").map_err(io)?;
    {
        let err = sql_err(path);
        let mut db = Connection::open(tmp.path()).map_err(&err)?;
        // No journal and no syncs: the file is a temporary one, renamed into
        // place only once complete, so a crash cannot leave a half package.
        db.execute_batch(&format!(
            "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
             PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
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
               scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));"
        ))
        .map_err(&err)?;
        let tx = db.transaction().map_err(&err)?;
        for (name, t) in layers {
            let line = t.rows.iter().any(|r| r.points.len() > 1);
            let columns: Vec<String> = t
                .columns
                .iter()
                .map(|(n, ty)| {
                    let sql = match ty {
                        ColumnType::Integer => "INTEGER",
                        ColumnType::Real => "REAL",
                        ColumnType::Text => "TEXT",
                    };
                    format!("{} {sql}", quote(n))
                })
                .collect();
            let mut create = format!(
                "CREATE TABLE {} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}",
                quote(name),
                if line { "LINESTRING" } else { "POINT" }
            );
            for c in &columns {
                create.push_str(", ");
                create.push_str(c);
            }
            create.push(')');
            tx.execute(&create, []).map_err(&err)?;
            let (mut minx, mut miny, mut maxx, mut maxy) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
            for p in t.rows.iter().flat_map(|r| &r.points) {
                minx = minx.min(p.0);
                maxx = maxx.max(p.0);
                miny = miny.min(p.1);
                maxy = maxy.max(p.1);
            }
            if t.rows.is_empty() {
                (minx, miny, maxx, maxy) = (-180.0, -90.0, 180.0, 90.0);
            }
            tx.execute(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, 4326)",
                params![name, format!("eventmap {name} layer"), minx, miny, maxx, maxy],
            )
            .map_err(&err)?;
            tx.execute(
                "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, 4326, 0, 0)",
                params![name, if line { "LINESTRING" } else { "POINT" }],
            )
            .map_err(&err)?;
            let names: Vec<String> = t.columns.iter().map(|(n, _)| quote(n)).collect();
            let marks: Vec<String> = (0..=names.len()).map(|i| format!("?{}", i + 1)).collect();
            let insert = format!(
                "INSERT INTO {} (geom{}{}) VALUES ({})",
                quote(name),
                if names.is_empty() { "" } else { ", " },
                names.join(", "),
                marks.join(", ")
            );
            let rtree = format!("rtree_{name}_geom");
            tx.execute(
                &format!(
                    "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
                    quote(&rtree)
                ),
                [],
            )
            .map_err(&err)?;
            tx.execute(
                "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
                params![name],
            )
            .map_err(&err)?;
            {
                let mut stmt = tx.prepare(&insert).map_err(&err)?;
                let mut index = tx
                    .prepare(&format!(
                        "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
                        quote(&rtree)
                    ))
                    .map_err(&err)?;
                for r in &t.rows {
                    let mut values: Vec<rusqlite::types::Value> =
                        vec![rusqlite::types::Value::Blob(geometry_blob(&r.points))];
                    values.extend(r.values.iter().map(|v| match v {
                        None => rusqlite::types::Value::Null,
                        Some(Value::Integer(i)) => rusqlite::types::Value::Integer(*i),
                        Some(Value::Real(x)) => rusqlite::types::Value::Real(*x),
                        Some(Value::Text(s)) => rusqlite::types::Value::Text(s.clone()),
                    }));
                    stmt.execute(params_from_iter(values)).map_err(&err)?;
                    let fid = tx.last_insert_rowid();
                    let xs = r.points.iter().map(|p| p.0);
                    let ys = r.points.iter().map(|p| p.1);
                    let (x0, x1) = (
                        xs.clone().fold(f64::MAX, f64::min),
                        xs.fold(f64::MIN, f64::max),
                    );
                    let (y0, y1) = (
                        ys.clone().fold(f64::MAX, f64::min),
                        ys.fold(f64::MIN, f64::max),
                    );
                    index.execute(params![fid, x0, x1, y0, y1]).map_err(&err)?;
                }
            }
        }
        tx.commit().map_err(&err)?;
    }
    tmp.persist(path).map_err(|e| io(e.error))?;
    Ok(())
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
    fn line_blob_has_an_envelope() {
        let b = geometry_blob(&[(-3.7, 40.4), (25.0, 43.0)]);
        assert_eq!(b[3], 0b11);
        assert_eq!(f64::from_le_bytes(b[8..16].try_into().unwrap()), -3.7);
        assert_eq!(b.len(), 8 + 32 + 1 + 4 + 4 + 32);
    }
}
