//! Per-file results kept between builds (`OUT/.eventmap/`), so a rebuild
//! reads again only the article files that are new or changed.
//!
//! An entry is keyed by a hash of the file's bytes and path, the gazetteer's
//! and word lists' fingerprints and the program build; it holds each
//! article's rendered layer parts (`export::layers`) and the warnings the
//! file gave, in postcard's binary form behind a magic line. An entry that
//! does not decode is reported and rebuilt, never trusted; entries no build
//! used are deleted. Layers from cached parts are the same bytes as from a
//! clean build, because both are assembled from the same parts.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Warning;
use crate::export::layers::Rendered;

/// Files larger than this (bytes) are read again every build rather than
/// cached: their entries would cost more than the reading they save.
pub const MAX_CACHED_FILE: u64 = 8 * 1024 * 1024;

/// The cache folder inside the output folder.
pub const CACHE_DIR: &str = ".eventmap";

/// First bytes of every entry: names the format, so an entry of another
/// version or program is never decoded as one of ours.
const MAGIC: &[u8] = b"eventmap cache 4\n";

/// What one article file gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileResult {
    pub key: u64,
    pub path: PathBuf,
    pub articles: Vec<Rendered>,
    pub warnings: Vec<Warning>,
}

/// Counts of the last build's layers, for the change summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    pub articles: usize,
    pub places: usize,
    pub forces: usize,
    pub events: usize,
}

pub struct Cache {
    dir: PathBuf,
    used: HashSet<u64>,
}

/// The key of a file's result.
pub fn key(settings: u64, path: &Path, bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    settings.hash(&mut h);
    path.hash(&mut h);
    bytes.hash(&mut h);
    h.finish()
}

impl Cache {
    pub fn open(out: &Path) -> Cache {
        Cache {
            dir: out.join(CACHE_DIR),
            used: HashSet::new(),
        }
    }

    fn entry(&self, key: u64) -> PathBuf {
        self.dir.join(format!("{key:016x}.bin"))
    }

    /// Marks `key`'s entry as used by this build (found elsewhere, e.g. in
    /// memory), so `finish` keeps it.
    pub fn keep(&mut self, key: u64) {
        self.used.insert(key);
    }

    /// Whether there is an entry for `key` (which may still fail to decode).
    pub fn has(&self, key: u64) -> bool {
        self.entry(key).is_file()
    }

    /// The cached result for `key`: Ok(None) when there is none, Err with a
    /// message when there is one that cannot be read (it is then rebuilt).
    pub fn get(&mut self, key: u64) -> Result<Option<FileResult>, String> {
        let r = self.read(key);
        if let Ok(Some(_)) = r {
            self.used.insert(key);
        }
        r
    }

    /// `get` without marking the entry used (`keep` does), so that entries
    /// can be read in parallel.
    pub fn read(&self, key: u64) -> Result<Option<FileResult>, String> {
        let path = self.entry(key);
        let Ok(bytes) = std::fs::read(&path) else {
            return Ok(None);
        };
        let Some(body) = bytes.strip_prefix(MAGIC) else {
            return Err(format!(
                "{}: not a cache entry of this version; rebuilt",
                path.display()
            ));
        };
        match postcard::from_bytes::<FileResult>(body) {
            Ok(r) if r.key == key => Ok(Some(r)),
            Ok(_) => Err(format!(
                "{}: cache entry for another file; rebuilt",
                path.display()
            )),
            Err(e) => Err(format!(
                "{}: damaged cache entry ({e}); rebuilt",
                path.display()
            )),
        }
    }

    /// Stores a result; a cache that cannot be written only costs time.
    pub fn put(&mut self, r: &FileResult) {
        self.used.insert(r.key);
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(body) = postcard::to_stdvec(r) else {
            return;
        };
        // Written without a sync: a torn entry fails to decode and is rebuilt.
        let Ok(mut tmp) = crate::export::temp_beside(&self.entry(r.key), "") else {
            return;
        };
        use std::io::Write;
        if tmp
            .write_all(MAGIC)
            .and_then(|_| tmp.write_all(&body))
            .is_ok()
        {
            let _ = tmp.persist(self.entry(r.key));
        }
    }

    /// The previous build's counts.
    pub fn counts(&self) -> Option<Counts> {
        serde_json::from_slice(&std::fs::read(self.dir.join("counts.json")).ok()?).ok()
    }

    /// Records this build's counts and deletes entries this build did not use.
    pub fn finish(&self, counts: Counts) {
        if let Ok(bytes) = serde_json::to_vec(&counts) {
            let _ = std::fs::create_dir_all(&self.dir);
            let _ = crate::export::write_atomic(&self.dir.join("counts.json"), &bytes);
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let stale = name
                .strip_suffix(".bin")
                .or_else(|| name.strip_suffix(".json"))
                .and_then(|k| u64::from_str_radix(k, 16).ok())
                .is_some_and(|k| !self.used.contains(&k))
                // Left by a build killed while writing an entry.
                || name.starts_with(".tmp");
            if stale {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Deletes everything (`--clean`).
    pub fn clear(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// "+1 article, +3 places, +5 forces, -0 events" between two builds.
pub fn change_summary(before: Option<Counts>, now: Counts) -> String {
    let b = before.unwrap_or_default();
    let d = |n: usize, o: usize| {
        if n >= o {
            format!("+{}", n - o)
        } else {
            format!("-{}", o - n)
        }
    };
    format!(
        "{} articles, {} places, {} forces, {} events",
        d(now.articles, b.articles),
        d(now.places, b.places),
        d(now.forces, b.forces),
        d(now.events, b.events)
    )
}
