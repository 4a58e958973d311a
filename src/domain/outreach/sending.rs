//! Queuing an update to its signers (F6.5), in batches, never twice. Every instance runs `run`: it
//! looks for updates marked sending and queues the next batch of recipients of one
//! (`updates_batch_size`, 200) in a single write transaction that holds the update's row (`FOR
//! UPDATE` on PostgreSQL; SQLite has one writer): it records each recipient in
//! `update_recipients` (keyed by update and signature, so a row can only be there once), queues its
//! mail at bulk priority (transactional mail goes first, the rate cap spreads the rest) and moves
//! the update's cursor past them. A crash loses the batch's transaction whole, so the next step
//! starts again where the last committed one ended; a second instance waits for the row and finds
//! the cursor moved. Memory stays flat: one batch at a time.
use std::time::Duration;

use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};

use super::updates::{Letterhead, UpdateError};
use crate::domain::petitions::petition;
use crate::entity::{petition_update, signature, update_recipient};
use crate::mail::{Wake, queue};

/// How often an instance looks for updates to send when nothing wakes it.
const POLL: Duration = Duration::from_secs(2);

/// What one step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Mails queued in this step.
    pub queued: u64,
    /// Every recipient is queued (or the update or its petition is gone).
    pub done: bool,
}

/// Queues the next `batch` recipients of `update_id`.
pub async fn step(
    db: &DatabaseConnection,
    letterhead: &Letterhead,
    update_id: i32,
    batch: u64,
) -> Result<Step, UpdateError> {
    let batch_size = batch.max(1);
    let txn = crate::db::begin_write(db).await?;
    let Some(update) = petition_update::Entity::find_by_id(update_id)
        .lock_exclusive()
        .one(&txn)
        .await?
    else {
        return Ok(Step {
            queued: 0,
            done: true,
        });
    };
    if update.sending_at.is_none() || update.sent_at.is_some() {
        return Ok(Step {
            queued: 0,
            done: true,
        });
    }
    let located = petition::find(&txn, update.petition_id).await?;
    let signers = match &located {
        Some(_) => {
            signature::Entity::find()
                .filter(signature::Column::PetitionId.eq(update.petition_id))
                .filter(signature::Column::ConfirmedAt.is_not_null())
                .filter(signature::Column::Newsletter.eq(true))
                .filter(signature::Column::Id.gt(update.cursor))
                .order_by_asc(signature::Column::Id)
                .limit(batch_size)
                .all(&txn)
                .await?
        }
        None => Vec::new(),
    };
    let mut queued = 0;
    if let Some(located) = &located {
        for signer in &signers {
            let recorded = update_recipient::Entity::insert(update_recipient::ActiveModel {
                update_id: Set(update.id),
                signature_id: Set(signer.id),
            })
            .on_conflict(
                OnConflict::columns([
                    update_recipient::Column::UpdateId,
                    update_recipient::Column::SignatureId,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            if recorded == 0 {
                continue;
            }
            let lang = letterhead.language_of(signer);
            let mail = letterhead.letter(located, &update, &lang, &signer.email, Some(signer))?;
            if queue::enqueue(&txn, mail, &letterhead.postmark)
                .await?
                .is_some()
            {
                queued += 1;
            }
        }
    }
    let done = (signers.len() as u64) < batch_size;
    let mut row = update.clone().into_active_model();
    if let Some(last) = signers.last() {
        row.cursor = Set(last.id);
    }
    row.recipients = Set(update.recipients + i32::try_from(queued).unwrap_or(i32::MAX));
    if done {
        row.sent_at = Set(Some(crate::domain::now()));
    }
    row.update(&txn).await?;
    txn.commit().await?;
    Ok(Step { queued, done })
}

/// The updates marked sending whose recipients are not all queued.
pub async fn pending(db: &DatabaseConnection) -> Result<Vec<i32>, DbErr> {
    petition_update::Entity::find()
        .select_only()
        .column(petition_update::Column::Id)
        .filter(petition_update::Column::SendingAt.is_not_null())
        .filter(petition_update::Column::SentAt.is_null())
        .order_by_asc(petition_update::Column::Id)
        .into_tuple()
        .all(db)
        .await
}

/// Queues every pending update to the end, waking the mail worker after each batch.
pub async fn drain(
    db: &DatabaseConnection,
    letterhead: &Letterhead,
    batch: u64,
    mail_wake: &Wake,
) -> Result<u64, UpdateError> {
    let mut total = 0;
    for id in pending(db).await? {
        loop {
            let step = step(db, letterhead, id, batch).await?;
            total += step.queued;
            if step.queued > 0 {
                mail_wake.notify();
            }
            if step.done {
                break;
            }
        }
    }
    Ok(total)
}

/// Sends updates until the application stops: at once when `wake` rings (an update was sent on
/// this instance), else every `POLL` (one sent on another instance, or left half-queued by a
/// crash).
pub async fn run(
    db: DatabaseConnection,
    letterhead: Letterhead,
    batch: u64,
    wake: Wake,
    mail_wake: Wake,
    mut shutdown: rocket::Shutdown,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = wake.notified() => {}
            _ = tokio::time::sleep(POLL) => {}
        }
        if let Err(e) = drain(&db, &letterhead, batch, &mail_wake).await {
            tracing::warn!(error = %e, "cannot send updates to signers now; trying again");
        }
    }
}
