//! `eventmap explain ARTICLE`: per sentence, the places and forces found
//! and the rule behind every field, so a user can see why the map says
//! what it says.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::article::{self, Boilerplate};
use crate::cli::ExplainArgs;
use crate::diagnostics::Diagnostics;
use crate::event::{self, Lexicon};
use crate::gazetteer::Gazetteer;

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let config: crate::gazetteer::GazetteerConfig = (&args.gazetteer).into();
    let g = Gazetteer::load(&config).context("loading the gazetteer")?;
    let dir = config.dir.as_deref().filter(|d| d.is_dir());
    let lex = Lexicon::load(dir).context("loading the force word lists")?;
    let mut diag = Diagnostics::default();
    let articles = article::read_articles(
        &[PathBuf::from(&args.article)],
        &Boilerplate::load(dir),
        &mut diag,
    );
    diag.print();
    let Some(a) = articles.into_iter().next() else {
        eprintln!("{}: no article read", args.article.display());
        return Ok(ExitCode::from(1));
    };
    println!(
        "article {}  title {:?}  date {}",
        a.id,
        a.title,
        a.date.as_deref().unwrap_or("-")
    );
    let t = event::tag_article(&g, &lex, a);
    let text = &t.article.text;
    for (n, s) in t.article.sentences.iter().enumerate() {
        let places: Vec<_> = t
            .mentions
            .iter()
            .filter(|m| m.start >= s.start && m.end <= s.end)
            .collect();
        let forces: Vec<_> = t
            .forces
            .iter()
            .filter(|f| f.sentence == (s.start, s.end))
            .collect();
        if places.is_empty() && forces.is_empty() && !args.all {
            continue;
        }
        let tag = if s.boilerplate {
            " [boilerplate: not mapped]"
        } else {
            ""
        };
        println!("\n[{}] {}{tag}", n + 1, &text[s.start..s.end]);
        for m in places {
            let p = g.place(m.place);
            println!(
                "  place  {:?} -> {} [{}] conf {:.2}: {}",
                &text[m.start..m.end],
                p.name,
                p.id,
                m.confidence,
                m.why.describe(p.kind)
            );
        }
        for f in forces {
            println!(
                "  force  {} {} x{} ({:?}) at {}, owner {:?}, {}",
                f.kind.as_str(),
                f.unit,
                f.quantity.map_or("?".to_string(), |q| q.to_string()),
                f.status.as_str(),
                g.place(f.place).name,
                f.actor,
                f.rules.join("; ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
