//! The name table: every folded name, and every start of one that ends
//! before a separator, in one open-addressing hash table.
//!
//! `Gazetteer::find` looks up a span of folded text from each word start,
//! growing it to the next separator for as long as the table says some
//! longer name starts with it ("suwalki" -> "suwalki gap"). That is a probe
//! or two per word, where an automaton walked the text a state (and on a
//! big automaton a cache miss) per byte. The table is a flat array of
//! little-endian words, so a gazetteer image read from disk uses it where
//! it lies in the mapping, with nothing to decode.

use std::ops::Range;
use std::sync::Arc;

use super::fold::is_word_byte;
use super::image::{Shared, Strings};

/// A slot: 0 is empty; otherwise the key index (bits 0-31), the span's
/// length (32-43), the `KEY` and `CHECK` flags, the `NEXT` mask (46-53;
/// none set when no longer key starts with the span) and a tag of the
/// span's hash (54-63) that rejects most other spans without reading a key.
const LEN_SHIFT: u32 = 32;
const LEN_BITS: u32 = 12;
const KEY: u64 = 1 << 44;
/// Set on a slot that stands, with the same tag and length, before another
/// span's slot in that span's probe run. Only such a slot's key must be read
/// to tell whether the span probed is its own (`probe`): a slot that is
/// no key and not `CHECK` is taken on its tag, as a wrong take can only
/// lead to probes of longer spans, and a name is never found unread.
const CHECK: u64 = 1 << 45;
/// A bit per bucket (`next_bit`) of the two bytes that follow the span in
/// the keys that grow it: a span is grown over the text's next separator
/// only if that bucket's bit is set. Most spans are grown by few keys
/// ("bay" -> "bay of ..."), so most of the probes that would find nothing
/// are not made.
const NEXT_SHIFT: u32 = 46;
const TAG_SHIFT: u32 = 54;

/// The `NEXT` bit of the separator `sep` followed by `then` (0 at the end
/// of the text).
fn next_bit(sep: u8, then: u8) -> u8 {
    1 << ((u32::from(sep) * 7 + u32::from(then)) % 8)
}

/// Slots per entry at least: linear probing stays short below 70 % full.
const LOAD: f64 = 0.7;

/// What the table knows of a span of folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// The key (pattern) the span is, if it is one.
    pub key: Option<u32>,
    /// Whether some key is the span followed by a separator and more.
    pub longer: bool,
    /// `next_bit`s of what follows the span in those keys.
    pub next: u8,
}

impl Hit {
    /// Whether some key may be this span grown over `sep` and `then` (the
    /// two bytes that follow it in the text).
    pub fn may_grow(&self, sep: u8, then: u8) -> bool {
        self.next & next_bit(sep, then) != 0
    }
}

pub struct NameTable {
    buf: Shared,
    /// The slots' bytes in `buf`: a power of two of 8-byte words, or none.
    slots: Range<usize>,
}

impl NameTable {
    /// The table over `keys` (folded names; a key's number is its index).
    pub fn build(keys: &Strings) -> NameTable {
        // Span -> (a key it is or starts, is a key, `NEXT` bits of the
        // longer keys).
        let mut spans: rustc_hash::FxHashMap<&str, (u32, bool, u8)> =
            rustc_hash::FxHashMap::default();
        for i in 0..keys.len() {
            let key = keys.get(i);
            if key.len() >= 1 << LEN_BITS {
                // A slot holds 12 bits of length: a "name" of 4 KB is a
                // broken row, and finding it in text would need it there.
                continue;
            }
            let bytes = key.as_bytes();
            for cut in cuts(bytes) {
                let prefix = spans.entry(&key[..cut]).or_insert((i as u32, false, 0));
                prefix.2 |= next_bit(bytes[cut], bytes.get(cut + 1).copied().unwrap_or(0));
            }
            let whole = spans.entry(key).or_insert((i as u32, true, 0));
            *whole = (i as u32, true, whole.2);
        }
        let size = ((spans.len() as f64 / LOAD) as usize + 1).next_power_of_two();
        let mut slots = vec![0u64; if spans.is_empty() { 0 } else { size }];
        let mask = slots.len().wrapping_sub(1);
        // In key order, so the same keys always give the same table.
        let mut sorted: Vec<_> = spans.into_iter().collect();
        sorted.sort_unstable();
        // Where each span's probe run starts and where it ended.
        let mut runs = Vec::with_capacity(sorted.len());
        for (span, (key, is_key, next)) in sorted {
            let h = hash(span.as_bytes());
            let home = h as usize & mask;
            let mut at = home;
            while slots[at] != 0 {
                at = (at + 1) & mask;
            }
            slots[at] = u64::from(key)
                | (span.len() as u64) << LEN_SHIFT
                | if is_key { KEY } else { 0 }
                | u64::from(next) << NEXT_SHIFT
                | (h >> TAG_SHIFT) << TAG_SHIFT;
            runs.push((home, at));
        }
        // Slots that look like a later one of the same run (`CHECK`).
        let looks = |s: u64| s & (u64::MAX << TAG_SHIFT | ((1 << LEN_BITS) - 1) << LEN_SHIFT);
        for (home, end) in runs {
            let own = looks(slots[end]);
            let mut at = home;
            while at != end {
                if looks(slots[at]) == own {
                    slots[at] |= CHECK;
                }
                at = (at + 1) & mask;
            }
        }
        let bytes: Vec<u8> = slots.iter().flat_map(|s| s.to_le_bytes()).collect();
        let range = 0..bytes.len();
        NameTable {
            buf: Arc::new(bytes),
            slots: range,
        }
    }

