//! Anonymizing a campaign's signers when it ends (issue 12 point 7, F9.3): per petition, how many
//! days after its closing date the signers' personal data are erased (none: the instance's
//! default), and when that was done.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    AnonymizeAfterDays,
    AnonymizedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(integer_null(Petitions::AnonymizeAfterDays))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(timestamp_with_time_zone_null(Petitions::AnonymizedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Petitions::AnonymizedAt, Petitions::AnonymizeAfterDays] {
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
