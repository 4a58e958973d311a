use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// The settings the administrators saved on `/admin/settings`: one row, id 1
/// (`domain::administration::site_settings`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "site_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    /// Grows by one at each save; instances compare it with the one they hold.
    pub revision: i64,
    /// A JSON object of the settings saved on the page.
    pub document: String,
    pub updated_at: Option<OffsetDateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
