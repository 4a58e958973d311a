//! What the writer of a batch of signatures reads once, before writing any of them: whether its
//! petitions still take signatures, the signatures the batch's addresses already have, how many
//! signatures each of its sources had admitted within the limits' windows, and how many mails each
//! of its recipients received within the cap's window. One statement for the whole batch instead of
//! four per signature; the writer then decides each signature in memory and keeps the tallies up to
//! date as it admits and mails, so that the batch ends exactly as if its signatures had been written
//! one by one. Read under the batch's locks (`mail_cap::lock`, PostgreSQL) and in its transaction,
//! so every instance counts alike and a petition hidden or closed meanwhile takes no signature.
use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QuerySelect, QueryTrait, RelationTrait,
};
use time::OffsetDateTime;

use crate::db::in_list;
use crate::domain::abuse::mail_cap::{self, MailCaps};
use crate::domain::abuse::signing_limits::{self, DAY, SigningLimits};
use crate::domain::abuse::source::Source;
use crate::domain::signing::batch_rows::BatchRows;
use crate::domain::signing::signature::{Refusal, refusal};
use crate::entity::{mail_ledger, petition, signature, user};
use crate::mail::queue::Postmark;

/// A signature already there for an address (or written earlier in this batch).
#[derive(Debug, Clone)]
pub struct Known {
    pub confirmed: bool,
    pub held: bool,
    pub email: String,
    pub first_name: String,
}

/// Admitted signatures of one source hash on one petition: within the burst window, within a day.
#[derive(Debug, Clone, Copy, Default)]
struct Admitted {
    burst: i64,
    day: i64,
}

#[derive(Debug, Default)]
pub struct Tallies {
    /// The batch's petitions: why each takes no signature now, if it does not. A petition not
    /// found is not public.
    petitions: HashMap<i32, Option<Refusal>>,
    known: HashMap<(i32, String), Known>,
    /// Source hash → petition → admitted.
    admitted: HashMap<String, HashMap<i32, Admitted>>,
    /// Recipient hash → petition (none: about no petition) → mails within the day.
    received: HashMap<String, HashMap<Option<i32>, i64>>,
    /// Ledger lines of the mails queued by this batch, written at its end.
    ledger: Vec<(String, Option<i32>)>,
    /// The signatures and mails of this batch, written at its end (or before a statement that must
    /// see them).
    pub rows: BatchRows,
}

/// One signature of the batch, as the tallies need it.
pub struct Wanted<'a> {
    pub petition_id: i32,
    pub email_key: &'a str,
    pub email: &'a str,
    pub source: Option<&'a Source>,
}

/// One row of the batch's single read: `kind` says which of the four questions it answers.
/// - 0, a petition of the batch: `petition_id`, `public` (published, not hidden, its account not
///   blocked), `deadline`;
/// - 1, a signature already there: `petition_id`, `key` (its address key), `email`, `first_name`,
///   `confirmed`, `held`;
/// - 2, signatures admitted from a source: `petition_id`, `key` (the source's hash), `burst`, `day`;
/// - 3, mails a recipient received: `petition_id` (none for a mail about no petition), `key` (the
///   recipient's hash), `day`.
#[derive(Debug, FromQueryResult)]
struct TallyRow {
    kind: i32,
    petition_id: Option<i32>,
    key: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    confirmed: Option<bool>,
    held: Option<bool>,
    burst: Option<i64>,
    day: Option<i64>,
    public: Option<bool>,
    deadline: Option<OffsetDateTime>,
}

const PETITION: i32 = 0;
const KNOWN: i32 = 1;
const ADMITTED: i32 = 2;
const RECEIVED: i32 = 3;

/// A typed NULL, for the columns a part of the union does not have.
fn null(sql_type: &str) -> SimpleExpr {
    Expr::cust(format!("CAST(NULL AS {sql_type})"))
}

fn count_if(condition: SimpleExpr) -> SimpleExpr {
    let counted: SimpleExpr = Expr::case(condition, 1).finally(0).into();
    Func::cast_as(
        Func::coalesce([SimpleExpr::from(Func::sum(counted)), Expr::val(0)]),
        Alias::new("BIGINT"),
    )
    .into()
}

