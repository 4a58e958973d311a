//! Abuse defences that do not hurt honest people (F2.7, F9.2): canonical addresses, where a request
//! came from (hashed with a key that rotates daily and is then discarded), how many signatures one
//! source may have admitted before the next is held, the cap on the mails one address receives, and
//! the held signatures organizers review. Every limit lives here and every caller uses it.
pub mod address;
pub mod attempts;
pub mod held;
pub mod mail_cap;
pub mod proof_of_work;
pub mod signing_limits;
pub mod source;
