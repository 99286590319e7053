//! Forces: who has how many of what, where, and whether they are there.
//!
//! Each field comes from one small named rule over one sentence, and the
//! rule's name is kept (`Force::rules`) for `eventmap explain`:
//! - kind/unit: a term of `gazetteer/forces.csv` (adjacent terms join:
//!   "F-35 squadrons", "squadrons of F-35 fighter jets");
//! - quantity: the number just before the unit, skipping adjectives
//!   ("two more", "50,000", "4,000-strong", "more than 100,000"; "from four
//!   to six" gives 6 with the sentence's status and 4 present);
//! - actor: a demonym or country right before the unit ("British troops"),
//!   else the sentence's subject (a country or capital not after a
//!   preposition: "Denmark is sending", "Madrid is contemplating"), else
//!   NATO when the sentence names it;
//! - place: the place after a locative preposition following the unit
//!   ("to Lithuania", "in Estonia"), with places listed beside it, else one
//!   before it, else "there" (the previous sentence's place), never the
//!   actor's own mention;
//! - status: the status word nearest before the unit, else after it.

use serde::Serialize;

use super::lexicon::{ContextRole, ForceKind, Hit, Lexicon, Status};
use crate::gazetteer::{Gazetteer, PlaceIdx, PlaceKind, Resolved};

/// A force reported at a place.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Force {
    pub place: PlaceIdx,
    pub actor: String,
    pub kind: ForceKind,
    pub quantity: Option<u64>,
    pub unit: String,
    pub status: Status,
    /// Byte span of the unit words in the article text.
    pub start: usize,
    pub end: usize,
    /// Byte span of the sentence.
    pub sentence: (usize, usize),
    /// Where it comes from, when the text says ("from Germany").
    pub origin: Option<PlaceIdx>,
    /// The rules that set each field, for `explain`.
    pub rules: Vec<String>,
}

/// Words that may stand between a number and its unit.
const FILLERS: &[&str] = &[
    "more",
    "additional",
    "new",
    "extra",
    "further",
    "some",
    "about",
    "around",
    "nearly",
    "almost",
    "over",
    "than",
    "roughly",
    "approximately",
    "another",
    "of",
    "its",
    "their",
    "his",
    "our",
    "the",
    "a",
    "an",
    "up",
    "to",
    "least",
    "at",
    "total",
    "all",
    "permanent",
    "rotating",
    "rotational",
    "allied",
    "combat",
    "elite",
    "modern",
    "advanced",
    "forward",
    "army",
    "naval",
    "military",
    "ground",
    "air",
    "surface-to-air",
    "long-range",
    "short-range",
    "strong",
    "active",
    "reserve",
    "fresh",
    "battle-ready",
    "heavy",
    "light",
];

const NUMBER_WORDS: &[(&str, u64)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("dozen", 12),
    ("hundred", 100),
    ("thousand", 1000),
    ("million", 1_000_000),
    ("a", 1),
    ("an", 1),
    ("single", 1),
    ("pair", 2),
];

/// Words for "many, uncounted": the quantity is null.
const VAGUE: &[&str] = &[
    "tens",
    "hundreds",
    "thousands",
    "dozens",
    "several",
    "many",
    "numerous",
    "scores",
    "millions",
];

/// Prepositions that put a force at the place after them.
const LOCATIVE: &[&str] = &[
    "to",
    "in",
    "at",
    "into",
    "across",
    "for",
    "near",
    "on",
    "throughout",
    "towards",
    "toward",
    "inside",
    "within",
    "around",
    "along",
    "over",
    "off",
    "between",
];

/// A number as written: digits with thousands separators ("50,000",
/// "1.650"), or a number word.
pub fn parse_number(word: &str) -> Option<u64> {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    if w.is_empty() {
        return None;
    }
    if w.bytes()
        .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
        && w.as_bytes()[0].is_ascii_digit()
    {
        let groups: Vec<&str> = w.split([',', '.']).collect();
        let thousands = groups.len() > 1 && groups[1..].iter().all(|g| g.len() == 3);
        if thousands {
            return groups.concat().parse().ok();
        }
        return groups[0].parse().ok();
    }
    let lower = w.to_ascii_lowercase();
    if let Some(num) = lower.strip_suffix('k').and_then(|n| n.parse::<u64>().ok()) {
        return Some(num * 1000);
    }
    NUMBER_WORDS
        .iter()
        .find(|(n, _)| *n == lower)
        .map(|(_, v)| *v)
}

