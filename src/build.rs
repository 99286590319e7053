//! The build engine: articles + gazetteer -> layers in the output folder.

use std::path::PathBuf;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::article;
use crate::diagnostics::Diagnostics;
use crate::event::{self, TaggedArticle};
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
    pub diagnostics: Diagnostics,
}

impl BuildReport {
    pub fn summary(&self) -> String {
        format!(
            "{} articles, {} skipped, {} places",
            self.articles, self.skipped, self.places
        )
    }
}

/// Tags every article in parallel; the result keeps the input order.
pub fn tag_all(g: &Gazetteer, articles: Vec<article::Article>) -> Vec<TaggedArticle> {
    articles
        .into_par_iter()
        .map(|a| event::tag_article(g, a))
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
    let articles = article::read_articles(&config.articles, &mut diagnostics);
    let n = articles.len();
    let tagged = tag_all(gazetteer, articles);
    let places = event::summarise_places(gazetteer, &tagged);
    let bytes = geojson::to_bytes("places", export::places::features(gazetteer, &places))?;
    export::write_atomic(&config.out.join("places.geojson"), &bytes)?;
    // The force, event and movement layers are part of the contract; until
    // the event builder fills them they are written as valid, empty layers so
    // that tools reading `output/` never meet a stale file from an old build.
    for layer in ["forces", "events", "movements"] {
        let bytes = geojson::to_bytes(layer, Vec::new())?;
        export::write_atomic(&config.out.join(format!("{layer}.geojson")), &bytes)?;
    }
    Ok(BuildReport {
        articles: n,
        skipped: diagnostics.skipped(),
        places: places.len(),
        diagnostics,
    })
}
