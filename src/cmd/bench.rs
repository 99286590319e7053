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
    let mb = bytes as f64 / 1e6;
    // Each round tags the whole corpus; the machine is shared, so the
    // median and the best round are reported, not one noisy total.
    let rounds = args.rounds.max(1);
    let mut mentions = 0usize;
    let tag_secs = timed_rounds(rounds, || {
        mentions = texts.iter().map(|t| g.tag(t).len()).sum();
    });
    // The same text through matching alone, to show where the time goes.
    let find_secs = timed_rounds(rounds, || {
        let _ = texts
            .iter()
            .map(|t| g.find(t).mentions.len())
            .sum::<usize>();
    });
    println!(
        "machine             {} cores available; corpus {:.2} MB, {} docs, {rounds} rounds",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        mb,
        texts.len()
    );
    println!(
        "gazetteer load      {:>8.0} ms ({} entries)",
        load.as_secs_f64() * 1e3,
        g.len()
    );
    println!(
        "tagging, one core   {:>8.1} MB/s median, {:.1} MB/s best ({:.0} docs/s median, {mentions} mentions a round)",
        mb / tag_secs.0,
        mb / tag_secs.1,
        texts.len() as f64 / tag_secs.0
    );
    println!(
        "  matching alone    {:>8.1} MB/s median, {:.1} MB/s best",
        mb / find_secs.0,
        mb / find_secs.1
    );
    println!(
        "peak memory (VmHWM) {:>8} MB",
        peak_rss_mb().map_or("?".to_string(), |m| m.to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `f` `rounds` times; returns (median, best) seconds.
fn timed_rounds(rounds: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut secs: Vec<f64> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    secs.sort_by(f64::total_cmp);
    (secs[secs.len() / 2], secs[0])
}

/// Peak resident memory from /proc (Linux); None elsewhere.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}
