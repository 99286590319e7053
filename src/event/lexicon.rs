//! The word lists the event builder reads (`gazetteer/forces.csv`,
//! `status_words.csv`, `event_words.csv`), each matched in one automaton
//! pass over the lower-cased sentence.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use serde::Serialize;

/// What a force is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ForceKind {
    Troops,
    Warships,
    Aircraft,
    AirDefence,
    Missiles,
    Armour,
    Artillery,
    Headquarters,
    Other,
}

/// Where a force stands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Present,
    Deployed,
    Announced,
    Planned,
    Requested,
    Withdrawn,
}

/// What an article reports happening at a place.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Deployment,
    Attack,
    Exercise,
    Meeting,
    Statement,
    Other,
}

macro_rules! names {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<$t> {
                match s.trim() { $($s => Some(<$t>::$v),)* _ => None }
            }
        }
    };
}

names!(ForceKind { Troops => "troops", Warships => "warships", Aircraft => "aircraft", AirDefence => "air_defence",
    Missiles => "missiles", Armour => "armour", Artillery => "artillery", Headquarters => "headquarters", Other => "other" });
names!(Status { Present => "present", Deployed => "deployed", Announced => "announced", Planned => "planned",
    Requested => "requested", Withdrawn => "withdrawn" });
names!(EventType { Deployment => "deployment", Attack => "attack", Exercise => "exercise", Meeting => "meeting",
    Statement => "statement", Other => "other" });

/// A bad row in one of the lexicon files.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {problem}")]
pub struct LexiconError {
    pub file: String,
    pub line: usize,
    pub problem: String,
}

/// One word list: the terms (lower-case) and what each means.
pub struct WordList<T> {
    /// A DFA over the terms: the lists are small, so it stays in cache and
    /// reads a byte per step without the double array's lookups.
    automaton: Option<AhoCorasick>,
    /// (lower-case term, value, the term as listed is capitalised: "Patriot").
    pub terms: Vec<(String, T)>,
    pub capitalised: Vec<bool>,
}

/// A term found in a sentence: byte span and index into `terms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub term: usize,
}

impl<T: Copy> WordList<T> {
    fn parse(
        file: &str,
        text: &str,
        value: impl Fn(&[&str]) -> Option<T>,
    ) -> Result<WordList<T>, LexiconError> {
        let mut terms = Vec::new();
        let mut capitalised = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let l = line.trim();
            if l.is_empty() || l.starts_with('#') || n == 0 {
                continue;
            }
            let fields: Vec<&str> = l.split(',').map(str::trim).collect();
            let v = value(&fields).ok_or_else(|| LexiconError {
                file: file.to_string(),
                line: n + 1,
                problem: format!("cannot read row {l:?}"),
            })?;
            if fields[0].is_empty() {
                return Err(LexiconError {
                    file: file.to_string(),
                    line: n + 1,
                    problem: "empty term".into(),
                });
            }
            capitalised.push(fields[0].starts_with(|c: char| c.is_uppercase()));
            terms.push((fields[0].to_ascii_lowercase(), v));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some((t, _)) = terms.iter().find(|(t, _)| !seen.insert(t.as_str())) {
            return Err(LexiconError {
                file: file.to_string(),
                line: 0,
                problem: format!("term {t:?} is listed twice"),
            });
        }
        let automaton = if terms.is_empty() {
            None
        } else {
            let built = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(AhoCorasickKind::DFA))
                .build(terms.iter().map(|(t, _)| t.as_bytes()))
                .map_err(|e| LexiconError {
                    file: file.to_string(),
                    line: 0,
                    problem: format!("the terms cannot be indexed: {e}"),
                })?;
            Some(built)
        };
        Ok(WordList {
            automaton,
            terms,
            capitalised,
        })
    }

    /// Terms in `lower` (an ASCII-lower-cased text, same offsets as the
    /// original) on word boundaries, leftmost-longest.
    pub fn find(&self, lower: &str) -> Vec<Hit> {
        let Some(a) = &self.automaton else {
            return Vec::new();
        };
        let b = lower.as_bytes();
        let word = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
        a.find_iter(b)
            .filter(|m| {
                let glued_left = m.start() > 0 && word(m.start() - 1);
                !glued_left && !word(m.end())
            })
            .map(|m| Hit {
                start: m.start(),
                end: m.end(),
                term: m.pattern().as_usize(),
            })
            .collect()
    }

    pub fn value(&self, hit: &Hit) -> T {
        self.terms[hit.term].1
    }

    /// The same list with each value mapped.
    fn map<U: Copy>(self, f: impl Fn(T) -> U) -> WordList<U> {
        WordList {
            automaton: self.automaton,
            terms: self.terms.into_iter().map(|(t, v)| (t, f(v))).collect(),
            capitalised: self.capitalised,
        }
    }
}

