//! `extract --jsonl` and `merge`: the streaming form of `build`.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use common::{eventmap, root};

/// The seed articles as JSON-lines records, then the lines given.
fn records(extra: &[&str]) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(root().join("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut out = String::new();
    for (i, p) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(p).unwrap();
        let (title, body) = text.split_once('\n').unwrap();
        let record = serde_json::json!({
            "id": format!("a{i}"), "title": title, "date": format!("2024-02-0{}", i + 1),
            "source": "test", "url": format!("https://example.org/{i}"), "text": body,
        });
        out.push_str(&record.to_string());
        out.push('\n');
    }
    for l in extra {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn extract(input: &str) -> (String, String) {
    let o = eventmap()
        .args(["extract", "--jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn same_files(a: &Path, b: &Path) {
    for f in common::LAYER_FILES
        .iter()
        .chain(&["index.html", "eventmap.qgs"])
    {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(x == y, "{f} differs");
    }
}

#[test]
fn merge_of_extract_equals_build_even_split_in_parts() {
    let dir = tempfile::tempdir().unwrap();
    let input = records(&[]);
    let jsonl = dir.path().join("articles.jsonl");
    std::fs::write(&jsonl, &input).unwrap();
    let built = dir.path().join("built");
    eventmap()
        .args(["build", "--articles"])
        .arg(&jsonl)
        .arg("--out")
        .arg(&built)
        .assert()
        .success();
    let (lines, _) = extract(&input);
    assert_eq!(lines.lines().count(), 5);
    // As Spark would leave it: a folder of parts, in order.
    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    let all: Vec<&str> = lines.lines().collect();
    std::fs::write(parts.join("part-00000"), all[..2].join("\n") + "\n").unwrap();
    std::fs::write(parts.join("part-00001"), all[2..].join("\n") + "\n").unwrap();
    std::fs::write(parts.join("_SUCCESS"), "").unwrap();
    let merged = dir.path().join("merged");
    let o = eventmap()
        .arg("merge")
        .arg(&parts)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    same_files(&built, &merged);
}

#[test]
fn a_bad_line_gets_an_error_record_and_the_rest_goes_on() {
    let input = records(&["{\"id\": \"x\", \"title\": \"no text\"}", "not json", ""]);
    let (lines, stderr) = extract(&input);
    let out: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), 7, "five articles and two error records");
    assert_eq!(out[5]["line"], 6);
    assert!(out[5]["error"].as_str().unwrap().contains("text"));
    assert_eq!(out[6]["line"], 7);
    assert!(stderr.contains("line 7:"), "{stderr}");
    // Each article line carries its features as the layers hold them.
    assert!(
        out[0]["forces"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["type"] == "Feature")
    );
    assert!(!out[0]["places"].as_array().unwrap().is_empty());

    // merge reports the error records, with their file and line.
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("part-00000");
    std::fs::write(&part, &lines).unwrap();
    let o = eventmap()
        .arg("merge")
        .arg(&part)
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--strict")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("part-00000: line 6: extract could not read its input line 6"),
        "{stderr}"
    );
}

#[test]
fn extract_and_tag_answer_each_line_before_the_input_ends() {
    answers_each_line("extract", |v| {
        assert_eq!(v["forces"][0]["properties"]["place"], "Lithuania");
    });
    answers_each_line("tag", |v| {
        assert_eq!(v["toponyms"][1]["place"], "Lithuania");
    });
}

/// Runs `command --jsonl`, sending a line at a time and reading its
/// answer before sending the next, the input still open.
fn answers_each_line(command: &str, check: impl Fn(&serde_json::Value)) {
    let bin = assert_cmd::cargo::cargo_bin("eventmap");
    let mut child = Command::new(bin)
        .current_dir(root())
        .args([command, "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Lines read on their own thread, so that an answer that never comes
    // fails the test after a while instead of hanging it.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines() {
            let _ = tx.send(line.unwrap());
        }
    });
    for id in ["one", "two"] {
        writeln!(
            stdin,
            "{}",
            serde_json::json!({"id": id, "text": "Spain sent four F-18 jets to Lithuania."})
        )
        .unwrap();
        stdin.flush().unwrap();
        // The input is still open: the answer must come now, not at the end.
        let line = lines
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| {
                panic!("{command}: no answer to line {id:?} while the input is open")
            });
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], id, "{command}");
        check(&v);
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
}
