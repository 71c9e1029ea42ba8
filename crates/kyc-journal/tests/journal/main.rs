//! The journal test suite. Every scenario runs on SQLite (a file) and on PostgreSQL (a fresh
//! database on the server named by `KYC_TEST_POSTGRES_URL`; without it the PostgreSQL half
//! prints a SKIPPED line, and fails under `CI=true`). The provider is the sandbox, over HTTP.

/// `both!(a_sqlite, a_postgres, scenario)`: the scenario as two tests, one per engine, each
/// handing it a fresh database of its engine (`harness::database`, named after the scenario;
/// the PostgreSQL test is skipped when no server is configured).
macro_rules! both {
    ($sqlite:ident, $postgres:ident, $scenario:ident) => {
        both!(@on Sqlite, $sqlite, $scenario);
        both!(@on Postgres, $postgres, $scenario);
    };
    (@on $engine:ident, $test:ident, $scenario:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            $crate::harness::on_fresh_database(
                $crate::harness::Engine::$engine,
                stringify!($scenario),
                $scenario,
            )
            .await
        }
    };
}

mod harness;

mod create_intent;
mod faults;
mod idnow_trail;
mod instances;
mod retention;
