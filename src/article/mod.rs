//! Articles: reading them from files and folders into plain records.
//!
//! This stage owns file formats and decoding; it knows nothing of places.
//! Problems with one file are warnings (`Diagnostics`) and never stop the
//! others.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;

/// One news article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// File name without extension (`001_84153eee4bba5c79`).
    pub id: String,
    pub title: String,
    pub text: String,
    pub path: PathBuf,
}

/// Extensions read as articles when a folder is given.
const ARTICLE_EXTENSIONS: &[&str] = &["txt", "text", "md"];

/// Collects the article files under `paths` (files as given, folders
/// non-recursively by extension), sorted for a stable order.
pub fn article_files(paths: &[PathBuf], diag: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => match fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                                ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                            })
                        })
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(e) => diag.skip(path, format!("cannot read folder: {e}")),
            },
            Ok(_) => files.push(path.clone()),
            Err(e) => diag.skip(path, format!("cannot read: {e}")),
        }
    }
    files.sort();
    files.dedup();
    files
}

/// Reads one article file. Invalid UTF-8 is decoded lossily with a warning;
/// an empty or unreadable file is skipped with a warning.
pub fn read_article(path: &Path, diag: &mut Diagnostics) -> Option<Article> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diag.skip(path, format!("cannot read: {e}"));
            return None;
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            diag.warn(path, format!("not valid UTF-8 (first bad byte at offset {at}); decoded with replacement characters"));
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    if text.trim().is_empty() {
        diag.skip(path, "empty article".to_string());
        return None;
    }
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let title = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_string();
    Some(Article {
        id,
        title,
        text,
        path: path.to_path_buf(),
    })
}

/// Reads every article under `paths`.
pub fn read_articles(paths: &[PathBuf], diag: &mut Diagnostics) -> Vec<Article> {
    article_files(paths, diag)
        .iter()
        .filter_map(|p| read_article(p, diag))
        .collect()
}
