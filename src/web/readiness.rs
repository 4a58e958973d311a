//! Whether this instance wants new work, and how it stops without dropping anybody (F10.4). On
//! SIGTERM or SIGINT the instance starts draining: `/health` answers 503 `{"status": "shutting
//! down"}` so that a proxy or orchestrator that checks it stops sending, while every request, new
//! connections included, is still served as usual for `shutdown_grace_secs`; answers then say
//! `Connection: close` so that keep-alive clients reconnect elsewhere. Only after the grace does it
//! ask Rocket to stop: Rocket stops accepting, finishes the requests in flight (its `shutdown.grace`
//! and `shutdown.mercy`), and the mail worker finishes the mail in flight (`lib.rs`). A second
//! signal cuts the grace short.
//!
//! Rocket's own signal handling is turned off (`cli::serve`): it would stop accepting at once, and
//! close connections that had just arrived.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rocket::http::Header;
use rocket::{Request, Response, Shutdown};

/// Whether the instance is draining; shared by `/health`, the `Connection: close` fairing and the
/// signal handler.
#[derive(Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn start_draining(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// `Connection: close` on every answer while draining (called by `request_log::RequestLog`).
pub fn close_while_draining(req: &Request<'_>, res: &mut Response<'_>) {
    if req
        .rocket()
        .state::<Readiness>()
        .is_some_and(Readiness::is_draining)
    {
        res.set_header(Header::new("Connection", "close"));
    }
}

/// Installs the handlers of SIGTERM and SIGINT (inside the runtime) and returns the task to spawn:
/// it waits for one, drains for `grace` (or until a second signal), then asks Rocket to stop.
pub fn stop_on_signal(
    readiness: Readiness,
    shutdown: Shutdown,
    grace: Duration,
) -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        let received = tokio::select! {
            _ = terminate.recv() => "SIGTERM",
            _ = interrupt.recv() => "SIGINT",
        };
        readiness.start_draining();
        tracing::info!(
            signal = received,
            grace_secs = grace.as_secs(),
            "draining: /health answers 503, requests are still served until the grace period ends"
        );
        tokio::select! {
            _ = tokio::time::sleep(grace) => {}
            _ = terminate.recv() => tracing::info!("second signal: stopping now"),
            _ = interrupt.recv() => tracing::info!("second signal: stopping now"),
        }
        tracing::info!("stopping: no new connections; finishing the requests and mail in flight");
        shutdown.notify();
    })
}
