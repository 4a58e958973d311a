//! When a campaign ends (F9.3): some days after a petition's closing date — its own
//! `anonymize_after_days`, else the instance's; 0 never — its signers' personal data are erased:
//! names, addresses, phone numbers, comments and every optional field, and the mails about it
//! still in the queue. What the campaign achieved stays: the confirmed count (kept on the petition
//! and in the daily statistics, which hold no one's data) and the rows themselves, emptied, so
//! that nothing that counts them changes. Unconfirmed signatures, never counted, are deleted. The
//! CSV export is refused afterwards. The people who may delete signatures can also do it by hand,
//! before the date. Runs with the hourly retention, in batches.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use time::OffsetDateTime;

use crate::entity::{mail_queue, petition, signature};

/// Signatures emptied per transaction.
const BATCH: u64 = 1_000;
/// Longest delay a petition may ask for, in days (ten years).
pub const MAX_DAYS: i32 = 3_650;

/// The number of days after closing that applies to `p`: its own, else `default_days`; `None`
/// when its signers are never anonymized.
pub fn days_for(p: &petition::Model, default_days: u64) -> Option<i64> {
    let days = p
        .anonymize_after_days
        .map(i64::from)
        .unwrap_or(i64::try_from(default_days).unwrap_or(i64::MAX));
    (days > 0).then_some(days)
}

/// When `p`'s signers are (or were due to be) anonymized: its closing date plus the delay. `None`
/// for a petition with no closing date or never anonymized.
pub fn due(p: &petition::Model, default_days: u64) -> Option<OffsetDateTime> {
    let days = days_for(p, default_days)?.min(i64::from(MAX_DAYS));
    Some(p.deadline? + time::Duration::days(days))
}

