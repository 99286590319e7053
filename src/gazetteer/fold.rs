//! Case and accent folding with a map back to the original text.
//!
//! Names and article text go through the same folding, so "Suwałki", "SUWALKI"
//! and "Suwalki" meet as `suwalki`. Separators collapse: a run of spaces,
//! hyphens and apostrophes becomes one soft separator (`' '`), a run holding
//! any other punctuation becomes one hard separator (`'|'`), so a name never
//! matches across a comma or a full stop that is not part of it.

/// Folded text plus, for every folded byte, the byte offset of the original
/// character it came from.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// ASCII: letters, digits and the two separators.
    pub text: Vec<u8>,
    origin: Vec<u32>,
    /// Where in `text` a word starts that may start a name (`capitalised`
    /// only; a word the first-word filter rules out is not one).
    pub starts: Vec<u32>,
}

const SOFT: u8 = b' ';
const HARD: u8 = b'|';
/// No separator owed (`Folded::capitalised`).
const NONE: u8 = 0;

impl Folded {
    /// Folds `original`, starting the folded text with a soft separator so that
    /// every word start is preceded by a separator.
    pub fn new(original: &str) -> Folded {
        let mut f = Folded {
            text: Vec::with_capacity(original.len() + 1),
            origin: Vec::with_capacity(original.len() + 1),
            starts: Vec::new(),
        };
        f.push_sep(SOFT, 0);
        fold_into(original, &mut f);
        f
    }

    /// Folds only what can start or continue a place name: words that begin
    /// with a capital or a digit, and the connectors between them; every
    /// other word becomes a hard separator. Names must be capitalised in the
    /// text (`case_fits`), so nothing is lost, and the name table sees a
    /// fraction of the text. `starts_name` is asked of each plain ASCII word
    /// as written (letters and digits, in any case) whether its lower-case
    /// form may start a name, and told whether the word is written in lower
    /// case and folded whatever the answer, as it continues the name before
    /// it ("Baltic states", "Bay of Biscay"): such a word starts a name
    /// only if one is spelt other than with a capital (`case_fits` turns
    /// down the rest), and the answer changes nothing else.
    pub fn capitalised(original: &str, starts_name: impl Fn(&[u8], bool) -> bool) -> Folded {
        let bytes = original.as_bytes();
        let mut f = Folded {
            text: Vec::with_capacity(bytes.len() / 2 + 8),
            origin: Vec::with_capacity(bytes.len() / 2 + 8),
            // News has a name start every 50-100 bytes.
            starts: Vec::with_capacity(bytes.len() / 32 + 4),
        };
        // The separator owed before the next folded word, and where its run
        // began; written only when a word follows, so skipped text costs
        // nothing but the scan.
        let mut pending = SOFT;
        let mut pending_at = 0;
        // The previous word was capitalised and only spaces came since: a
        // lower-case word may still belong to its name ("Baltic states").
        let mut after_capital = false;
        // The previous word was folded and at most two separator characters
        // came since: this word may continue its name ("U.S.", "Bay of Biscay").
        let mut prev_folded = false;
        let mut gap = 0usize;
        let mut at = 0;
        while at < bytes.len() {
            if !prev_folded {
                // Nothing before can continue a name: jump to the next word
                // that can start one (a capital, a digit, or non-ASCII).
                let skip = next_start(bytes, at);
                if skip > at {
                    if pending == NONE {
                        pending_at = at;
                    }
                    pending = HARD;
                    after_capital = false;
                    at = skip;
                    if at >= bytes.len() {
                        break;
                    }
                }
            }
            let b = bytes[at];
            let (c, len) = if b < 0x80 {
                (b as char, 1)
            } else {
                let c = original[at..].chars().next().unwrap_or(' ');
                (c, c.len_utf8())
            };
            let word_char = if b < 0x80 {
                b.is_ascii_alphanumeric()
            } else {
                is_word_char(c)
            };
            if !word_char {
                let sep = separator(c);
                if pending == NONE {
                    pending_at = at;
                }
                if pending != HARD {
                    pending = sep;
                }
                after_capital &= sep == SOFT;
                gap += 1;
                at += len;
                continue;
            }
            let mut end = at + len;
            let mut ascii = b < 0x80;
            loop {
                end = first(bytes, end, |e| !e.is_ascii_alphanumeric()).unwrap_or(bytes.len());
                if end >= bytes.len() || bytes[end] < 0x80 {
                    break;
                }
                match original[end..].chars().next() {
                    Some(ch) if is_word_char(ch) => {
                        ascii = false;
                        end += ch.len_utf8();
                    }
                    _ => break,
                }
            }
            let word = &original[at..end];
            let capital = c.is_uppercase() || c.is_numeric();
            let continues = prev_folded && gap <= 2;
            // Whether the word is folded whatever the first-word filter
            // says (it continues a name), and whether it may be folded at
            // all: a capital, a connector before a capital ("Bay of
            // Biscay"), or a lower-case word right after a capital
            // ("Baltic states").
            let (must, may) = if capital {
                (continues, true)
            } else if is_connector(word) {
                let next_capital = || {
                    original[end..]
                        .trim_start_matches([' ', '\t'])
                        .starts_with(|ch: char| ch.is_uppercase())
                };
                (continues, continues || next_capital())
            } else {
                let c = continues && after_capital;
                (c, c)
            };
            // In lower case and folded whatever the filter says: the
            // answer only tells whether the word starts a name.
            let lower = !capital && must;
            // Only words that start some name are worth looking up: a plain
            // ASCII word (most of the text) is asked of the filter as it
            // stands, and one it rules out is not folded unless it continues
            // a name.
            let starts = may && ascii && starts_name(word.as_bytes(), lower);
            let fold = may && (starts || must || !ascii);
            if fold {
                match pending {
                    SOFT => f.push_word_byte(SOFT, pending_at),
                    HARD => f.push_hard(pending_at),
                    _ => {}
                }
                let from = f.text.len();
                if ascii {
                    // Copied lower-cased: bit 5 set in a letter makes it
                    // lower case, and digits have it set already.
                    f.text.extend(word.bytes().map(|b| b | 0x20));
                    if starts {
                        f.starts.push(from as u32);
                    }
                    f.origin.extend(at as u32..end as u32);
                } else {
                    // Not checked: every word its folding makes may start one
                    // (non-ASCII words are always kept: their folding is not a
                    // copy).
                    fold_chars(word, at, &mut f);
                    let text = &f.text;
                    let after_space = (from..text.len()).filter(|&p| p > 0 && text[p - 1] == SOFT);
                    f.starts.extend(after_space.map(|p| p as u32));
                }
            }
            if fold {
                pending = NONE;
            } else {
                if pending == NONE {
                    pending_at = at;
                }
                pending = HARD;
            }
            after_capital = capital;
            prev_folded = fold;
            gap = 0;
            at = end;
        }
        match pending {
            SOFT => f.push_word_byte(SOFT, pending_at),
            HARD => f.push_hard(pending_at),
            _ => {}
        }
        f
    }

