//! The cap on the mails one address receives (F2.7): whatever path sends it (a confirmation link,
//! "you already signed", a re-send, a released signature, a password reset, an invitation, a change
//! of address), an address gets at most `per_petition` mails about one petition and `per_address`
//! mails in all within a day. Each queued mail leaves a line in a ledger (a keyed hash of the
//! canonical address, the petition, the time), written in the transaction that queues the mail and
//! counted there: no extra commit, and every instance sees the same count. Lines older than a day
//! are deleted (`forget_old`); the queue keeps its own retention.
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QuerySelect, Set,
};

use super::address;
use crate::entity::mail_ledger;
use crate::mail::queue::Postmark;

/// How far back the cap looks.
pub const WINDOW_MILLIS: i64 = 24 * 3600 * 1000;

/// The caps of this instance (settings `mail_cap_per_petition`, `mail_cap_per_address`); 0: none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailCaps {
    pub per_petition: u32,
    pub per_address: u32,
}

impl MailCaps {
    pub const NONE: MailCaps = MailCaps {
        per_petition: 0,
        per_address: 0,
    };

    /// Whether an address that received `all` mails within the day, `about` of them about the
    /// petition of the next one (none: it is about no petition), may receive one more.
    pub fn admits(self, all: i64, about: Option<i64>) -> bool {
        let under = |cap: u32, count: i64| cap == 0 || count < i64::from(cap);
        under(self.per_address, all) && about.is_none_or(|n| under(self.per_petition, n))
    }
}

/// The ledger's name for an address: a keyed hash of its canonical form.
pub fn recipient_hash(postmark: &Postmark, to: &str) -> String {
    super::super::token::keyed_hash(&postmark.key, &address::canonical(to))
}

#[derive(Debug, FromQueryResult)]
struct Received {
    all: i64,
    about_petition: i64,
}

/// Whether one more mail to `to` (about `petition_id`) stays under the caps. Call it in the
/// transaction that queues the mail, after `lock` on PostgreSQL.
pub async fn allows<C: ConnectionTrait>(
    conn: &C,
    postmark: &Postmark,
    to: &str,
    petition_id: Option<i32>,
) -> Result<bool, DbErr> {
    let caps = postmark.caps;
    if caps == MailCaps::NONE {
        return Ok(true);
    }
    let since = crate::mail::now_millis() - WINDOW_MILLIS;
    let about = match petition_id {
        Some(id) => format!("CASE WHEN petition_id = {id} THEN 1 ELSE 0 END"),
        None => "0".to_string(),
    };
    let received = mail_ledger::Entity::find()
        .select_only()
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "all")
        .column_as(
            Expr::cust(format!("CAST(COALESCE(SUM({about}), 0) AS BIGINT)")),
            "about_petition",
        )
        .filter(mail_ledger::Column::RecipientHash.eq(recipient_hash(postmark, to)))
        .filter(mail_ledger::Column::CreatedAt.gt(since))
        .into_model::<Received>()
        .one(conn)
        .await?
        .unwrap_or(Received {
            all: 0,
            about_petition: 0,
        });
    Ok(caps.admits(received.all, petition_id.map(|_| received.about_petition)))
}

/// Writes the ledger line of a mail to `to` being queued, in the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    postmark: &Postmark,
    to: &str,
    petition_id: Option<i32>,
) -> Result<(), DbErr> {
    mail_ledger::ActiveModel {
        recipient_hash: Set(recipient_hash(postmark, to)),
        petition_id: Set(petition_id),
        created_at: Set(crate::mail::now_millis()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Deletes the ledger lines no cap looks at any more. Returns how many went.
pub async fn forget_old<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    Ok(mail_ledger::Entity::delete_many()
        .filter(mail_ledger::Column::CreatedAt.lt(crate::mail::now_millis() - WINDOW_MILLIS))
        .exec(conn)
        .await?
        .rows_affected)
}

/// The lock key of an address (its canonical form), for `lock`.
pub fn address_key(to: &str) -> String {
    format!("to:{}", address::canonical(to))
}

/// On PostgreSQL, serializes the transactions that count and write for these keys (canonical
/// addresses, client sources), whatever instance runs them, until the transaction ends; all keys at
/// once and in one order, so that two transactions never wait on each other in a circle. SQLite
/// needs nothing: a write transaction there already excludes every other.
pub async fn lock<C: ConnectionTrait>(conn: &C, keys: &[String]) -> Result<(), DbErr> {
    lock_then(conn, keys, None).await
}

/// `lock`, then on PostgreSQL `also` (a statement without parameters) in the same round trip.
pub async fn lock_then<C: ConnectionTrait>(
    conn: &C,
    keys: &[String],
    also: Option<&str>,
) -> Result<(), DbErr> {
    if conn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    let mut ids: Vec<i64> = keys.iter().map(|k| lock_id(k)).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut statements = Vec::with_capacity(2);
    if !ids.is_empty() {
        let list = ids
            .iter()
            .map(|id| format!("pg_advisory_xact_lock({id})"))
            .collect::<Vec<_>>()
            .join(", ");
        statements.push(format!("SELECT {list}"));
    }
    statements.extend(also.map(str::to_string));
    if !statements.is_empty() {
        conn.execute_unprepared(&statements.join("; ")).await?;
    }
    Ok(())
}

/// A 64-bit lock number for a key (the first 8 bytes of its SHA-256), in Signons' own space.
fn lock_id(key: &str) -> i64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("signons limit\0{key}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(bytes)
}
