//! Incremental builds: after adding, changing or deleting an article the
//! layers are the same bytes as a clean build; a damaged cache entry is
//! reported and rebuilt.

mod common;

use std::path::Path;

use common::eventmap;

fn build(input: &Path, out: &Path, extra: &[&str]) -> String {
    let o = eventmap()
        .args(["build", "--articles"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn same_as_clean(input: &Path, incremental: &Path, scratch: &Path) {
    let clean = scratch.join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    build(input, &clean, &["--clean"]);
    let others = ["index.html", "eventmap.qgs", "forces.qml", "eventmap.gpkg"];
    for layer in common::LAYER_FILES.iter().chain(&others) {
        let a = std::fs::read(incremental.join(layer)).unwrap();
        let b = std::fs::read(clean.join(layer)).unwrap();
        if layer.ends_with(".gpkg") {
            // SQLite files carry a change counter, and an updated package
            // numbers its rows in the order they came: compare each table's
            // rows (without fid, sorted), its R-tree size and its extent.
            let dump = |p: &Path| {
                let db = rusqlite::Connection::open(p).unwrap();
                let mut out = Vec::new();
                for t in ["places", "forces", "events", "movements"] {
                    let mut s = db.prepare(&format!("SELECT * FROM {t}")).unwrap();
                    let n = s.column_count();
                    let mut rows: Vec<String> = s
                        .query_map([], |r| {
                            Ok((1..n)
                                .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                                .collect::<Vec<_>>()
                                .join("|"))
                        })
                        .unwrap()
                        .map(Result::unwrap)
                        .collect();
                    rows.sort();
                    out.extend(rows);
                    let (index, extent): (i64, String) = db
                        .query_row(
                            &format!(
                                "SELECT (SELECT count(*) FROM rtree_{t}_geom),
                                   min_x || ' ' || min_y || ' ' || max_x || ' ' || max_y
                                 FROM gpkg_contents WHERE table_name = '{t}'"
                            ),
                            [],
                            |r| Ok((r.get(0)?, r.get(1)?)),
                        )
                        .unwrap();
                    out.push(format!("{t}: {index} indexed, extent {extent}"));
                }
                out
            };
            assert_eq!(
                dump(&incremental.join(layer)),
                dump(&clean.join(layer)),
                "{layer}"
            );
        } else {
            assert!(a == b, "{layer} differs from a clean build");
        }
    }
}

/// A folder `in` holding one article, in a fresh temporary folder.
fn one_article() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("a.txt"),
        "Frigates\nGermany will send three frigates to Norway.\n",
    )
    .unwrap();
    (dir, input)
}

#[test]
fn incremental_equals_clean_after_add_change_and_delete() {
    let (dir, input) = one_article();
    std::fs::write(
        input.join("b.txt"),
        "Tanks\nBritain sent 20 tanks to Estonia.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let first = build(&input, &out, &[]);
    assert!(
        first.contains("+2 articles") && first.contains("2 file(s) read"),
        "{first}"
    );

    std::fs::write(
        input.join("c.txt"),
        "Jets\nSpain is sending fighter jets to Bulgaria.\n",
    )
    .unwrap();
    let added = build(&input, &out, &[]);
    assert!(
        added.contains("+1 articles") && added.contains("1 file(s) read, 2 from the cache"),
        "{added}"
    );
    same_as_clean(&input, &out, dir.path());

    std::fs::write(
        input.join("a.txt"),
        "Frigates\nGermany will send five frigates to Denmark.\n",
    )
    .unwrap();
    let changed = build(&input, &out, &[]);
    assert!(
        changed.contains("1 file(s) read, 2 from the cache"),
        "{changed}"
    );
    same_as_clean(&input, &out, dir.path());

    std::fs::remove_file(input.join("b.txt")).unwrap();
    let deleted = build(&input, &out, &[]);
    assert!(deleted.contains("-1 articles"), "{deleted}");
    same_as_clean(&input, &out, dir.path());
}

#[test]
fn a_damaged_cache_entry_is_reported_and_rebuilt() {
    let (dir, input) = one_article();
    let out = dir.path().join("out");
    build(&input, &out, &[]);
    let entries = || {
        std::fs::read_dir(out.join(".eventmap"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "counts.json"))
            .collect::<Vec<_>>()
    };
    // Cut short: the header is ours but the body does not decode.
    for p in entries() {
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    }
    let again = build(&input, &out, &[]);
    assert!(
        again.contains("damaged cache entry") && again.contains("1 file(s) read"),
        "{again}"
    );
    same_as_clean(&input, &out, dir.path());
    // Foreign: not an entry of this program at all.
    for p in entries() {
        std::fs::write(&p, "{\"key\": 1, \"garbage\"").unwrap();
    }
    let again = build(&input, &out, &[]);
    assert!(
        again.contains("not a cache entry of this version") && again.contains("1 file(s) read"),
        "{again}"
    );
    same_as_clean(&input, &out, dir.path());
    // A GeoPackage that is not ours is written anew, not updated.
    std::fs::write(out.join("eventmap.gpkg"), "not a database").unwrap();
    std::fs::write(
        input.join("b.txt"),
        "Ships\nTurkey sent two frigates to Varna.\n",
    )
    .unwrap();
    let again = build(&input, &out, &[]);
    assert!(
        again.contains(
            "eventmap.gpkg: not a GeoPackage of this eventmap version, or damaged: written anew"
        ),
        "{again}"
    );
    same_as_clean(&input, &out, dir.path());
}

#[test]
fn add_copies_articles_and_rebuilds_only_them() {
    let (dir, input) = one_article();
    let out = dir.path().join("out");
    build(&input, &out, &[]);
    let new = dir.path().join("new.txt");
    std::fs::write(&new, "Jets\nSpain is sending fighter jets to Bulgaria.\n").unwrap();
    let o = eventmap()
        .arg("add")
        .arg(&new)
        .arg("--to")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(input.join("new.txt").exists());
    assert!(
        stderr.contains("+1 articles") && stderr.contains("1 file(s) read, 1 from the cache"),
        "{stderr}"
    );
    same_as_clean(&input, &out, dir.path());
    // A different article under a taken name is refused, not overwritten.
    std::fs::write(&new, "Other\nItaly sent ships to Libya.\n").unwrap();
    let o = eventmap()
        .arg("add")
        .arg(&new)
        .arg("--to")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("already there"));
}

#[test]
fn watch_rebuilds_when_an_article_arrives() {
    let (dir, input) = one_article();
    let out = dir.path().join("out");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("eventmap"))
        .current_dir(common::root())
        .args([
            "watch",
            "--interval-ms",
            "100",
            "--max-builds",
            "2",
            "--articles",
        ])
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stderr(std::fs::File::create(dir.path().join("watch.log")).unwrap())
        .spawn()
        .unwrap();
    // Wait for the first build, then add an article.
    for _ in 0..200 {
        if out.join("places.geojson").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::fs::write(
        input.join("b.txt"),
        "Jets\nSpain is sending fighter jets to Bulgaria.\n",
    )
    .unwrap();
    // A watchdog, not a timing assertion: a watcher that never sees the
    // change would otherwise hang the test run.
    let mut status = None;
    for _ in 0..1200 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let Some(status) = status else {
        let _ = child.kill();
        panic!("watch did not rebuild after an article was added");
    };
    assert!(status.success());
    let text = std::fs::read_to_string(out.join("places.geojson")).unwrap();
    assert!(
        text.contains("Bulgaria"),
        "the second build saw the new article"
    );
    // The second build read only the new file: the first one's results
    // were kept in memory; and its layers are those of a clean build.
    let log = std::fs::read_to_string(dir.path().join("watch.log")).unwrap();
    assert!(
        log.contains("+1 articles") && log.contains("(1 file(s) read, 1 from the cache)"),
        "{log}"
    );
    same_as_clean(&input, &out, dir.path());
}

#[test]
fn replaced_layers_wait_one_build_then_go() {
    let (dir, input) = one_article();
    let out = dir.path().join("out");
    let replaced = out.join(".eventmap/replaced");
    build(&input, &out, &[]);
    assert!(!replaced.exists(), "a first build replaces nothing");
    let first = std::fs::read(out.join("forces.geojson")).unwrap();

    std::fs::write(
        input.join("b.txt"),
        "Ships\nTurkey sent two frigates to Varna.\n",
    )
    .unwrap();
    build(&input, &out, &[]);
    let second = std::fs::read(out.join("forces.geojson")).unwrap();
    assert_ne!(first, second);
    // The layer the build replaced is kept aside, whole, not deleted yet.
    assert_eq!(
        std::fs::read(replaced.join("forces.geojson")).unwrap(),
        first
    );
    assert!(replaced.join("eventmap.gpkg").is_file());

    // The next build deletes it and keeps the one it replaces instead.
    build(&input, &out, &[]);
    assert_eq!(
        std::fs::read(replaced.join("forces.geojson")).unwrap(),
        second
    );
    let names = std::fs::read_dir(&replaced).unwrap().count();
    assert_eq!(names, common::LAYER_FILES.len() + 7, "one of each output");
}

#[test]
fn an_edit_that_keeps_size_and_modification_time_is_still_seen() {
    let (dir, input) = one_article();
    let out = dir.path().join("out");
    let a = input.join("a.txt");
    // Let the file's times settle, so a build trusts them (not "racy").
    std::thread::sleep(std::time::Duration::from_millis(2100));
    build(&input, &out, &[]);
    let unchanged = build(&input, &out, &[]);
    assert!(
        unchanged.contains("0 file(s) read, 1 from the cache"),
        "{unchanged}"
    );

    // Same length, and the modification time put back, as some sync tools
    // do: the change time still tells.
    let modified = std::fs::metadata(&a).unwrap().modified().unwrap();
    std::fs::write(
        &a,
        "Frigates\nDenmark will send three frigates to Norway.\n",
    )
    .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&a)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    let edited = build(&input, &out, &[]);
    assert!(
        edited.contains("1 file(s) read, 0 from the cache"),
        "{edited}"
    );
    same_as_clean(&input, &out, dir.path());
    let forces = std::fs::read_to_string(out.join("forces.geojson")).unwrap();
    assert!(forces.contains("\"actor\":\"DK\""), "{forces}");
}
