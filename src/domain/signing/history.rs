//! The history of a petition's count (F6.4): confirmed signatures per UTC day, for the dashboard's
//! chart and the public `/api/petitions/<id>/history`.
//!
//! Every confirmed signature entering or leaving the count goes through `Changes`, which moves the
//! count (`counter`) and the day together, in the caller's transaction, so the two never disagree.
//! Like the count, a day is kept in a few shard rows (`petition_daily_counts`) chosen at random, so
//! that concurrent confirmations of a busy petition rarely wait on one row; a day's figure is the
//! sum of its shards. A signature that leaves (withdrawn by its signer, deleted by the organizers)
//! is taken off the day it was *confirmed*, not the day it left: a day's figure is how many of
//! that day's confirmations still count, no day goes below zero, and the days always add up to
//! the petition's confirmed count. A deleted petition takes its days with it (foreign key).
use std::collections::{BTreeMap, HashMap};

use rand::RngExt;
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use super::counter::{self, SHARDS};
use crate::domain::petitions::petition::Located;

/// Bars a chart shows at most: beyond, days are grouped by week, then by month.
pub const MAX_BARS: usize = 120;

/// The UTC day of a moment.
pub fn utc_day(at: OffsetDateTime) -> Date {
    at.to_offset(UtcOffset::UTC).date()
}

/// Confirmed signatures entering (+1) or leaving (−1) the count, by petition and day of
/// confirmation; `apply` writes them all, in the caller's transaction.
#[derive(Debug, Default)]
pub struct Changes {
    days: BTreeMap<(i32, Date), i64>,
}

impl Changes {
    pub fn new() -> Changes {
        Changes::default()
    }

    /// A signature of `petition_id` confirmed at `at`.
    pub fn confirmed(&mut self, petition_id: i32, at: OffsetDateTime) {
        *self.days.entry((petition_id, utc_day(at))).or_default() += 1;
    }

    /// A signature of `petition_id` confirmed at `confirmed_at` leaves the count.
    pub fn removed(&mut self, petition_id: i32, confirmed_at: OffsetDateTime) {
        *self
            .days
            .entry((petition_id, utc_day(confirmed_at)))
            .or_default() -= 1;
    }

    /// Moves each petition's count and its days, in `conn`'s transaction.
    pub async fn apply<C: ConnectionTrait>(self, conn: &C) -> Result<(), DbErr> {
        let mut per_petition: BTreeMap<i32, i64> = BTreeMap::new();
        for ((petition_id, day), n) in &self.days {
            if *n == 0 {
                continue;
            }
            *per_petition.entry(*petition_id).or_default() += n;
            add_to_day(conn, *petition_id, *day, *n).await?;
        }
        for (petition_id, n) in per_petition {
            if n != 0 {
                counter::add_confirmed(conn, petition_id, n).await?;
            }
        }
        Ok(())
    }
}

async fn add_to_day<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    day: Date,
    n: i64,
) -> Result<(), DbErr> {
    let shard = rand::rng().random_range(0..SHARDS);
    conn.execute_raw(counter::statement(
        conn.get_database_backend(),
        "INSERT INTO petition_daily_counts (petition_id, day, shard, confirmed) VALUES (?, ?, ?, ?) \
         ON CONFLICT (petition_id, day, shard) DO UPDATE \
         SET confirmed = petition_daily_counts.confirmed + excluded.confirmed",
        vec![petition_id.into(), day.into(), shard.into(), n.into()],
    ))
    .await?;
    Ok(())
}

/// One day on which signatures were confirmed: how many of them still count, and the count at the
/// end of that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub confirmed: i64,
    pub total: i64,
}

/// The days of `petition_id` with confirmed signatures that still count, oldest first.
pub async fn days<C: ConnectionTrait>(conn: &C, petition_id: i32) -> Result<Vec<Day>, DbErr> {
    let mut total = 0;
    Ok(sums(conn, petition_id)
        .await?
        .into_iter()
        .map(|(date, confirmed)| {
            total += confirmed;
            Day {
                date: date.to_string(),
                confirmed,
                total,
            }
        })
        .collect())
}

/// The days of petition `id` when the public may see it (`Located::is_public`), else `None`.
pub async fn public_days<C: ConnectionTrait>(conn: &C, id: i32) -> Result<Option<Vec<Day>>, DbErr> {
    match crate::domain::petitions::petition::find(conn, id).await? {
        Some(located) if located.is_public() => Ok(Some(days(conn, id).await?)),
        _ => Ok(None),
    }
}

/// Day → confirmed signatures, days at zero left out.
async fn sums<C: ConnectionTrait>(conn: &C, petition_id: i32) -> Result<Vec<(Date, i64)>, DbErr> {
    let rows = conn
        .query_all_raw(counter::statement(
            conn.get_database_backend(),
            "SELECT day, CAST(SUM(confirmed) AS BIGINT) AS confirmed FROM petition_daily_counts \
             WHERE petition_id = ? GROUP BY day ORDER BY day",
            vec![petition_id.into()],
        ))
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let confirmed: i64 = row.try_get("", "confirmed")?;
        if confirmed != 0 {
            out.push((row.try_get::<Date>("", "day")?, confirmed));
        }
    }
    Ok(out)
}

