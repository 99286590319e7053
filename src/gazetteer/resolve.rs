//! Disambiguation: choosing one place per mention from evidence, and
//! dropping mentions that are not places (people, ordinary words).
//!
//! Evidence, each a small named rule: the place's prior (kind, population,
//! capital), the article's other places (same country, same first-level
//! division, within 250 km, bordering countries), an explicit qualifier
//! ("Rota, Spain"), and the words around the name (locative prepositions,
//! titles and first names that mark a person).

use super::place::{Place, PlaceKind, distance_km};
use super::{Gazetteer, Mention, PlaceIdx};

/// One mention resolved to one place.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub start: usize,
    pub end: usize,
    pub place: PlaceIdx,
    /// 0..1, how sure the resolution is.
    pub confidence: f64,
    /// The rules that decided, for `eventmap tag` and `explain`.
    pub why: String,
    /// A demonym or adjective of the place ("Lithuanian"), not its name.
    pub demonym: bool,
}

/// Words before a name that say it is a location ("in Rota", "to Bulgaria").
const LOCATIVE: &[&str] = &[
    "in",
    "at",
    "from",
    "to",
    "near",
    "into",
    "across",
    "outside",
    "inside",
    "around",
    "toward",
    "towards",
    "via",
    "through",
    "throughout",
    "between",
    "along",
    "off",
    "within",
    "of",
    "against",
    "visit",
    "visited",
    "visiting",
    "bordering",
    "entered",
    "and",
];

/// Words right after a capitalised name that extend it into a feature or a
/// place, not a person ("Jordan River", "Victoria Harbour").
const FEATURE_WORDS: &[&str] = &[
    "river",
    "sea",
    "lake",
    "mountains",
    "mountain",
    "mount",
    "island",
    "islands",
    "bay",
    "gulf",
    "strait",
    "harbour",
    "harbor",
    "port",
    "airport",
    "region",
    "province",
    "oblast",
    "county",
    "state",
    "city",
    "valley",
    "peninsula",
    "coast",
    "border",
    "base",
];

/// Words right after a name that make it a speaker ("Nelson said").
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "told",
    "added",
    "asked",
    "wrote",
    "explained",
    "noted",
    "argued",
];

const SOFTMAX_T: f64 = 0.15;

/// How likely a place is before any context: kind, then population and capital.
pub fn prior(p: &Place) -> f64 {
    match p.kind {
        PlaceKind::Country => 1.0,
        PlaceKind::Continent => 0.95,
        PlaceKind::Region if p.feature == "ADM1" => {
            0.62 + 0.02 * (p.population as f64 + 1.0).log10().min(8.0) / 8.0
        }
        PlaceKind::Region | PlaceKind::Sea | PlaceKind::Area => 0.9,
        PlaceKind::Base => 0.85,
        PlaceKind::Feature => 0.8,
        _ => {
            let pop = 0.3 + 0.08 * (p.population as f64 + 1.0).log10();
            // Capped below a country's 1.0: "Mexico" is the country before the city.
            (pop + if p.is_capital() {
                0.15
            } else if p.is_admin_seat() {
                0.05
            } else {
                0.0
            })
            .min(0.97)
        }
    }
}

/// What the text around a mention says.
#[derive(Debug, Default)]
struct Cues {
    /// Glued to a lower-case prefix by a hyphen ("trans-Atlantic").
    compound: bool,
    prev: String,
    prev_capitalised: bool,
    next: String,
    next_capitalised: bool,
    next_acronym: bool,
    sentence_start: bool,
    /// Index of the mention right after ", ".
    qualifier: Option<usize>,
}

