use sea_orm::entity::prelude::*;

/// A solved proof-of-work challenge already used by a signature (`domain::abuse::proof_of_work`),
/// kept until it would have expired anyway.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pow_spent")]
pub struct Model {
    /// SHA-256 of the challenge, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub fingerprint: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
