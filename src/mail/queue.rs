//! Writing mail into the queue. Always called with the transaction of the change that needs the mail,
//! so that the change and its mail are committed together or not at all.
use rand::distr::{Alphanumeric, SampleString};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::domain::abuse::{address, mail_cap, mail_cap::MailCaps};
use crate::entity::mail_queue;
use crate::i18n::Lang;
use crate::templates::Templates;

/// Mail a person is waiting for (a confirmation link, a password reset) goes before bulk mail.
#[derive(Debug, Clone, Copy)]
pub enum Priority {
    Bulk = 0,
    Transactional = 10,
}

impl Priority {
    /// The order the worker sends in: every priority, each read on its own (`worker::due`), so a
    /// priority missing here would never be sent (`every_priority_is_sent` checks).
    pub const HIGHEST_FIRST: [Priority; 2] = [Priority::Transactional, Priority::Bulk];
}

#[cfg(test)]
mod priority_tests {
    use super::Priority;

    #[test]
    fn every_priority_is_sent() {
        // A new priority breaks this match until it is listed here and in `HIGHEST_FIRST`.
        let rank = |p: Priority| match p {
            Priority::Transactional => 0,
            Priority::Bulk => 1,
        };
        for (i, p) in Priority::HIGHEST_FIRST.into_iter().enumerate() {
            assert_eq!(rank(p), i);
        }
        assert_eq!(Priority::HIGHEST_FIRST.len(), 2);
    }
}

/// A mail ready to be queued.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub to: String,
    /// The petition it is about, if any: the per-petition cap counts it there.
    pub petition_id: Option<i32>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub priority: Priority,
    /// Where a recipient unsubscribes in one click (RFC 8058), for mail to signers.
    pub list_unsubscribe: Option<String>,
}

impl Outgoing {
    /// Renders `mail/<name>.txt.tera` (and `mail/<name>.html.tera` when it exists) in `lang`, with the
    /// subject from the Fluent key `subject_key`.
    pub fn compose(
        templates: &Templates,
        name: &str,
        lang: &Lang,
        subject: String,
        to: &str,
        context: &impl Serialize,
    ) -> Result<Outgoing, tera::Error> {
        let mut value = serde_json::to_value(context).map_err(tera::Error::json)?;
        if let Some(map) = value.as_object_mut() {
            map.insert("lang".into(), lang.code().into());
            map.insert("subject".into(), subject.clone().into());
        }
        let path = format!("mail/{name}");
        let text = templates.render(&path, "txt", &value)?;
        let html = if templates.has(&path, "html") {
            Some(templates.render(&path, "html", &value)?)
        } else {
            None
        };
        Ok(Outgoing {
            to: to.to_string(),
            petition_id: None,
            reply_to: None,
            subject,
            text,
            html,
            priority: Priority::Transactional,
            list_unsubscribe: None,
        })
    }
}

/// What every queued mail is stamped with: the domain naming this instance in Message-IDs, and
/// the caps on what one address may receive (`domain::abuse::mail_cap`).
#[derive(Debug, Clone)]
pub struct Postmark {
    pub domain: String,
    pub caps: MailCaps,
    /// Keys the hash of recipients in the caps' ledger.
    pub key: [u8; 32],
}

impl Postmark {
    /// No cap: for tests of the queue itself.
    pub fn uncapped(domain: &str) -> Postmark {
        Postmark {
            domain: domain.to_string(),
            caps: MailCaps::NONE,
            key: [0; 32],
        }
    }
}

/// Queues `mail` in the caller's transaction, unless its recipient has had their share of mail
/// for the day (`mail_cap`): then nothing is queued and `None` is returned, whatever path the mail
/// came from. The Message-ID names this instance and stays the same across retries, so a receiving
/// server can recognise a repeated delivery.
pub async fn enqueue<C: ConnectionTrait>(
    conn: &C,
    mail: Outgoing,
    postmark: &Postmark,
) -> Result<Option<i32>, sea_orm::DbErr> {
    if postmark.caps != MailCaps::NONE {
        mail_cap::lock(conn, &[mail_cap::address_key(&mail.to)]).await?;
        if !mail_cap::allows(conn, postmark, &mail.to, mail.petition_id).await? {
            tracing::info!(petition = ?mail.petition_id, "mail cap reached: a mail was not queued");
            return Ok(None);
        }
    }
    if postmark.caps != MailCaps::NONE {
        mail_cap::record(conn, postmark, &mail.to, mail.petition_id).await?;
    }
    enqueue_checked(conn, mail, postmark).await.map(Some)
}

