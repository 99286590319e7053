//! The gazetteer: loading names, indexing them in one hash table, finding
//! mentions in text and resolving each to one place.
//!
//! It owns everything about places; it knows nothing of articles' structure,
//! forces or output formats.

pub mod cache;
pub mod fold;
pub mod image;
pub mod load;
pub mod names;
pub mod place;
pub mod resolve;

use rustc_hash::FxHashSet as HashSet;

use rustc_hash::FxHashMap as HashMap;
use std::path::PathBuf;

use rayon::prelude::*;

pub use load::GazetteerError;
pub use place::{Place, PlaceCore, PlaceKind, distance_km};
pub use resolve::Resolved;

use fold::Folded;
use image::{DEMONYM, Entry, Image, LowerStarts, Places, Strings, WordSet};
use names::NameTable;

/// Index of a place in the gazetteer.
pub type PlaceIdx = u32;

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

/// A name found in text: byte span in the original text and the places it
/// may refer to.
#[derive(Debug, Clone)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    /// The name (key) that matched; `Gazetteer::key` gives its
    /// folded text (`suwalki gap`).
    pub pattern: u32,
    /// Where its candidates are in `Found::pool` (`Found::candidates`).
    pub candidates: std::ops::Range<u32>,
    /// The words are a demonym or adjective ("Lithuanian") of its one candidate.
    pub demonym: bool,
}

/// The names found in one text, in order, with every mention's candidate
/// places in one shared pool: finding allocates per text, not per mention.
#[derive(Debug, Default, Clone)]
pub struct Found {
    pub mentions: Vec<Mention>,
    pool: Vec<PlaceIdx>,
}

impl Found {
    /// The places `m` may refer to, sorted.
    pub fn candidates(&self, m: &Mention) -> &[PlaceIdx] {
        &self.pool[m.candidates.start as usize..m.candidates.end as usize]
    }

    /// Every candidate of every mention, in mention order: a value per
    /// candidate can live in one vector indexed like this pool.
    pub fn pool_len(&self) -> usize {
        self.pool.len()
    }
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

/// What resolution asks of a name (key) at every mention of it, worked out
/// once per key when the image is made: a byte read instead of the key's
/// text and two word-list lookups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyFacts(u8);

impl KeyFacts {
    const SINGLE_WORD: u8 = 1;
    const WORD: u8 = 1 << 1;
    const FIRST_NAME: u8 = 1 << 2;
    const SURNAME: u8 = 1 << 3;
    const NOT_PLACE: u8 = 1 << 4;

    fn of(key: &str, ambiguity: Ambiguity, not_place: bool) -> KeyFacts {
        let bit = |set: bool, b: u8| if set { b } else { 0 };
        KeyFacts(
            bit(!key.contains([' ', '|']), Self::SINGLE_WORD)
                | bit(ambiguity.word, Self::WORD)
                | bit(ambiguity.first_name, Self::FIRST_NAME)
                | bit(ambiguity.surname, Self::SURNAME)
                | bit(not_place, Self::NOT_PLACE),
        )
    }

    /// The name is one word ("rota", not "suwalki gap" or "u| s").
    pub fn single_word(self) -> bool {
        self.0 & Self::SINGLE_WORD != 0
    }

    /// Whether the name is also a word or a person's name
    /// (`ambiguous_names.tsv`).
    pub fn ambiguity(self) -> Ambiguity {
        Ambiguity {
            word: self.0 & Self::WORD != 0,
            first_name: self.0 & Self::FIRST_NAME != 0,
            surname: self.0 & Self::SURNAME != 0,
        }
    }

