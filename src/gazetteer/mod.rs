//! The gazetteer: loading names, indexing them in one automaton, finding
//! mentions in text and resolving each to one place.
//!
//! It owns everything about places; it knows nothing of articles' structure,
//! forces or output formats.

pub mod cache;
pub mod fold;
pub mod load;
pub mod place;
pub mod resolve;

use rustc_hash::FxHashSet as HashSet;

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;

use daachorse::DoubleArrayAhoCorasick;
use rayon::prelude::*;

pub use load::GazetteerError;
pub use place::{Place, PlaceCore, PlaceKind, distance_km};
pub use resolve::Resolved;

use fold::{Folded, is_word_byte};

/// Index of a place in the gazetteer.
pub type PlaceIdx = u32;

/// Per automaton pattern: the (place, name index) pairs it stands for.
pub(crate) type PatternEntries = Vec<Vec<(PlaceIdx, u16)>>;

/// Where the gazetteer comes from.
#[derive(Debug, Clone, Default)]
pub struct GazetteerConfig {
    /// A folder whose files override the built-in ones by name; every other
    /// `*.csv` in it (in curated format) is read as extra entries.
    pub dir: Option<PathBuf>,
    /// Extra CSV files in curated format (`--gazetteer FILE`).
    pub extra: Vec<PathBuf>,
    /// Folder for the name-index cache (`cache.rs`); None builds it every time.
    pub cache_dir: Option<PathBuf>,
}

/// Files in the gazetteer folder that are not curated-format entry lists.
const NOT_ENTRY_CSV: &[&str] = &[
    "event_words.csv",
    "force_context.csv",
    "status_words.csv",
    "country_aliases.csv",
    "country_points.csv",
    "demonyms.csv",
    "forces.csv",
];

/// Name index marking a pattern entry as a demonym of the place, not a name.
const DEMONYM: u16 = u16::MAX;

/// A name found in text: byte span in the original text and the places it
/// may refer to.
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// The automaton pattern that matched; `Gazetteer::key` gives its
    /// folded text (`suwalki gap`).
    pub pattern: u32,
    pub candidates: Vec<PlaceIdx>,
    /// The words are a demonym or adjective ("Lithuanian") of `candidates[0]`.
    pub demonym: bool,
}

/// Recognition flags of a name that is also an ordinary word or a person's name.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ambiguity {
    pub word: bool,
    pub first_name: bool,
    pub surname: bool,
}

impl Ambiguity {
    pub fn any(self) -> bool {
        self.word || self.first_name || self.surname
    }
    pub fn person(self) -> bool {
        self.first_name || self.surname
    }
}

pub struct Gazetteer {
    places: Vec<Place>,
    patterns: PatternEntries,
    /// Folded names, sorted; a pattern's index is its key's position.
    pattern_keys: Vec<String>,
    /// Hashes of the first word of every name: other words never start a match.
    first_words: HashSet<u64>,
    automaton: DoubleArrayAhoCorasick<u32>,
    countries: HashMap<String, PlaceIdx>,
    admin1: HashMap<(String, String), PlaceIdx>,
    borders: HashMap<String, Vec<String>>,
    /// Countries that share a border, both ways, as packed codes.
    neighbours: HashSet<(u16, u16)>,
    cores: Vec<PlaceCore>,
    ambiguity: HashMap<String, Ambiguity>,
    not_places: HashSet<String>,
    first_names: HashSet<String>,
    english_words: HashSet<String>,
    titles: HashSet<String>,
    /// Folded demonym ("lithuanian") -> country code.
    demonyms: HashMap<String, String>,
    /// Files read, for messages and the cache key.
    pub sources: Vec<PathBuf>,
    /// Hash of every gazetteer file's text and the program build.
    pub fingerprint: u64,
}

/// Every built-in gazetteer file `Gazetteer::load` reads (a file of the
/// same name in the gazetteer folder overrides it).
const FILES: &[&str] = &[
    "countries.tsv",
    "continents.tsv",
    "admin1.tsv",
    "geonames_cities.tsv",
    "curated.csv",
    "country_aliases.csv",
    "country_points.csv",
    "ambiguous_names.tsv",
    "demonyms.csv",
    "not_places.txt",
    "first_names.tsv",
    "english_words.tsv",
    "person_titles.txt",
];