/// Words of `text[..end]`, last first, with their byte spans.
fn words_before(text: &str, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = end;
    let b = text.as_bytes();
    while i > 0 {
        while i > 0 && !is_word_byte(b[i - 1]) && !in_number(b, i - 1) {
            // A stop ends the sentence, unless it closes an initial ("U.S.").
            let initial = b[i - 1] == b'.' && i >= 2 && b[i - 2].is_ascii_uppercase();
            if matches!(b[i - 1], b'.' | b';' | b'!' | b'?') && !initial {
                return out;
            }
            i -= 1;
        }
        let e = i;
        while i > 0 && (is_word_byte(b[i - 1]) || in_number(b, i - 1)) {
            i -= 1;
        }
        if e > i {
            out.push((i, e));
        }
        if out.len() >= 8 {
            break;
        }
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b',' || b == b'-' || b >= 0x80
}

/// A full stop between digits ("1.500") belongs to the number.
fn in_number(b: &[u8], i: usize) -> bool {
    b[i] == b'.'
        && i > 0
        && b[i - 1].is_ascii_digit()
        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
}

/// The quantity before a unit at `start`, with the rule that read it.
/// Returns (quantity, range low end, rule).
pub fn quantity(
    g: &Gazetteer,
    text: &str,
    start: usize,
) -> (Option<u64>, Option<u64>, &'static str) {
    let words = words_before(text, start);
    let mut seen_filler = 0;
    for (k, &(s, e)) in words.iter().enumerate() {
        let raw = text[s..e].trim_matches(',');
        let w = raw.to_lowercase();
        if VAGUE.contains(&w.as_str()) {
            return (None, None, "vague amount (no number)");
        }
        // "4,000-strong"
        let head = w.strip_suffix("-strong").unwrap_or(&w);
        if let Some(mut n) = parse_number(head) {
            // "50 thousand", "two hundred"
            if let Some(&(ps, pe)) = words.get(k + 1)
                && let Some(p) = parse_number(&text[ps..pe])
                && n >= 100
                && p < n
            {
                n *= p;
            }
            // "from four to six" / "four to six": the upper end, and the lower.
            let prev = |i: usize| words.get(i).map(|&(a, b)| text[a..b].to_lowercase());
            if prev(k + 1).as_deref() == Some("to")
                && let Some(low) = prev(k + 2).as_deref().and_then(parse_number)
            {
                return (Some(n), Some(low), "range \"from X to Y\"");
            }
            if (w == "a" || w == "an") && seen_filler == 0 && k == 0 {
                return (Some(1), None, "article \"a\"");
            }
            if w == "a" || w == "an" {
                continue;
            }
            return (Some(n), None, "number before the unit");
        }
        let adjective = g.demonym(raw).is_some()
            || FILLERS.contains(&w.as_str())
            || raw.chars().next().is_some_and(char::is_uppercase) && k < 3
            || w.ends_with("-based")
            || w.ends_with("-strong");
        if !adjective {
            break;
        }
        seen_filler += 1;
    }
    (None, None, "no number")
}

/// "from four to six" within the few words after a unit ("warships
/// stationed there from four to six"): (upper, lower).
fn range_after(rest: &str) -> Option<(u64, u64)> {
    let words: Vec<&str> = rest
        .split_whitespace()
        .take(8)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != ','))
        .collect();
    words.windows(4).find_map(|w| {
        (w[0].eq_ignore_ascii_case("from") && w[2].eq_ignore_ascii_case("to"))
            .then(|| Some((parse_number(w[3])?, parse_number(w[1])?)))
            .flatten()
    })
}

/// The locative preposition before a place, skipping determiners ("to the
/// United Kingdom"); "closer to" and "close to" say where a thing is not.
fn preposition_before(text: &str, start: usize) -> Option<String> {
    let words = words_before(text, start);
    let mut k = 0;
    while let Some(&(a, b)) = words.get(k) {
        let w = text[a..b].to_lowercase();
        if matches!(
            w.as_str(),
            "the" | "its" | "their" | "his" | "her" | "our" | "a" | "an"
        ) {
            k += 1;
            continue;
        }
        let before = words.get(k + 1).map(|&(a, b)| text[a..b].to_lowercase());
        // "on its border with Ukraine"
        if w == "with" && matches!(before.as_deref(), Some("border" | "borders" | "frontier")) {
            return Some(w);
        }
        if !LOCATIVE.contains(&w.as_str()) {
            return None;
        }
        if w == "to"
            && matches!(
                before.as_deref(),
                Some(
                    "closer"
                        | "close"
                        | "closest"
                        | "nearest"
                        | "next"
                        | "due"
                        | "according"
                        | "threat"
                )
            )
        {
            return None;
        }
        return Some(w);
    }
    None
}

