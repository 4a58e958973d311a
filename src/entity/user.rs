use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub is_admin: bool,
    /// An instance moderator: works the moderation queue (`domain::people::permission::may_moderate`).
    pub is_moderator: bool,
    pub locale: Option<String>,
    pub created_at: OffsetDateTime,
    /// Whether the address was proven by a mailed link (accounts made on the command line, and
    /// those that existed before verification, count as verified).
    pub email_verified: bool,
    /// SHA-256 of the pending verification link's token; `None` once used.
    pub verify_token_hash: Option<String>,
    /// When an administrator blocked the account: it cannot log in, its sessions are gone and its
    /// own petitions are a 404 for the public (`domain::administration::people`).
    pub blocked_at: Option<OffsetDateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::membership::Entity")]
    Membership,
}

impl Related<super::membership::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Membership.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
