//! `eventmap lookup NAME`: the entries a name may refer to, with coordinates,
//! kind, country, population and score, best first.

use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use crate::cli::LookupArgs;
use crate::gazetteer::Gazetteer;

pub fn run(args: LookupArgs) -> anyhow::Result<ExitCode> {
    let g = Gazetteer::load(&(&args.gazetteer).into()).context("loading the gazetteer")?;
    let found = g.candidates(&args.name);
    if found.is_empty() {
        eprintln!("no gazetteer entry for {:?}", args.name);
        return Ok(ExitCode::from(1));
    }
    if !args.json {
        println!(
            "{:<22} {:<34} {:<9} {:>9} {:>10} {:<3} {:>10} {:>5}",
            "id", "name", "kind", "lat", "lon", "cc", "population", "score"
        );
    }
    for (i, score) in found {
        let p = g.place(i);
        if args.json {
            println!(
                "{}",
                json!({"id": p.id, "name": p.name, "kind": p.kind.as_str(), "lat": p.lat, "lon": p.lon,
                       "country": p.country, "population": p.population, "score": score})
            );
        } else {
            println!(
                "{:<22} {:<34} {:<9} {:>9.4} {:>10.4} {:<3} {:>10} {:>5.2}",
                p.id,
                p.name,
                p.kind.as_str(),
                p.lat,
                p.lon,
                p.country,
                p.population,
                score
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
