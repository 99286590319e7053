//! The build engine: articles + gazetteer -> layers in the output folder.
//! It takes the output lock, reuses cached per-file results (each article's
//! rendered layer parts) where the inputs are unchanged, loads the gazetteer
//! only when some file must be read again and tags those in parallel, then
//! assembles every output file from the parts and stages them all before
//! renaming any into place.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::article;
use crate::diagnostics::Diagnostics;
use crate::event::{self, Lexicon};
use crate::export::{self, layers::Rendered};
use crate::gazetteer::{Gazetteer, GazetteerConfig};
use crate::incremental;

/// Everything a build needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub articles: Vec<PathBuf>,
    pub gazetteer: GazetteerConfig,
    pub out: PathBuf,
    pub strict: bool,
    /// Ignore and rebuild the per-article cache.
    pub clean: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub articles: usize,
    pub skipped: usize,
    pub places: usize,
    pub forces: usize,
    pub events: usize,
    /// What changed since the last build, and how much came from the cache.
    pub changes: String,
    /// One line per article: id, places, forces (for --verbose).
    pub per_article: Vec<String>,
    pub diagnostics: Diagnostics,
}

impl BuildReport {
    pub fn summary(&self) -> String {
        format!(
            "{} articles, {} skipped, {} places, {} forces, {} events",
            self.articles, self.skipped, self.places, self.forces, self.events
        )
    }
}

/// Builds with the gazetteer `config` names, loaded only when some article
/// file is not in the cache.
pub fn run(config: &BuildConfig) -> Result<BuildReport> {
    run_with(config, None, None)
}

/// Per-file results kept in memory between builds by a long-running caller
/// (`watch`), in front of the cache on disk.
pub type Memory = rustc_hash::FxHashMap<u64, Arc<incremental::FileResult>>;

/// A file's result made this build: its input's index, the result, and
/// the result encoded for the cache (None when it is not cached).
type Fresh = (usize, incremental::FileResult, Option<Vec<u8>>);

/// One input file: its key, and its cached result when there is one.
struct Input {
    path: PathBuf,
    /// Its bytes, when they were read (files known by their identity are
    /// read only if their result must be made again).
    bytes: Option<Vec<u8>>,
    identity: Option<incremental::Identity>,
    key: u64,
    /// `key` is known (from the file's identity or its bytes).
    known: bool,
    result: Option<Arc<incremental::FileResult>>,
}

