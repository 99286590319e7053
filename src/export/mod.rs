//! Writers for the output layers. They take finished records and write
//! files atomically; they decide nothing about what the records say.

pub mod forces;
pub mod geojson;
pub mod places;

use std::io::Write;
use std::path::Path;

/// Errors writing the output.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: cannot write: {source}")]
    Write {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serialise layer {layer}: {source}")]
    Serialise {
        layer: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so readers see the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
