//! The journal test suite. Every scenario runs on SQLite (a file) and on PostgreSQL (a fresh
//! database on the server named by `KYC_TEST_POSTGRES_URL`; without it the PostgreSQL half
//! prints a SKIPPED line, and fails under `CI=true`). The provider is the sandbox, over HTTP.

/// `both! { module::scenario => a_sqlite, a_postgres; … }`: each scenario as two tests, one per
/// engine, each handing it a fresh database of its engine (`harness::database`, named after the
/// scenario; the PostgreSQL test is skipped when no server is configured).
macro_rules! both {
    (@on $engine:ident, $test:ident, $module:ident :: $scenario:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            $crate::harness::on_fresh_database(
                $crate::harness::Engine::$engine,
                stringify!($scenario),
                $module::$scenario,
            )
            .await
        }
    };
    ($($module:ident :: $scenario:ident => $sqlite:ident, $postgres:ident;)+) => {
        $(
            both!(@on Sqlite, $sqlite, $module::$scenario);
            both!(@on Postgres, $postgres, $module::$scenario);
        )+
    };
}

mod harness;

mod create_intent;
mod faults;
mod idnow_trail;
mod instances;
mod retention;

// Every scenario of the suite and its two tests (the names `docs/journal.md` lists).
both! {
    create_intent::lost_create =>
        a_create_whose_answer_was_lost_is_found_and_never_repeated_sqlite,
        a_create_whose_answer_was_lost_is_found_and_never_repeated_postgres;
    faults::three_503s =>
        three_503s_on_the_read_of_a_postident_final_decision_sqlite,
        three_503s_on_the_read_of_a_postident_final_decision_postgres;
    faults::read_outage =>
        a_12_second_read_outage_while_100_final_webhooks_arrive_sqlite,
        a_12_second_read_outage_while_100_final_webhooks_arrive_postgres;
    faults::parked_and_replayed =>
        a_parked_notice_is_visible_and_replayed_sqlite,
        a_parked_notice_is_visible_and_replayed_postgres;
    idnow_trail::intake_stores_before_answering =>
        intake_stores_before_answering_and_records_a_redelivery_once_sqlite,
        intake_stores_before_answering_and_records_a_redelivery_once_postgres;
    idnow_trail::three_attempts =>
        idnow_aborted_cancelled_then_approved_lists_three_attempts_sqlite,
        idnow_aborted_cancelled_then_approved_lists_three_attempts_postgres;
    idnow_trail::reconciliation_catches_up =>
        reconciliation_catches_up_a_webhook_that_never_arrived_sqlite,
        reconciliation_catches_up_a_webhook_that_never_arrived_postgres;
    instances::crash_and_restart =>
        a_notice_appended_before_a_crash_is_resolved_after_restart_sqlite,
        a_notice_appended_before_a_crash_is_resolved_after_restart_postgres;
    instances::two_instances =>
        two_instances_10000_webhooks_one_stopped_midway_sqlite,
        two_instances_10000_webhooks_one_stopped_midway_postgres;
    retention::purge_and_erase =>
        purge_and_erasure_remove_personal_data_and_keep_the_trail_sqlite,
        purge_and_erasure_remove_personal_data_and_keep_the_trail_postgres;
}
