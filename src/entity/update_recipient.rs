use sea_orm::entity::prelude::*;

/// One signature an update was queued to: at most once (`domain::outreach::sending`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "update_recipients")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub update_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub signature_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
