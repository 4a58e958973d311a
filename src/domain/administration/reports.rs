//! Reports of petitions (F8.2): anyone, with or without an account, may report a public petition
//! with one of the reasons the administrators offer (`site_settings`: some of `Reason::ALL` and
//! reasons of their own) and an optional comment. A report is counted against the
//! per-client and per-petition limits of `abuse::attempts` (shared by every instance); one client
//! reporting one petition again while its first report is open, and a day old at most, adds
//! nothing. Whatever happened, the reporter is told the same: they learn nothing of other reports,
//! nor of the limits.
use std::net::IpAddr;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, SqlErr,
};
use serde::Serialize;

use super::site_settings::ReportReason;
use crate::config::Keys;
use crate::domain::abuse::attempts;
use crate::domain::people::account::FieldErrors;
use crate::entity::{petition, report};

/// Longest comment kept with a report, in characters.
pub const COMMENT_MAX: usize = 2000;

/// The built-in reasons to report a petition. Each has a Fluent key, `report-reason-<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Reason {
    Spam,
    Hate,
    Illegal,
    Impersonation,
    Other,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Spam,
        Reason::Hate,
        Reason::Illegal,
        Reason::Impersonation,
        Reason::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Reason::Spam => "spam",
            Reason::Hate => "hate",
            Reason::Illegal => "illegal",
            Reason::Impersonation => "impersonation",
            Reason::Other => "other",
        }
    }

    pub fn parse(name: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A report as typed into the form.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ReportInput {
    pub reason: String,
    pub comment: String,
}

/// The report to file — the reason's stored name and the comment — or the form's mistakes (field →
/// Fluent key). The reason must be one of those `offered`.
pub fn check(
    input: &ReportInput,
    offered: &[ReportReason],
) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let reason = offered
        .iter()
        .find(|r| r.name == input.reason.trim())
        .map(|r| r.name.clone());
    if reason.is_none() {
        errors.insert("reason", "report-reason-missing");
    }
    let comment = input.comment.trim().to_string();
    if comment.chars().count() > COMMENT_MAX {
        errors.insert("comment", "report-comment-too-long");
    }
    crate::domain::text::check(&mut errors, &[("comment", &comment)]);
    match reason {
        Some(reason) if errors.is_empty() => Ok((reason, comment)),
        _ => Err(errors),
    }
}

/// What became of a report; the reporter is told the same in every case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    Recorded,
    /// This client's earlier report of this petition is still open.
    Duplicate,
    /// Over a limit: not recorded.
    OverLimit,
    /// No such public petition.
    NotPublic,
}

/// Files a report of `petition_id` from `ip`.
pub async fn file(
    db: &DatabaseConnection,
    keys: &Keys,
    per_hour: u32,
    ip: Option<IpAddr>,
    petition_id: i32,
    reason: &str,
    comment: &str,
) -> Result<Filed, DbErr> {
    let public = petition::Entity::find_by_id(petition_id)
        .one(db)
        .await?
        .is_some_and(|p| p.published && !p.moderated);
    if !public {
        return Ok(Filed::NotPublic);
    }
    if !attempts::allow_report(db, keys, per_hour, ip, petition_id).await? {
        return Ok(Filed::OverLimit);
    }
    let key = attempts::reporter_key(keys, ip, petition_id);
    let inserted = report::ActiveModel {
        petition_id: Set(petition_id),
        reason: Set(reason.to_string()),
        comment: Set(comment.to_string()),
        reporter_key: Set(Some(key)),
        created_at: Set(crate::domain::now()),
        dismissed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await;
    match inserted {
        Ok(_) => Ok(Filed::Recorded),
        // The unique (petition, reporter) index: this client's open report is already there.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(Filed::Duplicate)
        }
        Err(e) => Err(e),
    }
}

