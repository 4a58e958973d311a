//! The daily digest to a petition's organizers (issue 12 point 2, Pytition #324): per petition, on
//! request, a mail a day to up to `MAX_RECIPIENTS` chosen addresses (members, an open letter's
//! recipient) with how many signatures were confirmed since the last one and, if the petition asks
//! for it and its signers are not anonymized, their names.
//!
//! Each petition's row keeps a watermark, `sent_until`: signatures confirmed before it were
//! reported. A digest is due once the day's sending hour (`digest_hour_utc`) has passed the
//! watermark. Every instance looks for due digests (`run`); sending one is a single write
//! transaction that first claims the day with a conditional UPDATE of the watermark (`WHERE
//! sent_until < <the day's hour>`: one instance wins, the others change no row) and then queues the
//! mails in the durable queue, so a crash loses both or neither. No mail when nothing new was
//! confirmed; the watermark moves all the same.
use std::collections::HashSet;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use time::{Duration, OffsetDateTime, Time};
use validator::ValidateEmail;

use super::updates::Letterhead;
use crate::domain::abuse::address;
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission;
use crate::domain::petitions::petition::{self, Located, Owner};
use crate::domain::signing::signature::{FieldRule, SignatureFields};
use crate::entity::{petition_digest, signature};
use crate::i18n::Lang;
use crate::mail::Wake;
use crate::mail::queue::{self, Outgoing, Priority};

/// Most addresses a digest goes to.
pub const MAX_RECIPIENTS: usize = 10;
/// Most signers a digest names; the others are counted ("and 12 more").
pub const NAMES_MAX: u64 = 500;
/// Longest address, as everywhere else.
const ADDRESS_MAX: usize = 254;
/// A confirmation committing while a digest is sent may carry a slightly earlier time: the window
/// ends this much before the sending, and what is later goes in the next day's digest.
const SETTLE: Duration = Duration::minutes(1);

/// The form as typed.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DigestInput {
    pub enabled: bool,
    /// One address a line.
    pub recipients: String,
    pub include_names: bool,
}

impl DigestInput {
    pub fn of(row: Option<&petition_digest::Model>) -> DigestInput {
        row.map(|d| DigestInput {
            enabled: d.enabled,
            recipients: d.recipients.clone(),
            include_names: d.include_names,
        })
        .unwrap_or_default()
    }
}

/// A line of the addresses that is not one.
#[derive(Debug, Clone, Serialize)]
pub struct LineError {
    /// Counted from 1, as the person sees the lines.
    pub line: usize,
    pub address: String,
    /// The Fluent key.
    pub key: &'static str,
}

/// What is wrong with the form: the whole field's mistakes (field → Fluent key), and each bad line.
#[derive(Debug, Default, Clone, Serialize)]
pub struct DigestErrors {
    pub fields: FieldErrors,
    pub lines: Vec<LineError>,
}

impl DigestErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.lines.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DigestError {
    #[error("invalid digest settings")]
    Invalid(DigestErrors),
    #[error("template: {0}")]
    Template(String),
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// The addresses of `typed`, one a line, trimmed and without repeats (the same mailbox written
/// twice counts once), or what is wrong with them.
pub fn check_recipients(typed: &str, enabled: bool) -> Result<Vec<String>, DigestErrors> {
    let mut errors = DigestErrors::default();
    let mut seen = HashSet::new();
    let mut addresses = Vec::new();
    for (n, line) in typed.lines().enumerate() {
        let address = line.trim();
        if address.is_empty() {
            continue;
        }
        let key = if crate::domain::text::has_control(address) {
            Some(crate::domain::text::CONTROL_CHARACTERS)
        } else if address.len() > ADDRESS_MAX || !address.validate_email() {
            Some("digest-address-invalid")
        } else {
            None
        };
        if let Some(key) = key {
            errors.lines.push(LineError {
                line: n + 1,
                address: address.chars().take(80).collect(),
                key,
            });
        } else if seen.insert(address::canonical(address)) {
            addresses.push(address.to_string());
        }
    }
    if addresses.len() > MAX_RECIPIENTS {
        errors
            .fields
            .insert("recipients", "digest-recipients-too-many");
    } else if enabled && addresses.is_empty() && errors.lines.is_empty() {
        errors
            .fields
            .insert("recipients", "digest-recipients-missing");
    }
    if errors.is_empty() {
        Ok(addresses)
    } else {
        Err(errors)
    }
}

/// The digest settings of `petition_id`, if they were ever saved.
pub async fn of_petition<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
) -> Result<Option<petition_digest::Model>, DbErr> {
    petition_digest::Entity::find_by_id(petition_id)
        .one(conn)
        .await
}

