//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

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

pub fn read_layer(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()))
}

pub fn features(layer: &serde_json::Value) -> &Vec<serde_json::Value> {
    layer["features"].as_array().expect("features array")
}
