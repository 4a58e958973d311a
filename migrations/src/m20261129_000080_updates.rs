//! Updates to signers (issue 12, F6.5): what the people running a petition write to those who
//! asked to be kept informed, and the recipients of each (one row per update and signature, so
//! that no one is mailed twice, whatever is pressed twice, crashes or runs on two instances). A
//! mail may carry the address of its one-click unsubscription (RFC 8058).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionUpdates {
    Table,
    Id,
    PetitionId,
    Subject,
    BodyMarkdown,
    BodyHtml,
    Private,
    AuthorId,
    AuthorName,
    CreatedAt,
    SendingAt,
    SentAt,
    Cursor,
    Recipients,
}

#[derive(DeriveIden)]
enum UpdateRecipients {
    Table,
    UpdateId,
    SignatureId,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MailQueue {
    Table,
    ListUnsubscribe,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PetitionUpdates::Table)
                    .col(pk_auto(PetitionUpdates::Id))
                    .col(integer(PetitionUpdates::PetitionId))
                    .col(text(PetitionUpdates::Subject))
                    .col(text(PetitionUpdates::BodyMarkdown))
                    .col(text(PetitionUpdates::BodyHtml))
                    .col(boolean(PetitionUpdates::Private).default(false))
                    .col(integer_null(PetitionUpdates::AuthorId))
                    .col(text(PetitionUpdates::AuthorName))
                    .col(timestamp_with_time_zone(PetitionUpdates::CreatedAt))
                    // Set when "send" is pressed; the fan-out then queues the mails in batches.
                    .col(timestamp_with_time_zone_null(PetitionUpdates::SendingAt))
                    // Set when every recipient's mail is queued.
                    .col(timestamp_with_time_zone_null(PetitionUpdates::SentAt))
                    // The last signature id whose mail is queued.
                    .col(integer(PetitionUpdates::Cursor).default(0))
                    .col(integer(PetitionUpdates::Recipients).default(0))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionUpdates::Table, PetitionUpdates::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("petition_updates_petition")
                    .table(PetitionUpdates::Table)
                    .col(PetitionUpdates::PetitionId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UpdateRecipients::Table)
                    .col(integer(UpdateRecipients::UpdateId))
                    .col(integer(UpdateRecipients::SignatureId))
                    .primary_key(
                        Index::create()
                            .col(UpdateRecipients::UpdateId)
                            .col(UpdateRecipients::SignatureId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UpdateRecipients::Table, UpdateRecipients::UpdateId)
                            .to(PetitionUpdates::Table, PetitionUpdates::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(MailQueue::Table)
                    .add_column(text_null(MailQueue::ListUnsubscribe))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(MailQueue::Table)
                    .drop_column(MailQueue::ListUnsubscribe)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(UpdateRecipients::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PetitionUpdates::Table).to_owned())
            .await
    }
}
