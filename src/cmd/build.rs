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
    };
    let report = build::run(&config)?;
    report.diagnostics.print();
    eprintln!("{}", report.summary());
    if config.strict && report.skipped > 0 {
        eprintln!("error: --strict: {} article(s) skipped", report.skipped);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