/// "near the Ukrainian borders" right after a unit (same clause): the
/// country of the demonym.
fn border_of(
    g: &Gazetteer,
    text: &str,
    from: usize,
    to: usize,
    mentions: &[Resolved],
) -> Option<PlaceIdx> {
    let m = mentions
        .iter()
        .find(|m| m.demonym && m.start >= from && m.end <= to)?;
    if text[from..m.start].contains([',', ';', '—', '('])
        || preposition_before(text, m.start).is_none()
    {
        return None;
    }
    let next = text[m.end..]
        .split_whitespace()
        .next()?
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if !matches!(
        next.as_str(),
        "border" | "borders" | "frontier" | "frontiers"
    ) {
        return None;
    }
    g.country(&g.place(m.place).country)
}

/// Whether a place opens its sentence after a preposition ("In Poland, ...").
fn fronted(text: &str, sentence_start: usize, place_start: usize) -> bool {
    let lead: Vec<String> = text[sentence_start..place_start]
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    match lead.as_slice() {
        [p] => LOCATIVE.contains(&p.as_str()),
        [p, d] => LOCATIVE.contains(&p.as_str()) && matches!(d.as_str(), "the" | "all" | "both"),
        _ => false,
    }
}

/// Whether the words between two places make them one list ("Poland,
/// Romania and the Baltic states").
fn is_list_gap(gap: &str) -> bool {
    let words: Vec<String> = gap
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words
        .iter()
        .all(|w| matches!(w.as_str(), "and" | "or" | "the" | "as" | "well"))
        && !gap.contains([';', '.', ':'])
}

/// Status words by strength: when several come before a unit, a request
/// outranks an announcement, which outranks a plan, and so on.
pub fn strength(s: Status) -> u8 {
    match s {
        Status::Requested => 6,
        Status::Announced => 5,
        Status::Planned => 4,
        Status::Withdrawn => 3,
        Status::Deployed => 2,
        Status::Present => 1,
    }
}

/// Who owns a force: a demonym, country or NATO right before the unit.
fn actor_before(g: &Gazetteer, text: &str, start: usize, mentions: &[Resolved]) -> Option<String> {
    for &(s, e) in words_before(text, start).iter().take(4) {
        let w = text[s..e].trim_matches(|c: char| !c.is_alphanumeric() && c != '.');
        let w = w.trim_end_matches("'s").trim_end_matches("’s");
        if w == "NATO" || w == "NATO’s" || w == "Nato" {
            return Some("NATO".into());
        }
        if let Some(m) = mentions
            .iter()
            .find(|m| m.start >= s && m.end <= e + 3 && m.start < e)
        {
            let p = g.place(m.place);
            if m.demonym || p.kind == PlaceKind::Country {
                return Some(p.country.clone()).filter(|c| !c.is_empty());
            }
        }
        // Only adjectives and numbers may stand between owner and unit
        // ("American warships", "two more British F-35s"), not a verb.
        let lower = w.to_lowercase();
        let between = FILLERS.contains(&lower.as_str())
            || parse_number(w).is_some()
            || lower.ends_with("-strong")
            || lower.ends_with("-based")
            || w.chars().next().is_some_and(char::is_uppercase);
        if !between {
            return None;
        }
    }
    None
}

