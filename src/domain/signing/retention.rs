//! Keeping signer data no longer than it serves (F9.3): an unconfirmed signature whose last link went
//! out more than `unconfirmed_keep_days` ago is deleted, with everything the signer typed. It was never
//! counted, so no count changes. Client-address hashes go after a day (`abuse::source`), and so do
//! the reporters' keys of reports (`administration::reports`). Runs at start and then every hour,
//! on every instance (a second instance deleting the same rows finds them gone).
use std::time::Duration;

use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::signature;

/// How often the purge runs after the one at start.
const EVERY: Duration = Duration::from_secs(3600);
/// Rows deleted per transaction, so that a large purge never holds the write lock for long.
const BATCH: u64 = 1_000;

/// Deletes the unconfirmed signatures whose confirmation link went out (at signing or by a re-send)
/// before `keep` ago. Returns how many went.
pub async fn purge_unconfirmed(
    db: &DatabaseConnection,
    keep: time::Duration,
) -> Result<u64, DbErr> {
    let cutoff = crate::domain::now() - keep;
    crate::db::in_batches(db, BATCH, |txn| {
        Box::pin(async move {
            let ids: Vec<i32> = signature::Entity::find()
                .select_only()
                .column(signature::Column::Id)
                .filter(signature::Column::ConfirmedAt.is_null())
                .filter(signature::Column::UpdatedAt.lt(cutoff))
                .limit(BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            let found = ids.len() as u64;
            if ids.is_empty() {
                return Ok((0, 0));
            }
            // Still unconfirmed at the delete: a confirmation in between keeps its row.
            let deleted = signature::Entity::delete_many()
                .filter(signature::Column::Id.is_in(ids))
                .filter(signature::Column::ConfirmedAt.is_null())
                .exec(txn)
                .await?;
            Ok((found, deleted.rows_affected))
        })
    })
    .await
}

/// At start and then every hour until `stop` resolves: purges unconfirmed signatures
/// (`keep_days = 0` keeps them), anonymizes the signers of petitions closed long enough
/// (`anonymization`), and forgets the client-address hashes and keys no limit needs any
/// more (`abuse::source::forget_old`), and the reporters' keys of reports more than a day old
/// (`administration::reports::forget_old_reporters`).
pub async fn run(
    db: DatabaseConnection,
    keep_days: u64,
    anonymize_after_days: u64,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    let keep = (keep_days > 0).then(|| time::Duration::days(keep_days.min(36_500) as i64));
    tokio::pin!(stop);
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tick.tick() => {
                if let Some(keep) = keep {
                    match purge_unconfirmed(&db, keep).await {
                        Ok(0) => {}
                        Ok(purged) => tracing::info!(purged, keep_days, "unconfirmed signatures purged"),
                        Err(e) => tracing::warn!(error = %e, "cannot purge unconfirmed signatures"),
                    }
                }
                match super::anonymization::run_due(&db, anonymize_after_days).await {
                    Ok(0) => {}
                    Ok(done) => tracing::info!(done, "petitions whose signers were anonymized"),
                    Err(e) => tracing::warn!(error = %e, "cannot anonymize the signers of ended petitions"),
                }
                if let Err(e) = crate::domain::abuse::proof_of_work::forget_old(&db).await {
                    tracing::warn!(error = %e, "cannot forget spent proof-of-work challenges");
                }
                if let Err(e) = crate::domain::abuse::mail_cap::forget_old(&db).await {
                    tracing::warn!(error = %e, "cannot forget old lines of the mail cap's ledger");
                }
                match crate::domain::abuse::source::forget_old(&db).await {
                    Ok(0) => {}
                    Ok(erased) => tracing::info!(erased, "client-address hashes older than a day erased"),
                    Err(e) => tracing::warn!(error = %e, "cannot erase old client-address hashes"),
                }
                match crate::domain::administration::reports::forget_old_reporters(&db).await {
                    Ok(0) => {}
                    Ok(erased) => tracing::info!(erased, "reporter keys older than a day erased"),
                    Err(e) => tracing::warn!(error = %e, "cannot erase old reporter keys"),
                }
            }
        }
    }
}
