//! The mail queue under load and trouble: a long outage, a server refusing connections and messages
//! at random, a worker killed with SIGKILL mid-send, two instances sharing one database and one
//! sending budget, a server asking to slow down (the whole group pauses) or greylisting one
//! recipient (only that mail waits), each mail's own sending time, the admin commands, and the
//! purge of sent mail.
//! Every mail goes out, and goes out once (a SIGKILL may repeat only the mails it caught in flight).
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::app::{Backend, TestApp, TestDb, backends};
use common::process::{Serve, free_port, signons};
use common::smtp::{Mode, ReceivedMail, SmtpServer};
use futures_util::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use signons::entity::mail_queue::{self, Column, STATUS_FAILED, STATUS_PENDING, STATUS_SENT};
use signons::entity::mail_throttle;
use signons::mail::queue::{Outgoing, Postmark, Priority, enqueue};

/// Runs `test` on every backend at the same time, each in a task of its own, and waits for all of
/// them: a failure on one backend does not hide the result of the other.
async fn on_every_backend_at_once<F, T>(test: F)
where
    F: Fn(Backend) -> T,
    T: std::future::Future<Output = ()> + Send + 'static,
{
    let list = backends();
    let results = join_all(list.iter().map(|b| tokio::spawn(test(*b)))).await;
    let failures: Vec<String> = list
        .iter()
        .zip(results)
        .filter_map(|(backend, result)| {
            let error = result.err()?;
            let message = if error.is_panic() {
                let payload = error.into_panic();
                payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "panicked".into())
            } else {
                error.to_string()
            };
            Some(format!("{backend:?}: {message}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `n` distinct addresses: `<prefix>0001@example.org`, …
fn addresses(prefix: &str, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("{prefix}{i:04}@example.org"))
        .collect()
}

/// Queues one plain mail per address, in one transaction, as the app would.
async fn queue_mails(db: &DatabaseConnection, to: &[String], priority: Priority) {
    let txn = signons::db::begin_write(db)
        .await
        .expect("begin a transaction");
    for (i, address) in to.iter().enumerate() {
        let mail = Outgoing {
            to: address.clone(),
            reply_to: None,
            subject: format!("Queue test {i}"),
            text: format!("Hello {address}, this is mail {i}."),
            html: None,
            priority,
            petition_id: None,
            list_unsubscribe: None,
        };
        enqueue(&txn, mail, &Postmark::uncapped("signons.test"))
            .await
            .expect("queue a mail");
    }
    txn.commit().await.expect("commit the queued mails");
}

/// Tells the app's mail worker that mail is waiting (else it finds it at its next poll).
fn wake(app: &TestApp) {
    app.client
        .rocket()
        .state::<signons::Site>()
        .expect("site state")
        .wake
        .notify();
}

/// How many times each envelope recipient was delivered (lower-cased).
fn per_recipient<'a>(mails: impl IntoIterator<Item = &'a ReceivedMail>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for mail in mails {
        for to in &mail.to {
            *counts.entry(to.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

/// Asserts that `counts` holds every address of `expected` exactly once and nothing else.
fn assert_each_once(what: &str, counts: &BTreeMap<String, usize>, expected: &[String]) {
    let expected: BTreeSet<String> = expected.iter().map(|a| a.to_lowercase()).collect();
    let missing: Vec<_> = expected
        .iter()
        .filter(|a| !counts.contains_key(*a))
        .collect();
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    let unexpected: Vec<_> = counts.keys().filter(|a| !expected.contains(*a)).collect();
    assert!(
        missing.is_empty() && twice.is_empty() && unexpected.is_empty(),
        "{what}: {} missing {missing:?}; {} delivered more than once {twice:?}; unexpected {unexpected:?}",
        missing.len(),
        twice.len()
    );
}

/// Polls `count` every 50 ms until it reaches `n` or `timeout` passes; returns the last count.
async fn wait_for_count(count: impl Fn() -> usize, n: usize, timeout: Duration) -> usize {
    let deadline = Instant::now() + timeout;
    loop {
        let got = count();
        if got >= n || Instant::now() >= deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Rows per status, and the pending rows whose lease is set (claimed, maybe being sent).
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    pending: u64,
    sent: u64,
    failed: u64,
    leased: u64,
}

/// From one SELECT, so that the counts are of one moment (a worker records outcomes meanwhile).
async fn counts(db: &DatabaseConnection) -> Counts {
    let mut c = Counts::default();
    for row in all_rows(db).await {
        match row.status.as_str() {
            STATUS_PENDING => {
                c.pending += 1;
                c.leased += u64::from(row.lease_until.is_some());
            }
            STATUS_SENT => c.sent += 1,
            STATUS_FAILED => c.failed += 1,
            other => panic!("unknown status {other:?}: {row:?}"),
        }
    }
    c
}

/// The queue's rows without their bodies, for assertion messages.
async fn describe_rows(db: &DatabaseConnection) -> String {
    all_rows(db)
        .await
        .iter()
        .map(|r| {
            format!(
                "\n  #{} to {} [{}] attempts={} next_attempt_at={} lease_until={:?} created_at={} sent_at={:?} last_error={:?}",
                r.id,
                r.recipient,
                r.status,
                r.attempts,
                r.next_attempt_at,
                r.lease_until,
                r.created_at,
                r.sent_at,
                r.last_error
            )
        })
        .collect()
}

async fn all_rows(db: &DatabaseConnection) -> Vec<mail_queue::Model> {
    mail_queue::Entity::find()
        .order_by_asc(Column::Id)
        .all(db)
        .await
        .expect("read the mail queue")
}

/// Polls the queue until `done` holds or `timeout` passes; returns the last counts read.
async fn counts_when(
    db: &DatabaseConnection,
    timeout: Duration,
    done: impl Fn(&Counts) -> bool,
) -> Counts {
    let deadline = Instant::now() + timeout;
    loop {
        let c = counts(db).await;
        if done(&c) || Instant::now() >= deadline {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_server_down_for_30_seconds_gets_every_queued_mail_once_it_is_up() {
    on_every_backend_at_once(server_down_for_30_seconds).await;
}

async fn server_down_for_30_seconds(backend: Backend) {
    let started = Instant::now();
    let port = free_port();
    let app = TestApp::builder(backend)
        .smtp(&format!("smtp://127.0.0.1:{port}"))
        .set("mail_retry_max_secs", 3)
        .build()
        .await;
    let expected = addresses("outage", 200);
    queue_mails(&app.db, &expected, Priority::Bulk).await;
    wake(&app);

    // Nobody listens for 30 s: every mail is tried, none is given up.
    tokio::time::sleep(Duration::from_secs(30)).await;
    let rows = all_rows(&app.db).await;
    assert_eq!(rows.len(), 200, "{backend:?}");
    for row in &rows {
        assert_eq!(row.status, STATUS_PENDING, "{backend:?}: {row:?}");
        assert!(row.attempts >= 1, "{backend:?}: tried: {row:?}");
        assert!(
            row.last_error.as_deref().is_some_and(|e| !e.is_empty()),
            "{backend:?}: the reason is kept: {row:?}"
        );
    }
    let least = rows.iter().map(|r| r.attempts).min().unwrap_or(0);

    // The server comes up on that port: every mail arrives, once.
    let smtp = SmtpServer::start_on(port, Mode::Accept);
    let up = Instant::now();
    let got = wait_for_count(|| smtp.messages().len(), 200, Duration::from_secs(40)).await;
    assert_eq!(
        got, 200,
        "{backend:?}: every mail arrives once the server is up"
    );
    let drained_in = up.elapsed();
    assert!(
        app.wait_queue_empty(Duration::from_secs(10)).await,
        "{backend:?}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_each_once(
        &format!("{backend:?}"),
        &per_recipient(&smtp.messages()),
        &expected,
    );
    assert_eq!(
        counts(&app.db).await,
        Counts {
            sent: 200,
            ..Default::default()
        },
        "{backend:?}"
    );
    println!(
        "{backend:?}: 200 mails, server down 30 s (at least {least} attempts each), all delivered {:.1} s after it came up; test took {:.1} s",
        drained_in.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_421_on_every_third_connection_and_451_on_every_fifth_message_still_delivers_500_mails_once_each()
 {
    on_every_backend_at_once(flaky_server_500_mails).await;
}

async fn flaky_server_500_mails(backend: Backend) {
    let started = Instant::now();
    let smtp = SmtpServer::start_with(Mode::Flaky {
        refuse_every_connection: 3,
        tempfail_every_message: 5,
    });
    // Each 421 pauses the queue for `mail_throttle_pause_secs` (1 s in tests), each 451 at DATA
    // delays its own mail: 32 mails at a time keep the run short.
    let app = TestApp::builder(backend)
        .smtp(&smtp.url())
        .set("mail_concurrency", 32)
        .build()
        .await;
    let expected = addresses("flaky", 500);
    queue_mails(&app.db, &expected, Priority::Transactional).await;
    wake(&app);

    let got = wait_for_count(|| smtp.messages().len(), 500, Duration::from_secs(150)).await;
    let c = counts(&app.db).await;
    assert_eq!(got, 500, "{backend:?}: every mail arrives: {c:?}");
    assert!(
        app.wait_queue_empty(Duration::from_secs(15)).await,
        "{backend:?}"
    );
    // Anything sent twice would show up now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_each_once(
        &format!("{backend:?}"),
        &per_recipient(&smtp.messages()),
        &expected,
    );
    assert_eq!(
        counts(&app.db).await,
        Counts {
            sent: 500,
            ..Default::default()
        },
        "{backend:?}"
    );
    let refusals = smtp.refusals();
    let (r421, r451) = (
        refusals.iter().filter(|r| r.code == 421).count(),
        refusals.iter().filter(|r| r.code == 451).count(),
    );
    assert!(
        r421 >= 200 && r451 >= 100,
        "{backend:?}: the server did refuse: {r421} × 421, {r451} × 451"
    );
    println!(
        "{backend:?}: 500 mails once each through {r421} × 421 and {r451} × 451 ({} SMTP sessions) in {:.1} s",
        smtp.sessions().len(),
        started.elapsed().as_secs_f64()
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_with_sigkill_mid_send_loses_nothing() {
    on_every_backend_at_once(sigkill_mid_send).await;
}

async fn sigkill_mid_send(backend: Backend) {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = TestDb::new(backend, dir.path()).await;
    let settings = signons::config::Settings {
        database_url: Some(db.url.clone()),
        data_dir: dir.path().join("data"),
        ..Default::default()
    };
    let conn = signons::open_database(&settings)
        .await
        .expect("create the schema");
    let expected = addresses("killed", 1000);
    queue_mails(&conn, &expected, Priority::Bulk).await;

    // The server holds its answer to each message for 100 ms after it has the message: the kill
    // lands while mails are delivered but not yet recorded as sent.
    let smtp = SmtpServer::start_with(Mode::AcceptAfter(Duration::from_millis(100)));
    let mut serve = Serve::start(dir.path(), &db.url, &smtp.url(), "serve-1.log");
    let deadline = Instant::now() + Duration::from_secs(60);
    while smtp.messages().len() < 300 && Instant::now() < deadline {
        serve.assert_running();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        smtp.messages().len() >= 300,
        "{backend:?}: 300 mails within 60 s, got {}",
        smtp.messages().len()
    );
    serve.kill();
    let at_kill = counts(&conn).await;
    let in_flight: BTreeSet<String> = all_rows(&conn)
        .await
        .into_iter()
        .filter(|r| r.status == STATUS_PENDING && r.lease_until.is_some())
        .map(|r| r.recipient.to_lowercase())
        .collect();
    let received_at_kill = smtp.messages().len();
    assert!(
        !in_flight.is_empty(),
        "{backend:?}: the kill caught no mail in flight, so this run shows nothing: {at_kill:?}"
    );
    smtp.set_mode(Mode::Accept);

    // The same database, a new process: the leases of the killed worker run out (2 s send timeout
    // + 15 s margin) and what it had in flight is sent again.
    let mut serve = Serve::start(dir.path(), &db.url, &smtp.url(), "serve-2.log");
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut delivered = per_recipient(&smtp.messages());
    while (delivered.len() < 1000 || counts(&conn).await.sent < 1000) && Instant::now() < deadline {
        serve.assert_running();
        tokio::time::sleep(Duration::from_millis(200)).await;
        delivered = per_recipient(&smtp.messages());
    }
    // Anything sent a third time would show up now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    serve.kill();
    let mails = smtp.messages();
    let delivered = per_recipient(&mails);
    let duplicates = mails.len() - delivered.len();
    let duplicated: Vec<&String> = delivered
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(a, _)| a)
        .collect();
    println!(
        "{backend:?}: SIGKILL after {received_at_kill} mails received ({} recorded sent); {} in flight (leased) at the kill; {duplicates} duplicates after the restart; test took {:.1} s",
        at_kill.sent,
        in_flight.len(),
        started.elapsed().as_secs_f64()
    );
    let missing = expected
        .iter()
        .filter(|a| !delivered.contains_key(*a))
        .count();
    assert_eq!(
        missing,
        0,
        "{backend:?}: every mail arrives after the restart: {:?}\n{}",
        counts(&conn).await,
        std::fs::read_to_string(dir.path().join("serve-2.log")).unwrap_or_default()
    );
    assert_eq!(delivered.len(), 1000, "{backend:?}: nothing else arrives");
    assert!(
        duplicates <= in_flight.len(),
        "{backend:?}: {duplicates} duplicates but only {} mails in flight at the kill",
        in_flight.len()
    );
    assert!(
        duplicated.iter().all(|a| in_flight.contains(*a)),
        "{backend:?}: only mails in flight at the kill may arrive twice: {duplicated:?} vs {in_flight:?}"
    );
    assert_eq!(
        counts(&conn).await,
        Counts {
            sent: 1000,
            ..Default::default()
        },
        "{backend:?}"
    );
    conn.close().await.ok();
    db.drop_database().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_database_send_each_mail_exactly_once_under_a_shared_rate_cap() {
    on_every_backend_at_once(two_instances_shared_cap).await;
}

async fn two_instances_shared_cap(backend: Backend) {
    let started = Instant::now();
    // One SMTP server per instance: the receive times of both together show the group's pace,
    // each one's count shows that both instances sent.
    let (smtp_a, smtp_b) = (SmtpServer::start(), SmtpServer::start());
    let a = TestApp::builder(backend)
        .smtp(&smtp_a.url())
        .set("mail_rate_per_minute", 600)
        .build()
        .await;
    let b = TestApp::builder(backend)
        .smtp(&smtp_b.url())
        .set("mail_rate_per_minute", 600)
        .shared_database(&a.test_db)
        .build()
        .await;
    let expected = addresses("capped", 1000);
    queue_mails(&a.db, &expected, Priority::Bulk).await;
    wake(&a);
    wake(&b);

    let total = || smtp_a.messages().len() + smtp_b.messages().len();
    let got = wait_for_count(total, 1000, Duration::from_secs(200)).await;
    assert_eq!(
        got,
        1000,
        "{backend:?}: every mail arrives: {:?}",
        counts(&a.db).await
    );
    assert!(
        a.wait_queue_empty(Duration::from_secs(10)).await,
        "{backend:?}"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (mails_a, mails_b) = (smtp_a.messages(), smtp_b.messages());
    assert_each_once(
        &format!("{backend:?}"),
        &per_recipient(mails_a.iter().chain(&mails_b)),
        &expected,
    );
    assert!(
        !mails_a.is_empty() && !mails_b.is_empty(),
        "{backend:?}: both instances sent: {} and {}",
        mails_a.len(),
        mails_b.len()
    );
    let mut times: Vec<Instant> = mails_a
        .iter()
        .chain(&mails_b)
        .map(|m| m.received_at)
        .collect();
    times.sort();
    let minute = Duration::from_secs(60);
    // The most mails in any 60-second window [t, t + 60 s) starting at a receive time.
    let mut busiest = (0, 0);
    let mut end = 0;
    for start in 0..times.len() {
        while end < times.len() && times[end] - times[start] < minute {
            end += 1;
        }
        if end - start > busiest.0 {
            busiest = (end - start, start);
        }
    }
    let span = times[times.len() - 1] - times[0];
    // The shortest time in which 601 mails arrived (more than a minute if the cap held).
    let tightest_601 = (0..times.len().saturating_sub(600))
        .map(|i| times[i + 600] - times[i])
        .min();
    println!(
        "{backend:?}: 1000 mails at 600/min over two instances ({} + {}): first to last {:.1} s, busiest 60 s window {} mails (from mail #{}), 601 mails in no less than {:?}; test took {:.1} s",
        mails_a.len(),
        mails_b.len(),
        span.as_secs_f64(),
        busiest.0,
        busiest.1,
        tightest_601,
        started.elapsed().as_secs_f64()
    );
    assert!(
        busiest.0 <= 600,
        "{backend:?}: {} mails within 60 s from mail #{} (the cap is 600 a minute); 601 mails in {:?}",
        busiest.0,
        busiest.1,
        tightest_601
    );
    assert!(
        span >= Duration::from_secs(95),
        "{backend:?}: 1000 mails at 10 a second take about 100 s, not {span:?}"
    );
    b.finish().await;
    a.finish().await;
}

/// After the first refusal (asking to slow down), the SMTP sessions the worker starts: checks that
/// none starts during `quiet` after it. Sessions already under way when it came cannot be called back;
/// they are returned (and counted) apart. So are sessions opened within `IN_FLIGHT` of it: a mail
/// of the same concurrent batch that passed its pause check just before the pause was recorded.
const IN_FLIGHT: Duration = Duration::from_millis(50);

fn assert_quiet_after_refusal(
    what: &str,
    servers: &[&SmtpServer],
    refused_at: Instant,
    quiet: Duration,
) -> usize {
    let during: Vec<Duration> = servers
        .iter()
        .flat_map(|s| s.sessions())
        .filter(|s| *s > refused_at + IN_FLIGHT && *s < refused_at + quiet)
        .map(|s| s - refused_at)
        .collect();
    assert!(
        during.is_empty(),
        "{what}: {} SMTP sessions started during the pause, at {during:?} after the refusal",
        during.len()
    );
    let after: Vec<(ReceivedMail, Instant)> = servers
        .iter()
        .flat_map(|s| s.messages_with_session_start())
        .filter(|(_, session)| *session > refused_at + IN_FLIGHT)
        .collect();
    let next = after.iter().map(|(m, _)| m.received_at).min();
    assert!(
        next.is_some_and(|t| t >= refused_at + quiet),
        "{what}: the next mail sent after the refusal arrives {:?} after it",
        next.map(|t| t - refused_at)
    );
    servers
        .iter()
        .flat_map(|s| s.messages_with_session_start())
        .filter(|(m, session)| *session <= refused_at + IN_FLIGHT && m.received_at > refused_at)
        .count()
}

#[rocket::async_test]
async fn a_server_asking_to_slow_down_makes_the_whole_queue_pause() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::SlowDownFirst(1));
        let app = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("mail_throttle_pause_secs", 3)
            .build()
            .await;
        let expected = addresses("paused", 20);
        queue_mails(&app.db, &expected, Priority::Transactional).await;
        wake(&app);

        let got = wait_for_count(|| smtp.messages().len(), 20, Duration::from_secs(20)).await;
        assert_eq!(got, 20, "{backend:?}: every mail arrives after the pause");
        let refusals = smtp.refusals();
        assert_eq!(refusals.len(), 1, "{backend:?}: {refusals:?}");
        assert_eq!(refusals[0].code, 451);
        let what = format!("{backend:?}");
        let in_flight = assert_quiet_after_refusal(
            &what,
            &[&smtp],
            refusals[0].at,
            Duration::from_millis(2500),
        );
        let last = smtp.messages().iter().map(|m| m.received_at).max();
        println!(
            "{backend:?}: {in_flight} mails already being sent when the refusal came went through; the next one {:?} after it; last {:?} after it",
            smtp.messages_with_session_start()
                .iter()
                .filter(|(_, s)| *s > refusals[0].at)
                .map(|(m, _)| m.received_at - refusals[0].at)
                .min(),
            last.map(|t| t - refusals[0].at)
        );
        assert!(
            app.wait_queue_empty(Duration::from_secs(5)).await,
            "{backend:?}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_each_once(&what, &per_recipient(&smtp.messages()), &expected);
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_a_rate_cap_a_421_also_holds_back_the_mail_waiting_for_its_slot() {
    on_every_backend_at_once(capped_queue_pauses).await;
}

async fn capped_queue_pauses(backend: Backend) {
    let smtp = SmtpServer::start_with(Mode::CloseFirst(1));
    let app = TestApp::builder(backend)
        .smtp(&smtp.url())
        .set("mail_throttle_pause_secs", 3)
        .set("mail_rate_per_minute", 600)
        .build()
        .await;
    let expected = addresses("capped-pause", 20);
    queue_mails(&app.db, &expected, Priority::Transactional).await;
    wake(&app);

    let got = wait_for_count(|| smtp.messages().len(), 20, Duration::from_secs(20)).await;
    assert_eq!(got, 20, "{backend:?}: every mail arrives after the pause");
    let refusals = smtp.refusals();
    assert_eq!(refusals.len(), 1, "{backend:?}: {refusals:?}");
    assert_eq!(refusals[0].code, 421);
    // Under the cap no two mails are sent at once: nothing is in flight beside the refused one.
    let what = format!("{backend:?}, 600/min");
    let in_flight =
        assert_quiet_after_refusal(&what, &[&smtp], refusals[0].at, Duration::from_millis(2500));
    assert_eq!(in_flight, 0, "{what}");
    assert!(
        app.wait_queue_empty(Duration::from_secs(5)).await,
        "{backend:?}"
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_each_once(&what, &per_recipient(&smtp.messages()), &expected);
    app.finish().await;
}

#[rocket::async_test]
async fn a_rate_limit_answer_seen_by_one_instance_pauses_the_other_instance_too() {
    for backend in backends() {
        let smtp_a = SmtpServer::start_with(Mode::SlowDownFirst(1));
        let smtp_b = SmtpServer::start();
        let a = TestApp::builder(backend)
            .smtp(&smtp_a.url())
            .set("mail_throttle_pause_secs", 3)
            .build()
            .await;
        let expected = addresses("group-pause", 100);
        queue_mails(&a.db, &expected, Priority::Transactional).await;
        wake(&a);
        let refused = wait_for_count(|| smtp_a.refusals().len(), 1, Duration::from_secs(10)).await;
        assert_eq!(refused, 1, "{backend:?}: A is asked to slow down");
        // B starts only now, so that A, not B, meets the refusal first: either can send the whole
        // queue in a fraction of a second, and a B started earlier may look for mail at any moment
        // of its start on a loaded machine. Its first look goes through the same shared pause a
        // running instance reads when it is woken; it is woken as well, to be sure.
        let b = TestApp::builder(backend)
            .smtp(&smtp_b.url())
            .set("mail_throttle_pause_secs", 3)
            .set("mail_poll_millis", 60_000)
            .shared_database(&a.test_db)
            .build()
            .await;
        wake(&b);

        let total = || smtp_a.messages().len() + smtp_b.messages().len();
        let got = wait_for_count(total, 100, Duration::from_secs(30)).await;
        assert_eq!(got, 100, "{backend:?}: every mail arrives after the pause");
        let refusals = smtp_a.refusals();
        assert_eq!(refusals.len(), 1, "{backend:?}: {refusals:?}");
        // A worker that looked at the shared pause just before it was set may still start its
        // batch: half a second is more than a batch's claims take.
        let grace = Duration::from_millis(500);
        let what = format!("{backend:?}, two instances");
        let in_flight = assert_quiet_after_refusal(
            &what,
            &[&smtp_a, &smtp_b],
            refusals[0].at + grace,
            Duration::from_millis(2000),
        );
        println!(
            "{what}: {} + {} mails; {in_flight} already under way half a second after the refusal",
            smtp_a.messages().len(),
            smtp_b.messages().len()
        );
        assert!(
            a.wait_queue_empty(Duration::from_secs(5)).await,
            "{backend:?}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_each_once(
            &what,
            &per_recipient(smtp_a.messages().iter().chain(&smtp_b.messages())),
            &expected,
        );
        b.finish().await;
        a.finish().await;
    }
}

#[rocket::async_test]
async fn a_greylisted_recipient_waits_alone_while_the_other_mails_go_out() {
    for backend in backends() {
        let grey = "grey@example.org";
        let period = Duration::from_secs(3);
        let smtp = SmtpServer::start_with(Mode::Greylist {
            address: grey.into(),
            period,
        });
        // A long group pause, and four mails at a time: were the greylisting answer taken for the
        // server asking to slow down, most of the other mails would wait ten seconds.
        let app = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("mail_throttle_pause_secs", 10)
            .set("mail_concurrency", 4)
            .build()
            .await;
        let others = addresses("not-grey", 20);
        let expected: Vec<String> = std::iter::once(grey.to_string())
            .chain(others.iter().cloned())
            .collect();
        // The greylisted mail is queued first: it is in the first batch.
        queue_mails(&app.db, &expected, Priority::Transactional).await;
        let (woken, woken_ms) = (Instant::now(), signons::mail::now_millis());
        wake(&app);

        let not_grey = || {
            smtp.messages()
                .into_iter()
                .filter(|m| !m.is_to(grey))
                .collect::<Vec<_>>()
        };
        let got = wait_for_count(|| not_grey().len(), 20, Duration::from_secs(5)).await;
        let last = not_grey().iter().map(|m| m.received_at - woken).max();
        assert_eq!(
            got,
            20,
            "{backend:?}: the other mails go out meanwhile; refusals {:?}{}",
            smtp.refusals(),
            describe_rows(&app.db).await
        );
        assert!(
            last.is_some_and(|t| t < Duration::from_secs(2)),
            "{backend:?}: the other mails go out at once, the last {last:?} after the wake"
        );
        let refusals = smtp.refusals();
        assert!(
            !refusals.is_empty() && refusals.iter().all(|r| r.code == 451),
            "{backend:?}: the server greylisted, and only that: {refusals:?}"
        );
        let throttle = mail_throttle::Entity::find_by_id(1)
            .one(&app.db)
            .await
            .expect("read the throttle")
            .expect("the throttle row");
        assert!(
            throttle.paused_until < woken_ms,
            "{backend:?}: no pause for the group: {throttle:?}"
        );

        // The greylisted mail goes out with its own retries, once the server takes it.
        let mail = smtp.wait_for_to(grey, Duration::from_secs(15)).await;
        let mail = mail.unwrap_or_else(|| {
            panic!("{backend:?}: the greylisted mail arrives; refusals {refusals:?}")
        });
        assert!(
            mail.received_at >= refusals[0].at + period,
            "{backend:?}: accepted only after the greylisting period"
        );
        assert!(
            app.wait_queue_empty(Duration::from_secs(5)).await,
            "{backend:?}"
        );
        let row = all_rows(&app.db)
            .await
            .into_iter()
            .find(|r| r.recipient == grey)
            .expect("the greylisted mail's row");
        assert_eq!(row.status, STATUS_SENT, "{backend:?}: {row:?}");
        assert!(row.attempts >= 2, "{backend:?}: retried: {row:?}");
        assert_eq!(row.last_error, None, "{backend:?}: {row:?}");
        println!(
            "{backend:?}: 20 mails within {last:?} of the wake; the greylisted one after {} refusals, {:?} after the wake",
            smtp.refusals().len(),
            mail.received_at - woken
        );
        // Anything sent twice would show up now.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_each_once(
            &format!("{backend:?}"),
            &per_recipient(&smtp.messages()),
            &expected,
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn each_mail_is_stamped_sent_when_the_server_accepted_it() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        // 120 a minute: one mail every half second. The four mails are claimed in one batch and
        // their outcomes recorded together, after the last one.
        let app = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("mail_rate_per_minute", 120)
            .build()
            .await;
        let to = addresses("stamped", 4);
        queue_mails(&app.db, &to, Priority::Transactional).await;
        wake(&app);
        let got = wait_for_count(|| smtp.messages().len(), 4, Duration::from_secs(10)).await;
        assert_eq!(got, 4, "{backend:?}");
        assert!(
            app.wait_queue_empty(Duration::from_secs(5)).await,
            "{backend:?}"
        );

        let mut sent: Vec<(Instant, i64, String)> = all_rows(&app.db)
            .await
            .into_iter()
            .map(|row| {
                let received = smtp.messages_to(&row.recipient)[0].received_at;
                let sent_at = row
                    .sent_at
                    .unwrap_or_else(|| panic!("{backend:?}: a sent mail has its time: {row:?}"));
                (received, sent_at, row.recipient)
            })
            .collect();
        sent.sort();
        for pair in sent.windows(2) {
            let [(received_a, sent_a, to_a), (received_b, sent_b, to_b)] = pair else {
                continue;
            };
            let stamped = sent_b - sent_a;
            let arrived = (*received_b - *received_a).as_millis() as i64;
            assert!(
                stamped >= 400,
                "{backend:?}: {to_a} and {to_b} left half a second apart, stamped {stamped} ms apart: {sent:?}"
            );
            assert!(
                (stamped - arrived).abs() <= 150,
                "{backend:?}: {to_a} and {to_b} stamped {stamped} ms apart, received {arrived} ms apart"
            );
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn mail_status_and_retry_failed_from_the_command_line() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::RejectRecipient("bounce@example.org".into()));
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let to: Vec<String> = ["ann@example.org", "bounce@example.org", "bo@example.org"]
            .into_iter()
            .map(String::from)
            .collect();
        queue_mails(&app.db, &to, Priority::Transactional).await;
        wake(&app);
        let c = counts_when(&app.db, Duration::from_secs(15), |c| {
            c.sent == 2 && c.failed == 1
        })
        .await;
        assert_eq!(
            c,
            Counts {
                sent: 2,
                failed: 1,
                ..Default::default()
            },
            "{backend:?}: {}",
            describe_rows(&app.db).await
        );
        let bounce = all_rows(&app.db)
            .await
            .into_iter()
            .find(|r| r.recipient == "bounce@example.org")
            .expect("the bounced mail");

        let dir = tempfile::tempdir().expect("temp dir");
        let out = signons(dir.path(), &app.test_db.url, &["mail", "status"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{backend:?}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.get(..4),
            Some(&["pending: 0", "retrying: 0", "failed: 1", "sent: 2"][..]),
            "{backend:?}: {text}"
        );
        assert_eq!(
            lines.len(),
            5,
            "{backend:?}: one line per failed mail: {text}"
        );
        let failed = lines[4];
        assert!(
            failed.contains(&bounce.id.to_string())
                && failed.contains("bounce@example.org")
                && failed.contains("1 attempts")
                && failed.contains("550"),
            "{backend:?}: id {}, recipient, attempts and last error in {failed:?}",
            bounce.id
        );

        // The mailbox exists now: the failed mail goes out again, and only it.
        smtp.set_mode(Mode::Accept);
        let out = signons(dir.path(), &app.test_db.url, &["mail", "retry-failed"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{backend:?}: {text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(text.trim(), "1 failed mails queued again", "{backend:?}");
        let mail = smtp
            .wait_for_to("bounce@example.org", Duration::from_secs(10))
            .await;
        assert!(mail.is_some(), "{backend:?}: the mail queued again arrives");
        assert!(
            app.wait_queue_empty(Duration::from_secs(5)).await,
            "{backend:?}"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_each_once(
            &format!("{backend:?}"),
            &per_recipient(&smtp.messages()),
            &to,
        );

        let out = signons(dir.path(), &app.test_db.url, &["mail", "status"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(
            text.lines().collect::<Vec<_>>(),
            ["pending: 0", "retrying: 0", "failed: 0", "sent: 3"],
            "{backend:?}"
        );
        let out = signons(dir.path(), &app.test_db.url, &["mail", "retry-failed"]);
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "0 failed mails queued again"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn sent_mail_is_purged_after_the_configured_delay() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("mail_keep_sent_days", 0)
            .build()
            .await;
        // Two mails scheduled an hour from now: pending, never due during the test.
        let later = addresses("later", 2);
        let txn = signons::db::begin_write(&app.db).await.expect("begin");
        let in_an_hour = signons::mail::now_millis() + 3_600_000;
        for address in &later {
            let mail = Outgoing {
                to: address.clone(),
                reply_to: None,
                subject: "Later".into(),
                text: "Not yet.".into(),
                html: None,
                priority: Priority::Bulk,
                petition_id: None,
                list_unsubscribe: None,
            };
            let id = enqueue(&txn, mail, &Postmark::uncapped("signons.test"))
                .await
                .expect("queue")
                .expect("queued: no cap");
            mail_queue::Entity::update_many()
                .col_expr(Column::NextAttemptAt, Expr::value(in_an_hour))
                .filter(Column::Id.eq(id))
                .exec(&txn)
                .await
                .expect("schedule later");
        }
        txn.commit().await.expect("commit");
        let now = addresses("now", 3);
        queue_mails(&app.db, &now, Priority::Transactional).await;
        wake(&app);

        let got = wait_for_count(|| smtp.messages().len(), 3, Duration::from_secs(10)).await;
        assert_eq!(got, 3, "{backend:?}: the due mails are sent");
        let sent_at = Instant::now();
        // The SMTP server has them: their rows go from pending to sent, then away.
        let c = counts_when(&app.db, Duration::from_secs(10), |c| {
            c.pending + c.sent + c.failed == 2
        })
        .await;
        println!(
            "{backend:?}: sent rows purged {:?} after the mails arrived",
            sent_at.elapsed()
        );
        assert_eq!(
            c,
            Counts {
                pending: 2,
                ..Default::default()
            },
            "{backend:?}: sent mail purged within 10 s, the pending mail kept"
        );
        let left: BTreeSet<String> = all_rows(&app.db)
            .await
            .into_iter()
            .map(|r| r.recipient)
            .collect();
        assert_eq!(left, later.into_iter().collect(), "{backend:?}");
        assert_each_once(
            &format!("{backend:?}"),
            &per_recipient(&smtp.messages()),
            &now,
        );
        app.finish().await;
    }
}
