//! The mail worker finds due mail one priority at a time, oldest first (`mail::worker::due`): this
//! index lets each of those queries walk the pending mail of one priority in sending order and stop
//! after a batch, instead of sorting the whole queue on every batch.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MailQueue {
    Table,
    Status,
    Priority,
    NextAttemptAt,
    Id,
}

const NAME: &str = "idx_mail_queue_priority_due";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(MailQueue::Table)
                    .col(MailQueue::Status)
                    .col(MailQueue::Priority)
                    .col(MailQueue::NextAttemptAt)
                    .col(MailQueue::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(NAME).table(MailQueue::Table).to_owned())
            .await
    }
}
