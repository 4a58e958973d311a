//! The daily digest of a petition's new signatures to its organizers (issue 12 point 2): per
//! petition, whether it is on, the addresses it goes to, whether it names the new signers, and
//! the watermark up to which signatures were already reported (`sent_until`), which the sending
//! moves with a conditional UPDATE so that one instance only sends each day's digest.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionDigests {
    Table,
    PetitionId,
    Enabled,
    Recipients,
    IncludeNames,
    Locale,
    SentUntil,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PetitionDigests::Table)
                    .col(integer(PetitionDigests::PetitionId).primary_key())
                    .col(boolean(PetitionDigests::Enabled).default(false))
                    // One address a line.
                    .col(text(PetitionDigests::Recipients))
                    .col(boolean(PetitionDigests::IncludeNames).default(false))
                    // The language of whoever last saved it, for organizations' petitions.
                    .col(string_null(PetitionDigests::Locale))
                    .col(timestamp_with_time_zone(PetitionDigests::SentUntil))
                    .col(timestamp_with_time_zone(PetitionDigests::CreatedAt))
                    .col(timestamp_with_time_zone(PetitionDigests::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionDigests::Table, PetitionDigests::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PetitionDigests::Table).to_owned())
            .await
    }
}
