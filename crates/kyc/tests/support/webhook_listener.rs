//! The webhook server as an application runs it, on a free loopback port, and the sandbox's
//! IDnow webhooks pointed at it. Used by the modules of the `integration` binary (through
//! `support`) and, by `#[path]`, by `tracing_redaction` and `metrics`.
#![allow(dead_code)] // not every binary including this file uses every function

use kyc::WebhookReceiver;
use kyc_sandbox::Sandbox;
use std::net::SocketAddr;
use tokio::task::JoinHandle;

/// Serves `kyc::webhook_server::router(receiver)` on a free loopback port, giving each request
/// the peer's address, and returns the URL `http://{addr}{path}` and the task serving it.
pub async fn serve_webhooks(
    receiver: &WebhookReceiver,
    path: &str,
) -> (String, JoinHandle<std::io::Result<()>>) {
    serve_router(kyc::webhook_server::router(receiver.clone()), path).await
}

/// Serves `app` on a free loopback port, giving each request the peer's address, and returns
/// the URL `http://{addr}{path}` and the task serving it.
pub async fn serve_router(
    app: axum::Router,
    path: &str,
) -> (String, JoinHandle<std::io::Result<()>>) {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}{path}", tcp.local_addr().expect("addr"));
    let task = tokio::spawn(async move {
        axum::serve(tcp, app.into_make_service_with_connect_info::<SocketAddr>()).await
    });
    (url, task)
}

/// Points the sandbox's IDnow webhooks at `url`, sent with Basic auth `user`/`password`.
pub fn idnow_webhooks_to(sandbox: &Sandbox, url: url::Url, (user, password): (&str, &str)) {
    sandbox
        .idnow()
        .set_webhook(
            sandbox.idnow().company_id(),
            Some(kyc_sandbox::idnow::WebhookTarget {
                url,
                basic_auth: Some((user.into(), password.into())),
            }),
        )
        .expect("webhook target");
}
