use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// An update the people running a petition write to its signers (`domain::outreach::updates`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_updates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub petition_id: i32,
    pub subject: String,
    /// As written, in Markdown.
    pub body_markdown: String,
    /// Rendered and sanitized.
    pub body_html: String,
    /// Not shown on the petition page ("News"), only mailed.
    pub private: bool,
    pub author_id: Option<i32>,
    pub author_name: String,
    pub created_at: OffsetDateTime,
    /// When "send" was pressed: from then on it is queued in batches, and no longer edited.
    pub sending_at: Option<OffsetDateTime>,
    /// When every recipient's mail was queued.
    pub sent_at: Option<OffsetDateTime>,
    /// The last signature id whose mail is queued.
    pub cursor: i32,
    /// How many mails are queued.
    pub recipients: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