    /// The folded text as a string (it is ASCII).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text).unwrap_or_default()
    }

    /// The byte offset in the original text of folded byte `i`.
    pub fn origin(&self, i: usize) -> usize {
        self.origin[i] as usize
    }

    /// Appends a separator. A hard one is written `"| "` so that every word,
    /// after either kind, starts right after a space.
    fn push_sep(&mut self, sep: u8, at: usize) {
        match self.text.last() {
            Some(&SOFT) if sep == HARD => {
                let hard_already = self.text.len() >= 2 && self.text[self.text.len() - 2] == HARD;
                if !hard_already {
                    // A run with punctuation in it is hard; it starts where
                    // the run started, so spans never take in its first char.
                    self.text.pop();
                    let first = self.origin.pop().map_or(at, |o| o as usize);
                    self.push_hard(first);
                }
            }
            Some(&SOFT) => {}
            _ if sep == HARD => self.push_hard(at),
            _ => {
                self.text.push(SOFT);
                self.origin.push(at as u32);
            }
        }
    }

    fn push_hard(&mut self, at: usize) {
        self.text.extend_from_slice(b"| ");
        self.origin.extend([at as u32, at as u32]);
    }

    fn push_word_byte(&mut self, b: u8, at: usize) {
        self.text.push(b);
        self.origin.push(at as u32);
    }
}

fn separator(c: char) -> u8 {
    if c == ' ' {
        return SOFT;
    }
    match c {
        c if c.is_whitespace() => SOFT,
        '-' | '\'' | '\u{2019}' | '\u{2018}' | '\u{2010}' | '\u{2011}' | '\u{00AD}' | '_' => SOFT,
        _ => HARD,
    }
}

