use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// Someone's report of a petition (F8.2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub petition_id: i32,
    /// One of `domain::administration::reports::Reason`.
    pub reason: String,
    pub comment: String,
    /// A keyed hash of the reporting client and the petition (never the address); emptied when
    /// the reports are closed, or a day after the report at the latest.
    pub reporter_key: Option<String>,
    pub created_at: OffsetDateTime,
    pub dismissed_at: Option<OffsetDateTime>,
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
