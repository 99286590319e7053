//! Articles: reading them from files and folders into plain records.
//!
//! This stage owns file formats, decoding, headers, dates, boilerplate and
//! sentences; it knows nothing of places. Problems with one file are
//! warnings (`Diagnostics`) and never stop the others.

pub mod date;
pub mod sentence;

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
pub use sentence::Sentence;

/// One news article.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Article {
    /// File name without extension (`001_84153eee4bba5c79`), or the record's id.
    pub id: String,
    pub title: String,
    /// ISO 8601 date (`2022-01-24`), when the article gives one.
    pub date: Option<String>,
    pub source: String,
    pub url: String,
    pub text: String,
    pub path: PathBuf,
    pub sentences: Vec<Sentence>,
}

/// Lines of page furniture (`gazetteer/boilerplate.txt`).
#[derive(Debug, Clone, Default)]
pub struct Boilerplate {
    exact: Vec<String>,
    prefixes: Vec<String>,
    /// Length of the longest entry, exact or prefix.
    longest: usize,
    /// The first byte of every prefix, and whether one is empty: a long
    /// line can only be a prefix's, so most are turned away on their first
    /// letter without being lower-cased.
    prefix_firsts: Vec<u8>,
    empty_prefix: bool,
    /// Hash of the list's text, for caches of articles read with it.
    pub fingerprint: u64,
}

/// The built-in boilerplate list.
pub const BOILERPLATE: &str = include_str!("../../gazetteer/boilerplate.txt");

impl Boilerplate {
    pub fn parse(list: &str) -> Boilerplate {
        let mut b = Boilerplate {
            fingerprint: std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, list),
            ..Boilerplate::default()
        };
        for line in list
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let l = line.to_lowercase();
            match l.strip_suffix('*') {
                Some(p) => b.prefixes.push(p.to_string()),
                None => b.exact.push(l),
            }
        }
        b.prefix_firsts = b.prefixes.iter().filter_map(|p| p.bytes().next()).collect();
        b.prefix_firsts.sort_unstable();
        b.prefix_firsts.dedup();
        b.empty_prefix = b.prefixes.iter().any(String::is_empty);
        b.longest = b
            .exact
            .iter()
            .chain(&b.prefixes)
            .map(String::len)
            .max()
            .unwrap_or(0);
        b
    }

    /// The built-in list, or `dir/boilerplate.txt` when it exists.
    pub fn load(dir: Option<&Path>) -> Boilerplate {
        let custom = dir
            .map(|d| d.join("boilerplate.txt"))
            .and_then(|p| fs::read_to_string(p).ok());
        Boilerplate::parse(custom.as_deref().unwrap_or(BOILERPLATE))
    }

    pub fn is_boilerplate(&self, line: &str) -> bool {
        let (line, whole, cut) = self.window(line);
        // A paragraph (too long for an exact entry or a breadcrumb) in
        // ASCII, as most are: only a prefix can match, and only one that
        // starts with its first letter or "[", lower-cased.
        let window = &line.as_bytes()[..cut];
        if !whole && !self.empty_prefix && window.is_ascii() {
            let first = window
                .iter()
                .find(|b| b.is_ascii_alphanumeric() || **b == b'[')
                .map(u8::to_ascii_lowercase);
            if !first.is_some_and(|f| self.prefix_firsts.contains(&f)) {
                return false;
            }
        }
        self.matches_lowered(line, whole, cut)
    }

    /// The trimmed line, whether an exact entry may be all of it, and how
    /// much of its start is compared.
    fn window<'a>(&self, line: &'a str) -> (&'a str, bool, usize) {
        let line = line.trim();
        // Only a line's start can match: bullets, then a prefix or an exact
        // entry (lists are short), or a breadcrumb of six words. The rest
        // of a paragraph is never lower-cased.
        const SLACK: usize = 64;
        let whole = line.len() <= self.longest + SLACK;
        let mut cut = line.len().min(self.longest + SLACK);
        while !line.is_char_boundary(cut) {
            cut -= 1;
        }
        (line, whole, cut)
    }

    /// `is_boilerplate` by lower-casing the line's start and comparing.
    fn matches_lowered(&self, line: &str, whole: bool, cut: usize) -> bool {
        let l = line[..cut].to_lowercase();
        // Bullets and icons before share buttons ("• Live").
        let l = l.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '[');
        let l = l.trim_end_matches(['.', '!']);
        // A breadcrumb ("News > U.S."): a short line of items split by ">".
        if whole && l.contains('>') && l.split_whitespace().count() <= 6 {
            return true;
        }
        !l.is_empty()
            && ((whole && self.exact.iter().any(|e| e == l))
                || self.prefixes.iter().any(|p| l.starts_with(p.as_str())))
    }
}

