//! The mail worker: claims due mail with a lease (a conditional UPDATE, so several instances on one
//! database never send the same mail twice, on SQLite and PostgreSQL alike), sends each within a
//! timeout, and records the outcome: sent, retried later with backoff and jitter, or failed.
//!
//! Pace: with `mail_rate_per_minute`, each batch first reserves evenly spaced sending slots in the
//! shared `mail_throttle` row, so the cap holds for the whole instance group and mail is spread
//! instead of burst. A refusal about the connection or the sending rate (`421`, a 4xx before any
//! recipient, a rate-limit answer: see `refusal`) pushes that row forward, pausing every worker; a
//! refusal about one recipient (greylisting, a full mailbox) only delays its own mail.
//!
//! A sent mail's `sent_at` is the moment the server accepted it, kept with the outcome until the
//! batch's outcomes are written together.
//!
//! Statements per mail: without a cap, a batch is claimed by one UPDATE and its sent mails recorded
//! by another, whatever its size (the ids and times travel as one JSON parameter, so the statement
//! text never changes and PostgreSQL keeps it prepared); the shared pause is read once per batch
//! and again only by a mail that waited for its slot.
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use rand::RngExt;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
    Statement,
};
use tokio::sync::watch;

use super::queue::Priority;
use super::transport::{SendError, Transport};
use super::{Wake, now_millis};
use crate::config::Settings;
use crate::entity::mail_queue::{
    self, Column, Entity as Mail, STATUS_FAILED, STATUS_PENDING, STATUS_SENT,
};
use crate::entity::mail_throttle;

/// Time left for recording the outcome after a send, on top of the send's own bound.
const LEASE_MARGIN_MS: i64 = 15_000;

/// How one send ended: accepted at that moment (Unix ms), or why not.
type Outcome = Result<i64, SendError>;

#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    transport: Arc<Transport>,
    wake: Wake,
    from: String,
    send_timeout: Duration,
    retry_base: Duration,
    retry_max: Duration,
    horizon: Duration,
    poll: Duration,
    concurrency: usize,
    /// Milliseconds between two mails of the group; 0 without a cap.
    spacing_ms: i64,
    throttle_pause_ms: i64,
    keep_sent_ms: i64,
    /// The shared pause (`mail_throttle.paused_until`, Unix ms) as this worker last read or set it.
    known_pause: Arc<AtomicI64>,
}

impl Worker {
    pub fn new(
        db: DatabaseConnection,
        transport: Arc<Transport>,
        wake: Wake,
        settings: &Settings,
    ) -> Worker {
        Worker {
            db,
            transport,
            wake,
            from: settings.mail_from.clone(),
            send_timeout: Duration::from_secs(settings.mail_timeout_secs.max(1)),
            retry_base: Duration::from_secs(settings.mail_retry_base_secs.max(1)),
            retry_max: Duration::from_secs(settings.mail_retry_max_secs.max(1)),
            horizon: Duration::from_secs(settings.mail_retry_horizon_hours * 3600),
            poll: Duration::from_millis(settings.mail_poll_millis.max(50)),
            concurrency: settings.mail_concurrency.max(1),
            spacing_ms: match settings.mail_rate_per_minute {
                0 => 0,
                // One millisecond more than the exact spacing: a mail sent a little late after its
                // slot must not let a 60-second window hold one mail over the cap.
                cap => 60_000 / i64::from(cap) + 1,
            },
            throttle_pause_ms: (settings.mail_throttle_pause_secs * 1000) as i64,
            keep_sent_ms: (settings.mail_keep_sent_days * 86_400_000) as i64,
            known_pause: Arc::new(AtomicI64::new(0)),
        }
    }

