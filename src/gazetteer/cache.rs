//! Caches of the name index (folded keys and the automaton) and of the
//! parsed places, so that a run after the first loads the gazetteer in a
//! fraction of the time.
//!
//! Both files are keyed by the gazetteer's fingerprint (every source file
//! and the program build); anything that does not read back exactly (other
//! hash, truncated, bad checksum, corrupt automaton) is ignored and rebuilt.
//! Writes are atomic.

use std::path::{Path, PathBuf};

use daachorse::DoubleArrayAhoCorasick;

use super::{PatternEntries, PlaceIdx};

const MAGIC: &[u8; 8] = b"EVMAPGZ3";
/// Magic, source hash, checksum of the rest.
const HEADER: usize = 24;

/// A checksum of the payload, so a damaged file is never read as an index.
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.finish()
}

/// The index that `index()` builds.
pub struct NameIndex {
    pub patterns: PatternEntries,
    pub keys: Vec<String>,
    pub automaton: DoubleArrayAhoCorasick<u32>,
}

/// The default cache folder: `$EVENTMAP_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/eventmap`, else `~/.cache/eventmap`.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("EVENTMAP_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("eventmap"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/eventmap"))
}

pub fn path(dir: &Path, hash: u64) -> PathBuf {
    dir.join(format!("names-{hash:016x}.bin"))
}

/// Writes `body` behind the header (magic, hash, checksum of the body)
/// atomically, then prunes old files of the same kind.
fn write_framed(file: &Path, magic: &[u8; 8], hash: u64, body: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    for part in [
        &magic[..],
        &hash.to_le_bytes(),
        &checksum(body).to_le_bytes(),
        body,
    ] {
        std::io::Write::write_all(&mut tmp, part)?;
    }
    tmp.persist(file).map_err(|e| e.error)?;
    prune(file);
    Ok(())
}

/// The body of a file written by `write_framed` with this magic and hash;
/// None when it is missing, foreign or damaged.
fn read_framed(file: &Path, magic: &[u8; 8], hash: u64) -> Option<Vec<u8>> {
    let mut bytes = std::fs::read(file).ok()?;
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    if r.take(8)? != magic || r.u64()? != hash || r.u64()? != checksum(bytes.get(HEADER..)?) {
        return None;
    }
    bytes.drain(..HEADER);
    Some(bytes)
}

pub fn write(file: &Path, hash: u64, index: &NameIndex) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(64 << 20);
    out.extend_from_slice(&(index.keys.len() as u32).to_le_bytes());
    for (key, entries) in index.keys.iter().zip(&index.patterns) {
        out.extend_from_slice(&(key.len() as u32).to_le_bytes());
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
        for (p, n) in entries {
            out.extend_from_slice(&p.to_le_bytes());
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    out.extend_from_slice(&index.automaton.serialize());
    write_framed(file, MAGIC, hash, &out)
}

/// Reads a cache file; None when it is missing, foreign or damaged.
pub fn read(file: &Path, hash: u64) -> Option<NameIndex> {
    let bytes = read_framed(file, MAGIC, hash)?;
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    let n = r.u32()? as usize;
    let mut keys = Vec::with_capacity(n);
    let mut patterns = Vec::with_capacity(n);
    for _ in 0..n {
        let len = r.u32()? as usize;
        keys.push(std::str::from_utf8(r.take(len)?).ok()?.to_string());
        let m = r.u32()? as usize;
        let mut entries = Vec::with_capacity(m);
        for _ in 0..m {
            let p: PlaceIdx = r.u32()?;
            let name = u16::from_le_bytes(r.take(2)?.try_into().ok()?);
            entries.push((p, name));
        }
        patterns.push(entries);
    }
    let (automaton, rest) = DoubleArrayAhoCorasick::<u32>::deserialize(&bytes[r.at..]).ok()?;
    if !rest.is_empty() {
        return None;
    }
    Some(NameIndex {
        patterns,
        keys,
        automaton,
    })
}

/// The parsed places of a gazetteer whose sources hash to `hash`, so a later
/// run skips parsing the TSV and CSV files (postcard, behind the same
/// header as the name index).
pub fn places_path(dir: &Path, hash: u64) -> PathBuf {
    dir.join(format!("places-{hash:016x}.bin"))
}

const PLACES_MAGIC: &[u8; 8] = b"EVMAPPL1";

pub fn write_places(file: &Path, hash: u64, places: &[super::Place]) -> std::io::Result<()> {
    let body = postcard::to_stdvec(places).map_err(std::io::Error::other)?;
    write_framed(file, PLACES_MAGIC, hash, &body)
}

/// The places cached for `hash`; None when missing, foreign or damaged.
pub fn read_places(file: &Path, hash: u64) -> Option<Vec<super::Place>> {
    postcard::from_bytes(&read_framed(file, PLACES_MAGIC, hash)?).ok()
}

/// How many caches of each kind are kept: one per gazetteer (or program
/// build) in use, the most recently written first.
const KEEP: usize = 4;

/// Deletes all but the `KEEP` newest cache files beside `written` whose
/// names share its prefix (`names-`, `places-`), so caches of old program
/// builds and old gazetteers do not pile up. Errors only leave files behind.
fn prune(written: &Path) {
    let (Some(dir), Some(name)) = (
        written.parent(),
        written.file_name().and_then(|n| n.to_str()),
    ) else {
        return;
    };
    let Some(prefix) = name.split_once('-').map(|(p, _)| format!("{p}-")) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".bin"))
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.0));
    for (_, old) in files.into_iter().skip(KEEP) {
        if old != written {
            let _ = std::fs::remove_file(old);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_of_a_kind_and_the_one_just_written() {
        let dir = tempfile::tempdir().unwrap();
        let t0 = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        let file = |name: &str, age: u64| {
            let p = dir.path().join(name);
            let f = std::fs::File::create(&p).unwrap();
            f.set_modified(t0 + std::time::Duration::from_secs(age))
                .unwrap();
            p
        };
        for i in 0..6 {
            file(&format!("names-{i:016x}.bin"), i);
        }
        let other = file("places-0000000000000000.bin", 0);
        // The one just written is kept even when it is not among the newest.
        let written = file("names-00000000000000ff.bin", 0);
        prune(&written);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "names-0000000000000002.bin",
                "names-0000000000000003.bin",
                "names-0000000000000004.bin",
                "names-0000000000000005.bin",
                "names-00000000000000ff.bin",
                "places-0000000000000000.bin",
            ]
        );
        assert!(other.exists());
    }
}