/// Extensions read as articles when a folder is given.
const ARTICLE_EXTENSIONS: &[&str] = &["txt", "text", "md", "json", "jsonl"];

/// Collects the article files under `paths` (files as given, folders
/// non-recursively by extension), sorted for a stable order.
pub fn article_files(paths: &[PathBuf], diag: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = Vec::new();
                    let mut listed: Vec<PathBuf> =
                        entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
                    listed.sort();
                    for p in listed {
                        let article = p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                            ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                        });
                        let hidden = p
                            .file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with('.'));
                        if article {
                            found.push(p);
                        } else if !hidden {
                            // Nothing the user gave is dropped silently.
                            let what = if p.is_dir() {
                                "a folder (folders are not read recursively)"
                            } else {
                                "not an article file (.txt, .text, .md, .json, .jsonl)"
                            };
                            diag.warn(&p, format!("ignored: {what}"));
                        }
                    }
                    // `listed` was sorted, so `found` is.
                    files.extend(found);
                }
                Err(e) => diag.skip(path, format!("cannot read folder: {e}")),
            },
            Ok(_) => files.push(path.clone()),
            Err(e) => diag.skip(path, format!("cannot read: {e}")),
        }
    }
    // One folder's files come sorted; only several paths need sorting
    // (comparing paths by component is slow enough to matter for
    // thousands of them).
    if !files.is_sorted() {
        files.sort();
    }
    files.dedup();
    files
}

/// Decodes an article's bytes: UTF-8 (a BOM is dropped), else Windows-1252
/// (the usual encoding of scraped Western pages; a superset of Latin-1)
/// with a warning. Binary files (NUL bytes or many control characters in
/// the first 8 KB) are None.
pub fn decode(bytes: &[u8], path: &Path, diag: &mut Diagnostics) -> Option<String> {
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b))
        .count();
    if head.contains(&0) || control * 10 > head.len().max(1) {
        diag.skip(
            path,
            "binary file (NUL or control bytes), not an article".to_string(),
        );
        return None;
    }
    let (text, _) = encoding_rs::UTF_8.decode_with_bom_removal(bytes);
    if std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)).is_ok() {
        return Some(text.into_owned());
    }
    let at = std::str::from_utf8(bytes)
        .err()
        .map_or(0, |e| e.valid_up_to());
    let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
    diag.warn(
        path,
        format!("not valid UTF-8 (first bad byte at offset {at}); decoded as Windows-1252"),
    );
    Some(text.into_owned())
}

/// Reads an article file's bytes; an unreadable file is skipped with a warning.
pub fn read_bytes(path: &Path, diag: &mut Diagnostics) -> Option<Vec<u8>> {
    match fs::read(path) {
        Ok(b) => Some(b),
        Err(e) => {
            diag.skip(path, format!("cannot read: {e}"));
            None
        }
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Header fields of a plain-text article.
#[derive(Debug, Default)]
struct Header {
    title: Option<String>,
    date: Option<String>,
    source: String,
    url: String,
}

/// Splits an optional `---` header block of `key: value` lines off the text.
/// Returns the header and the byte offset where the body starts.
fn header(text: &str, path: &Path, diag: &mut Diagnostics) -> (Header, usize) {
    let mut h = Header::default();
    let lead = text.len() - text.trim_start().len();
    let rest = &text[lead..];
    if !rest.starts_with("---") || rest.lines().next().map(str::trim) != Some("---") {
        return (h, 0);
    }
    let mut at = lead + rest.find('\n').map_or(rest.len(), |i| i + 1);
    let mut line_no = text[..at].lines().count();
    for line in text[at..].split_inclusive('\n') {
        line_no += 1;
        at += line.len();
        let l = line.trim();
        if l == "---" {
            return (h, at);
        }
        let Some((k, v)) = l.split_once(':') else {
            if !l.is_empty() {
                diag.warn(
                    path,
                    format!("line {line_no}: header line without `key: value`: {l:?}"),
                );
            }
            continue;
        };
        let v = v.trim().to_string();
        match k.trim().to_ascii_lowercase().as_str() {
            "title" => h.title = Some(v),
            "date" => {
                h.date = date::find_date(&v);
                if h.date.is_none() {
                    diag.warn(
                        path,
                        format!("line {line_no}: date {v:?} is not a date eventmap reads"),
                    );
                }
            }
            "source" => h.source = v,
            "url" => h.url = v,
            _ => {}
        }
    }
    diag.warn(
        path,
        "header block opened with `---` never closes; read as article text".to_string(),
    );
    (Header::default(), 0)
}

/// A first line used as the title, cut at a word near 200 characters: an
/// article that is one long line must not copy itself into every feature.
fn short_title(line: &str) -> String {
    const MAX: usize = 200;
    if line.chars().count() <= MAX {
        return line.to_string();
    }
    let cut = line.char_indices().nth(MAX).map_or(line.len(), |(i, _)| i);
    let cut = line[..cut]
        .rfind(char::is_whitespace)
        .filter(|&i| i > MAX / 2)
        .unwrap_or(cut);
    format!("{}…", line[..cut].trim_end())
}

/// Builds an article from its parts: sentences, title and date fallbacks.
/// What a file or record says about an article besides its text.
#[derive(Debug, Default)]
pub struct Meta {
    pub title: Option<String>,
    pub date: Option<String>,
    pub source: String,
    pub url: String,
}

pub fn make_article(
    id: String,
    path: &Path,
    text: String,
    meta: Meta,
    boilerplate: &Boilerplate,
) -> Article {
    let Meta {
        title,
        date,
        source,
        url,
    } = meta;
    let sentences = sentence::split(&text, |l| boilerplate.is_boilerplate(l));
    let title = title.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !boilerplate.is_boilerplate(l) && l != &"---")
            .map(short_title)
            .unwrap_or_default()
    });
    // A date in the article's first lines: a dateline or "Published ...".
    let date = date.or_else(|| {
        text.lines()
            .filter(|l| !l.trim().is_empty() && !boilerplate.is_boilerplate(l))
            .take(12)
            .find_map(date::find_date)
    });
    Article {
        id,
        title,
        date,
        source,
        url,
        text,
        path: path.to_path_buf(),
        sentences,
    }
}

