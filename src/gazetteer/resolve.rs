//! Disambiguation: choosing one place per mention from evidence, and
//! dropping mentions that are not places (people, ordinary words).
//!
//! Evidence, each a small named rule: the place's prior (kind, population,
//! capital), the article's other places (same country, same first-level
//! division, within 250 km, bordering countries), an explicit qualifier
//! ("Rota, Spain"), and the words around the name (locative prepositions,
//! titles and first names that mark a person).

use super::fold::is_alphanumeric;
use super::place::{Place, PlaceCore, PlaceKind, within_km};
use compact_str::CompactString;

use super::{Ambiguity, Found, Gazetteer, Mention, PlaceIdx};

/// One mention resolved to one place.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Resolved {
    pub start: usize,
    pub end: usize,
    pub place: PlaceIdx,
    /// 0..1, how sure the resolution is.
    pub confidence: f64,
    /// The rules that decided, for `eventmap tag` and `explain`.
    pub why: Why,
    /// A demonym or adjective of the place ("Lithuanian"), not its name.
    pub demonym: bool,
}

/// Why a mention was resolved as it was; rendered only when shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Why {
    pub prior: f64,
    /// Context rules that held (bits of `RULES`).
    pub rules: u8,
    /// The locative word before the name, if any (index into `LOCATIVE`).
    pub after: Option<u8>,
    /// The name is also an English word or a person's name.
    pub ambiguous: bool,
    pub demonym: bool,
    /// The text names the place by another of its names, not its own.
    #[serde(default)]
    pub other_name: bool,
}

impl Why {
    pub fn describe(&self, kind: PlaceKind) -> String {
        if self.demonym {
            return "demonym or adjective".to_string();
        }
        let mut why = vec![format!("{} (prior {:.2})", kind.as_str(), self.prior)];
        why.extend(reasons(self.rules).map(str::to_string));
        if let Some(w) = self.after.and_then(|i| LOCATIVE.get(i as usize)) {
            why.push(format!("after '{w}'"));
        }
        if self.ambiguous {
            why.push("name is also a word or person's name".to_string());
        }
        if self.other_name {
            why.push("named by another of its names".to_string());
        }
        why.join("; ")
    }
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

/// Taken from the prior of a place the text names by another of its names
/// than its own: "Arizona" is the state before it is Yuma, a town that
/// GeoNames also calls Arizona. Small beside the gaps of population, so an
/// exonym still finds its city ("Kiev" is Kyiv, not a village named Kiev).
const OTHER_NAME: f64 = 0.1;

/// Places this close to another of the article's are its neighbours.
const NEAR_KM: f64 = 250.0;

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
struct Cues<'a> {
    /// Glued to a lower-case prefix by a hyphen ("trans-Atlantic").
    compound: bool,
    /// The word before and after, lower-cased (inline: no allocation for
    /// a word of up to 24 bytes).
    prev: CompactString,
    prev_capitalised: bool,
    /// The word after, as written: lower-cased (`lowercase`) only where a
    /// rule asks, as few do.
    next: &'a str,
    next_capitalised: bool,
    next_acronym: bool,
    sentence_start: bool,
    /// Index of the mention right after ", ".
    qualifier: Option<usize>,
}

