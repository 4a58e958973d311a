//! Moderation (F8.2): reports anyone can file against a petition, the instance-level moderator
//! role, the reason shown to the owner of a hidden petition, and the append-only audit log of
//! administrative decisions.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    PetitionId,
    Reason,
    Comment,
    ReporterKey,
    CreatedAt,
    DismissedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    Action,
    TargetKind,
    TargetId,
    TargetLabel,
    Reason,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    IsModerator,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
    ModerationReason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(pk_auto(Reports::Id))
                    .col(integer(Reports::PetitionId))
                    .col(string_len(Reports::Reason, 32))
                    .col(text(Reports::Comment))
                    // A keyed hash of the client and the petition; emptied when the reports are
                    // dismissed, so that the same client may report again.
                    .col(string_len_null(Reports::ReporterKey, 64))
                    .col(timestamp_with_time_zone(Reports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Reports::DismissedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Reports::Table, Reports::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reports_petition_reporter")
                    .table(Reports::Table)
                    .col(Reports::PetitionId)
                    .col(Reports::ReporterKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("reports_open")
                    .table(Reports::Table)
                    .col(Reports::DismissedAt)
                    .col(Reports::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    // No foreign key: the log outlives the accounts and targets it names.
                    .col(integer_null(AuditLog::ActorId))
                    .col(string_len(AuditLog::ActorName, 64))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::TargetKind, 32))
                    .col(integer_null(AuditLog::TargetId))
                    .col(text(AuditLog::TargetLabel))
                    .col(text(AuditLog::Reason))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_log_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(boolean(Users::IsModerator).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(text_null(Petitions::ModerationReason))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::ModerationReason)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::IsModerator)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Reports::Table).to_owned())
            .await?;
        Ok(())
    }
}
