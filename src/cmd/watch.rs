//! `eventmap watch`: rebuild whenever an article file is added, changed or
//! removed (polling the folders' listings and modification times).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::Context;

use crate::cli::{BuildArgs, WatchArgs};
use crate::gazetteer::{Gazetteer, GazetteerConfig};

/// What the articles folders hold now: paths with size and modification time.
fn snapshot(paths: &[PathBuf]) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    for p in paths {
        let entries: Vec<PathBuf> = if p.is_dir() {
            std::fs::read_dir(p)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default()
        } else {
            vec![p.clone()]
        };
        for e in entries {
            let meta = std::fs::metadata(&e).ok();
            out.push((
                e,
                meta.as_ref().map_or(0, |m| m.len()),
                meta.and_then(|m| m.modified().ok()),
            ));
        }
    }
    out.sort();
    out
}

pub fn run(args: WatchArgs) -> anyhow::Result<ExitCode> {
    // The gazetteer and every file's results stay in memory between builds,
    // so a rebuild costs about what its new articles cost; the gazetteer is
    // loaded again only when its files change (their fingerprint is checked
    // before every build, and it keys the results).
    let config: GazetteerConfig = (&args.gazetteer).into();
    let mut loaded: Option<Gazetteer> = None;
    let mut memory = crate::build::Memory::default();
    let mut build = |args: &WatchArgs| -> anyhow::Result<ExitCode> {
        let print = crate::gazetteer::fingerprint(&config).context("loading the gazetteer")?;
        if loaded.as_ref().is_none_or(|g| g.fingerprint != print) {
            loaded = Some(Gazetteer::load_as(&config, print).context("loading the gazetteer")?);
        }
        super::build::run_with(
            BuildArgs {
                articles: args.articles.clone(),
                out: args.out.clone(),
                strict: false,
                clean: false,
                quiet: false,
                verbose: false,
                gazetteer: args.gazetteer.clone(),
            },
            loaded.as_ref(),
            Some(&mut memory),
        )
    };
    let mut seen = snapshot(&args.articles);
    build(&args)?;
    eprintln!(
        "watching {} for changes (Ctrl-C to stop)",
        args.articles
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let mut builds = 1;
    loop {
        std::thread::sleep(Duration::from_millis(args.interval_ms));
        let now = snapshot(&args.articles);
        if now != seen {
            seen = now;
            if let Err(e) = build(&args) {
                eprintln!("error: {e:#}");
            }
            builds += 1;
            if args.max_builds.is_some_and(|m| builds >= m) {
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
}