/// The sentence's subject: the first country (or a capital standing for it)
/// before the unit that does not follow a preposition.
/// Every mention of the sentence that can be a subject, in text order, as
/// (mention index, end, country); a unit's subject is the first one that
/// ends before it.
fn subjects(
    g: &Gazetteer,
    text: &str,
    sentence: (usize, usize),
    mentions: &[Resolved],
) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    // Places listed after a preposition ("In Poland, Romania and ...")
    // share it: none of them is a subject.
    let mut in_phrase = false;
    let mut prev_end: Option<usize> = None;
    for (i, m) in mentions.iter().enumerate() {
        if m.demonym || m.start < sentence.0 || m.end > sentence.1 {
            continue;
        }
        let after_prep = words_before(text, m.start).first().is_some_and(|&(a, b)| {
            let w = text[a..b].to_lowercase();
            LOCATIVE.contains(&w.as_str()) || matches!(w.as_str(), "from" | "of" | "with" | "by")
        }) || preposition_before(text, m.start).is_some();
        in_phrase =
            after_prep || (in_phrase && prev_end.is_some_and(|e| is_list_gap(&text[e..m.start])));
        prev_end = Some(m.end);
        let p = g.place(m.place);
        // A dateline ("TALLINN, Jan 24 -") says where the story was filed.
        let surface = &text[m.start..m.end];
        let after = text[m.end..].trim_start_matches(' ');
        let dateline = surface.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !surface.chars().any(char::is_lowercase)
            && !surface.contains('.')
            && after.starts_with([',', '-', '—', '–', '(']);
        if !in_phrase
            && !dateline
            && (p.kind == PlaceKind::Country || p.is_capital())
            && !p.country.is_empty()
        {
            out.push((i, m.end, p.country.clone()));
        }
    }
    out
}

