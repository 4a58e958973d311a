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
