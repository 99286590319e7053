//! `eventmap extract --jsonl`: article records in, one JSON line per
//! article out (`stream`), in input order. Lines are read in batches (a
//! batch is what has arrived, up to a bound) and tagged on every core
//! (`pipeline`), so memory stays flat however long the input; every output
//! line is flushed as soon as it and all lines before it are done, and a bad
//! input line gives an error record (and a message on stderr) without
//! stopping the run.

use std::io::{BufReader, BufWriter, Read, Write};
use std::process::ExitCode;

use anyhow::Context;

use crate::article::Boilerplate;
use crate::cli::ExtractArgs;
use crate::event::Lexicon;
use crate::gazetteer::{Gazetteer, GazetteerConfig};
use crate::stream;

/// A batch ends after this many lines or bytes, whichever comes first.
const BATCH_LINES: usize = 256;
const BATCH_BYTES: usize = 16 << 20;

pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let config: GazetteerConfig = (&args.gazetteer).into();
    let g = Gazetteer::load(&config).context("loading the gazetteer")?;
    let dir = config.dir.as_deref().filter(|d| d.is_dir());
    let lex = Lexicon::load(dir).context("loading the force word lists")?;
    let boilerplate = Boilerplate::load(dir);
    let source: Box<dyn Read + Send> = match &args.file {
        Some(p) => Box::new(
            std::fs::File::open(p).with_context(|| format!("{}: cannot open", p.display()))?,
        ),
        None => Box::new(std::io::stdin()),
    };
    let mut input = BufReader::with_capacity(1 << 20, source);
    let mut out = BufWriter::new(std::io::stdout());
    let (mut n, mut bad) = (0usize, 0usize);
    let read = || {
        crate::pipeline::read_lines(&mut input, &mut n, BATCH_LINES, BATCH_BYTES)
            .context("reading the input")
    };
    let work = |(n, line): (usize, Vec<u8>)| {
        // Checked sixteen bytes and more at a time; the error reads as std's.
        let r = match simdutf8::compat::from_utf8(&line) {
            // A bug met on one record costs that record, not the run.
            Ok(text) => {
                std::panic::catch_unwind(|| stream::extract_line(&g, &lex, &boilerplate, text, n))
                    .unwrap_or_else(|_| {
                        Err("internal error (a bug: please report this record)".into())
                    })
            }
            Err(e) => Err(format!("not UTF-8: {e}")),
        };
        (n, r)
    };
    let write = |results: Vec<(usize, stream::Extracted)>| -> anyhow::Result<()> {
        for (n, r) in results {
            match r {
                Ok(None) => continue,
                Ok(Some(line)) => {
                    out.write_all(&line)?;
                    out.write_all(b"\n")?;
                }
                Err(e) => {
                    bad += 1;
                    eprintln!("line {n}: {e}");
                    writeln!(out, "{}", stream::error_line(n, &e))?;
                }
            }
        }
        // `results` are the lines done so far, in order, none held back for
        // a later one: flushed together, one write for them all, not one
        // each (a wake-up per line for whatever reads a pipe).
        out.flush()?;
        Ok(())
    };
    crate::pipeline::run(read, work, write)?;
    if bad > 0 {
        eprintln!("{bad} of {n} input line(s) could not be read; each has an error record");
    }
    Ok(ExitCode::SUCCESS)
}
