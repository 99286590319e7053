//! The gazetteer image: everything `Gazetteer::load` derives from the
//! gazetteer files (places, the name index and its hash table, the word
//! lists), laid out so that reading it back is a few copies, not a parse.
//!
//! Strings live in shared buffers (`Strings`) instead of one allocation
//! each, and places stay encoded until a caller asks for one (`Places`), so
//! loading costs about what reading the file costs.

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::names::NameTable;
use super::{Place, PlaceCore, PlaceIdx};
use crate::cells::Cells;

/// Many strings in one buffer, by index. `Strings::sorted` ones are
/// searched by binary search.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Strings {
    #[serde(deserialize_with = "raw::text")]
    text: String,
    /// End of each string in `text`; it starts where the previous ends.
    #[serde(with = "raw::u32s")]
    ends: Vec<u32>,
}

impl Strings {
    pub fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }

    /// The distinct strings of `items`, sorted.
    pub fn sorted<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Strings {
        let mut all: Vec<S> = items.into_iter().collect();
        all.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        all.dedup_by(|a, b| a.as_ref() == b.as_ref());
        let mut out = Strings::default();
        for s in &all {
            out.push(s.as_ref());
        }
        out
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// String `i`. Its ends are checked here, at every read, as indexing
    /// would check them: a range that is none, or cuts a character (a
    /// damaged image, which its checksum stops first), reads as "" rather
    /// than panicking, so an image's strings need no check when it is read
    /// (a million ends, 8M instructions of every start).
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.text
            .get(start..self.ends[i] as usize)
            .unwrap_or_default()
    }

    /// String `i`, or None past the end.
    pub fn try_get(&self, i: usize) -> Option<&str> {
        (i < self.len()).then(|| self.get(i))
    }

    /// Position of `key` in sorted strings.
    pub fn position(&self, key: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.get(mid).cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }
}

/// Sorted strings with a hash index beside them, for the word lists asked
/// about at every mention: one probe instead of a binary search.
#[derive(Debug, Serialize, Deserialize)]
pub struct WordSet {
    strings: Strings,
    /// Open-addressing table: a power of two of slots, at most half full,
    /// each 0 or a string's position + 1 (bits 0-31) and the top half of
    /// its hash, so that most probes for a word not in the list read no
    /// string. Made with the image and stored in it, as little-endian
    /// words: a process reads it, rather than hashing the English word
    /// list again at its first lookup (5M instructions).
    #[serde(with = "raw::u64s")]
    index: Vec<u64>,
}

impl Default for WordSet {
    fn default() -> WordSet {
        WordSet::new(Strings::default())
    }
}

impl WordSet {
    pub fn new(strings: Strings) -> WordSet {
        let mut slots = vec![0u64; (2 * strings.len()).max(1).next_power_of_two()];
        let mask = slots.len() - 1;
        for i in 0..strings.len() {
            let h = word_hash(strings.get(i));
            let mut at = h as usize & mask;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = (i as u64 + 1) | (h & HASH_HIGH);
        }
        WordSet {
            strings,
            index: slots,
        }
    }

    /// Whether the index fits the strings: a power of two of slots, each
    /// empty or naming a string, one per string, so that at least one is
    /// empty and every probe run ends.
    /// (Whether a string sits in its own run is the checksum's to vouch
    /// for: a wrong index gives wrong answers, never a panic or a hang.)
    fn is_well_formed(&self) -> bool {
        let n = self.strings.len();
        let mut taken = 0;
        let fits = self.index.iter().all(|&s| {
            taken += usize::from(s != 0);
            s == 0 || (s as u32 as usize).wrapping_sub(1) < n
        });
        self.index.len().is_power_of_two() && fits && taken == n && n < self.index.len()
    }

