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

/// How much the article's other places support `p`, with the reasons.
fn context(
    g: &Gazetteer,
    p: &Place,
    others: &[(PlaceIdx, f64)],
    qualifier: Option<PlaceIdx>,
) -> (f64, Vec<&'static str>) {
    let mut score = 0.0;
    let mut why = Vec::new();
    if let Some(q) = qualifier {
        let q = g.place(q);
        let fits = (q.kind == PlaceKind::Country && q.country == p.country)
            || (q.feature == "ADM1"
                && q.country == p.country
                && q.admin1 == p.admin1
                && p.kind != PlaceKind::Region);
        if fits {
            score += 0.8;
            why.push("qualifier");
        }
    }
    let mut same_country = false;
    let mut named_country = false;
    let mut same_admin1 = false;
    let mut near = false;
    let mut contains = false;
    let mut bordering = false;
    for &(o, _) in others {
        let o = g.place(o);
        if !p.country.is_empty() && o.country == p.country {
            same_country = true;
            if o.kind == PlaceKind::Country && p.kind != PlaceKind::Country {
                named_country = true;
            }
            if p.kind == PlaceKind::Country && o.kind != PlaceKind::Country {
                contains = true;
            }
        }
        if !p.admin1.is_empty()
            && o.country == p.country
            && o.admin1 == p.admin1
            && (o.feature == "ADM1") != (p.feature == "ADM1")
        {
            same_admin1 = true;
        }
        let local = |k: &Place| k.kind.is_settlement() || k.kind == PlaceKind::Base;
        if local(p)
            && (local(o) || o.feature == "ADM1")
            && distance_km(p.lat, p.lon, o.lat, o.lon) < 250.0
        {
            near = true;
        }
        if p.kind == PlaceKind::Country
            && o.kind == PlaceKind::Country
            && g.borders(&p.country, &o.country)
        {
            bordering = true;
        }
    }
    if same_country {
        score += 0.25;
        why.push("same country as other places");
    }
    if named_country {
        score += 0.1;
        why.push("its country is named");
    }
    if contains {
        score += 0.15;
        why.push("holds other places named");
    }
    if same_admin1 {
        score += 0.3;
        why.push("same division as other places");
    }
    if near {
        score += 0.2;
        why.push("near other places");
    }
    if bordering {
        score += 0.05;
        why.push("borders a country named");
    }
    (score, why)
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
    let mut reasons: Vec<Vec<&'static str>> = vec![Vec::new(); mentions.len()];
    let mut confidence = vec![0.0; mentions.len()];
    let mut support = vec![0.0; mentions.len()];
    for _round in 0..3 {
        let snapshot = choice.clone();
        for (i, m) in mentions.iter().enumerate() {
            if !keep[i] {
                continue;
            }
            let others: Vec<(PlaceIdx, f64)> = mentions
                .iter()
                .enumerate()
                .filter(|(j, o)| keep[*j] && anchor[*j] && o.key != m.key)
                .map(|(j, _)| snapshot[j])
                .collect();
            let qualifier = cues[i]
                .qualifier
                .filter(|q| keep[*q])
                .map(|q| snapshot[q].0);
            let scored: Vec<(PlaceIdx, f64, f64, Vec<&'static str>)> = m
                .candidates
                .iter()
                .map(|&c| {
                    let (ctx, why) = context(g, g.place(c), &others, qualifier);
                    (c, prior(g.place(c)) + ctx, ctx, why)
                })
                .collect();
            let Some(best) = scored
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
            support[i] = best.2;
            reasons[i] = best.3.clone();
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
        let qualified = reasons[i].contains(&"qualifier");
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
        why.extend(reasons[i].iter().map(|r| r.to_string()));
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
