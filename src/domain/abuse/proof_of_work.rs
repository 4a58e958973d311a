//! A small puzzle the signer's browser solves before its signature is sent (F2.7): self-hosted, no
//! third party, no image to read. Off unless the instance (`proof_of_work`) or the petition asks
//! for it. The server hands out a challenge bound to the petition and to the visitor's form (its
//! CSRF token), signed with a key of the instance and valid a few minutes; our script
//! (`static/pow.js`) finds a nonce such that SHA-256(`challenge:nonce`) starts with `bits` zero
//! bits; the server checks it in microseconds and records it as spent in the signature's own
//! transaction, so that it counts once.
//!
//! It never locks anyone out: a signature sent without a solution (JavaScript off, an old browser)
//! goes through under stricter limits (`SigningLimits::stricter`), and is held rather than refused
//! when over them. A forged, expired or replayed solution is refused with a message.
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entity::pow_spent;

/// Whether the sign form other sites frame (`web::embed`) asks for a proof of work: always. It has
/// no cookie to tie a post to a visitor, and any site can frame it and have its own visitors post,
/// so a post without a solution signs under the stricter limits, as one without JavaScript does.
pub const ASKED_IN_FRAME: bool = true;

/// Whether signing `located` asks for a proof of work: the instance asks it of every petition, or
/// the petition of its own.
pub fn asked(site: &crate::Site, located: &crate::domain::petitions::petition::Located) -> bool {
    site.settings.proof_of_work || located.petition.proof_of_work
}

/// Makes the petition ask (or stop asking) browsers for a proof of work. The caller has checked
/// that the member may modify the petition.
pub async fn ask_on_petition(
    db: &sea_orm::DatabaseConnection,
    petition_id: i32,
    on: bool,
) -> Result<(), DbErr> {
    use crate::entity::petition;
    petition::Entity::update_many()
        .col_expr(
            petition::Column::ProofOfWork,
            sea_orm::sea_query::Expr::value(on),
        )
        .filter(petition::Column::Id.eq(petition_id))
        .exec(db)
        .await?;
    Ok(())
}

/// How long a challenge may be solved and used.
pub const VALID_FOR_SECS: i64 = 600;

/// What the sign form brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// The petition does not ask for one.
    NotAsked,
    /// Asked, and solved: the challenge's fingerprint, spent when the signature is written.
    Solved(String),
    /// Asked, and none came (JavaScript off): stricter limits.
    Unsolved,
}

/// Why a solution was refused; each is a Fluent key shown on the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not one of ours, altered, for another form or petition, or the nonce does not solve it.
    Forged,
    Expired,
}

impl Refused {
    pub fn message_key(self) -> &'static str {
        match self {
            Refused::Forged => "pow-invalid",
            Refused::Expired => "pow-expired",
        }
    }
}

fn mac(key: &[u8; 32], petition_id: i32, expires: i64, salt: &str, form: &str) -> String {
    super::super::token::keyed_hash(
        key,
        &format!(
            "pow\0{petition_id}\0{expires}\0{salt}\0{}",
            super::super::token::hash(form)
        ),
    )
}

/// A new challenge for the sign form of `petition_id` in the browser whose CSRF token is `form`:
/// `<petition>.<expires>.<salt>.<mac>`.
pub fn challenge(key: &[u8; 32], petition_id: i32, form: &str) -> String {
    let expires = time::OffsetDateTime::now_utc().unix_timestamp() + VALID_FOR_SECS;
    let salt: String = super::super::token::generate().chars().take(16).collect();
    let mac = mac(key, petition_id, expires, &salt, form);
    format!("{petition_id}.{expires}.{salt}.{mac}")
}

/// Leading zero bits of SHA-256(`challenge:nonce`).
pub fn zero_bits(challenge: &str, nonce: &str) -> u32 {
    let digest = Sha256::digest(format!("{challenge}:{nonce}").as_bytes());
    let mut bits = 0;
    for byte in digest {
        if byte == 0 {
            bits += 8;
        } else {
            bits += byte.leading_zeros();
            break;
        }
    }
    bits
}

