//! Load: 64 tasks read a case at the moment IDnow's login token expires. Every task sees its
//! token rejected (401), yet the adapter logs in exactly once and every read succeeds.
//!
//! The sandbox counts successful logins (`login_count()`); `expire_tokens()` makes every token
//! handed out so far invalid, as 60 idle minutes would.

use kyc::{CaseStatus, KycProvider, NewCase};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::sync::Arc;
use tokio::sync::Barrier;

const TASKS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_reads_at_token_expiry_cause_exactly_one_login() {
    let sandbox = Sandbox::start(SandboxOptions::default())
        .await
        .expect("sandbox");
    let config = kyc::Config::from_toml(&sandbox.idnow_config_toml()).expect("config");
    let provider: Arc<dyn KycProvider> = Arc::from(kyc::connect(&config).expect("connect"));

    let mut new_case = NewCase::new("load-expiry");
    new_case.person.first_name = Some("Erika".into());
    new_case.person.last_name = Some("Mustermann".into());
    let handle = provider.create_case(&new_case).await.expect("create");
    sandbox
        .play(
            &SimulatedCase::Idnow {
                transaction_number: "load-expiry".into(),
            },
            UserOutcome::Approve,
        )
        .expect("play");
    provider.get_case(&handle.case_ref).await.expect("warm up");
    let logins_before = sandbox.idnow().login_count();
    assert_eq!(logins_before, 1, "one login so far");

    sandbox.idnow().expire_tokens();

    let barrier = Arc::new(Barrier::new(TASKS));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (provider, barrier, case_ref) =
                (provider.clone(), barrier.clone(), handle.case_ref.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                provider.get_case(&case_ref).await
            })
        })
        .collect();
    for task in tasks {
        let case = task.await.expect("task").expect("get_case after expiry");
        assert_eq!(
            case.status,
            CaseStatus::Approved {
                data_changed: false
            }
        );
    }
    assert_eq!(
        sandbox.idnow().login_count() - logins_before,
        1,
        "64 rejected tokens, one new login"
    );
}