/// The most recent sending hour at or before `now`: today's at `hour` UTC, or yesterday's.
pub fn last_slot(now: OffsetDateTime, hour: u8) -> OffsetDateTime {
    let at = Time::from_hms(hour.min(23), 0, 0).unwrap_or(Time::MIDNIGHT);
    let today = now.to_offset(time::UtcOffset::UTC).replace_time(at);
    if today <= now {
        today
    } else {
        today - Duration::days(1)
    }
}

/// Saves the digest settings of `located` as `user_id` typed them (the caller checked that they may
/// set it, `permission::SET_DIGEST`). Naming the signers needs `permission::DIGEST_NAMES` too: a
/// member without it cannot turn the names on, and leaves them as they were. `locale` is the
/// language of the person saving, which an organization's digest is written in. Turning the digest
/// on reports from the last sending hour, so that the first one covers a whole day.
pub async fn save(
    db: &DatabaseConnection,
    located: &Located,
    user_id: i32,
    input: &DigestInput,
    locale: &str,
    hour: u8,
) -> Result<petition_digest::Model, DigestError> {
    let petition_id = located.petition.id;
    let current = of_petition(db, petition_id).await?;
    let names_before = current.as_ref().is_some_and(|d| d.include_names);
    let may_name = permission::may_name_signers_in_digest(db, user_id, &located.petition).await?;
    let (addresses, mut errors) = match check_recipients(&input.recipients, input.enabled) {
        Ok(addresses) => (addresses.join("\n"), DigestErrors::default()),
        Err(errors) => (String::new(), errors),
    };
    if !may_name && input.include_names && !names_before {
        errors
            .fields
            .insert("include_names", "digest-names-forbidden");
    }
    if !errors.is_empty() {
        return Err(DigestError::Invalid(errors));
    }
    // Without the right to see the signers, the names go on only to the addresses someone with it
    // chose: changing who receives the digest turns them off.
    let same_recipients = current.as_ref().is_some_and(|d| d.recipients == addresses);
    let include_names = if may_name {
        input.include_names
    } else {
        names_before && same_recipients
    };
    let now = crate::domain::now();
    let slot = last_slot(now, hour);
    let txn = crate::db::begin_write(db).await?;
    let saved = match current {
        None => {
            petition_digest::ActiveModel {
                petition_id: Set(petition_id),
                enabled: Set(input.enabled),
                recipients: Set(addresses),
                include_names: Set(include_names),
                locale: Set(Some(locale.to_string())),
                sent_until: Set(slot),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(&txn)
            .await?
        }
        Some(row) => {
            let mut active: petition_digest::ActiveModel = row.clone().into();
            if input.enabled && !row.enabled {
                // Back on: what was confirmed while it was off is not owed; the day it was last
                // sent is not sent again.
                active.sent_until = Set(row.sent_until.max(slot));
            }
            active.enabled = Set(input.enabled);
            active.recipients = Set(addresses);
            active.include_names = Set(include_names);
            active.locale = Set(Some(locale.to_string()));
            active.updated_at = Set(now);
            active.update(&txn).await?
        }
    };
    txn.commit().await?;
    Ok(saved)
}

/// A signer as the digest names them.
#[derive(Debug, Clone, Serialize)]
pub struct NamedSigner {
    pub name: String,
    /// City and organization, when the petition asks for them and the signer gave them.
    pub details: Option<String>,
}

/// What one petition's digest holds.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub new: u64,
    pub total: i64,
    /// Empty when the names are not asked for, or the signers were anonymized.
    pub names: Vec<NamedSigner>,
    /// The new signers beyond `NAMES_MAX`, when named.
    pub more: u64,
}

/// Signatures of `petition_id` confirmed in `[from, to)`: withdrawn ones are gone from the table,
/// unconfirmed and held ones have no confirmation time.
fn confirmed_between(
    petition_id: i32,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> sea_orm::Select<signature::Entity> {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(petition_id))
        .filter(signature::Column::ConfirmedAt.gte(from))
        .filter(signature::Column::ConfirmedAt.lt(to))
}

