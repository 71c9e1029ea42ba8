//! `kyc sandbox`: runs both simulators for users' own integration tests and prints how to
//! configure the library (or any client) against them.

use crate::failure::{CliError, CliResult};
use clap::Args;
use kyc_sandbox::postident::{PostidentOptions, WebhookCredentials};
use kyc_sandbox::{Sandbox, SandboxOptions};
use std::net::{IpAddr, SocketAddr};

/// `kyc sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Port of the listener that serves both providers (under /idnow and /postident); 0 picks a
    /// free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Also serve IDnow at the root of this port (`/api/v1/{company}/...`), for clients that
    /// take only a host; 0 picks a free one.
    #[arg(long, value_name = "PORT")]
    idnow_port: Option<u16>,
    /// Also serve POSTIDENT at the root of this port (`/api/scr/v1/{clientId}/...`), for
    /// clients that take only a host; 0 picks a free one.
    #[arg(long, value_name = "PORT")]
    postident_port: Option<u16>,
    /// The address to listen on. Anything but a loopback address needs --allow-non-loopback.
    #[arg(long, default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Allow --bind beyond the loopback (e.g. 0.0.0.0 in a container beside your test suite).
    /// The sandbox's credentials are published and it speaks plain HTTP: never expose it to a
    /// network you do not control.
    #[arg(long)]
    allow_non_loopback: bool,
    /// The URL your clients reach this sandbox under, used in the URLs it hands out (user
    /// pages, POSTIDENT caseURL), e.g. http://kyc-sandbox:8080. Default: the address it listens
    /// on (the loopback for 0.0.0.0).
    #[arg(long, value_name = "URL")]
    public_url: Option<url::Url>,
    /// How many times faster than real time documented delays run (token expiry, test robot,
    /// webhook retries): 1 is real time, 100 turns a 15-minute retry into 9 seconds. A number
    /// above 0.
    #[arg(long, default_value_t = 1.0, value_parser = parse_time_scale)]
    time_scale: f64,
    /// Send every POSTIDENT webhook with HTTP Basic auth as this user, so a receiver set up
    /// with `[postident.webhook]` can be tried against the sandbox. The password is read from
    /// the environment variable named by --postident-webhook-password-env, never from the
    /// command line (where `ps` shows it to every user of the machine).
    #[arg(long, value_name = "NAME")]
    postident_webhook_user: Option<String>,
    /// The environment variable holding the password for --postident-webhook-user; the default
    /// is the variable the README's `[postident.webhook]` example reads.
    #[arg(
        long,
        value_name = "VAR",
        default_value = DEFAULT_WEBHOOK_PASSWORD_ENV,
        requires = "postident_webhook_user"
    )]
    postident_webhook_password_env: String,
}

/// The environment variable `--postident-webhook-password-env` names by default: the one the
/// README's `[postident.webhook]` set-up reads its password from.
const DEFAULT_WEBHOOK_PASSWORD_ENV: &str = "POSTIDENT_WEBHOOK_PASSWORD";

/// The POSTIDENT webhook credentials asked for: the user from the command line, the password
/// from the environment. Refuses what HTTP Basic cannot carry, naming the option or variable
/// but never showing the password.
fn postident_webhook_credentials(
    args: &SandboxArgs,
) -> Result<Option<WebhookCredentials>, CliError> {
    let Some(username) = &args.postident_webhook_user else {
        return Ok(None);
    };
    if username.is_empty() || username.contains(':') || username.chars().any(char::is_control) {
        return Err(CliError::new(
            "--postident-webhook-user must be non-empty, without ':' and without control \
             characters (HTTP Basic cannot carry them)",
        ));
    }
    let variable = &args.postident_webhook_password_env;
    let password = match std::env::var(variable) {
        Ok(p) if !p.is_empty() => p,
        Ok(_) | Err(std::env::VarError::NotPresent) => {
            return Err(CliError::new(format!(
                "--postident-webhook-user needs the password in the environment variable \
                 {variable}, which is not set or empty (name another variable with \
                 --postident-webhook-password-env)"
            )))
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(CliError::new(format!(
                "the environment variable {variable} is not valid UTF-8"
            )))
        }
    };
    if password.chars().any(char::is_control) {
        return Err(CliError::new(format!(
            "the password in {variable} contains control characters, which HTTP Basic cannot \
             carry"
        )));
    }
    Ok(Some(WebhookCredentials {
        username: username.clone(),
        password,
    }))
}

/// `--time-scale`: a finite number above 0.
fn parse_time_scale(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(
            "expected a number above 0 (1 is real time, 100 runs delays a hundred times faster)"
                .to_string(),
        ),
    }
}

