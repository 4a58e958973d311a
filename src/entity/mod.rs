//! sea-orm entities, one file per table. They mirror `migrations/`; behaviour lives in `domain`,
//! except the search keys each row keeps up to date itself (`search_key`).
pub mod attempt;
pub mod audit_entry;
pub mod email_change;
pub mod invitation;
pub mod ip_hash_key;
pub mod mail_ledger;
pub mod mail_queue;
pub mod mail_throttle;
pub mod membership;
pub mod organization;
pub mod organization_slug;
pub mod password_reset;
pub mod permalink;
pub mod petition;
pub mod petition_digest;
pub mod petition_template;
pub mod petition_translation;
pub mod petition_update;
pub mod pow_spent;
pub mod report;
pub mod search_key;
pub mod session;
pub mod signature;
pub mod site_settings;
pub mod update_recipient;
pub mod user;
