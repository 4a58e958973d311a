use sea_orm::entity::prelude::*;

/// The one row (`id = 1`) holding the instance group's sending budget: the earliest time (Unix ms)
/// the next mail may leave. Pushed forward by each reservation under the rate cap and by a pause
/// when the SMTP server asks us to slow down.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_throttle")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub next_slot_at: i64,
    /// No mail leaves before this time (Unix ms): set when a server refuses the connection or the
    /// sending rate (`mail::refusal`).
    pub paused_until: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