/// Builds with `gazetteer` when given (for a caller that keeps one loaded
/// between builds), else loading the one `config` names when it is needed;
/// with `memory`, results are looked up there before the disk cache, and it
/// is left holding this build's.
pub fn run_with(
    config: &BuildConfig,
    gazetteer: Option<&Gazetteer>,
    memory: Option<&mut Memory>,
) -> Result<BuildReport> {
    let clock = Clock::new();
    if config.out.exists() && !config.out.is_dir() {
        anyhow::bail!(
            "{}: output path exists and is not a folder",
            config.out.display()
        );
    }
    std::fs::create_dir_all(&config.out)
        .with_context(|| format!("{}: cannot create output folder", config.out.display()))?;
    let mut diagnostics = Diagnostics::default();
    let (_lock, note) = export::lock::OutputLock::acquire(&config.out)?;
    if let Some(note) = note {
        diagnostics.warn(&config.out, note);
    }
    let dir = config.gazetteer.dir.as_deref().filter(|d| d.is_dir());
    let lexicon = Lexicon::load(dir).context("loading the force word lists")?;
    let boilerplate = article::Boilerplate::load(dir);
    let gazetteer_print = match gazetteer {
        Some(g) => g.fingerprint,
        None => {
            crate::gazetteer::fingerprint(&config.gazetteer).context("loading the gazetteer")?
        }
    };
    let settings = {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (
            gazetteer_print,
            lexicon.fingerprint,
            boilerplate.fingerprint,
        )
            .hash(&mut h);
        h.finish()
    };
    clock.lap("settings");
    let mut cache = if config.clean {
        incremental::Cache::cleared(&config.out)
    } else {
        incremental::Cache::open(&config.out)
    };
    if let Some(problem) = cache.problem() {
        diagnostics.warn(&config.out, problem.to_string());
    }
    let before = cache.counts();
    clock.lap("cache opened");
    let paths = article::article_files(&config.articles, &mut diagnostics);
    clock.lap("articles listed");
    // A file with the identity it had when the last build read it has the
    // key it had then (`Cache::known_key`); the others are read and hashed,
    // on every core (opening thousands of small files is mostly system
    // time). Messages stay in file order.
    let stat: Vec<_> = paths
        .into_par_iter()
        .map(|path| {
            let meta = std::fs::metadata(&path);
            (path, meta)
        })
        .collect();
    let mut inputs = Vec::with_capacity(stat.len());
    for (path, meta) in stat {
        match meta {
            Ok(meta) => {
                let identity = incremental::Identity::of(&meta);
                let key = identity.and_then(|id| cache.known_key(settings, &path, id));
                inputs.push(Input {
                    path,
                    bytes: None,
                    identity,
                    key: key.unwrap_or_default(),
                    known: key.is_some(),
                    result: None,
                });
            }
            Err(e) => diagnostics.skip(&path, format!("cannot read: {e}")),
        }
    }
    clock.lap("inputs checked");
    let mut outputs = export::Outputs::open(&config.out, config.clean);
    let fresh = std::thread::scope(|s| -> Result<Vec<Fresh>> {
        // The gazetteer loads on the other core while the rest is read,
        // when none was given and some file has no cached result: at once
        // if a file is new or changed by its identity, else once keys show
        // one missing from the cache.
        let missing = |inputs: &[Input]| inputs.iter().any(|i| i.known && !cache.has(i.key));
        let changed = inputs.iter().any(|i| !i.known);
        let load = || s.spawn(|| Gazetteer::load_as(&config.gazetteer, gazetteer_print));
        let mut loading = (gazetteer.is_none() && (changed || missing(&inputs))).then(load);
        let read: Vec<_> = inputs
            .par_iter()
            .enumerate()
            .filter(|(_, i)| !i.known)
            .map(|(n, i)| (n, std::fs::read(&i.path)))
            .collect();
        for (n, bytes) in read {
            let input = &mut inputs[n];
            match bytes {
                Ok(bytes) => {
                    input.key = incremental::key(settings, &input.path, &bytes);
                    input.bytes = Some(bytes);
                    input.known = true;
                }
                Err(e) => diagnostics.skip(&input.path, format!("cannot read: {e}")),
            }
        }
        inputs.retain(|i| i.known);
        if loading.is_none() && gazetteer.is_none() && missing(&inputs) {
            loading = Some(load());
        }
        clock.lap("inputs read");
        let mut todo = Vec::new();
        let mut on_disk = Vec::new();
        for (i, input) in inputs.iter_mut().enumerate() {
            if let Some(r) = memory.as_deref().and_then(|m| m.get(&input.key)) {
                cache.keep(input.key);
                input.result = Some(r.clone());
                input.bytes = None;
            } else {
                on_disk.push(i);
            }
        }
        // Cache entries are read and decoded in parallel, unless the
        // gazetteer is loading beside them: both fault in tens of megabytes,
        // and together they only slow each other down.
        let read_one = |&i: &usize| cache.read(inputs[i].key);
        let read: Vec<_> = if loading.is_some() {
            on_disk.iter().map(read_one).collect()
        } else {
            on_disk.par_iter().map(read_one).collect()
        };
        clock.lap("cache entries read");
        for (i, r) in on_disk.into_iter().zip(read) {
            let input = &mut inputs[i];
            match r {
                // (A result is for one path: its key hashes the path.)
                Ok(Some(r)) if r.path.as_os_str() == input.path.as_os_str() => {
                    cache.keep(input.key);
                    input.result = Some(Arc::new(r));
                    // Only files read again need their bytes.
                    input.bytes = None;
                }
                Ok(_) => todo.push(i),
                Err(message) => {
                    diagnostics.warn(&config.out, message);
                    todo.push(i);
                }
            }
        }
        if todo.is_empty() {
            return Ok(Vec::new());
        }
        if loading.is_some() {
            // The wait for the gazetteer is spent on the old outputs.
            outputs.prepare();
            clock.lap("outputs prepared");
        }
        let loaded;
        let g = match (gazetteer, loading) {
            (Some(g), _) => g,
            (None, Some(handle)) => {
                loaded = handle
                    .join()
                    .map_err(|_| anyhow::anyhow!("loading the gazetteer panicked"))?
                    .context("loading the gazetteer")?;
                &loaded
            }
            // Only damaged entries were missing: load now.
            (None, None) => {
                loaded = Gazetteer::load_as(&config.gazetteer, gazetteer_print)
                    .context("loading the gazetteer")?;
                &loaded
            }
        };
        let inputs = &inputs;
        clock.lap("gazetteer ready");
        todo.into_par_iter()
            .map(|i| {
                let input = &inputs[i];
                let mut diag = Diagnostics::default();
                // A file known by its identity is read only now, and its
                // key made from its bytes again.
                let late;
                let (bytes, key) = match &input.bytes {
                    Some(bytes) => (bytes, input.key),
                    None => match std::fs::read(&input.path) {
                        Ok(b) => {
                            late = b;
                            (&late, incremental::key(settings, &input.path, &late))
                        }
                        Err(e) => {
                            diag.skip(&input.path, format!("cannot read: {e}"));
                            let r = incremental::FileResult {
                                key: input.key,
                                path: input.path.clone(),
                                articles: Vec::new(),
                                warnings: diag.warnings,
                            };
                            return Ok((i, r, None));
                        }
                    },
                };
                let articles = article::parse_file(&input.path, bytes, &boilerplate, &mut diag);
                let articles = articles
                    .into_iter()
                    .map(|a| {
                        export::layers::render(g, &lexicon, &event::tag_article(g, &lexicon, a))
                    })
                    .collect::<Result<_, _>>()?;
                let r = incremental::FileResult {
                    key,
                    path: input.path.clone(),
                    articles,
                    warnings: diag.warnings,
                };
                // Encoded here, on every core. A huge file's entry would
                // cost more to write and read than to redo.
                let cached = bytes.len() as u64 <= incremental::MAX_CACHED_FILE;
                let body = cached.then(|| incremental::encode(&r)).flatten();
                Ok((i, r, body))
            })
            .collect()
    })?;
    clock.lap("cache read + tagging");
    let (read, reread) = (inputs.len(), fresh.len());
    for (i, r, body) in fresh {
        if body.is_some() {
            cache.put_encoded(r.key, body);
        }
        inputs[i].result = Some(Arc::new(r));
    }
    for input in &inputs {
        if let (Some(identity), Some(r)) = (input.identity, &input.result) {
            cache.saw(&input.path, identity, r.key);
        }
    }
    let results: Vec<Arc<incremental::FileResult>> =
        inputs.into_iter().filter_map(|i| i.result).collect();
    // (article key, article) in input order; the key names the article's
    // rows in the GeoPackage.
    let mut all = Vec::new();
    for r in &results {
        diagnostics.warnings.extend(r.warnings.iter().cloned());
        for a in &r.articles {
            all.push((incremental::key(r.key, Path::new(""), a.id.as_bytes()), a));
        }
    }
    let kept = article::drop_duplicate_ids(
        all,
        |(_, a): &(u64, &Rendered)| (a.id.as_str(), a.path.as_path()),
        &mut diagnostics,
    );
    clock.lap("results gathered");
    let (places, forces, events) = write_layers(&mut outputs, &kept, &mut diagnostics)?;
    clock.lap("layers and geopackage written");
    let counts = incremental::Counts {
        articles: kept.len(),
        places,
        forces,
        events,
    };
    cache.finish(counts, settings);
    clock.lap("cache finished");
    if let Some(m) = memory {
        *m = results.iter().map(|r| (r.key, r.clone())).collect();
    }
    Ok(BuildReport {
        changes: format!(
            "{} ({reread} file(s) read, {} from the cache)",
            incremental::change_summary(before, counts),
            read - reread
        ),
        articles: kept.len(),
        skipped: diagnostics.skipped(),
        places,
        forces,
        events,
        per_article: kept.iter().map(|(_, a)| a.line.clone()).collect(),
        diagnostics,
    })
}

