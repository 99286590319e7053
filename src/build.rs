//! The build engine: articles + gazetteer -> layers in the output folder.

use std::path::PathBuf;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::article;
use crate::diagnostics::Diagnostics;
use crate::event::{self, Lexicon, TaggedArticle};
use crate::export::{self, geojson};
use crate::gazetteer::{Gazetteer, GazetteerConfig};

/// Everything a build needs, resolved from the command line.
#[derive(Debug, Clone)]
pub struct BuildConfig {
    pub articles: Vec<PathBuf>,
    pub gazetteer: GazetteerConfig,
    pub out: PathBuf,
    pub strict: bool,
}

/// What a build did.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub articles: usize,
    pub skipped: usize,
    pub places: usize,
    pub forces: usize,
    pub events: usize,
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

/// Tags every article in parallel; the result keeps the input order.
pub fn tag_all(
    g: &Gazetteer,
    lex: &Lexicon,
    articles: Vec<article::Article>,
) -> Vec<TaggedArticle> {
    articles
        .into_par_iter()
        .map(|a| event::tag_article(g, lex, a))
        .collect()
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
    let articles = article::read_articles(&config.articles, &boilerplate, &mut diagnostics);
    let n = articles.len();
    let tagged = tag_all(gazetteer, &lexicon, articles);
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
    Ok(BuildReport {
        articles: n,
        skipped: diagnostics.skipped(),
        places: places.len(),
        forces,
        events: events.len(),
        per_article,
        diagnostics,
    })
}
