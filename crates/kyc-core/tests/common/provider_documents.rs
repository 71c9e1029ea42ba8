//! The provider documents in `shared/specs/`, for the adapters' tests that compare their tables
//! with them (`#[path]`-included by `kyc-idnow` and `kyc-postident`).

use std::path::PathBuf;

/// The document `name` (e.g. `idnow-autoident-api.md`), described as `what` in messages, when
/// `../shared/specs` sits beside the clone (our CI); `None`, with a line on stderr saying that
/// `the_test` does not run, in a user's clone. Under `CI=true` a missing document fails the test.
pub fn read(name: &str, what: &str, the_test: &str) -> Option<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/specs")
        .join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true but {what} {} cannot be read: {e}", path.display())
        }
        Err(_) => {
            eprintln!(
                "SKIPPED: {} is not beside this clone; {the_test} does not run",
                path.display()
            );
            None
        }
    }
}