    /// Runs until `stop` resolves. Mail already being sent when it does is finished (each send is
    /// bounded by the timeout); mail only waiting for its slot is handed back to the queue.
    pub async fn run(self, stop: impl std::future::Future<Output = ()> + Send + 'static) {
        let (stop_tx, stopped) = watch::channel(false);
        tokio::spawn(async move {
            stop.await;
            let _ = stop_tx.send(true);
        });
        let mut next_purge = 0;
        loop {
            if *stopped.borrow() {
                break;
            }
            if now_millis() >= next_purge {
                next_purge = now_millis() + self.purge_interval_ms();
                if let Err(e) = self.purge_sent().await {
                    tracing::warn!(error = %e, "mail queue: cannot purge sent mail");
                }
            }
            let sent = match self.run_batch(&stopped).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "mail queue: cannot claim mail");
                    0
                }
            };
            if sent == 0 {
                let mut stopped = stopped.clone();
                tokio::select! {
                    _ = wait_stopped(&mut stopped) => break,
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(self.poll) => {}
                }
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// One round: find due mail, reserve its sending slots and claim it, send it, record every
    /// outcome. Returns how many mails were handled.
    async fn run_batch(&self, stopped: &watch::Receiver<bool>) -> Result<usize, sea_orm::DbErr> {
        let due = self.due(self.concurrency).await?;
        if due.is_empty() {
            return Ok(0);
        }
        let batch = self.claim_batch(due).await?;
        let handled = batch.len();
        let outcomes: Vec<(mail_queue::Model, Outcome)> = futures_util::stream::iter(batch)
            .map(|(mail, slot)| self.deliver_at(mail, slot, stopped.clone()))
            .buffer_unordered(self.concurrency)
            .filter_map(std::future::ready)
            .collect()
            .await;
        if let Err(e) = self.record_all(&outcomes).await {
            // The leases run out and the mails are tried again: at worst sent twice, never lost.
            let ids: Vec<i32> = outcomes.iter().map(|(mail, _)| mail.id).collect();
            tracing::error!(mails = ?ids, error = %e, "mail queue: cannot record the outcome of sends");
        }
        Ok(handled)
    }

    /// Reserves the sending slots of `due` and leases each mail nobody else took since it was
    /// found. Without a cap, one statement leases them all, after a look at the shared pause; under
    /// a cap, the slots are reserved and the mails leased in one write transaction: one commit per
    /// batch, not one per mail.
    async fn claim_batch(
        &self,
        due: Vec<mail_queue::Model>,
    ) -> Result<Vec<(mail_queue::Model, i64)>, sea_orm::DbErr> {
        if self.spacing_ms == 0 {
            let slot = self.reserve_slots(&self.db, due.len()).await?;
            return self.claim_all(&self.db, due, slot).await;
        }
        let txn = crate::db::begin_write(&self.db).await?;
        let first_slot = self.reserve_slots(&txn, due.len()).await?;
        let mut batch = Vec::with_capacity(due.len());
        for (i, mail) in due.into_iter().enumerate() {
            let slot = first_slot + i as i64 * self.spacing_ms;
            if let Some(claimed) = self.claim(&txn, mail, slot).await? {
                batch.push((claimed, slot));
            }
        }
        txn.commit().await?;
        Ok(batch)
    }

    /// Due mail not leased by anyone, highest priority first. One query per priority, each an
    /// ordered walk of `idx_mail_queue_priority_due` that stops at `limit`: a single query ordered
    /// by priority then date sorts every pending mail first (30 ms for 100,000 queued updates, so
    /// a fan-out was sent at 200 mails a second at most).
    async fn due(&self, limit: usize) -> Result<Vec<mail_queue::Model>, sea_orm::DbErr> {
        let now = now_millis();
        let mut due = Vec::with_capacity(limit);
        for priority in Priority::HIGHEST_FIRST {
            if due.len() >= limit {
                break;
            }
            let more = Mail::find()
                .filter(Column::Status.eq(STATUS_PENDING))
                .filter(Column::Priority.eq(priority as i16))
                .filter(Column::NextAttemptAt.lte(now))
                .filter(lease_free(now))
                .order_by_asc(Column::NextAttemptAt)
                .order_by_asc(Column::Id)
                .limit((limit - due.len()) as u64)
                .all(&self.db)
                .await?;
            due.extend(more);
        }
        Ok(due)
    }

    /// The time (Unix ms) the first of `n` mails may leave. Under a cap, reserves `n` slots
    /// `spacing_ms` apart in the shared row (locked until the caller commits); without one, only
    /// honours a pause.
    async fn reserve_slots<C: ConnectionTrait>(
        &self,
        txn: &C,
        n: usize,
    ) -> Result<i64, sea_orm::DbErr> {
        let now = now_millis();
        if self.spacing_ms == 0 {
            let row = mail_throttle::Entity::find_by_id(1).one(txn).await?;
            let paused_until = row.map_or(0, |r| r.paused_until);
            self.known_pause.fetch_max(paused_until, Ordering::Relaxed);
            return Ok(paused_until.max(now));
        }
        let Some(row) = mail_throttle::Entity::find_by_id(1)
            .lock_exclusive()
            .one(txn)
            .await?
        else {
            return Ok(now);
        };
        self.known_pause
            .fetch_max(row.paused_until, Ordering::Relaxed);
        let first = row.next_slot_at.max(row.paused_until).max(now);
        let mut row = row.into_active_model();
        row.next_slot_at = Set(first + n as i64 * self.spacing_ms);
        row.update(txn).await?;
        Ok(first)
    }

    /// Takes `mail` if nobody else did since it was found due. The lease lasts until its slot plus
    /// the send's bound plus a margin, so a live worker always records the outcome before it ends.
    async fn claim(
        &self,
        txn: &DatabaseTransaction,
        mut mail: mail_queue::Model,
        slot: i64,
    ) -> Result<Option<mail_queue::Model>, sea_orm::DbErr> {
        let now = now_millis();
        let lease_until = self.lease_until(slot, now);
        let result = Mail::update_many()
            .col_expr(Column::LeaseUntil, Expr::value(lease_until))
            .col_expr(
                Column::Attempts,
                sea_orm::sea_query::ExprTrait::add(Expr::col(Column::Attempts), 1),
            )
            .filter(Column::Id.eq(mail.id))
            .filter(Column::Status.eq(STATUS_PENDING))
            // Still due: another worker may have tried and rescheduled it since our SELECT.
            .filter(Column::NextAttemptAt.lte(now))
            .filter(lease_free(now))
            .exec(txn)
            .await?;
        if result.rows_affected != 1 {
            return Ok(None);
        }
        mail.attempts += 1;
        mail.lease_until = Some(lease_until);
        Ok(Some(mail))
    }

    /// How long a claim on a mail sent at `slot` lasts: its send's bound plus a margin, so that a
    /// live worker always records the outcome first.
    fn lease_until(&self, slot: i64, now: i64) -> i64 {
        slot.max(now) + self.send_timeout.as_millis() as i64 + LEASE_MARGIN_MS
    }

    /// `claim` for mails that share one slot, in one statement: the mails nobody else took since
    /// they were found due.
    async fn claim_all<C: ConnectionTrait>(
        &self,
        txn: &C,
        due: Vec<mail_queue::Model>,
        slot: i64,
    ) -> Result<Vec<(mail_queue::Model, i64)>, sea_orm::DbErr> {
        let now = now_millis();
        let lease_until = self.lease_until(slot, now);
        let backend = txn.get_database_backend();
        let listed: Vec<i32> = due.iter().map(|mail| mail.id).collect();
        // Driven by the list (each id looked up by its key), never by the pending mails, which
        // can be a hundred thousand during an update to signers: `status || ''` and
        // `next_attempt_at + 0` keep both planners off the indexes of those columns.
        let (ids, id) = match backend {
            DatabaseBackend::Postgres => (
                "json_array_elements_text(CAST($2 AS json))",
                "CAST(v.value AS INTEGER)",
            ),
            _ => ("json_each(?2)", "v.value"),
        };
        let sql = format!(
            "UPDATE mail_queue SET lease_until = {lease}, attempts = attempts + 1 \
             FROM {ids} AS v WHERE mail_queue.id = {id} AND status || '' = {pending} \
             AND next_attempt_at + 0 <= {now} AND (lease_until IS NULL OR lease_until < {now}) \
             RETURNING mail_queue.id",
            lease = param(backend, 1),
            pending = param(backend, 3),
            now = param(backend, 4),
        );
        let rows = txn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    lease_until.into(),
                    serde_json::to_string(&listed).unwrap_or_default().into(),
                    STATUS_PENDING.into(),
                    now.into(),
                ],
            ))
            .await?;
        let mut claimed = std::collections::HashSet::with_capacity(rows.len());
        for row in rows {
            claimed.insert(row.try_get_by_index::<i32>(0)?);
        }
        Ok(due
            .into_iter()
            .filter(|mail| claimed.contains(&mail.id))
            .map(|mut mail| {
                mail.attempts += 1;
                mail.lease_until = Some(lease_until);
                (mail, slot)
            })
            .collect())
    }

    /// Sends `mail` at its slot; the outcome to record, or nothing when the mail went back to the
    /// queue unsent.
    async fn deliver_at(
        &self,
        mail: mail_queue::Model,
        slot: i64,
        mut stopped: watch::Receiver<bool>,
    ) -> Option<(mail_queue::Model, Outcome)> {
        let waits = slot > now_millis();
        if !self.wait_until(slot, &mut stopped).await {
            self.release(&mail).await;
            return None;
        }
        // A pause asked for since this slot was reserved holds this mail back too; if the pause
        // outlasts the lease, the mail goes back to the queue instead. A mail that did not wait
        // goes with the pause read when its batch was claimed, or set by this worker since.
        let paused_until = if waits {
            match mail_throttle::Entity::find_by_id(1).one(&self.db).await {
                Ok(row) => row.map_or(0, |r| r.paused_until),
                Err(_) => 0,
            }
        } else {
            self.known_pause.load(Ordering::Relaxed)
        };
        if paused_until > now_millis() {
            let must_send_by =
                mail.lease_until.unwrap_or(0) - self.send_timeout.as_millis() as i64 - 1_000;
            if paused_until > must_send_by || !self.wait_until(paused_until, &mut stopped).await {
                self.release(&mail).await;
                return None;
            }
        }
        let outcome =
            match tokio::time::timeout(self.send_timeout, self.transport.send(&mail, &self.from))
                .await
            {
                Ok(result) => result,
                Err(_) => Err(SendError::Temporary(format!(
                    "no answer within {} s",
                    self.send_timeout.as_secs()
                ))),
            };
        if let Err(SendError::Throttled(_)) = &outcome {
            // At once, not with the batch's outcomes: the other workers must hold back now.
            if let Err(e) = self.pause(now_millis()).await {
                tracing::warn!(error = %e, "mail queue: cannot record a pause");
            }
        }
        Some((mail, outcome))
    }

    /// Sleeps until `at` (Unix ms); false when told to stop first.
    async fn wait_until(&self, at: i64, stopped: &mut watch::Receiver<bool>) -> bool {
        let wait = Duration::from_millis(at.saturating_sub(now_millis()).max(0) as u64);
        if wait.is_zero() {
            return true;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => true,
            _ = wait_stopped(stopped) => false,
        }
    }

    /// Hands a claimed but unsent mail back to the queue (at shutdown), as if never claimed.
    async fn release(&self, mail: &mail_queue::Model) {
        let result = Mail::update_many()
            .col_expr(Column::LeaseUntil, Expr::value(Option::<i64>::None))
            .col_expr(Column::Attempts, Expr::value(mail.attempts - 1))
            .filter(Column::Id.eq(mail.id))
            .filter(Column::Status.eq(STATUS_PENDING))
            .exec(&self.db)
            .await;
        if let Err(e) = result {
            tracing::warn!(mail = mail.id, error = %e, "mail queue: cannot release a mail; its lease will expire");
        }
    }

    /// Records the outcome of every send of a batch: one statement when every mail was sent, else
    /// one write transaction.
    async fn record_all(
        &self,
        outcomes: &[(mail_queue::Model, Outcome)],
    ) -> Result<(), sea_orm::DbErr> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let now = now_millis();
        let sent: Vec<(i32, i64)> = outcomes
            .iter()
            .filter_map(|(mail, outcome)| outcome.as_ref().ok().map(|at| (mail.id, *at)))
            .collect();
        if sent.len() == outcomes.len() {
            return record_sent(&self.db, &sent).await;
        }
        let txn = crate::db::begin_write(&self.db).await?;
        record_sent(&txn, &sent).await?;
        for (mail, outcome) in outcomes {
            if let Err(error) = outcome {
                self.record(mail, error, now).exec(&txn).await?;
            }
        }
        txn.commit().await
    }

    /// The outcome of a send that failed (a sent mail is recorded by `record_sent`).
    fn record(
        &self,
        mail: &mail_queue::Model,
        error: &SendError,
        now: i64,
    ) -> sea_orm::UpdateMany<Mail> {
        let update = Mail::update_many()
            .filter(Column::Id.eq(mail.id))
            .col_expr(Column::LeaseUntil, Expr::value(Option::<i64>::None));
        match error {
            SendError::Permanent(reason) => {
                tracing::warn!(mail = mail.id, %reason, "mail refused for good");
                update
                    .col_expr(Column::Status, Expr::value(STATUS_FAILED))
                    .col_expr(Column::LastError, Expr::value(reason.clone()))
            }
            SendError::Throttled(reason) | SendError::Temporary(reason) => {
                self.retry_later(update, mail, reason.clone(), now)
            }
        }
    }

    /// A temporary failure: try again after the backoff, unless the mail has been failing for longer
    /// than the horizon.
    fn retry_later(
        &self,
        update: sea_orm::UpdateMany<Mail>,
        mail: &mail_queue::Model,
        reason: String,
        now: i64,
    ) -> sea_orm::UpdateMany<Mail> {
        if now.saturating_sub(mail.created_at) > self.horizon.as_millis() as i64 {
            tracing::warn!(mail = mail.id, %reason, "mail given up after the retry horizon");
            return update
                .col_expr(Column::Status, Expr::value(STATUS_FAILED))
                .col_expr(Column::LastError, Expr::value(reason));
        }
        let delay = self.backoff(mail.attempts);
        tracing::info!(mail = mail.id, attempt = mail.attempts, retry_in_ms = delay.as_millis() as u64, %reason, "mail will be retried");
        update
            .col_expr(
                Column::NextAttemptAt,
                Expr::value(now + delay.as_millis() as i64),
            )
            .col_expr(Column::LastError, Expr::value(reason))
    }

    /// The server refused the connection or asked us to slow down: no worker of the group sends
    /// before `now + pause`.
    async fn pause(&self, now: i64) -> Result<(), sea_orm::DbErr> {
        if self.throttle_pause_ms == 0 {
            return Ok(());
        }
        let until = now + self.throttle_pause_ms;
        tracing::info!(
            pause_ms = self.throttle_pause_ms,
            "SMTP server asks to slow down: pausing mail"
        );
        self.known_pause.fetch_max(until, Ordering::Relaxed);
        mail_throttle::Entity::update_many()
            .col_expr(mail_throttle::Column::PausedUntil, Expr::value(until))
            .filter(mail_throttle::Column::Id.eq(1))
            .filter(mail_throttle::Column::PausedUntil.lt(until))
            .exec(&self.db)
            .await
            .map(|_| ())
    }

    /// Exponential backoff from `retry_base`, capped at `retry_max`, with jitter so that mails that
    /// failed together do not all come back together.
    fn backoff(&self, attempts: i32) -> Duration {
        let exponent = attempts.saturating_sub(1).clamp(0, 20) as u32;
        let full = self
            .retry_base
            .saturating_mul(1u32 << exponent)
            .min(self.retry_max);
        full.mul_f64(rand::rng().random_range(0.5..=1.0))
    }

    /// Purges at least a hundred times per retention period, at most every ten minutes.
    fn purge_interval_ms(&self) -> i64 {
        (self.keep_sent_ms / 100).clamp(1_000, 600_000)
    }

    async fn purge_sent(&self) -> Result<(), sea_orm::DbErr> {
        let before = now_millis() - self.keep_sent_ms;
        let purged = Mail::delete_many()
            .filter(Column::Status.eq(STATUS_SENT))
            .filter(Column::SentAt.lte(before))
            .exec(&self.db)
            .await?;
        if purged.rows_affected > 0 {
            tracing::info!(
                purged = purged.rows_affected,
                "mail queue: purged sent mail"
            );
        }
        Ok(())
    }
}

