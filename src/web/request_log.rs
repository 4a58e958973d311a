//! One log line per request, tied to the proxy's logs by a request id. The id is the request's own
//! `X-Request-Id` when it is one a proxy would write (1 to 64 letters, digits, `-`, `_` or `.`;
//! nginx's `$request_id` is 32 hex digits), else a new random one; it goes back in the answer's
//! `X-Request-Id`. The line names the method, the route's pattern rather than the path (a path may
//! hold a token, as in `/confirm/<token>`, and the query string never appears), the status, the
//! duration and the id. It is at debug level (`SIGNONS_LOG=info,signons::request=debug`), so that
//! serving pages writes nothing by default; an answer 500 or above is logged at warn level.
use std::time::Instant;

use rand::RngExt;
use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Data, Request, Response};

pub const HEADER: &str = "X-Request-Id";

pub struct RequestLog;

/// What `on_request` notes for `on_response`.
struct Started {
    id: String,
    at: Instant,
}

/// Whether an incoming id may be reused as it is: short, and nothing a log reader or a header could
/// be confused by.
fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A new id: this process's random prefix and a counter, unique across instances and cheap.
fn new_id() -> String {
    static PREFIX: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let prefix = PREFIX.get_or_init(|| rand::rng().random::<u32>());
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix:08x}{n:08x}")
}

#[rocket::async_trait]
impl Fairing for RequestLog {
    fn info(&self) -> Info {
        Info {
            name: "Request log, Connection: close while draining",
            kind: Kind::Request | Kind::Response,
        }
    }

    async fn on_request(&self, req: &mut Request<'_>, _: &mut Data<'_>) {
        let id = req
            .headers()
            .get_one(HEADER)
            .filter(|id| acceptable(id))
            .map_or_else(new_id, str::to_string);
        req.local_cache(|| Started {
            id,
            at: Instant::now(),
        });
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let started = req.local_cache(|| Started {
            id: new_id(),
            at: Instant::now(),
        });
        res.set_header(Header::new(HEADER, started.id.clone()));
        // Here rather than in a fairing of its own: one fairing less on every request.
        super::readiness::close_while_draining(req, res);
        let status = res.status().code;
        let route = req.route().map_or("-", |r| r.uri.path());
        let micros = started.at.elapsed().as_micros() as u64;
        if status >= 500 {
            tracing::warn!(target: "signons::request", request_id = %started.id, method = %req.method(), route, status, micros, "request");
        } else {
            tracing::debug!(target: "signons::request", request_id = %started.id, method = %req.method(), route, status, micros, "request");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn a_request_id_is_reused_only_when_short_and_plain() {
        assert!(acceptable("0f3c9a7e2b1d4c5a8e6f7a9b0c1d2e3f"));
        assert!(acceptable("req-42_a.b"));
        assert!(!acceptable(""));
        assert!(!acceptable(&"a".repeat(65)));
        assert!(!acceptable("a b"));
        assert!(!acceptable("a\x1b[31m"));
        assert!(!acceptable("a\"}{"));
    }
}