async fn report<C: ConnectionTrait>(
    conn: &C,
    located: &Located,
    include_names: bool,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> Result<Report, DbErr> {
    let p = &located.petition;
    let new = confirmed_between(p.id, from, to).count(conn).await?;
    let mut names = Vec::new();
    if include_names && p.anonymized_at.is_none() && new > 0 {
        let fields = SignatureFields::of(p);
        let rows = confirmed_between(p.id, from, to)
            .order_by_asc(signature::Column::ConfirmedAt)
            .order_by_asc(signature::Column::Id)
            // A signer anonymized while the job runs has no address left, and no name.
            .filter(signature::Column::Email.like("%@%"))
            .limit(NAMES_MAX)
            .all(conn)
            .await?;
        for s in rows {
            let mut details = Vec::new();
            if fields.city != FieldRule::Off
                && let Some(city) = s.city.as_deref().filter(|c| !c.is_empty())
            {
                details.push(city.to_string());
            }
            if fields.organization != FieldRule::Off
                && let Some(org) = s.organization.as_deref().filter(|o| !o.is_empty())
            {
                details.push(org.to_string());
            }
            names.push(NamedSigner {
                name: format!("{} {}", s.first_name, s.last_name)
                    .trim()
                    .to_string(),
                details: (!details.is_empty()).then(|| details.join(", ")),
            });
        }
    }
    let more = if names.is_empty() {
        0
    } else {
        new.saturating_sub(names.len() as u64)
    };
    Ok(Report {
        new,
        total: located.signature_count(),
        names,
        more,
    })
}

/// The language of a petition's digest: its owner's, for a person's own petition; for an
/// organization's, that of whoever last saved the digest; else the site's default.
fn language(letterhead: &Letterhead, located: &Located, row: &petition_digest::Model) -> Lang {
    let owner = match &located.owner {
        Owner::User(u) => u.locale.as_deref(),
        Owner::Organization(_) => None,
    };
    owner
        .or(row.locale.as_deref())
        .and_then(Lang::shipped)
        .or_else(|| Lang::shipped(&letterhead.live.get().default_language))
        .unwrap_or_else(Lang::source)
}

/// The digest mail of `located` to `to`.
pub fn letter(
    letterhead: &Letterhead,
    located: &Located,
    report: &Report,
    lang: &Lang,
    since: OffsetDateTime,
    to: &str,
) -> Result<Outgoing, DigestError> {
    let id = located.petition.id;
    let stop_url = format!(
        "{}{}",
        letterhead.public_url,
        stop_path(&letterhead.unsubscribe_key, id, to)
    );
    let since = crate::domain::instant_text(since);
    let context = serde_json::json!({
        "site_name": letterhead.live.get().site_name,
        "title": located.petition.title,
        "owner": located.owner.name(),
        "new": report.new,
        "new_text": lang.grouped(i64::try_from(report.new).unwrap_or(i64::MAX)),
        "total": report.total,
        "total_text": lang.grouped(report.total),
        "since": since,
        "names": report.names,
        "more": report.more,
        "url": format!("{}{}", letterhead.public_url, located.path()),
        "signatures_url": format!("{}/petitions/{id}/signatures", letterhead.public_url),
        "settings_url": format!("{}/petitions/{id}/digest", letterhead.public_url),
        "stop_url": stop_url,
    });
    let subject = lang.t_args(
        "digest-mail-subject",
        &[
            ("title", located.petition.title.clone().into()),
            ("count", report.new.into()),
            (
                "shown",
                lang.grouped(i64::try_from(report.new).unwrap_or(i64::MAX))
                    .into(),
            ),
        ],
    );
    let mut mail = Outgoing::compose(&letterhead.templates, "digest", lang, subject, to, &context)
        .map_err(|e| DigestError::Template(crate::error::describe_chain(&e)))?;
    mail.petition_id = Some(id);
    // The confirmation links signers wait for go first.
    mail.priority = Priority::Bulk;
    mail.list_unsubscribe = Some(stop_url);
    Ok(mail)
}

/// The MAC of the link that takes `to` off the digest of `petition_id`.
fn stop_mac(key: &[u8; 32], petition_id: i32, to: &str) -> String {
    crate::domain::token::keyed_hash(
        key,
        &format!("digest stop {petition_id} {}", to.trim().to_lowercase()),
    )
}

/// The path of the link, in each digest mail, that takes its recipient off the digest: signed
/// with the instance's key, so that nobody can take someone else off by guessing. It shows a
/// button; the button, or a mail client's one-click POST (RFC 8058), does it (`stop`).
pub fn stop_path(key: &[u8; 32], petition_id: i32, to: &str) -> String {
    let mac = stop_mac(key, petition_id, to);
    let to = percent_encoding::utf8_percent_encode(to.trim(), percent_encoding::NON_ALPHANUMERIC);
    format!("/petitions/{petition_id}/digest/stop/{mac}?to={to}")
}

/// Whether `given` is the MAC of the link that takes `to` off the digest of `petition_id`.
pub fn stop_link_valid(key: &[u8; 32], petition_id: i32, to: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    stop_mac(key, petition_id, to)
        .as_bytes()
        .ct_eq(given.as_bytes())
        .into()
}

/// Whether `to` still receives the digest of `petition_id`.
pub async fn receives<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    to: &str,
) -> Result<bool, DbErr> {
    Ok(of_petition(conn, petition_id).await?.is_some_and(|d| {
        d.recipients
            .lines()
            .any(|line| line.trim().eq_ignore_ascii_case(to.trim()))
    }))
}