    /// The table whose slots are `slots` of `buf`; None unless they are a
    /// power of two of 8-byte words (or none).
    pub fn from_shared(buf: Shared, slots: Range<usize>) -> Option<NameTable> {
        let n = slots.len() / 8;
        let fits = (*buf).as_ref().get(slots.clone()).is_some()
            && slots.len().is_multiple_of(8)
            && (n == 0 || n.is_power_of_two());
        fits.then_some(NameTable { buf, slots })
    }

    /// The slots as stored.
    pub fn bytes(&self) -> &[u8] {
        &(*self.buf).as_ref()[self.slots.clone()]
    }

    /// What the table holds for `span`, with `keys` those it was built over;
    /// None when no key is or starts with it (or, rarely, a hit with no key
    /// for a span that only shares its slot's tag and length: `CHECK`). A
    /// damaged table gives wrong answers, never a panic.
    pub fn get(&self, keys: &Strings, span: &[u8]) -> Option<Hit> {
        probe(self.bytes(), keys, span)
    }

    /// Calls `found(start, end, key)` for every key that occurs in `folded`
    /// (text folded as the keys were, each word after a space) on word
    /// boundaries, starting at one of `starts` (word starts, ascending):
    /// from each, spans grown a separator at a time while some longer key
    /// starts with them.
    pub fn each_match(
        &self,
        keys: &Strings,
        folded: &[u8],
        starts: impl IntoIterator<Item = usize>,
        mut found: impl FnMut(usize, usize, u32),
    ) {
        // Looked up once, not per probe.
        let slots = self.bytes();
        for start in starts {
            let mut end = start;
            while end < folded.len() {
                // Past the span's first byte, or the separator it grows over.
                end = word_end(folded, end + 1);
                let Some(hit) = probe(slots, keys, &folded[start..end]) else {
                    break;
                };
                if let Some(key) = hit.key {
                    found(start, end, key);
                }
                let then = folded.get(end + 1).copied().unwrap_or(0);
                if end >= folded.len() || !hit.may_grow(folded[end], then) {
                    break;
                }
            }
        }
    }
}

/// `NameTable::get` on the table's slots.
fn probe(slots: &[u8], keys: &Strings, span: &[u8]) -> Option<Hit> {
    let n = slots.len() / 8;
    if n == 0 {
        return None;
    }
    let h = hash(span);
    let tag = (h >> TAG_SHIFT) << TAG_SHIFT;
    let mut at = h as usize & (n - 1);
    for _ in 0..n {
        let s = u64::from_le_bytes(slots.get(at * 8..at * 8 + 8)?.try_into().ok()?);
        if s == 0 {
            return None;
        }
        let len = ((s >> LEN_SHIFT) & ((1 << LEN_BITS) - 1)) as usize;
        if s & (u64::MAX << TAG_SHIFT) == tag && len == span.len() {
            let key = s as u32;
            let matches = s & (KEY | CHECK) == 0
                || keys
                    .try_get(key as usize)
                    .and_then(|k| k.as_bytes().get(..len))
                    .is_some_and(|k| k == span);
            if matches {
                return Some(Hit {
                    key: (s & KEY != 0).then_some(key),
                    longer: (s >> NEXT_SHIFT) as u8 != 0,
                    next: (s >> NEXT_SHIFT) as u8,
                });
            }
        }
        at = (at + 1) & (n - 1);
    }
    None
}

/// The first separator (`' '` or `'|'`, the only bytes of folded text that
/// are not word bytes) at or after `from` in `folded`, or its length: eight
/// bytes at a time, as most words are shorter.
fn word_end(folded: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // High bit of each zero byte of `x`; bits above the first may be wrong
    // (a borrow), the first never is.
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = from;
    while let Some(chunk) = folded.get(at..at + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let seps =
            zeros(x ^ u64::from_ne_bytes([b' '; 8])) | zeros(x ^ u64::from_ne_bytes([b'|'; 8]));
        if seps != 0 {
            return at + seps.trailing_zeros() as usize / 8;
        }
        at += 8;
    }
    let rest = folded.get(at..).unwrap_or_default();
    at + rest
        .iter()
        .position(|&b| !is_word_byte(b))
        .unwrap_or(rest.len())
}

fn cuts(key: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (1..key.len()).filter(|&i| !is_word_byte(key[i]))
}

