//! Outgoing e-mail. `queue` writes a mail inside the caller's transaction (transactional outbox);
//! `worker` is the only code that sends, through `transport` (SMTP, or a folder of .eml files).
pub mod queue;
pub mod refusal;
pub mod smtp;
pub mod transport;
pub mod worker;

use std::sync::Arc;

use tokio::sync::Notify;

/// Wakes the mail worker after a transaction that queued mail has committed, so that a confirmation
/// leaves at once instead of at the next poll.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    pub fn notify(&self) {
        self.0.notify_one();
    }

    pub async fn notified(&self) {
        self.0.notified().await
    }
}

/// Milliseconds since the Unix epoch: the queue's clock.
pub fn now_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
