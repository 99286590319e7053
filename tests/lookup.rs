//! `eventmap lookup NAME`.

mod common;

use common::eventmap;

#[test]
fn lookup_lists_candidates_best_first() {
    let out = eventmap()
        .args(["lookup", "--json", "Rota"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() >= 2);
    assert_eq!(rows[0]["id"], "base:rota");
    assert_eq!(rows[0]["country"], "ES");
    for r in &rows {
        for k in ["lat", "lon", "population", "score"] {
            assert!(r[k].is_number(), "{k} in {r}");
        }
    }
}

#[test]
fn lookup_folds_diacritics() {
    let out = eventmap()
        .args(["lookup", "--json", "Suwalki Gap"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(out)
            .unwrap()
            .contains("region:suwalki-gap")
    );
}

#[test]
fn unknown_name_exits_one() {
    eventmap().args(["lookup", "Xyzzyplace"]).assert().code(1);
}

#[test]
fn a_damaged_name_cache_is_rebuilt_not_trusted() {
    let cache = tempfile::tempdir().unwrap();
    let run = || {
        eventmap()
            .env("EVENTMAP_CACHE_DIR", cache.path())
            .args(["lookup", "--json", "Vilnius"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    let first = run();
    let mut files: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    // The gazetteer image.
    assert_eq!(files.len(), 1, "one cache file written: {files:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        std::fs::write(file, &bytes[..bytes.len() / 2]).unwrap();
        assert_eq!(run(), first, "truncated {}: same answer", file.display());
        assert_eq!(
            std::fs::read(file).unwrap().len(),
            bytes.len(),
            "{} rewritten whole",
            file.display()
        );
        let mut garbage = bytes.clone();
        for b in garbage.iter_mut().skip(20).step_by(7) {
            *b ^= 0x5a;
        }
        std::fs::write(file, &garbage).unwrap();
        assert_eq!(run(), first, "corrupted {}: same answer", file.display());
    }
}
