//! A pause of the whole instance group, kept apart from the sending budget: when an SMTP server
//! answers 421/451, no mail leaves before `paused_until` (Unix ms), even mail already given a slot.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailThrottle {
    Table,
    PausedUntil,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailThrottle::Table)
                    .add_column(big_integer(MailThrottle::PausedUntil).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailThrottle::Table)
                    .drop_column(MailThrottle::PausedUntil)
                    .to_owned(),
            )
            .await
    }
}
