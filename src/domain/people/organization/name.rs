//! What may be an organization's name, and how two names are told apart: folded the way search folds
//! text (`search_key::fold`: case, accents and scripts do not count), so that "friends of the PÂRK"
//! cannot pass for "Friends of the Park". The folded name is kept in `name_key`, under a unique index.
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::people::account::FieldErrors;
use crate::entity::organization;
pub use crate::entity::search_key::fold as key;

pub const MAX_NAME: usize = 200;

/// Slugs that name a page of the site under `/organizations/`, which an organization's members page
/// would hide (or be hidden by).
const RESERVED_SLUGS: [&str; 1] = ["new"];

/// Separates a key from the id that tells apart an organization named like an older one, in
/// databases that held such duplicates before names were unique. `fold` makes every run of white
/// space one space, so no key of a name can contain it.
const DUPLICATE_MARK: char = '\n';

/// The slug a name gives before it is made unique: `None` when it has no letter or digit to make
/// one from ("...", "!!!"), or names a page of the site.
pub fn base_slug(name: &str) -> Option<String> {
    let slug = crate::domain::petitions::slug::slugify(name, "");
    (!slug.is_empty() && !RESERVED_SLUGS.contains(&slug.as_str())).then_some(slug)
}

/// Checks `name` (trimmed by the caller) as the name of a new organization (`except` `None`) or of
/// the organization `except`, writing what is wrong under `name`.
pub async fn check<C: ConnectionTrait>(
    conn: &C,
    errors: &mut FieldErrors,
    name: &str,
    except: Option<i32>,
) -> Result<(), DbErr> {
    if crate::domain::text::has_control(name) {
        // Before any query: PostgreSQL refuses a NUL even in a parameter.
        errors.insert("name", crate::domain::text::CONTROL_CHARACTERS);
    } else if name.is_empty() {
        errors.insert("name", "field-required");
    } else if name.chars().count() > MAX_NAME {
        errors.insert("name", "field-too-long");
    } else if crate::domain::petitions::slug::slugify(name, "").is_empty() {
        errors.insert("name", "organization-name-no-letters");
    } else if base_slug(name).is_none() {
        errors.insert("name", "organization-name-reserved");
    } else if taken(conn, &key(name), except).await? {
        errors.insert("name", "organization-name-taken");
    }
    Ok(())
}

/// Whether an organization other than `except` has the name whose key is `key` (or had it first,
/// among duplicates kept from before names were unique).
pub async fn taken<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    except: Option<i32>,
) -> Result<bool, DbErr> {
    let mut prefix = crate::domain::petitions::search::pattern(key);
    prefix.pop(); // `%key%` → `%key`, then the mark and anything after it
    prefix.remove(0);
    prefix.push(DUPLICATE_MARK);
    prefix.push('%');
    let mut query = organization::Entity::find().filter(
        sea_orm::Condition::any()
            .add(organization::Column::NameKey.eq(key))
            .add(
                Expr::col((organization::Entity, organization::Column::NameKey))
                    .like(LikeExpr::new(prefix).escape('\\')),
            ),
    );
    if let Some(id) = except {
        query = query.filter(organization::Column::Id.ne(id));
    }
    Ok(query.one(conn).await?.is_some())
}

/// Gives every organization without a `name_key` its key (those created before the column, or by
/// an older instance during an upgrade). The first organization with a name keeps the plain key; a
/// later one with the same name gets the key, the mark and its id, so the unique index holds for
/// databases that already had duplicates. Idempotent; returns how many rows it filled.
pub async fn fill_missing_keys<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    let missing = organization::Entity::find()
        .filter(organization::Column::NameKey.is_null())
        .order_by_asc(organization::Column::Id)
        .all(conn)
        .await?;
    let mut filled = 0;
    for org in missing {
        let plain = key(&org.name);
        let name_key = if taken(conn, &plain, Some(org.id)).await? {
            format!("{plain}{DUPLICATE_MARK}{}", org.id)
        } else {
            plain
        };
        // Through `update_many`: `before_save` would write the plain key.
        organization::Entity::update_many()
            .col_expr(organization::Column::NameKey, Expr::val(name_key))
            .filter(organization::Column::Id.eq(org.id))
            .filter(organization::Column::NameKey.is_null())
            .exec(conn)
            .await?;
        filled += 1;
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::{base_slug, key};

    #[test]
    fn names_fold_like_search_and_punctuation_alone_makes_no_slug() {
        assert_eq!(key("Friends of the Park"), key("friends of the PÂRK"));
        assert_eq!(key("  Friends   of the Park "), "friends of the park");
        for name in [".", "..", "...", "!!!", "- -"] {
            assert_eq!(base_slug(name), None, "{name}");
        }
        assert_eq!(
            base_slug("New"),
            None,
            "/organizations/new is a page of the site"
        );
        assert_eq!(
            base_slug("Les Amis du Parc").as_deref(),
            Some("les-amis-du-parc")
        );
    }
}
