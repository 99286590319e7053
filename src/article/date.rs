//! Dates written the ways news writes them, to ISO 8601 (`2022-01-24`).

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month a word names: a full name or a three-letter (or "Sept")
/// abbreviation, any case, with or without a full stop. No allocation: it
/// is asked of every word of an article's first lines.
fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.');
    if !(3..=9).contains(&w.len()) || !w.is_ascii() {
        return None;
    }
    let abbreviation = w.len() == 3 || w.eq_ignore_ascii_case("sept");
    MONTHS
        .iter()
        .position(|m| {
            m.eq_ignore_ascii_case(w)
                || (abbreviation
                    && m.len() >= w.len()
                    && m.as_bytes()[..w.len()].eq_ignore_ascii_case(w.as_bytes()))
        })
        .map(|i| i as u32 + 1)
}

fn days_in(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn iso(year: i32, month: u32, day: u32) -> Option<String> {
    ((1900..=2100).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in(year, month))
    .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// The first date in `line`: `2022-01-24`, `24 January 2022`, `Jan 24 2022`,
/// `January 24, 2022`. None when there is none or it is not a real day.
pub fn find_date(line: &str) -> Option<String> {
    // Every form has a four-digit year, and `date_at` reads the words from
    // one before its key to two after it, the year among the key and the
    // two after. So only the words around each year are read: for a year
    // word, its three words before and two after, and the keys up to two
    // before it; years go in order, so keys do too, and the first date
    // found is the line's first. Most text is only scanned for digits.
    let bytes = line.as_bytes();
    let mut tried: Option<usize> = None; // keys starting here or before were read
    let mut i = 0;
    while let Some(digit) = crate::gazetteer::fold::first(bytes, i, |b| b.is_ascii_digit()) {
        let run = bytes[digit..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if run < 4 {
            i = digit + run;
            continue;
        }
        let i_year = digit + 3;
        let (start, end) = word_around(line, i_year);
        let mut window = words_before(line, start, 3);
        let year = window.len();
        window.push((start, &line[start..end]));
        window.extend(
            words(&line[end..])
                .take(2)
                .map(|w| (w.as_ptr() as usize - line.as_ptr() as usize, w)),
        );
        let texts: Vec<&str> = window.iter().map(|(_, w)| *w).collect();
        let first_key = year.saturating_sub(2);
        for (key, (at, _)) in window.iter().enumerate().take(year + 1).skip(first_key) {
            if tried.is_some_and(|t| *at <= t) {
                continue;
            }
            if let Some(d) = date_at(&texts, key) {
                return Some(d);
            }
        }
        tried = Some(start);
        i = end;
    }
    None
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == '|'
}

/// The word (`words`) holding byte `i` of `line`, as a byte range.
fn word_around(line: &str, i: usize) -> (usize, usize) {
    let start = line[..i]
        .char_indices()
        .rev()
        .find(|(_, c)| is_separator(*c))
        .map_or(0, |(p, c)| p + c.len_utf8());
    let end = line[i..].find(is_separator).map_or(line.len(), |p| i + p);
    (start, end)
}

/// Up to `n` words before byte `at` of `line`, in order, with their offsets.
fn words_before(line: &str, at: usize, n: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(n + 3);
    let mut end = at;
    while out.len() < n {
        let head = line[..end].trim_end_matches(is_separator);
        if head.is_empty() {
            break;
        }
        let start = head.rfind(is_separator).map_or(0, |p| {
            p + head[p..].chars().next().map_or(1, char::len_utf8)
        });
        out.push((start, &head[start..]));
        end = start;
    }
    out.reverse();
    out
}

/// The words of `line`: split at whitespace, commas and bars, empty ones
/// left out. ASCII is split byte by byte; only other characters are decoded.
fn words(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let mut at = 0;
    // The length of the separator at `i`, 0 for none.
    let sep = move |i: usize| -> usize {
        let b = bytes[i];
        if b < 0x80 {
            usize::from(b.is_ascii_whitespace() || b == b'\x0b' || b == b',' || b == b'|')
        } else {
            let c = line[i..].chars().next().unwrap_or('a');
            if is_separator(c) { c.len_utf8() } else { 0 }
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let n = sep(at);
            if n == 0 {
                break;
            }
            at += n;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() && sep(at) == 0 {
            at += if bytes[at] < 0x80 {
                1
            } else {
                line[at..].chars().next().map_or(1, char::len_utf8)
            };
        }
        Some(&line[start..at])
    })
}

/// A date whose key word is `words[i]`.
fn date_at(words: &[&str], i: usize) -> Option<String> {
    let w = words[i].trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
    // 2022-01-24 (possibly followed by a time: 2022-01-24T10:00)
    let mut ymd = w.get(..10).unwrap_or(w).split('-');
    if let (Some(y), Some(m), Some(d), None) = (ymd.next(), ymd.next(), ymd.next(), ymd.next())
        && y.len() == 4
    {
        return iso(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    }
    let m = month(w)?;
    let num = |k: usize| -> Option<u32> {
        words
            .get(k)?
            .trim_end_matches(|c: char| c.is_alphabetic() || c == '.')
            .parse()
            .ok()
    };
    let year = |k: usize| -> Option<i32> {
        let y = words.get(k)?.trim_matches(|c: char| !c.is_ascii_digit());
        if y.len() == 4 { y.parse().ok() } else { None }
    };
    // Month D YYYY / Month D, YYYY, else D Month YYYY
    let month_first = num(i + 1).zip(year(i + 2)).and_then(|(d, y)| iso(y, m, d));
    month_first.or_else(|| {
        let d = num(i.checked_sub(1)?)?;
        iso(year(i + 1)?, m, d)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_date_forms() {
        assert_eq!(
            find_date("Published 24 January 2022").as_deref(),
            Some("2022-01-24")
        );
        assert_eq!(
            find_date("KYIV, Jan 24 2022 (Reuters) -").as_deref(),
            Some("2022-01-24")
        );
        assert_eq!(
            find_date("March 31, 2018 2:36 pm").as_deref(),
            Some("2018-03-31")
        );
        assert_eq!(find_date("date: 2022-01-24").as_deref(), Some("2022-01-24"));
        assert_eq!(find_date("Sept. 3, 2021").as_deref(), Some("2021-09-03"));
        assert_eq!(find_date("MAY 5, 2021").as_deref(), Some("2021-05-05"));
        assert_eq!(find_date("sep 5 2021").as_deref(), Some("2021-09-05"));
    }

    #[test]
    fn only_full_names_and_three_letter_forms_are_months() {
        assert_eq!(find_date("Marc 5 2021"), None);
        assert_eq!(find_date("Ma 5 2021"), None);
        assert_eq!(find_date("Décembre 5 2021"), None);
    }

    #[test]
    fn the_first_date_wins_however_far_into_the_line() {
        let long = format!(
            "{} In 1999 and 2004, then on May 5, 2021 and 3 June 2022",
            "word ".repeat(500)
        );
        assert_eq!(find_date(&long).as_deref(), Some("2021-05-05"));
        assert_eq!(find_date("5 May 2021").as_deref(), Some("2021-05-05"));
        assert_eq!(find_date("May 0004 2022").as_deref(), Some("2022-05-04"));
        assert_eq!(find_date("2022-01-24").as_deref(), Some("2022-01-24"));
        assert_eq!(
            find_date("Jan\u{a0}24,\u{2009}2022|x").as_deref(),
            Some("2022-01-24")
        );
    }

    /// The rule `find_date` implements, read the slow way: every word a key.
    fn reference(line: &str) -> Option<String> {
        let words: Vec<&str> = line.split(is_separator).filter(|w| !w.is_empty()).collect();
        (0..words.len()).find_map(|i| date_at(&words, i))
    }

    proptest::proptest! {
        #[test]
        fn reading_around_years_finds_what_reading_every_word_does(
            tokens in proptest::collection::vec(
                proptest::sample::select(vec![
                    "May", "5", "05.", "0004", "2021", "1999", "2022-01-24", "2022-02-30T10",
                    "June", "31", "Sept.", "x", "(2020)", "é", "20212022",
                ]),
                0..14,
            ),
            seps in proptest::collection::vec(
                proptest::sample::select(vec![" ", ", ", "|", "\u{a0}", "  ", "\u{3000}"]),
                14,
            ),
        ) {
            let mut line = String::new();
            for (t, sep) in tokens.iter().zip(&seps) {
                line.push_str(t);
                line.push_str(sep);
            }
            proptest::prop_assert_eq!(find_date(&line), reference(&line), "{:?}", line);
        }
    }

    #[test]
    fn words_split_like_the_whitespace_rule() {
        let line = "a, b|c\u{a0}d\u{3000}é\tf\u{b}g  ";
        let expected: Vec<&str> = line
            .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words(line).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn impossible_or_missing_dates_are_none() {
        assert_eq!(find_date("31 February 2022"), None);
        assert_eq!(find_date("2022-13-01"), None);
        assert_eq!(find_date("In May the troops left"), None);
    }
}
