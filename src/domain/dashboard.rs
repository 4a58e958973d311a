//! What a member sees of their campaigns (F6.1): every petition they or their organizations own,
//! with exact confirmed and unconfirmed counts.
use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use crate::entity::{membership, organization, petition, signature, user};

#[derive(Debug, Serialize)]
pub struct PetitionRow {
    pub id: i32,
    pub title: String,
    pub published: bool,
    pub owner_name: String,
    pub confirmed: i64,
    pub unconfirmed: i64,
    /// Whether this member may open the petition's signatures page and export (F6.2, F6.3).
    pub can_view_signatures: bool,
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
    // One grouped query for every petition: exact counts, for the people running the campaign.
    let tallies: HashMap<i32, Tally> = signature::Entity::find()
        .select_only()
        .column(signature::Column::PetitionId)
        .column_as(
            Expr::cust("CAST(SUM(CASE WHEN confirmed_at IS NULL THEN 0 ELSE 1 END) AS BIGINT)"),
            "confirmed",
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
    let mut viewable = std::collections::HashSet::new();
    for p in &petitions {
        if super::permission::allows_on_petition(
            conn,
            user.id,
            p,
            super::permission::Permission::ViewSignatures,
        )
        .await?
        {
            viewable.insert(p.id);
        }
    }
    let petitions = petitions
        .into_iter()
        .map(|p| {
            let tally = tallies.get(&p.id);
            let confirmed = tally.map_or(0, |t| t.confirmed);
            PetitionRow {
                id: p.id,
                owner_name: p
                    .organization_id
                    .and_then(|id| org_names.get(&id).cloned())
                    .unwrap_or_else(|| user.display_name.clone()),
                title: p.title,
                published: p.published,
                confirmed,
                unconfirmed: tally.map_or(0, |t| t.total - confirmed),
                can_view_signatures: viewable.contains(&p.id),
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
