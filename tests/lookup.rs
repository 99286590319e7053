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