/// How a chart groups the days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    /// Weeks starting on Monday.
    Week,
    Month,
}

/// One bar: the period starting on `start`, its confirmed signatures, the count at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// `YYYY-MM-DD`, the first day of the period.
    pub start: String,
    pub confirmed: i64,
    pub total: i64,
}

/// A petition's campaign as a chart shows it: from its creation (or first confirmed signature)
/// to today, or to its closing day once closed, at most `MAX_BARS` bars.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub period: Period,
    pub first: String,
    pub last: String,
    pub buckets: Vec<Bucket>,
    /// Confirmed signatures that count: the last bucket's total.
    pub total: i64,
    /// The most confirmed in one bar.
    pub busiest: i64,
}

/// The timeline of `located` (one query).
pub async fn timeline<C: ConnectionTrait>(conn: &C, located: &Located) -> Result<Timeline, DbErr> {
    let sums = sums(conn, located.petition.id).await?;
    let p = &located.petition;
    let today = utc_day(crate::domain::now());
    // A deadline at midnight closes the petition at the end of the day before.
    let closing = p
        .deadline
        .filter(|d| *d <= crate::domain::now())
        .map(|d| utc_day(d - Duration::nanoseconds(1)));
    let mut first = utc_day(p.created_at);
    let mut last = closing.unwrap_or(today).max(first);
    if let (Some((earliest, _)), Some((latest, _))) = (sums.first(), sums.last()) {
        first = first.min(*earliest);
        last = last.max(*latest);
    }
    Ok(group(&sums, first, last))
}

/// The days from `first` to `last` (inclusive) in bars of a day, a week or a month: the shortest
/// period that needs no more than `MAX_BARS` bars.
pub fn group(sums: &[(Date, i64)], first: Date, last: Date) -> Timeline {
    let span = (last - first).whole_days() + 1;
    let period = if span <= MAX_BARS as i64 {
        Period::Day
    } else if span <= 7 * MAX_BARS as i64 - 6 {
        Period::Week
    } else {
        Period::Month
    };
    let start_of = |d: Date| match period {
        Period::Day => d,
        Period::Week => d - Duration::days(i64::from(d.weekday().number_days_from_monday())),
        Period::Month => d.replace_day(1).unwrap_or(d),
    };
    let by_day: HashMap<Date, i64> = sums.iter().copied().collect();
    let mut buckets: Vec<Bucket> = Vec::new();
    let mut current: Option<Date> = None;
    let mut total = 0;
    let mut day = first;
    while day <= last {
        let start = start_of(day);
        if current != Some(start) {
            current = Some(start);
            buckets.push(Bucket {
                start: start.to_string(),
                confirmed: 0,
                total,
            });
        }
        let n = by_day.get(&day).copied().unwrap_or(0);
        total += n;
        if let Some(bucket) = buckets.last_mut() {
            bucket.confirmed += n;
            bucket.total = total;
        }
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    Timeline {
        period,
        first: first.to_string(),
        last: last.to_string(),
        busiest: buckets.iter().map(|b| b.confirmed).max().unwrap_or(0),
        total,
        buckets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_short_campaign_has_a_bar_a_day_and_a_running_total() {
        let t = group(
            &[(date!(2026 - 11 - 02), 3), (date!(2026 - 11 - 04), 2)],
            date!(2026 - 11 - 01),
            date!(2026 - 11 - 05),
        );
        assert_eq!(t.period, Period::Day);
        let bars: Vec<(i64, i64)> = t.buckets.iter().map(|b| (b.confirmed, b.total)).collect();
        assert_eq!(bars, [(0, 0), (3, 3), (0, 3), (2, 5), (0, 5)]);
        assert_eq!((t.total, t.busiest), (5, 3));
    }

    #[test]
    fn a_long_campaign_is_grouped_by_monday_weeks_then_by_months() {
        let first = date!(2026 - 01 - 01);
        let t = group(
            &[(first, 1), (date!(2026 - 06 - 30), 4)],
            first,
            date!(2026 - 06 - 30),
        );
        assert_eq!(t.period, Period::Week);
        assert!(t.buckets.len() <= MAX_BARS);
        // 2026-01-01 is a Thursday: its week starts on Monday 2025-12-29.
        assert_eq!(t.buckets[0].start, "2025-12-29");
        assert_eq!(
            t.buckets.last().map(|b| (b.confirmed, b.total)),
            Some((4, 5))
        );
        let t = group(&[], date!(2020 - 01 - 15), date!(2026 - 01 - 01));
        assert_eq!(t.period, Period::Month);
        assert_eq!(t.buckets[0].start, "2020-01-01");
        assert!(t.buckets.len() <= MAX_BARS);
    }
}