/// Drops the digest of `petition_id` (its petition changed hands), in the caller's transaction.
pub async fn forget<C: ConnectionTrait>(conn: &C, petition_id: i32) -> Result<(), DbErr> {
    petition_digest::Entity::delete_by_id(petition_id)
        .exec(conn)
        .await?;
    Ok(())
}

/// Takes `to` off the digest of `petition_id`; the digest stops when nobody is left. Doing it twice
/// changes nothing.
pub async fn stop(db: &DatabaseConnection, petition_id: i32, to: &str) -> Result<(), DbErr> {
    let txn = crate::db::begin_write(db).await?;
    if let Some(row) = of_petition(&txn, petition_id).await? {
        let left: Vec<&str> = row
            .recipients
            .lines()
            .filter(|line| !line.trim().eq_ignore_ascii_case(to.trim()))
            .collect();
        if left.len() != row.recipients.lines().count() {
            let enabled = row.enabled && !left.is_empty();
            let recipients = left.join("\n");
            let mut active: petition_digest::ActiveModel = row.into();
            active.recipients = Set(recipients);
            active.enabled = Set(enabled);
            active.updated_at = Set(crate::domain::now());
            active.update(&txn).await?;
        }
    }
    txn.commit().await
}

/// What sending one petition's digest did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sending {
    /// Not due, or another instance sent it.
    NotDue,
    /// Claimed, but nothing new was confirmed: no mail.
    NothingNew,
    /// Claimed, and this many mails queued.
    Queued(u64),
}

/// Sends the digest of `petition_id` if it is due at `now`: claims the day and queues its mails in
/// one transaction.
pub async fn send(
    db: &DatabaseConnection,
    letterhead: &Letterhead,
    petition_id: i32,
    now: OffsetDateTime,
    hour: u8,
) -> Result<Sending, DigestError> {
    let slot = last_slot(now, hour);
    let until = (now - SETTLE).max(slot);
    let txn = crate::db::begin_write(db).await?;
    let Some(row) = of_petition(&txn, petition_id).await? else {
        return Ok(Sending::NotDue);
    };
    if !row.enabled || row.sent_until >= slot {
        return Ok(Sending::NotDue);
    }
    let claimed = petition_digest::Entity::update_many()
        .col_expr(petition_digest::Column::SentUntil, Expr::value(until))
        .filter(petition_digest::Column::PetitionId.eq(petition_id))
        .filter(petition_digest::Column::Enabled.eq(true))
        .filter(petition_digest::Column::SentUntil.lt(slot))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Sending::NotDue);
    }
    // A petition the public cannot see (unpublished, hidden by the moderators) has its day claimed
    // and nothing sent.
    let Some(located) = petition::find(&txn, petition_id)
        .await?
        .filter(Located::is_public)
    else {
        txn.commit().await?;
        return Ok(Sending::NothingNew);
    };
    let report = report(&txn, &located, row.include_names, row.sent_until, until).await?;
    if report.new == 0 {
        txn.commit().await?;
        return Ok(Sending::NothingNew);
    }
    let lang = language(letterhead, &located, &row);
    let mut queued = 0;
    for to in row.recipients.lines().filter(|l| !l.trim().is_empty()) {
        let mail = letter(
            letterhead,
            &located,
            &report,
            &lang,
            row.sent_until,
            to.trim(),
        )?;
        if queue::enqueue(&txn, mail, &letterhead.postmark)
            .await?
            .is_some()
        {
            queued += 1;
        }
    }
    txn.commit().await?;
    Ok(Sending::Queued(queued))
}

