//! Talking to signers after they sign (F6.5): updates written by the people running a petition
//! (`updates`), queued to the confirmed signers who asked to be kept informed in batches that never
//! mail anyone twice (`sending`), and the one-click way out of them (`unsubscribe`). Also the
//! daily digest of new signatures to a petition's organizers (`digest`).
pub mod digest;
pub mod sending;
pub mod unsubscribe;
pub mod updates;
