use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// A petition's text in one more language than its main one (F4.8,
/// `domain::petitions::translations`): one row per petition and language.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "petition_translations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub petition_id: i32,
    /// The language's code, one of the interface's (`fr`, `en-US`…), never the main language.
    #[sea_orm(primary_key, auto_increment = false)]
    pub lang: String,
    pub title: String,
    /// Sanitized on write; printed as is.
    pub body_html: String,
    /// The text as written, in Markdown (`petition::Model::body_markdown`).
    pub body_markdown: Option<String>,
    /// Empty: the main version's notice.
    pub data_notice: String,
    /// Empty: the start of this version's text.
    pub social_text: String,
    /// Who the petition is addressed to, in this language; None: the main version's.
    pub addressed_to: Option<String>,
    /// What the petition's picture shows, in this language; None: the main version's.
    pub picture_alt: Option<String>,
    #[serde(skip)]
    pub created_at: OffsetDateTime,
    #[serde(skip)]
    pub updated_at: OffsetDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::petition::Entity",
        from = "Column::PetitionId",
        to = "super::petition::Column::Id",
        on_delete = "Cascade"
    )]
    Petition,
}

impl Related<super::petition::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Petition.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
