//! Running a public instance (F8): reports anyone can file against a petition, the moderation the
//! administrators and moderators do in answer, and the audit log every administrative decision is
//! written to, and the site settings the administrators choose. Who may do what is asked of `people::permission`.
pub mod audit;
pub mod moderation;
pub mod people;
pub mod reports;
pub mod roles;
pub mod site_settings;
pub mod translations;
