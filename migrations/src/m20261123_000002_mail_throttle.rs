//! The shared sending budget of the mail workers: one row whose `next_slot_at` (Unix ms) is the
//! earliest moment the next mail may leave, for every instance on this database.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailThrottle {
    Table,
    Id,
    NextSlotAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MailThrottle::Table)
                    .col(integer(MailThrottle::Id).primary_key())
                    .col(big_integer(MailThrottle::NextSlotAt).default(0))
                    .to_owned(),
            )
            .await?;
        let insert = Query::insert()
            .into_table(MailThrottle::Table)
            .columns([MailThrottle::Id, MailThrottle::NextSlotAt])
            .values_panic([1.into(), 0i64.into()])
            .to_owned();
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MailThrottle::Table).to_owned())
            .await
    }
}