/// One of the gazetteer files (`FILES`): from the gazetteer folder when it
/// has it, else the built-in copy.
fn source(config: &GazetteerConfig, name: &str) -> Result<load::Source, GazetteerError> {
    // Every file read must be in the fingerprint.
    debug_assert!(FILES.contains(&name), "{name} missing from FILES");
    load::Source::builtin_or_dir(config.dir.as_deref().filter(|d| d.is_dir()), name)
}

/// Extra entry lists: every other `*.csv` in the gazetteer folder, then the
/// `--gazetteer` files.
fn extra_files(config: &GazetteerConfig) -> Result<Vec<PathBuf>, GazetteerError> {
    let mut extra: Vec<PathBuf> = Vec::new();
    if let Some(dir) = config.dir.as_deref().filter(|d| d.is_dir()) {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| GazetteerError::Read {
                file: dir.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                p.extension().is_some_and(|e| e == "csv")
                    && name != "curated.csv"
                    && !NOT_ENTRY_CSV.contains(&name)
            })
            .collect();
        found.sort();
        extra.extend(found);
    }
    extra.extend(config.extra.iter().cloned());
    Ok(extra)
}

/// A hash of every file the gazetteer of `config` is made from and of the
/// program build: what caches of results computed with it are keyed by.
/// Reads the files but builds nothing, so a build whose articles are all
/// cached never loads the gazetteer.
pub fn fingerprint(config: &GazetteerConfig) -> Result<u64, GazetteerError> {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    for name in FILES {
        source(config, name)?.text.hash(&mut h);
    }
    for path in extra_files(config)? {
        load::Source::read(&path)?.text.hash(&mut h);
    }
    program_hash().hash(&mut h);
    Ok(h.finish())
}

/// A hash of the running program's own file, so every cache keyed by a
/// fingerprint (parsed places, name index, build results) is rebuilt by a
/// new build of the program, not only by a new version number; the version
/// when the file cannot be read.
fn program_hash() -> u64 {
    static HASH: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *HASH.get_or_init(|| {
        use std::hash::BuildHasher;
        let bytes = std::env::current_exe().and_then(std::fs::read);
        match bytes {
            Ok(b) => rustc_hash::FxBuildHasher.hash_one(&b),
            Err(_) => rustc_hash::FxBuildHasher.hash_one(env!("CARGO_PKG_VERSION")),
        }
    })
}

/// What `Gazetteer::load` reads beside the places.
struct Side {
    ambiguity: HashMap<String, Ambiguity>,
    not_places: HashSet<String>,
    first_names: HashSet<String>,
    english_words: HashSet<String>,
    titles: HashSet<String>,
}

impl Gazetteer {
    /// Loads the built-in gazetteer, overridden and extended by `config`.
    pub fn load(config: &GazetteerConfig) -> Result<Gazetteer, GazetteerError> {
        Gazetteer::load_as(config, fingerprint(config)?)
    }

    /// `load` for a caller that has computed `fingerprint(config)` already;
    /// it keys the caches of places and names read here.
    pub fn load_as(
        config: &GazetteerConfig,
        fingerprint: u64,
    ) -> Result<Gazetteer, GazetteerError> {
        let src = |name: &str| source(config, name);
        // The small lists are read on the other core while the places load.
        let side = || -> Result<_, GazetteerError> {
            let ambiguity = load::ambiguity(&src("ambiguous_names.tsv")?)
                .into_iter()
                .map(|(k, flags)| {
                    let has = |f: &str| flags.iter().any(|x| x == f);
                    (
                        k,
                        Ambiguity {
                            word: has("word"),
                            first_name: has("first_name"),
                            surname: has("surname"),
                        },
                    )
                })
                .collect();
            Ok(Side {
                ambiguity,
                not_places: src("not_places.txt")?.word_list(),
                first_names: src("first_names.tsv")?.word_list(),
                english_words: src("english_words.tsv")?.word_list(),
                titles: src("person_titles.txt")?.word_list(),
            })
        };
        let (side, main) = rayon::join(side, || Gazetteer::load_places(config, fingerprint));
        let side = side?;
        let main = main?;
        Ok(Gazetteer {
            ambiguity: side.ambiguity,
            not_places: side.not_places,
            first_names: side.first_names,
            english_words: side.english_words,
            titles: side.titles,
            fingerprint,
            ..main
        })
    }

