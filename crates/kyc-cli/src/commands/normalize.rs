//! `kyc normalize`: one raw provider payload on stdin, the neutral case JSON on stdout.

use clap::{Args, ValueEnum};
use std::io::Read;
use std::path::PathBuf;

/// Which provider's payload is on stdin.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    /// IDnow ident JSON (API or webhook body) or the XML result.
    Idnow,
    /// POSTIDENT case result JSON, or its compact JWE.
    Postident,
}

/// `kyc normalize`.
#[derive(Debug, Args)]
pub struct NormalizeArgs {
    /// The provider that produced the payload.
    #[arg(long, value_enum)]
    provider: ProviderArg,
    /// PKCS#8 PEM file of the private key a POSTIDENT JWE was encrypted to.
    #[arg(long)]
    private_key: Option<PathBuf>,
    /// The POSTIDENT data password (accepted for symmetry with the API headers; decryption
    /// needs only the private key).
    #[arg(long, env = "KYC_DATA_PASSWORD", hide_env_values = true)]
    data_password: Option<String>,
}

/// Reads stdin, prints the case JSON. Input it cannot read is one clear error line.
pub async fn run(args: NormalizeArgs) -> crate::failure::CliResult {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err("stdin is empty: pipe one provider payload into kyc normalize".into());
    }
    let case = match args.provider {
        ProviderArg::Idnow => kyc::kyc_idnow::normalize::case_from_payload(&body),
        ProviderArg::Postident => {
            let key = match &args.private_key {
                Some(path) => {
                    let pem = std::fs::read_to_string(path).map_err(|e| {
                        format!("cannot read the private key {}: {e}", path.display())
                    })?;
                    Some(
                        kyc::kyc_postident::PrivateKey::from_pkcs8_pem(&pem)
                            .map_err(|e| format!("--private-key: {}", e.message()))?,
                    )
                }
                None => None,
            };
            let _ = &args.data_password;
            kyc::kyc_postident::normalize::case_from_payload(&body, key.as_ref())
        }
    }?;
    crate::output::print_json(&case)
}