/// Closes the open reports of `petition_id` (dismissed, or settled by hiding it) and forgets who
/// filed them, so that the same client may report the petition again later. Returns how many.
pub async fn close<C: ConnectionTrait>(conn: &C, petition_id: i32) -> Result<u64, DbErr> {
    Ok(report::Entity::update_many()
        .col_expr(
            report::Column::DismissedAt,
            Expr::value(Some(crate::domain::now())),
        )
        .col_expr(
            report::Column::ReporterKey,
            Expr::value(Option::<String>::None),
        )
        .filter(report::Column::PetitionId.eq(petition_id))
        .filter(report::Column::DismissedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// How long a report keeps its reporter's key: the same day as the client-address hashes
/// (`abuse::source::forget_old`), so that no report ties a client to a petition for longer.
const REPORTER_KEY_KEPT: time::Duration = time::Duration::days(1);

/// Erases the reporter's key of the reports filed more than a day ago, open or not: past that, the
/// same client reporting the petition again files a new report. Run by `signing::retention` at
/// start and hourly. Returns how many keys were erased.
pub async fn forget_old_reporters(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let cutoff = crate::domain::now() - REPORTER_KEY_KEPT;
    const BATCH: u64 = 1_000;
    crate::db::in_batches(db, BATCH, |txn| {
        Box::pin(async move {
            use sea_orm::QuerySelect;
            let ids: Vec<i32> = report::Entity::find()
                .select_only()
                .column(report::Column::Id)
                .filter(report::Column::ReporterKey.is_not_null())
                .filter(report::Column::CreatedAt.lt(cutoff))
                .limit(BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            if ids.is_empty() {
                return Ok((0, 0));
            }
            let erased = report::Entity::update_many()
                .col_expr(
                    report::Column::ReporterKey,
                    Expr::value(Option::<String>::None),
                )
                .filter(report::Column::Id.is_in(ids.clone()))
                .exec(txn)
                .await?;
            Ok((ids.len() as u64, erased.rows_affected))
        })
    })
    .await
}

/// A reason and how many reports of one petition gave it.
#[derive(Debug, Serialize)]
pub struct ReasonCount {
    pub reason: ReportReason,
    pub count: usize,
}

/// A reported petition as the moderation queue shows it.
#[derive(Debug, Serialize)]
pub struct Reported {
    pub petition_id: i32,
    pub title: String,
    pub path: String,
    pub hidden: bool,
    pub count: usize,
    /// The reasons given, each with how many reports gave it, most given first.
    pub reasons: Vec<ReasonCount>,
    /// The comments given, newest first.
    pub comments: Vec<String>,
    /// `YYYY-MM-DD HH:MM` UTC, of the newest report.
    pub latest: String,
}

/// The petitions with open reports, the most recently reported first.
pub async fn open<C: ConnectionTrait>(conn: &C) -> Result<Vec<Reported>, DbErr> {
    let rows = report::Entity::find()
        .filter(report::Column::DismissedAt.is_null())
        .order_by_desc(report::Column::CreatedAt)
        .order_by_desc(report::Column::Id)
        .all(conn)
        .await?;
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    let mut list: Vec<Reported> = Vec::new();
    for row in rows {
        let at = match list.iter().position(|r| r.petition_id == row.petition_id) {
            Some(at) => at,
            None => {
                let Some(located) =
                    crate::domain::petitions::petition::find(conn, row.petition_id).await?
                else {
                    continue;
                };
                list.push(Reported {
                    petition_id: row.petition_id,
                    title: located.petition.title.clone(),
                    path: located.path(),
                    hidden: located.petition.moderated,
                    count: 0,
                    reasons: Vec::new(),
                    comments: Vec::new(),
                    latest: row.created_at.format(&format).unwrap_or_default(),
                });
                list.len() - 1
            }
        };
        let entry = &mut list[at];
        entry.count += 1;
        let reason = ReportReason::from_name(&row.reason);
        match entry.reasons.iter_mut().find(|r| r.reason == reason) {
            Some(counted) => counted.count += 1,
            None => entry.reasons.push(ReasonCount { reason, count: 1 }),
        }
        if !row.comment.is_empty() {
            entry.comments.push(row.comment);
        }
    }
    for entry in &mut list {
        entry.reasons.sort_by_key(|r| std::cmp::Reverse(r.count));
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(reason: &str, comment: &str) -> ReportInput {
        ReportInput {
            reason: reason.into(),
            comment: comment.into(),
        }
    }

    #[test]
    fn a_report_needs_an_offered_reason_and_a_short_clean_comment() {
        let offered: Vec<ReportReason> = ["spam", "hate", "other", "custom:Off topic"]
            .iter()
            .map(|n| ReportReason::from_name(n))
            .collect();
        assert_eq!(
            check(&input("spam", "  Sells pills "), &offered),
            Ok(("spam".to_string(), "Sells pills".to_string()))
        );
        assert_eq!(
            check(&input("custom:Off topic", ""), &offered),
            Ok(("custom:Off topic".to_string(), String::new()))
        );
        for unknown in ["lies", "illegal", "custom:Anything"] {
            let refused = check(&input(unknown, ""), &offered).expect_err("not offered");
            assert_eq!(refused.get("reason"), Some(&"report-reason-missing"));
        }
        let long = "a".repeat(COMMENT_MAX + 1);
        let refused = check(&input("hate", &long), &offered).expect_err("too long");
        assert_eq!(refused.get("comment"), Some(&"report-comment-too-long"));
        let refused = check(&input("hate", "a\u{0}b"), &offered).expect_err("control character");
        assert_eq!(
            refused.get("comment"),
            Some(&crate::domain::text::CONTROL_CHARACTERS)
        );
    }

    #[test]
    fn every_reason_reads_back_from_its_name() {
        for reason in Reason::ALL {
            assert_eq!(Reason::parse(reason.name()), Some(reason));
        }
    }
}
