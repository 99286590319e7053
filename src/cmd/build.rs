//! `eventmap build`: read the articles, write the layers, print a summary.

use std::process::ExitCode;

use crate::build::{self, BuildConfig};
use crate::cli::BuildArgs;

pub fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    // A build makes many short-lived allocations and streams large files;
    // transparent huge pages (which the allocator asks for) cost it a 2 MB
    // zeroing at each first touch, most of a rebuild's time. Tagging keeps
    // them: its automaton lookups gain from fewer TLB misses.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = nix::sys::prctl::set_thp_disable(true);
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
