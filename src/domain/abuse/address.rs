//! Canonical e-mail addresses, for recognising one mailbox behind its variants (F2.7): used to
//! de-duplicate signatures and to count the mails an address receives, never to send mail. The
//! address itself is stored and mailed as it was typed.
//!
//! Every address is trimmed and case-folded. For the providers listed below, which deliver every
//! variant to the same mailbox, the `+tag` is dropped too, and for Gmail the dots of the local part
//! (`Jane.Doe+petitions@GoogleMail.com` → `janedoe@gmail.com`).

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::signature;

/// Providers that ignore the dots of the local part and any `+tag` (Gmail's two domains).
pub const DOTS_AND_TAGS_IGNORED: &[&str] = &["gmail.com", "googlemail.com"];

/// Providers that deliver `name+tag@` to `name@` but treat dots as part of the name.
pub const TAGS_IGNORED: &[&str] = &[
    "outlook.com",
    "hotmail.com",
    "live.com",
    "icloud.com",
    "me.com",
    "protonmail.com",
    "proton.me",
    "pm.me",
    "fastmail.com",
    "posteo.de",
    "posteo.net",
];

/// The canonical form of `address` (lower case; for the listed providers without `+tag`, and for
/// Gmail without dots, `googlemail.com` read as `gmail.com`). An address without `@` is only
/// trimmed and lower-cased.
pub fn canonical(address: &str) -> String {
    let address = address.trim().to_lowercase();
    let Some((local, domain)) = address.rsplit_once('@') else {
        return address;
    };
    let domain = domain.trim_end_matches('.');
    let dots_ignored = DOTS_AND_TAGS_IGNORED.contains(&domain);
    if !dots_ignored && !TAGS_IGNORED.contains(&domain) {
        return format!("{local}@{domain}");
    }
    let local = local.split_once('+').map_or(local, |(name, _)| name);
    let (local, domain) = if dots_ignored {
        (local.replace('.', ""), "gmail.com")
    } else {
        (local.to_string(), domain)
    };
    format!("{local}@{domain}")
}

/// Gives every signature written before canonical addresses existed its `email_key`, so that a
/// variant of an address that signed before is recognised. Idempotent; returns how many it filled.
pub async fn fill_missing_email_keys(db: &DatabaseConnection) -> Result<u64, DbErr> {
    crate::db::in_batches(db, 1_000, |txn| {
        Box::pin(async move {
            let rows: Vec<(i32, String)> = signature::Entity::find()
                .select_only()
                .columns([signature::Column::Id, signature::Column::Email])
                .filter(signature::Column::EmailKey.is_null())
                .limit(1_000)
                .into_tuple()
                .all(txn)
                .await?;
            let found = rows.len() as u64;
            for (id, email) in rows {
                signature::Entity::update_many()
                    .col_expr(signature::Column::EmailKey, Expr::value(canonical(&email)))
                    .filter(signature::Column::Id.eq(id))
                    .exec(txn)
                    .await?;
            }
            Ok((found, found))
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn gmail_variants_are_one_mailbox() {
        for variant in [
            "jane.doe@gmail.com",
            "Jane.Doe+petitions@Gmail.com",
            " j.a.n.e.d.o.e@googlemail.com ",
            "JANEDOE+a+b@GMAIL.COM",
        ] {
            assert_eq!(canonical(variant), "janedoe@gmail.com", "{variant}");
        }
    }

    #[test]
    fn other_providers_keep_their_dots_and_unlisted_ones_their_tags() {
        assert_eq!(canonical("Jane.Doe+x@outlook.com"), "jane.doe@outlook.com");
        assert_eq!(
            canonical("jane.doe+x@example.org"),
            "jane.doe+x@example.org"
        );
        assert_eq!(canonical("Ann@Example.ORG"), "ann@example.org");
        assert_eq!(canonical("no-at-sign"), "no-at-sign");
    }
}