    /// Every place of the gazetteer files, after the countries (`places`
    /// holds them): continents, divisions, cities, curated and extra
    /// entries, with country aliases and points applied.
    fn parse_places(
        src: &dyn Fn(&str) -> Result<load::Source, GazetteerError>,
        mut places: Vec<Place>,
        extra: &[PathBuf],
    ) -> Result<Vec<Place>, GazetteerError> {
        let continents = src("continents.tsv")?;
        load::continents(&continents, &mut places)?;
        let admin1 = src("admin1.tsv")?;
        load::admin1(&admin1, &mut places)?;
        let cities = src("geonames_cities.tsv")?;
        load::cities(&cities, &mut places)?;
        let mut ids = HashSet::default();
        let curated = src("curated.csv")?;
        load::curated(&curated, &mut places, &mut ids)?;
        for path in extra {
            let s = load::Source::read(path)?;
            load::curated(&s, &mut places, &mut ids)?;
        }

        let country_idx = country_index(&places);
        let aliases = src("country_aliases.csv")?;
        for (code, alias) in load::country_aliases(&aliases)? {
            if let Some(&i) = country_idx.get(&code) {
                places[i as usize].names.push(alias);
            }
        }
        let points = src("country_points.csv")?;
        for (code, lat, lon) in load::country_points(&points)? {
            if let Some(&i) = country_idx.get(&code) {
                places[i as usize].lat = lat;
                places[i as usize].lon = lon;
            }
        }
        Ok(places)
    }

    /// The places, name index and country facts of `config`'s gazetteer
    /// (the lists `load` reads beside them are left empty).
    fn load_places(
        config: &GazetteerConfig,
        fingerprint: u64,
    ) -> Result<Gazetteer, GazetteerError> {
        let dir = config.dir.as_deref().filter(|d| d.is_dir());
        let src = |name: &str| source(config, name);
        let snapshot = config
            .cache_dir
            .as_deref()
            .map(|d| cache::places_path(d, fingerprint));
        // The countries' facts (demonyms, borders) are always read: small.
        let mut facts = Vec::new();
        let countries_src = src("countries.tsv")?;
        let mut places = Vec::new();
        load::countries(&countries_src, &mut places, &mut facts)?;
        let mut sources: Vec<PathBuf> = [
            "countries.tsv",
            "continents.tsv",
            "admin1.tsv",
            "geonames_cities.tsv",
            "curated.csv",
        ]
        .iter()
        .map(|n| load::Source::path_of(dir, n))
        .collect();
        let extra = extra_files(config)?;
        sources.extend(extra.iter().cloned());
        // The places (parsed or from their cache) and the cached name index,
        // both keyed by the fingerprint, are read side by side.
        let index_file = config
            .cache_dir
            .as_deref()
            .map(|d| cache::path(d, fingerprint));
        let (places, cached_index) = rayon::join(
            || -> Result<Vec<Place>, GazetteerError> {
                if let Some(places) = snapshot
                    .as_deref()
                    .and_then(|p| cache::read_places(p, fingerprint))
                {
                    return Ok(places);
                }
                let places = Gazetteer::parse_places(&src, places, &extra)?;
                if let Some(p) = &snapshot {
                    // A cache that cannot be written only costs time next run.
                    let _ = cache::write_places(p, fingerprint, &places);
                }
                Ok(places)
            },
            || {
                index_file
                    .as_deref()
                    .and_then(|f| cache::read(f, fingerprint))
            },
        );
        let places = places?;
        // An index naming places beyond the list is not ours: rebuilt.
        let cached_index = cached_index.filter(|ix| {
            ix.patterns
                .iter()
                .flatten()
                .all(|(p, _)| (*p as usize) < places.len())
        });
        let country_idx = country_index(&places);
        let admin1_idx = places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.feature == "ADM1")
            .map(|(i, p)| ((p.country.clone(), p.admin1.clone()), i as PlaceIdx))
            .collect();