impl Tallies {
    /// Reads what the batch `wanted` needs, in the caller's transaction: one statement (a `UNION
    /// ALL` of the three questions), so that on PostgreSQL the batch waits on one round trip.
    pub async fn load<C: ConnectionTrait>(
        conn: &C,
        wanted: &[Wanted<'_>],
        limits: SigningLimits,
        postmark: &Postmark,
    ) -> Result<Tallies, DbErr> {
        let mut tallies = Tallies::default();
        if wanted.is_empty() {
            return Ok(tallies);
        }
        let backend = conn.get_database_backend();
        let petitions: HashSet<i32> = wanted.iter().map(|w| w.petition_id).collect();
        let keys: HashSet<&str> = wanted.iter().map(|w| w.email_key).collect();
        let mut read = signature::Entity::find()
            .select_only()
            .column_as(Expr::cust(KNOWN.to_string()), "kind")
            .column_as(signature::Column::PetitionId, "petition_id")
            .column_as(signature::Column::EmailKey, "key")
            .column_as(signature::Column::Email, "email")
            .column_as(signature::Column::FirstName, "first_name")
            .column_as(signature::Column::ConfirmedAt.is_not_null(), "confirmed")
            .column_as(signature::Column::HeldAt.is_not_null(), "held")
            .column_as(null("BIGINT"), "burst")
            .column_as(null("BIGINT"), "day")
            .column_as(null("BOOLEAN"), "public")
            .column_as(null("TIMESTAMPTZ"), "deadline")
            .filter(in_list(backend, "petition_id", petitions.iter().copied()))
            .filter(in_list(backend, "email_key", keys))
            .into_query();
        // An organization's petition has no owner account: nothing joins, nothing is blocked.
        let public = Expr::col((petition::Entity, petition::Column::Published))
            .and(Expr::col((petition::Entity, petition::Column::Moderated)).not())
            .and(Expr::col((user::Entity, user::Column::BlockedAt)).is_null());
        let open = petition::Entity::find()
            .select_only()
            .column_as(Expr::cust(PETITION.to_string()), "kind")
            .column_as(petition::Column::Id, "petition_id")
            .column_as(null("TEXT"), "key")
            .column_as(null("TEXT"), "email")
            .column_as(null("TEXT"), "first_name")
            .column_as(null("BOOLEAN"), "confirmed")
            .column_as(null("BOOLEAN"), "held")
            .column_as(null("BIGINT"), "burst")
            .column_as(null("BIGINT"), "day")
            .column_as(public, "public")
            .column_as(petition::Column::Deadline, "deadline")
            .join(JoinType::LeftJoin, petition::Relation::User.def())
            .filter(petition::Column::Id.is_in(petitions.iter().copied()))
            .into_query();
        read.union(UnionType::All, open);
        let hashes: HashSet<String> = wanted
            .iter()
            .filter_map(|w| w.source)
            .flat_map(Source::hashes)
            .collect();
        if limits != SigningLimits::NONE && !hashes.is_empty() {
            let now = crate::domain::now();
            let burst_since = now - time::Duration::minutes(i64::from(limits.burst_minutes));
            let admitted = signature::Entity::find()
                .select_only()
                .column_as(Expr::cust(ADMITTED.to_string()), "kind")
                .column_as(signature::Column::PetitionId, "petition_id")
                .column_as(signature::Column::IpHash, "key")
                .column_as(null("TEXT"), "email")
                .column_as(null("TEXT"), "first_name")
                .column_as(null("BOOLEAN"), "confirmed")
                .column_as(null("BOOLEAN"), "held")
                .column_as(
                    count_if(Expr::col(signature::Column::CreatedAt).gt(burst_since)),
                    "burst",
                )
                .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "day")
                .column_as(null("BOOLEAN"), "public")
                .column_as(null("TIMESTAMPTZ"), "deadline")
                .filter(in_list(backend, "ip_hash", hashes))
                .filter(signature::Column::CreatedAt.gt(now - DAY))
                .filter(signature::Column::HeldAt.is_null())
                .group_by(signature::Column::IpHash)
                .group_by(signature::Column::PetitionId)
                .into_query();
            read.union(UnionType::All, admitted);
        }
        if postmark.caps != MailCaps::NONE {
            let recipients: HashSet<String> = wanted
                .iter()
                .map(|w| mail_cap::recipient_hash(postmark, w.email))
                .collect();
            let received = mail_ledger::Entity::find()
                .select_only()
                .column_as(Expr::cust(RECEIVED.to_string()), "kind")
                .column_as(mail_ledger::Column::PetitionId, "petition_id")
                .column_as(mail_ledger::Column::RecipientHash, "key")
                .column_as(null("TEXT"), "email")
                .column_as(null("TEXT"), "first_name")
                .column_as(null("BOOLEAN"), "confirmed")
                .column_as(null("BOOLEAN"), "held")
                .column_as(null("BIGINT"), "burst")
                .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "day")
                .column_as(null("BOOLEAN"), "public")
                .column_as(null("TIMESTAMPTZ"), "deadline")
                .filter(in_list(backend, "recipient_hash", recipients))
                .filter(
                    mail_ledger::Column::CreatedAt
                        .gt(crate::mail::now_millis() - mail_cap::WINDOW_MILLIS),
                )
                .group_by(mail_ledger::Column::RecipientHash)
                .group_by(mail_ledger::Column::PetitionId)
                .into_query();
            read.union(UnionType::All, received);
        }
        let rows = TallyRow::find_by_statement(backend.build(&read))
            .all(conn)
            .await?;
        for row in rows {
            if row.kind == PETITION {
                if let Some(id) = row.petition_id {
                    let public = row.public.unwrap_or(false);
                    tallies.petitions.insert(id, refusal(public, row.deadline));
                }
                continue;
            }
            let Some(key) = row.key else { continue };
            match row.kind {
                KNOWN => {
                    if let Some(petition_id) = row.petition_id {
                        tallies.known.insert(
                            (petition_id, key),
                            Known {
                                confirmed: row.confirmed.unwrap_or(false),
                                held: row.held.unwrap_or(false),
                                email: row.email.unwrap_or_default(),
                                first_name: row.first_name.unwrap_or_default(),
                            },
                        );
                    }
                }
                ADMITTED => {
                    if let Some(petition_id) = row.petition_id {
                        tallies.admitted.entry(key).or_default().insert(
                            petition_id,
                            Admitted {
                                burst: row.burst.unwrap_or(0),
                                day: row.day.unwrap_or(0),
                            },
                        );
                    }
                }
                _ => {
                    tallies
                        .received
                        .entry(key)
                        .or_default()
                        .insert(row.petition_id, row.day.unwrap_or(0));
                }
            }
        }
        Ok(tallies)
    }

    /// Why `petition_id` takes no signature now, if it does not.
    pub fn refusal(&self, petition_id: i32) -> Option<Refusal> {
        self.petitions
            .get(&petition_id)
            .copied()
            .unwrap_or(Some(Refusal::NotPublic))
    }

    pub fn known(&self, petition_id: i32, email_key: &str) -> Option<&Known> {
        self.known.get(&(petition_id, email_key.to_string()))
    }

    pub fn remember(&mut self, petition_id: i32, email_key: &str, known: Known) {
        self.known
            .insert((petition_id, email_key.to_string()), known);
    }

    /// Whether `source` has had as many signatures admitted as a limit allows.
    pub fn over(&self, limits: SigningLimits, source: &Source, petition_id: i32) -> bool {
        if limits == SigningLimits::NONE {
            return false;
        }
        let mut admitted = signing_limits::Admitted::default();
        for hash in source.hashes() {
            for (petition, counted) in self.admitted.get(&hash).into_iter().flatten() {
                admitted.burst_site += counted.burst;
                admitted.day_site += counted.day;
                if *petition == petition_id {
                    admitted.burst_petition += counted.burst;
                    admitted.day_petition += counted.day;
                }
            }
        }
        limits.reached(admitted)
    }

    /// Counts a signature admitted from `source`.
    pub fn admit(&mut self, source: Option<&Source>, petition_id: i32) {
        if let Some(source) = source {
            let admitted = self
                .admitted
                .entry(source.hash.clone())
                .or_default()
                .entry(petition_id)
                .or_default();
            admitted.burst += 1;
            admitted.day += 1;
        }
    }

    /// Whether one more mail to `to` about `petition_id` stays under the caps.
    pub fn may_mail(&self, postmark: &Postmark, to: &str, petition_id: Option<i32>) -> bool {
        let caps = postmark.caps;
        if caps == MailCaps::NONE {
            return true;
        }
        let received = self.received.get(&mail_cap::recipient_hash(postmark, to));
        let all: i64 = received.map_or(0, |r| r.values().sum());
        let about: i64 = match petition_id {
            Some(id) => received
                .and_then(|r| r.get(&Some(id)))
                .copied()
                .unwrap_or(0),
            None => 0,
        };
        let under = |cap: u32, count: i64| cap == 0 || count < i64::from(cap);
        under(caps.per_address, all) && (petition_id.is_none() || under(caps.per_petition, about))
    }

    /// Counts a mail queued to `to`; its ledger line is written by `finish`.
    pub fn mailed(&mut self, postmark: &Postmark, to: &str, petition_id: Option<i32>) {
        if postmark.caps == MailCaps::NONE {
            return;
        }
        let hash = mail_cap::recipient_hash(postmark, to);
        *self
            .received
            .entry(hash.clone())
            .or_default()
            .entry(petition_id)
            .or_default() += 1;
        self.ledger.push((hash, petition_id));
    }

    /// Writes the batch's signatures, mails and ledger lines, a few statements in all.
    pub async fn finish<C: ConnectionTrait>(mut self, conn: &C) -> Result<(), DbErr> {
        let now = crate::mail::now_millis();
        let ledger = self
            .ledger
            .into_iter()
            .map(|(hash, petition)| mail_ledger::ActiveModel {
                recipient_hash: sea_orm::Set(hash),
                petition_id: sea_orm::Set(petition),
                created_at: sea_orm::Set(now),
                ..Default::default()
            })
            .collect();
        self.rows.flush_with(conn, ledger).await
    }
}
