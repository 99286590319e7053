//! `eventmap add FILE...`: copy articles into the articles folder, then
//! rebuild (only the new files are read; the rest come from the cache).

use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{AddArgs, BuildArgs};

pub fn run(args: AddArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.to)
        .with_context(|| format!("{}: cannot create the articles folder", args.to.display()))?;
    for file in &args.files {
        let name = file
            .file_name()
            .with_context(|| format!("{}: not a file name", file.display()))?;
        let target = args.to.join(name);
        if target.exists() && std::fs::read(&target).ok() != std::fs::read(file).ok() {
            anyhow::bail!(
                "{}: a different article with this name is already there; rename one of them",
                target.display()
            );
        }
        std::fs::copy(file, &target)
            .with_context(|| format!("{}: cannot copy to {}", file.display(), target.display()))?;
        eprintln!("added {}", target.display());
    }
    super::build::run(BuildArgs {
        articles: vec![args.to.clone()],
        out: args.out,
        strict: false,
        clean: false,
        quiet: false,
        verbose: false,
        gazetteer: args.gazetteer,
    })
}
