use sea_orm::entity::prelude::*;

/// The secret that keys the hash of client addresses during one period (a UTC day). Each period has
/// its own, drawn by the first instance that needs it; it is deleted once no limit window reaches
/// back to its period, and with it any way to tell which address a stored hash came from.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ip_hash_keys")]
pub struct Model {
    /// Days since the Unix epoch (UTC).
    #[sea_orm(primary_key, auto_increment = false)]
    pub period: i64,
    /// 32 random bytes, hex.
    pub secret: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