fn cues<'a>(text: &'a str, mentions: &[Mention], i: usize) -> Cues<'a> {
    let m = &mentions[i];
    let mut c = Cues::default();
    let before = &text[..m.start];
    if let Some(prefix) = before.strip_suffix('-') {
        c.compound = prefix.chars().next_back().is_some_and(char::is_lowercase);
    }
    // Spaces and tabs are single bytes: trimmed as bytes, not characters.
    let blank = |b: &u8| *b == b' ' || *b == b'\t';
    let kept = before.len() - before.bytes().rev().take_while(blank).count();
    let trimmed = &before[..kept];
    let last = trimmed.chars().next_back();
    c.sentence_start = match last {
        None => true,
        Some(ch) => matches!(
            ch,
            '.' | '!' | '?' | ':' | '\n' | '\r' | '"' | '“' | '(' | '[' | '—' | '–'
        ),
    };
    if last.is_some_and(is_alphanumeric) && trimmed.len() < before.len() {
        let start = word_start(trimmed);
        let word = trimmed[start..].trim_start_matches('.');
        c.prev_capitalised = word.chars().next().is_some_and(char::is_uppercase);
        c.prev = lowercase(word.trim_end_matches('.'));
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
    let spaced = &after[after.bytes().take_while(blank).count()..];
    if spaced.len() < after.len() {
        let word = &spaced[..word_end(spaced)];
        c.next_capitalised = word.chars().next().is_some_and(char::is_uppercase);
        // Asked only of a capitalised word (`next_extends`).
        c.next_acronym = c.next_capitalised
            && if word.is_ascii() {
                word.len() >= 2
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            } else {
                word.chars().count() >= 2
                    && word.chars().all(|ch| ch.is_uppercase() || ch.is_numeric())
            };
        c.next = word;
    }
    if let Some(rest) = after.strip_prefix(',') {
        let gap = rest.len() - rest.trim_start().len();
        let at = m.end + 1 + gap;
        c.qualifier = mentions.get(i + 1).filter(|n| n.start == at).map(|_| i + 1);
    }
    c
}

/// Where the run of letters, digits and dots that ends `s` starts. ASCII
/// byte by byte, nearly always; by characters from the first byte that is
/// not.
fn word_start(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = b.len();
    while i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.') {
        i -= 1;
    }
    if i > 0 && !b[i - 1].is_ascii() {
        return s
            .char_indices()
            .rev()
            .take_while(|(_, ch)| is_alphanumeric(*ch) || *ch == '.')
            .last()
            .map_or(s.len(), |(i, _)| i);
    }
    i
}

/// Where the run of letters and digits that starts `s` ends (as `word_start`).
fn word_end(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i < b.len() && !b[i].is_ascii() {
        return s
            .char_indices()
            .find(|(_, ch)| !is_alphanumeric(*ch))
            .map_or(s.len(), |(i, _)| i);
    }
    i
}

/// `word` lower-cased as `str::to_lowercase` does, inline (no allocation
/// up to 24 bytes); ASCII words, nearly all, byte by byte.
fn lowercase(word: &str) -> CompactString {
    // Most words around a mention are lower-case already ("in", "said").
    if word
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return CompactString::from(word);
    }
    if word.is_ascii() {
        let mut s = CompactString::from(word);
        s.make_ascii_lowercase();
        s
    } else {
        CompactString::from_str_to_lowercase(word)
    }
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
    WEIGHTS[usize::from(rules) % WEIGHTS.len()]
}

/// `weight` of every set of rules, summed once in the order of `RULES`
/// (from -0.0, as `Iterator::sum` does, so every value is the same).
const WEIGHTS: [f64; 1 << RULES.len()] = {
    let mut table = [0.0; 1 << RULES.len()];
    let mut set = 0;
    while set < table.len() {
        let mut sum = -0.0;
        let mut i = 0;
        while i < RULES.len() {
            if set & (1 << i) != 0 {
                sum += RULES[i].0;
            }
            i += 1;
        }
        table[set] = sum;
        set += 1;
    }
    table
};

fn reasons(rules: u8) -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .enumerate()
        .filter(move |(i, _)| rules & (1 << i) != 0)
        .map(|(_, r)| r.1)
}

/// The article's anchor places, summarised once per round; every fact
/// carries the name (key) it came from, so that a mention is
/// never supported by its own name.
#[derive(Debug, Default)]
struct Neighbourhood {
    /// Countries of any anchor.
    countries: Vec<(u16, u32)>,
    /// Countries named as such.
    named: Vec<(u16, u32)>,
    /// Countries holding an anchor that is not itself a country.
    holding: Vec<(u16, u32)>,
    /// Divisions holding an anchor, and division entries named.
    admin1_of_places: Vec<(u32, u32)>,
    admin1_named: Vec<(u32, u32)>,
    /// Points of anchor settlements, bases and divisions.
    points: Vec<(f64, f64, u32)>,
}

