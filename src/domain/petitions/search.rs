//! Searching the same way on SQLite and PostgreSQL, blind to case and accents. Each searchable row
//! keeps a folded copy of its text in `search_key` (written by the entity's `before_save`, and
//! filled in at start for rows written before the column existed); the term is folded alike and the
//! match is a LIKE "contains" with `%`, `_` and `\` in what was typed taken literally. So "elodie"
//! finds "Élodie", "strasse" finds "Straße", and "сохраним" finds "Сохраним парк".
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect};

pub use crate::entity::search_key::{account_key, fold, signature_key};
use crate::entity::{petition, signature, user};

/// `column` (a `search_key`) contains the folded `term`; `None` when nothing was typed.
pub fn contains(column: impl IntoColumnRef, term: &str, max: usize) -> Option<SimpleExpr> {
    let term: String = term.chars().take(max).collect();
    let term = fold(&term);
    if term.is_empty() {
        return None;
    }
    Some(Expr::col(column).like(LikeExpr::new(pattern(&term)).escape('\\')))
}

/// `%term%` with the LIKE wildcards escaped.
pub fn pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 8);
    pattern.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Rows filled per transaction, so that a large upgrade never holds the write lock for long.
const FILL_BATCH: u64 = 1_000;

/// Computes the `search_key` of every petition, signature and account that has none (rows
/// written before the column existed, or by an older instance during an upgrade). Idempotent;
/// returns how many rows it filled.
pub async fn fill_missing_keys(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let petitions = crate::db::in_batches(db, FILL_BATCH, |txn| {
        Box::pin(async move {
            let rows: Vec<(i32, String)> = petition::Entity::find()
                .select_only()
                .columns([petition::Column::Id, petition::Column::Title])
                .filter(petition::Column::SearchKey.is_null())
                .limit(FILL_BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            let found = rows.len() as u64;
            for (id, title) in rows {
                petition::Entity::update_many()
                    .col_expr(petition::Column::SearchKey, Expr::val(fold(&title)))
                    .filter(petition::Column::Id.eq(id))
                    .exec(txn)
                    .await?;
            }
            Ok((found, found))
        })
    })
    .await?;
    let signatures = crate::db::in_batches(db, FILL_BATCH, |txn| {
        Box::pin(async move {
            let rows: Vec<(i32, String, String, String)> = signature::Entity::find()
                .select_only()
                .columns([
                    signature::Column::Id,
                    signature::Column::FirstName,
                    signature::Column::LastName,
                    signature::Column::Email,
                ])
                .filter(signature::Column::SearchKey.is_null())
                .limit(FILL_BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            let found = rows.len() as u64;
            for (id, first_name, last_name, email) in rows {
                let key = signature_key(&first_name, &last_name, &email);
                signature::Entity::update_many()
                    .col_expr(signature::Column::SearchKey, Expr::val(key))
                    .filter(signature::Column::Id.eq(id))
                    .exec(txn)
                    .await?;
            }
            Ok((found, found))
        })
    })
    .await?;
    let accounts = crate::db::in_batches(db, FILL_BATCH, |txn| {
        Box::pin(async move {
            let rows: Vec<(i32, String, String, String)> = user::Entity::find()
                .select_only()
                .columns([
                    user::Column::Id,
                    user::Column::Username,
                    user::Column::DisplayName,
                    user::Column::Email,
                ])
                .filter(user::Column::SearchKey.is_null())
                .limit(FILL_BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            let found = rows.len() as u64;
            for (id, username, display_name, email) in rows {
                let key = account_key(&username, &display_name, &email);
                user::Entity::update_many()
                    .col_expr(user::Column::SearchKey, Expr::val(key))
                    .filter(user::Column::Id.eq(id))
                    .exec(txn)
                    .await?;
            }
            Ok((found, found))
        })
    })
    .await?;
    Ok(petitions + signatures + accounts)
}

#[cfg(test)]
mod tests {
    use super::{fold, pattern, signature_key};

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn folding_ignores_case_accents_and_script() {
        assert_eq!(fold("Élodie"), fold("elodie"));
        assert_eq!(fold("  ÉLODIE   Müller "), "elodie muller");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert!(fold("Сохраним парк").contains(&fold("сохраним")));
        assert!(fold("北京市").contains(&fold("北京")));
    }

    #[test]
    fn an_account_is_found_by_its_username_display_name_or_address_but_not_across_them() {
        let key = super::account_key("zoe", "Zoé Müller", "Zoe.M@example.org");
        assert!(key.contains(&fold("ZOÉ MULLER")));
        assert!(key.contains(&fold("zoe.m@example")));
        assert!(
            !key.contains(&fold("zoe zoe")),
            "username and name stay apart"
        );
    }

    #[test]
    fn a_signature_is_found_by_its_full_name_or_its_address() {
        let key = signature_key("Élodie", "Martin", "Elodie.M@example.org");
        assert!(key.contains(&fold("elodie martin")));
        assert!(key.contains(&fold("example.org")));
        assert!(
            !key.contains(&fold("martin elodie.m")),
            "name and address stay apart"
        );
    }
}
