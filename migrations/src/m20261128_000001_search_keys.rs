//! Search that ignores case and accents on both databases: each petition and each signature keeps
//! a folded copy of what is searched (`search_key`). Rows written before this migration have none
//! until Signons fills them in at start (`domain::petitions::search::fill_missing_keys`), which needs the same
//! folding as new rows and so is done by the application, not in SQL.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    SearchKey,
}

#[derive(DeriveIden)]
enum Signatures {
    Table,
    SearchKey,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(ColumnDef::new(Petitions::SearchKey).text().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Signatures::Table)
                    .add_column(ColumnDef::new(Signatures::SearchKey).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Signatures::Table)
                    .drop_column(Signatures::SearchKey)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::SearchKey)
                    .to_owned(),
            )
            .await
    }
}
