//! Deleting an organization, with everything that is its own: its petitions and their
//! signatures, its templates, its pending invitations, its members' memberships and its old
//! addresses. Only a member holding every permission may, after a page that counts what goes; the
//! audit log keeps who deleted which organization and those counts.
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use serde::Serialize;

use super::OrgError;
use crate::domain::administration::audit::{self, Action, Target};
use crate::domain::people::permission::{self, OrganizationAction};
use crate::entity::{
    invitation, membership, organization, petition, petition_template, signature, user,
};

/// What deleting an organization takes with it, counted for the confirmation page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WhatGoes {
    pub petitions: u64,
    /// Every signature of those petitions, confirmed or not.
    pub signatures: u64,
    pub templates: u64,
    pub invitations: u64,
    /// Memberships: the members, the one deleting included.
    pub members: u64,
}

async fn count<C: ConnectionTrait>(conn: &C, org: &organization::Model) -> Result<WhatGoes, DbErr> {
    let signatures = signature::Entity::find()
        .inner_join(petition::Entity)
        .filter(petition::Column::OrganizationId.eq(org.id))
        .count(conn)
        .await?;
    Ok(WhatGoes {
        petitions: petition::Entity::find()
            .filter(petition::Column::OrganizationId.eq(org.id))
            .count(conn)
            .await?,
        signatures,
        templates: petition_template::Entity::find()
            .filter(petition_template::Column::OrganizationId.eq(org.id))
            .count(conn)
            .await?,
        invitations: invitation::Entity::find()
            .filter(invitation::Column::OrganizationId.eq(org.id))
            .count(conn)
            .await?,
        members: membership::Entity::find()
            .filter(membership::Column::OrganizationId.eq(org.id))
            .count(conn)
            .await?,
    })
}

/// What deleting `org` would take with it, for a member who may delete it.
pub async fn what_goes(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
) -> Result<WhatGoes, OrgError> {
    if !permission::allows_on_organization(db, actor.id, org.id, OrganizationAction::Delete).await?
    {
        return Err(OrgError::Forbidden);
    }
    Ok(count(db, org).await?)
}

/// `actor` deletes `org` and everything that is its own. Returns what went.
pub async fn delete(
    db: &DatabaseConnection,
    actor: &user::Model,
    org: &organization::Model,
) -> Result<WhatGoes, OrgError> {
    let txn = crate::db::begin_write(db).await?;
    if !permission::allows_on_organization(&txn, actor.id, org.id, OrganizationAction::Delete)
        .await?
    {
        return Err(OrgError::Forbidden);
    }
    let gone = count(&txn, org).await?;
    // The line goes in with the deletion, so that neither happens without the other.
    let went = audit::Went {
        petitions: gone.petitions,
        signatures: gone.signatures,
        templates: gone.templates,
        invitations: gone.invitations,
        members: gone.members,
    };
    audit::record(
        &txn,
        actor,
        Action::DeleteOrganization,
        &Target::organization(org),
        &went.to_line(),
    )
    .await?;
    // The foreign keys cascade to petitions (and their permalinks, signatures and count shards),
    // templates, invitations, memberships and old addresses.
    organization::Entity::delete_by_id(org.id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(gone)
}
