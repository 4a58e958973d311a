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
    /// The username, display name and address folded for search (`search_key::account_key`),
    /// kept by `before_save`.
    pub search_key: Option<String>,
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

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        let searched = [&self.username, &self.display_name, &self.email];
        if !searched.iter().any(|v| v.is_set()) {
            return Ok(self);
        }
        // An update that sets some of them only: the others are as stored.
        let stored = match self.id.try_as_ref() {
            Some(id) if searched.iter().any(|v| v.is_not_set()) => {
                Entity::find_by_id(*id).one(db).await?
            }
            _ => None,
        };
        let username = self
            .username
            .try_as_ref()
            .or(stored.as_ref().map(|u| &u.username));
        let display_name = self
            .display_name
            .try_as_ref()
            .or(stored.as_ref().map(|u| &u.display_name));
        let email = self
            .email
            .try_as_ref()
            .or(stored.as_ref().map(|u| &u.email));
        if let (Some(username), Some(display_name), Some(email)) = (username, display_name, email) {
            let key = super::search_key::account_key(username, display_name, email);
            self.search_key = sea_orm::ActiveValue::Set(Some(key));
        }
        Ok(self)
    }
}
