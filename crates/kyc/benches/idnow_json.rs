//! (a) IDnow result JSON → neutral `Case`, against `serde_json::from_slice::<Value>` of the same
//! bytes (the least any reader of the JSON must do).
//!
//! The adapter side is exactly what `IdnowProvider::get_case` does with a 200 body (the
//! private `client::parse_ident` plus `mapping::ident_to_case`), through the public
//! `normalize::case_from_json_bytes` that runs the same two: the bytes read straight into the
//! typed `wire::Ident` (the body kept as `Case::raw`) → `Case`.
//!
//! Run: `cargo bench -p kyc --bench idnow_json`; ratios: `python3 crates/kyc/benches/ratios.py`.

mod common;

use bytes::Bytes;
use criterion::{BenchmarkId, Criterion, Throughput};
use kyc::kyc_idnow::normalize::case_from_json_bytes;
use std::hint::black_box;

/// The fixtures measured: a plain success, a success with changed data, an aborted ident,
/// and the largest sample (proof of address).
const FIXTURES: &[&str] = &[
    "sample_1_success.repaired.json",
    "sample_2_success_data_changed.json",
    "sample_3_aborted.json",
    "sample_9_proof_of_address.json",
];

/// The adapter's path from a `GET /identifications/{txn}` body (as `Bytes`, how the HTTP client
/// hands it over) to the neutral case: the same reading (`parse_ident`, a result required) and
/// mapping `IdnowProvider::get_case` runs.
fn adapter(body: &Bytes) -> kyc::Case {
    case_from_json_bytes(body).expect("an ident with a result")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("a_idnow_json_to_case");
    for name in FIXTURES {
        let bytes = Bytes::from(common::unwrap_identifications(&common::idnow_fixture(name)));
        let label = name.trim_end_matches(".json").trim_end_matches(".repaired");
        // The mapping must succeed on the fixture before it is timed.
        let case = adapter(&bytes);
        assert!(case.case_ref.reference.is_some());
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("baseline", label), &bytes, |b, bytes| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(bytes)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("adapter", label), &bytes, |b, bytes| {
            b.iter(|| adapter(black_box(bytes)))
        });
    }
    group.finish();
}

common::criterion_main_short!(bench);
