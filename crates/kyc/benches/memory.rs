//! Peak resident memory for listing and mapping 10,000 POSTIDENT cases (10 pages of 1,000, each
//! page a JWE as POSTIDENT sends it), next to the size of the decrypted JSON.
//!
//! Each page goes the adapter's way (`PrivateKey::decrypt` → `client::read_list_answer` →
//! `mapping::case_from_result`, as `Client::list_cases` and `PostidentProvider::list_cases` do). Two ways of
//! consuming the pages are measured, each in a fresh child process (this program started again
//! with `KYC_MEMORY_CHILD` set) so that nothing else is resident:
//!
//! * `keep`: all 10,000 `Case`s are kept (a caller collecting the whole list);
//! * `stream`: each page's cases are dropped before the next page (a caller that stores or
//!   forwards them page by page);
//! * `keep-without-raw`: as `keep`, but each case's `raw` and its attempts' `raw` are emptied
//!   before it is kept: what the rest of the neutral model costs, and so what keeping the raw
//!   payload costs (since `RawJson`: each case shares the page's decrypted body).
//!
//! The child reads the encrypted pages from files into memory first, resets the kernel's
//! high-water mark (`/proc/self/clear_refs`), and reports how far the peak (`VmHWM`) rose above
//! the resident size at that point. Linux only.
//!
//! Run: `cargo bench -p kyc --bench memory` (release build).

mod common;

use kyc::kyc_postident::client::read_list_answer;
use kyc::kyc_postident::{crypto::encrypt_compact, mapping::case_from_result};
use std::path::{Path, PathBuf};
use std::process::Command;

const PAGES: usize = 10;
const PER_PAGE: usize = 1_000;
const CHILD: &str = "KYC_MEMORY_CHILD";

/// A `kB` figure of `/proc/self/status` (`VmRSS`, `VmHWM`).
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

/// One page the adapter's way.
fn map_page(key: &kyc::kyc_postident::PrivateKey, jwe: &[u8]) -> Vec<kyc::Case> {
    let plain = bytes::Bytes::from(key.decrypt(jwe).expect("decrypts"));
    read_list_answer(&plain)
        .expect("a list answer")
        .into_iter()
        .map(|c| case_from_result(&c.result, c.raw, "SANDBOX01").expect("maps"))
        .collect()
}

/// The child: maps the pages in `dir` and prints `rise_kb cases`.
fn child(dir: &Path, mode: &str) {
    let key = common::test_key();
    let pages: Vec<Vec<u8>> = (0..PAGES)
        .map(|p| std::fs::read(dir.join(format!("page-{p}.jwe"))).expect("page"))
        .collect();
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the high-water mark");
    let before = status_kb("VmRSS");
    let mut kept: Vec<kyc::Case> = Vec::new();
    let mut cases = 0;
    for page in &pages {
        let mut mapped = map_page(&key, page);
        cases += mapped.len();
        match mode {
            "keep" => kept.extend(mapped),
            "keep-without-raw" => {
                for case in &mut mapped {
                    case.raw = kyc::RawJson::null();
                    for attempt in &mut case.attempts {
                        attempt.raw = kyc::RawJson::null();
                    }
                }
                kept.extend(mapped);
            }
            _ => drop(mapped),
        }
    }
    let peak = status_kb("VmHWM");
    println!("{} {cases}", peak.saturating_sub(before));
    drop(kept);
}

fn measure(dir: &Path, mode: &str) -> (u64, usize) {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD, dir)
        .arg(mode)
        .output()
        .expect("child runs");
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("text");
    let mut words = text.split_whitespace();
    let rise = words.next().and_then(|w| w.parse().ok()).expect("rise");
    let cases = words.next().and_then(|w| w.parse().ok()).expect("cases");
    (rise, cases)
}

fn main() {
    if let Some(dir) = std::env::var_os(CHILD) {
        let mode = std::env::args().nth(1).unwrap_or_default();
        child(&PathBuf::from(dir), &mode);
        return;
    }
    let key = common::test_key();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut plain_bytes = 0usize;
    let mut jwe_bytes = 0usize;
    for p in 0..PAGES {
        let plain = common::postident_list_json(&format!("P{p}C"), PER_PAGE);
        let jwe = encrypt_compact(key.public_key_der(), &plain, "A256GCM").expect("encrypts");
        plain_bytes += plain.len();
        jwe_bytes += jwe.len();
        std::fs::write(dir.path().join(format!("page-{p}.jwe")), jwe).expect("write page");
    }
    let mib = |bytes: f64| bytes / (1024.0 * 1024.0);
    println!(
        "{PAGES} pages of {PER_PAGE} POSTIDENT cases: {:.1} MiB decrypted JSON ({:.1} MiB as JWE)",
        mib(plain_bytes as f64),
        mib(jwe_bytes as f64)
    );
    for mode in ["keep", "keep-without-raw", "stream"] {
        let (rise_kb, cases) = measure(dir.path(), mode);
        assert_eq!(cases, PAGES * PER_PAGE);
        let rise = rise_kb as f64 * 1024.0;
        println!(
            "{mode:>16}: peak resident memory rose {:.1} MiB while mapping {cases} cases \
             ({:.2}x the decrypted JSON)",
            mib(rise),
            rise / plain_bytes as f64
        );
    }
}
