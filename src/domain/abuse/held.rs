//! Signatures held back by a limit (F2.7), as the people running a petition review them: where they
//! came from (the short label of their source, and when), released one by one or all from one
//! source (each then gets its confirmation mail, within the per-address caps), or discarded.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::mail_cap;
use crate::Site;
use crate::domain::petitions::petition::Located;
use crate::domain::signing::signature::{self, SignError};
use crate::entity::signature as entity;
use crate::mail::queue::Priority;

/// Signatures released or discarded per transaction.
const BATCH: u64 = 100;

/// Which held signatures to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldSelection {
    Ids(Vec<i32>),
    /// Every held signature of the petition from the source with this label.
    Source(String),
}

/// One source of held signatures of a petition.
#[derive(Debug, Clone, Serialize, FromQueryResult)]
pub struct HeldSource {
    /// Empty when the address was unknown.
    pub label: String,
    pub count: i64,
    /// `YYYY-MM-DD HH:MM` UTC, the first and the last held.
    pub first: String,
    pub last: String,
}

#[derive(Debug, FromQueryResult)]
struct SourceRow {
    label: Option<String>,
    count: i64,
    first: time::OffsetDateTime,
    last: time::OffsetDateTime,
}

const SHOWN: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");

fn shown(t: time::OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(SHOWN)
        .unwrap_or_default()
}

/// The sources of the held signatures of `petition_id`, the largest first.
pub async fn sources<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Vec<HeldSource>, DbErr> {
    let rows = entity::Entity::find()
        .select_only()
        .column_as(entity::Column::HeldSource, "label")
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "count")
        .column_as(entity::Column::HeldAt.min(), "first")
        .column_as(entity::Column::HeldAt.max(), "last")
        .filter(entity::Column::PetitionId.eq(petition_id))
        .filter(entity::Column::HeldAt.is_not_null())
        .group_by(entity::Column::HeldSource)
        .order_by_desc(Expr::cust("COUNT(*)"))
        .into_model::<SourceRow>()
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| HeldSource {
            label: r.label.unwrap_or_default(),
            count: r.count,
            first: shown(r.first),
            last: shown(r.last),
        })
        .collect())
}

/// What a release did: signatures released with their mail queued, and those left held because
/// their address has had its mails for the day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Released {
    pub released: u64,
    pub capped: u64,
}

fn held_of(petition_id: i32, selection: &HeldSelection) -> sea_orm::Select<entity::Entity> {
    let query = entity::Entity::find()
        .filter(entity::Column::PetitionId.eq(petition_id))
        .filter(entity::Column::HeldAt.is_not_null())
        .filter(entity::Column::ConfirmedAt.is_null());
    match selection {
        HeldSelection::Ids(ids) => query.filter(entity::Column::Id.is_in(ids.iter().copied())),
        HeldSelection::Source(label) if label.is_empty() => {
            query.filter(entity::Column::HeldSource.is_null())
        }
        HeldSelection::Source(label) => query.filter(entity::Column::HeldSource.eq(label.as_str())),
    }
}

/// Releases the held signatures of `located` in `selection`: each gets a new confirmation link,
/// queued at bulk priority in the transaction that releases it, unless its address has had its
/// mails for the day (it then stays held, to be released later). A released signature counts once
/// confirmed, like any other.
pub async fn release(
    db: &DatabaseConnection,
    site: &Site,
    located: &Located,
    selection: &HeldSelection,
) -> Result<Released, SignError> {
    let petition_id = located.petition.id;
    let postmark = site.postmark();
    let mut done = Released::default();
    let mut after = 0;
    loop {
        let batch = held_of(petition_id, selection)
            .filter(entity::Column::Id.gt(after))
            .order_by_asc(entity::Column::Id)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let mut letters = Vec::with_capacity(batch.len());
        for s in &batch {
            let mut confirmation = signature::confirmation_for(site, located, s)?;
            confirmation.mail.priority = Priority::Bulk;
            letters.push((s, confirmation));
        }
        let txn = crate::db::begin_write(db).await?;
        let keys: Vec<String> = batch
            .iter()
            .map(|s| mail_cap::address_key(&s.email))
            .collect();
        mail_cap::lock(&txn, &keys).await?;
        for (s, confirmation) in letters {
            if !mail_cap::allows(&txn, &postmark, &s.email, Some(petition_id)).await? {
                done.capped += 1;
                continue;
            }
            // Still held at the write: a second release, or a discard in between, does nothing.
            let released = entity::Entity::update_many()
                .col_expr(
                    entity::Column::ConfirmationTokenHash,
                    Expr::value(confirmation.token_hash),
                )
                .col_expr(
                    entity::Column::HeldAt,
                    Expr::value(Option::<time::OffsetDateTime>::None),
                )
                .col_expr(
                    entity::Column::HeldSource,
                    Expr::value(Option::<String>::None),
                )
                .col_expr(entity::Column::UpdatedAt, Expr::value(crate::domain::now()))
                .filter(entity::Column::Id.eq(s.id))
                .filter(entity::Column::HeldAt.is_not_null())
                .exec(&txn)
                .await?;
            if released.rows_affected == 1 {
                mail_cap::record(&txn, &postmark, &s.email, Some(petition_id)).await?;
                crate::mail::queue::enqueue_checked(&txn, confirmation.mail, &postmark).await?;
                done.released += 1;
            }
        }
        txn.commit().await?;
        if (batch.len() as u64) < BATCH {
            break;
        }
    }
    if done.released > 0 {
        site.wake.notify();
    }
    Ok(done)
}

/// Deletes the held signatures of `petition_id` in `selection` (never a released or confirmed one).
/// Returns how many went.
pub async fn discard(
    db: &DatabaseConnection,
    petition_id: i32,
    selection: &HeldSelection,
) -> Result<u64, DbErr> {
    crate::db::in_batches(db, BATCH, |txn| {
        let selection = selection.clone();
        Box::pin(async move {
            let ids: Vec<i32> = held_of(petition_id, &selection)
                .select_only()
                .column(entity::Column::Id)
                .limit(BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            if ids.is_empty() {
                return Ok((0, 0));
            }
            let gone = entity::Entity::delete_many()
                .filter(entity::Column::Id.is_in(ids.clone()))
                .filter(entity::Column::HeldAt.is_not_null())
                .exec(txn)
                .await?;
            Ok((ids.len() as u64, gone.rows_affected))
        })
    })
    .await
}
