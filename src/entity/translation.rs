use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// A message translated on `/admin/translations` (`domain::administration::translations`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "translations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// A language code such as `fr` or `de`.
    pub lang: String,
    pub message_id: String,
    /// The message's Fluent text, what follows `id =`.
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub updated_at: OffsetDateTime,
    /// Who saved it, as they were named then.
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