/// Resolves once the worker is told to stop (the guard `wait_for` returns is not kept).
async fn wait_stopped(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// Marks sent mails, [(id, accepted at)], in one statement whatever their number.
async fn record_sent<C: ConnectionTrait>(
    txn: &C,
    sent: &[(i32, i64)],
) -> Result<(), sea_orm::DbErr> {
    if sent.is_empty() {
        return Ok(());
    }
    for (id, _) in sent {
        tracing::debug!(mail = id, "mail sent");
    }
    let backend = txn.get_database_backend();
    let (rows, id, at) = match backend {
        DatabaseBackend::Postgres => (
            "json_array_elements(CAST($2 AS json))",
            "CAST(v.value ->> 0 AS INTEGER)",
            "CAST(v.value ->> 1 AS BIGINT)",
        ),
        _ => (
            "json_each(?2)",
            "json_extract(v.value, '$[0]')",
            "json_extract(v.value, '$[1]')",
        ),
    };
    let sql = format!(
        "UPDATE mail_queue SET status = {status}, sent_at = {at}, lease_until = NULL, \
         last_error = NULL FROM {rows} AS v WHERE mail_queue.id = {id}",
        status = param(backend, 1),
    );
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [
            STATUS_SENT.into(),
            serde_json::to_string(sent).unwrap_or_default().into(),
        ],
    ))
    .await?;
    Ok(())
}

/// The `n`th parameter of a raw statement: `$n` on PostgreSQL, `?n` on SQLite.
fn param(backend: DatabaseBackend, n: usize) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    }
}

/// Not leased, or leased by a worker whose time is up (it died, or lost its database).
fn lease_free(now: i64) -> Condition {
    Condition::any()
        .add(Column::LeaseUntil.is_null())
        .add(Column::LeaseUntil.lt(now))
}
