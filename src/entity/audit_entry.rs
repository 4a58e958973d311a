use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// One administrative decision, kept for good (`domain::administration::audit`): rows are only
/// ever inserted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub at: OffsetDateTime,
    /// The account that acted, while it exists; its name as it was stays in `actor_name`.
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: Option<i32>,
    /// What the target was called at the time (a petition's title, an account's name…).
    pub target_label: String,
    /// The reason given, as shown to those concerned; may be empty. For a deleted organization,
    /// what went with it (`domain::administration::audit::Went`).
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
