//! `eventmap merge PARTS...`: the layers from `extract` output, the same
//! files `build` writes for the same articles in the same order. Needs no
//! gazetteer: the lines carry everything. Error records and lines that are
//! not extract lines are reported with their file and line.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::build;
use crate::cli::MergeArgs;
use crate::diagnostics::Diagnostics;
use crate::export::layers::Rendered;
use crate::export::lock::OutputLock;
use crate::stream::{self, PartLine};

/// The part files named: files as given, folders' files sorted by name
/// (Spark's part-00000, part-00001, ...), leaving out hidden files, `_SUCCESS`
/// and checksums.
fn part_files(paths: &[PathBuf], diag: &mut Diagnostics) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files: Vec<PathBuf> = match std::fs::read_dir(p) {
                Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
                Err(e) => {
                    diag.skip(p, format!("cannot read folder: {e}"));
                    continue;
                }
            };
            files.retain(|f| {
                let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                f.is_file() && !name.starts_with(['.', '_']) && !name.ends_with(".crc")
            });
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn read_part(path: &Path, diag: &mut Diagnostics, all: &mut Vec<(u64, Rendered)>) {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            diag.skip(path, format!("cannot read: {e}"));
            return;
        }
    };
    for (i, line) in std::io::BufReader::new(file).split(b'\n').enumerate() {
        let at = format!("line {}", i + 1);
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                diag.skip(path, format!("{at}: cannot read: {e}"));
                return;
            }
        };
        let Ok(text) = std::str::from_utf8(&line) else {
            diag.skip(path, format!("{at}: not UTF-8"));
            continue;
        };
        match stream::read_part_line(text, path) {
            Ok(PartLine::Article(a)) => {
                // The rows of an article are named by its content.
                let key = crate::incremental::key(0, Path::new(""), &line);
                all.push((key, *a));
            }
            Ok(PartLine::Error { line, error }) => diag.skip(
                path,
                format!("{at}: extract could not read its input line {line}: {error}"),
            ),
            Ok(PartLine::Blank) => {}
            Err(e) => diag.skip(path, format!("{at}: {e}")),
        }
    }
}

pub fn run(args: MergeArgs) -> anyhow::Result<ExitCode> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("{}: cannot create output folder", args.out.display()))?;
    let mut diag = Diagnostics::default();
    let (_lock, note) = OutputLock::acquire(&args.out)?;
    if let Some(note) = note {
        diag.warn(&args.out, note);
    }
    let mut all = Vec::new();
    for path in part_files(&args.parts, &mut diag) {
        read_part(&path, &mut diag, &mut all);
    }
    let kept = crate::article::drop_duplicate_ids(
        all,
        |(_, a): &(u64, Rendered)| (a.id.as_str(), a.path.as_path()),
        &mut diag,
    );
    let kept: Vec<(u64, &Rendered)> = kept.iter().map(|(k, a)| (*k, a)).collect();
    let (places, forces, events) = build::write_layers(
        &mut crate::export::Outputs::open(&args.out, false),
        &kept,
        &mut diag,
    )?;
    if !args.quiet {
        diag.print();
        eprintln!(
            "{} articles, {} skipped, {places} places, {forces} forces, {events} events",
            kept.len(),
            diag.skipped()
        );
    }
    if args.strict && !diag.warnings.is_empty() {
        eprintln!("error: --strict: {} warning(s)", diag.warnings.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