/// Lower-case words that may stand inside a place name ("Bay of Biscay",
/// "Rio de Janeiro", "the States").
fn is_connector(word: &str) -> bool {
    (1..=4).contains(&word.len())
        && matches!(
            word,
            "of" | "the"
                | "and"
                | "de"
                | "la"
                | "le"
                | "les"
                | "du"
                | "des"
                | "del"
                | "da"
                | "do"
                | "dos"
                | "di"
                | "von"
                | "van"
                | "der"
                | "den"
                | "upon"
                | "on"
                | "al"
                | "el"
                | "y"
                | "en"
                | "sur"
                | "am"
                | "an"
                | "im"
        )
}

/// The first word start at or after `at` whose first byte is an ASCII
/// capital or digit, or not ASCII; `bytes.len()` when there is none.
fn next_start(bytes: &[u8], mut at: usize) -> usize {
    loop {
        let Some(i) = first(bytes, at, |b| {
            b.is_ascii_uppercase() | b.is_ascii_digit() | (b >= 0x80)
        }) else {
            return bytes.len();
        };
        if i == 0 || !bytes[i - 1].is_ascii_alphanumeric() {
            // Curly quotes, dashes and odd spaces start no word: passed
            // over here as ASCII punctuation is.
            if is_general_punctuation(&bytes[i..]) {
                at = i + 3;
                continue;
            }
            return i;
        }
        // Inside a word ("iPhone", "café"): go past it, non-ASCII bytes
        // included, so the scan always moves on and lands on ASCII.
        let rest = &bytes[i + 1..];
        at = i
            + 1
            + rest
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b >= 0x80))
                .unwrap_or(rest.len());
        if at >= bytes.len() {
            return bytes.len();
        }
    }
}

/// Whether `b` starts with a character of Unicode's General Punctuation
/// block (U+2000-U+206F: spaces, dashes, quotes, format marks), none of
/// them a letter, digit or combining mark.
fn is_general_punctuation(b: &[u8]) -> bool {
    matches!(b, [0xE2, 0x80, _, ..] | [0xE2, 0x81, 0x80..=0xAF, ..])
}

/// The first byte at or after `from` that `hit` holds for: sixteen bytes
/// at a time, branch-free within each, so the compiler vectorises the
/// stretches with none (most of the text between capitals), and the hit's
/// place in its sixteen read off a bit mask, not searched for again.
#[inline]
pub fn first(bytes: &[u8], from: usize, hit: impl Fn(u8) -> bool) -> Option<usize> {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        // 0xFF where `hit` holds: the first such byte is the lowest set
        // byte of the word.
        let marks: [u8; 16] = std::array::from_fn(|j| if hit(chunk[j]) { 0xFF } else { 0 });
        let mask = byte_mask(&marks);
        if mask != 0 {
            return Some(i + mask.trailing_zeros() as usize);
        }
        i += 16;
    }
    let rest = bytes.get(i..)?;
    rest.iter().position(|&b| hit(b)).map(|p| i + p)
}

/// A bit per byte of `marks` (each 0 or 0xFF), the first byte's lowest:
/// SSE2's movemask, which the compiler does not find on its own (it went
/// through memory, a quarter of `first`'s instructions).
#[inline]
fn byte_mask(marks: &[u8; 16]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_movemask_epi8};
        // SAFETY: SSE2 is part of every x86_64 target, and the load reads
        // the sixteen bytes of `marks`, unaligned reads allowed.
        unsafe { _mm_movemask_epi8(_mm_loadu_si128(marks.as_ptr().cast::<__m128i>())) as u32 }
    }
    #[cfg(not(target_arch = "x86_64"))]
    byte_mask_portable(marks)
}

/// `byte_mask` a byte at a time (other targets, and the test of the SSE2 one).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn byte_mask_portable(marks: &[u8; 16]) -> u32 {
    marks
        .iter()
        .enumerate()
        .fold(0, |m, (j, &b)| m | u32::from(b >> 7) << j)
}

fn fold_into(original: &str, out: &mut Folded) {
    fold_chars(original, 0, out)
}

fn fold_chars(original: &str, base: usize, out: &mut Folded) {
    for (at, c) in original.char_indices() {
        let at = at + base;
        if c.is_ascii() {
            let b = c as u8;
            if b.is_ascii_alphanumeric() {
                out.push_word_byte(b.to_ascii_lowercase(), at);
            } else {
                out.push_sep(separator(c), at);
            }
            continue;
        }
        if !c.is_alphanumeric() {
            // Combining marks fold away; other symbols separate words.
            if is_combining(c) {
                continue;
            }
            out.push_sep(separator(c), at);
            continue;
        }
        match deunicode::deunicode_char(c) {
            Some(ascii) if ascii.bytes().any(|b| b.is_ascii_alphanumeric()) => {
                for b in ascii.bytes() {
                    if b.is_ascii_alphanumeric() {
                        out.push_word_byte(b.to_ascii_lowercase(), at);
                    } else {
                        out.push_sep(SOFT, at);
                    }
                }
            }
            _ => out.push_sep(SOFT, at),
        }
    }
}