/// Reads one plain-text article file.
fn read_plain(
    path: &Path,
    bytes: &[u8],
    boilerplate: &Boilerplate,
    diag: &mut Diagnostics,
) -> Option<Article> {
    let text = decode(bytes, path, diag)?;
    let (h, body) = header(&text, path, diag);
    if text[body..].trim().is_empty() {
        diag.skip(path, "empty article".to_string());
        return None;
    }
    // Offsets stay into the whole file text; the header lines are blanked so
    // they are neither mapped nor shift anything.
    let mut text = text;
    if body > 0 {
        let blank: String = text[..body]
            .chars()
            .map(|c| if c == '\n' { '\n' } else { ' ' })
            .collect();
        text.replace_range(..body, &blank);
    }
    let meta = Meta {
        title: h.title,
        date: h.date,
        source: h.source,
        url: h.url,
    };
    Some(make_article(stem(path), path, text, meta, boilerplate))
}

/// One record of a `.json`/`.jsonl` article file.
#[derive(Debug, serde::Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    text: String,
}

fn from_record(
    r: Record,
    fallback_id: String,
    path: &Path,
    boilerplate: &Boilerplate,
    diag: &mut Diagnostics,
) -> Option<Article> {
    let id = match r.id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => fallback_id,
    };
    if r.text.trim().is_empty() {
        diag.skip(path, format!("record {id}: empty text"));
        return None;
    }
    let date = match r.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => {
            let parsed = date::find_date(d);
            if parsed.is_none() {
                diag.warn(
                    path,
                    format!("record {id}: date {d:?} is not a date eventmap reads"),
                );
            }
            parsed
        }
        None => None,
    };
    let meta = Meta {
        title: r.title,
        date,
        source: r.source.unwrap_or_default(),
        url: r.url.unwrap_or_default(),
    };
    Some(make_article(id, path, r.text, meta, boilerplate))
}

/// The article of one JSON-lines record, `fallback_id` naming it when it
/// has no id: Ok(None) for a blank line or an empty text (with a warning),
/// Err saying what is wrong with a line that is not a record.
pub fn record_line(
    line: &str,
    fallback_id: &str,
    path: &Path,
    boilerplate: &Boilerplate,
    diag: &mut Diagnostics,
) -> Result<Option<Article>, String> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let r =
        serde_json::from_str::<Record>(line).map_err(|e| format!("not an article record: {e}"))?;
    Ok(from_record(
        r,
        fallback_id.to_string(),
        path,
        boilerplate,
        diag,
    ))
}