        let mut demonyms = HashMap::default();
        let mut borders = HashMap::default();
        for f in &facts {
            for d in &f.demonyms {
                demonyms.insert(fold::key(d), f.code.clone());
            }
            borders.insert(f.code.clone(), f.borders.clone());
        }

        let mut demonym_of: Vec<(String, PlaceIdx)> = Vec::new();
        for f in &facts {
            if let Some(&i) = country_idx.get(&f.code) {
                for d in &f.demonyms {
                    demonym_of.push((d.clone(), i));
                    if d.ends_with('n') {
                        demonym_of.push((format!("{d}s"), i));
                    }
                }
            }
        }
        let by_id: HashMap<&str, PlaceIdx> = places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i as PlaceIdx))
            .collect();
        let extra_demonyms = src("demonyms.csv")?;
        for (d, id) in load::demonyms(&extra_demonyms)? {
            match by_id.get(id.as_str()) {
                Some(&i) => demonym_of.push((d, i)),
                None => {
                    return Err(GazetteerError::Shape {
                        file: extra_demonyms.path.clone(),
                        line: 0,
                        problem: format!("demonym {d:?} names unknown place id {id:?}"),
                    });
                }
            }
        }
        let cache::NameIndex {
            patterns,
            keys: pattern_keys,
            automaton,
        } = match cached_index {
            Some(index) => index,
            None => {
                let index = index(&places, &demonym_of)?;
                if let Some(f) = &index_file {
                    // A cache that cannot be written only costs time next run.
                    let _ = cache::write(f, fingerprint, &index);
                }
                index
            }
        };
        let first_words = pattern_keys
            .iter()
            .map(|k| word_hash(k.split([' ', '|']).next().unwrap_or_default().as_bytes()))
            .collect();
        Ok(Gazetteer {
            cores: cores(&places),
            places,
            patterns,
            pattern_keys,
            first_words,
            automaton,
            countries: country_idx,
            admin1: admin1_idx,
            neighbours: borders
                .iter()
                .flat_map(|(a, bs)| {
                    bs.iter()
                        .map(move |b| (PlaceCore::country_code(a), PlaceCore::country_code(b)))
                })
                .collect(),
            borders,
            ambiguity: HashMap::default(),
            not_places: HashSet::default(),
            first_names: HashSet::default(),
            english_words: HashSet::default(),
            titles: HashSet::default(),
            demonyms,
            sources,
            fingerprint: 0,
        })
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    pub fn place(&self, i: PlaceIdx) -> &Place {
        &self.places[i as usize]
    }

    pub fn country(&self, code: &str) -> Option<PlaceIdx> {
        self.countries.get(code).copied()
    }

    pub fn admin1_of(&self, p: &Place) -> Option<PlaceIdx> {
        self.admin1
            .get(&(p.country.clone(), p.admin1.clone()))
            .copied()
    }

    pub fn core(&self, i: PlaceIdx) -> &PlaceCore {
        &self.cores[i as usize]
    }

    /// Whether two countries (packed codes) share a border.
    pub fn neighbours(&self, a: u16, b: u16) -> bool {
        self.neighbours.contains(&(a, b))
    }

    pub fn borders(&self, a: &str, b: &str) -> bool {
        self.borders
            .get(a)
            .is_some_and(|v| v.iter().any(|x| x == b))
    }

    pub fn ambiguity(&self, key: &str) -> Ambiguity {
        self.ambiguity.get(key).copied().unwrap_or_default()
    }

    pub fn is_not_place(&self, key: &str) -> bool {
        self.not_places.contains(key)
    }

    pub fn is_first_name(&self, key: &str) -> bool {
        self.first_names.contains(key)
    }

    /// The folded text of an automaton pattern.
    pub fn key(&self, pattern: u32) -> &str {
        &self.pattern_keys[pattern as usize]
    }

    pub fn is_english_word(&self, key: &str) -> bool {
        self.english_words.contains(key)
    }

    pub fn is_title(&self, key: &str) -> bool {
        self.titles.contains(key)
    }

    /// The country a demonym or adjective names ("Lithuanian" -> `LT`).
    pub fn demonym(&self, word: &str) -> Option<&str> {
        self.demonyms.get(&fold::key(word)).map(String::as_str)
    }

    /// Every demonym with its country, for later stages (force owners).
    pub fn demonyms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.demonyms.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Entries answering to `name` exactly (after folding).
    pub fn lookup(&self, name: &str) -> Vec<PlaceIdx> {
        let key = fold::key(name);
        let mut out: Vec<PlaceIdx> = self
            .pattern_keys
            .binary_search(&key)
            .map(|p| self.patterns[p].iter().map(|(i, _)| *i).collect())
            .unwrap_or_default();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Entries answering to `name` with their prior score, best first.
    pub fn candidates(&self, name: &str) -> Vec<(PlaceIdx, f64)> {
        let mut out: Vec<(PlaceIdx, f64)> = self
            .lookup(name)
            .into_iter()
            .map(|i| (i, (resolve::prior(self.place(i)) * 1000.0).round() / 1000.0))
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Every name occurrence in `text` on word boundaries, longest first, with
    /// the places whose written form it fits (case rules below).
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let folded = Folded::capitalised(text, |w| self.first_words.contains(&word_hash(w)));
        let bytes = folded.text.as_bytes();
        let mut found: Vec<Mention> = Vec::new();
        for m in self.automaton.find_overlapping_iter(folded.text.as_bytes()) {
            let (s, e) = (m.start() + 1, m.end());
            if e < bytes.len() && is_word_byte(bytes[e]) {
                continue;
            }
            let start = folded.origin(s);
            let end = if e < bytes.len() {
                folded.origin(e)
            } else {
                text.len()
            };
            let end = start + text[start..end].trim_end().len();
            let surface = &text[start..end];
            let pid = m.value() as usize;
            let entries = &self.patterns[pid];
            let demonym = entries.iter().find(|(_, n)| *n == DEMONYM).map(|(p, _)| *p);
            if let Some(p) = demonym {
                if surface.chars().next().is_some_and(char::is_uppercase) {
                    found.push(Mention {
                        start,
                        end,
                        pattern: pid as u32,
                        candidates: vec![p],
                        demonym: true,
                    });
                }
                continue;
            }
            // Most hits are ordinary lower-case words that some place is named
            // after ("of", "bath"): out before any closer look.
            let lower = surface.chars().next().is_some_and(char::is_lowercase);
            if lower
                && entries.iter().all(|(p, n)| {
                    self.places[*p as usize].names[*n as usize]
                        .starts_with(|c: char| c.is_uppercase())
                })
            {
                continue;
            }
            // Many entries share one spelling ("Washington" x 100): check
            // each spelling once.
            let mut seen: Vec<(&str, bool)> = Vec::new();
            let mut candidates: Vec<PlaceIdx> = entries
                .iter()
                .filter(|(p, n)| {
                    let name = self.places[*p as usize].names[*n as usize].as_str();
                    match seen.iter().find(|(s, _)| *s == name) {
                        Some(&(_, ok)) => ok,
                        None => {
                            let ok = case_fits(name, surface);
                            seen.push((name, ok));
                            ok
                        }
                    }
                })
                .map(|(p, _)| *p)
                .collect();
            if candidates.is_empty() {
                continue;
            }
            candidates.sort_unstable();
            candidates.dedup();
            found.push(Mention {
                start,
                end,
                pattern: pid as u32,
                candidates,
                demonym: false,
            });
        }
        // Longest match wins ("Suwałki Gap" over "Suwałki"), then leftmost.
        // A leading "the" does not make a name longer: "the Baltic Sea" is
        // the sea, not the alias "the Baltic" followed by "Sea".
        let weight = |m: &Mention| {
            let span = &text[m.start..m.end];
            let the = span
                .get(..4)
                .is_some_and(|p| p.eq_ignore_ascii_case("the "));
            m.end - m.start - if the { 4 } else { 0 }
        };
        found.sort_by_key(|m| (std::cmp::Reverse(weight(m)), m.start));
        // Taken spans by start: a candidate overlaps a kept one only if its
        // nearest neighbours do, so each check is a lookup, not a scan.
        let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
        let mut kept: Vec<Mention> = Vec::new();
        for m in found {
            let before = taken
                .range(..m.end)
                .next_back()
                .is_some_and(|(_, &end)| end > m.start);
            if !before {
                taken.insert(m.start, m.end);
                kept.push(m);
            }
        }
        kept.sort_by_key(|m| m.start);
        kept
    }

    /// Finds and resolves the places named in `text` (demonyms are not places).
    pub fn tag(&self, text: &str) -> Vec<Resolved> {
        let mut all = resolve::resolve(self, text, self.find(text));
        all.retain(|r| !r.demonym);
        all
    }

    /// Like `tag`, with demonyms and adjectives ("Lithuanian") kept as
    /// mentions of their country, as geoparsing corpora count them.
    pub fn tag_with_demonyms(&self, text: &str) -> Vec<Resolved> {
        // Resolution weighs every name against the others; a huge document
        // is read in sections so the work stays linear in its length.
        let mut out = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let end = section_end(text, at, SECTION);
            let part = &text[at..end];
            out.extend(
                resolve::resolve(self, part, self.find(part))
                    .into_iter()
                    .map(|mut r| {
                        r.start += at;
                        r.end += at;
                        r
                    }),
            );
            at = end;
        }
        out
    }
}

