//! Numbers, dates and times as the reader's language writes them, and the instance's time zone.
//!
//! - Every number a Fluent message shows is written with the language's separators
//!   (`number-group-separator`, `number-decimal-separator`): "1,000" in English, "1 000" in French.
//!   Each bundle gets `number_formatter`; plurals still select on the number itself.
//! - A day is written by the message `date-long` ("31 January 2027", "31 janvier 2027"), a time of
//!   day by `time-of-day` ("23:59", "23 h 59"): translators choose the order and the month names.
//! - Instants are shown, and closing dates read, in the instance's time zone (`time_zone`, by
//!   default the server's): a petition closing on 31 January closes at 23:59:59 there.
use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use chrono::{Offset, TimeZone};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::fluent_bundle::memoizer::MemoizerKind;
use time::{Date, OffsetDateTime, UtcOffset};
use unic_langid::LanguageIdentifier;

use super::Lang;

/// The time zone deadlines are read and instants shown in (`time_zone`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(chrono_tz::Tz);

impl Default for Zone {
    fn default() -> Self {
        Zone(chrono_tz::Tz::UTC)
    }
}

impl Zone {
    /// The zone of an IANA name such as `Europe/Paris` or `UTC`.
    pub fn named(name: &str) -> Option<Zone> {
        name.trim().parse::<chrono_tz::Tz>().ok().map(Zone)
    }

    /// The server's own zone: `TZ` when it names one, else the system's setting, else UTC.
    pub fn of_server() -> Zone {
        std::env::var("TZ")
            .ok()
            .and_then(|tz| Zone::named(tz.trim_start_matches(':')))
            .or_else(|| {
                iana_time_zone::get_timezone()
                    .ok()
                    .and_then(|n| Zone::named(&n))
            })
            .unwrap_or_default()
    }

    /// Its IANA name, e.g. `Europe/Paris`.
    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    /// The instant `at` with the zone's offset at that instant.
    pub fn local(&self, at: OffsetDateTime) -> OffsetDateTime {
        let seconds = chrono::DateTime::from_timestamp(at.unix_timestamp(), 0)
            .map(|utc| self.0.offset_from_utc_datetime(&utc.naive_utc()).fix())
            .map_or(0, |offset| offset.local_minus_utc());
        at.to_offset(UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC))
    }

    /// The last second of `day` in the zone (23:59:59 there; its UTC equivalent when that moment
    /// does not exist there, which only a skipped day can cause).
    pub fn end_of_day(&self, day: Date) -> OffsetDateTime {
        let utc = day.with_time(time::macros::time!(23:59:59)).assume_utc();
        let local = chrono::NaiveDate::from_ymd_opt(
            day.year(),
            u32::from(u8::from(day.month())),
            u32::from(day.day()),
        )
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .and_then(|naive| self.0.from_local_datetime(&naive).latest());
        local
            .and_then(|l| OffsetDateTime::from_unix_timestamp(l.timestamp()).ok())
            .unwrap_or(utc)
    }
}

impl Lang {
    /// `day` in words: "31 January 2027", "1er janvier 2027" (the message `date-long`).
    pub fn long_date(&self, day: Date) -> String {
        self.t_args(
            "date-long",
            &[
                ("day", day.day().into()),
                ("month", u8::from(day.month()).into()),
                ("year", day.year().to_string().into()),
            ],
        )
    }

    /// A month of a year: "January 2027", "janvier 2027" (the message `date-month`).
    pub fn month_of_year(&self, year: i32, month: time::Month) -> String {
        self.t_args(
            "date-month",
            &[
                ("month", u8::from(month).into()),
                ("year", year.to_string().into()),
            ],
        )
    }

    /// A time of day: "23:59", "23 h 59" (the message `time-of-day`; the minutes have two digits).
    pub fn time_of_day(&self, at: time::Time) -> String {
        self.t_args(
            "time-of-day",
            &[
                ("hour", at.hour().into()),
                ("minute", format!("{:02}", at.minute()).into()),
            ],
        )
    }

    /// `n` with its thousands grouped as the language writes them: `1,234` in English, `1 234`
    /// with a narrow no-break space in French.
    pub fn grouped(&self, n: i64) -> String {
        group(&n.to_string(), &self.t("number-group-separator"))
    }
}

/// The digits of `integer` (an optional `-` then digits) in groups of three joined by `separator`.
fn group(integer: &str, separator: &str) -> String {
    let (sign, digits) = match integer.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", integer),
    };
    let mut out = String::with_capacity(integer.len() + digits.len() / 3 * separator.len());
    out.push_str(sign);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    out
}

/// A language's separators, read from its bundle's messages when the catalog is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Separators {
    pub group: String,
    pub decimal: String,
}

/// The separators of each language of the catalog last built. The bundles' formatter is a plain
/// function, so it finds them here, once per bundle (through its memoizer).
static SEPARATORS: LazyLock<RwLock<HashMap<LanguageIdentifier, Separators>>> =
    LazyLock::new(Default::default);

