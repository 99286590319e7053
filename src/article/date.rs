//! Dates written the ways news writes them, to ISO 8601 (`2022-01-24`).

const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
];

fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() >= 3 && m.starts_with(&w) && (w.len() == 3 || w == "sept")))
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
    ((1900..=2100).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in(year, month))
        .then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// The first date in `line`: `2022-01-24`, `24 January 2022`, `Jan 24 2022`,
/// `January 24, 2022`. None when there is none or it is not a real day.
pub fn find_date(line: &str) -> Option<String> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        // 2022-01-24 (possibly followed by a time: 2022-01-24T10:00)
        let ymd: Vec<&str> = w.get(..10).unwrap_or(w).split('-').collect();
        if ymd.len() == 3 && ymd[0].len() == 4 {
            if let (Ok(y), Ok(m), Ok(d)) = (ymd[0].parse(), ymd[1].parse(), ymd[2].parse()) {
                if let Some(s) = iso(y, m, d) {
                    return Some(s);
                }
            }
        }
        let num = |s: Option<&&str>| -> Option<u32> {
            s.map(|s| s.trim_end_matches(|c: char| c.is_alphabetic() || c == '.'))
                .and_then(|s| s.parse().ok())
        };
        let year = |s: Option<&&str>| -> Option<i32> {
            s.map(|s| s.trim_matches(|c: char| !c.is_ascii_digit())).filter(|s| s.len() == 4).and_then(|s| s.parse().ok())
        };
        if let Some(m) = month(w) {
            // Month D YYYY / Month D, YYYY
            if let (Some(d), Some(y)) = (num(words.get(i + 1)), year(words.get(i + 2))) {
                if let Some(s) = iso(y, m, d) {
                    return Some(s);
                }
            }
            // D Month YYYY
            if i > 0 {
                if let (Some(d), Some(y)) = (num(words.get(i - 1)), year(words.get(i + 1))) {
                    if let Some(s) = iso(y, m, d) {
                        return Some(s);
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn news_date_forms() {
        assert_eq!(find_date("Published 24 January 2022").as_deref(), Some("2022-01-24"));
        assert_eq!(find_date("KYIV, Jan 24 2022 (Reuters) -").as_deref(), Some("2022-01-24"));
        assert_eq!(find_date("March 31, 2018 2:36 pm").as_deref(), Some("2018-03-31"));
        assert_eq!(find_date("date: 2022-01-24").as_deref(), Some("2022-01-24"));
        assert_eq!(find_date("Sept. 3, 2021").as_deref(), Some("2021-09-03"));
    }

    #[test]
    fn impossible_or_missing_dates_are_none() {
        assert_eq!(find_date("31 February 2022"), None);
        assert_eq!(find_date("2022-13-01"), None);
        assert_eq!(find_date("In May the troops left"), None);
    }
}