    pub fn position(&self, key: &str) -> Option<usize> {
        let slots = &self.index;
        let mask = slots.len() - 1;
        let h = word_hash(key);
        let mut at = h as usize & mask;
        loop {
            let s = slots[at];
            if s == 0 {
                return None;
            }
            let i = (s as u32 as usize).wrapping_sub(1);
            if s & HASH_HIGH == h & HASH_HIGH && self.strings.try_get(i) == Some(key) {
                return Some(i);
            }
            at = (at + 1) & mask;
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        self.position(key).is_some()
    }
}

const HASH_HIGH: u64 = 0xFFFF_FFFF_0000_0000;

fn word_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

/// One place a pattern stands for, and the spelling of the name that
/// folded to it (the case rules are checked against it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub spelling: u32,
    pub place: PlaceIdx,
}

/// `Entry::spelling` of a demonym or adjective ("Lithuanian") of its place.
pub const DEMONYM: u32 = u32::MAX;

/// Bits in the first-word filter (256 KB): a word sets three bits of one
/// 64-bit word of it, so a lookup reads one word, and the filter is a
/// quarter of the 1 MB one-bit-a-word bitmap it replaced with fewer false
/// positives (89,566 name starts on 4 MB of news against 90,289); small
/// enough to stay in the core's cache beside the name table (`tag` took
/// 0.94-0.99 of the CPU time in four runs of A/B against the bitmap).
const FIRST_WORD_BITS: u64 = 1 << 21;

/// A buffer read from in place (a mapped file): the image's places, and
/// the build cache's texts (`export::text`).
pub type Shared = Arc<dyn AsRef<[u8]> + Send + Sync + std::panic::RefUnwindSafe>;

/// The places, kept encoded until one is asked for: most runs look at a
/// few thousand of the hundred thousand. Read from a file, their bytes stay
/// where they are in its mapping.
pub struct Places {
    buf: Shared,
    blob: Range<usize>,
    ends: Vec<u32>,
    /// Places decoded so far.
    decoded: Cells<Box<Place>>,
}

impl Places {
    pub fn encode(places: &[Place]) -> Places {
        let mut blob = Vec::with_capacity(places.len() * 80);
        let mut ends = Vec::with_capacity(places.len());
        for p in places {
            // Strings and numbers into a Vec: serialising cannot fail.
            blob = postcard::to_extend(p, blob).expect("a place serialises");
            ends.push(blob.len() as u32);
        }
        let range = 0..blob.len();
        Places::new(Arc::new(blob), range, ends)
    }

    fn new(buf: Shared, blob: Range<usize>, ends: Vec<u32>) -> Places {
        let decoded = Cells::new(ends.len());
        Places {
            buf,
            blob,
            ends,
            decoded,
        }
    }

    fn blob(&self) -> &[u8] {
        &(*self.buf).as_ref()[self.blob.clone()]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    fn bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.blob()[start..self.ends[i] as usize]
    }

    /// Place `i`'s id and name, read where they lie in its bytes (they come
    /// first) without decoding the rest, most of it its other names.
    pub fn id_and_name(&self, i: PlaceIdx) -> (&str, &str) {
        let i = i as usize;
        // A place decoded already is read as is.
        if let Some(p) = self.decoded.get(i) {
            return (&p.id, &p.name);
        }
        postcard::from_bytes(self.bytes(i))
            .unwrap_or_else(|e| panic!("gazetteer image: place {i} does not decode: {e}"))
    }

    pub fn get(&self, i: PlaceIdx) -> &Place {
        let i = i as usize;
        // A place past the end is a bug of the caller, as indexing would be.
        let cell = self.decoded.cell(i).expect("a place of the gazetteer");
        cell.get_or_init(|| {
            // The image was checksummed when read and written by this build
            // of the program, so a place that does not decode is a bug.
            Box::new(
                postcard::from_bytes(self.bytes(i))
                    .unwrap_or_else(|e| panic!("gazetteer image: place {i} does not decode: {e}")),
            )
        })
    }
}