/// Records the separators a new bundle of `lang` will write numbers with.
pub(crate) fn set_separators(lang: &LanguageIdentifier, separators: Separators) {
    SEPARATORS
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(lang.clone(), separators);
}

impl intl_memoizer::Memoizable for Separators {
    type Args = ();
    type Error = ();

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, ()> {
        SEPARATORS
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&lang)
            .cloned()
            .ok_or(())
    }
}

/// The bundles' number formatter (`FluentBundle::set_formatter`): "1,234.5" / "1 234,5".
pub(crate) fn number_formatter<M: MemoizerKind>(
    value: &FluentValue,
    memoizer: &M,
) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    if !number.value.is_finite() {
        return None;
    }
    let plain = number.as_string();
    memoizer
        .with_try_get_threadsafe::<Separators, _, _>((), |s| {
            let (integer, fraction) = match plain.split_once('.') {
                Some((i, f)) => (i, Some(f)),
                None => (plain.as_ref(), None),
            };
            let mut out = group(integer, &s.group);
            if let Some(fraction) = fraction {
                out.push_str(&s.decimal);
                out.push_str(fraction);
            }
            out
        })
        .ok()
}

/// The Tera function `moment(at=…, lang=…, show=…)`: an instant (RFC 3339,
/// `domain::instant_text`) or a day (`YYYY-MM-DD`) as the reader's language writes it, in the
/// instance's time zone. `show` chooses: `date` (the default) "31 January 2027", `datetime`
/// "31 January 2027, 23:59", `full` "31 January 2027, 23:59 (Europe/Paris)". A day alone is
/// always its date, a month (`YYYY-MM`) "January 2027"; anything else comes back as it was.
pub fn tera_moment(zone: Zone) -> impl tera::Function {
    move |args: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
        let at = args.get("at").and_then(|v| v.as_str()).unwrap_or_default();
        let lang = args
            .get("lang")
            .and_then(|v| v.as_str())
            .and_then(Lang::shipped)
            .unwrap_or_else(Lang::source);
        let show = args.get("show").and_then(|v| v.as_str()).unwrap_or("date");
        let shown = if let Ok(instant) =
            OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        {
            let local = zone.local(instant);
            let date = lang.long_date(local.date());
            let key = match show {
                "datetime" => "date-time",
                "full" => "date-time-zone",
                _ => return Ok(tera::Value::String(date)),
            };
            lang.t_args(
                key,
                &[
                    ("date", date.into()),
                    ("time", lang.time_of_day(local.time()).into()),
                    ("zone", zone.name().into()),
                ],
            )
        } else {
            let day = time::macros::format_description!("[year]-[month]-[day]");
            if let Ok(d) = Date::parse(at, day) {
                lang.long_date(d)
            } else if let Ok(first) = Date::parse(&format!("{at}-01"), day) {
                lang.month_of_year(first.year(), first.month())
            } else {
                at.to_string()
            }
        };
        Ok(tera::Value::String(shown))
    }
}

/// The Tera function `number(n=…, lang=…)`: a number outside a message, grouped as the language
/// writes it.
pub fn tera_number(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let lang = args
        .get("lang")
        .and_then(|v| v.as_str())
        .and_then(Lang::shipped)
        .unwrap_or_else(Lang::source);
    let shown = match args.get("n") {
        Some(tera::Value::Number(n)) => match n.as_i64() {
            Some(i) => lang.grouped(i),
            None => n.to_string(),
        },
        Some(tera::Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    Ok(tera::Value::String(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped_by_three_from_the_right() {
        assert_eq!(group("0", ","), "0");
        assert_eq!(group("999", ","), "999");
        assert_eq!(group("1000", ","), "1,000");
        assert_eq!(group("-1234567", "\u{202F}"), "-1\u{202F}234\u{202F}567");
    }

    #[test]
    fn the_end_of_a_day_is_its_last_second_in_the_zone() {
        let day = time::macros::date!(2027 - 01 - 31);
        let paris = Zone::named("Europe/Paris").expect("a known zone");
        assert_eq!(paris.name(), "Europe/Paris");
        assert_eq!(
            paris.end_of_day(day),
            time::macros::datetime!(2027-01-31 22:59:59 UTC)
        );
        let local = paris.local(paris.end_of_day(day));
        assert_eq!((local.date(), local.hour(), local.minute()), (day, 23, 59));
        // Summer time: two hours ahead.
        let july = time::macros::date!(2027 - 07 - 14);
        assert_eq!(
            paris.end_of_day(july),
            time::macros::datetime!(2027-07-14 21:59:59 UTC)
        );
        assert_eq!(
            Zone::default().end_of_day(day),
            time::macros::datetime!(2027-01-31 23:59:59 UTC)
        );
        assert!(Zone::named("Mars/Olympus").is_none());
    }
}