/// Forces reported in one sentence. `mentions` are the article's mentions
/// (demonyms included), `previous_place` the last place of the sentences before.
pub fn sentence_forces(
    g: &Gazetteer,
    lex: &Lexicon,
    text: &str,
    sentence: (usize, usize),
    mentions: &[Resolved],
    previous_place: Option<PlaceIdx>,
) -> Vec<Force> {
    let (s0, s1) = sentence;
    let body = &text[s0..s1];
    let lower = body.to_ascii_lowercase();
    let hits = lex.forces.find(&lower);
    // Every force comes from a force word: most sentences of most news have
    // none, and need nothing else read.
    if hits.is_empty() {
        return Vec::new();
    }
    let places: Vec<(usize, &Resolved)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| !m.demonym && m.start >= s0 && m.end <= s1)
        .collect();
    let groups = group_hits(body, &hits);
    let status_hits = lex.status.find(&lower);
    // Per sentence, not per unit: who can be a subject, which places follow
    // a preposition, and the "from X" origin.
    let subjects = subjects(g, text, sentence, mentions);
    let locative_at: std::collections::HashSet<usize> = places
        .iter()
        .filter(|(_, m)| preposition_before(text, m.start).is_some())
        .map(|(_, m)| m.start)
        .collect();
    let origin_place = places.iter().find(|(_, m)| {
        words_before(text, m.start)
            .first()
            .is_some_and(|&(a, b)| text[a..b].eq_ignore_ascii_case("from"))
    });
    let context_hits = lex.context.find(&lower);
    // A military sentence: a military word, or any force word that is a
    // force in every sentence ("troops", "destroyers", "air defences").
    let military = context_hits
        .iter()
        .any(|h| lex.context.value(h) == ContextRole::Military)
        || hits.iter().any(|h| !lex.needs_context[h.term]);
    let mut out = Vec::new();
    for group in groups {
        let mut group = group;
        let head = group.2;
        let mut kind = lex.forces.value(&head);
        // "anti-missile systems", "anti -aircraft defence": air defence.
        let lead = &body[..group.0];
        if let Some(p) = ["anti-", "anti -", "anti- "]
            .iter()
            .find(|p| lead.to_ascii_lowercase().ends_with(*p))
        {
            group.0 -= p.len();
            kind = ForceKind::AirDefence;
        }
        let (gs, ge) = (s0 + group.0, s0 + group.1);
        let unit = text[gs..ge].to_string();
        let before = &body[..group.0];
        let prev_word = before
            .trim_end()
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default();
        let next_word = body[group.1..]
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        // "Air Force", "task force", "anti-ship", "force posture": names and
        // compounds, not forces.
        if before.ends_with('-')
            || (matches!(unit.to_lowercase().as_str(), "force" | "forces")
                && matches!(
                    next_word.as_str(),
                    "posture" | "structure" | "protection" | "levels" | "majeure"
                ))
            || (matches!(unit.to_lowercase().as_str(), "force" | "forces")
                && (prev_word.chars().next().is_some_and(char::is_uppercase)
                    && !before.trim_end().ends_with(['.', ','])
                    || matches!(
                        prev_word.to_lowercase().as_str(),
                        "task" | "armed" | "air" | "police" | "security"
                    )))
        {
            continue;
        }
        // A capitalised common word mid-sentence is part of a name
        // ("Integrated Anti-aircraft Defense" conference), not a force.
        let term = &lex.forces.terms[head.term].0;
        let sentence_start = body[..group.0].trim().is_empty();
        if !sentence_start
            && unit.chars().next().is_some_and(char::is_uppercase)
            && !lex.forces.capitalised[head.term]
            && !unit.chars().take(3).all(|c| c.is_uppercase())
        {
            continue;
        }
        // "ships", "fighters", "headquarters" are forces only in a military sentence.
        if lex.needs_context[head.term] && !military {
            continue;
        }
        // "force oil companies to comply", "to force": the verb.
        let prev_lower = prev_word.to_lowercase();
        if matches!(term.as_str(), "force" | "forces")
            && (matches!(
                prev_lower.as_str(),
                "to" | "will" | "would" | "can" | "could" | "may" | "might" | "must" | "not"
            ) || matches!(
                next_word.as_str(),
                "the"
                    | "a"
                    | "an"
                    | "them"
                    | "him"
                    | "her"
                    | "us"
                    | "it"
                    | "their"
                    | "its"
                    | "oil"
                    | "people"
            ))
        {
            continue;
        }
        // Trade, not deployment: "approved the sale of 40 tanks to Poland".
        let clause_from = body[..group.0].rfind([',', ';']).map_or(0, |i| i + 1);
        if context_hits.iter().any(|h| {
            lex.context.value(h) == ContextRole::NotForce
                && h.start >= clause_from
                && h.end <= group.0
        }) {
            continue;
        }
        let mut rules = vec![format!("kind {} from the term {:?}", kind.as_str(), term)];
        let (quantity, low, qrule) = if kind == ForceKind::Headquarters {
            (None, None, "headquarters counted as one place")
        } else {
            match quantity(g, text, gs) {
                (None, None, r) if r == "no number" => range_after(&body[group.1..])
                    .map_or((None, None, r), |(hi, lo)| {
                        (Some(hi), Some(lo), "range \"from X to Y\" after the unit")
                    }),
                q => q,
            }
        };
        rules.push(format!("quantity: {qrule}"));

        // Actor.
        let subj = subjects
            .iter()
            .find(|s| s.1 <= gs)
            .map(|s| (s.0, s.2.clone()));
        let mut actor = if let Some(a) = actor_before(g, text, gs, mentions) {
            rules.push("actor: word before the unit".into());
            a
        } else if let Some((_, c)) = &subj {
            rules.push("actor: the sentence's subject".into());
            c.clone()
        } else if let Some(c) = mentions
            .iter()
            .filter(|m| m.demonym && m.start >= s0 && m.end <= gs)
            .map(|m| g.place(m.place))
            .find(|p| p.kind == PlaceKind::Country)
        {
            rules.push("actor: a demonym earlier in the sentence".into());
            c.country.clone()
        } else if body.contains("NATO") || lower.contains("alliance") || lower.contains("allied") {
            rules.push("actor: NATO named in the sentence".into());
            "NATO".to_string()
        } else {
            rules.push("actor: unknown".into());
            String::new()
        };
        let subject_idx = subj.map(|(i, _)| i);

        // Status: the strongest cue before the unit ("urge NATO to send" is a
        // request), else the nearest after it ("troops stationed in").
        // Cues count within the unit's clause: after the last comma or
        // semicolon before it (unless that leaves the unit alone in a list).
        let clause_start = body[..group.0].rfind([',', ';', '—']).map_or(0, |i| {
            i + body[i..].chars().next().map_or(1, char::len_utf8)
        });
        let clause_start = if body[clause_start..group.0].trim().is_empty() {
            0
        } else {
            clause_start
        };
        let cue = status_hits
            .iter()
            .filter(|h| h.end <= group.0 && h.start >= clause_start)
            .max_by_key(|h| (strength(lex.status.value(h)), h.start))
            .or_else(|| status_hits.iter().find(|h| h.start >= group.1));
        let mut status = cue.map_or(Status::Present, |h| lex.status.value(h));
        // An announcement covers everything it introduces: "Biden declared
        // that the US will build ..., send ... and increase ...".
        let announced = status_hits
            .iter()
            .find(|h| h.end <= group.0 && lex.status.value(h) == Status::Announced);
        if let Some(h) = announced
            .filter(|_| matches!(status, Status::Planned | Status::Deployed | Status::Present))
        {
            status = Status::Announced;
            rules.push(format!(
                "status announced: {:?} earlier in the sentence",
                &body[h.start..h.end]
            ));
        }
        rules.push(match cue {
            Some(h) => format!(
                "status {} from {:?}",
                status.as_str(),
                &body[h.start..h.end]
            ),
            None => "status present (no status word)".into(),
        });
        // "urge NATO to send", "called on NATO to deploy": a requested force
        // belongs to the party asked.
        if status == Status::Requested
            && let Some(h) = cue
        {
            let after_cue = lower[h.end..].trim_start();
            let after_cue = after_cue
                .strip_prefix("on ")
                .unwrap_or(after_cue)
                .trim_start();
            let after_cue = after_cue.strip_prefix("the ").unwrap_or(after_cue);
            if after_cue.starts_with("nato") || after_cue.starts_with("alliance") {
                actor = "NATO".into();
                rules.push("actor: the party asked".into());
            } else if let Some(m) = mentions
                .iter()
                .find(|m| !m.demonym && m.start >= s0 + h.end && m.start <= s0 + h.end + 8)
            {
                actor = g.place(m.place).country.clone();
                rules.push("actor: the party asked".into());
            }
        }

        let origin = origin_place;
        let origin_idx = origin.map(|(i, _)| *i);
        let usable = |i: usize, m: &Resolved| {
            Some(i) != subject_idx && Some(i) != origin_idx && {
                let p = g.place(m.place);
                // The owner's own country is not where its force goes, unless it is the only place.
                !(p.kind == PlaceKind::Country && p.country == actor && places.len() > 1)
            }
        };
        let locative = |m: &Resolved| locative_at.contains(&m.start);
        // A place after the unit counts only within its clause: no comma,
        // semicolon or dash between them.
        // Where the unit's clause ends, found once: the first hard stop
        // after it, and its first and second commas.
        let rest = &text[ge..s1];
        let hard = rest.find([';', '—', '(', ')', ':']).map_or(s1, |i| ge + i);
        let comma1 = rest.find(',').map_or(s1, |i| ge + i);
        let comma2 = text[comma1.min(s1)..s1]
            .get(1..)
            .and_then(|r| r.find(','))
            .map_or(s1, |i| comma1 + 1 + i);
        let same_clause = |m: &Resolved| {
            if m.start <= comma1.min(hard) {
                return true;
            }
            // ", mainly in Poland": a comma and an adverb before the preposition.
            let gap = &text[ge..m.start];
            let tail = gap.rsplit([',', ';']).next().unwrap_or_default();
            m.start <= hard
                && m.start <= comma2
                && tail.split_whitespace().count() <= 3
                && tail.split_whitespace().next().is_some_and(|w| {
                    matches!(
                        w,
                        "mainly"
                            | "mostly"
                            | "primarily"
                            | "chiefly"
                            | "especially"
                            | "notably"
                            | "including"
                            | "largely"
                    )
                })
        };
        let after: Vec<&(usize, &Resolved)> = places
            .iter()
            .filter(|(i, m)| m.start >= ge && usable(*i, m) && same_clause(m))
            .collect();
        let before_places: Vec<&(usize, &Resolved)> = places
            .iter()
            .filter(|(i, m)| m.end <= gs && usable(*i, m))
            .collect();
        let mut targets: Vec<PlaceIdx> = Vec::new();
        let there = lower[group.1..]
            .split_whitespace()
            .take(4)
            .any(|w| w.trim_matches(|c: char| !c.is_alphanumeric()) == "there");
        if there && (before_places.last().is_some() || previous_place.is_some()) {
            // "stationed there": the place just named, in this sentence or the one before.
            rules.push("place: \"there\", the place named just before".into());
            targets.push(
                before_places
                    .last()
                    .map_or_else(|| previous_place.unwrap_or_default(), |(_, m)| m.place),
            );
        } else if let Some(country) = border_of(g, text, ge, s1, mentions) {
            // "near the Ukrainian borders": the country whose border it is.
            rules.push("place: the country of \"near the X border\"".into());
            targets.push(country);
        } else if let Some(first) = after.iter().find(|(_, m)| locative(m)) {
            rules.push("place: after a preposition following the unit".into());
            targets.push(first.1.place);
            // "to the Baltic Sea and Lithuania", "in Poland, Romania and the Baltic states"
            let mut end = first.1.end;
            for (_, m) in places
                .iter()
                .filter(|(i, m)| m.start > first.1.start && usable(*i, m))
            {
                if is_list_gap(&text[end..m.start]) {
                    targets.push(m.place);
                    end = m.end;
                } else {
                    break;
                }
            }
        } else if let Some((_, m)) = before_places
            .iter()
            .find(|(_, m)| locative(m) && fronted(text, s0, m.start))
        {
            // A fronted "In Poland, Romania and the Baltic states, ..." governs the clause.
            rules.push("place: after a preposition before the unit".into());
            targets.push(m.place);
            let mut end = m.end;
            for (_, n) in before_places.iter().filter(|(_, n)| n.start > m.start) {
                if is_list_gap(&text[end..n.start]) {
                    targets.push(n.place);
                    end = n.end;
                } else {
                    break;
                }
            }
        } else if let (1, Some((_, m))) = (places.len(), after.first().or(before_places.last())) {
            // One place in the sentence and a status word: it is where the force is.
            if !status_hits.is_empty() {
                rules.push("place: the sentence's only place".into());
                targets.push(m.place);
            }
        }
        targets.dedup();

        // "Poland has received reinforcements from NATO": the receiver is the
        // place and the giver the owner.
        if let Some(h) = cue {
            let word = &lower[h.start..h.end];
            if matches!(
                word,
                "received" | "receiving" | "hosts" | "hosting" | "welcomed"
            ) && let Some(i) = subject_idx
            {
                targets = vec![mentions[i].place];
                rules.push("place: the receiver (sentence subject)".into());
                let from_nato = lower[group.1..].trim_start().starts_with("from nato");
                actor = match origin {
                    Some((_, m)) => g.place(m.place).country.clone(),
                    None if from_nato => "NATO".into(),
                    None => String::new(),
                };
                rules.push("actor: the giver (\"from X\")".into());
            }
        }
        // A withdrawal is from the place it leaves.
        if status == Status::Withdrawn
            && let Some((_, m)) = origin
        {
            targets = vec![m.place];
        }
        if targets.is_empty() {
            continue;
        }
        for &place in &targets {
            out.push(Force {
                place,
                actor: actor.clone(),
                kind,
                quantity,
                unit: unit.clone(),
                status,
                start: gs,
                end: ge,
                sentence,
                origin: origin.map(|(_, m)| m.place),
                rules: rules.clone(),
            });
            if let Some(low) = low {
                out.push(Force {
                    place,
                    actor: actor.clone(),
                    kind,
                    quantity: Some(low),
                    unit: unit.clone(),
                    status: Status::Present,
                    start: gs,
                    end: ge,
                    sentence,
                    origin: None,
                    rules: rules
                        .iter()
                        .cloned()
                        .chain(["the lower end of the range is what is there now".to_string()])
                        .collect(),
                });
            }
        }
    }
    out
}