/// What a context word says about its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContextRole {
    /// The sentence is military: ambiguous force words in it are forces.
    Military,
    /// The sentence is about trade or civil life: no force is read from it.
    NotForce,
}

/// Force words with their kind.
pub struct Lexicon {
    pub forces: WordList<ForceKind>,
    /// Per force term: a force only in a military sentence ("ships").
    pub needs_context: Vec<bool>,
    pub context: WordList<ContextRole>,
    pub status: WordList<Status>,
    pub events: WordList<EventType>,
    /// Hash of the lists' texts, for caches of results read with them.
    pub fingerprint: u64,
}

/// A list's file name for messages and its text: `dir/name` when that file
/// exists, else the built-in copy.
fn read_list(dir: Option<&Path>, name: &str, builtin: &'static str) -> (String, String) {
    match dir.map(|d| d.join(name)).filter(|p| p.is_file()) {
        Some(p) => match std::fs::read_to_string(&p) {
            Ok(t) => (p.display().to_string(), t),
            Err(_) => (format!("<built-in>/gazetteer/{name}"), builtin.to_string()),
        },
        None => (format!("<built-in>/gazetteer/{name}"), builtin.to_string()),
    }
}

const FORCES: &str = include_str!("../../gazetteer/forces.csv");
const STATUS: &str = include_str!("../../gazetteer/status_words.csv");
const EVENTS: &str = include_str!("../../gazetteer/event_words.csv");
const CONTEXT: &str = include_str!("../../gazetteer/force_context.csv");

impl Lexicon {
    /// The built-in lists, each overridden by the same file name in `dir`.
    pub fn load(dir: Option<&Path>) -> Result<Lexicon, LexiconError> {
        let fingerprint = std::cell::RefCell::new(rustc_hash::FxHasher::default());
        let read = |name: &str, builtin: &'static str| -> (String, String) {
            let (f, t) = read_list(dir, name, builtin);
            std::hash::Hash::hash(&t, &mut *fingerprint.borrow_mut());
            (f, t)
        };
        let (f, t) = read("forces.csv", FORCES);
        let forces = WordList::parse(&f, &t, |r| {
            let kind = r.get(1).and_then(|k| ForceKind::parse(k))?;
            let needs = match r.get(3).map(|v| v.trim()) {
                None | Some("" | "no") => false,
                Some("yes") => true,
                Some(_) => return None,
            };
            Some((kind, needs))
        })?;
        let needs_context = forces.terms.iter().map(|(_, (_, n))| *n).collect();
        let forces = forces.map(|(k, _)| k);
        let (f, t) = read("force_context.csv", CONTEXT);
        let context = WordList::parse(&f, &t, |r| match r.get(1).map(|v| v.trim()) {
            Some("military") => Some(ContextRole::Military),
            Some("not_force") => Some(ContextRole::NotForce),
            _ => None,
        })?;
        let (f, t) = read("status_words.csv", STATUS);
        let status = WordList::parse(&f, &t, |r| r.get(1).and_then(|k| Status::parse(k)))?;
        let (f, t) = read("event_words.csv", EVENTS);
        let events = WordList::parse(&f, &t, |r| r.get(1).and_then(|k| EventType::parse(k)))?;
        let fingerprint = std::hash::Hasher::finish(&fingerprint.into_inner());
        Ok(Lexicon {
            forces,
            needs_context,
            context,
            status,
            events,
            fingerprint,
        })
    }
}
