//! How a campaign ended (issue 12 point 7, F9.3): a petition its organizers closed by hand says
//! whether it succeeded (`successful`) or simply ended (`closed`). Closing sets its closing date to
//! that moment, so signing stops and the anonymization delay counts from there.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Outcome,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(string_len_null(Petitions::Outcome, 16))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::Outcome)
                    .to_owned(),
            )
            .await
    }
}
