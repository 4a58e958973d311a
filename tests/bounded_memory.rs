//! What keeps an instance's memory bounded however many clients come at once (F10.3).
//! - It serves a bounded number of connections at once (`max_connections`), and nobody waits
//!   forever for a turn: a client past the limit is served as soon as an open connection makes
//!   room, and open connections make room (an idle keep-alive connection at once, a busy one after
//!   its answer) while anyone waits. Clients arriving as others leave are all answered: a new
//!   connection is never asked to make room in the place of one still closing. Those tests run the
//!   real binary as a process.
//! - SQLite's memory, all connections together, is held under a soft limit.
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::app::{Backend, TestApp, TestDb};
use common::process::{Serve, free_port};

/// Sends `GET /health` on a keep-alive connection and reads one answer: its status line, or
/// `None` when nothing comes within the stream's read timeout.
fn health(stream: &mut TcpStream, port: u16) -> Option<String> {
    write!(
        stream,
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .ok()?;
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&raw).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).ok()?;
    head.lines().next().map(str::to_string)
}

/// Whether the server closed `stream` (end of stream) within its read timeout.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    matches!(stream.read(&mut byte), Ok(0))
}

fn connect(port: u16, timeout: Duration) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(timeout)).expect("timeout");
    stream
}

/// The real binary serving at most two connections at once, ready. The limit is in the HTTP layer,
/// in front of any database: SQLite is enough. The folder and the database live as long as the
/// process is used.
async fn serving_two_at_once() -> (tempfile::TempDir, TestDb, Serve) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = TestDb::new(Backend::Sqlite, dir.path()).await;
    let smtp = format!("smtp://127.0.0.1:{}", free_port());
    let mut serve = Serve::start_with(
        dir.path(),
        &db.url,
        &smtp,
        "serve.log",
        &[("ROCKET_MAX_CONNECTIONS", "2")],
    );
    serve.wait_ready(Duration::from_secs(60));
    (dir, db, serve)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_limit_a_new_client_is_served_once_an_open_connection_makes_room() {
    let (_dir, _db, mut serve) = serving_two_at_once().await;
    let port = serve.port;

    // Two clients keep their connections open after an answer: the limit is reached.
    let mut first = connect(port, Duration::from_secs(10));
    let mut second = connect(port, Duration::from_secs(10));
    for stream in [&mut first, &mut second] {
        let status = health(stream, port).expect("an answer under the limit");
        assert!(status.contains(" 200 "), "{status}");
    }

    // A third client is answered all the same: one of the idle connections makes room.
    let mut third = connect(port, Duration::from_secs(10));
    let status = health(&mut third, port)
        .unwrap_or_else(|| panic!("the third client got no answer:\n{}", serve.log()));
    assert!(status.contains(" 200 "), "{status}");

    // And the limit held: one of the first two connections was closed to make room, the other
    // is still open and served.
    first
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    second
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("timeout");
    let (closed, mut open) = match (closed_by_server(&mut first), closed_by_server(&mut second)) {
        (true, false) => ("first", second),
        (false, true) => ("second", first),
        other => panic!("exactly one of the first two connections must be closed: {other:?}"),
    };
    open.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // The third client holds the freed place; the open one is asked to make room in turn and may
    // be closed after this answer, but it is answered.
    let status = health(&mut open, port)
        .unwrap_or_else(|| panic!("the connection left open ({closed} was closed) got no answer"));
    assert!(status.contains(" 200 "), "{status}");
    serve.assert_running();
}

/// Clients that come as others leave, again and again, at the limit: each is answered. A client
/// whose connection starts while a leaving one still holds its place waits for that place; it is
/// never the one asked to make room before it has sent anything.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_the_limit_clients_arriving_as_others_leave_are_all_answered() {
    let (_dir, _db, mut serve) = serving_two_at_once().await;
    let port = serve.port;
    for round in 0..150 {
        // One client asks and leaves (HTTP/1.0: the server closes after its answer)...
        let answer = serve.get("/health", "en");
        assert!(
            answer.as_ref().is_some_and(|(status, _)| *status == 200),
            "round {round}: the leaving client got {answer:?}"
        );
        // ...and two come at once, connecting before either asks anything.
        let mut first = connect(port, Duration::from_secs(10));
        let mut second = connect(port, Duration::from_secs(10));
        for (who, stream) in [("first", &mut first), ("second", &mut second)] {
            let status = health(stream, port).unwrap_or_else(|| {
                panic!(
                    "round {round}: the {who} client got no answer:\n{}",
                    serve.log()
                )
            });
            assert!(status.contains(" 200 "), "round {round}: {status}");
        }
    }
    serve.assert_running();
}

#[rocket::async_test]
async fn sqlite_keeps_its_memory_under_one_limit_for_all_its_connections() {
    use sea_orm::ConnectionTrait;
    let app = TestApp::start(Backend::Sqlite).await;
    app.petition("Save the park").await;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "PRAGMA soft_heap_limit",
        ))
        .await
        .expect("pragma")
        .expect("a row");
    let limit: i64 = row.try_get_by_index(0).expect("a number");
    assert_eq!(
        limit.to_string(),
        signons::db::SQLITE_SOFT_HEAP_LIMIT,
        "SQLite's memory is bounded"
    );
    assert!(limit > 0 && limit <= 16 * 1024 * 1024, "{limit}");
    app.finish().await;
}