/// Queues a mail whose cap the caller has already checked and whose ledger line it writes (in this
/// transaction, under its lock).
pub(crate) async fn enqueue_checked<C: ConnectionTrait>(
    conn: &C,
    mail: Outgoing,
    postmark: &Postmark,
) -> Result<i32, sea_orm::DbErr> {
    let row = queued_row(mail, postmark).insert(conn).await?;
    Ok(row.id)
}

/// The queue row of `mail`, for a caller that inserts it with others (a group commit).
pub(crate) fn queued_row(mail: Outgoing, postmark: &Postmark) -> mail_queue::ActiveModel {
    let domain = &postmark.domain;
    let recipient_key = address::canonical(&mail.to);
    let now = super::now_millis();
    let unique = Alphanumeric.sample_string(&mut rand::rng(), 24);
    mail_queue::ActiveModel {
        message_id: Set(format!("<{now}.{unique}@{domain}>")),
        recipient: Set(mail.to),
        recipient_key: Set(Some(recipient_key)),
        petition_id: Set(mail.petition_id),
        reply_to: Set(mail.reply_to),
        subject: Set(mail.subject),
        body_text: Set(mail.text),
        body_html: Set(mail.html),
        priority: Set(mail.priority as i16),
        status: Set(mail_queue::STATUS_PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        list_unsubscribe: Set(mail.list_unsubscribe),
        ..Default::default()
    }
}

/// What the queue holds, for admins (F5.5).
#[derive(Debug, Default, Serialize)]
pub struct QueueStatus {
    /// Due or scheduled, never tried yet.
    pub pending: u64,
    /// Tried at least once, to be tried again.
    pub retrying: u64,
    pub failed: u64,
    pub sent: u64,
    pub failed_mails: Vec<FailedMail>,
    /// The mails being retried, soonest first (at most a hundred).
    pub retrying_mails: Vec<RetryingMail>,
}

#[derive(Debug, Serialize)]
pub struct RetryingMail {
    pub id: i32,
    pub recipient: String,
    pub attempts: i32,
    /// RFC 3339, UTC.
    pub next_attempt_at: String,
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FailedMail {
    pub id: i32,
    pub recipient: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
}

pub async fn status<C: ConnectionTrait>(conn: &C) -> Result<QueueStatus, sea_orm::DbErr> {
    use crate::entity::mail_queue::{Column, Entity as Mail, STATUS_FAILED, STATUS_SENT};
    let pending = || Mail::find().filter(Column::Status.eq(mail_queue::STATUS_PENDING));
    let failed_mails = Mail::find()
        .filter(Column::Status.eq(STATUS_FAILED))
        .order_by_asc(Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| FailedMail {
            id: m.id,
            recipient: m.recipient,
            subject: m.subject,
            attempts: m.attempts,
            last_error: m.last_error,
        })
        .collect::<Vec<_>>();
    let retrying_mails = pending()
        .filter(Column::Attempts.gt(0))
        .order_by_asc(Column::NextAttemptAt)
        .limit(100)
        .all(conn)
        .await?
        .into_iter()
        .map(|m| RetryingMail {
            id: m.id,
            next_attempt_at: time::OffsetDateTime::from_unix_timestamp_nanos(
                i128::from(m.next_attempt_at) * 1_000_000,
            )
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default(),
            recipient: m.recipient,
            attempts: m.attempts,
            last_error: m.last_error,
        })
        .collect();
    Ok(QueueStatus {
        retrying_mails,
        pending: pending().filter(Column::Attempts.eq(0)).count(conn).await?,
        retrying: pending().filter(Column::Attempts.gt(0)).count(conn).await?,
        failed: failed_mails.len() as u64,
        sent: Mail::find()
            .filter(Column::Status.eq(STATUS_SENT))
            .count(conn)
            .await?,
        failed_mails,
    })
}

/// Puts failed mails back in the queue, due now, with a fresh retry horizon. Returns how many.
pub async fn retry_failed<C: ConnectionTrait>(conn: &C) -> Result<u64, sea_orm::DbErr> {
    use crate::entity::mail_queue::{Column, Entity as Mail, STATUS_FAILED};
    let now = super::now_millis();
    let result = Mail::update_many()
        .col_expr(Column::Status, Expr::value(mail_queue::STATUS_PENDING))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .col_expr(Column::CreatedAt, Expr::value(now))
        .col_expr(Column::LeaseUntil, Expr::value(Option::<i64>::None))
        .filter(Column::Status.eq(STATUS_FAILED))
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes failed mails. Returns how many.
pub async fn discard_failed<C: ConnectionTrait>(conn: &C) -> Result<u64, sea_orm::DbErr> {
    use crate::entity::mail_queue::{Column, Entity as Mail, STATUS_FAILED};
    Ok(Mail::delete_many()
        .filter(Column::Status.eq(STATUS_FAILED))
        .exec(conn)
        .await?
        .rows_affected)
}