/// Reads a `.jsonl` file (one record a line) or a `.json` file (a record or
/// an array of records). A bad line or record is a warning naming it.
fn read_json(
    path: &Path,
    bytes: &[u8],
    boilerplate: &Boilerplate,
    diag: &mut Diagnostics,
) -> Vec<Article> {
    let Some(text) = decode(bytes, path, diag) else {
        return Vec::new();
    };
    let base = stem(path);
    let mut out = Vec::new();
    let jsonl = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl"));
    if jsonl {
        for (n, line) in text.lines().enumerate() {
            match record_line(line, &format!("{base}-{}", n + 1), path, boilerplate, diag) {
                Ok(a) => out.extend(a),
                Err(e) => diag.skip(path, format!("line {}: {e}", n + 1)),
            }
        }
    } else {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Array(items)) => {
                for (n, item) in items.into_iter().enumerate() {
                    match serde_json::from_value::<Record>(item) {
                        Ok(r) => out.extend(from_record(
                            r,
                            format!("{base}-{}", n + 1),
                            path,
                            boilerplate,
                            diag,
                        )),
                        Err(e) => diag.skip(
                            path,
                            format!("record {}: not an article record: {e}", n + 1),
                        ),
                    }
                }
            }
            Ok(v) => match serde_json::from_value::<Record>(v) {
                Ok(r) => out.extend(from_record(r, base, path, boilerplate, diag)),
                Err(e) => diag.skip(path, format!("not an article record: {e}")),
            },
            Err(e) => diag.skip(path, format!("line {}: not JSON: {e}", e.line())),
        }
    }
    out
}

/// Reads every article under `paths`. Duplicate ids keep the first and warn.
/// The articles in one file's bytes: one for plain text, any number for
/// `.json`/`.jsonl`.
pub fn parse_file(
    path: &Path,
    bytes: &[u8],
    boilerplate: &Boilerplate,
    diag: &mut Diagnostics,
) -> Vec<Article> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if ext == "json" || ext == "jsonl" {
        read_json(path, bytes, boilerplate, diag)
    } else {
        read_plain(path, bytes, boilerplate, diag)
            .into_iter()
            .collect()
    }
}

/// Keeps the first article of each id, in order; later ones are skipped
/// with a warning naming their file.
pub fn drop_duplicate_ids<T>(
    items: Vec<T>,
    id: impl Fn(&T) -> (&str, &Path),
    diag: &mut Diagnostics,
) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for item in items {
        let (i, path) = id(&item);
        if !seen.insert(i.to_string()) {
            diag.skip(
                path,
                format!("duplicate article id {i:?}; the first one is kept"),
            );
            continue;
        }
        out.push(item);
    }
    out
}

/// Reads every article under `paths`. Duplicate ids keep the first and warn.
pub fn read_articles(
    paths: &[PathBuf],
    boilerplate: &Boilerplate,
    diag: &mut Diagnostics,
) -> Vec<Article> {
    let mut all = Vec::new();
    for path in article_files(paths, diag) {
        if let Some(bytes) = read_bytes(&path, diag) {
            all.extend(parse_file(&path, &bytes, boilerplate, diag));
        }
    }
    drop_duplicate_ids(all, |a: &Article| (a.id.as_str(), a.path.as_path()), diag)
}

#[cfg(test)]
mod boilerplate_tests {
    use super::{BOILERPLATE, Boilerplate};

    #[test]
    fn furniture_is_found_and_paragraphs_are_not() {
        let b = Boilerplate::parse(BOILERPLATE);
        let long = "x".repeat(200);
        assert!(b.is_boilerplate("Share"));
        assert!(b.is_boilerplate("• Read more about NATO's eastern flank"));
        assert!(b.is_boilerplate(&format!("Read more: {long}")));
        assert!(b.is_boilerplate(&format!("[Photo credit: Reuters] {long}")));
        assert!(b.is_boilerplate("News > World > Europe"));
        assert!(!b.is_boilerplate(&format!("Troops arrived in Rota. {long}")));
        assert!(!b.is_boilerplate("Troops arrived in Rota."));
    }

    proptest::proptest! {
        /// The first-letter shortcut answers as lower-casing and comparing
        /// does, for lines long and short, ASCII or not.
        #[test]
        fn the_shortcut_answers_as_the_comparison_does(
            start in proptest::sample::select(vec![
                "", "read more", "Read More", "[photo credit", "• ", "— ", "share", "Źródło",
                "subscribe", "12 ", "troops", "[", "...",
            ]),
            rest in "[ -~]{0,40}|.{0,40}",
            long in 0usize..3,
        ) {
            let b = Boilerplate::parse(BOILERPLATE);
            let line = format!("{start}{rest}{}", "word ".repeat(long * 30));
            let (trimmed, whole, cut) = b.window(&line);
            proptest::prop_assert_eq!(
                b.is_boilerplate(&line),
                b.matches_lowered(trimmed, whole, cut),
                "{:?}",
                line
            );
        }
    }
}
