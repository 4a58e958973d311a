//! Restarts lose nobody (F10.4): on SIGTERM an instance says it is shutting down on `/health` while
//! it keeps serving everything else for its grace period, finishes what is in flight, then exits by
//! itself; and what it logs is fit for a file: no colour codes, JSON lines when asked, a request id
//! that ties a log line to an answer. Each test runs the real binary as a process.
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::app::{TestDb, backends};
use common::process::{Serve, free_port};

/// An answer read whole: its status, its headers (names in lower case) and its body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn read(stream: &mut TcpStream) -> Option<Answer> {
        let mut raw = String::new();
        stream.read_to_string(&mut raw).ok()?;
        let (head, body) = raw.split_once("\r\n\r\n")?;
        let mut lines = head.lines();
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Some(Answer {
            status,
            headers,
            body: body.to_string(),
        })
    }
}

/// `GET path` over HTTP/1.0 with extra header lines; `None` when the server does not answer.
fn get(port: u16, path: &str, extra: &str) -> Option<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept-Language: en\r\n{extra}\r\n"
    )
    .ok()?;
    Answer::read(&mut stream)
}

fn settle<T>(bound: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    while start.elapsed() < bound {
        if let Some(found) = probe() {
            return Some(found);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_serves_what_is_in_flight_then_exits() {
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(backend, dir.path()).await;
        let smtp = format!("smtp://127.0.0.1:{}", free_port());
        let mut serve = Serve::start_with(
            dir.path(),
            &db.url,
            &smtp,
            "serve.log",
            &[
                ("ROCKET_SHUTDOWN_GRACE_SECS", "2"),
                // Rocket's own time for requests in flight once it stops accepting (2 s by
                // default): the test's request sends its last bytes only after it has seen the
                // instance refuse connections, which a loaded machine can take seconds to notice.
                ("ROCKET_SHUTDOWN", "{grace=5,mercy=3}"),
                ("SIGNONS_LOG", "info,signons::request=debug"),
            ],
        );
        serve.wait_ready(Duration::from_secs(60));
        let port = serve.port;

        // A request in flight across the whole shutdown: its head is sent before SIGTERM, the last
        // bytes of its form only once the instance has stopped accepting connections.
        let mut in_flight = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            in_flight,
            "POST /language HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n\
             Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: 7\r\nConnection: close\r\n\r\nlang="
        )
        .expect("send the head");
        in_flight
            .set_read_timeout(Some(Duration::from_millis(300)))
            .expect("timeout");
        let mut early = [0u8; 1];
        assert!(
            in_flight.read(&mut early).is_err(),
            "{backend:?}: the form was answered before its body came, so it was not in flight"
        );

        let signalled = Instant::now();
        serve.terminate();
        let draining = settle(Duration::from_secs(2), || {
            get(port, "/health", "").filter(|a| a.status == 503)
        })
        .unwrap_or_else(|| panic!("{backend:?}: /health never said 503:\n{}", serve.log()));
        let reason: serde_json::Value =
            serde_json::from_str(&draining.body).expect("/health answers JSON");
        assert_eq!(reason["status"], "shutting down", "{backend:?}");
        // Meanwhile every other page is served as usual, on new connections too, and keep-alive
        // clients are told to go elsewhere.
        let home = get(port, "/", "").expect("the home page during the grace");
        assert_eq!(
            home.status, 200,
            "{backend:?}: the home page during the grace"
        );
        assert_eq!(home.header("connection"), Some("close"), "{backend:?}");

        // After the grace the instance stops accepting connections...
        let closed = settle(Duration::from_secs(5), || {
            TcpStream::connect(("127.0.0.1", port)).err()
        });
        assert!(
            closed.is_some(),
            "{backend:?}: still accepting connections 5 s after the grace:\n{}",
            serve.log()
        );
        assert!(
            signalled.elapsed() >= Duration::from_millis(1900),
            "{backend:?}: stopped accepting {:?} after SIGTERM, before its 2 s grace",
            signalled.elapsed()
        );
        // ...and still finishes the request in flight.
        in_flight
            .write_all(b"fr")
            .expect("send the end of the form");
        in_flight
            .set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        let answer = Answer::read(&mut in_flight).unwrap_or_else(|| {
            panic!(
                "{backend:?}: no answer to the request in flight:\n{}",
                serve.log()
            )
        });
        assert!(
            answer.status < 500,
            "{backend:?}: the request in flight was answered {}",
            answer.status
        );

        let status = serve
            .wait_exit(Duration::from_secs(15))
            .unwrap_or_else(|| panic!("{backend:?}: still running 15 s after SIGTERM"));
        assert!(
            status.success(),
            "{backend:?}: exit {status}:\n{}",
            serve.log()
        );

        // Its log went to a file: no colour codes, and a line per request when asked for.
        let log = serve.log();
        assert!(
            !log.contains("\x1b["),
            "{backend:?}: colour codes in:\n{log}"
        );
        assert!(
            log.lines()
                .any(|l| l.contains("request") && l.contains("route=\"/health\"")),
            "{backend:?}: no request line for /health in:\n{log}"
        );
        assert!(log.contains("draining"), "{backend:?}: {log}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_the_request_id_and_no_token() {
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = TestDb::new(backend, dir.path()).await;
        let smtp = format!("smtp://127.0.0.1:{}", free_port());
        let mut serve = Serve::start_with(
            dir.path(),
            &db.url,
            &smtp,
            "serve.log",
            &[
                ("ROCKET_LOG_FORMAT", "json"),
                ("ROCKET_SHUTDOWN_GRACE_SECS", "0"),
                ("SIGNONS_LOG", "info,signons::request=debug"),
            ],
        );
        serve.wait_ready(Duration::from_secs(60));
        let port = serve.port;

        // A proxy's id comes back as it was; a request without one gets one of its own.
        let given = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
        let health = get(port, "/health", &format!("X-Request-Id: {given}\r\n")).expect("health");
        assert_eq!(health.header("x-request-id"), Some(given), "{backend:?}");
        let home = get(port, "/", "").expect("home");
        let generated = home
            .header("x-request-id")
            .expect("an id for a request without one")
            .to_string();
        assert!(!generated.is_empty() && generated != given, "{backend:?}");
        // An id that is not plain is replaced, never echoed or logged.
        let odd = get(port, "/", "X-Request-Id: x\"}{\\u001b[31m\r\n").expect("home");
        assert_ne!(odd.header("x-request-id"), Some("x\"}{\\u001b[31m"));
        // A token in a path never reaches the log: the line names the route's pattern.
        let secret = "Zq7Xk2Lm9Np4Rs6Tv8Wx1Yz3Ab5Cd7Ef9Gh2Jk4Mn6P";
        get(port, &format!("/confirm/{secret}?utm=also-secret"), "").expect("confirm");

        serve.terminate();
        let status = serve
            .wait_exit(Duration::from_secs(15))
            .unwrap_or_else(|| panic!("{backend:?}: still running 15 s after SIGTERM"));
        assert!(status.success(), "{backend:?}: exit {status}");

        let log = serve.log();
        assert!(
            !log.contains("\x1b["),
            "{backend:?}: colour codes in:\n{log}"
        );
        assert!(
            !log.contains(secret),
            "{backend:?}: the token is in the log:\n{log}"
        );
        assert!(
            !log.contains("also-secret"),
            "{backend:?}: the query is in the log"
        );
        let lines: Vec<serde_json::Value> = log
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("{backend:?}: not a JSON line ({e}): {l}"))
            })
            .collect();
        let request = |id: &str| {
            lines
                .iter()
                .find(|l| l["request_id"] == id)
                .unwrap_or_else(|| panic!("{backend:?}: no line for request {id} in:\n{log}"))
        };
        let line = request(given);
        assert_eq!(line["route"], "/health", "{backend:?}: {line}");
        assert_eq!(line["method"], "GET", "{backend:?}: {line}");
        assert_eq!(line["status"], 200, "{backend:?}: {line}");
        assert!(line["micros"].is_u64(), "{backend:?}: {line}");
        assert_eq!(request(&generated)["route"], "/", "{backend:?}");
        assert!(
            lines.iter().any(|l| l["route"] == "/confirm/<token>"),
            "{backend:?}: no line for the confirmation link in:\n{log}"
        );
    }
}
