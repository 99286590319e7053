//! Writers for the output layers. They take finished records and write
//! files atomically; they decide nothing about what the records say.

pub mod csv;
pub mod forces;
pub mod geojson;
pub mod gpkg;
pub mod html;
pub mod json;
pub mod layers;
pub mod lock;
pub mod styles;
pub mod table;
pub mod text;

use std::io::Write;
use std::path::{Path, PathBuf};

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
    write_atomic_with(path, bytes, |f, b| f.write_all(b))
}

/// Where the files a build replaced wait to be deleted, in the output folder.
pub const REPLACED_DIR: &str = ".eventmap/replaced";

/// The output folder during one build (which holds its lock).
///
/// Renaming a new layer over an old one frees the old one's disk blocks,
/// and on some filesystems (ext4 with online discard) freeing ~100 MB
/// waits tens of milliseconds on the disk: most of what putting a build's
/// layers in place would cost. So the replaced files are linked into
/// `REPLACED_DIR` first, which keeps the rename cheap, and deleted by the
/// next build on a thread of their own while it reads its articles.
pub struct Outputs {
    dir: PathBuf,
    sweeping: Option<std::thread::JoinHandle<()>>,
    gpkg_copy: Option<tempfile::NamedTempFile>,
    /// Nothing is updated from the previous outputs (`build --clean`).
    anew: bool,
}

impl Outputs {
    /// Starts deleting what the previous build replaced. A build that
    /// writes everything `anew` (`--clean`) writes the GeoPackage from
    /// scratch instead of updating the old one.
    pub fn open(dir: &Path, anew: bool) -> Outputs {
        let replaced = dir.join(REPLACED_DIR);
        let sweeping = replaced.is_dir().then(|| {
            std::thread::spawn(move || {
                let _ = std::fs::remove_dir_all(replaced);
            })
        });
        Outputs {
            dir: dir.to_path_buf(),
            sweeping,
            gpkg_copy: None,
            anew,
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Work that does not wait for this build's results, for a build that
    /// is waiting for something else (the gazetteer loading): a copy of the
    /// GeoPackage to update.
    pub fn prepare(&mut self) {
        if !self.anew {
            self.gpkg_copy = gpkg::copy_for_update(&self.dir.join("eventmap.gpkg"));
        }
    }

    /// What staging the GeoPackage needs, to be done on another thread.
    pub fn gpkg_job(&mut self) -> GpkgJob {
        GpkgJob {
            path: self.dir.join("eventmap.gpkg"),
            copy: self.gpkg_copy.take(),
            update: !self.anew,
        }
    }

    /// Renames every staged file into place, each old one kept in
    /// `REPLACED_DIR` for the next build to delete.
    pub fn commit(&mut self, files: Vec<Staged>) -> Result<(), ExportError> {
        if let Some(sweeping) = self.sweeping.take() {
            let _ = sweeping.join();
        }
        let replaced = self.dir.join(REPLACED_DIR);
        for file in files {
            if let (true, Some(name)) = (file.path.is_file(), file.path.file_name()) {
                // Nothing is lost if this fails: the rename then frees the
                // old file itself.
                let to = replaced.join(name);
                if std::fs::hard_link(&file.path, &to).is_err() {
                    let _ = std::fs::create_dir_all(&replaced);
                    let _ = std::fs::remove_file(&to);
                    let _ = std::fs::hard_link(&file.path, &to);
                }
            }
            file.commit()?;
        }
        Ok(())
    }
}

/// The GeoPackage's part of a build (`Outputs::gpkg_job`).
pub struct GpkgJob {
    path: PathBuf,
    copy: Option<tempfile::NamedTempFile>,
    /// The old package may be updated rather than written anew.
    update: bool,
}

impl GpkgJob {
    /// Stages the package of these rows (`gpkg::stage`).
    pub fn stage(
        self,
        place_rows: &[table::Row],
        articles: &[(u64, &layers::Rendered)],
    ) -> Result<(Staged, Option<String>), ExportError> {
        let copy = match self.copy {
            Some(copy) => Some(copy),
            None if self.update => gpkg::copy_for_update(&self.path),
            None => None,
        };
        gpkg::stage(&self.path, copy, place_rows, articles)
    }
}

/// A file written in full to a temporary file beside `path` and synced;
/// `commit` renames it into place. A build stages every output file before
/// it commits any, so a failure (a full disk, a killed process) leaves the
/// whole previous set.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Stages `path` with the bytes `write` streams.
pub fn stage(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<Staged, ExportError> {
    let err = |source| ExportError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = temp_beside(path, "").map_err(err)?;
    {
        let file = WriteAhead::new(tmp.as_file_mut());
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut w).map_err(err)?;
        w.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

/// A file being written that asks the kernel to start writing each few
/// megabytes to disk as soon as they are written, so that the sync at the
/// end waits only for the last of them: the disk works while the rest is
/// made, instead of after.
struct WriteAhead<'a> {
    file: &'a mut std::fs::File,
    written: u64,
    started: u64,
}

/// Bytes between requests to start writing back.
const WRITE_AHEAD: u64 = 4 << 20;

impl<'a> WriteAhead<'a> {
    fn new(file: &'a mut std::fs::File) -> WriteAhead<'a> {
        WriteAhead {
            file,
            written: 0,
            started: 0,
        }
    }
}

impl Write for WriteAhead<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= WRITE_AHEAD {
            start_writeback(self.file, self.started, self.written - self.started);
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Asks the kernel to start writing `len` bytes of `file` from `offset` to
/// disk, without waiting (a hint: failing only costs time).
pub fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: sync_file_range only reads its integer arguments; the
        // descriptor is open for the whole call (borrowed from `file`).
        unsafe {
            libc::sync_file_range(
                file.as_raw_fd(),
                offset as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let _ = (file, offset, len);
}

/// A file already written to `tmp`, to be renamed to `path`.
pub fn staged(tmp: tempfile::NamedTempFile, path: &Path) -> Staged {
    Staged {
        tmp,
        path: path.to_path_buf(),
    }
}

impl Staged {
    pub fn commit(self) -> Result<(), ExportError> {
        let path = self.path;
        self.tmp.persist(&path).map_err(|e| ExportError::Write {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(())
    }
}

/// A temporary file in `path`'s folder (so the final rename is atomic),
/// readable by everyone like any written file.
pub fn temp_beside(path: &Path, suffix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = tempfile::Builder::new().suffix(suffix).tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    Ok(tmp)
}

/// `write_atomic` with the write itself given, so tests can make it fail
/// half-way (a full disk) and check the old file is untouched.
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    write: impl FnOnce(&mut dyn Write, &[u8]) -> std::io::Result<()>,
) -> Result<(), ExportError> {
    stage(path, |w| write(w, bytes))?.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_failing_half_way_leaves_the_old_layer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("places.geojson");
        write_atomic(&path, b"old layer").unwrap();
        let full = |f: &mut dyn Write, b: &[u8]| {
            f.write_all(&b[..b.len() / 2])?;
            Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "no space left on device",
            ))
        };
        let e = write_atomic_with(&path, b"new layer, longer", full).unwrap_err();
        assert!(
            e.to_string().contains("places.geojson") && e.to_string().contains("no space"),
            "{e}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"old layer");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
