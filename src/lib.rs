//! eventmap: news articles in, map layers out.
//!
//! Data flows one way: `article` (files -> records) and `gazetteer` (names ->
//! places) feed `event` (what happened where), which `export` writes as
//! layers (GeoJSON, CSV, GeoPackage). `build` wires the stages for the
//! `build` subcommand and `incremental` keeps per-file results between
//! builds; `stream` is the line-at-a-time form of the same pipeline
//! (`extract`, `merge`); `cli` and `cmd` only parse arguments and print.

pub mod article;
pub mod build;
pub mod cells;
pub mod cli;
pub mod cmd;
pub mod diagnostics;
pub mod event;
pub mod export;
pub mod gazetteer;
pub mod incremental;
pub mod pipeline;
pub mod stream;
