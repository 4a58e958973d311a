//! The first schema: accounts, organizations and memberships with permissions, petitions with their
//! permalinks, signatures, and the outgoing mail queue.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    Email,
    DisplayName,
    PasswordHash,
    IsAdmin,
    Locale,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    Slug,
    Name,
    Description,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Memberships {
    Table,
    Id,
    OrganizationId,
    UserId,
    CanAddMembers,
    CanRemoveMembers,
    CanCreatePetitions,
    CanModifyPetitions,
    CanDeletePetitions,
    CanCreateTemplates,
    CanModifyTemplates,
    CanDeleteTemplates,
    CanViewSignatures,
    CanModifySignatures,
    CanDeleteSignatures,
    CanModifyPermissions,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
    OrganizationId,
    UserId,
    Title,
    BodyHtml,
    Goal,
    Deadline,
    Published,
    Moderated,
    PaperSignatures,
    ConfirmedCount,
    SignatureFields,
    DataNotice,
    ReplyTo,
    Theme,
    AccentColor,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Permalinks {
    Table,
    Id,
    PetitionId,
    OrganizationId,
    UserId,
    Slug,
    IsCanonical,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Signatures {
    Table,
    Id,
    PetitionId,
    FirstName,
    LastName,
    Email,
    Phone,
    PostalCode,
    City,
    Country,
    Organization,
    Comment,
    Newsletter,
    Locale,
    ConfirmationTokenHash,
    ConfirmedAt,
    IpHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MailQueue {
    Table,
    Id,
    MessageId,
    Recipient,
    ReplyTo,
    Subject,
    BodyText,
    BodyHtml,
    Priority,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Username, 64))
                    .col(string_len_uniq(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 128).default(""))
                    .col(string(Users::PasswordHash))
                    .col(boolean(Users::IsAdmin).default(false))
                    .col(string_len_null(Users::Locale, 16))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(pk_auto(Organizations::Id))
                    .col(string_len_uniq(Organizations::Slug, 128))
                    .col(string_len(Organizations::Name, 200))
                    .col(text(Organizations::Description).default(""))
                    .col(timestamp_with_time_zone(Organizations::CreatedAt))
                    .to_owned(),
            )
            .await?;

        let mut memberships = Table::create();
        memberships
            .table(Memberships::Table)
            .col(pk_auto(Memberships::Id))
            .col(integer(Memberships::OrganizationId))
            .col(integer(Memberships::UserId));
        for permission in [
            Memberships::CanAddMembers,
            Memberships::CanRemoveMembers,
            Memberships::CanCreatePetitions,
            Memberships::CanModifyPetitions,
            Memberships::CanDeletePetitions,
            Memberships::CanCreateTemplates,
            Memberships::CanModifyTemplates,
            Memberships::CanDeleteTemplates,
            Memberships::CanViewSignatures,
            Memberships::CanModifySignatures,
            Memberships::CanDeleteSignatures,
            Memberships::CanModifyPermissions,
        ] {
            memberships.col(boolean(permission).default(false));
        }
        memberships
            .col(timestamp_with_time_zone(Memberships::CreatedAt))
            .foreign_key(
                ForeignKey::create()
                    .from(Memberships::Table, Memberships::OrganizationId)
                    .to(Organizations::Table, Organizations::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .foreign_key(
                ForeignKey::create()
                    .from(Memberships::Table, Memberships::UserId)
                    .to(Users::Table, Users::Id)
                    .on_delete(ForeignKeyAction::Cascade),
            )
            .index(
                Index::create()
                    .unique()
                    .col(Memberships::OrganizationId)
                    .col(Memberships::UserId),
            );
        manager.create_table(memberships.to_owned()).await?;

        manager
            .create_table(
                Table::create()
                    .table(Petitions::Table)
                    .col(pk_auto(Petitions::Id))
                    .col(integer_null(Petitions::OrganizationId))
                    .col(integer_null(Petitions::UserId))
                    .col(string_len(Petitions::Title, 300))
                    .col(text(Petitions::BodyHtml))
                    .col(integer_null(Petitions::Goal))
                    .col(timestamp_with_time_zone_null(Petitions::Deadline))
                    .col(boolean(Petitions::Published).default(false))
                    .col(boolean(Petitions::Moderated).default(false))
                    .col(integer(Petitions::PaperSignatures).default(0))
                    .col(big_integer(Petitions::ConfirmedCount).default(0))
                    .col(text(Petitions::SignatureFields).default("{}"))
                    .col(text(Petitions::DataNotice).default(""))
                    .col(string_len_null(Petitions::ReplyTo, 254))
                    .col(string_len(Petitions::Theme, 32).default("default"))
                    .col(string_len_null(Petitions::AccentColor, 7))
                    .col(timestamp_with_time_zone(Petitions::CreatedAt))
                    .col(timestamp_with_time_zone(Petitions::UpdatedAt))
                    .check(
                        Expr::col(Petitions::OrganizationId)
                            .is_null()
                            .ne(Expr::col(Petitions::UserId).is_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Petitions::Table, Petitions::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Petitions::Table, Petitions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_petitions_published_created")
                    .table(Petitions::Table)
                    .col(Petitions::Published)
                    .col(Petitions::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Permalinks::Table)
                    .col(pk_auto(Permalinks::Id))
                    .col(integer(Permalinks::PetitionId))
                    .col(integer_null(Permalinks::OrganizationId))
                    .col(integer_null(Permalinks::UserId))
                    .col(string_len(Permalinks::Slug, 200))
                    .col(boolean(Permalinks::IsCanonical).default(false))
                    .col(timestamp_with_time_zone(Permalinks::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Permalinks::Table, Permalinks::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // A slug is unique per owner: NULLs are distinct in unique indexes on both backends, so each
        // index only constrains the rows of its own kind of owner.
        manager
            .create_index(
                Index::create()
                    .name("idx_permalinks_org_slug")
                    .table(Permalinks::Table)
                    .col(Permalinks::OrganizationId)
                    .col(Permalinks::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_permalinks_user_slug")
                    .table(Permalinks::Table)
                    .col(Permalinks::UserId)
                    .col(Permalinks::Slug)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_permalinks_petition")
                    .table(Permalinks::Table)
                    .col(Permalinks::PetitionId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Signatures::Table)
                    .col(pk_auto(Signatures::Id))
                    .col(integer(Signatures::PetitionId))
                    .col(string_len(Signatures::FirstName, 100))
                    .col(string_len(Signatures::LastName, 100))
                    .col(string_len(Signatures::Email, 254))
                    .col(string_len_null(Signatures::Phone, 40))
                    .col(string_len_null(Signatures::PostalCode, 20))
                    .col(string_len_null(Signatures::City, 100))
                    .col(string_len_null(Signatures::Country, 100))
                    .col(string_len_null(Signatures::Organization, 200))
                    .col(text_null(Signatures::Comment))
                    .col(boolean(Signatures::Newsletter).default(false))
                    .col(string_len_null(Signatures::Locale, 16))
                    .col(string_len_uniq(Signatures::ConfirmationTokenHash, 64))
                    .col(timestamp_with_time_zone_null(Signatures::ConfirmedAt))
                    .col(string_len_null(Signatures::IpHash, 64))
                    .col(timestamp_with_time_zone(Signatures::CreatedAt))
                    .col(timestamp_with_time_zone(Signatures::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Signatures::Table, Signatures::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .index(
                        Index::create()
                            .unique()
                            .col(Signatures::PetitionId)
                            .col(Signatures::Email),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MailQueue::Table)
                    .col(pk_auto(MailQueue::Id))
                    .col(string_len_uniq(MailQueue::MessageId, 200))
                    .col(string_len(MailQueue::Recipient, 254))
                    .col(string_len_null(MailQueue::ReplyTo, 254))
                    .col(string_len(MailQueue::Subject, 400))
                    .col(text(MailQueue::BodyText))
                    .col(text_null(MailQueue::BodyHtml))
                    .col(small_integer(MailQueue::Priority).default(0))
                    .col(string_len(MailQueue::Status, 16).default("pending"))
                    .col(integer(MailQueue::Attempts).default(0))
                    // Queue times are Unix milliseconds: lease and backoff arithmetic stays portable SQL.
                    .col(big_integer(MailQueue::NextAttemptAt))
                    .col(big_integer_null(MailQueue::LeaseUntil))
                    .col(text_null(MailQueue::LastError))
                    .col(big_integer(MailQueue::CreatedAt))
                    .col(big_integer_null(MailQueue::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mail_queue_due")
                    .table(MailQueue::Table)
                    .col(MailQueue::Status)
                    .col(MailQueue::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            MailQueue::Table.into_iden(),
            Signatures::Table.into_iden(),
            Permalinks::Table.into_iden(),
            Petitions::Table.into_iden(),
            Memberships::Table.into_iden(),
            Organizations::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
