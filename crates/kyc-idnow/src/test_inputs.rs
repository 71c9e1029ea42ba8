//! Inputs for the differential unit tests: the bodies the fixtures and fuzz seeds hold.

use std::path::Path;

/// Every JSON fixture of this crate and the body of every IDnow webhook fuzz seed.
pub(crate) fn inputs() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let read = |dir: &Path| -> Vec<std::path::PathBuf> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        paths
    };
    for path in read(&root.join("tests/fixtures")) {
        if path.extension().is_some_and(|e| e == "json") {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    // Seeds are `peer`, headers, a blank line, the body (`kyc_fuzz::parse_webhook_input`).
    for path in read(&root.join("../../fuzz/seeds/webhook_request")) {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let data = std::fs::read(&path).unwrap();
        if let Some(at) = data.windows(2).position(|w| w == b"\n\n") {
            out.push((name, data[at + 2..].to_vec()));
        }
    }
    assert!(out.len() > 60, "fixtures not found: {}", out.len());
    out
}
