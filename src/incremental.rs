//! Per-file results kept between builds (`OUT/.eventmap/`), so a rebuild
//! reads again only the article files that are new or changed.
//!
//! A result is keyed by a hash of the file's bytes and path, the gazetteer's
//! and word lists' fingerprints and the program build; it holds each
//! article's rendered layer parts (`export::layers`) and the warnings the
//! file gave, in postcard's binary form. All results live in one pack file,
//! mapped rather than read, whose feature lines and CSV rows are used where
//! they lie (`export::text`): a rebuild of thousands of cached articles
//! copies none of them. A build appends its new results; the pack is
//! written anew (beside it, then renamed) when results no build uses make
//! up half of it, or when it is damaged. Every record carries a checksum; a
//! record that does not check or decode is reported and rebuilt, never
//! trusted. Layers from cached parts are the same bytes as from a clean
//! build, because both are assembled from the same parts.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use crate::diagnostics::Warning;
use crate::export::layers::Rendered;
use crate::export::text::{self, Shared};

/// Files larger than this (bytes) are read again every build rather than
/// cached: their entries would cost more than the reading they save.
pub const MAX_CACHED_FILE: u64 = 8 * 1024 * 1024;

/// The cache folder inside the output folder.
pub const CACHE_DIR: &str = ".eventmap";

/// The pack of results in the cache folder.
const PACK: &str = "results.pack";

/// First bytes of the pack: names the format, so a pack of another version
/// or program is never decoded as one of ours.
const MAGIC: &[u8] = b"eventmap cache 7\n";

/// The pack is written anew once unused results take more than this, and
/// more than the results in use.
const MIN_DEAD: usize = 1 << 20;

/// Each record's header: key, body length and body checksum (u64 LE each).
const RECORD_HEADER: usize = 24;

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

/// What a file was when its key was computed: size, modification and
/// change times and inode. A file whose identity is unchanged since a
/// build read it is not read again (as git's index and make know their
/// files); its key is taken from that build (`Cache::known_key`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    size: u64,
    modified_ns: i128,
    changed_ns: i128,
    inode: u64,
}