/// The petitions whose digest is due at `now`.
pub async fn due<C: ConnectionTrait>(
    conn: &C,
    now: OffsetDateTime,
    hour: u8,
) -> Result<Vec<i32>, DbErr> {
    petition_digest::Entity::find()
        .select_only()
        .column(petition_digest::Column::PetitionId)
        .filter(petition_digest::Column::Enabled.eq(true))
        .filter(petition_digest::Column::SentUntil.lt(last_slot(now, hour)))
        .order_by_asc(petition_digest::Column::PetitionId)
        .into_tuple()
        .all(conn)
        .await
}

/// Sends every digest due at `now`. How many mails were queued.
pub async fn send_due(
    db: &DatabaseConnection,
    letterhead: &Letterhead,
    now: OffsetDateTime,
    hour: u8,
) -> Result<u64, DigestError> {
    let mut total = 0;
    for petition_id in due(db, now, hour).await? {
        match send(db, letterhead, petition_id, now, hour).await {
            Ok(Sending::Queued(n)) => {
                tracing::info!(petition = petition_id, mails = n, "daily digest queued");
                total += n;
            }
            Ok(_) => {}
            // One petition's fault (a broken template override, say) does not hold up the others.
            Err(DigestError::Template(e)) => {
                tracing::warn!(petition = petition_id, error = %e, "cannot write a daily digest");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(total)
}

/// Sends the digests as they fall due, every `every`, until the application stops.
pub async fn run(
    db: DatabaseConnection,
    letterhead: Letterhead,
    hour: u8,
    every: std::time::Duration,
    mail_wake: Wake,
    mut shutdown: rocket::Shutdown,
) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(every) => {}
        }
        match send_due(&db, &letterhead, crate::domain::now(), hour).await {
            Ok(0) => {}
            Ok(_) => mail_wake.notify(),
            Err(e) => tracing::warn!(error = %e, "cannot send the daily digests now; trying again"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_one_a_line_checked_each_and_counted_once() {
        let ok = check_recipients(
            " ann@example.org \n\nANN@example.org\nbob@example.org",
            true,
        )
        .expect("valid");
        assert_eq!(ok, ["ann@example.org", "bob@example.org"]);
        let bad =
            check_recipients("ann@example.org\nnot an address\nbob@", true).expect_err("invalid");
        let lines: Vec<usize> = bad.lines.iter().map(|l| l.line).collect();
        assert_eq!(lines, [2, 3]);
        assert_eq!(bad.lines[0].key, "digest-address-invalid");
        let many: String = (0..=MAX_RECIPIENTS)
            .map(|i| format!("p{i}@example.org\n"))
            .collect();
        let refused = check_recipients(&many, false).expect_err("too many");
        assert_eq!(
            refused.fields.get("recipients"),
            Some(&"digest-recipients-too-many")
        );
        let empty = check_recipients("  \n", true).expect_err("none");
        assert_eq!(
            empty.fields.get("recipients"),
            Some(&"digest-recipients-missing")
        );
        assert!(check_recipients("", false).is_ok());
    }

    #[test]
    fn the_sending_hour_is_today_once_passed_else_yesterday() {
        let at = |s: &str| {
            OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).expect("time")
        };
        assert_eq!(
            last_slot(at("2026-11-30T07:30:00Z"), 6),
            at("2026-11-30T06:00:00Z")
        );
        assert_eq!(
            last_slot(at("2026-11-30T05:59:00Z"), 6),
            at("2026-11-29T06:00:00Z")
        );
        assert_eq!(
            last_slot(at("2026-11-30T06:00:00Z"), 6),
            at("2026-11-30T06:00:00Z")
        );
    }
}