/// Builds the automaton over every folded name, each as " key" so that
/// matches can only start at a word start.
fn index(
    places: &[Place],
    demonyms: &[(String, PlaceIdx)],
) -> Result<cache::NameIndex, GazetteerError> {
    // Folding is the costly part: done for all names in parallel, in order.
    let folded: Vec<Vec<String>> = places
        .par_iter()
        .map(|p| {
            p.names
                .iter()
                .take(u16::MAX as usize - 1)
                .map(|n| fold::key(n))
                .collect()
        })
        .collect();
    let mut by_key: HashMap<String, usize> = HashMap::default();
    let mut patterns: PatternEntries = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut slot_of = |key: String, keys: &mut Vec<String>, patterns: &mut PatternEntries| {
        *by_key.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            patterns.push(Vec::new());
            patterns.len() - 1
        })
    };
    for (i, names) in folded.into_iter().enumerate() {
        for (n, key) in names.into_iter().enumerate() {
            if key.len() < 2 || !key.bytes().any(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            let slot = slot_of(key, &mut keys, &mut patterns);
            if !patterns[slot].iter().any(|(q, _)| *q == i as PlaceIdx) {
                patterns[slot].push((i as PlaceIdx, n as u16));
            }
        }
    }
    // A demonym replaces any place of the same name: "Russian" is an adjective.
    for (d, i) in demonyms {
        let slot = slot_of(fold::key(d), &mut keys, &mut patterns);
        patterns[slot] = vec![(*i, DEMONYM)];
    }
    // Keys in sorted order, so a name is looked up by binary search.
    let mut pairs: Vec<_> = keys.into_iter().zip(patterns).collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let (keys, patterns): (Vec<String>, PatternEntries) = pairs.into_iter().unzip();
    let needles = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (format!(" {k}"), i as u32));
    let automaton =
        DoubleArrayAhoCorasick::with_values(needles).map_err(|e| GazetteerError::Shape {
            file: PathBuf::from("<gazetteer>"),
            line: 0,
            problem: format!(
                "the automaton over {} names cannot be built: {e}",
                keys.len()
            ),
        })?;
    Ok(cache::NameIndex {
        patterns,
        keys,
        automaton,
    })
}