    /// The name is on the list of names that are never places
    /// (`not_places.txt`).
    pub fn not_place(self) -> bool {
        self.0 & Self::NOT_PLACE != 0
    }
}

pub struct Gazetteer {
    places: Places,
    cores: Vec<PlaceCore>,
    /// Folded names, sorted; a pattern's number is its key's position.
    keys: Strings,
    /// End of each pattern's run in `entries` (`Image::pattern_range`).
    pattern_ends: Vec<u32>,
    entries: Vec<Entry>,
    /// The names as written, by `Entry::spelling`.
    spellings: Strings,
    /// Bit per spelling: it starts with a capital.
    capitals: Vec<u64>,
    /// Filter over the first words of every name: other words never start
    /// a match (`image::may_start`).
    first_words: Vec<u64>,
    /// The first words of the names a word written in lower case may start.
    lower_starts: LowerStarts,
    /// Every key and start of one, for `find`.
    names: NameTable,
    /// `KeyFacts` of each key.
    key_facts: Vec<u8>,
    countries: HashMap<String, PlaceIdx>,
    admin1: HashMap<(String, String), PlaceIdx>,
    borders: HashMap<String, Vec<String>>,
    /// Countries that share a border, both ways, as packed codes.
    neighbours: HashSet<(u16, u16)>,
    first_names: WordSet,
    english_words: WordSet,
    titles: WordSet,
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
/// Builds nothing, so a build whose articles are all cached never loads the
/// gazetteer. Built-in files are part of the program, so the program's
/// identity stands for them; the user's files are known by their path,
/// size, modification time and inode, as `make` knows its inputs, so a run
/// does not read megabytes to find nothing changed (an edited file always
/// gets a new time).
pub fn fingerprint(config: &GazetteerConfig) -> Result<u64, GazetteerError> {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut file = |path: &std::path::Path| -> Result<(), GazetteerError> {
        let meta = std::fs::metadata(path).map_err(|source| GazetteerError::Read {
            file: path.to_path_buf(),
            source,
        })?;
        h.update(format!("{}\0{:?}\0", path.display(), file_identity(&meta)).as_bytes());
        Ok(())
    };
    let dir = config.dir.as_deref().filter(|d| d.is_dir());
    for name in FILES {
        let path = load::Source::path_of(dir, name);
        if dir.is_some_and(|d| path.starts_with(d)) {
            file(&path)?;
        }
    }
    for path in extra_files(config)? {
        file(&path)?;
    }
    h.update(format!("{:?}", program_identity()).as_bytes());
    Ok(h.digest())
}

/// Size, modification time (to the nanosecond) and inode of a file.
type FileIdentity = (u64, Option<std::time::Duration>, u64);

fn file_identity(meta: &std::fs::Metadata) -> FileIdentity {
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0;
    (meta.len(), modified, inode)
}

/// What tells this build of the program from any other: its version and
/// its file's size, modification time and inode, so every cache keyed by a
/// fingerprint (gazetteer image, build results) is rebuilt by a new build
/// of the program, not only by a new version number. Reading the file
/// itself would cost more than the rest of a small run.
fn program_identity() -> (&'static str, Option<FileIdentity>) {
    static ID: std::sync::OnceLock<Option<FileIdentity>> = std::sync::OnceLock::new();
    let file = *ID.get_or_init(|| {
        let meta = std::env::current_exe().and_then(std::fs::metadata).ok()?;
        Some(file_identity(&meta))
    });
    (env!("CARGO_PKG_VERSION"), file)
}

impl Gazetteer {
    /// Loads the built-in gazetteer, overridden and extended by `config`.
    pub fn load(config: &GazetteerConfig) -> Result<Gazetteer, GazetteerError> {
        Gazetteer::load_as(config, fingerprint(config)?)
    }

    /// `load` for a caller that has computed `fingerprint(config)` already:
    /// the image cached under it is read, or built from the files and cached.
    pub fn load_as(
        config: &GazetteerConfig,
        fingerprint: u64,
    ) -> Result<Gazetteer, GazetteerError> {
        let file = config
            .cache_dir
            .as_deref()
            .map(|d| cache::image_path(d, fingerprint));
        let cached = file
            .as_deref()
            .and_then(|f| cache::read_image(f, fingerprint));
        let image = match cached {
            Some(image) => image,
            None => {
                let image = Gazetteer::build_image(config)?;
                if let Some(f) = &file {
                    // A cache that cannot be written only costs time next run.
                    let _ = cache::write_image(f, fingerprint, &image);
                }
                image
            }
        };
        let mut sources: Vec<PathBuf> = [
            "countries.tsv",
            "continents.tsv",
            "admin1.tsv",
            "geonames_cities.tsv",
            "curated.csv",
        ]
        .iter()
        .map(|n| load::Source::path_of(config.dir.as_deref().filter(|d| d.is_dir()), n))
        .collect();
        sources.extend(extra_files(config)?);
        Ok(Gazetteer::from_image(image, sources, fingerprint))
    }