/// Runs the sandbox until interrupted.
pub async fn run(args: SandboxArgs) -> CliResult {
    let webhook_credentials = postident_webhook_credentials(&args)?;
    let options = SandboxOptions {
        bind: SocketAddr::new(args.bind, args.port),
        idnow_bind: args.idnow_port.map(|p| SocketAddr::new(args.bind, p)),
        postident_bind: args.postident_port.map(|p| SocketAddr::new(args.bind, p)),
        allow_non_loopback: args.allow_non_loopback,
        public_url: args.public_url,
        time_scale: args.time_scale,
        postident: PostidentOptions {
            webhook_credentials,
            ..PostidentOptions::default()
        },
        ..SandboxOptions::default()
    };
    let sandbox = Sandbox::start(options)
        .await
        .map_err(|e| CliError::new(format!("cannot start the sandbox: {e}")))?;
    println!("{}", describe(&sandbox));
    if !args.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} beyond the loopback: anyone who reaches it can use the \
             published sandbox credentials",
            args.bind
        );
    }
    eprintln!("sandbox running (Ctrl-C stops)");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    Ok(())
}

/// The base URLs, credentials and ready `kyc.toml` snippets of a running sandbox.
pub fn describe(sandbox: &Sandbox) -> String {
    let (idnow, idnow_toml) = describe_idnow(sandbox);
    let (postident, postident_toml) = describe_postident(sandbox);
    format!(
        "kyc sandbox at {root}\n\
         overview page: {root}  (the cases of both providers, live, in a browser)\n\
         \n{idnow}\n{postident}\n{idnow_toml}\n{postident_toml}\n\
         See docs/sandbox.md for the control API and the test-robot names.",
        root = sandbox.base_url(),
    )
}

/// A base URL without its trailing slash, as the snippets show it.
fn trimmed(url: &url::Url) -> &str {
    url.as_str().trim_end_matches('/')
}

/// The line for a simulator's own root URL, when it has one (`--idnow-port` and the like).
fn own_root_line(root: Option<&url::Url>, example: &str) -> String {
    match root {
        Some(u) => format!(
            "  own root:      {r}  (for clients that take only a host: {r}{example})\n",
            r = trimmed(u)
        ),
        None => String::new(),
    }
}

/// The IDnow simulator: its summary and its `kyc.toml` snippet.
fn describe_idnow(sandbox: &Sandbox) -> (String, String) {
    let idnow = sandbox.idnow();
    let base = trimmed(idnow.base_url());
    let company = idnow.company_id();
    let key = idnow.api_key();
    let own_root = own_root_line(sandbox.idnow_root_url(), &format!("/api/v1/{company}/..."));
    let summary = format!(
        "IDnow AutoIdent\n  API base:      {base}  (POST {base}/api/v1/{company}/login ...)\n\
         {own_root}  company id:    {company}\n  api key:       {key}\n  control API:   {base}/__control\n"
    );
    let toml = format!(
        "# kyc.toml for IDnow against this sandbox\n\
         provider = \"idnow\"\n[idnow]\nbase_url = \"{base}\"\ncompany_id = \"{company}\"\napi_key = \"{key}\"\n"
    );
    (summary, toml)
}

/// The POSTIDENT simulator: its summary and its `kyc.toml` snippet.
fn describe_postident(sandbox: &Sandbox) -> (String, String) {
    let post = sandbox.postident();
    let base = trimmed(post.base_url());
    let (client, user, password) = (post.client_id(), post.username(), post.password());
    let data_password = post.data_password();
    let own_root = own_root_line(
        sandbox.postident_root_url(),
        &format!("/api/scr/v1/{client}/cases ..."),
    );
    let webhooks = match post.webhook_username() {
        Some(user) => format!(
            "  webhooks:      sent with HTTP Basic auth as user {user:?} (password from the \
             environment)\n"
        ),
        None => String::new(),
    };
    let summary = format!(
        "POSTIDENT SCR\n  API base:      {base}  (GET {base}/scr/v1/{client}/cases ...)\n\
         {own_root}  client id:     {client}\n  user:          {user}\n  password:      {password}\n\
         \x20 data password: {data_password}\n  control API:   {control}\n{webhooks}",
        control = post.control_url(),
    );
    let toml = format!(
        "# kyc.toml for POSTIDENT against this sandbox (plain results; set encryption = true with a\n\
         # private_key from `kyc keygen --data-password {data_password}` to get JWE)\n\
         provider = \"postident\"\n[postident]\nbase_url = \"{base}\"\nclient_id = \"{client}\"\n\
         username = \"{user}\"\npassword = \"{password}\"\nencryption = false\n"
    );
    (summary, toml)
}
