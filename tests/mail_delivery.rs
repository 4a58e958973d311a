//! The outgoing mail queue against real (and really misbehaving) SMTP servers: temporary refusals
//! are retried until the mail goes out — once; a permanent refusal fails that mail alone and keeps
//! the server's answer; a dead or silent server delays mail without losing it or hanging the app,
//! and a send given up on does not spoil the next one; without a server, mail lands in .eml files.
mod common;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::app::{TestApp, backends, local};
use common::smtp::{Mode, ReceivedMail, SmtpServer};
use rocket::http::Status;
use sea_orm::{EntityTrait, QueryOrder};
use signons::domain::petitions::petition::Located;
use signons::entity::mail_queue::{self, STATUS_FAILED, STATUS_PENDING, STATUS_SENT};

const MAIL_WAIT: Duration = Duration::from_secs(15);

/// A row of the mail queue, shown without its bodies in assertion messages.
struct Row(mail_queue::Model);

impl std::ops::Deref for Row {
    type Target = mail_queue::Model;

    fn deref(&self) -> &mail_queue::Model {
        &self.0
    }
}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.0;
        write!(
            f,
            "#{} to {} [{}] attempts={} last_error={:?} next_attempt_at={} lease_until={:?} sent_at={:?} message_id={}",
            r.id,
            r.recipient,
            r.status,
            r.attempts,
            r.last_error,
            r.next_attempt_at,
            r.lease_until,
            r.sent_at,
            r.message_id
        )
    }
}

/// Every row of the mail queue, oldest first.
async fn rows(app: &TestApp) -> Vec<Row> {
    mail_queue::Entity::find()
        .order_by_asc(mail_queue::Column::Id)
        .all(&app.db)
        .await
        .expect("read the mail queue")
        .into_iter()
        .map(Row)
        .collect()
}

/// Polls the queue every 100 ms until `done` holds or `timeout` passes; returns the last rows read.
async fn rows_when(app: &TestApp, timeout: Duration, done: impl Fn(&[Row]) -> bool) -> Vec<Row> {
    let deadline = Instant::now() + timeout;
    loop {
        let rows = rows(app).await;
        if done(&rows) || Instant::now() >= deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The queue row of the mail to `recipient` (there must be exactly one).
async fn row_to(app: &TestApp, recipient: &str) -> Row {
    let mut found: Vec<_> = rows(app)
        .await
        .into_iter()
        .filter(|r| r.recipient.eq_ignore_ascii_case(recipient))
        .collect();
    assert_eq!(found.len(), 1, "one queued mail to {recipient}: {found:?}");
    found.remove(0)
}

/// Signs like a browser and checks the answer is the usual redirect to "check your mailbox".
async fn sign(app: &TestApp, located: &Located, first: &str, email: &str) {
    let response = app.sign(located, first, "Tester", email).await;
    assert_eq!(
        response.status(),
        Status::SeeOther,
        "{:?}: signing as {email}",
        app.backend
    );
}

/// The envelope recipients of `mails`, lower-cased, each once.
fn recipients(mails: &[ReceivedMail]) -> BTreeSet<String> {
    mails
        .iter()
        .flat_map(|m| m.to.iter().map(|t| t.to_lowercase()))
        .collect()
}

/// A port nothing listens on (yet): bound, read, released.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local_addr").port()
}

/// A TCP server that accepts connections and never writes a byte, not even the SMTP greeting. It
/// holds every connection open and stops (closing them all) after `lifetime`. Returns its port and
/// the number of connections it has accepted.
fn silent_server(lifetime: Duration) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the silent server");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let port = listener.local_addr().expect("local_addr").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::Builder::new()
        .name(format!("silent-smtp-{port}"))
        .spawn(move || {
            let deadline = Instant::now() + lifetime;
            let mut held = Vec::new();
            while Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        counter.fetch_add(1, Ordering::SeqCst);
                        held.push(stream);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(e) => {
                        eprintln!("silent server on port {port}: {e}");
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
            }
        })
        .expect("spawn the silent server");
    (port, accepted)
}

