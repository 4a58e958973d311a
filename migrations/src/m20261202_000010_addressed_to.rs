//! Who a petition is addressed to (issue 13 point 1, F1.2): an optional line under its title
//! ("To the Mayor of Lyon"), set in the wizard and the editor. Older petitions have none.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    AddressedTo,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(string_len_null(Petitions::AddressedTo, 200))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::AddressedTo)
                    .to_owned(),
            )
            .await
    }
}
