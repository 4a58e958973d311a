//! Petition texts written in Markdown (issue 13 point 3, F4.3): the text as its author wrote it, next
//! to the sanitized HTML pages print (rendered on write), for petitions, their translations and
//! petition templates. Texts saved before are HTML and have none: the editor shows their HTML, which
//! Markdown keeps as it is, so nothing already published changes its look.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    BodyMarkdown,
}

#[derive(DeriveIden)]
enum PetitionTranslations {
    Table,
    BodyMarkdown,
}

#[derive(DeriveIden)]
enum PetitionTemplates {
    Table,
    BodyMarkdown,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(text_null(Petitions::BodyMarkdown))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PetitionTranslations::Table)
                    .add_column(text_null(PetitionTranslations::BodyMarkdown))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PetitionTemplates::Table)
                    .add_column(text_null(PetitionTemplates::BodyMarkdown))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(PetitionTemplates::Table)
                    .drop_column(PetitionTemplates::BodyMarkdown)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(PetitionTranslations::Table)
                    .drop_column(PetitionTranslations::BodyMarkdown)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::BodyMarkdown)
                    .to_owned(),
            )
            .await
    }
}