fn holds<T: PartialEq + Copy>(facts: &[(T, u32)], value: T, own: u32) -> bool {
    facts.iter().any(|&(v, k)| v == value && k != own)
}

impl Neighbourhood {
    /// The summary of `anchors`, in place of what it held (its vectors
    /// kept for the next round's).
    fn fill(&mut self, g: &Gazetteer, anchors: &[(u32, PlaceIdx)]) {
        let n = self;
        n.countries.clear();
        n.named.clear();
        n.holding.clear();
        n.admin1_of_places.clear();
        n.admin1_named.clear();
        n.points.clear();
        for &(k, o) in anchors {
            let o = g.core(o);
            if o.country != 0 {
                n.countries.push((o.country, k));
                if o.kind == PlaceKind::Country {
                    n.named.push((o.country, k));
                } else {
                    n.holding.push((o.country, k));
                }
            }
            if o.admin1 != 0 {
                if o.is_admin1 {
                    n.admin1_named.push((o.admin1, k));
                } else {
                    n.admin1_of_places.push((o.admin1, k));
                }
            }
            if o.is_local() || o.is_admin1 {
                n.points.push((o.lat, o.lon, k));
            }
        }
    }

    /// Which context rules hold for `p`, a candidate of a mention of name `own`.
    fn rules(&self, g: &Gazetteer, p: &PlaceCore, own: u32, qualifier: Option<PlaceIdx>) -> u8 {
        let mut rules = 0u8;
        if let Some(q) = qualifier {
            let q = g.core(q);
            let fits = (q.kind == PlaceKind::Country && q.country == p.country)
                || (q.is_admin1
                    && q.country == p.country
                    && q.admin1 == p.admin1
                    && p.kind != PlaceKind::Region);
            if fits {
                rules |= QUALIFIER;
            }
        }
        let is_country = p.kind == PlaceKind::Country;
        if p.country != 0 && holds(&self.countries, p.country, own) {
            rules |= SAME_COUNTRY;
            if !is_country && holds(&self.named, p.country, own) {
                rules |= NAMED_COUNTRY;
            }
            if is_country && holds(&self.holding, p.country, own) {
                rules |= CONTAINS;
            }
        }
        if p.admin1 != 0 {
            let other_side = if p.is_admin1 {
                &self.admin1_of_places
            } else {
                &self.admin1_named
            };
            if holds(other_side, p.admin1, own) {
                rules |= SAME_ADMIN1;
            }
        }
        // 250 km is under 2.3 degrees of latitude: skip the trigonometry
        // for places plainly farther apart.
        if p.is_local()
            && self.points.iter().any(|&(lat, lon, k)| {
                k != own && (p.lat - lat).abs() < 2.3 && within_km(p.lat, p.lon, lat, lon, NEAR_KM)
            })
        {
            rules |= NEAR;
        }
        if is_country
            && self
                .named
                .iter()
                .any(|&(o, k)| k != own && g.neighbours(p.country, o))
        {
            rules |= BORDERING;
        }
        rules
    }
}

/// What resolution knows of one mention: read from the text and the name
/// once, then the choice the rounds make. One vector of these per text,
/// rather than a vector per fact.
struct State<'a> {
    cues: Cues<'a>,
    /// The name is a single word, and whether it is also a word or a
    /// person's name.
    single: bool,
    amb: Ambiguity,
    /// Not plainly something else (a person, a demonym, a compound).
    keep: bool,
    /// Lends context to the others: its name is neither a word nor a
    /// person's name, so two doubtful names cannot vouch for each other.
    anchor: bool,
    /// The nearest earlier mention of the same name and candidates.
    earlier: Option<usize>,
    /// The neighbourhood (round made) and qualifier last scored against.
    scored_with: Option<(usize, Option<PlaceIdx>)>,
    choice: (PlaceIdx, f64),
    rules: u8,
    confidence: f64,
    support: f64,
}

