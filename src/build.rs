//! The build engine: articles + gazetteer -> layers in the output folder.
//! It takes the output lock, reuses cached per-file results where the
//! inputs are unchanged, tags the rest in parallel, and writes every layer
//! only after all of them are serialised.

use std::path::PathBuf;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::article;
use crate::diagnostics::Diagnostics;
use crate::event::{self, Lexicon, TaggedArticle};
use crate::export::{self, geojson};
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

pub fn run(config: &BuildConfig) -> Result<BuildReport> {
    let gazetteer = Gazetteer::load(&config.gazetteer).context("loading the gazetteer")?;
    run_with(config, &gazetteer)
}

pub fn run_with(config: &BuildConfig, gazetteer: &Gazetteer) -> Result<BuildReport> {
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
    let settings = {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        (
            gazetteer.fingerprint,
            lexicon.fingerprint,
            boilerplate.fingerprint,
        )
            .hash(&mut h);
        h.finish()
    };
    let mut cache = incremental::Cache::open(&config.out);
    if config.clean {
        cache.clear();
    }
    let before = cache.counts();
    let inputs = article::article_files(&config.articles, &mut diagnostics);
    // Each file: its cached result when its bytes and the settings are
    // unchanged, else read and tagged again (in parallel).
    let mut results: Vec<Option<incremental::FileResult>> = Vec::with_capacity(inputs.len());
    let mut todo = Vec::new();
    for path in &inputs {
        let Some(bytes) = article::read_bytes(path, &mut diagnostics) else {
            results.push(None);
            continue;
        };
        let key = incremental::key(settings, path, &bytes);
        match cache.get(key) {
            Ok(Some(r)) => results.push(Some(r)),
            Ok(None) => {
                todo.push((results.len(), path.clone(), bytes, key));
                results.push(None);
            }
            Err(message) => {
                diagnostics.warn(&config.out, message);
                todo.push((results.len(), path.clone(), bytes, key));
                results.push(None);
            }
        }
    }
    let fresh: Vec<(usize, incremental::FileResult)> = todo
        .into_par_iter()
        .map(|(i, path, bytes, key)| {
            let mut diag = Diagnostics::default();
            let articles = article::parse_file(&path, &bytes, &boilerplate, &mut diag);
            let articles = articles
                .into_iter()
                .map(|a| event::tag_article(gazetteer, &lexicon, a))
                .collect();
            (
                i,
                incremental::FileResult {
                    key,
                    path,
                    articles,
                    warnings: diag.warnings,
                },
            )
        })
        .collect();
    let reread = fresh.len();
    for (i, r) in fresh {
        // A huge file's entry would cost more to write and read than to redo.
        let small =
            std::fs::metadata(&r.path).is_ok_and(|m| m.len() <= incremental::MAX_CACHED_FILE);
        if small {
            cache.put(&r);
        }
        results[i] = Some(r);
    }
    let mut all = Vec::new();
    for r in results.into_iter().flatten() {
        diagnostics.warnings.extend(r.warnings);
        all.extend(r.articles);
    }
    let tagged = article::drop_duplicate_ids(
        all,
        |t: &TaggedArticle| (t.article.id.as_str(), t.article.path.as_path()),
        &mut diagnostics,
    );
    let n = tagged.len();
    let per_article = tagged
        .iter()
        .map(|t| {
            format!(
                "{}: {} place mention(s), {} force(s), date {}",
                t.article.id,
                t.mentions.len(),
                t.forces.len(),
                t.article.date.as_deref().unwrap_or("-")
            )
        })
        .collect();
    let places = event::summarise_places(gazetteer, &tagged);
    let events = event::events(gazetteer, &lexicon, &tagged);
    let layers = [
        ("places", export::places::features(gazetteer, &places)),
        ("forces", export::forces::features(gazetteer, &tagged)),
        (
            "events",
            export::forces::events(gazetteer, &tagged, &events),
        ),
        ("movements", export::forces::movements(gazetteer, &tagged)),
    ];
    let forces = layers[1].1.len();
    // Serialise all layers before writing any, so a failure leaves the old set.
    let mut files = Vec::new();
    let mut tables = Vec::new();
    for (name, features) in layers {
        let table = export::table::table(&features);
        files.push((format!("{name}.csv"), export::csv::to_bytes(name, &table)?));
        files.push((
            format!("{name}.geojson"),
            geojson::to_bytes(name, features)?,
        ));
        tables.push((name, table));
    }
    for (file, bytes) in files {
        export::write_atomic(&config.out.join(file), &bytes)?;
    }
    export::gpkg::write(&config.out.join("eventmap.gpkg"), &tables)?;
    let counts = incremental::Counts {
        articles: n,
        places: places.len(),
        forces,
        events: events.len(),
    };
    cache.finish(counts);
    Ok(BuildReport {
        changes: format!(
            "{} ({reread} file(s) read, {} from the cache)",
            incremental::change_summary(before, counts),
            inputs.len() - reread
        ),
        articles: n,
        skipped: diagnostics.skipped(),
        places: places.len(),
        forces,
        events: events.len(),
        per_article,
        diagnostics,
    })
}
