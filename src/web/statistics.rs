//! A petition's figures over time (F6.4, F6.7): the chart the signatures page shows its organizers,
//! the public history as JSON, and the count badge other sites embed as an image.
//!
//! The chart is an SVG drawn on the server, inline in the page (nothing loads from elsewhere, no
//! script): bars of confirmed signatures per day (per week or month for long campaigns,
//! `history::MAX_BARS`), the running total as a line, the goal as a dashed line. Bars and total
//! have scales of their own, whose tops are written above the chart in HTML, as are the first and
//! last dates below it: text inside a scaled SVG would shrink to nothing on a phone. The SVG holds
//! no text to keep in proportion, so the stylesheet gives it the page's width and a height of its
//! own (`preserveAspectRatio="none"`, strokes that do not scale). The same numbers are in a table
//! under it. The JSON and the badge exist only for petitions the public may
//! see; the JSON goes through the page cache like the other public documents.
use rocket::http::{ContentType, Header};
use rocket::{Responder, Route, State, get, routes};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;

use super::cache::{self, Cached, JsonKey, PageCache};
use crate::Site;
use crate::domain::signing::history::{self, Period, Timeline};
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![history_json, badge]
}

/// The chart's drawing area, in SVG units (the SVG is as wide as the page).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 240.0;
/// Room above the highest point for the line's thickness.
const TOP: f64 = 6.0;
/// The x axis; below it, room for its thickness.
const BASELINE: f64 = HEIGHT - 2.0;

/// One bar, in SVG units; only periods with confirmed signatures have one.
#[derive(Debug, Serialize)]
struct Bar {
    x: String,
    y: String,
    width: String,
    height: String,
    start: String,
    confirmed: i64,
}

/// One row of the table under the chart.
#[derive(Debug, Serialize)]
struct Row {
    label: String,
    confirmed: i64,
    total: i64,
}

/// What the chart template draws.
#[derive(Debug, Serialize)]
pub struct Chart {
    width: f64,
    height: f64,
    top: f64,
    baseline: f64,
    period: Period,
    first: String,
    last: String,
    total: i64,
    /// The top of the bars' scale, and of the total's (the goal when it is higher).
    busiest: i64,
    busiest_start: String,
    scale_total: i64,
    /// Whether the top of the total's scale is the goal (not reached yet) rather than the total.
    scale_is_goal: bool,
    bars: Vec<Bar>,
    /// The running total, as the `points` of a polyline.
    line: String,
    goal: Option<i32>,
    goal_y: Option<String>,
    /// Signatures on paper, which have no day: the chart leaves them out and says so.
    paper: i32,
    rows: Vec<Row>,
}

fn units(v: f64) -> String {
    format!("{v:.2}")
}

/// The chart of `timeline` with the petition's `goal` and its signatures on `paper`; `None` when
/// no signature online counts yet.
pub fn chart(timeline: &Timeline, goal: Option<i32>, paper: i32) -> Option<Chart> {
    if timeline.busiest <= 0 {
        return None;
    }
    let n = timeline.buckets.len().max(1) as f64;
    let slot = WIDTH / n;
    // A gap between bars while they are wide enough to spare one.
    let bar_width = if slot >= 4.0 { slot * 0.8 } else { slot };
    let plot = BASELINE - TOP;
    let busiest = timeline.busiest;
    let goal = goal.filter(|g| *g > 0);
    let highest_total = timeline.buckets.iter().map(|b| b.total).max().unwrap_or(0);
    let scale_total = highest_total.max(goal.map_or(0, i64::from)).max(1);
    let total_y = |total: i64| BASELINE - plot * (total.max(0) as f64) / (scale_total as f64);
    let bars = timeline
        .buckets
        .iter()
        .enumerate()
        .filter(|(_, b)| b.confirmed > 0)
        .map(|(i, b)| {
            let height = plot * (b.confirmed as f64) / (busiest as f64);
            Bar {
                x: units(i as f64 * slot + (slot - bar_width) / 2.0),
                y: units(BASELINE - height),
                width: units(bar_width),
                height: units(height),
                start: b.start.clone(),
                confirmed: b.confirmed,
            }
        })
        .collect();
    let mut points = vec![format!("0,{}", units(BASELINE))];
    points.extend(timeline.buckets.iter().enumerate().map(|(i, b)| {
        format!(
            "{},{}",
            units((i + 1) as f64 * slot),
            units(total_y(b.total))
        )
    }));
    let label = |start: &str| match timeline.period {
        Period::Month => start.get(..7).unwrap_or(start).to_string(),
        Period::Day | Period::Week => start.to_string(),
    };
    Some(Chart {
        width: WIDTH,
        height: HEIGHT,
        top: TOP,
        baseline: BASELINE,
        period: timeline.period,
        first: label(&timeline.first),
        last: label(&timeline.last),
        total: timeline.total,
        busiest,
        busiest_start: timeline
            .buckets
            .iter()
            .find(|b| b.confirmed == busiest)
            .map(|b| label(&b.start))
            .unwrap_or_default(),
        scale_total,
        scale_is_goal: goal.is_some_and(|g| i64::from(g) > highest_total),
        bars,
        line: points.join(" "),
        goal,
        goal_y: goal.map(|g| units(total_y(i64::from(g)))),
        paper: paper.max(0),
        rows: timeline
            .buckets
            .iter()
            .map(|b| Row {
                label: label(&b.start),
                confirmed: b.confirmed,
                total: b.total,
            })
            .collect(),
    })
}

/// The public history of a petition: its days with confirmed signatures, each with the total at
/// its end. Nothing about the signers.
#[get("/api/petitions/<id>/history")]
async fn history_json(
    id: i32,
    key: JsonKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let days = history::public_days(db.inner(), id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(cache.json(ticket, Some(id), &json!({ "petition": id, "days": days })))
}

#[derive(Responder)]
struct Svg {
    body: String,
    content_type: ContentType,
    cache: Header<'static>,
    vary: Header<'static>,
}

/// The badge's size, in pixels: its text is estimated at this width per character.
const BADGE_CHAR_WIDTH: f64 = 6.2;
const BADGE_PADDING: f64 = 8.0;

/// "1,234 signatures" as an image, in the reader's language: the public count (online and on
/// paper), as recent as the page cache's petition, kept a minute by browsers and proxies.
#[get("/petitions/<id>/badge.svg")]
async fn badge(
    id: i32,
    lang: Lang,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Svg> {
    let located = cache
        .petition(db.inner(), id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)?;
    let count = located.signature_count();
    let text = lang.t_args(
        "history-badge",
        &[
            ("count", count.into()),
            ("shown", lang.grouped(count).into()),
        ],
    );
    let text_width = (text.chars().count() as f64 * BADGE_CHAR_WIDTH).ceil();
    let body = site.templates.render(
        "petition/badge",
        "svg",
        &json!({
            "lang": lang.code(),
            "text": text,
            "text_width": text_width,
            "width": text_width + 2.0 * BADGE_PADDING,
            "x": BADGE_PADDING,
        }),
    )?;
    Ok(Svg {
        body,
        content_type: ContentType::SVG,
        cache: Header::new("Cache-Control", "public, max-age=60"),
        vary: Header::new("Vary", "Accept-Language, Cookie"),
    })
}
