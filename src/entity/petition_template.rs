use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// Settings a new petition can start from (F4.4), owned by exactly one organization or one user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organization_id: Option<i32>,
    pub user_id: Option<i32>,
    pub name: String,
    /// Sanitized on write, like a petition's text.
    pub body_html: String,
    /// The text as written, in Markdown (`petition::Model::body_markdown`).
    pub body_markdown: Option<String>,
    pub goal: Option<i32>,
    /// JSON, as on petitions (F4.6).
    pub signature_fields: String,
    pub data_notice: String,
    pub reply_to: Option<String>,
    pub theme: String,
    pub accent_color: Option<String>,
    /// At most one per owner (a partial unique index says so too).
    pub is_default: bool,
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

impl ActiveModelBehavior for ActiveModel {}
