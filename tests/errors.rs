//! Every row of docs/errors.md: bad input gets a clear message naming the
//! file (and line), a defined outcome, and the rest of the work goes on.

mod common;

use std::path::{Path, PathBuf};

use common::{eventmap, features, read_layer};

struct Run {
    code: i32,
    stderr: String,
    out: PathBuf,
}

/// Builds the articles folder `dir/in` into `dir/out`.
fn build(dir: &Path, extra: &[&str]) -> Run {
    let out = dir.join("out");
    let o = eventmap()
        .args(["build", "--articles"])
        .arg(dir.join("in"))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        out,
    }
}

fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join("in").join(name), bytes).unwrap();
    }
    dir
}

fn place_names(out: &Path) -> Vec<String> {
    let l = read_layer(&out.join("places.geojson"));
    features(&l)
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap().to_string())
        .collect()
}

const GOOD: &[u8] = b"Troops in Latvia\nCanadian troops arrived in Latvia.\n";

#[test]
fn windows_1252_is_decoded_with_a_warning() {
    let dir = folder(&[
        (
            "cp.txt",
            b"Caf\xe9 talk\nTroops reached Vilnius by the caf\xe9.\n",
        ),
        ("good.txt", GOOD),
    ]);
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("cp.txt") && r.stderr.contains("Windows-1252"),
        "{}",
        r.stderr
    );
    let events = read_layer(&r.out.join("events.geojson"));
    let title = features(&events)
        .iter()
        .find(|f| f["properties"]["article"] == "cp")
        .unwrap()["properties"]["title"]
        .clone();
    assert_eq!(title, "Café talk");
}

