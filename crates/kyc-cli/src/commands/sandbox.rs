//! `kyc sandbox`: runs both simulators for users' own integration tests and prints how to
//! configure the library (or any client) against them.

use clap::Args;
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::net::SocketAddr;

/// `kyc sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// How many times faster than real time documented delays run (token expiry, test robot,
    /// webhook retries): 1 is real time, 100 turns a 15-minute retry into 9 seconds.
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
}

/// Runs the sandbox until interrupted.
pub async fn run(args: SandboxArgs) -> Result<(), String> {
    let options = SandboxOptions {
        bind: SocketAddr::from(([127, 0, 0, 1], args.port)),
        time_scale: args.time_scale,
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options).await.map_err(|e| e.to_string())?;
    println!("{}", describe(&sandbox));
    eprintln!("sandbox running (Ctrl-C stops)");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    Ok(())
}

/// The base URLs, credentials and ready `kyc.toml` snippets of a running sandbox.
pub fn describe(sandbox: &Sandbox) -> String {
    let idnow = sandbox.idnow();
    let post = sandbox.postident();
    format!(
        "kyc sandbox at {root}\n\
         \n\
         IDnow AutoIdent\n  API base:     {ib}  (POST {ib}/api/v1/{company}/login ...)\n  company id:   {company}\n  api key:      {key}\n  control API:  {ib}/__control\n\
         \n\
         POSTIDENT SCR\n  API base:     {pb}  (GET {pb}/scr/v1/{client}/cases ...)\n  client id:    {client}\n  user:         {user}\n  password:     {pw}\n  data password:{dpw}\n  control API:  {ctl}\n\
         \n\
         # kyc.toml for IDnow against this sandbox\n\
         provider = \"idnow\"\n[idnow]\nbase_url = \"{ib}\"\ncompany_id = \"{company}\"\napi_key = \"{key}\"\n\
         \n\
         # kyc.toml for POSTIDENT against this sandbox (plain results; set encryption = true with a\n\
         # private_key from `kyc keygen --data-password {dpw}` to get JWE)\n\
         provider = \"postident\"\n[postident]\nbase_url = \"{pb}\"\nclient_id = \"{client}\"\nusername = \"{user}\"\npassword = \"{pw}\"\nencryption = false\n\
         \n\
         See docs/sandbox.md for the control API and the test-robot names.",
        root = sandbox.base_url(),
        ib = idnow.base_url().as_str().trim_end_matches('/'),
        company = idnow.company_id(),
        key = idnow.api_key(),
        pb = post.base_url().as_str().trim_end_matches('/'),
        client = post.client_id(),
        user = post.username(),
        pw = post.password(),
        dpw = post.data_password(),
        ctl = post.control_url(),
    )
}
