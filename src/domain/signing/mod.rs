//! Signatures (F2, F6.2, F6.3, F9.3): signing and confirming, the group commit, the sharded count,
//! the signatures list and export, the retention of unconfirmed signatures, phone numbers, the
//! count's history per day, anonymizing the signers of an ended campaign, the sign widget's form
//! token.
pub mod anonymization;
pub mod batch_rows;
pub mod counter;
pub mod embed_token;
pub mod history;
pub mod phone;
pub mod public_signers;
pub mod retention;
pub mod signature;
pub mod signature_list;
pub mod signing_queue;
pub mod tallies;