#[test]
fn a_bom_and_crlf_or_lone_cr_line_ends_are_read() {
    let dir = folder(&[("bom.txt", b"\xef\xbb\xbfTitle here\r\nBritish troops arrived in Estonia.\rSpain sent ships to Bulgaria.\r\n")]);
    let r = build(dir.path(), &["--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let forces = read_layer(&r.out.join("forces.geojson"));
    let ev: Vec<String> = features(&forces)
        .iter()
        .map(|f| f["properties"]["evidence"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ev,
        [
            "British troops arrived in Estonia.",
            "Spain sent ships to Bulgaria."
        ]
    );
    let events = read_layer(&r.out.join("events.geojson"));
    assert_eq!(features(&events)[0]["properties"]["title"], "Title here");
}

#[test]
fn nul_bytes_and_binary_files_are_skipped_by_name() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00";
    let dir = folder(&[
        ("nul.txt", b"Troops\x00in\x00Latvia"),
        ("image.txt", png),
        ("doc.pdf", b"%PDF-1.4 binary"),
        ("good.txt", GOOD),
    ]);
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("nul.txt: binary"), "{}", r.stderr);
    assert!(r.stderr.contains("image.txt: binary"), "{}", r.stderr);
    assert!(
        r.stderr.contains("doc.pdf: ignored: not an article file"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 articles, 2 skipped"), "{}", r.stderr);
    assert!(place_names(&r.out).contains(&"Latvia".to_string()));
}

#[test]
fn an_empty_article_is_skipped_and_strict_fails() {
    let dir = folder(&[
        ("empty.txt", b""),
        ("blank.txt", b"  \n\n "),
        ("good.txt", GOOD),
    ]);
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("empty.txt: empty article")
            && r.stderr.contains("blank.txt: empty article"),
        "{}",
        r.stderr
    );
    assert_eq!(build(dir.path(), &["--strict"]).code, 1);
    let quiet = build(dir.path(), &["--quiet"]);
    assert_eq!((quiet.code, quiet.stderr.as_str()), (0, ""));
}

#[test]
fn a_50_mb_article_on_one_line_is_built() {
    let sentence = "British troops arrived in Estonia, officials said; talks went on. ";
    let big = sentence.repeat(50_000_000 / sentence.len());
    let dir = folder(&[("big.txt", big.as_bytes())]);
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(place_names(&r.out).contains(&"Estonia".to_string()));
    let forces = read_layer(&r.out.join("forces.geojson"));
    assert_eq!(
        features(&forces).len(),
        1,
        "the same force told again and again is one force"
    );
}

#[cfg(unix)]
#[test]
fn folders_broken_links_and_link_loops_are_named() {
    let dir = folder(&[("good.txt", GOOD)]);
    let input = dir.path().join("in");
    std::fs::create_dir(input.join("sub")).unwrap();
    std::fs::create_dir(input.join("folder.txt")).unwrap();
    std::os::unix::fs::symlink(input.join("missing.txt"), input.join("broken.txt")).unwrap();
    std::os::unix::fs::symlink(input.join("loop2.txt"), input.join("loop1.txt")).unwrap();
    std::os::unix::fs::symlink(input.join("loop1.txt"), input.join("loop2.txt")).unwrap();
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("sub: ignored: a folder"), "{}", r.stderr);
    assert!(r.stderr.contains("folder.txt: cannot read"), "{}", r.stderr);
    assert!(r.stderr.contains("broken.txt: cannot read"), "{}", r.stderr);
    assert!(
        r.stderr.contains("loop1.txt: cannot read") && r.stderr.contains("loop2.txt: cannot read"),
        "{}",
        r.stderr
    );
    assert!(place_names(&r.out).contains(&"Latvia".to_string()));
}

#[test]
fn duplicate_ids_keep_the_first() {
    let dir = folder(&[
        ("a.txt", GOOD),
        ("a.json", b"{\"text\":\"Spain sent ships to Bulgaria.\"}"),
    ]);
    let r = build(dir.path(), &[]);
    assert!(
        r.stderr.contains("duplicate article id \"a\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("1 articles, 1 skipped"), "{}", r.stderr);
}

#[test]
fn a_malformed_jsonl_line_is_named_and_the_rest_read() {
    let dir = folder(&[("r.jsonl", b"{\"id\":\"x\",\"text\":\"Spain sent ships to Bulgaria.\"}\n{broken\n{\"id\":\"y\",\"text\":\"Troops reached Latvia.\"}\n")]);
    let r = build(dir.path(), &[]);
    assert!(
        r.stderr.contains("r.jsonl: line 2: not an article record"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("2 articles, 1 skipped"), "{}", r.stderr);
}

#[test]
fn an_unclosed_header_and_a_bad_date_warn() {
    let dir = folder(&[
        (
            "open.txt",
            b"---\ntitle: Never closed\nBritish troops arrived in Estonia.\n",
        ),
        (
            "date.txt",
            b"---\ndate: yesterday\n---\nSpain sent ships to Bulgaria.\n",
        ),
    ]);
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("open.txt: header block opened with `---` never closes"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("date.txt: line 2: date \"yesterday\" is not a date"),
        "{}",
        r.stderr
    );
    assert!(
        place_names(&r.out).contains(&"Estonia".to_string()),
        "the unclosed header's text is still read"
    );
}

fn gazetteer_error(csv: &str) -> String {
    let dir = folder(&[("good.txt", GOOD)]);
    let path = dir.path().join("mine.csv");
    std::fs::write(&path, csv).unwrap();
    let r = build(dir.path(), &["--gazetteer", path.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        !dir.path().join("out/places.geojson").exists(),
        "nothing written on a configuration error"
    );
    r.stderr
}

const HEAD: &str = "id,name,kind,lat,lon,country,aliases,source\n";

#[test]
fn gazetteer_rows_with_errors_name_file_line_column_and_value() {
    let e = gazetteer_error(&format!("{HEAD}x:a,Alpha,base,54.1,23.2,LT\n"));
    assert!(
        e.contains("mine.csv:2") && e.contains("fields"),
        "wrong column count: {e}"
    );
    let e = gazetteer_error(&format!("{HEAD}x:a,Alpha,base,north,23.2,LT,,s\n"));
    assert!(
        e.contains("mine.csv:2")
            && e.contains("`lat`")
            && e.contains("not a number")
            && e.contains("north"),
        "{e}"
    );
    let e = gazetteer_error(&format!("{HEAD}x:a,Alpha,base,95,23.2,LT,,s\n"));
    assert!(
        e.contains("mine.csv:2") && e.contains("out of range"),
        "{e}"
    );
    let e = gazetteer_error(&format!(
        "{HEAD}x:a,Alpha,base,54,23,LT,,s\nx:a,Beta,base,55,24,LT,,s\n"
    ));
    assert!(
        e.contains("mine.csv:3") && e.contains("duplicate id"),
        "{e}"
    );
    let e = gazetteer_error(&format!("{HEAD}x:a,,base,54,23,LT,,s\n"));
    assert!(e.contains("mine.csv:2") && e.contains("empty name"), "{e}");
}

#[test]
fn an_output_path_that_cannot_be_a_folder_is_an_error() {
    let dir = folder(&[("good.txt", GOOD)]);
    std::fs::write(dir.path().join("file"), "x").unwrap();
    let o = eventmap()
        .args(["build", "--articles"])
        .arg(dir.path().join("in"))
        .arg("--out")
        .arg(dir.path().join("file/sub"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("file/sub"));
}

#[test]
fn a_second_build_on_the_same_output_is_refused() {
    let dir = folder(&[("good.txt", GOOD)]);
    std::fs::create_dir(dir.path().join("out")).unwrap();
    // A live process (this test) holds the lock.
    std::fs::write(
        dir.path().join("out/.eventmap.lock"),
        std::process::id().to_string(),
    )
    .unwrap();
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("another build is running"),
        "{}",
        r.stderr
    );
    // A lock left by a process that is gone is taken over.
    std::fs::write(dir.path().join("out/.eventmap.lock"), "999999999").unwrap();
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("no longer running"), "{}", r.stderr);
    assert!(!dir.path().join("out/.eventmap.lock").exists());
}

#[test]
fn a_build_killed_at_any_point_leaves_complete_layers() {
    let body: String = (0..3000)
        .map(|i| format!("British troops number {i} arrived in Estonia. "))
        .collect();
    let dir = folder(&[("a.txt", body.as_bytes()), ("good.txt", GOOD)]);
    let first = build(dir.path(), &[]);
    assert_eq!(first.code, 0);
    let bin = assert_cmd::cargo::cargo_bin("eventmap");
    for delay_ms in [0u64, 20, 60, 120, 250, 400, 700] {
        let mut child = std::process::Command::new(&bin)
            .current_dir(common::root())
            .args(["build", "--articles"])
            .arg(dir.path().join("in"))
            .arg("--out")
            .arg(&first.out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        for layer in ["places", "forces", "events", "movements"] {
            let l = read_layer(&first.out.join(format!("{layer}.geojson")));
            assert_eq!(
                l["type"], "FeatureCollection",
                "{layer} after a kill at {delay_ms} ms"
            );
        }
    }
    // The lock the killed builds left is taken over.
    let r = build(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}