fn cues(text: &str, mentions: &[Mention], i: usize) -> Cues {
    let m = &mentions[i];
    let mut c = Cues::default();
    let before = &text[..m.start];
    if let Some(prefix) = before.strip_suffix('-') {
        c.compound = prefix.chars().next_back().is_some_and(char::is_lowercase);
    }
    let trimmed = before.trim_end_matches([' ', '\t']);
    let last = trimmed.chars().next_back();
    c.sentence_start = match last {
        None => true,
        Some(ch) => matches!(
            ch,
            '.' | '!' | '?' | ':' | '\n' | '\r' | '"' | '“' | '(' | '[' | '—' | '–'
        ),
    };
    if last.is_some_and(char::is_alphanumeric) && trimmed.len() < before.len() {
        let word: String = trimmed
            .chars()
            .rev()
            .take_while(|ch| ch.is_alphanumeric() || *ch == '.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let word = word.trim_start_matches('.').to_string();
        c.prev_capitalised = word.chars().next().is_some_and(char::is_uppercase);
        c.prev = word.trim_end_matches('.').to_lowercase();
        // The previous word may itself start a sentence ("In Rota"): then its
        // capital says nothing.
        let before_prev = &trimmed[..trimmed.len() - word.len()];
        let lp = before_prev.trim_end().chars().next_back();
        if lp.is_none()
            || lp.is_some_and(|ch| matches!(ch, '.' | '!' | '?' | ':' | '\n' | '"' | '“'))
        {
            c.prev_capitalised = false;
        }
    }
    let after = &text[m.end..];
    let spaced = after.trim_start_matches([' ', '\t']);
    if spaced.len() < after.len() {
        let word: String = spaced
            .chars()
            .take_while(|ch| ch.is_alphanumeric())
            .collect();
        c.next_capitalised = word.chars().next().is_some_and(char::is_uppercase);
        c.next_acronym = word.chars().count() >= 2
            && word.chars().all(|ch| ch.is_uppercase() || ch.is_numeric());
        c.next = word.to_lowercase();
    }
    if let Some(rest) = after.strip_prefix(',') {
        let gap = rest.len() - rest.trim_start().len();
        let at = m.end + 1 + gap;
        c.qualifier = mentions.get(i + 1).filter(|n| n.start == at).map(|_| i + 1);
    }
    c
}

/// Context rules: (weight, reason). A candidate's context score is the sum
/// of the weights of the rules that hold for it.
const RULES: [(f64, &str); 7] = [
    (0.8, "qualifier"),
    (0.25, "same country as other places"),
    (0.1, "its country is named"),
    (0.15, "holds other places named"),
    (0.3, "same division as other places"),
    (0.2, "near other places"),
    (0.05, "borders a country named"),
];
const QUALIFIER: u8 = 1;
const SAME_COUNTRY: u8 = 1 << 1;
const NAMED_COUNTRY: u8 = 1 << 2;
const CONTAINS: u8 = 1 << 3;
const SAME_ADMIN1: u8 = 1 << 4;
const NEAR: u8 = 1 << 5;
const BORDERING: u8 = 1 << 6;

fn weight(rules: u8) -> f64 {
    RULES
        .iter()
        .enumerate()
        .filter(|(i, _)| rules & (1 << i) != 0)
        .map(|(_, r)| r.0)
        .sum()
}

fn reasons(rules: u8) -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .enumerate()
        .filter(move |(i, _)| rules & (1 << i) != 0)
        .map(|(_, r)| r.1)
}

/// Settlements and bases: the places whose neighbours are evidence.
fn local(k: &Place) -> bool {
    k.kind.is_settlement() || k.kind == PlaceKind::Base
}

/// Which context rules hold for `p` given the article's other places.
fn context(g: &Gazetteer, p: &Place, others: &[PlaceIdx], qualifier: Option<PlaceIdx>) -> u8 {
    let mut rules = 0u8;
    if let Some(q) = qualifier {
        let q = g.place(q);
        let fits = (q.kind == PlaceKind::Country && q.country == p.country)
            || (q.feature == "ADM1"
                && q.country == p.country
                && q.admin1 == p.admin1
                && p.kind != PlaceKind::Region);
        if fits {
            rules |= QUALIFIER;
        }
    }
    for &o in others {
        let o = g.place(o);
        if !p.country.is_empty() && o.country == p.country {
            rules |= SAME_COUNTRY;
            if o.kind == PlaceKind::Country && p.kind != PlaceKind::Country {
                rules |= NAMED_COUNTRY;
            }
            if p.kind == PlaceKind::Country && o.kind != PlaceKind::Country {
                rules |= CONTAINS;
            }
            if !p.admin1.is_empty()
                && o.admin1 == p.admin1
                && (o.feature == "ADM1") != (p.feature == "ADM1")
            {
                rules |= SAME_ADMIN1;
            }
        }
        // 250 km is under 2.3 degrees of latitude: skip the trigonometry
        // for places plainly farther apart.
        if rules & NEAR == 0
            && local(p)
            && (local(o) || o.feature == "ADM1")
            && (p.lat - o.lat).abs() < 2.3
            && distance_km(p.lat, p.lon, o.lat, o.lon) < 250.0
        {
            rules |= NEAR;
        }
        if p.kind == PlaceKind::Country
            && o.kind == PlaceKind::Country
            && g.borders(&p.country, &o.country)
        {
            rules |= BORDERING;
        }
    }
    rules
}

