//! `eventmap tag`: offsets, choices and the JSONL interface.

mod common;

use common::{eventmap, fixture};

fn tag_file(name: &str) -> String {
    let out = eventmap()
        .arg("tag")
        .arg(fixture(name))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn georgia_follows_its_neighbours() {
    let tbilisi = tag_file("georgia_tbilisi.txt");
    assert!(
        tbilisi
            .lines()
            .any(|l| l.contains("\tGeorgia\t") && l.contains("[country:GE]")),
        "{tbilisi}"
    );
    let atlanta = tag_file("georgia_atlanta.txt");
    assert!(
        atlanta
            .lines()
            .any(|l| l.contains("\tGeorgia\t") && l.contains("[admin1:US.GA]")),
        "{atlanta}"
    );
}

#[test]
fn tag_prints_offsets_and_reasons() {
    let out = eventmap()
        .arg("tag")
        .write_stdin("NATO ships sailed to Rota, Spain.")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let rota = out.lines().find(|l| l.contains("Rota")).expect(&out);
    assert!(rota.starts_with("21..25\t"), "{rota}");
    assert!(rota.contains("qualifier"), "{rota}");
    assert!(
        !out.contains("Nato"),
        "NATO is not the village of Nato: {out}"
    );
}

/// `tag --jsonl` on `input`: its output, the output's lines parsed, stderr.
fn tag_jsonl(input: &str) -> (String, Vec<serde_json::Value>, String) {
    let assert = eventmap()
        .args(["tag", "--jsonl"])
        .write_stdin(input)
        .assert()
        .success();
    let output = assert.get_output();
    let out = String::from_utf8(output.stdout.clone()).unwrap();
    let lines = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out,
        lines,
        String::from_utf8(output.stderr.clone()).unwrap(),
    )
}

#[test]
fn jsonl_uses_code_point_offsets() {
    let input = "{\"id\":\"a\",\"text\":\"Żółć in Suwałki and Vilnius.\"}\nnot json\n{\"id\":\"b\",\"text\":\"\"}\n";
    let (out, lines, stderr) = tag_jsonl(input);
    assert_eq!(lines.len(), 2, "{out}");
    let text: Vec<char> = "Żółć in Suwałki and Vilnius.".chars().collect();
    let tops = lines[0]["toponyms"].as_array().unwrap();
    let vilnius = tops.iter().find(|t| t["place"] == "Vilnius").expect(&out);
    let (s, e) = (
        vilnius["start"].as_u64().unwrap() as usize,
        vilnius["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(text[s..e].iter().collect::<String>(), "Vilnius");
    assert!(
        vilnius["lat"].is_number()
            && vilnius["place_id"].is_string()
            && vilnius["confidence"].is_number()
    );
    assert!(stderr.contains("line 2"), "{stderr}");
}

#[test]
fn jsonl_echoes_any_id_and_numbers_lines_without_one() {
    // Escapes in the text are read (the fast path borrows only plain text);
    // a null id is an id; a record whose text is not a string is an error.
    let input = concat!(
        "{\"id\":null,\"text\":\"Troops in \\u0056ilnius.\"}\n",
        "{\"text\":\"Riga\"}\n",
        "{\"id\":[1,\"x\"],\"text\":5}\n",
        "{\"id\":{\"k\":\"v\"},\"text\":\"Tallinn\"}\n",
    );
    let (out, lines, stderr) = tag_jsonl(input);
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0]["id"].is_null(), "{out}");
    assert_eq!(lines[0]["toponyms"][0]["place"], "Vilnius", "{out}");
    assert_eq!(lines[1]["id"], 2, "{out}");
    assert_eq!(lines[2]["id"], serde_json::json!({"k": "v"}), "{out}");
    assert!(stderr.contains("line 3: no \"text\" string"), "{stderr}");
}