/// Erases the personal data of every signer of `petition_id`, keeping the counts; marks the
/// petition anonymized. Doing it twice changes nothing more. How many signatures were emptied.
pub async fn anonymize(db: &DatabaseConnection, petition_id: i32) -> Result<u64, DbErr> {
    let emptied = crate::db::in_batches(db, BATCH, |txn| {
        Box::pin(async move {
            let ids: Vec<i32> = signature::Entity::find()
                .select_only()
                .column(signature::Column::Id)
                .filter(signature::Column::PetitionId.eq(petition_id))
                .filter(signature::Column::ConfirmedAt.is_not_null())
                .filter(signature::Column::Email.like("%@%"))
                .limit(BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            let found = ids.len() as u64;
            if ids.is_empty() {
                return Ok((0, 0));
            }
            let changed = erase(txn, ids).await?;
            Ok((found, changed))
        })
    })
    .await?;
    let txn = crate::db::begin_write(db).await?;
    // Never counted, and nothing to keep of them.
    signature::Entity::delete_many()
        .filter(signature::Column::PetitionId.eq(petition_id))
        .filter(signature::Column::ConfirmedAt.is_null())
        .exec(&txn)
        .await?;
    mail_queue::Entity::delete_many()
        .filter(mail_queue::Column::PetitionId.eq(petition_id))
        .exec(&txn)
        .await?;
    petition::Entity::update_many()
        .col_expr(
            petition::Column::AnonymizedAt,
            Expr::value(crate::domain::now()),
        )
        .filter(petition::Column::Id.eq(petition_id))
        .filter(petition::Column::AnonymizedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(emptied)
}

/// Empties the signatures `ids` of everything that tells who signed; the address becomes
/// `anonymized-<id>`, which holds no `@`.
async fn erase<C: ConnectionTrait>(conn: &C, ids: Vec<i32>) -> Result<u64, DbErr> {
    let none = Option::<String>::None;
    let result = signature::Entity::update_many()
        .col_expr(signature::Column::FirstName, Expr::value(""))
        .col_expr(signature::Column::LastName, Expr::value(""))
        // Unique per petition, and no address: `anonymized-<id>`.
        .col_expr(signature::Column::Email, Expr::cust("'anonymized-' || id"))
        .col_expr(signature::Column::EmailKey, Expr::value(none.clone()))
        .col_expr(signature::Column::Phone, Expr::value(none.clone()))
        .col_expr(signature::Column::PostalCode, Expr::value(none.clone()))
        .col_expr(signature::Column::City, Expr::value(none.clone()))
        .col_expr(signature::Column::Country, Expr::value(none.clone()))
        .col_expr(signature::Column::Organization, Expr::value(none.clone()))
        .col_expr(signature::Column::Comment, Expr::value(none.clone()))
        .col_expr(signature::Column::SearchKey, Expr::value(none.clone()))
        .col_expr(signature::Column::IpHash, Expr::value(none.clone()))
        .col_expr(signature::Column::HeldSource, Expr::value(none))
        .col_expr(signature::Column::Newsletter, Expr::value(false))
        .col_expr(signature::Column::ShownPublicly, Expr::value(false))
        .col_expr(
            signature::Column::UpdatedAt,
            Expr::value(crate::domain::now()),
        )
        .filter(signature::Column::Id.is_in(ids))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Anonymizes every petition whose date has come. How many petitions were done.
pub async fn run_due(db: &DatabaseConnection, default_days: u64) -> Result<u64, DbErr> {
    let now = crate::domain::now();
    let closed = petition::Entity::find()
        .filter(petition::Column::AnonymizedAt.is_null())
        .filter(petition::Column::Deadline.lt(now))
        .all(db)
        .await?;
    let mut done = 0;
    for p in closed {
        if due(&p, default_days).is_some_and(|at| at <= now) {
            let emptied = anonymize(db, p.id).await?;
            tracing::info!(
                petition = p.id,
                emptied,
                "signers anonymized after the campaign"
            );
            done += 1;
        }
    }
    Ok(done)
}

/// What the signatures page says about it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Notice {
    /// When the erasure is to come, when there is one (`domain::instant_text`).
    pub due: Option<String>,
    /// When the erasure was done (`domain::instant_text`).
    pub done: Option<String>,
    /// The delay that applies, in days (0: never).
    pub days: i64,
    /// Whether the petition has its own delay.
    pub own: bool,
}

impl Notice {
    pub fn of(p: &petition::Model, default_days: u64) -> Notice {
        Notice {
            due: due(p, default_days).map(crate::domain::instant_text),
            done: p.anonymized_at.map(crate::domain::instant_text),
            days: days_for(p, default_days).unwrap_or(0),
            own: p.anonymize_after_days.is_some(),
        }
    }
}

/// Sets `petition_id`'s own delay (`None`: the instance's). Refused beyond `MAX_DAYS`.
pub async fn set_days<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    days: Option<i32>,
) -> Result<bool, DbErr> {
    if days.is_some_and(|d| !(0..=MAX_DAYS).contains(&d)) {
        return Ok(false);
    }
    petition::Entity::update_many()
        .col_expr(petition::Column::AnonymizeAfterDays, Expr::value(days))
        .filter(petition::Column::Id.eq(petition_id))
        .exec(conn)
        .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn petition(deadline: Option<OffsetDateTime>, own: Option<i32>) -> petition::Model {
        let now = crate::domain::now();
        petition::Model {
            id: 1,
            organization_id: None,
            user_id: Some(1),
            title: "T".into(),
            body_html: String::new(),
            goal: None,
            deadline,
            published: true,
            moderated: false,
            moderation_reason: None,
            paper_signatures: 0,
            confirmed_count: 0,
            signature_fields: "{}".into(),
            data_notice: String::new(),
            reply_to: None,
            theme: "default".into(),
            accent_color: None,
            share_links: String::new(),
            social_text: String::new(),
            social_image_url: None,
            picture_key: None,
            picture_alt: None,
            picture_width: None,
            picture_height: None,
            show_signers: false,
            proof_of_work: false,
            search_key: None,
            created_at: now,
            updated_at: now,
            anonymize_after_days: own,
            anonymized_at: None,
            outcome: None,
            language: None,
            addressed_to: None,
            body_markdown: None,
        }
    }

    #[test]
    fn the_date_is_the_closing_date_plus_the_petitions_delay_or_the_sites() {
        let closed = time::macros::datetime!(2027-01-31 23:59 UTC);
        let site = petition(Some(closed), None);
        assert_eq!(
            due(&site, 30),
            Some(time::macros::datetime!(2027-03-02 23:59 UTC))
        );
        assert_eq!(due(&site, 0), None, "the site never anonymizes");
        assert_eq!(
            due(&petition(Some(closed), Some(7)), 0),
            Some(time::macros::datetime!(2027-02-07 23:59 UTC)),
            "the petition's own delay"
        );
        assert_eq!(
            due(&petition(Some(closed), Some(0)), 30),
            None,
            "never, for this one"
        );
        assert_eq!(due(&petition(None, Some(7)), 30), None, "no closing date");
    }
}