/// Finds a nonce for `challenge` (what `static/pow.js` does in the browser).
pub fn solve(challenge: &str, bits: u32) -> String {
    (0u64..)
        .map(|n| n.to_string())
        .find(|nonce| zero_bits(challenge, nonce) >= bits)
        .unwrap_or_default()
}

/// Checks what a sign form brought. `asked`: whether the petition asks for a proof; `form`: the
/// CSRF token the form was sent with.
pub fn check(
    key: &[u8; 32],
    bits: u32,
    asked: bool,
    petition_id: i32,
    form: &str,
    challenge: Option<&str>,
    nonce: Option<&str>,
) -> Result<Proof, Refused> {
    if !asked {
        return Ok(Proof::NotAsked);
    }
    let (Some(challenge), Some(nonce)) = (
        challenge.filter(|c| !c.is_empty()),
        nonce.filter(|n| !n.is_empty()),
    ) else {
        return Ok(Proof::Unsolved);
    };
    let parts: Vec<&str> = challenge.split('.').collect();
    let [id, expires, salt, given_mac] = parts[..] else {
        return Err(Refused::Forged);
    };
    let (Ok(id), Ok(expires)) = (id.parse::<i32>(), expires.parse::<i64>()) else {
        return Err(Refused::Forged);
    };
    let expected = mac(key, id, expires, salt, form);
    let mac_ok: bool =
        subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given_mac.as_bytes()).into();
    if !mac_ok || id != petition_id || nonce.len() > 32 || zero_bits(challenge, nonce) < bits {
        return Err(Refused::Forged);
    }
    if expires < time::OffsetDateTime::now_utc().unix_timestamp() {
        return Err(Refused::Expired);
    }
    Ok(Proof::Solved(super::super::token::hash(challenge)))
}

/// Records a solved challenge as spent, in the transaction that writes its signature. False when it
/// was spent before (a replay): the signature must then be refused.
pub async fn spend<C: ConnectionTrait>(conn: &C, fingerprint: &str) -> Result<bool, DbErr> {
    let inserted = pow_spent::Entity::insert(pow_spent::ActiveModel {
        fingerprint: Set(fingerprint.to_string()),
        expires_at: Set(crate::mail::now_millis() + VALID_FOR_SECS * 1000),
    })
    .on_conflict(
        OnConflict::column(pow_spent::Column::Fingerprint)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(inserted == 1)
}

/// Records a solved challenge as spent in a transaction of its own (a form whose writing does not
/// go through the signature's transaction: registration). False for a replay.
pub async fn spend_now(db: &sea_orm::DatabaseConnection, fingerprint: &str) -> Result<bool, DbErr> {
    let txn = crate::db::begin_write(db).await?;
    let fresh = spend(&txn, fingerprint).await?;
    txn.commit().await?;
    Ok(fresh)
}

/// Forgets spent challenges that can no longer be used anyway.
pub async fn forget_old<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    Ok(pow_spent::Entity::delete_many()
        .filter(pow_spent::Column::ExpiresAt.lt(crate::mail::now_millis()))
        .exec(conn)
        .await?
        .rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];

    #[test]
    fn a_solved_challenge_is_accepted_and_anything_else_is_not() {
        let c = challenge(&KEY, 5, "form-token");
        let nonce = solve(&c, 8);
        assert!(matches!(
            check(&KEY, 8, true, 5, "form-token", Some(&c), Some(&nonce)),
            Ok(Proof::Solved(_))
        ));
        assert_eq!(
            check(&KEY, 8, true, 6, "form-token", Some(&c), Some(&nonce)),
            Err(Refused::Forged),
            "another petition"
        );
        assert_eq!(
            check(&KEY, 8, true, 5, "other-form", Some(&c), Some(&nonce)),
            Err(Refused::Forged),
            "another form"
        );
        assert_eq!(
            check(&[8; 32], 8, true, 5, "form-token", Some(&c), Some(&nonce)),
            Err(Refused::Forged),
            "another instance's key"
        );
        assert_eq!(
            check(&KEY, 8, true, 5, "form-token", None, None),
            Ok(Proof::Unsolved)
        );
        assert_eq!(
            check(&KEY, 8, false, 5, "form-token", None, None),
            Ok(Proof::NotAsked)
        );
    }
}