/// Everything the gazetteer derives from its files.
pub struct Image {
    pub places: Places,
    pub cores: Vec<PlaceCore>,
    /// Folded names, sorted; a pattern's number is its key's position.
    pub keys: Strings,
    /// End of each pattern's run in `entries`.
    pub pattern_ends: Vec<u32>,
    pub entries: Vec<Entry>,
    /// The names as written, by `Entry::spelling`.
    pub spellings: Strings,
    /// Bit per spelling: it starts with a capital (`capital_bits`).
    pub capitals: Vec<u64>,
    /// Bloom filter over every key's first word (`may_start`): a word it
    /// does not hold never starts a match.
    pub first_words: Vec<u64>,
    /// Every key and start of one (`names.rs`).
    pub names: NameTable,
    /// What resolution asks of each key (`KeyFacts`), a byte per key.
    pub key_facts: Vec<u8>,
    pub small: Small,
}

/// The parts of the image that are small enough to be kept as plain data.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Small {
    /// Each country's entry by its ISO code.
    pub countries: Vec<(String, PlaceIdx)>,
    /// Each first-level division's entry by (country, division code).
    pub admin1: Vec<((String, String), PlaceIdx)>,
    /// Folded demonym -> country code.
    pub demonyms: Vec<(String, String)>,
    /// Country code -> the codes it borders.
    pub borders: Vec<(String, Vec<String>)>,
    /// Word lists for the words around a mention, sorted and indexed.
    pub first_names: WordSet,
    pub english_words: WordSet,
    pub titles: WordSet,
    /// The first words of the keys with a spelling that does not start
    /// with a capital ("sedeyen-e Yek", "‘Afrīn"): a hundred or so, the
    /// only words written in lower case that may start a name (`LowerStarts`).
    pub lower_first_words: WordSet,
}

impl Image {
    /// The entries of pattern `p`.
    pub fn pattern_range(ends: &[u32], p: usize) -> std::ops::Range<usize> {
        let start = if p == 0 { 0 } else { ends[p - 1] as usize };
        start..ends[p] as usize
    }

    pub fn first_word_filter<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<u64> {
        bloom(
            keys.map(|k| first_word(k).as_bytes()),
            FIRST_WORD_BITS as usize,
        )
    }

    /// The image as bytes (postcard; the places and the name table as
    /// blobs).
    pub fn to_bytes(&self) -> Result<Vec<u8>, postcard::Error> {
        let stored = Stored {
            places: self.places.blob(),
            place_ends: &self.places.ends,
            cores: &self.cores,
            keys: &self.keys,
            pattern_ends: &self.pattern_ends,
            entries: &self.entries,
            spellings: &self.spellings,
            capitals: &self.capitals,
            first_words: &self.first_words,
            names: self.names.bytes(),
            key_facts: &self.key_facts,
            small: &self.small,
        };
        postcard::to_stdvec(&stored)
    }

    /// Reads `to_bytes` back; None when anything does not fit together.
    /// (What the name table's slots and the places' bytes hold is trusted
    /// to the file's checksum: checking them would cost what the image saves;
    /// a damaged slot makes a wrong answer, never a panic.)
    pub fn from_bytes(bytes: &[u8]) -> Option<Image> {
        Image::from_shared(Arc::new(bytes.to_vec()))
    }

    /// `from_bytes` of the bytes of `buf`, the places and the name table
    /// read where they lie in it.
    pub fn from_shared(buf: Shared) -> Option<Image> {
        let bytes = (*buf).as_ref();
        let s: Loaded = postcard::from_bytes(bytes).ok()?;
        let n_places = s.place_ends.len();
        let ok = s.cores.len() == n_places
            && [
                &s.small.first_names,
                &s.small.english_words,
                &s.small.titles,
                &s.small.lower_first_words,
            ]
            .iter()
            .all(|w| w.is_well_formed())
            && s.pattern_ends.len() == s.keys.len()
            && s.key_facts.len() == s.keys.len()
            && s.capitals.len() == s.spellings.len().div_ceil(64)
            && s.first_words.len() == (FIRST_WORD_BITS / 64) as usize
            && ascending(&s.place_ends, s.places.len())
            && ascending(&s.pattern_ends, s.entries.len())
            && s.entries.iter().all(|e| {
                (e.place as usize) < n_places
                    && (e.spelling == DEMONYM || (e.spelling as usize) < s.spellings.len())
            })
            && s.small
                .countries
                .iter()
                .all(|(_, i)| (*i as usize) < n_places)
            && s.small.admin1.iter().all(|(_, i)| (*i as usize) < n_places);
        if !ok {
            return None;
        }
        let within = |part: &[u8]| {
            let start = part.as_ptr() as usize - bytes.as_ptr() as usize;
            start..start + part.len()
        };
        let (blob, names) = (within(s.places), within(s.names));
        Some(Image {
            names: NameTable::from_shared(buf.clone(), names)?,
            places: Places::new(buf.clone(), blob, s.place_ends),
            cores: s.cores,
            keys: s.keys,
            pattern_ends: s.pattern_ends,
            entries: s.entries,
            spellings: s.spellings,
            capitals: s.capitals,
            first_words: s.first_words,
            key_facts: s.key_facts.to_vec(),
            small: s.small,
        })
    }
}

