//! `eventmap bench`: gazetteer load time, tagging throughput on one core and
//! peak memory, for the README's figures. Not a test: nothing is asserted.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::cli::BenchArgs;
use crate::gazetteer::Gazetteer;

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let t = Instant::now();
    let g = Gazetteer::load(&(&args.gazetteer).into()).context("loading the gazetteer")?;
    let load = t.elapsed();
    let mut texts = Vec::new();
    let file = std::fs::File::open(&args.corpus)
        .with_context(|| format!("{}: cannot open", args.corpus.display()))?;
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line =
            line.with_context(|| format!("{}:{}: cannot read", args.corpus.display(), n + 1))?;
        match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(v) => {
                if let Some(text) = v.get("text").and_then(|t| t.as_str()) {
                    texts.push(text.to_string());
                }
            }
            Err(_) => texts.push(line),
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let t = Instant::now();
    let mut mentions = 0usize;
    let mut rounds = 0usize;
    while rounds < args.rounds.max(1) {
        for text in &texts {
            mentions += g.tag(text).len();
        }
        rounds += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    println!(
        "gazetteer load      {:>8.0} ms ({} entries)",
        load.as_secs_f64() * 1e3,
        g.places().len()
    );
    println!(
        "tagging, one core   {:>8.1} MB/s ({:.1} MB in {:.2} s, {} docs/s, {} mentions)",
        mb / secs,
        mb,
        secs,
        ((texts.len() * rounds) as f64 / secs) as u64,
        mentions
    );
    println!(
        "peak memory (VmHWM) {:>8} MB",
        peak_rss_mb().map_or("?".to_string(), |m| m.to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// Peak resident memory from /proc (Linux); None elsewhere.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
