use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// An account's new e-mail address waiting for the link sent to it: at most one per account,
/// expiring, single-use; only the token's hash is kept.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub user_id: i32,
    /// Normalized: trimmed and lower-cased.
    pub new_email: String,
    #[sea_orm(unique)]
    pub token_hash: String,
    pub expires_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
