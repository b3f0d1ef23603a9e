//! The data package an analyst downloads: `data/datapackage.json` is accepted by the outside
//! Frictionless validator (installed by scripts/test), every CSV starts with a UTF-8
//! byte-order mark so Excel reads it as UTF-8, and read as Excel reads it (mark, then header)
//! each CSV parses into rows as wide as its header.

mod common;

use common::*;
use std::process::Command;

/// Builds the bundled plan into a temporary folder (removed when dropped).
fn build() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    planbook::build(&repo(), &out).unwrap_or_else(|d| panic!("bundled plan fails to build:\n{d}"));
    (dir, out)
}

#[test]
fn the_frictionless_validator_accepts_the_data_package() {
    let (dir, out) = build();
    let package = out.join("data/datapackage.json");
    let run = Command::new("frictionless")
        .arg("validate")
        .arg("--json")
        .arg(&package)
        .output()
        .expect("`frictionless` runs (scripts/test installs it: pip install frictionless)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("frictionless printed no JSON report ({e}):\n{stdout}"));
    assert_eq!(
        report["valid"], true,
        "the data package is invalid:\n{stdout}"
    );
    assert!(run.status.success(), "{stdout}");
    let tasks = report["tasks"].as_array().expect("one task per resource");
    assert_eq!(tasks.len(), 4, "every CSV is validated:\n{stdout}");
    dir.close().unwrap();
}

#[test]
fn csvs_open_in_excel_as_utf8_with_their_header() {
    let (dir, out) = build();
    let package: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/datapackage.json")).unwrap()).unwrap();
    for resource in package["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let bytes = std::fs::read(out.join("data").join(path)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "{path} has no byte-order mark, so Excel reads it as ANSI"
        );
        // Excel drops the mark and reads the first row as the header.
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let fields: Vec<&str> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(header, fields, "{path}: header and schema differ");
        assert!(
            resource["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["description"].as_str().is_some_and(|d| !d.is_empty())),
            "{path}: every column is described"
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "{path} has rows");
        assert!(rows.iter().all(|r| r.len() == header.len()));
        // The second column is the Chinese name or label: read as UTF-8, it is Chinese.
        assert!(
            rows[0][1]
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{path}: {:?}",
            &rows[0]
        );
    }
    dir.close().unwrap();
}

#[test]
fn downloaded_csvs_link_absolutely_and_say_each_entity_kind() {
    let (dir, out) = build();
    let csv_text = std::fs::read_to_string(out.join("data/enterprises.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let kelch = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[0] == "kelch")
        .expect("Kelch is a row");
    assert_eq!(&kelch[col("kind")], "partner");
    // book.toml sets site-url, so a downloaded file's links still work.
    assert_eq!(
        &kelch[col("url_en")],
        "https://planbook.example.org/en/enterprises/kelch/index.html"
    );
    assert!(kelch[col("mentions")].starts_with("https://planbook.example.org/zh/"));
    dir.close().unwrap();
}