fn cores(places: &[Place]) -> Vec<PlaceCore> {
    let mut admin1_ids: HashMap<(&str, &str), u32> = HashMap::default();
    places
        .iter()
        .map(|p| {
            let admin1 = if p.admin1.is_empty() {
                0
            } else {
                let next = admin1_ids.len() as u32 + 1;
                *admin1_ids
                    .entry((p.country.as_str(), p.admin1.as_str()))
                    .or_insert(next)
            };
            PlaceCore {
                lat: p.lat,
                lon: p.lon,
                country: PlaceCore::country_code(&p.country),
                admin1,
                kind: p.kind,
                is_admin1: p.feature == "ADM1",
                prior: resolve::prior(p),
            }
        })
        .collect()
}

/// Each country's entry by its ISO code.
fn country_index(places: &[Place]) -> HashMap<String, PlaceIdx> {
    places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == PlaceKind::Country)
        .map(|(i, p)| (p.country.clone(), i as PlaceIdx))
        .collect()
}

/// The hash of a folded word, for `first_words`.
fn word_hash(w: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(w);
    h.finish()
}

/// Size of the sections a long text is resolved in.
const SECTION: usize = 64 * 1024;

/// Where a section starting at `at` ends: the first line break (else
/// sentence end, else space, else char boundary) after `at + size`.
fn section_end(text: &str, at: usize, size: usize) -> usize {
    if text.len() - at <= size {
        return text.len();
    }
    let mut from = at + size;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    // Look for a break only within the next `size` bytes: the search must
    // not rescan the rest of a huge one-line text for every section.
    let mut window = (from + size).min(text.len());
    while !text.is_char_boundary(window) {
        window += 1;
    }
    let rest = &text[from..window];
    let cut = rest
        .find('\n')
        .or_else(|| rest.find(". "))
        .or_else(|| rest.find(' '))
        .map_or(rest.len(), |i| i + 1);
    // Never more than twice the size: a 50 MB line with no space is cut anyway.
    let end = from + cut.min(size);
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// Whether the text's written form fits a gazetteer name's capitalisation:
/// an all-capitals abbreviation (`US`, `UK`) only in capitals, a short name
/// (three letters or fewer) exactly, and otherwise every capitalised word of
/// the name capitalised in the text ("Baltic Sea" not "baltic sea").
pub fn case_fits(name: &str, surface: &str) -> bool {
    let (name_letters, name_upper) = letter_counts(name);
    let (text_letters, text_upper) = letter_counts(surface);
    let name_caps = name_letters == name_upper;
    if (2..=5).contains(&name_letters) && name_caps {
        return text_letters == text_upper;
    }
    // "NATO" is not the village of Nato: a short word in capitals is an acronym.
    if (2..=5).contains(&text_letters) && text_letters == text_upper && !name_caps {
        return false;
    }
    if name_letters <= 3 {
        return name == surface;
    }
    let mut nw = word_initials(name);
    let mut sw = word_initials(surface);
    loop {
        match (nw.next(), sw.next()) {
            (None, None) => return true,
            (Some(n), Some(t)) => {
                if n.is_uppercase() && !(t.is_uppercase() || t.is_numeric()) {
                    return false;
                }
            }
            // Different word counts: only the first word's capital is checked.
            _ => {
                return word_initials(surface)
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric());
            }
        }
    }
}

/// (letters, upper-case letters) in `s`.
fn letter_counts(s: &str) -> (usize, usize) {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(l, u), c| {
            (l + 1, u + usize::from(c.is_uppercase()))
        })
}

/// The first character of every word of `s`.
fn word_initials(s: &str) -> impl Iterator<Item = char> + '_ {
    s.split(|c: char| !c.is_alphanumeric())
        .filter_map(|w| w.chars().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_rules() {
        assert!(case_fits("US", "US"));
        assert!(!case_fits("US", "us"));
        assert!(case_fits("Baltic Sea", "Baltic Sea"));
        assert!(!case_fits("Baltic Sea", "baltic sea"));
        assert!(case_fits("the States", "the States"));
        assert!(case_fits("Vilnius", "VILNIUS"));
        assert!(!case_fits("Nice", "nice"));
        assert!(!case_fits("Nato", "NATO"));
    }
}
