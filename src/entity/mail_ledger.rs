use sea_orm::entity::prelude::*;

/// One mail queued, as the per-address cap counts it (`domain::abuse::mail_cap`): a keyed hash of
/// the recipient's canonical address, the petition it is about, when. Kept a day, then deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_ledger")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub recipient_hash: String,
    pub petition_id: Option<i32>,
    /// Unix milliseconds.
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