impl Identity {
    /// None where the platform does not give all of it (the file is then
    /// always read).
    pub fn of(meta: &std::fs::Metadata) -> Option<Identity> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
            Some(Identity {
                size: meta.len(),
                modified_ns: ns(meta.mtime(), meta.mtime_nsec()),
                changed_ns: ns(meta.ctime(), meta.ctime_nsec()),
                inode: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }
}

/// The file of identities: which key each article file had, as the last
/// build saw it.
const SEEN: &str = "seen.bin";

/// A file changed this close before a build read it may change again
/// within the same timestamp and keep its identity (git's "racy" files):
/// it is read again next time rather than trusted. Two seconds covers the
/// coarsest file times in use (FAT).
const RACY_NS: i128 = 2_000_000_000;

#[derive(Default, Serialize, Deserialize)]
struct Seen {
    settings: u64,
    /// When that build started, in nanoseconds since the epoch.
    started_ns: i128,
    files: Vec<(PathBuf, Identity, u64)>,
}

fn now_ns() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// Where a record's body lies in the mapped pack, and its checksum.
#[derive(Debug, Clone)]
struct Record {
    body: Range<usize>,
    checksum: u64,
}

pub struct Cache {
    dir: PathBuf,
    /// The pack as mapped when the cache was opened.
    pack: Option<Shared>,
    /// Each key's record in `pack` (the last one written, if several).
    records: HashMap<u64, Record>,
    /// Bytes of the pack up to its last whole record.
    whole: usize,
    /// What is wrong with the pack as found, for a warning; it is then
    /// written anew.
    problem: Option<String>,
    /// Keys this build used.
    used: HashSet<u64>,
    /// Results of this build, to be written to the pack by `finish`.
    new: Vec<(u64, Vec<u8>)>,
    /// The last build's identities: path (as bytes: hashing a `Path` walks
    /// its components) -> (identity, key).
    seen: HashMap<std::ffi::OsString, (Identity, u64)>,
    seen_settings: u64,
    seen_started: i128,
    /// This build's start and identities, for `finish` to write.
    started: i128,
    saw: Vec<(PathBuf, Identity, u64)>,
}

/// The key of a file's result.
pub fn key(settings: u64, path: &Path, bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    settings.hash(&mut h);
    path.hash(&mut h);
    bytes.hash(&mut h);
    h.finish()
}

/// A result as the pack stores it; None if it cannot be encoded.
pub fn encode(r: &FileResult) -> Option<Vec<u8>> {
    postcard::to_stdvec(r).ok()
}

fn checksum(body: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(body)
}

fn word(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// The pack mapped. SAFETY of the mapping: eventmap never changes a byte
/// of a pack file once written: it only appends past its end and replaces
/// the file by renaming a new one over it, and a build holds the output
/// lock (`export::lock`) throughout. (Truncating it by hand while a build
/// runs would crash that build, as for any mapped file.)
fn map(path: &Path) -> Option<memmap2::Mmap> {
    let f = std::fs::File::open(path).ok()?;
    if f.metadata().ok()?.len() == 0 {
        return None;
    }
    unsafe { memmap2::MmapOptions::new().populate().map(&f) }.ok()
}

impl Cache {
    /// A cache with nothing in it yet.
    fn empty(out: &Path) -> Cache {
        Cache {
            pack: None,
            records: HashMap::default(),
            whole: 0,
            problem: None,
            used: HashSet::new(),
            new: Vec::new(),
            seen: HashMap::default(),
            seen_settings: 0,
            seen_started: 0,
            started: now_ns(),
            saw: Vec::new(),
            dir: out.join(CACHE_DIR),
        }
    }

    /// The cache of the output folder `out`, its results and identities
    /// read (the pack mapped).
    pub fn open(out: &Path) -> Cache {
        let mut cache = Cache::empty(out);
        let seen: Seen = std::fs::read(cache.dir.join(SEEN))
            .ok()
            .and_then(|b| {
                // Magic, then a checksum of the body: anything else is
                // ignored (every file is then read).
                let body = b.strip_prefix(MAGIC)?;
                let (sum, body) = (word(body, 0)?, body.get(8..)?);
                (checksum(body) == sum).then(|| postcard::from_bytes(body).ok())?
            })
            .unwrap_or_default();
        cache.seen_settings = seen.settings;
        cache.seen_started = seen.started_ns;
        cache.seen = seen
            .files
            .into_iter()
            .map(|(p, id, key)| (p.into_os_string(), (id, key)))
            .collect();
        let path = cache.dir.join(PACK);
        let Some(bytes) = map(&path) else {
            return cache;
        };
        if !bytes.starts_with(MAGIC) {
            cache.problem = Some(format!(
                "{}: not a cache entry of this version; its results are computed again",
                path.display()
            ));
            return cache;
        }
        // The records' headers, one after another; a record running past
        // the end was cut short by a killed build.
        let mut at = MAGIC.len();
        while at < bytes.len() {
            let header = (
                word(&bytes, at),
                word(&bytes, at + 8),
                word(&bytes, at + 16),
            );
            let (Some(key), Some(len), Some(sum)) = header else {
                break;
            };
            let start = at + RECORD_HEADER;
            let Some(end) = usize::try_from(len)
                .ok()
                .and_then(|l| start.checked_add(l))
                .filter(|&e| e <= bytes.len())
            else {
                break;
            };
            cache.records.insert(
                key,
                Record {
                    body: start..end,
                    checksum: sum,
                },
            );
            at = end;
        }
        if at != bytes.len() {
            cache.problem = Some(format!(
                "{}: damaged cache entry at byte {at} (cut short); the results after it are computed again",
                path.display()
            ));
        }
        cache.whole = at;
        cache.pack = Some(Arc::new(bytes));
        cache
    }

    /// The key `path` had when the last build read it, if it has the same
    /// identity now and had not changed shortly before that build (`RACY_NS`),
    /// under the same `settings`.
    pub fn known_key(&self, settings: u64, path: &Path, identity: Identity) -> Option<u64> {
        if settings != self.seen_settings {
            return None;
        }
        let &(was, key) = self.seen.get(path.as_os_str())?;
        let settled = |t: i128| t < self.seen_started - RACY_NS;
        (was == identity && settled(identity.modified_ns) && settled(identity.changed_ns))
            .then_some(key)
    }

    /// Records that `path`, with `identity` before it was read, has `key`
    /// (written by `finish` for the next build's `known_key`).
    pub fn saw(&mut self, path: &Path, identity: Identity, key: u64) {
        self.saw.push((path.to_path_buf(), identity, key));
    }

    /// What was wrong with the cache as found, if anything (a warning).
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Marks `key`'s entry as used by this build (found elsewhere, e.g. in
    /// memory), so `finish` keeps it.
    pub fn keep(&mut self, key: u64) {
        self.used.insert(key);
    }

    /// Whether there is an entry for `key` (which may still fail to decode).
    pub fn has(&self, key: u64) -> bool {
        self.records.contains_key(&key)
    }

    /// The cached result for `key`: Ok(None) when there is none, Err with a
    /// message when there is one that cannot be read (it is then rebuilt).
    /// Does not mark the entry used (`keep` does), so that entries can be
    /// read in parallel.
    pub fn read(&self, key: u64) -> Result<Option<FileResult>, String> {
        let (Some(pack), Some(record)) = (&self.pack, self.records.get(&key)) else {
            return Ok(None);
        };
        let damaged = |why: String| {
            format!(
                "{}: damaged cache entry ({why}); rebuilt",
                self.dir.join(PACK).display()
            )
        };
        let body = &(**pack).as_ref()[record.body.clone()];
        if checksum(body) != record.checksum {
            return Err(damaged(format!(
                "checksum of the entry at byte {}",
                record.body.start
            )));
        }
        let range = record.body.clone();
        match text::borrowing(pack, |all| postcard::from_bytes::<FileResult>(&all[range])) {
            Ok(r) if r.key == key => Ok(Some(r)),
            Ok(_) => Err(damaged("an entry for another file".to_string())),
            Err(e) => Err(damaged(e.to_string())),
        }
    }

    /// Stores a result (written by `finish`); a result that cannot be
    /// stored only costs time next build.
    pub fn put(&mut self, r: &FileResult) {
        self.put_encoded(r.key, encode(r));
    }

    /// `put` of a result already `encode`d (on whichever thread made it).
    pub fn put_encoded(&mut self, key: u64, body: Option<Vec<u8>>) {
        self.used.insert(key);
        if let Some(body) = body {
            self.new.push((key, body));
        }
    }

    /// The previous build's counts.
    pub fn counts(&self) -> Option<Counts> {
        serde_json::from_slice(&std::fs::read(self.dir.join("counts.json")).ok()?).ok()
    }

    /// Records this build's counts and its new results. They are appended
    /// to the pack, unless it must be written anew: damaged, or half of it
    /// results this build did not use. Other files in the cache folder
    /// (earlier formats, leftovers of killed builds) are deleted. A cache
    /// that cannot be written only costs time next build.
    pub fn finish(&mut self, counts: Counts, settings: u64) {
        let _ = std::fs::create_dir_all(&self.dir);
        if let Ok(bytes) = serde_json::to_vec(&counts) {
            let _ = crate::export::write_atomic(&self.dir.join("counts.json"), &bytes);
        }
        let seen = Seen {
            settings,
            started_ns: self.started,
            files: std::mem::take(&mut self.saw),
        };
        // Written without a sync: a torn file does not decode and every
        // article file is then read again.
        if let (Ok(body), Ok(mut tmp)) = (
            postcard::to_stdvec(&seen),
            crate::export::temp_beside(&self.dir.join(SEEN), ""),
        ) && tmp
            .write_all(MAGIC)
            .and_then(|_| tmp.write_all(&checksum(&body).to_le_bytes()))
            .and_then(|_| tmp.write_all(&body))
            .is_ok()
        {
            let _ = tmp.persist(self.dir.join(SEEN));
        }
        let live: usize = self
            .records
            .iter()
            .filter(|(k, _)| self.used.contains(k))
            .map(|(_, r)| RECORD_HEADER + r.body.len())
            .sum();
        let dead = self.whole.saturating_sub(MAGIC.len() + live);
        let path = self.dir.join(PACK);
        let anew = self.pack.is_none() || self.problem.is_some() || dead > live.max(MIN_DEAD);
        let written = if anew {
            self.write_anew(&path)
        } else {
            self.append(&path)
        };
        if written.is_err() {
            // A pack that may hold a torn record is dropped whole.
            let _ = std::fs::remove_file(&path);
        }
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let file = e.file_type().is_ok_and(|t| t.is_file());
            if file && name != PACK && name != "counts.json" && name != SEEN {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    fn record(w: &mut impl Write, key: u64, body: &[u8]) -> std::io::Result<()> {
        w.write_all(&key.to_le_bytes())?;
        w.write_all(&(body.len() as u64).to_le_bytes())?;
        w.write_all(&checksum(body).to_le_bytes())?;
        w.write_all(body)
    }

    /// Appends this build's results to the pack. A build killed half-way
    /// leaves a record cut short, which the next build reports and drops.
    fn append(&self, path: &Path) -> std::io::Result<()> {
        if self.new.is_empty() {
            return Ok(());
        }
        let f = std::fs::OpenOptions::new().append(true).open(path)?;
        if f.metadata()?.len() != self.whole as u64 {
            return Err(std::io::Error::other("the pack changed during the build"));
        }
        let mut w = std::io::BufWriter::new(f);
        for (key, body) in &self.new {
            Cache::record(&mut w, *key, body)?;
        }
        w.flush()
    }

    /// Writes a pack of the results this build used, beside the old one,
    /// and renames it over it (a mapping of the old one stays valid).
    fn write_anew(&self, path: &Path) -> std::io::Result<()> {
        let tmp = crate::export::temp_beside(path, "")?;
        let mut w = std::io::BufWriter::new(tmp);
        w.write_all(MAGIC)?;
        if let Some(pack) = &self.pack {
            let bytes = (**pack).as_ref();
            let mut kept: Vec<(&u64, &Record)> = self
                .records
                .iter()
                .filter(|(k, _)| self.used.contains(k))
                .collect();
            kept.sort_unstable_by_key(|(_, r)| r.body.start);
            let renewed: HashSet<u64> = self.new.iter().map(|(k, _)| *k).collect();
            for (key, r) in kept {
                if !renewed.contains(key) {
                    Cache::record(&mut w, *key, &bytes[r.body.clone()])?;
                }
            }
        }
        for (key, body) in &self.new {
            Cache::record(&mut w, *key, body)?;
        }
        let tmp = w.into_inner().map_err(|e| e.into_error())?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }

    /// The cache of `out` with every result deleted (`--clean`), nothing
    /// of it read.
    pub fn cleared(out: &Path) -> Cache {
        let cache = Cache::empty(out);
        for name in [PACK, "counts.json", SEEN] {
            let _ = std::fs::remove_file(cache.dir.join(name));
        }
        cache
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::layers::Part;

    /// A result whose one article has `size` bytes of feature lines.
    fn result(key: u64, size: usize) -> FileResult {
        let line = format!("{{\"id\":\"{key}\"}}");
        let lines = std::iter::repeat_n(line.as_bytes(), size / (line.len() + 1) + 1);
        FileResult {
            key,
            path: PathBuf::from(format!("{key}.txt")),
            articles: vec![Rendered {
                id: key.to_string(),
                path: PathBuf::from(format!("{key}.txt")),
                title: "Troops to Rota".into(),
                date: None,
                source: String::new(),
                url: String::new(),
                line: String::new(),
                places: Vec::new(),
                parts: [
                    Part::of_lines(lines, "a,b\n".to_string().into()),
                    Part::default(),
                    Part::default(),
                ],
            }],
            warnings: Vec::new(),
        }
    }

    fn same(a: &FileResult, b: &FileResult) {
        assert_eq!((a.key, &a.path, &a.articles), (b.key, &b.path, &b.articles));
    }

    fn pack_len(out: &Path) -> u64 {
        std::fs::metadata(out.join(CACHE_DIR).join(PACK))
            .unwrap()
            .len()
    }

    #[test]
    fn results_are_appended_and_read_back() {
        let out = tempfile::tempdir().unwrap();
        let (one, two) = (result(1, 100), result(2, 100));
        let mut cache = Cache::open(out.path());
        assert!(!cache.has(1) && cache.read(1).unwrap().is_none());
        cache.put(&one);
        cache.finish(Counts::default(), 0);
        let first = pack_len(out.path());

        let mut cache = Cache::open(out.path());
        assert!(cache.problem().is_none());
        same(&cache.read(1).unwrap().unwrap(), &one);
        cache.keep(1);
        cache.put(&two);
        cache.finish(Counts::default(), 0);
        assert!(pack_len(out.path()) > first, "appended, not written anew");

        let cache = Cache::open(out.path());
        same(&cache.read(1).unwrap().unwrap(), &one);
        same(&cache.read(2).unwrap().unwrap(), &two);
    }

    #[test]
    fn a_file_is_known_by_its_identity_only_when_it_had_settled() {
        let out = tempfile::tempdir().unwrap();
        let path = out.path().join("a.txt");
        std::fs::write(
            &path,
            "Frigates\nGermany will send three frigates to Norway.\n",
        )
        .unwrap();
        let id = Identity::of(&std::fs::metadata(&path).unwrap()).unwrap();
        let mut cache = Cache::open(out.path());
        cache.saw(&path, id, 42);
        cache.finish(Counts::default(), 7);

        // The last build started right after the file was written: too
        // close to trust its times, so it is read again.
        let cache = Cache::open(out.path());
        assert_eq!(cache.known_key(7, &path, id), None);

        // Started well after it: known, under the same settings only.
        let mut cache = Cache::open(out.path());
        cache.seen_started += 3 * RACY_NS;
        assert_eq!(cache.known_key(7, &path, id), Some(42));
        assert_eq!(cache.known_key(8, &path, id), None);
        // Any part of the identity changed: read again.
        for changed in [
            Identity {
                size: id.size + 1,
                ..id
            },
            Identity {
                modified_ns: id.modified_ns + 1,
                ..id
            },
            Identity {
                changed_ns: id.changed_ns + 1,
                ..id
            },
            Identity {
                inode: id.inode + 1,
                ..id
            },
        ] {
            assert_eq!(cache.known_key(7, &path, changed), None);
        }
        assert_eq!(cache.known_key(7, &out.path().join("b.txt"), id), None);

        // A damaged file of identities is not trusted at all.
        let seen = out.path().join(CACHE_DIR).join(SEEN);
        let mut bytes = std::fs::read(&seen).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&seen, bytes).unwrap();
        let mut cache = Cache::open(out.path());
        cache.seen_started += 3 * RACY_NS;
        assert_eq!(cache.known_key(7, &path, id), None);
    }

    #[test]
    fn a_pack_mostly_unused_is_written_anew_with_what_is_used() {
        let out = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(out.path());
        cache.put(&result(1, 3 * MIN_DEAD));
        cache.put(&result(2, 10));
        cache.finish(Counts::default(), 0);
        let big = pack_len(out.path());
        // Only the small result is used: the big one is dropped.
        let mut cache = Cache::open(out.path());
        cache.keep(2);
        cache.finish(Counts::default(), 0);
        assert!(pack_len(out.path()) < big / 10);
        let cache = Cache::open(out.path());
        assert!(!cache.has(1));
        same(&cache.read(2).unwrap().unwrap(), &result(2, 10));
    }

    #[test]
    fn a_pack_cut_short_or_altered_is_reported_and_its_results_not_trusted() {
        let out = tempfile::tempdir().unwrap();
        let mut cache = Cache::open(out.path());
        cache.put(&result(1, 100));
        cache.put(&result(2, 100));
        cache.finish(Counts::default(), 0);
        let path = out.path().join(CACHE_DIR).join(PACK);
        let bytes = std::fs::read(&path).unwrap();

        // A letter changed inside the first record's feature lines: it still
        // decodes, only its checksum tells.
        let mut altered = bytes.clone();
        let at = memchr::memmem::find(&bytes, b"\"id\"").unwrap();
        altered[at + 1] = b'I';
        std::fs::write(&path, &altered).unwrap();
        let cache = Cache::open(out.path());
        let err = cache.read(1).unwrap_err();
        assert!(err.contains("damaged cache entry"), "{err}");
        same(&cache.read(2).unwrap().unwrap(), &result(2, 100));

        // Cut inside the last record, as a killed build leaves it.
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        let mut cache = Cache::open(out.path());
        assert!(cache.problem().unwrap().contains("damaged cache entry"));
        assert!(!cache.has(2));
        same(&cache.read(1).unwrap().unwrap(), &result(1, 100));
        // The build redoes the lost result; the pack is written anew whole.
        cache.keep(1);
        cache.put(&result(2, 100));
        cache.finish(Counts::default(), 0);
        let cache = Cache::open(out.path());
        assert!(cache.problem().is_none());
        same(&cache.read(2).unwrap().unwrap(), &result(2, 100));

        // Not a pack of this version at all.
        std::fs::write(&path, b"eventmap cache 4\n....").unwrap();
        let cache = Cache::open(out.path());
        assert!(
            cache
                .problem()
                .unwrap()
                .contains("not a cache entry of this version")
        );
        assert!(!cache.has(1));
    }
}
