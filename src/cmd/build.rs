//! `eventmap build`: read the articles, write the layers, print a summary.

use std::process::ExitCode;

use crate::build::{self, BuildConfig};
use crate::cli::BuildArgs;
use crate::gazetteer::Gazetteer;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    run_with(args, None, None)
}

/// A build with `gazetteer` already loaded and results kept in `memory`
/// (by `watch`), else loaded when needed.
pub fn run_with(
    args: BuildArgs,
    gazetteer: Option<&Gazetteer>,
    memory: Option<&mut build::Memory>,
) -> anyhow::Result<ExitCode> {
    let config = BuildConfig {
        articles: args.articles.clone(),
        gazetteer: (&args.gazetteer).into(),
        out: args.out.clone(),
        strict: args.strict,
        clean: args.clean,
    };
    let report = build::run_with(&config, gazetteer, memory)?;
    if args.verbose {
        for line in &report.per_article {
            eprintln!("{line}");
        }
    }
    if !args.quiet {
        report.diagnostics.print();
        eprintln!("{}", report.summary());
        eprintln!("changes: {}", report.changes);
    }
    let warnings = report.diagnostics.warnings.len();
    if config.strict && warnings > 0 {
        eprintln!(
            "error: --strict: {warnings} warning(s), {} article(s) skipped",
            report.skipped
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
