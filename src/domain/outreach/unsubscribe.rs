//! The way out of updates (F6.5): every update mail carries `/unsubscribe/<signature>/<mac>`, a
//! link signed with the instance's key, so nothing needs storing and nobody can unsubscribe
//! someone else by guessing. Opening it shows a button (a mail scanner following links changes
//! nothing); the button, or a mail client's one-click POST (RFC 8058), takes the signature off the
//! updates for good: every later update skips it.
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::domain::token;
use crate::entity::signature;

/// The MAC of a signature's unsubscription link.
fn mac(key: &[u8; 32], signature_id: i32) -> String {
    token::keyed_hash(key, &format!("unsubscribe {signature_id}"))
}

/// The path of `signature_id`'s unsubscription link.
pub fn path(key: &[u8; 32], signature_id: i32) -> String {
    format!("/unsubscribe/{signature_id}/{}", mac(key, signature_id))
}

/// Whether `given` is the MAC of `signature_id`'s link.
pub fn verify(key: &[u8; 32], signature_id: i32, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    mac(key, signature_id)
        .as_bytes()
        .ct_eq(given.as_bytes())
        .into()
}

/// The signature a valid link names, if it still exists.
pub async fn signature_of<C: ConnectionTrait>(
    conn: &C,
    key: &[u8; 32],
    signature_id: i32,
    given: &str,
) -> Result<Option<signature::Model>, DbErr> {
    if !verify(key, signature_id, given) {
        return Ok(None);
    }
    signature::Entity::find_by_id(signature_id).one(conn).await
}

/// Takes the signature off every later update. Doing it twice changes nothing.
pub async fn unsubscribe<C: ConnectionTrait>(conn: &C, signature_id: i32) -> Result<(), DbErr> {
    signature::Entity::update_many()
        .col_expr(signature::Column::Newsletter, Expr::value(false))
        .col_expr(
            signature::Column::UpdatedAt,
            Expr::value(crate::domain::now()),
        )
        .filter(signature::Column::Id.eq(signature_id))
        .exec(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_valid_for_its_signature_only() {
        let key = [7; 32];
        let link = path(&key, 42);
        let given = link.rsplit('/').next().expect("a mac");
        assert!(verify(&key, 42, given));
        assert!(!verify(&key, 43, given), "another signature");
        assert!(!verify(&[8; 32], 42, given), "another instance's key");
        assert!(!verify(&key, 42, ""), "no mac");
    }
}
