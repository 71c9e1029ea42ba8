//! The provider is chosen by configuration alone: the same code creates a case, waits for the
//! user and reads the neutral result, whether `kyc.toml` says `provider = "idnow"` or
//! `provider = "postident"`.
//!
//! ```text
//! cargo run --example from_config -- kyc.toml   # your account (see docs/configuration.md)
//! cargo run --example from_config               # both providers against the built-in sandbox
//! ```
//!
//! Without an argument the sandbox starts in this process, a TOML file is written for each
//! provider (`Sandbox::idnow_config_toml`, `Sandbox::postident_config_toml` with a fresh RSA
//! key, so POSTIDENT results arrive JWE-encrypted), and the simulated user approves each case.
//! With a real account the program prints the user URL and waits until you press Enter after
//! finishing the identification.

use kyc::{Case, CaseHandle, Config, ContactInput, NewCase, PersonInput, Provider};
use kyc_sandbox::{Sandbox, SandboxOptions, SimulatedCase, UserOutcome};
use std::error::Error;
use std::path::Path;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    match std::env::args().nth(1) {
        Some(path) => run_from_file(Path::new(&path), None).await,
        None => demo_with_sandbox().await,
    }
}

/// Everything below this line is provider-neutral: the file decides.
async fn run_from_file(path: &Path, sandbox: Option<&Sandbox>) -> Result<()> {
    let config = Config::load(path)?;
    let provider = kyc::connect(&config)?;
    println!("== {} (from {})", provider.provider(), path.display());

    let new_case = NewCase::new(format!("demo-{}", std::process::id() % 100_000))
        .with_person(PersonInput::new("Erika", "Mustermann"))
        .with_contact(ContactInput::default().with_email("erika.mustermann@example.org"));
    let handle = provider.create_case(&new_case).await?;
    println!(
        "created {}; the user opens {}",
        handle.case_ref, handle.user_url
    );

    match sandbox {
        Some(sandbox) => {
            sandbox.play(&simulated(&handle), UserOutcome::Approve)?;
            println!("the simulated user identified successfully");
        }
        None => {
            println!("finish the identification in the browser, then press Enter");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
        }
    }

    let case = provider.get_case(&handle.case_ref).await?;
    print_case(&case);
    Ok(())
}

/// How the sandbox names the case for its simulated user.
fn simulated(handle: &CaseHandle) -> SimulatedCase {
    match handle.case_ref.provider {
        Provider::Idnow => SimulatedCase::Idnow {
            transaction_number: handle.case_ref.reference.clone().unwrap_or_default(),
        },
        _ => SimulatedCase::Postident {
            case_id: handle.case_ref.case_id.clone().unwrap_or_default(),
        },
    }
}

fn print_case(case: &Case) {
    println!(
        "{} is {} ({})",
        case.case_ref, case.status, case.provider_status
    );
    if let Some(identity) = &case.identity {
        let verified = identity
            .fields()
            .iter()
            .filter(|(_, checked)| checked.value().is_some())
            .count();
        println!("  {verified} identity fields verified");
    }
    println!(
        "  {} attempt(s), {} artifact(s)",
        case.attempts.len(),
        case.artifacts.len()
    );
    for artifact in &case.artifacts {
        println!("    {:?}: {}", artifact.kind, artifact.name);
    }
}

async fn demo_with_sandbox() -> Result<()> {
    let sandbox = Sandbox::start(SandboxOptions::default()).await?;
    let dir = tempfile::tempdir()?;
    let key = kyc::kyc_postident::PrivateKey::generate()?;
    let pem = key.to_pkcs8_pem()?;
    let files = [
        ("idnow.toml", sandbox.idnow_config_toml()),
        (
            "postident.toml",
            sandbox.postident_config_toml(Some(pem.expose())),
        ),
    ];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, text)?;
        run_from_file(&path, Some(&sandbox)).await?;
    }
    sandbox.shutdown().await;
    Ok(())
}
