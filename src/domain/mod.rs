//! What a petition platform is: petitions and their permalinks, signatures, accounts and
//! organizations. Plain functions over a database connection; nothing here knows about HTTP.
pub mod abuse;
pub mod administration;
pub mod demo;
pub mod outreach;
pub mod people;
pub mod petitions;
pub mod signing;
pub mod text;
pub mod token;

/// Now, in UTC (the only zone stored).
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// An instant as pages and mails receive it: RFC 3339 in UTC to the second
/// (`2027-01-31T22:59:59Z`), for `<time datetime>` and for the templates' `moment` function, which
/// writes it in the reader's language and the instance's time zone.
pub fn instant_text(at: time::OffsetDateTime) -> String {
    let utc = at.to_offset(time::UtcOffset::UTC);
    let whole = utc.replace_nanosecond(0).unwrap_or(utc);
    whole
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