    fn from_image(image: Image, sources: Vec<PathBuf>, fingerprint: u64) -> Gazetteer {
        let Image {
            places,
            cores,
            keys,
            pattern_ends,
            entries,
            spellings,
            capitals,
            first_words,
            names,
            key_facts,
            small,
        } = image;
        let borders: HashMap<String, Vec<String>> = small.borders.into_iter().collect();
        Gazetteer {
            places,
            cores,
            keys,
            pattern_ends,
            entries,
            spellings,
            capitals,
            first_words,
            names,
            key_facts,
            countries: small.countries.into_iter().collect(),
            admin1: small.admin1.into_iter().collect(),
            neighbours: borders
                .iter()
                .flat_map(|(a, bs)| {
                    bs.iter()
                        .map(move |b| (PlaceCore::country_code(a), PlaceCore::country_code(b)))
                })
                .collect(),
            borders,
            first_names: small.first_names,
            english_words: small.english_words,
            titles: small.titles,
            lower_starts: LowerStarts::new(&small.lower_first_words),
            demonyms: small.demonyms.into_iter().collect(),
            sources,
            fingerprint,
        }
    }

    /// Reads and indexes every gazetteer file of `config`.
    fn build_image(config: &GazetteerConfig) -> Result<Image, GazetteerError> {
        let src = |name: &str| source(config, name);
        // The word lists are read on the other core while the places load.
        let words = || -> Result<_, GazetteerError> {
            let flags: HashMap<String, Ambiguity> = load::ambiguity(&src("ambiguous_names.tsv")?)
                .into_iter()
                .map(|(k, flags)| {
                    let has = |f: &str| flags.iter().any(|x| x == f);
                    let a = Ambiguity {
                        word: has("word"),
                        first_name: has("first_name"),
                        surname: has("surname"),
                    };
                    (k, a)
                })
                .collect();
            let list = |name: &str| -> Result<Strings, GazetteerError> {
                Ok(Strings::sorted(src(name)?.word_list()))
            };
            Ok((
                flags,
                WordSet::new(list("not_places.txt")?),
                list("first_names.tsv")?,
                list("english_words.tsv")?,
                list("person_titles.txt")?,
            ))
        };
        let (words, main) = rayon::join(words, || Gazetteer::build_places(config));
        let (ambiguity, not_places, first_names, english_words, titles) = words?;
        let mut image = main?;
        image.small.first_names = WordSet::new(first_names);
        image.small.english_words = WordSet::new(english_words);
        image.small.titles = WordSet::new(titles);
        image.key_facts = (0..image.keys.len())
            .map(|i| {
                let key = image.keys.get(i);
                let flags = ambiguity.get(key).copied().unwrap_or_default();
                KeyFacts::of(key, flags, not_places.contains(key)).0
            })
            .collect();
        Ok(image)
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
    /// (the word lists are left empty).
    fn build_places(config: &GazetteerConfig) -> Result<Image, GazetteerError> {
        let src = |name: &str| source(config, name);
        let mut facts = Vec::new();
        let mut places = Vec::new();
        load::countries(&src("countries.tsv")?, &mut places, &mut facts)?;
        let places = Gazetteer::parse_places(&src, places, &extra_files(config)?)?;
        let country_idx = country_index(&places);
        let admin1 = places
            .iter()
            .enumerate()
            .filter(|(_, p)| p.feature == "ADM1")
            .map(|(i, p)| ((p.country.clone(), p.admin1.clone()), i as PlaceIdx))
            .collect();

        // A demonym several countries share ("French": France and the
        // French Southern Lands; "Indian", "Norwegian") names the one with
        // the most people in the gazetteer's towns.
        let mut people: HashMap<&str, u64> = HashMap::default();
        for p in places.iter().filter(|p| p.feature != "ADM1") {
            *people.entry(p.country.as_str()).or_default() += p.population;
        }
        let size = |f: &load::CountryFacts| people.get(f.code.as_str()).copied().unwrap_or(0);
        // Sorted by demonym, so the image is the same from run to run.
        let mut owner: std::collections::BTreeMap<String, &load::CountryFacts> = Default::default();
        for f in &facts {
            for d in &f.demonyms {
                owner
                    .entry(d.clone())
                    .and_modify(|o| {
                        if size(f) > size(o) {
                            *o = f;
                        }
                    })
                    .or_insert(f);
            }
        }
        let mut demonyms = Vec::new();
        let mut demonym_of: Vec<(String, PlaceIdx)> = Vec::new();
        for (d, f) in owner {
            demonyms.push((fold::key(&d), f.code.clone()));
            if let Some(&i) = country_idx.get(&f.code) {
                if d.ends_with('n') {
                    demonym_of.push((format!("{d}s"), i));
                }
                demonym_of.push((d, i));
            }
        }
        let borders = facts
            .iter()
            .map(|f| (f.code.clone(), f.borders.clone()))
            .collect::<Vec<_>>();
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
        let index = index(&places, &demonym_of);
        // The first words of the names with a spelling that does not start
        // with a capital: the only ones a word in lower case may start.
        let capitals = image::capital_bits(&index.spellings);
        let lower_case = |p: &usize| {
            let entries = &index.entries[Image::pattern_range(&index.pattern_ends, *p)];
            image::spelt_in_lower_case(&capitals, entries)
        };
        let lower_first_words = (0..index.keys.len())
            .filter(lower_case)
            .map(|p| image::first_word(index.keys.get(p)));
        let lower_first_words = WordSet::new(Strings::sorted(lower_first_words));
        let mut countries: Vec<(String, PlaceIdx)> = country_idx.into_iter().collect();
        countries.sort();
        Ok(Image {
            cores: cores(&places, &index.keys),
            places: Places::encode(&places),
            first_words: Image::first_word_filter((0..index.keys.len()).map(|i| index.keys.get(i))),
            keys: index.keys,
            pattern_ends: index.pattern_ends,
            entries: index.entries,
            capitals,
            spellings: index.spellings,
            names: index.names,
            // Made by `build_image` once the word lists are read.
            key_facts: Vec::new(),
            small: image::Small {
                countries,
                admin1,
                demonyms,
                borders,
                lower_first_words,
                ..Default::default()
            },
        })
    }

    /// How many entries the gazetteer has.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    pub fn place(&self, i: PlaceIdx) -> &Place {
        self.places.get(i)
    }

