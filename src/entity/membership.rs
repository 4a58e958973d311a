use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// A user's membership of an organization, with the twelve per-member permissions (F3.3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: i32,
    pub user_id: i32,
    pub can_add_members: bool,
    pub can_remove_members: bool,
    pub can_create_petitions: bool,
    pub can_modify_petitions: bool,
    pub can_delete_petitions: bool,
    pub can_create_templates: bool,
    pub can_modify_templates: bool,
    pub can_delete_templates: bool,
    pub can_view_signatures: bool,
    pub can_modify_signatures: bool,
    pub can_delete_signatures: bool,
    pub can_modify_permissions: bool,
    pub created_at: OffsetDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organization::Entity",
        from = "Column::OrganizationId",
        to = "super::organization::Column::Id",
        on_delete = "Cascade"
    )]
    Organization,
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::organization::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organization.def()
    }
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
