//! A petition in several languages (issue 14 point 5, F4.8): its main language, and the
//! translations of its title, text, data-use notice and social preview, one row per language,
//! gone with their petition. Older petitions get no main language here: the migration cannot know
//! the site's default language (it lives in the settings), so the first start after it writes that
//! default into them (`domain::petitions::translations::settle_main_languages`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
    Language,
}

#[derive(DeriveIden)]
enum PetitionTranslations {
    Table,
    PetitionId,
    Lang,
    Title,
    BodyHtml,
    DataNotice,
    SocialText,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(string_len_null(Petitions::Language, 35))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PetitionTranslations::Table)
                    .col(integer(PetitionTranslations::PetitionId))
                    // A language code of the interface, e.g. `fr` or `en-US`.
                    .col(string_len(PetitionTranslations::Lang, 35))
                    .col(text(PetitionTranslations::Title))
                    // Sanitized on write (`domain::petitions::html`), printed as stored.
                    .col(text(PetitionTranslations::BodyHtml))
                    // Empty: the main version's notice.
                    .col(text(PetitionTranslations::DataNotice).default(""))
                    // Empty: the start of this version's text.
                    .col(text(PetitionTranslations::SocialText).default(""))
                    .col(timestamp_with_time_zone(PetitionTranslations::CreatedAt))
                    .col(timestamp_with_time_zone(PetitionTranslations::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(PetitionTranslations::PetitionId)
                            .col(PetitionTranslations::Lang),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(
                                PetitionTranslations::Table,
                                PetitionTranslations::PetitionId,
                            )
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PetitionTranslations::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::Language)
                    .to_owned(),
            )
            .await
    }
}
