//! Warnings about the user's input, collected during a run and printed once.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem with one input file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Warning {
    pub path: PathBuf,
    pub message: String,
    /// The file was left out of the build.
    pub skipped: bool,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.skipped { "skipped" } else { "warning" };
        write!(f, "{what}: {}: {}", self.path.display(), self.message)
    }
}

#[derive(Debug, Default)]
pub struct Diagnostics {
    pub warnings: Vec<Warning>,
}

impl Diagnostics {
    pub fn warn(&mut self, path: &Path, message: String) {
        self.warnings.push(Warning {
            path: path.to_path_buf(),
            message,
            skipped: false,
        });
    }

    pub fn skip(&mut self, path: &Path, message: String) {
        self.warnings.push(Warning {
            path: path.to_path_buf(),
            message,
            skipped: true,
        });
    }

    pub fn skipped(&self) -> usize {
        self.warnings.iter().filter(|w| w.skipped).count()
    }

    /// Prints every warning to stderr once, grouped: skipped inputs first,
    /// then other warnings, each group in input order, then a count.
    pub fn print(&self) {
        for skipped in [true, false] {
            for w in self.warnings.iter().filter(|w| w.skipped == skipped) {
                eprintln!("{w}");
            }
        }
        if !self.warnings.is_empty() {
            eprintln!(
                "{} warning(s), {} input(s) skipped",
                self.warnings.len(),
                self.skipped()
            );
        }
    }
}