/// Writes every layer file and the GeoPackage in `out` from the articles'
/// rendered parts, (article key, article) in layer order; returns the counts
/// of places, forces and events. Every file is written in full beside its
/// final name (in parallel, the GeoPackage with them) before any is renamed
/// into place, so a failure or a kill leaves the whole previous set.
pub fn write_layers(
    outputs: &mut export::Outputs,
    kept: &[(u64, &Rendered)],
    diagnostics: &mut Diagnostics,
) -> Result<(usize, usize, usize)> {
    let out = outputs.dir().to_path_buf();
    let out = out.as_path();
    let gpkg_job = outputs.gpkg_job();
    let articles: Vec<&Rendered> = kept.iter().map(|(_, a)| *a).collect();
    let clock = Clock::new();
    let (place, place_rows) = export::layers::place_part(&articles)?;
    let files = export::layers::files(&articles, &place)?;
    clock.lap("  places layer and file list");
    // A thread per file: much of staging is waiting for the disk (each
    // file is synced), and the waits of all files then overlap.
    let (staged, package) = std::thread::scope(|s| {
        let package = s.spawn(|| timed("eventmap.gpkg", || gpkg_job.stage(&place_rows, kept)));
        let staging: Vec<_> = files
            .iter()
            .map(|(name, body)| {
                s.spawn(move || {
                    timed(name, || {
                        export::stage(&out.join(name), |w| body.write_to(w))
                    })
                })
            })
            .collect();
        let staged = staging
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect::<Result<Vec<_>, _>>();
        let package = package
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (staged, package)
    });
    let (package, note) = package?;
    if let Some(note) = note {
        diagnostics.warn(&out.join("eventmap.gpkg"), note);
    }
    clock.lap("  every file staged");
    outputs.commit(staged?.into_iter().chain([package]).collect())?;
    clock.lap("  every file renamed into place");
    let count = |i: usize| articles.iter().map(|a| a.parts[i].len()).sum::<usize>();
    Ok((place.len(), count(0), count(1)))
}

/// `f`'s time on stderr when `EVENTMAP_TIMINGS` is set (`Clock`).
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let clock = Clock::new();
    let r = f();
    clock.lap(&format!("    {what} staged"));
    r
}

/// Phase times on stderr when `EVENTMAP_TIMINGS` is set: where a build's
/// time goes, for tuning.
struct Clock(Option<std::time::Instant>);

impl Clock {
    fn new() -> Clock {
        Clock(std::env::var_os("EVENTMAP_TIMINGS").map(|_| std::time::Instant::now()))
    }

    fn lap(&self, phase: &str) {
        if let Some(t) = self.0 {
            eprintln!("{:>8.1} ms  {phase}", t.elapsed().as_secs_f64() * 1e3);
        }
    }
}