/// Whether a character belongs to a word: a letter, digit or combining
/// mark. Curly quotes and dashes (General Punctuation, none of them any of
/// those), common after a word in news ("Ukraine’s"), are answered
/// without a search of Unicode's tables.
fn is_word_char(c: char) -> bool {
    is_alphanumeric(c) || is_combining(c)
}

/// `char::is_alphanumeric`, with curly quotes and dashes (General
/// Punctuation, none of them a letter or digit) answered at once.
pub fn is_alphanumeric(c: char) -> bool {
    !matches!(c, '\u{2000}'..='\u{206F}') && c.is_alphanumeric()
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The folded key of a name: folded text without the leading and trailing
/// separators ("St. Petersburg" -> `st| petersburg`).
pub fn key(name: &str) -> String {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ') {
        // Fast path for plain ASCII names, most of the gazetteer.
        let mut out = String::with_capacity(name.len());
        for w in name.split(' ').filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
        }
        return out;
    }
    let f = Folded::new(name);
    f.as_str()
        .trim_matches(|c| c == ' ' || c == '|')
        .to_string()
}

/// True when `b` is a folded word byte (not a separator).
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_byte_mask_has_the_bit_of_each_marked_byte(marked in proptest::array::uniform16(proptest::bool::ANY)) {
            let marks = marked.map(|m| if m { 0xFF } else { 0 });
            proptest::prop_assert_eq!(byte_mask(&marks), byte_mask_portable(&marks));
            let first = marked.iter().position(|&m| m);
            proptest::prop_assert_eq!(
                first,
                (byte_mask(&marks) != 0).then(|| byte_mask(&marks).trailing_zeros() as usize)
            );
        }
    }

    #[test]
    fn no_general_punctuation_is_a_word_character() {
        for c in ('\u{2000}'..='\u{206F}').chain(['\u{2019}', '\u{201C}', '\u{2014}']) {
            assert!(!(c.is_alphanumeric() || is_combining(c)), "{c:?}");
            assert!(!is_word_char(c) && !is_alphanumeric(c));
        }
        for c in ['a', 'Z', '7', 'ł', 'Ż', '\u{0301}', '\u{2071}'] {
            assert!(is_word_char(c), "{c:?}");
        }
    }

    #[test]
    fn diacritics_and_case_fold_away() {
        assert_eq!(key("Suwałki Gap"), "suwalki gap");
        assert_eq!(key("SUWALKI gap"), "suwalki gap");
        assert_eq!(key("Ādaži"), "adazi");
        assert_eq!(key("Ämari"), "amari");
    }

    #[test]
    fn hyphens_and_apostrophes_are_soft_punctuation_is_hard() {
        assert_eq!(key("Ivano-Frankivsk"), "ivano frankivsk");
        assert_eq!(key("Côte d'Ivoire"), "cote d ivoire");
        assert_eq!(key("U.S."), "u| s");
        assert_eq!(key("St. Petersburg"), "st| petersburg");
        assert_eq!(key("Rota, Spain"), "rota| spain");
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "In Suwałki, troops";
        let f = Folded::new(text);
        assert_eq!(f.as_str(), " in suwalki| troops");
        assert_eq!(Folded::new("a , b").as_str(), " a| b");
        let at = f.as_str().find("suwalki").unwrap();
        assert_eq!(f.origin(at), 3);
        assert_eq!(&text[f.origin(at)..f.origin(at + 7)], "Suwałki");
    }

    #[test]
    fn only_capitalised_words_and_connectors_are_folded() {
        let text = "troops went to the Bay of Biscay and Rota. Baltic states agreed";
        let f = Folded::capitalised(text, |_, _| true);
        assert_eq!(f.as_str(), "| bay of biscay and rota| baltic states| ");
        let at = f.as_str().find("rota").unwrap();
        assert_eq!(&text[f.origin(at)..f.origin(at + 4)], "Rota");
    }

    #[test]
    fn a_word_starts_a_name_only_if_the_filter_lets_it_or_it_is_not_ascii() {
        let f = Folded::capitalised("Vladimir Putin met Łódź officials", |w, _| {
            w.eq_ignore_ascii_case(b"vladimir")
        });
        let starts: Vec<&str> = f
            .starts
            .iter()
            .map(|&s| f.as_str()[s as usize..].split([' ', '|']).next().unwrap())
            .collect();
        // "putin" is folded to continue "vladimir ..." but starts nothing.
        assert!(f.as_str().contains("vladimir putin"));
        assert_eq!(starts, ["vladimir", "lodz"]);
    }

    #[test]
    fn a_lower_case_word_continuing_a_name_is_asked_as_one() {
        let asked = std::cell::RefCell::new(Vec::new());
        let text = "the Baltic states and Bay of Biscay or Rota   of Spain";
        let f = Folded::capitalised(text, |w, lower| {
            asked
                .borrow_mut()
                .push((String::from_utf8_lossy(w).into_owned(), lower));
            !lower
        });
        // "states", "and", "of" and "or" continue a name whatever the filter
        // says: asked as words in lower case. The "of" three spaces after
        // "Rota" continues nothing, and is folded only if the filter lets it
        // start a name: asked as any word, as the capitals are.
        let asked = asked.into_inner();
        let lower: Vec<&str> = asked.iter().filter(|a| a.1).map(|a| a.0.as_str()).collect();
        assert_eq!(lower, ["states", "and", "of", "or"], "{asked:?}");
        let others: Vec<&str> = asked
            .iter()
            .filter(|a| !a.1)
            .map(|a| a.0.as_str())
            .collect();
        assert_eq!(others, ["Baltic", "Bay", "Biscay", "Rota", "of", "Spain"]);
        // Turned down as starts, they still continue the names before them;
        // the filter lets the last "of" start one.
        assert_eq!(
            f.as_str(),
            "| baltic states and bay of biscay or rota of spain"
        );
        let states = f.as_str().find("states").unwrap() as u32;
        assert!(!f.starts.contains(&states));
    }

    #[test]
    fn skipping_lower_case_text_always_moves_on() {
        for text in [
            "iPhone in Zürich",
            "café Łódź",
            "x\u{00e9}\u{00e9} Rota",
            "\u{00e9}",
            "aé",
            "éa Rota",
        ] {
            let f = Folded::capitalised(text, |_, _| true);
            assert!(f.as_str().len() <= text.len() * 3 + 4, "{text}");
        }
        assert!(
            Folded::capitalised("Ships left Zürich.", |_, _| true)
                .as_str()
                .contains("zurich")
        );
    }

    proptest::proptest! {
        #[test]
        fn first_finds_what_a_plain_search_finds(
            bytes in proptest::collection::vec(proptest::sample::select(b"ab Z9\xC3\xA9.".to_vec()), 0..80),
            from in 0usize..90,
        ) {
            let hit = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit() || b >= 0x80;
            let plain = bytes.get(from..).and_then(|r| r.iter().position(|&b| hit(b)).map(|p| from + p));
            proptest::prop_assert_eq!(first(&bytes, from, hit), plain);
        }

        #[test]
        fn folded_text_is_ascii_words_and_separators_whatever_the_input(text in "\\PC{0,60}") {
            for f in [Folded::new(&text), Folded::capitalised(&text, |_, _| true)] {
                let ok = f.text.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == SOFT || b == HARD);
                proptest::prop_assert!(ok, "{:?} -> {:?}", text, f.as_str());
                proptest::prop_assert_eq!(f.as_str().len(), f.text.len());
            }
        }
    }

    #[test]
    fn general_punctuation_is_no_letter() {
        for c in '\u{2000}'..='\u{206F}' {
            let mut b = [0u8; 4];
            let bytes = c.encode_utf8(&mut b).as_bytes();
            assert!(is_general_punctuation(bytes), "{c:?}");
            assert!(!c.is_alphanumeric() && !is_combining(c), "{c:?}");
        }
        assert!(!is_general_punctuation("\u{2070}".as_bytes()));
        assert!(!is_general_punctuation("é".as_bytes()));
        // Passed over between words, as ASCII punctuation is.
        let f = Folded::capitalised("troops \u{201c}Rota\u{201d} \u{2014} Vilnius", |_, _| true);
        assert_eq!(f.as_str(), "| rota| vilnius");
    }

    #[test]
    fn combining_marks_disappear() {
        assert_eq!(key("Sue\u{0301}de"), "suede");
    }
}