/// A hand-written SMTP server for what the in-process one cannot do: it answers the end of the
/// first message's data only after `stall`, and refuses any message whose body is addressed to
/// `reject` with 554 at the end of the data. Each connection is served by its own thread; the
/// server stops accepting after `lifetime` and each connection ends after 30 s of silence.
/// Returns the port and the `To:` line of every message it accepted.
fn scripted_smtp(
    stall: Duration,
    reject: &'static str,
    lifetime: Duration,
) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the scripted server");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let port = listener.local_addr().expect("local_addr").port();
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let messages = accepted.clone();
    let stalled = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        let deadline = Instant::now() + lifetime;
        while Instant::now() < deadline {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
            };
            let (messages, stalled) = (messages.clone(), stalled.clone());
            std::thread::spawn(move || {
                let _ = serve_scripted(stream, stall, reject, &messages, &stalled);
            });
        }
    });
    (port, accepted)
}

fn serve_scripted(
    stream: std::net::TcpStream,
    stall: Duration,
    reject: &str,
    messages: &Mutex<Vec<String>>,
    stalled: &AtomicUsize,
) -> std::io::Result<()> {
    use std::io::{BufRead, BufReader, Write};
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut input = BufReader::new(stream);
    out.write_all(b"220 scripted ESMTP\r\n")?;
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") {
            out.write_all(b"250-scripted\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if command.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else if command.starts_with("DATA") {
            out.write_all(b"354 go on\r\n")?;
            let mut to = String::new();
            loop {
                line.clear();
                if input.read_line(&mut line)? == 0 || line == ".\r\n" {
                    break;
                }
                if line.starts_with("To:") {
                    to = line.trim_end().to_string();
                }
            }
            if stalled.fetch_add(1, Ordering::SeqCst) == 0 {
                std::thread::sleep(stall);
            }
            if to.contains(reject) {
                out.write_all(b"554 5.7.1 message refused (test)\r\n")?;
            } else {
                messages.lock().expect("messages").push(to);
                out.write_all(b"250 queued\r\n")?;
            }
        } else {
            out.write_all(b"250 ok\r\n")?;
        }
    }
}

