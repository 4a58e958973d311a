//! What a petition platform is: petitions and their permalinks, signatures, accounts and
//! organizations. Plain functions over a database connection; nothing here knows about HTTP.
pub mod abuse;
pub mod account;
pub mod attempts;
pub mod campaign;
pub mod counter;
pub mod dashboard;
pub mod demo;
pub mod html;
pub mod organization;
pub mod password;
pub mod permission;
pub mod petition;
pub mod petition_template;
pub mod retention;
pub mod search;
pub mod session;
pub mod signature;
pub mod signature_list;
pub mod signing_queue;
pub mod slug;
pub mod text;
pub mod theme;
pub mod token;
pub mod wizard;

/// Now, in UTC (the only zone stored).
pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}
