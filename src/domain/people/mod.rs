//! People and their rights (F3): accounts, passwords and sessions, organizations and members,
//! and the permission table every route asks.
pub mod account;
pub mod organization;
pub mod password;
pub mod permission;
pub mod session;
