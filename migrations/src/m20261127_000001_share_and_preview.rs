//! What a petition's page offers for sharing (F4.2): which share links it shows, and the text and
//! image of its social preview.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    ShareLinks,
    SocialText,
    SocialImageUrl,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds a single column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(
                        ColumnDef::new(Petitions::ShareLinks)
                            .string()
                            .not_null()
                            .default("email,mastodon,diaspora,link"),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(
                        ColumnDef::new(Petitions::SocialText)
                            .text()
                            .not_null()
                            .default(""),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(ColumnDef::new(Petitions::SocialImageUrl).text().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Petitions::SocialImageUrl,
            Petitions::SocialText,
            Petitions::ShareLinks,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Petitions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
