//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use std::sync::OnceLock;

use assert_cmd::Command;
use eventmap::event::Lexicon;
use eventmap::gazetteer::{Gazetteer, GazetteerConfig};

/// The built-in gazetteer, loaded once per test binary.
pub fn gaz() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::load(&GazetteerConfig::default()).expect("gazetteer"))
}

/// The built-in force word lists, loaded once per test binary.
pub fn lex() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| Lexicon::load(None).expect("lexicon"))
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The binary, run from the repository root so `gazetteer/` is found.
pub fn eventmap() -> Command {
    let mut cmd = Command::cargo_bin("eventmap").expect("binary built");
    cmd.current_dir(root());
    cmd
}

/// Builds the seeds into a fresh temporary folder.
pub fn build_seeds() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("temporary folder");
    eventmap()
        .args(["build", "--out"])
        .arg(out.path())
        .assert()
        .success();
    out
}

pub fn read_layer(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

pub fn features(layer: &serde_json::Value) -> &Vec<serde_json::Value> {
    layer["features"].as_array().expect("features array")
}

/// The layer files every build writes, GeoJSON then CSV.
pub const LAYER_FILES: [&str; 8] = [
    "places.geojson",
    "forces.geojson",
    "events.geojson",
    "movements.geojson",
    "places.csv",
    "forces.csv",
    "events.csv",
    "movements.csv",
];
