use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

/// One signer of one petition. Counted only once `confirmed_at` is set.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signatures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub petition_id: i32,
    pub first_name: String,
    pub last_name: String,
    /// As typed (trimmed); mail goes to it.
    pub email: String,
    /// The canonical form of `email` (`domain::abuse::address`): one mailbox, one signature.
    pub email_key: Option<String>,
    pub phone: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub organization: Option<String>,
    pub comment: Option<String>,
    pub newsletter: bool,
    /// The signer agreed to show their first name, city or organization and comment on the
    /// petition's page, when it shows its signers (`domain::signing::public_signers`).
    pub shown_publicly: bool,
    pub locale: Option<String>,
    /// SHA-256 (hex) of the token sent in the confirmation link; the token itself is never stored.
    #[sea_orm(unique)]
    pub confirmation_token_hash: String,
    pub confirmed_at: Option<OffsetDateTime>,
    /// Keyed hash of the signer's IP address, with the key of its day (`domain::abuse::source`);
    /// never the address itself, and erased once no limit window reaches back to it.
    pub ip_hash: Option<String>,
    /// Set while the signature is held back by a limit: it does not count and no mail went out.
    pub held_at: Option<OffsetDateTime>,
    /// A short label of the client address it came from, to group what one source sent.
    pub held_source: Option<String>,
    /// Full name and address folded for search (`search_key::signature_key`), kept by
    /// `before_save`.
    pub search_key: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::petition::Entity",
        from = "Column::PetitionId",
        to = "super::petition::Column::Id",
        on_delete = "Cascade"
    )]
    Petition,
}

impl Related<super::petition::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Petition.def()
    }
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        let changed = self.first_name.is_set() || self.last_name.is_set() || self.email.is_set();
        if changed
            && let (Some(first), Some(last), Some(email)) = (
                self.first_name.try_as_ref(),
                self.last_name.try_as_ref(),
                self.email.try_as_ref(),
            )
        {
            let key = super::search_key::signature_key(first, last, email);
            self.search_key = sea_orm::ActiveValue::Set(Some(key));
        }
        Ok(self)
    }
}