/// Chooses a place for every mention and drops those that are not places.
pub fn resolve(g: &Gazetteer, text: &str, found: Found) -> Vec<Resolved> {
    let mentions = &found.mentions;
    let range = |m: &Mention| m.candidates.start as usize..m.candidates.end as usize;
    // Priors once per candidate (one vector, indexed like the candidate
    // pool), less `OTHER_NAME` where the mention is not the place's own
    // name; the rounds below only add context.
    let mut priors = vec![0.0; found.pool.len()];
    for m in mentions {
        for (p, &c) in priors[range(m)].iter_mut().zip(found.candidates(m)) {
            let core = g.core(c);
            *p = core.prior
                - if core.key == m.pattern {
                    0.0
                } else {
                    OTHER_NAME
                };
        }
    }
    // Names this text gives a person somewhere ("John Tyler", "President
    // Obama"): a person's, wherever else they stand alone in it.
    let mut persons: Vec<u32> = Vec::new();
    let mut state: Vec<State> = Vec::with_capacity(mentions.len());
    for (i, m) in mentions.iter().enumerate() {
        let cues = cues(text, mentions, i);
        // Whether the name is a single word, and whether it is also a word
        // or a person's name: a byte per name.
        let facts = g.key_facts(m.pattern);
        let (single, amb) = (facts.single_word(), facts.ambiguity());
        // A title or a first name before it ("President Obama", "Sarah
        // Sutton", for one-word names only).
        let titled = g.is_title(&cues.prev);
        let first_named = single && cues.prev_capitalised && g.is_first_name(&cues.prev);
        if single && (titled || first_named) {
            persons.push(m.pattern);
        }
        // Mentions that are plainly not places are out before they can
        // lend context.
        let not_a_place =
            m.demonym || cues.compound || titled || (single && facts.not_place()) || first_named;
        // The best prior, the smaller place on a tie.
        let choice = found
            .candidates(m)
            .iter()
            .zip(&priors[range(m)])
            .map(|(&c, &p)| (c, p))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .unwrap_or_default();
        state.push(State {
            cues,
            single,
            amb,
            keep: !not_a_place,
            anchor: !amb.any(),
            earlier: None,
            scored_with: None,
            choice,
            rules: 0,
            confidence: 0.0,
            support: 0.0,
        });
    }
    persons.sort_unstable();
    persons.dedup();
    // A name repeated with the same candidates and qualifier scores the
    // same against one neighbourhood: each mention's nearest earlier one of
    // the same name and candidates, found once (the mentions sorted by
    // name, then place in the text); its scores are copied when they were
    // made against the same neighbourhood and qualifier.
    let mut by_name: Vec<(u32, u32)> = mentions
        .iter()
        .enumerate()
        .map(|(i, m)| (m.pattern, i as u32))
        .collect();
    by_name.sort_unstable();
    for pair in by_name.windows(2) {
        let ((name, j), (next, i)) = (pair[0], pair[1]);
        let (i, j) = (i as usize, j as usize);
        if name == next && found.candidates(&mentions[j]) == found.candidates(&mentions[i]) {
            state[i].earlier = Some(j);
        }
    }
    // Sized once, at their largest: growing them a push at a time cost
    // more than their work in short texts.
    let most = mentions
        .iter()
        .map(|m| m.candidates.len())
        .max()
        .unwrap_or(0);
    let mut scored: Vec<(PlaceIdx, f64, u8)> = Vec::with_capacity(most);
    let mut snapshot: Vec<PlaceIdx> = Vec::with_capacity(mentions.len());
    // Round one chooses by prior and the anchors; round two lets every
    // choice see the others' (more rounds changed nothing on the corpora).
    const ROUNDS: usize = 2;
    // The neighbourhood is made again only when the anchors' choices
    // changed; a mention scored against the same one with the same
    // qualifier would score the same, and is not scored again.
    let mut hood = Neighbourhood::default();
    let mut hood_round = 0;
    let mut anchors: Vec<(u32, PlaceIdx)> = Vec::with_capacity(mentions.len());
    let mut last_anchors: Vec<(u32, PlaceIdx)> = Vec::with_capacity(mentions.len());
    for round in 0..ROUNDS {
        snapshot.clear();
        snapshot.extend(state.iter().map(|s| s.choice.0));
        // The anchors' current choices, once per (name, place).
        anchors.clear();
        anchors.extend(
            mentions
                .iter()
                .zip(&state)
                .filter(|(_, s)| s.keep && s.anchor)
                .map(|(o, s)| (o.pattern, s.choice.0)),
        );
        anchors.sort_unstable();
        anchors.dedup();
        if round == 0 || anchors != last_anchors {
            // One summary per name left out (a name never supports itself).
            hood.fill(g, &anchors);
            hood_round = round;
        }
        std::mem::swap(&mut anchors, &mut last_anchors);
        for (i, m) in mentions.iter().enumerate() {
            // A mention with one candidate cannot change its choice: its
            // context is only needed once, in the last round.
            if !state[i].keep || (m.candidates.len() == 1 && round + 1 < ROUNDS) {
                continue;
            }
            let qualifier = state[i]
                .cues
                .qualifier
                .filter(|&q| state[q].keep)
                .map(|q| snapshot[q]);
            let with = Some((hood_round, qualifier));
            if state[i].scored_with == with {
                continue;
            }
            state[i].scored_with = with;
            if let Some(j) = state[i].earlier
                && state[j].scored_with == with
            {
                let (confidence, choice, support, rules) = {
                    let e = &state[j];
                    (e.confidence, e.choice, e.support, e.rules)
                };
                let s = &mut state[i];
                (s.confidence, s.choice, s.support, s.rules) = (confidence, choice, support, rules);
                continue;
            }
            scored.clear();
            let candidates = found.candidates(m).iter();
            scored.extend(candidates.zip(&priors[range(m)]).map(|(&c, &p)| {
                let r = hood.rules(g, g.core(c), m.pattern, qualifier);
                (c, p + weight(r), r)
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
            let s = &mut state[i];
            s.confidence = 1.0 / z;
            s.choice = (best.0, best.1);
            s.support = weight(best.2);
            s.rules = best.2;
        }
    }

    let mut out = Vec::with_capacity(mentions.len());
    for (i, (m, s)) in mentions.iter().zip(&state).enumerate() {
        if m.demonym && !s.cues.compound {
            out.push(Resolved {
                start: m.start,
                end: m.end,
                // A demonym mention always has exactly its one place (`Gazetteer::find`).
                place: found.candidates(m)[0],
                confidence: 0.9,
                why: Why {
                    demonym: true,
                    ..Why::default()
                },
                demonym: true,
            });
            continue;
        }
        if !s.keep {
            continue;
        }
        let c = &s.cues;
        // The next word lower-cased, made the first time a rule asks.
        let next_lower = std::cell::OnceCell::new();
        let next = || next_lower.get_or_init(|| lowercase(c.next));
        // The core, not the place: it is at hand, and holds all asked here.
        let p = g.core(s.choice.0);
        let (single, amb) = (s.single, s.amb);
        let locative = LOCATIVE.contains(&c.prev.as_str());
        let qualified = s.rules & QUALIFIER != 0;
        let major = p.major;
        // A person-like name next to another capitalised word is part of a
        // person's or an organisation's name ("Victoria Nuland", "Washington Post").
        let next_is_place = mentions
            .get(i + 1)
            .is_some_and(|n| n.start > m.end && n.start <= m.end + 2);
        let next_extends = c.next_capitalised
            && !next_is_place
            && !FEATURE_WORDS.contains(&next().as_str())
            && !c.next_acronym;
        let states = p.kind == PlaceKind::Country;
        // "Tyler said" after "John Tyler": the person again, unless the text
        // says it is a place ("in Tyler", "Tyler, Texas").
        if single && !states && persons.binary_search(&m.pattern).is_ok() && !locative && !qualified
        {
            continue;
        }
        if single
            && amb.person()
            && !states
            && (next_extends || c.prev_capitalised || SPEECH_VERBS.contains(&next().as_str()))
        {
            continue;
        }
        // A town's name glued to another capitalised word is part of a
        // person's name ("Vladimir Putin", "Volodymyr Zelensky") unless that
        // word is an ordinary one ("Washington Post", "Toronto Police").
        if single
            && p.kind.is_settlement()
            && next_extends
            && (!major || !g.is_english_word(next()))
        {
            continue;
        }
        if single && p.kind.is_settlement() && !major && c.prev_capitalised {
            continue;
        }
        let strong_support = qualified || s.support >= 0.45;
        let evidence = if amb.any() && !states {
            locative && s.support > 0.0 || strong_support
        } else {
            locative || qualified || s.support >= 0.25
        };
        // A word or person's name that is only another name of the place
        // ("Julia", once Plovdiv's; "Levi", Lévis's) needs at least a
        // locative before it, however large the place ("in Geneva").
        let other_name = p.key != m.pattern;
        if single && amb.any() && !states && other_name && !(locative || evidence) {
            continue;
        }
        let needs_evidence = (single && amb.word && !states)
            || (single && amb.person() && !major)
            || (single && amb.any() && !states && !major && c.sentence_start && !locative)
            || p.kind == PlaceKind::Village;
        if needs_evidence && !evidence {
            continue;
        }
        if p.kind == PlaceKind::Village && !strong_support {
            continue;
        }
        let mut conf = s.confidence;
        if needs_evidence {
            conf *= 0.8;
        }
        let why = Why {
            prior: p.prior,
            rules: s.rules,
            after: LOCATIVE
                .iter()
                .position(|w| *w == c.prev.as_str())
                .map(|i| i as u8),
            ambiguous: amb.any(),
            demonym: false,
            other_name,
        };
        out.push(Resolved {
            start: m.start,
            end: m.end,
            place: s.choice.0,
            confidence: (conf * 1000.0).round() / 1000.0,
            why,
            demonym: false,
        });
    }
    out
}

#[cfg(test)]
mod lowercase_tests {
    use super::{NEAR, QUALIFIER, RULES, lowercase, weight, word_end, word_start};

    #[test]
    fn words_around_a_mention_are_cut_as_by_characters() {
        let by_chars_start = |s: &str| {
            s.char_indices()
                .rev()
                .take_while(|(_, ch)| ch.is_alphanumeric() || *ch == '.')
                .last()
                .map_or(s.len(), |(i, _)| i)
        };
        let by_chars_end = |s: &str| {
            s.char_indices()
                .find(|(_, ch)| !ch.is_alphanumeric())
                .map_or(s.len(), |(i, _)| i)
        };
        for s in [
            "",
            "troops in",
            "said Gen.",
            "the U.S.",
            "in Łódź",
            "café",
            "naïve x",
            "über",
            "x—y",
            "2024 in",
            "rue Saint-Étienne",
            "Zürich's",
        ] {
            assert_eq!(word_start(s), by_chars_start(s), "{s:?}");
            assert_eq!(word_end(s), by_chars_end(s), "{s:?}");
        }
    }

    #[test]
    fn a_set_of_rules_weighs_the_sum_of_its_weights() {
        for set in 0..=u8::MAX {
            let sum: f64 = RULES
                .iter()
                .enumerate()
                .filter(|(i, _)| set & (1 << i) != 0)
                .map(|(_, r)| r.0)
                .sum();
            assert_eq!(weight(set).to_bits(), sum.to_bits(), "rules {set:#b}");
        }
        assert_eq!(weight(QUALIFIER | NEAR), 0.8 + 0.2);
    }

    #[test]
    fn neighbour_words_lower_case_as_str_does() {
        // Cues keep the words around a name inline; they must read exactly
        // as `str::to_lowercase` would have them, final sigma included.
        for w in [
            "Gen.",
            "ΟΔΟΣ",
            "İstanbul",
            "STRASSE",
            "Straße",
            "Kyiv",
            "ǅemal",
            "NATO-led",
            "",
            "said",
            "2024",
            "in",
        ] {
            assert_eq!(lowercase(w), w.to_lowercase(), "{w}");
        }
    }
}