/// Joins adjacent force terms into one unit ("F-35 squadrons", "squadrons of
/// F-35 fighter jets"); the unit's kind comes from its first term.
/// Returns (start, end, head hit) in sentence offsets.
fn group_hits(body: &str, hits: &[Hit]) -> Vec<(usize, usize, Hit)> {
    let mut out: Vec<(usize, usize, Hit)> = Vec::new();
    for h in hits {
        if let Some(last) = out.last_mut() {
            let gap = body[last.1..h.start].trim();
            if gap.is_empty() || gap.eq_ignore_ascii_case("of") || gap == "-" {
                last.1 = h.end;
                continue;
            }
        }
        out.push((h.start, h.end, *h));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_written() {
        assert_eq!(parse_number("50,000"), Some(50_000));
        assert_eq!(parse_number("1.650"), Some(1_650));
        assert_eq!(parse_number("3,700"), Some(3_700));
        assert_eq!(parse_number("six"), Some(6));
        assert_eq!(parse_number("dozen"), Some(12));
        assert_eq!(parse_number("2.5"), Some(2));
        assert_eq!(parse_number("troops"), None);
    }

    #[test]
    fn adjacent_terms_join() {
        let body = "two squadrons of F-35 fighter jets";
        let hits = vec![
            Hit {
                start: 4,
                end: 13,
                term: 0,
            },
            Hit {
                start: 17,
                end: 21,
                term: 1,
            },
            Hit {
                start: 22,
                end: 34,
                term: 2,
            },
        ];
        let g = group_hits(body, &hits);
        assert_eq!(g.len(), 1);
        assert_eq!(&body[g[0].0..g[0].1], "squadrons of F-35 fighter jets");
    }
}
