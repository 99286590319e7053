//! One file per subcommand; each turns its arguments into a config, calls
//! the library and prints.

pub mod add;
pub mod bench;
pub mod build;
pub mod explain;
pub mod extract;
pub mod lookup;
pub mod merge;
pub mod tag;
pub mod watch;

use std::process::ExitCode;

use crate::cli::{Cli, Command, GazetteerArgs};
use crate::gazetteer::GazetteerConfig;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Lookup(args) => lookup::run(args),
        Command::Tag(args) => tag::run(args),
        Command::Bench(args) => bench::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Add(args) => add::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Extract(args) => extract::run(args),
        Command::Merge(args) => merge::run(args),
    }
}

impl From<&GazetteerArgs> for GazetteerConfig {
    fn from(a: &GazetteerArgs) -> GazetteerConfig {
        GazetteerConfig {
            dir: Some(a.gazetteer_dir.clone()),
            extra: a.gazetteer.clone(),
            cache_dir: if a.no_cache {
                None
            } else {
                crate::gazetteer::cache::default_dir()
            },
        }
    }
}
