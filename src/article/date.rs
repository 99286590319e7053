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
    // Every form has a four-digit year: a line without four digits in a
    // row (most lines) is not split into words at all.
    let mut run = 0;
    if !line.bytes().any(|b| {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        run == 4
    }) {
        return None;
    }
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    (0..words.len()).find_map(|i| date_at(&words, i))
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
    fn impossible_or_missing_dates_are_none() {
        assert_eq!(find_date("31 February 2022"), None);
        assert_eq!(find_date("2022-13-01"), None);
        assert_eq!(find_date("In May the troops left"), None);
    }
}
