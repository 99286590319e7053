//! Sentence splitting with byte offsets into the article text.

/// One sentence: `text[start..end]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    /// Part of a line of page furniture (share buttons, photo credits, ...).
    pub boilerplate: bool,
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "lt", "col", "sen", "rep", "gov", "jan", "feb", "mar",
    "apr", "aug", "sept", "sep", "oct", "nov", "dec", "no", "vs", "inc", "corp", "co", "jr", "sr",
    "prof", "capt", "adm", "maj", "sgt", "approx", "est",
];

/// Splits `text[start..end]` (one line) into sentences. Linear in the line,
/// with no per-character allocation, so a 50 MB line is fine.
fn split_line(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>, boilerplate: bool) {
    let line = &text[start..end];
    let mut s = 0;
    // Sentence ends are ASCII, so a vectorised byte search finds them and
    // every position it gives is a character boundary.
    for i in memchr::memchr3_iter(b'.', b'!', b'?', line.as_bytes()) {
        if i < s {
            continue;
        }
        let c = line.as_bytes()[i];
        // Closing quotes or brackets may follow; then a space, then a
        // capital, digit or opening quote.
        let rest = &line[i + 1..];
        let closers = rest.len() - rest.trim_start_matches(['"', '”', '’', '\'', ')']).len();
        let after = &rest[closers..];
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let next = after.trim_start().chars().next();
        if !next.is_some_and(|ch| {
            ch.is_uppercase() || ch.is_numeric() || matches!(ch, '"' | '“' | '‘' | '\'' | '[')
        }) {
            continue;
        }
        if c == b'.' && is_abbreviation(&line[..i]) {
            continue;
        }
        let cut = i + 1 + closers + (after.len() - after.trim_start().len());
        push(text, start + s, start + cut, out, boilerplate);
        s = cut;
    }
    push(text, start + s, end, out, boilerplate);
}

/// Whether the word that ends `before` (a full stop follows it) is an
/// initial or an abbreviation ("U.S.", "Gen."), after which a full stop
/// does not end a sentence.
fn is_abbreviation(before: &str) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, ch)| ch.is_alphanumeric())
        .last()
        .map_or(before.len(), |(p, _)| p);
    let word = &before[word_start..];
    if word.is_ascii() {
        word.len() == 1 || ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
    } else {
        let word = word.to_lowercase();
        word.chars().count() == 1 || ABBREVIATIONS.contains(&word.as_str())
    }
}

/// Longest "sentence" kept whole: text with no sentence end for longer than
/// this (a scraped page with no full stops) is cut at spaces, so the work
/// per sentence stays bounded.
const MAX_SENTENCE: usize = 4096;

fn push(text: &str, mut start: usize, end: usize, out: &mut Vec<Sentence>, boilerplate: bool) {
    while end - start > MAX_SENTENCE {
        let mut cut = start + MAX_SENTENCE;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let cut = text[start..cut]
            .rfind(char::is_whitespace)
            .map_or(cut, |i| start + i + 1);
        let cut = if cut <= start {
            start + MAX_SENTENCE.min(end - start)
        } else {
            cut
        };
        let mut cut = cut;
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        push_one(text, start, cut, out, boilerplate);
        start = cut;
    }
    push_one(text, start, end, out, boilerplate);
}

fn push_one(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>, boilerplate: bool) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        out.push(Sentence {
            start: start + lead,
            end: start + lead + trimmed.len(),
            boilerplate,
        });
    }
}

/// Sentences of `text`, lines first (a line break always ends a sentence),
/// flagged as boilerplate when their line is.
pub fn split(text: &str, is_boilerplate: impl Fn(&str) -> bool) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut at = 0;
    // "\n", "\r\n" and a lone "\r" all end a line.
    let bytes = text.as_bytes();
    while at < text.len() {
        let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(text.len(), |i| at + i);
        let bp = is_boilerplate(&text[at..end]);
        split_line(text, at, end, &mut out, bp);
        // A "\r\n" pair is one line end.
        at = end + 1;
        if bytes.get(end) == Some(&b'\r') && bytes.get(at) == Some(&b'\n') {
            at += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        split(t, |_| false)
            .iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn splits_on_stops_before_capitals() {
        assert_eq!(
            texts("Troops arrived. They stayed! Why? Nobody knows."),
            ["Troops arrived.", "They stayed!", "Why?", "Nobody knows."]
        );
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        assert_eq!(
            texts("The U.S. will send Gen. Smith to St. Louis."),
            ["The U.S. will send Gen. Smith to St. Louis."]
        );
    }

    #[test]
    fn a_run_with_no_sentence_end_is_cut_at_spaces() {
        let t = "word ".repeat(3000);
        let s = split(&t, |_| false);
        assert!(s.len() >= 3);
        assert!(
            s.iter()
                .all(|x| x.end - x.start <= MAX_SENTENCE && t.is_char_boundary(x.start))
        );
        assert!(s.iter().all(|x| t[x.start..x.end].ends_with("word")));
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        assert_eq!(
            texts("First line\rSecond line\r\nThird"),
            ["First line", "Second line", "Third"]
        );
    }

    #[test]
    fn lines_always_split_and_offsets_hold() {
        let t = "Title line\r\nBody here. More text";
        let s = split(t, |l| l.starts_with("Title"));
        assert_eq!(s.len(), 3);
        assert!(s[0].boilerplate);
        assert_eq!(&t[s[2].start..s[2].end], "More text");
    }
}
