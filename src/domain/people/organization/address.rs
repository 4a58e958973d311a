//! An organization's address (`/o/<slug>`, `/organizations/<slug>`): chosen from its name, and
//! kept when it is renamed — the slugs it had before stay in `organization_slugs` and resolve to it,
//! so old links to its profile and to its petitions redirect for good. No organization takes a slug
//! another one had.
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

use crate::entity::{organization, organization_slug};

/// What a slug in a request names.
pub enum Resolved {
    /// The organization's current address.
    Current(organization::Model),
    /// An address it had before a rename: answer with a permanent redirect to the current one.
    Moved(organization::Model),
}

impl Resolved {
    pub fn organization(self) -> organization::Model {
        match self {
            Resolved::Current(org) | Resolved::Moved(org) => org,
        }
    }
}

/// The organization `slug` names now or named before a rename.
pub async fn resolve<C: ConnectionTrait>(conn: &C, slug: &str) -> Result<Option<Resolved>, DbErr> {
    if let Some(org) = super::find_by_slug(conn, slug).await? {
        return Ok(Some(Resolved::Current(org)));
    }
    let Some(old) = organization_slug::Entity::find()
        .filter(organization_slug::Column::Slug.eq(slug))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(organization::Entity::find_by_id(old.organization_id)
        .one(conn)
        .await?
        .map(Resolved::Moved))
}

/// Whether `slug` is, or was, the address of an organization other than `except`.
async fn taken<C: ConnectionTrait>(
    conn: &C,
    slug: &str,
    except: Option<i32>,
) -> Result<bool, DbErr> {
    let current = super::find_by_slug(conn, slug).await?;
    if current.is_some_and(|o| Some(o.id) != except) {
        return Ok(true);
    }
    let old = organization_slug::Entity::find()
        .filter(organization_slug::Column::Slug.eq(slug))
        .one(conn)
        .await?;
    Ok(old.is_some_and(|o| Some(o.organization_id) != except))
}

/// The first of `base`, `base-2`… free for the organization `except` (`None`: a new one).
pub async fn choose<C: ConnectionTrait>(
    conn: &C,
    base: &str,
    except: Option<i32>,
) -> Result<String, DbErr> {
    crate::domain::petitions::slug::unique(base, |candidate| async move {
        taken(conn, &candidate, except).await
    })
    .await
}

/// Moves `org` to `new_slug`, keeping its current slug as an old address (and forgetting
/// `new_slug` as one, when the organization takes back an address it had).
pub async fn move_to<C: ConnectionTrait>(
    conn: &C,
    org: &organization::Model,
    new_slug: &str,
) -> Result<(), DbErr> {
    if org.slug == new_slug {
        return Ok(());
    }
    organization_slug::Entity::delete_many()
        .filter(organization_slug::Column::Slug.eq(new_slug))
        .filter(organization_slug::Column::OrganizationId.eq(org.id))
        .exec(conn)
        .await?;
    organization_slug::ActiveModel {
        organization_id: Set(org.id),
        slug: Set(org.slug.clone()),
        created_at: Set(crate::domain::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}
