use sea_orm::entity::prelude::*;
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub slug: String,
    pub name: String,
    /// Plain text; paragraphs apart by a blank line.
    pub description: String,
    /// An `http://` or `https://` address, checked when written.
    pub website: Option<String>,
    /// The name folded as search folds it (`search_key::fold`), kept by `before_save`: two
    /// organizations never share one (a unique index). Rows older than the column get theirs at
    /// start, where a duplicate is told apart by its id (`domain::people::organization::name`).
    pub name_key: Option<String>,
    pub created_at: OffsetDateTime,
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
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        if let sea_orm::ActiveValue::Set(name) = &self.name {
            self.name_key = sea_orm::ActiveValue::Set(Some(super::search_key::fold(name)));
        }
        Ok(self)
    }
}
