//! The cache of the gazetteer image (`image.rs`), so that a run after the
//! first loads the gazetteer in a fraction of the time.
//!
//! The file is keyed by the gazetteer's fingerprint (every source file and
//! the program build); anything that does not read back exactly (other
//! hash, truncated, bad checksum, parts that do not fit together) is
//! ignored and rebuilt. Writes are atomic.

use std::path::{Path, PathBuf};

use super::image::Image;

/// A checksum of the payload, so a damaged file is never read as an image.
fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
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

/// The gazetteer image cached for fingerprint `hash`.
pub fn image_path(dir: &Path, hash: u64) -> PathBuf {
    dir.join(format!("gazetteer-{hash:016x}.bin"))
}

const MAGIC: &[u8; 8] = b"EVMAPIM3";
/// Magic, source hash, checksum of the rest.
const HEADER: usize = 24;

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
/// None when it is missing or foreign. Its checksum is checked by
/// `Framed::intact`, so that the caller can check it beside decoding.
fn read_framed(file: &Path, magic: &[u8; 8], hash: u64) -> Option<Framed> {
    let f = std::fs::File::open(file).ok()?;
    // SAFETY: eventmap only ever replaces the file by renaming a new one
    // over it (`write_framed`) and deletes it by unlinking (`prune`),
    // neither of which changes the inode mapped here. The gazetteer keeps
    // the mapping for the places' bytes, which stay where they are in it.
    // (Truncating the file by hand while a run uses it would crash that run,
    // as for any mapped file.) Mapping instead of reading saves copying tens
    // of megabytes and faulting in a buffer for them.
    let bytes = unsafe { memmap2::MmapOptions::new().populate().map(&f) }.ok()?;
    let word = |at: usize| Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?));
    if bytes.get(..8)? != magic || word(8)? != hash || bytes.len() < HEADER {
        return None;
    }
    Some(Framed(bytes))
}

/// A file read by `read_framed`; its body is `as_ref`.
struct Framed(memmap2::Mmap);

impl Framed {
    /// Whether the body's checksum is the one in the header.
    fn intact(&self) -> bool {
        let sum = u64::from_le_bytes(self.0[16..24].try_into().unwrap_or_default());
        checksum(&self.0[HEADER..]) == sum
    }
}

impl AsRef<[u8]> for Framed {
    fn as_ref(&self) -> &[u8] {
        &self.0[HEADER..]
    }
}

pub fn write_image(file: &Path, hash: u64, image: &Image) -> std::io::Result<()> {
    let body = image.to_bytes().map_err(std::io::Error::other)?;
    write_framed(file, MAGIC, hash, &body)?;
    retire(file.parent().unwrap_or(Path::new(".")));
    Ok(())
}

/// Deletes the caches earlier versions wrote (name index and places apart).
fn retire(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if (name.starts_with("names-") || name.starts_with("places-")) && name.ends_with(".bin") {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The image cached for `hash`; None when missing, foreign or damaged.
pub fn read_image(file: &Path, hash: u64) -> Option<Image> {
    let framed = std::sync::Arc::new(read_framed(file, MAGIC, hash)?);
    // Checked and decoded at once; a damaged body may decode to anything
    // (never unsafely), which is then dropped.
    let (intact, image) = rayon::join(|| framed.intact(), || Image::from_shared(framed.clone()));
    image.filter(|_| intact)
}

/// How many caches of each kind are kept: one per gazetteer (or program
/// build) in use, the most recently written first.
const KEEP: usize = 4;

/// Deletes all but the `KEEP` newest cache files beside `written` whose
/// names share its prefix (`gazetteer-`), so caches of old program
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
