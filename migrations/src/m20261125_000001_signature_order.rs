//! The signatures of one petition in the order they came: the signatures page lists them newest
//! first and the CSV export reads them in batches by id, each an index range instead of a sort of
//! every signature of the petition.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Signatures {
    Table,
    PetitionId,
    Id,
}

const INDEX: &str = "idx_signatures_petition_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Signatures::Table)
                    .col(Signatures::PetitionId)
                    .col(Signatures::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(Signatures::Table)
                    .to_owned(),
            )
            .await
    }
}
