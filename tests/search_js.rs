//! Runs the node tests of search.js's query logic (`tests/js/`): parsing, grams and their hash
//! (shared with the Rust index), matching, ranking, highlights and snippets.

use std::process::Command;

#[test]
fn search_js_logic_passes_its_node_tests() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    let out = Command::new("node")
        .arg("--test")
        .arg(&dir)
        .output()
        .unwrap_or_else(|e| panic!("node is needed for tests/js (apt-get install nodejs): {e}"));
    assert!(
        out.status.success(),
        "node --test tests/js failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