fn hash(span: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(names: &[&str]) -> Strings {
        Strings::sorted(names)
    }

    /// The keys found in `text`, each checked to be the text at its span.
    fn found(keys: &Strings, text: &str) -> Vec<String> {
        let table = NameTable::build(keys);
        let mut out = Vec::new();
        let starts = memchr::memchr_iter(b' ', text.as_bytes()).map(|space| space + 1);
        table.each_match(keys, text.as_bytes(), starts, |s, e, k| {
            assert_eq!(&text[s..e], keys.get(k as usize));
            out.push(text[s..e].to_string());
        });
        out
    }

    #[test]
    fn a_word_ends_at_the_next_separator_of_either_kind() {
        let text = b" suwalki gap| near vilnius and the kaliningradskaya oblast";
        assert_eq!(word_end(text, 1), 8);
        assert_eq!(word_end(text, 9), 12);
        assert_eq!(word_end(text, 14), 18);
        // Past eight bytes, and at the end of the text.
        assert_eq!(word_end(text, 35), 51);
        assert_eq!(word_end(text, 52), text.len());
        assert_eq!(word_end(text, text.len()), text.len());
    }

    proptest::proptest! {
        #[test]
        fn word_ends_are_those_of_a_byte_by_byte_scan(
            text in "[a-z0-9 |]{0,40}",
            from in 0usize..41,
        ) {
            let b = text.as_bytes();
            let from = from.min(b.len());
            let plain = (from..b.len()).find(|&i| !is_word_byte(b[i])).unwrap_or(b.len());
            proptest::prop_assert_eq!(word_end(b, from), plain);
        }
    }

    #[test]
    fn names_are_found_whole_words_only_and_overlapping() {
        let k = keys(&["suwalki", "suwalki gap", "gap", "vilnius", "st| petersburg"]);
        assert_eq!(
            found(&k, " the suwalki gap| near vilnius"),
            ["suwalki", "suwalki gap", "gap", "vilnius"]
        );
        // "vilniusz" is not "vilnius", nor "xsuwalki" "suwalki".
        assert!(found(&k, " vilniusz xsuwalki").is_empty());
        assert_eq!(found(&k, " st| petersburg"), ["st| petersburg"]);
        // A prefix that is not itself a name finds nothing.
        assert!(found(&k, " st| moscow").is_empty());
    }

    #[test]
    fn a_span_is_grown_only_while_a_longer_name_starts_with_it() {
        let k = keys(&["bay of biscay", "bay"]);
        let table = NameTable::build(&k);
        let bay = table.get(&k, b"bay").unwrap();
        assert_eq!((bay.key, bay.longer), (Some(0), true));
        // Grown over " o", as in the longer name, not over " n" or "| ".
        assert!(bay.may_grow(b' ', b'o'));
        assert!(!bay.may_grow(b' ', b'n') && !bay.may_grow(b'|', b' '));
        let bay_of = table.get(&k, b"bay of").unwrap();
        assert_eq!((bay_of.key, bay_of.longer), (None, true));
        assert_eq!(table.get(&k, b"of biscay"), None);
        assert_eq!(found(&k, " bay of biscay"), ["bay", "bay of biscay"]);
        assert_eq!(found(&k, " bay near biscay| bay"), ["bay", "bay"]);
    }

    #[test]
    fn a_span_is_not_taken_for_another_with_its_tag_before_it_in_its_run() {
        // Two words of one length whose hashes share the tag and the home
        // slot of a table of eight: the first stands in the second's run.
        let words: Vec<String> = (0..20_000).map(|i| format!("w{i:05}")).collect();
        let look = |w: &String| {
            let h = hash(w.as_bytes());
            (h >> TAG_SHIFT, h & 7)
        };
        let mut seen = rustc_hash::FxHashMap::default();
        let (a, b) = words
            .iter()
            .find_map(|w| {
                seen.insert(look(w), w)
                    .map(|first| (first.clone(), w.clone()))
            })
            .expect("twenty thousand words give a pair");
        let (ax, by) = (format!("{a} x"), format!("{b} y"));
        let k = keys(&[&ax, &by]);
        let table = NameTable::build(&k);
        assert_eq!(table.bytes().len(), 8 * 8);
        // Each is grown by its own name's next word, not the other's.
        assert_eq!(
            found(&k, &format!(" {a} x| {b} y")),
            [ax.clone(), by.clone()]
        );
        assert_eq!(found(&k, &format!(" {b} y| {a} x")), [by, ax]);
    }

    #[test]
    fn the_table_reads_back_from_its_bytes_and_survives_damage() {
        let k = keys(&["kaliningrad", "rota", "vilnius"]);
        let built = NameTable::build(&k);
        let bytes: Vec<u8> = built.bytes().to_vec();
        let n = bytes.len();
        let read = NameTable::from_shared(Arc::new(bytes.clone()), 0..n).unwrap();
        assert_eq!(read.get(&k, b"rota").and_then(|h| h.key), Some(1));
        assert!(NameTable::from_shared(Arc::new(bytes.clone()), 0..n - 8).is_none());
        // Slots naming keys that do not exist answer nothing, and a table
        // with no empty slot still ends its search.
        let damaged = NameTable::from_shared(Arc::new(vec![0xFF; n]), 0..n).unwrap();
        for name in ["kaliningrad", "rota", "vilnius", "x"] {
            assert_eq!(damaged.get(&k, name.as_bytes()), None);
        }
    }
}
