//! What the articles report at places: the places each names, the forces
//! each reports, one event per (article, place), and movements.
//!
//! Takes the gazetteer's resolved mentions and the articles' sentences;
//! never looks at raw names or file formats.

pub mod forces;
pub mod lexicon;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use crate::article::Sentence;

use crate::article::Article;
use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind, Resolved};
pub use forces::Force;
pub use lexicon::{EventType, ForceKind, Lexicon, Status};

/// One article with what was read from it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaggedArticle {
    pub article: Article,
    /// Places named outside boilerplate (no demonyms).
    pub mentions: Vec<Resolved>,
    pub forces: Vec<Force>,
}

/// One (article, place) event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub article: usize,
    pub place: PlaceIdx,
    pub event_type: EventType,
    /// Byte span of the first sentence naming the place.
    pub summary: (usize, usize),
    pub forces: usize,
    pub mentions: usize,
}

/// Tags one article: places outside boilerplate, then the forces of every
/// sentence that names a place.
pub fn tag_article(g: &Gazetteer, lex: &Lexicon, article: Article) -> TaggedArticle {
    // Mentions and sentences both come in text order: each sentence's
    // mentions are a slice found by binary search, so a huge article stays linear.
    let mut all = g.tag_with_demonyms(&article.text);
    all.retain(|r| sentence_of(&article.sentences, r.start).is_none_or(|s| !s.boilerplate));
    let mut forces = Vec::new();
    let mut previous_place = None;
    for s in article.sentences.iter().filter(|s| !s.boilerplate) {
        let from = all.partition_point(|m| m.start < s.start);
        let to = all.partition_point(|m| m.start < s.end);
        let here = &all[from..to];
        // Demonyms count: "troops near the Finnish border" names Finland.
        if !here.is_empty() || previous_place.is_some() {
            forces.extend(forces::sentence_forces(
                g,
                lex,
                &article.text,
                (s.start, s.end),
                here,
                previous_place,
            ));
        }
        if let Some(last) = here.iter().rev().find(|m| !m.demonym) {
            previous_place = Some(last.place);
        }
    }
    // The same force told twice in one article ("two more F-35 squadrons to
    // Britain" in the lead and again later) is one force: the first telling,
    // with the strongest status any telling gives.
    let mut merged: Vec<Force> = Vec::new();
    let mut index: HashMap<(PlaceIdx, ForceKind, Option<u64>, String), usize> = HashMap::new();
    for f in forces {
        match index.entry((f.place, f.kind, f.quantity, f.actor.clone())) {
            Entry::Occupied(e) => {
                let m = &mut merged[*e.get()];
                if forces::strength(f.status) > forces::strength(m.status) {
                    m.status = f.status;
                    m.rules
                        .push(format!("status {} from a later telling", f.status.as_str()));
                }
            }
            Entry::Vacant(e) => {
                e.insert(merged.len());
                merged.push(f);
            }
        }
    }
    let forces = merged;
    let mentions = all.into_iter().filter(|m| !m.demonym).collect();
    TaggedArticle {
        article,
        mentions,
        forces,
    }
}

/// The sentence holding byte `at` (sentences are in text order).
fn sentence_of(sentences: &[Sentence], at: usize) -> Option<&Sentence> {
    let i = sentences.partition_point(|s| s.end <= at);
    sentences.get(i).filter(|s| s.start <= at)
}

/// One event per (article, place), typed by the words of the sentences that
/// name the place; in article order, then by place id.
pub fn events(g: &Gazetteer, lex: &Lexicon, tagged: &[TaggedArticle]) -> Vec<Event> {
    let mut out = Vec::new();
    for (ai, t) in tagged.iter().enumerate() {
        let mut places: BTreeMap<&str, Event> = BTreeMap::new();
        // Keyed by sentence span: hashed the Fx way (no iteration order is read).
        let mut sentence_types: rustc_hash::FxHashMap<(usize, usize), EventType> =
            rustc_hash::FxHashMap::default();
        for m in &t.mentions {
            let sentence = sentence_of(&t.article.sentences, m.start)
                .map_or((m.start, m.end), |s| (s.start, s.end));
            let e = places.entry(&g.place(m.place).id).or_insert_with(|| Event {
                article: ai,
                place: m.place,
                event_type: EventType::Other,
                summary: sentence,
                forces: 0,
                mentions: 0,
            });
            e.mentions += 1;
            // Each sentence's event words are read once, however many places it names.
            let ty = *sentence_types.entry(sentence).or_insert_with(|| {
                let lower = t.article.text[sentence.0..sentence.1].to_ascii_lowercase();
                lex.events
                    .find(&lower)
                    .iter()
                    .map(|h| lex.events.value(h))
                    .min()
                    .unwrap_or(EventType::Other)
            });
            e.event_type = e.event_type.min(ty);
        }
        for f in &t.forces {
            if let Some(e) = places.get_mut(g.place(f.place).id.as_str()) {
                e.forces += 1;
                e.event_type = EventType::Deployment;
            }
        }
        out.extend(places.into_values());
    }
    out
}

/// Where a force comes from: "from X" in its sentence, else its owner's
/// country; None for forces that are not on the move or whose origin is
/// the place itself.
pub fn origin(g: &Gazetteer, f: &Force) -> Option<PlaceIdx> {
    if !matches!(
        f.status,
        Status::Deployed | Status::Announced | Status::Planned
    ) {
        return None;
    }
    let o = f.origin.or_else(|| g.country(&f.actor))?;
    let (po, pd) = (g.place(o), g.place(f.place));
    let inside = po.kind == PlaceKind::Country && pd.country == po.country;
    (o != f.place && !inside).then_some(o)
}