    /// `place(i)`'s id and name, without decoding the rest of it.
    pub fn place_id_and_name(&self, i: PlaceIdx) -> (&str, &str) {
        self.places.id_and_name(i)
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

    pub fn is_first_name(&self, key: &str) -> bool {
        self.first_names.contains(key)
    }

    /// What resolution asks of key (pattern) `pattern`.
    pub fn key_facts(&self, pattern: u32) -> KeyFacts {
        KeyFacts(self.key_facts[pattern as usize])
    }

    /// The folded text of a key (pattern).
    pub fn key(&self, pattern: u32) -> &str {
        self.keys.get(pattern as usize)
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

    /// The entries of key (pattern) `p`.
    fn pattern(&self, p: usize) -> &[Entry] {
        &self.entries[Image::pattern_range(&self.pattern_ends, p)]
    }

    /// Entries answering to `name` exactly (after folding).
    pub fn lookup(&self, name: &str) -> Vec<PlaceIdx> {
        let key = fold::key(name);
        let mut out: Vec<PlaceIdx> = self
            .keys
            .position(&key)
            .map(|p| self.pattern(p).iter().map(|e| e.place).collect())
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
    pub fn find(&self, text: &str) -> Found {
        let folded = Folded::capitalised(text, |w, lower| {
            if lower {
                self.lower_starts.may_start(w)
            } else {
                image::may_start(&self.first_words, w)
            }
        });
        let bytes = &folded.text[..];
        // A mention or so per name start, most of them with few places.
        let mut found: Vec<Mention> = Vec::with_capacity(folded.starts.len());
        let mut pool: Vec<PlaceIdx> = Vec::with_capacity(4 * folded.starts.len());
        let starts = folded.starts.iter().map(|&s| s as usize);
        self.names
            .each_match(&self.keys, bytes, starts, |s, e, pid| {
                let start = folded.origin(s);
                let end = if e < bytes.len() {
                    folded.origin(e)
                } else {
                    text.len()
                };
                // Whitespace is trimmed off the end, which is nearly always
                // a letter or digit already.
                let end = match text.as_bytes()[..end].last() {
                    Some(b) if b.is_ascii_alphanumeric() => end,
                    _ => start + text[start..end].trim_end().len(),
                };
                let surface = &text[start..end];
                let pid = pid as usize;
                let entries = self.pattern(pid);
                let from = pool.len() as u32;
                // A demonym's name has that one entry (`index`), and DEMONYM
                // sorts after every spelling: only the last entry can be one.
                let demonym = entries.last().filter(|e| e.spelling == DEMONYM);
                if let Some(d) = demonym {
                    if surface.chars().next().is_some_and(char::is_uppercase) {
                        pool.push(d.place);
                        found.push(Mention {
                            start,
                            end,
                            pattern: pid as u32,
                            candidates: from..from + 1,
                            demonym: true,
                        });
                    }
                    return;
                }
                // Most hits are ordinary lower-case words that some place is named
                // after ("of", "bath"): out before any closer look.
                let lower = surface.chars().next().is_some_and(char::is_lowercase);
                if lower && !image::spelt_in_lower_case(&self.capitals, entries) {
                    return;
                }
                // Entries come grouped by spelling ("Washington" x 100): each
                // spelling is checked once.
                let mut last: Option<(u32, bool)> = None;
                pool.extend(
                    entries
                        .iter()
                        .filter(|e| match last {
                            Some((sp, ok)) if sp == e.spelling => ok,
                            _ => {
                                let ok =
                                    case_fits(self.spellings.get(e.spelling as usize), surface);
                                last = Some((e.spelling, ok));
                                ok
                            }
                        })
                        .map(|e| e.place),
                );
                let mine = &mut pool[from as usize..];
                mine.sort_unstable();
                let distinct = dedup_sorted(mine);
                pool.truncate(from as usize + distinct);
                if distinct == 0 {
                    return;
                }
                found.push(Mention {
                    start,
                    end,
                    pattern: pid as u32,
                    candidates: from..pool.len() as u32,
                    demonym: false,
                });
            });
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
        found.sort_by_cached_key(|m| (std::cmp::Reverse(weight(m)), m.start));
        // Kept mentions stay sorted by start and never overlap, so a new one
        // overlaps a kept one only if the last kept one starting before its
        // end does: a binary search, not a scan.
        let mut kept: Vec<Mention> = Vec::with_capacity(found.len());
        for m in found {
            let at = kept.partition_point(|k| k.start < m.end);
            if at == 0 || kept[at - 1].end <= m.start {
                kept.insert(at, m);
            }
        }
        Found {
            mentions: kept,
            pool,
        }
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

/// Removes repeats from the sorted `items` in place; how many remain (at
/// the front).
fn dedup_sorted(items: &mut [PlaceIdx]) -> usize {
    let mut kept = 0;
    for i in 0..items.len() {
        if kept == 0 || items[i] != items[kept - 1] {
            items[kept] = items[i];
            kept += 1;
        }
    }
    kept
}

/// The name index `index` builds.
struct NameIndex {
    keys: Strings,
    pattern_ends: Vec<u32>,
    entries: Vec<Entry>,
    spellings: Strings,
    names: NameTable,
}

/// Indexes every folded name: the keys sorted, each with its entries, and
/// the hash table `find` looks them up in.
fn index(places: &[Place], demonyms: &[(String, PlaceIdx)]) -> NameIndex {
    // Folding is the costly part: done for all names in parallel, in order.
    let folded: Vec<Vec<String>> = places
        .par_iter()
        .map(|p| p.names.iter().map(|n| fold::key(n)).collect())
        .collect();
    // Folded key -> (place, spelling) pairs; one per place, its first name
    // that folds to the key.
    let mut by_key: HashMap<String, Vec<(PlaceIdx, Option<&str>)>> = HashMap::default();
    for (i, names) in folded.into_iter().enumerate() {
        let place = &places[i];
        for (n, key) in names.into_iter().enumerate() {
            if key.len() < 2 || !key.bytes().any(|b| b.is_ascii_alphabetic()) {
                continue;
            }
            let slot = by_key.entry(key).or_default();
            if !slot.iter().any(|(q, _)| *q == i as PlaceIdx) {
                slot.push((i as PlaceIdx, Some(place.names[n].as_str())));
            }
        }
    }
    // A demonym replaces any place of the same name: "Russian" is an adjective.
    for (d, i) in demonyms {
        by_key.insert(fold::key(d), vec![(*i, None)]);
    }
    // Keys in sorted order, so a name is looked up by binary search.
    let mut pairs: Vec<_> = by_key.into_iter().collect();
    pairs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut keys = Strings::default();
    let mut spellings = Strings::default();
    let mut spelling_ids: HashMap<&str, u32> = HashMap::default();
    let mut pattern_ends = Vec::with_capacity(pairs.len());
    let mut entries = Vec::new();
    for (key, slot) in &pairs {
        keys.push(key);
        let start = entries.len();
        for &(place, spelling) in slot {
            let spelling = match spelling {
                None => DEMONYM,
                Some(spelling) => *spelling_ids.entry(spelling).or_insert_with(|| {
                    spellings.push(spelling);
                    spellings.len() as u32 - 1
                }),
            };
            entries.push(Entry { spelling, place });
        }
        // Grouped by spelling, so `find` checks each spelling once.
        entries[start..].sort_unstable();
        pattern_ends.push(entries.len() as u32);
    }
    NameIndex {
        names: NameTable::build(&keys),
        keys,
        pattern_ends,
        entries,
        spellings,
    }
}

pub(crate) fn cores(places: &[Place], keys: &Strings) -> Vec<PlaceCore> {
    // Each place's own name folded and looked up, in parallel (a binary
    // search of the keys each).
    let own: Vec<u32> = places
        .par_iter()
        .map(|p| {
            keys.position(&fold::key(&p.name))
                .map_or(place::NO_KEY, |k| k as u32)
        })
        .collect();
    let mut admin1_ids: HashMap<(&str, &str), u32> = HashMap::default();
    places
        .iter()
        .zip(own)
        .map(|(p, key)| {
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
                major: p.is_major(),
                prior: resolve::prior(p),
                key,
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
    // Written as the name is: fits every rule below (the common case).
    if name == surface {
        return true;
    }
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
    if s.is_ascii() {
        // Nearly every name: a byte is a character, no decoding.
        return s.bytes().fold((0, 0), |(l, u), b| {
            (
                l + usize::from(b.is_ascii_alphabetic()),
                u + usize::from(b.is_ascii_uppercase()),
            )
        });
    }
    s.chars()
        .filter(|c| c.is_alphabetic())
        .fold((0, 0), |(l, u), c| {
            (l + 1, u + usize::from(c.is_uppercase()))
        })
}

/// The first character of every word (run of letters and digits) of `s`.
fn word_initials(s: &str) -> impl Iterator<Item = char> + '_ {
    let mut in_word = false;
    s.chars().filter(move |c| {
        let word = c.is_alphanumeric();
        let first = word && !in_word;
        in_word = word;
        first
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_gazetteer_file_is_built_in() {
        // Run outside the project folder, a file missing here would be read
        // as empty and the results would silently differ.
        for name in FILES {
            assert!(
                load::BUILTIN
                    .iter()
                    .any(|(n, t)| n == name && !t.is_empty()),
                "{name} is not built in"
            );
        }
    }

    #[test]
    fn key_facts_keep_what_resolution_asks_of_a_name() {
        let person = Ambiguity {
            first_name: true,
            surname: true,
            ..Ambiguity::default()
        };
        let jordan = KeyFacts::of("jordan", person, false);
        assert!(jordan.single_word() && !jordan.not_place());
        assert_eq!(jordan.ambiguity(), person);
        let word = Ambiguity {
            word: true,
            ..Ambiguity::default()
        };
        let may = KeyFacts::of("may", word, true);
        assert!(may.not_place());
        assert_eq!(may.ambiguity(), word);
        for name in ["suwalki gap", "u| s"] {
            assert!(!KeyFacts::of(name, Ambiguity::default(), false).single_word());
        }
        let rota = KeyFacts::of("rota", Ambiguity::default(), false);
        assert!(rota.single_word() && !rota.ambiguity().any() && !rota.not_place());
    }

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
        // Mixed case, accents, digits and word separators.
        assert!(case_fits("Saint-Étienne", "SAINT-ÉTIENNE"));
        assert!(!case_fits("Saint-Étienne", "saint-étienne"));
        assert!(case_fits("Ústí nad Labem", "Ústí nad Labem"));
        assert!(case_fits("McAllen", "McAllen"));
        assert!(!case_fits("Rota", "ROTA"));
    }

    #[test]
    fn letters_and_word_initials_are_counted_alike_in_ascii_and_not() {
        // The ASCII shortcuts give what the Unicode definitions give.
        assert_eq!(letter_counts("St. Petersburg-2"), (12, 2));
        assert_eq!(letter_counts("Łódź Voivodeship"), (15, 2));
        assert_eq!(letter_counts(""), (0, 0));
        let initials = |s| word_initials(s).collect::<String>();
        assert_eq!(initials("St. Petersburg-on-Neva, 2nd"), "SPoN2");
        assert_eq!(initials("  Ústí nad Labem "), "ÚnL");
        assert_eq!(initials("...,"), "");
    }
}
