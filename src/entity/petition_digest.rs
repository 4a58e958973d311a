use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// The daily digest of a petition's new signatures to its organizers (`domain::outreach::digest`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_digests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub petition_id: i32,
    pub enabled: bool,
    /// The addresses it goes to, one a line.
    pub recipients: String,
    /// Whether it names the new signers (set only by those who may view the signatures).
    pub include_names: bool,
    /// The language of whoever last saved it: the mail's, for an organization's petition.
    pub locale: Option<String>,
    /// Signatures confirmed before this moment were reported already: each sending claims the
    /// day by moving it, in the transaction that queues the mails.
    pub sent_until: OffsetDateTime,
    pub created_at: OffsetDateTime,
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

impl ActiveModelBehavior for ActiveModel {}