/// Whether `ends` never go down and stay within `len`.
fn ascending(ends: &[u32], len: usize) -> bool {
    ends.windows(2).all(|w| w[0] <= w[1]) && ends.last().is_none_or(|&e| e as usize <= len)
}

/// Whether some entry of a name is spelt other than with a capital (a
/// demonym's is not spelt at all): the only names `find` keeps when found
/// from a word written in lower case, and the only ones `LowerStarts` lets
/// such a word start.
pub fn spelt_in_lower_case(capitals: &[u64], entries: &[Entry]) -> bool {
    entries
        .iter()
        .any(|e| e.spelling != DEMONYM && !bit(capitals, e.spelling as usize))
}

/// A bit per string of `spellings`: whether it starts with a capital.
pub fn capital_bits(spellings: &Strings) -> Vec<u64> {
    let mut bits = vec![0u64; spellings.len().div_ceil(64)];
    for i in 0..spellings.len() {
        if spellings.get(i).starts_with(char::is_uppercase) {
            set_bit(&mut bits, i);
        }
    }
    bits
}

/// Whether bit `i` of `bits` is set.
pub fn bit(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

fn set_bit(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

/// The first word of a key: up to a space or a hard separator ("st|
/// petersburg" -> "st").
pub fn first_word(key: &str) -> &str {
    key.split([' ', '|']).next().unwrap_or_default()
}

/// The 64-bit word of a first-word filter of `words` 64-bit words (a power
/// of two: `Image::first_words`, `LowerStarts`) that holds a folded first
/// word, and the three bits of it that stand for the word.
fn first_word_bits(w: &[u8], words: usize) -> (usize, u64) {
    let h = folded_word_hash(w);
    let word = (h >> 18) as usize & (words - 1);
    let mask = 1 << (h >> 58) | 1 << ((h >> 52) & 63) | 1 << ((h >> 46) & 63);
    (word, mask)
}

/// A hash of the ASCII letters and digits `w` as lower case, eight bytes at
/// a time: bit 5 set in every byte lower-cases a letter and leaves a digit
/// (and the last eight's zero padding, alike on every side) as it is. So a
/// word is asked of the filter as it stands in the text, before it is
/// copied: most words the filter rules out are never copied at all.
fn folded_word_hash(w: &[u8]) -> u64 {
    const LOWER: u64 = u64::from_ne_bytes([0x20; 8]);
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |h: u64, x: u64| (h ^ (x | LOWER)).wrapping_mul(K).rotate_left(26);
    let mut h = (w.len() as u64).wrapping_mul(K);
    let mut chunks = w.chunks_exact(8);
    for c in &mut chunks {
        h = mix(h, u64::from_le_bytes(c.try_into().unwrap_or_default()));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let tail = rest.iter().rev().fold(0u64, |x, &b| x << 8 | u64::from(b));
        h = mix(h, tail);
    }
    // Every bit of the input moves the high bits the filter takes.
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^ h >> 33
}

/// Whether the filter may hold the folded word `w` (or an ASCII word that
/// folds to it: `folded_word_hash`): all three of its bits are set.
pub fn may_start(bits: &[u64], w: &[u8]) -> bool {
    bloom_holds(bits, FIRST_WORD_BITS as usize, w)
}

/// A first-word filter of `size` bits (a power of two) over `words`.
fn bloom<'a>(words: impl Iterator<Item = &'a [u8]>, size: usize) -> Vec<u64> {
    let mut bits = vec![0u64; size / 64];
    for w in words {
        let (word, mask) = first_word_bits(w, bits.len());
        bits[word] |= mask;
    }
    bits
}

/// Whether the filter `bits`, made by `bloom` with `size` bits, may hold
/// `w` (or the folded form of the ASCII word `w`).
fn bloom_holds(bits: &[u64], size: usize, w: &[u8]) -> bool {
    let (word, mask) = first_word_bits(w, size / 64);
    bits[word] & mask == mask
}

/// The words a name spelt other than with a capital may start with
/// (`Small::lower_first_words`), asked of a word written in lower case
/// (`Gazetteer::find`): no other name is found from such a word
/// (`case_fits`), so the rest need no lookup. A Bloom filter as
/// `Image::first_words`, made from the words at load: small, as the words
/// are a hundred or so, and wrong about one word in thousands.
#[derive(Debug, Default)]
pub struct LowerStarts {
    /// `LOWER_START_BITS` bits.
    filter: Vec<u64>,
}

/// Bits in `LowerStarts::filter` (512 bytes).
const LOWER_START_BITS: usize = 1 << 12;

impl LowerStarts {
    pub fn new(words: &WordSet) -> LowerStarts {
        let words = (0..words.strings.len()).map(|i| words.strings.get(i).as_bytes());
        LowerStarts {
            filter: bloom(words, LOWER_START_BITS),
        }
    }

    /// Whether a name spelt other than with a capital may start with the
    /// ASCII word `w` (letters and digits as written in the text).
    pub fn may_start(&self, w: &[u8]) -> bool {
        bloom_holds(&self.filter, LOWER_START_BITS, w)
    }
}

// The big arrays are stored as little-endian bytes (`raw`), so reading
// them back is a copy, not a varint decoded per element.
#[derive(Serialize)]
struct Stored<'a> {
    #[serde(with = "serde_bytes")]
    places: &'a [u8],
    #[serde(with = "raw::u32s")]
    place_ends: &'a [u32],
    #[serde(with = "raw::cores")]
    cores: &'a [PlaceCore],
    keys: &'a Strings,
    #[serde(with = "raw::u32s")]
    pattern_ends: &'a [u32],
    #[serde(with = "raw::entries")]
    entries: &'a [Entry],
    spellings: &'a Strings,
    #[serde(with = "raw::u64s")]
    capitals: &'a [u64],
    #[serde(with = "raw::u64s")]
    first_words: &'a [u64],
    #[serde(with = "serde_bytes")]
    names: &'a [u8],
    #[serde(with = "serde_bytes")]
    key_facts: &'a [u8],
    small: &'a Small,
}

