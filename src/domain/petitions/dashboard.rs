//! What a member sees of their campaigns (F6.1): every petition they or their organizations own,
//! with exact confirmed, unconfirmed and held counts.
use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use crate::domain::people::permission::Permission;
use crate::entity::{membership, organization, permalink, petition, signature, user};

#[derive(Debug, Serialize)]
pub struct PetitionRow {
    pub id: i32,
    pub title: String,
    pub published: bool,
    /// Hidden by the moderators: its owner cannot publish it again.
    pub hidden: bool,
    /// Ended by its organizers: `successful` or `closed` (`outcome`).
    pub outcome: Option<&'static str>,
    pub owner_name: String,
    /// Where its title leads: the public page (`/o/<org>/<slug>` or `/u/<user>/<slug>`) once
    /// published; a draft, which nobody else sees, opens in the editor for those who may edit it.
    pub path: Option<String>,
    pub confirmed: i64,
    pub unconfirmed: i64,
    /// Held back by a limit (`abuse`), waiting for a member to release or discard them.
    pub held: i64,
    /// What this member may do to it, so the page offers only that (the routes ask again).
    pub may: Rights,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Rights {
    pub modify: bool,
    pub duplicate: bool,
    pub delete: bool,
    pub view_signatures: bool,
    /// Write and send updates to its signers (`permission::SEND_UPDATES`).
    pub send_updates: bool,
}

impl Rights {
    fn of(m: Option<&membership::Model>) -> Rights {
        // No membership: the member's own petition, where they may do everything.
        let granted = |p: Permission| m.is_none_or(|m| p.granted_by(m));
        Rights {
            modify: granted(Permission::ModifyPetitions),
            duplicate: granted(Permission::CreatePetitions),
            delete: granted(Permission::DeletePetitions),
            view_signatures: granted(Permission::ViewSignatures),
            send_updates: granted(crate::domain::people::permission::SEND_UPDATES),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Dashboard {
    pub organizations: Vec<OrganizationRow>,
    pub petitions: Vec<PetitionRow>,
}

#[derive(Debug, Serialize)]
pub struct OrganizationRow {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, FromQueryResult)]
struct Tally {
    petition_id: i32,
    confirmed: i64,
    held: i64,
    total: i64,
}

pub async fn for_user<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
) -> Result<Dashboard, sea_orm::DbErr> {
    let orgs: Vec<organization::Model> = organization::Entity::find()
        .inner_join(membership::Entity)
        .filter(membership::Column::UserId.eq(user.id))
        .order_by_asc(organization::Column::Name)
        .all(conn)
        .await?;
    let org_names: HashMap<i32, String> = orgs.iter().map(|o| (o.id, o.name.clone())).collect();
    let org_slugs: HashMap<i32, String> = orgs.iter().map(|o| (o.id, o.slug.clone())).collect();
    let memberships: HashMap<i32, membership::Model> = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.organization_id, m))
        .collect();
    let petitions = petition::Entity::find()
        .filter(
            Condition::any()
                .add(petition::Column::UserId.eq(user.id))
                .add(
                    petition::Column::OrganizationId
                        .is_in(org_names.keys().copied().collect::<Vec<_>>()),
                ),
        )
        .order_by_desc(petition::Column::CreatedAt)
        .order_by_desc(petition::Column::Id)
        .all(conn)
        .await?;
    let ids: Vec<i32> = petitions.iter().map(|p| p.id).collect();
    let canonical: HashMap<i32, String> = permalink::Entity::find()
        .filter(permalink::Column::PetitionId.is_in(ids.clone()))
        .filter(permalink::Column::IsCanonical.eq(true))
        .all(conn)
        .await?
        .into_iter()
        .map(|l| (l.petition_id, l.slug))
        .collect();
    // One grouped query for every petition: exact counts, for the people running the campaign.
    let tallies: HashMap<i32, Tally> = signature::Entity::find()
        .select_only()
        .column(signature::Column::PetitionId)
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN confirmed_at IS NULL THEN 0 ELSE 1 END) AS BIGINT)"),
            "confirmed",
        )
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN held_at IS NULL THEN 0 ELSE 1 END) AS BIGINT)"),
            "held",
        )
        .column_as(signature::Column::Id.count(), "total")
        .filter(signature::Column::PetitionId.is_in(ids))
        .group_by(signature::Column::PetitionId)
        .into_model::<Tally>()
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.petition_id, t))
        .collect();
    let petitions = petitions
        .into_iter()
        .map(|p| {
            let tally = tallies.get(&p.id);
            let confirmed = tally.map_or(0, |t| t.confirmed);
            let held = tally.map_or(0, |t| t.held);
            let owner_path = match p.organization_id {
                Some(org) => org_slugs.get(&org).map(|slug| format!("/o/{slug}")),
                None => Some(format!("/u/{}", user.username)),
            };
            let may = Rights::of(p.organization_id.and_then(|org| memberships.get(&org)));
            PetitionRow {
                id: p.id,
                path: if p.published {
                    owner_path
                        .zip(canonical.get(&p.id))
                        .map(|(owner, slug)| format!("{owner}/{slug}"))
                } else {
                    may.modify.then(|| format!("/petitions/{}/edit", p.id))
                },
                may,
                owner_name: p
                    .organization_id
                    .and_then(|id| org_names.get(&id).cloned())
                    .unwrap_or_else(|| user.display_name.clone()),
                outcome: crate::domain::petitions::outcome::Outcome::of(&p)
                    .map(crate::domain::petitions::outcome::Outcome::name),
                title: p.title,
                published: p.published,
                hidden: p.moderated,
                confirmed,
                unconfirmed: tally.map_or(0, |t| t.total - confirmed - held),
                held,
            }
        })
        .collect();
    Ok(Dashboard {
        organizations: orgs
            .into_iter()
            .map(|o| OrganizationRow {
                slug: o.slug,
                name: o.name,
            })
            .collect(),
        petitions,
    })
}

/// How many petitions `user` owns themself (they go with the account).
pub async fn personal_petitions<C: ConnectionTrait>(
    conn: &C,
    user: &user::Model,
) -> Result<u64, sea_orm::DbErr> {
    use sea_orm::PaginatorTrait;
    petition::Entity::find()
        .filter(petition::Column::UserId.eq(user.id))
        .count(conn)
        .await
}
