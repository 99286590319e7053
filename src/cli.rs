//! Command-line arguments. Only parsing: each subcommand's options are turned
//! into a plain config in `cmd/<name>.rs` before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "eventmap",
    version,
    about = "Turn news articles into map layers (GeoJSON) of places and forces"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the layers in --out from the articles.
    Build(BuildArgs),
    /// Show the gazetteer entries a name may refer to, best first.
    Lookup(LookupArgs),
    /// Print each place mention in a text, with offsets, the chosen place and why.
    Tag(TagArgs),
    /// Copy article files into the articles folder and rebuild.
    Add(AddArgs),
    /// Rebuild whenever an article is added, changed or removed.
    Watch(WatchArgs),
    /// Show, sentence by sentence, the places and forces read from an article and why.
    Explain(ExplainArgs),
    /// Measure gazetteer load time, tagging throughput (one core) and peak memory.
    Bench(BenchArgs),
    /// Read article records (JSON lines) and write, per article, one JSON line with
    /// its places, forces, events and movements (for `merge`, e.g. on Spark).
    Extract(ExtractArgs),
    /// Build the layers from `extract` output, as `build` would from the articles.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Read JSON lines {"id","title","date","source","url","text"} (the only input form).
    #[arg(long, required = true)]
    pub jsonl: bool,
    /// Input file (standard input when absent).
    pub file: Option<PathBuf>,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// `extract` output: files, or folders of them (e.g. Spark's part-* files).
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output folder for the layers.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Exit non-zero (1) when there was any warning or error record.
    #[arg(long)]
    pub strict: bool,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Where the gazetteer comes from (shared by every subcommand).
#[derive(Debug, Args, Clone)]
pub struct GazetteerArgs {
    /// Folder whose files override the built-in gazetteer; its extra *.csv files add entries.
    #[arg(long, default_value = "gazetteer", value_name = "DIR")]
    pub gazetteer_dir: PathBuf,
    /// Extra gazetteer CSV (id,name,kind,lat,lon,country,aliases,source); repeatable.
    #[arg(long = "gazetteer", value_name = "FILE")]
    pub gazetteer: Vec<PathBuf>,
    /// Do not read or write the gazetteer image cache (~/.cache/eventmap, or $EVENTMAP_CACHE_DIR).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Article files or folders (folders: *.txt, *.md).
    #[arg(long, value_name = "PATH", num_args = 1.., default_value = "seeds")]
    pub articles: Vec<PathBuf>,
    /// Output folder for the layers.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// Exit non-zero (1) when there was any warning or skipped input.
    #[arg(long)]
    pub strict: bool,
    /// Ignore the per-article cache in OUT/.eventmap and read every article
    /// again; the GeoPackage is written anew rather than updated.
    #[arg(long)]
    pub clean: bool,
    /// Print nothing but errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print, per article, what was read from it.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct LookupArgs {
    /// The place name to look up.
    pub name: String,
    /// Print JSON lines instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Text file to tag (standard input when absent).
    pub file: Option<PathBuf>,
    /// Read JSON lines {"id","text",...} and write {"id","toponyms":[...]} lines
    /// with Unicode code-point offsets.
    #[arg(long)]
    pub jsonl: bool,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Text to tag: JSON lines with a "text" field, or plain lines.
    #[arg(
        long,
        default_value = "../shared/corpora/geowebnews.jsonl",
        value_name = "FILE"
    )]
    pub corpus: std::path::PathBuf,
    /// How many times to tag the whole corpus.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The article file (text, .json or .jsonl: the first record).
    pub article: PathBuf,
    /// Show every sentence, also those with no place or force.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Article files to add.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The articles folder to copy them into.
    #[arg(long, default_value = "seeds", value_name = "DIR")]
    pub to: PathBuf,
    /// Output folder for the layers.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Article files or folders to watch.
    #[arg(long, value_name = "PATH", num_args = 1.., default_value = "seeds")]
    pub articles: Vec<PathBuf>,
    /// Output folder for the layers.
    #[arg(long, default_value = "output", value_name = "DIR")]
    pub out: PathBuf,
    /// How often to look for changes, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub interval_ms: u64,
    /// Stop after this many builds (for scripts and tests).
    #[arg(long, hide = true)]
    pub max_builds: Option<usize>,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}