#[derive(Deserialize)]
struct Loaded<'a> {
    #[serde(borrow, with = "serde_bytes")]
    places: &'a [u8],
    #[serde(with = "raw::u32s")]
    place_ends: Vec<u32>,
    #[serde(with = "raw::cores")]
    cores: Vec<PlaceCore>,
    keys: Strings,
    #[serde(with = "raw::u32s")]
    pattern_ends: Vec<u32>,
    #[serde(with = "raw::entries")]
    entries: Vec<Entry>,
    spellings: Strings,
    #[serde(with = "raw::u64s")]
    capitals: Vec<u64>,
    #[serde(with = "raw::u64s")]
    first_words: Vec<u64>,
    #[serde(borrow, with = "serde_bytes")]
    names: &'a [u8],
    #[serde(borrow, with = "serde_bytes")]
    key_facts: &'a [u8],
    small: Small,
}

/// Arrays of fixed-size values as little-endian bytes, for serde's `with`.
mod raw {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// The bytes of a field, whole records of `size` bytes.
    fn bytes<'de, D: Deserializer<'de>>(d: D, size: usize) -> Result<&'de [u8], D::Error> {
        let b: &'de [u8] = <&[u8]>::deserialize(d)?;
        if !b.len().is_multiple_of(size) {
            return Err(D::Error::custom("a raw array cut inside a value"));
        }
        Ok(b)
    }

    macro_rules! numbers {
        ($name:ident, $t:ty) => {
            pub mod $name {
                use super::*;
                pub fn serialize<S: Serializer, T: AsRef<[$t]> + ?Sized>(
                    v: &T,
                    s: S,
                ) -> Result<S::Ok, S::Error> {
                    let v = v.as_ref();
                    let mut out = Vec::with_capacity(v.len() * size_of::<$t>());
                    for x in v {
                        out.extend_from_slice(&x.to_le_bytes());
                    }
                    s.serialize_bytes(&out)
                }
                pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$t>, D::Error> {
                    Ok(bytes(d, size_of::<$t>())?
                        .chunks_exact(size_of::<$t>())
                        .map(|c| <$t>::from_le_bytes(c.try_into().unwrap_or_default()))
                        .collect())
                }
            }
        };
    }
    numbers!(u32s, u32);
    numbers!(u64s, u64);

    /// A string, its UTF-8 checked sixteen bytes and more at a time
    /// (simdutf8; a string is written as its bytes are, so it is read as
    /// bytes): the keys' and spellings' texts are megabytes.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let b: &'de [u8] = <&[u8]>::deserialize(d)?;
        simdutf8::basic::from_utf8(b)
            .map(str::to_owned)
            .map_err(|_| D::Error::custom("a string that is not UTF-8"))
    }

    pub mod entries {
        use super::super::Entry;
        use super::*;
        pub fn serialize<S: Serializer>(v: &[Entry], s: S) -> Result<S::Ok, S::Error> {
            let flat: Vec<u32> = v.iter().flat_map(|e| [e.spelling, e.place]).collect();
            u32s::serialize(&flat, s)
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Entry>, D::Error> {
            Ok(bytes(d, 8)?
                .chunks_exact(8)
                .map(|c| Entry {
                    spelling: u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                    place: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
                })
                .collect())
        }
    }

    pub mod cores {
        use super::super::{super::PlaceKind, PlaceCore};
        use super::*;
        const SIZE: usize = 36;
        pub fn serialize<S: Serializer>(v: &[PlaceCore], s: S) -> Result<S::Ok, S::Error> {
            let mut out = Vec::with_capacity(v.len() * SIZE);
            for c in v {
                out.extend_from_slice(&c.lat.to_le_bytes());
                out.extend_from_slice(&c.lon.to_le_bytes());
                out.extend_from_slice(&c.prior.to_le_bytes());
                out.extend_from_slice(&c.admin1.to_le_bytes());
                out.extend_from_slice(&c.country.to_le_bytes());
                out.push(c.kind as u8);
                out.push(u8::from(c.is_admin1) | u8::from(c.major) << 1);
                out.extend_from_slice(&c.key.to_le_bytes());
            }
            s.serialize_bytes(&out)
        }
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PlaceCore>, D::Error> {
            let f64_at =
                |c: &[u8], i: usize| f64::from_le_bytes(c[i..i + 8].try_into().unwrap_or_default());
            let b = bytes(d, SIZE)?;
            // A plain loop into a vector of the right size: collecting
            // Results gives no size hint, and the vector grew by copying
            // (a third of the load's decoding).
            let mut cores = Vec::with_capacity(b.len() / SIZE);
            for c in b.chunks_exact(SIZE) {
                cores.push(PlaceCore {
                    lat: f64_at(c, 0),
                    lon: f64_at(c, 8),
                    prior: f64_at(c, 16),
                    admin1: u32::from_le_bytes([c[24], c[25], c[26], c[27]]),
                    country: u16::from_le_bytes([c[28], c[29]]),
                    kind: *PlaceKind::ALL
                        .get(usize::from(c[30]))
                        .ok_or_else(|| D::Error::custom("unknown place kind"))?,
                    is_admin1: c[31] & 1 != 0,
                    major: c[31] & 2 != 0,
                    key: u32::from_le_bytes([c[32], c[33], c[34], c[35]]),
                });
            }
            Ok(cores)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_word_filter_holds_every_first_word_and_few_others() {
        // Keys as the name index has them: a first word ends at a space or
        // a hard separator ("st| petersburg").
        let mut keys: Vec<String> = (0..200_000).map(|i| format!("place{i} gap")).collect();
        keys.push("st| petersburg".into());
        let filter = Image::first_word_filter(keys.iter().map(String::as_str));
        assert!((0..200_000).all(|i| may_start(&filter, format!("place{i}").as_bytes())));
        assert!(may_start(&filter, b"st"));
        // A word is asked as written in the text: as its folded form.
        assert!(may_start(&filter, b"St") && may_start(&filter, b"ST"));
        assert!((0..2_000).all(|i| may_start(&filter, format!("PLACE{i}").as_bytes())));
        assert!((0..2_000).all(|i| may_start(&filter, format!("Place{i}").as_bytes())));
        let long = Image::first_word_filter(["kaliningradskaya oblast", "vilnius"].into_iter());
        for w in ["Kaliningradskaya", "KALININGRADSKAYA", "VILNIUS", "vilnius"] {
            assert!(may_start(&long, w.as_bytes()), "{w}");
        }
        // Words that start no key: about two in a hundred pass (a one-bit
        // filter of the same size lets nearly one in ten through).
        let passed = (0..100_000)
            .filter(|i| may_start(&filter, format!("word{i}").as_bytes()))
            .count();
        assert!(passed < 5_000, "{passed} of 100,000 passed");
    }

    #[test]
    fn lower_starts_hold_their_words_in_any_case_and_few_others() {
        let words = WordSet::new(Strings::sorted(["sedeyen", "ain", "abasan", "10th"]));
        let starts = LowerStarts::new(&words);
        for w in ["sedeyen", "Sedeyen", "ain", "abasan", "ABASAN", "10th"] {
            assert!(starts.may_start(w.as_bytes()), "{w}");
        }
        for w in ["said", "states", "also", "was", "troops", "sedeye", "ai"] {
            assert!(!starts.may_start(w.as_bytes()), "{w}");
        }
        let passed = (0..10_000)
            .filter(|i| starts.may_start(format!("word{i}").as_bytes()))
            .count();
        assert!(passed < 10, "{passed} of 10,000 passed");
    }

    #[test]
    fn sorted_strings_are_found_by_search() {
        let s = Strings::sorted(["vilnius", "kaunas", "suwalki gap", "kaunas"]);
        assert_eq!(s.len(), 3);
        assert_eq!(s.get(0), "kaunas");
        assert_eq!(s.position("suwalki gap"), Some(1));
        assert!(s.contains("vilnius"));
        assert!(!s.contains("riga"));
    }

    fn tiny(place: PlaceIdx) -> Image {
        let vilnius = Place {
            id: "geonames:593116".into(),
            name: "Vilnius".into(),
            kind: super::super::PlaceKind::City,
            lat: 54.69,
            lon: 25.28,
            country: "LT".into(),
            admin1: "65".into(),
            population: 542_366,
            feature: "PPLC".into(),
            names: vec!["Vilnius".into(), "Wilno".into()],
        };
        let mut keys = Strings::default();
        keys.push("vilnius");
        let mut spellings = Strings::default();
        spellings.push("Vilnius");
        Image {
            cores: vec![super::super::cores(std::slice::from_ref(&vilnius), &keys)[0]],
            places: Places::encode(&[vilnius]),
            first_words: Image::first_word_filter(["vilnius"].into_iter()),
            pattern_ends: vec![1],
            entries: vec![Entry { spelling: 0, place }],
            capitals: capital_bits(&spellings),
            names: NameTable::build(&keys),
            key_facts: vec![0],
            keys,
            spellings,
            small: Small::default(),
        }
    }

    #[test]
    fn an_image_reads_back_and_decodes_places_on_demand() {
        let original = tiny(0);
        let image = Image::from_bytes(&original.to_bytes().unwrap()).unwrap();
        assert_eq!(image.cores, original.cores);
        assert_eq!(image.capitals, original.capitals);
        assert_eq!(image.key_facts, original.key_facts);
        assert_eq!(image.first_words, original.first_words);
        assert_eq!(image.places.len(), 1);
        // Id and name read before and after the place is decoded.
        assert_eq!(image.places.id_and_name(0), ("geonames:593116", "Vilnius"));
        assert_eq!(image.places.get(0).names, ["Vilnius", "Wilno"]);
        assert_eq!(image.places.id_and_name(0), ("geonames:593116", "Vilnius"));
        assert!(may_start(&image.first_words, b"vilnius"));
        assert_eq!(image.names.bytes(), original.names.bytes());
        let hit = image.names.get(&image.keys, b"vilnius");
        assert_eq!(hit.and_then(|h| h.key), Some(0));
        assert_eq!(
            image.entries,
            [Entry {
                spelling: 0,
                place: 0
            }]
        );
    }

    #[test]
    fn an_image_naming_a_place_it_lacks_is_refused() {
        assert!(Image::from_bytes(&tiny(1).to_bytes().unwrap()).is_none());
        let bytes = tiny(0).to_bytes().unwrap();
        assert!(Image::from_bytes(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn word_sets_answer_like_their_strings() {
        let words = WordSet::new(Strings::sorted(["of", "bath", "nice", "reading"]));
        assert!(words.contains("nice"));
        assert!(!words.contains("vilnius"));
        assert_eq!(words.position("reading"), Some(3));
        // A list of thousands answers as a binary search of its strings.
        let many = Strings::sorted((0..5_000).map(|i| format!("w{}", i * 7)));
        let set = WordSet::new(many.clone());
        for i in 0..10_000 {
            let w = format!("w{i}");
            assert_eq!(set.position(&w), many.position(&w), "{w}");
        }
        let empty = WordSet::new(Strings::default());
        assert!(!empty.contains("of") && !empty.contains(""));
    }

    #[test]
    fn a_word_set_whose_index_does_not_fit_is_refused() {
        let good = WordSet::new(Strings::sorted(["of", "bath", "nice"]));
        assert!(good.is_well_formed() && WordSet::default().is_well_formed());
        let damaged = |f: &dyn Fn(&mut Vec<u64>)| {
            let mut w = WordSet::new(Strings::sorted(["of", "bath", "nice"]));
            f(&mut w.index);
            w.is_well_formed()
        };
        // Every slot taken (a probe for a missing word would never end),
        // a slot naming no string, a string dropped, a size not a power of two.
        assert!(!damaged(&|i| i.iter_mut().for_each(|s| *s = 1)));
        assert!(!damaged(&|i| *i.iter_mut().find(|s| **s != 0).unwrap() |= 9));
        assert!(!damaged(&|i| *i.iter_mut().find(|s| **s != 0).unwrap() = 0));
        assert!(!damaged(&|i| i.push(0)));
    }

    #[test]
    fn an_image_whose_text_is_not_utf8_is_refused() {
        let mut bytes = tiny(0).to_bytes().unwrap();
        assert!(Image::from_bytes(&bytes).is_some());
        // The key "vilnius" (the spelling is capitalised): a byte of it
        // made one that never stands in UTF-8.
        let at = bytes.windows(7).position(|w| w == b"vilnius").unwrap();
        bytes[at + 3] = 0xFF;
        assert!(Image::from_bytes(&bytes).is_none());
    }

    #[test]
    fn a_string_that_is_no_string_reads_as_empty() {
        let mut s = Strings::default();
        s.push("Suwałki");
        s.push("Gap");
        assert_eq!((s.get(0), s.get(1)), ("Suwałki", "Gap"));
        s.ends[0] = 5; // inside "ł"
        assert_eq!((s.get(0), s.get(1)), ("", ""));
        s.ends[0] = 2; // ends going down
        s.ends[1] = 1;
        assert_eq!(s.get(1), "");
        s.ends[1] = 99; // past the text
        assert_eq!(s.get(1), "");
    }
}
