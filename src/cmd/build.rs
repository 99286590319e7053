//! `eventmap build`: read the articles, write the layers, print a summary.

use std::process::ExitCode;

use crate::build::{self, BuildConfig};
use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let config = BuildConfig {
        articles: args.articles.clone(),
        gazetteer: (&args.gazetteer).into(),
        out: args.out.clone(),
        strict: args.strict,
        clean: args.clean,
    };
    let report = build::run(&config)?;
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
