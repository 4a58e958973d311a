//! What a translation of a petition says besides its title and texts (issue 13 points 1 and 2): who
//! the petition is addressed to, and what its picture shows, in that language. Empty (None): the
//! main version's.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionTranslations {
    Table,
    AddressedTo,
    PictureAlt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PetitionTranslations::Table)
                    .add_column(string_len_null(PetitionTranslations::AddressedTo, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PetitionTranslations::Table)
                    .add_column(string_len_null(PetitionTranslations::PictureAlt, 300))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            PetitionTranslations::PictureAlt,
            PetitionTranslations::AddressedTo,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(PetitionTranslations::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