/// Chooses a place for every mention and drops those that are not places.
pub fn resolve(g: &Gazetteer, text: &str, mentions: Vec<Mention>) -> Vec<Resolved> {
    let cues: Vec<Cues> = (0..mentions.len())
        .map(|i| cues(text, &mentions, i))
        .collect();
    // Mentions that are plainly not places are out before they can lend context.
    let keep: Vec<bool> = mentions
        .iter()
        .zip(&cues)
        .map(|(m, c)| {
            let single = !m.key.contains([' ', '|']);
            let not_a_place = m.demonym
                || c.compound
                || g.is_title(&c.prev)
                || (single && g.is_not_place(&m.key))
                || (single && c.prev_capitalised && g.is_first_name(&c.prev));
            !not_a_place
        })
        .collect();

    // Only names that are not also words or people's names lend context, so
    // two doubtful names cannot vouch for each other.
    let anchor: Vec<bool> = mentions
        .iter()
        .map(|m| !g.ambiguity(&m.key).any())
        .collect();
    let mut choice: Vec<(PlaceIdx, f64)> = mentions
        .iter()
        .map(|m| {
            let best = m
                .candidates
                .iter()
                .copied()
                .max_by(|a, b| {
                    prior(g.place(*a))
                        .total_cmp(&prior(g.place(*b)))
                        .then(b.cmp(a))
                })
                .unwrap_or_default();
            (best, prior(g.place(best)))
        })
        .collect();
    let mut rules = vec![0u8; mentions.len()];
    let mut confidence = vec![0.0; mentions.len()];
    let mut support = vec![0.0; mentions.len()];
    let mut others: Vec<PlaceIdx> = Vec::new();
    let mut scored: Vec<(PlaceIdx, f64, u8)> = Vec::new();
    for _round in 0..3 {
        let snapshot = choice.clone();
        // The anchors' current choices, once per (name, place).
        let mut anchors: Vec<(&str, PlaceIdx)> = mentions
            .iter()
            .enumerate()
            .filter(|(j, _)| keep[*j] && anchor[*j])
            .map(|(j, o)| (o.key.as_str(), snapshot[j].0))
            .collect();
        anchors.sort_unstable();
        anchors.dedup();
        for (i, m) in mentions.iter().enumerate() {
            if !keep[i] {
                continue;
            }
            others.clear();
            others.extend(anchors.iter().filter(|(k, _)| *k != m.key).map(|(_, p)| *p));
            others.sort_unstable();
            others.dedup();
            let qualifier = cues[i]
                .qualifier
                .filter(|q| keep[*q])
                .map(|q| snapshot[q].0);
            scored.clear();
            scored.extend(m.candidates.iter().map(|&c| {
                let r = context(g, g.place(c), &others, qualifier);
                (c, prior(g.place(c)) + weight(r), r)
            }));
            let Some(&best) = scored
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            else {
                continue;
            };
            let z: f64 = scored
                .iter()
                .map(|s| ((s.1 - best.1) / SOFTMAX_T).exp())
                .sum();
            confidence[i] = 1.0 / z;
            choice[i] = (best.0, best.1);
            support[i] = weight(best.2);
            rules[i] = best.2;
        }
    }

    let mut out = Vec::new();
    for (i, m) in mentions.iter().enumerate() {
        if m.demonym && !cues[i].compound {
            out.push(Resolved {
                start: m.start,
                end: m.end,
                place: m.candidates[0],
                confidence: 0.9,
                why: "demonym or adjective".to_string(),
                demonym: true,
            });
            continue;
        }
        if !keep[i] {
            continue;
        }
        let c = &cues[i];
        let p = g.place(choice[i].0);
        let amb = g.ambiguity(&m.key);
        let single = !m.key.contains([' ', '|']);
        let locative = LOCATIVE.contains(&c.prev.as_str());
        let qualified = rules[i] & QUALIFIER != 0;
        let major = matches!(p.kind, PlaceKind::Country | PlaceKind::Continent)
            || p.feature == "ADM1"
            || p.population >= 100_000
            || p.is_capital();
        // A person-like name next to another capitalised word is part of a
        // person's or an organisation's name ("Victoria Nuland", "Washington Post").
        let next_is_place = mentions
            .get(i + 1)
            .is_some_and(|n| n.start > m.end && n.start <= m.end + 2);
        let next_extends = c.next_capitalised
            && !next_is_place
            && !FEATURE_WORDS.contains(&c.next.as_str())
            && !c.next_acronym;
        let states = p.kind == PlaceKind::Country;
        if single
            && amb.person()
            && !states
            && (next_extends || c.prev_capitalised || SPEECH_VERBS.contains(&c.next.as_str()))
        {
            continue;
        }
        // A town's name glued to another capitalised word is part of a
        // person's name ("Vladimir Putin", "Volodymyr Zelensky") unless that
        // word is an ordinary one ("Washington Post", "Toronto Police").
        if single
            && p.kind.is_settlement()
            && next_extends
            && (!major || !g.is_english_word(&c.next))
        {
            continue;
        }
        if single && p.kind.is_settlement() && !major && c.prev_capitalised {
            continue;
        }
        let strong_support = qualified || support[i] >= 0.45;
        let evidence = if amb.any() && !states {
            locative && support[i] > 0.0 || strong_support
        } else {
            locative || qualified || support[i] >= 0.25
        };
        let needs_evidence = (single && amb.word && !states)
            || (single && amb.person() && !major)
            || (single && amb.any() && !states && c.sentence_start && !locative)
            || p.kind == PlaceKind::Village;
        if needs_evidence && !evidence {
            continue;
        }
        if p.kind == PlaceKind::Village && !strong_support {
            continue;
        }
        let mut conf = confidence[i];
        if needs_evidence {
            conf *= 0.8;
        }
        let mut why = vec![format!("{} (prior {:.2})", p.kind.as_str(), prior(p))];
        why.extend(reasons(rules[i]).map(str::to_string));
        if locative {
            why.push(format!("after '{}'", c.prev));
        }
        if amb.any() {
            why.push("name is also a word or person's name".to_string());
        }
        out.push(Resolved {
            start: m.start,
            end: m.end,
            place: choice[i].0,
            confidence: (conf * 1000.0).round() / 1000.0,
            why: why.join("; "),
            demonym: false,
        });
    }
    out
}
