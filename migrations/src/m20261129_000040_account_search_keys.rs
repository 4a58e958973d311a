//! Searching accounts blind to accents as well as case (`/admin/users`, `signons admin list
//! --search`): each account keeps its username, display name and e-mail address folded in
//! `search_key`, as petitions and signatures do (`m20261128_000001_search_keys`). Accounts made
//! before this migration get theirs when Signons starts (`domain::petitions::search::
//! fill_missing_keys`), since the folding is the application's.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    SearchKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::SearchKey).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::SearchKey)
                    .to_owned(),
            )
            .await
    }
}
