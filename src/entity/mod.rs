//! sea-orm entities, one file per table. They mirror `migrations/`; behaviour lives in `domain`.
pub mod invitation;
pub mod mail_queue;
pub mod mail_throttle;
pub mod membership;
pub mod organization;
pub mod password_reset;
pub mod permalink;
pub mod petition;
pub mod petition_template;
pub mod signature;
pub mod user;
