//! The journal test suite. Every scenario runs on SQLite (a file) and on PostgreSQL (a fresh
//! database on the server named by `KYC_TEST_POSTGRES_URL`; without it the PostgreSQL half
//! prints a SKIPPED line, and fails under `CI=true`). The provider is the sandbox, over HTTP.

/// `both!(a_sqlite, a_postgres, scenario)`: the scenario as two tests, one per engine.
macro_rules! both {
    ($sqlite:ident, $postgres:ident, $scenario:path) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $sqlite() {
            $scenario($crate::harness::Engine::Sqlite).await
        }
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $postgres() {
            $scenario($crate::harness::Engine::Postgres).await
        }
    };
}

mod harness;

mod create_intent;
mod faults;
mod idnow_trail;
mod instances;
mod retention;