#[rocket::async_test]
async fn a_server_answering_451_twice_then_accepting_gets_the_mail() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::TempFailFirst(2));
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the park").await;
        sign(&app, &located, "Ann", "ann@example.org").await;

        let mails = smtp.wait_for(1, MAIL_WAIT).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation arrives");
        assert!(mails[0].is_to("ann@example.org"), "{:?}", mails[0].to);
        assert!(mails[0].link_containing("/confirm/").is_some());
        assert!(app.wait_queue_empty(MAIL_WAIT).await, "{backend:?}");
        assert_eq!(smtp.refused(), 2, "{backend:?}: two 451 answers");

        let row = row_to(&app, "ann@example.org").await;
        assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
        assert_eq!(
            row.attempts, 3,
            "{backend:?}: two refusals, one success: {row:?}"
        );
        assert!(row.sent_at.is_some(), "{row:?}");
        assert_eq!(row.last_error, None, "a sent mail keeps no error: {row:?}");
        assert_eq!(row.lease_until, None, "{row:?}");

        // Nothing else comes later.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(smtp.messages().len(), 1, "{backend:?}: delivered once");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_server_refusing_with_451_for_a_while_gets_every_mail_once_it_accepts() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::TempFail);
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the lake").await;
        let expected: BTreeSet<String> =
            (1..=10).map(|i| format!("signer{i}@example.org")).collect();
        for (i, email) in expected.iter().enumerate() {
            sign(&app, &located, &format!("Signer{i}"), email).await;
        }

        // The server says 451 for five seconds: nothing is delivered, nothing is given up.
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(
            smtp.messages().is_empty(),
            "{backend:?}: nothing delivered while the server refuses"
        );
        let waiting = rows(&app).await;
        assert_eq!(waiting.len(), 10, "{backend:?}");
        for row in &waiting {
            assert_eq!(row.status, STATUS_PENDING, "{backend:?}: {row:?}");
            assert!(
                row.attempts >= 2,
                "{backend:?}: retried within 5 s: {row:?}"
            );
            let error = row.last_error.as_deref().unwrap_or_default();
            assert!(
                error.contains("451"),
                "{backend:?}: the server's answer is kept: {row:?}"
            );
        }
        // Every mail reached the server and was refused there (not lost on the way).
        assert!(
            smtp.refused() >= waiting.len(),
            "{backend:?}: {} refusals for {} mails",
            smtp.refused(),
            waiting.len()
        );

        // The server recovers: every mail goes out, each once.
        smtp.set_mode(Mode::Accept);
        let mails = smtp.wait_for(10, MAIL_WAIT).await;
        assert_eq!(mails.len(), 10, "{backend:?}: {mails:?}");
        assert!(app.wait_queue_empty(MAIL_WAIT).await, "{backend:?}");
        let mails = smtp.messages();
        assert_eq!(mails.len(), 10, "{backend:?}: no mail sent twice");
        assert_eq!(recipients(&mails), expected, "{backend:?}");
        assert!(mails.iter().all(|m| m.to.len() == 1));
        for row in rows(&app).await {
            assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_refused_connection_is_retried_until_the_server_is_up() {
    for backend in backends() {
        let port = free_port();
        let app = TestApp::builder(backend)
            .smtp(&format!("smtp://127.0.0.1:{port}"))
            .build()
            .await;
        let located = app.petition("Save the forest").await;
        let expected: BTreeSet<String> = ["ann@example.org", "bo@example.org", "cy@example.org"]
            .into_iter()
            .map(String::from)
            .collect();
        for email in &expected {
            sign(&app, &located, "Someone", email).await;
        }

        // Nobody listens: every attempt is refused, every mail waits.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let waiting = rows(&app).await;
        assert_eq!(waiting.len(), 3, "{backend:?}");
        for row in &waiting {
            assert_eq!(row.status, STATUS_PENDING, "{backend:?}: {row:?}");
            assert!(row.attempts >= 1, "{backend:?}: tried: {row:?}");
            assert!(
                row.last_error.as_deref().is_some_and(|e| !e.is_empty()),
                "{backend:?}: the reason is kept: {row:?}"
            );
        }

        // The server comes up on that port: everything arrives, once.
        let smtp = SmtpServer::start_on(port, Mode::Accept);
        let mails = smtp.wait_for(3, MAIL_WAIT).await;
        assert_eq!(mails.len(), 3, "{backend:?}: {mails:?}");
        assert!(app.wait_queue_empty(MAIL_WAIT).await, "{backend:?}");
        let mails = smtp.messages();
        assert_eq!(mails.len(), 3, "{backend:?}: no mail sent twice");
        assert_eq!(recipients(&mails), expected, "{backend:?}");
        for row in rows(&app).await {
            assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
            assert_eq!(row.last_error, None, "{row:?}");
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_permanent_550_fails_that_mail_with_the_answer_kept_and_the_others_go_out() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::RejectRecipient("bounce@example.org".into()));
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the meadow").await;
        sign(&app, &located, "Ann", "ann@example.org").await;
        sign(&app, &located, "Bounce", "bounce@example.org").await;
        sign(&app, &located, "Bo", "bo@example.org").await;

        let mails = smtp.wait_for(2, MAIL_WAIT).await;
        assert_eq!(mails.len(), 2, "{backend:?}: {mails:?}");
        assert!(app.wait_queue_empty(MAIL_WAIT).await, "{backend:?}");
        assert_eq!(
            recipients(&smtp.messages()),
            BTreeSet::from(["ann@example.org".to_string(), "bo@example.org".to_string()]),
            "{backend:?}"
        );

        let bounce = row_to(&app, "bounce@example.org").await;
        assert_eq!(bounce.status, STATUS_FAILED, "{backend:?}: {bounce:?}");
        assert_eq!(bounce.attempts, 1, "{backend:?}: {bounce:?}");
        assert!(
            bounce
                .last_error
                .as_deref()
                .is_some_and(|e| e.contains("550")),
            "{backend:?}: the server's answer is kept: {bounce:?}"
        );
        assert_eq!(bounce.sent_at, None, "{bounce:?}");
        assert_eq!(bounce.lease_until, None, "{bounce:?}");
        for email in ["ann@example.org", "bo@example.org"] {
            let row = row_to(&app, email).await;
            assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
            assert_eq!(row.attempts, 1, "{backend:?}: {row:?}");
        }

        // A permanent refusal is never tried again.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let bounce = row_to(&app, "bounce@example.org").await;
        assert_eq!(bounce.status, STATUS_FAILED, "{backend:?}: {bounce:?}");
        assert_eq!(bounce.attempts, 1, "{backend:?}: not retried: {bounce:?}");
        assert_eq!(smtp.refused(), 1, "{backend:?}: asked the server once");
        assert_eq!(smtp.messages().len(), 2, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_server_that_never_answers_times_out_and_the_mail_is_retried() {
    for backend in backends() {
        let (port, accepted) = silent_server(Duration::from_secs(20));
        let app = TestApp::builder(backend)
            .smtp(&format!("smtp://127.0.0.1:{port}"))
            .set("mail_timeout_secs", 2)
            .build()
            .await;
        let located = app.petition("Save the hedgehogs").await;
        let started = Instant::now();
        sign(&app, &located, "Ann", "ann@example.org").await;

        // While the worker waits for a greeting that never comes, the app answers at once.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let page = tokio::time::timeout(Duration::from_secs(2), app.get(&located.path())).await;
        let (status, _) = page.expect("the petition page answers while a send hangs");
        assert_eq!(status, Status::Ok, "{backend:?}");
        let json = tokio::time::timeout(
            Duration::from_secs(2),
            app.signature_count(located.petition.id),
        )
        .await;
        assert_eq!(json.expect("the API answers while a send hangs"), 0);

        let rows = rows_when(&app, Duration::from_secs(8), |rows| {
            rows.iter()
                .all(|r| r.attempts >= 2 && r.last_error.is_some())
        })
        .await;
        let retried_after = started.elapsed();
        assert_eq!(rows.len(), 1, "{backend:?}");
        let row = &rows[0];
        assert!(
            row.attempts >= 2,
            "{backend:?}: timed out and tried again within {retried_after:?}: {row:?}"
        );
        // The configured 2 s timeout is the one honoured (the default test setting is 5 s): the
        // error recorded names it, whatever the machine's load did to the wall clock.
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.contains("within 2 s")),
            "{backend:?}: timed out after the configured 2 s: {row:?}"
        );
        assert!(
            retried_after < Duration::from_secs(8),
            "{backend:?}: second attempt only after {retried_after:?}: {row:?}"
        );
        assert!(
            row.last_error.as_deref().is_some_and(|e| !e.is_empty()),
            "{backend:?}: the timeout is recorded: {row:?}"
        );
        assert_eq!(
            row.status, STATUS_PENDING,
            "{backend:?}: neither sent nor failed: {row:?}"
        );
        // The second attempt is counted when claimed, just before it connects.
        let deadline = Instant::now() + Duration::from_secs(2);
        while accepted.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            accepted.load(Ordering::SeqCst) >= 2,
            "{backend:?}: each attempt reached the silent server"
        );

        // Still responsive after the timeouts.
        let page = tokio::time::timeout(Duration::from_secs(2), app.get("/")).await;
        assert!(page.is_ok(), "{backend:?}: the app answers after timeouts");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn without_smtp_mails_are_written_as_eml_files() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the bees").await;
        sign(&app, &located, "Ann", "ann@example.org").await;

        assert!(
            app.wait_queue_empty(Duration::from_secs(5)).await,
            "{backend:?}"
        );
        let files = app.eml_files();
        assert_eq!(files.len(), 1, "{backend:?}: one .eml file");
        let mail = ReceivedMail {
            from: String::new(),
            to: Vec::new(),
            raw: files[0].clone(),
            received_at: Instant::now(),
        };
        let to = mail.header("To").unwrap_or_default();
        assert!(to.contains("ann@example.org"), "{backend:?}: To: {to}");
        assert!(
            mail.subject().contains("Save the bees"),
            "{}",
            mail.subject()
        );
        let link = mail
            .link_containing("/confirm/")
            .unwrap_or_else(|| panic!("{backend:?}: a confirmation link in {}", mail.raw));

        let row = row_to(&app, "ann@example.org").await;
        assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
        assert_eq!(row.attempts, 1, "{row:?}");
        assert_eq!(
            mail.header("Message-ID").as_deref().map(str::trim),
            Some(row.message_id.as_str())
        );

        // The link in the file works like the one in a real mail.
        let (status, page) = app.get(&local(&link)).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("Confirm my signature"), "{page}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn every_mail_gets_a_stable_message_id() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::TempFailFirst(1));
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the orchard").await;
        sign(&app, &located, "Ann", "ann@example.org").await;

        let mails = smtp.wait_for(1, MAIL_WAIT).await;
        assert_eq!(mails.len(), 1, "{backend:?}");
        assert!(app.wait_queue_empty(MAIL_WAIT).await, "{backend:?}");
        let row = row_to(&app, "ann@example.org").await;
        assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
        assert_eq!(
            row.attempts, 2,
            "{backend:?}: refused once, then sent: {row:?}"
        );
        assert_eq!(smtp.refused(), 1);
        let header = mails[0].header("Message-ID");
        assert_eq!(
            header.as_deref().map(str::trim),
            Some(row.message_id.as_str()),
            "{backend:?}: the Message-ID queued is the one delivered, retry or not"
        );
        // `<time.random@domain>`, the domain being the host of `mail_from` (the default here).
        assert!(
            row.message_id.starts_with('<')
                && row.message_id.ends_with("@localhost>")
                && row.message_id.matches(['<', '>', '@']).count() == 3,
            "{row:?}"
        );

        // Another mail gets another Message-ID.
        sign(&app, &located, "Bo", "bo@example.org").await;
        let mails = smtp.wait_for(2, MAIL_WAIT).await;
        assert_eq!(mails.len(), 2, "{backend:?}");
        assert!(app.wait_queue_empty(MAIL_WAIT).await, "{backend:?}");
        let other = row_to(&app, "bo@example.org").await;
        assert_ne!(other.message_id, row.message_id);
        let delivered = smtp.messages_to("bo@example.org");
        assert_eq!(
            delivered[0].header("Message-ID").as_deref().map(str::trim),
            Some(other.message_id.as_str()),
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn after_a_send_timed_out_a_refused_mail_is_not_reported_as_sent() {
    for backend in backends() {
        // The first message's "250" comes 2 s late, after the worker has given up (1 s).
        let (port, accepted) = scripted_smtp(
            Duration::from_secs(2),
            "bo@example.org",
            Duration::from_secs(20),
        );
        let app = TestApp::builder(backend)
            .smtp(&format!("smtp://127.0.0.1:{port}"))
            .set("mail_timeout_secs", 1)
            .build()
            .await;
        let located = app.petition("Save the pond").await;
        sign(&app, &located, "Ann", "ann@example.org").await;
        let rows = rows_when(&app, MAIL_WAIT, |rows| {
            rows.iter().all(|r| r.status == STATUS_SENT)
        })
        .await;
        assert_eq!(rows[0].status, STATUS_SENT, "{backend:?}: {rows:?}");
        assert!(
            rows[0].attempts >= 2,
            "{backend:?}: timed out once: {rows:?}"
        );

        // The server refuses this one at the end of the data: it must not count as sent.
        sign(&app, &located, "Bo", "bo@example.org").await;
        let rows = rows_when(&app, MAIL_WAIT, |rows| {
            rows.iter().all(|r| r.status != STATUS_PENDING)
        })
        .await;
        let bo = rows
            .iter()
            .find(|r| r.recipient == "bo@example.org")
            .expect("the mail to bo");
        assert_eq!(bo.status, STATUS_FAILED, "{backend:?}: {bo:?}");
        assert!(
            bo.last_error.as_deref().is_some_and(|e| e.contains("554")),
            "{backend:?}: the server's answer is kept: {bo:?}"
        );
        let accepted = accepted.lock().expect("accepted").clone();
        assert!(
            accepted.iter().all(|to| !to.contains("bo@example.org")),
            "{accepted:?}"
        );
        app.finish().await;
    }
}
