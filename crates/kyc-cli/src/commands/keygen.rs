//! `kyc keygen`: an RSA 3072 key pair (PKCS#8) for POSTIDENT result encryption, and the header
//! values the API expects with it.

use clap::Args;
use std::path::PathBuf;

/// `kyc keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The data password Deutsche Post issued with the account (keys `x-scr-keyhash`).
    #[arg(long, env = "KYC_DATA_PASSWORD", hide_env_values = true)]
    data_password: String,
    /// The folder to write `postident_private_key.pem` and `postident_public_key.pem` into.
    #[arg(long, default_value = ".")]
    out: PathBuf,
    /// Overwrite existing key files.
    #[arg(long)]
    force: bool,
}

/// Writes the key pair and prints the header values.
pub fn run(args: KeygenArgs) -> Result<(), String> {
    if args.data_password.is_empty() {
        return Err("--data-password must not be empty".into());
    }
    let private_path = args.out.join("postident_private_key.pem");
    let public_path = args.out.join("postident_public_key.pem");
    for path in [&private_path, &public_path] {
        if path.exists() && !args.force {
            return Err(format!(
                "{} exists; use --force to overwrite it",
                path.display()
            ));
        }
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let key = kyc::kyc_postident::PrivateKey::generate().map_err(|e| e.to_string())?;
    let pem = key.to_pkcs8_pem().map_err(|e| e.to_string())?;
    write_private(&private_path, pem.expose())?;
    std::fs::write(&public_path, key.public_key_pem())
        .map_err(|e| format!("cannot write {}: {e}", public_path.display()))?;
    let headers = key
        .scr_headers(&kyc::Secret::new(args.data_password))
        .map_err(|e| e.to_string())?;
    println!(
        "wrote {} (keep it secret) and {}",
        private_path.display(),
        public_path.display()
    );
    println!("x-scr-key: {}", headers.key);
    println!("x-scr-keyhash: {}", headers.key_hash);
    println!("x-scr-alg: {}", headers.alg());
    Ok(())
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, pem: &str) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(pem.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, pem: &str) -> Result<(), String> {
    std::fs::write(path, pem).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
