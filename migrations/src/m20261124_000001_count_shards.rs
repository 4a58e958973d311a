//! The public signature count without a hot row: a confirmation adds one to one of a few shard rows
//! of its petition (chosen at random), so concurrent confirmations rarely wait on the same row. The
//! shards are folded into `petitions.confirmed_count` about once a second; the exact online count
//! is always `petitions.confirmed_count` plus the sum of the petition's shards, read in one statement.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionCountShards {
    Table,
    PetitionId,
    Shard,
    Confirmed,
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
                    .table(PetitionCountShards::Table)
                    .col(integer(PetitionCountShards::PetitionId))
                    .col(small_integer(PetitionCountShards::Shard))
                    .col(big_integer(PetitionCountShards::Confirmed).default(0))
                    .primary_key(
                        Index::create()
                            .col(PetitionCountShards::PetitionId)
                            .col(PetitionCountShards::Shard),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionCountShards::Table, PetitionCountShards::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PetitionCountShards::Table).to_owned())
            .await
    }
}
