//! Abuse limits on signing (F2.7, F9.2): signatures keep the canonical form of their address
//! (`email_key`, filled in by Signons at start for older rows) and may be held back
//! (`held_at`, `held_source`) instead of counted and mailed; queued mails keep their recipient's
//! canonical address and petition, and a ledger (`mail_ledger`, a keyed hash of the canonical
//! address per mail, kept a day) lets the mails an address receives be capped; the keys
//! that hash client addresses rotate daily (`ip_hash_keys`) and are discarded after their window;
//! a petition may ask browsers for a proof of work (`proof_of_work`), each solution spent once
//! (`pow_spent`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Signatures {
    Table,
    PetitionId,
    EmailKey,
    HeldAt,
    HeldSource,
    IpHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailQueue {
    Table,
    RecipientKey,
    PetitionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum MailLedger {
    Table,
    Id,
    RecipientHash,
    PetitionId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PowSpent {
    Table,
    Fingerprint,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    ProofOfWork,
}

#[derive(DeriveIden)]
enum IpHashKeys {
    Table,
    Period,
    Secret,
    CreatedAt,
}

const SIGNATURE_EMAIL_KEY: &str = "idx_signatures_petition_email_key";
const SIGNATURE_SOURCE: &str = "idx_signatures_ip_hash_created";
const SIGNATURE_HELD: &str = "idx_signatures_petition_held";
const MAIL_RECIPIENT: &str = "idx_mail_queue_recipient_key_created";
const LEDGER_RECIPIENT: &str = "idx_mail_ledger_recipient_created";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        for column in [
            ColumnDef::new(Signatures::EmailKey)
                .string_len(254)
                .null()
                .to_owned(),
            ColumnDef::new(Signatures::HeldAt)
                .timestamp_with_time_zone()
                .null()
                .to_owned(),
            ColumnDef::new(Signatures::HeldSource)
                .string_len(16)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Signatures::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            ColumnDef::new(MailQueue::RecipientKey)
                .string_len(254)
                .null()
                .to_owned(),
            ColumnDef::new(MailQueue::PetitionId)
                .integer()
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailQueue::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(SIGNATURE_EMAIL_KEY)
                    .table(Signatures::Table)
                    .col(Signatures::PetitionId)
                    .col(Signatures::EmailKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SIGNATURE_SOURCE)
                    .table(Signatures::Table)
                    .col(Signatures::IpHash)
                    .col(Signatures::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SIGNATURE_HELD)
                    .table(Signatures::Table)
                    .col(Signatures::PetitionId)
                    .col(Signatures::HeldAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(MAIL_RECIPIENT)
                    .table(MailQueue::Table)
                    .col(MailQueue::RecipientKey)
                    .col(MailQueue::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(MailLedger::Table)
                    .col(pk_auto(MailLedger::Id))
                    .col(string_len(MailLedger::RecipientHash, 64))
                    .col(integer_null(MailLedger::PetitionId))
                    .col(big_integer(MailLedger::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(LEDGER_RECIPIENT)
                    .table(MailLedger::Table)
                    .col(MailLedger::RecipientHash)
                    .col(MailLedger::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PowSpent::Table)
                    .col(string_len(PowSpent::Fingerprint, 64).primary_key())
                    .col(big_integer(PowSpent::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(boolean(Petitions::ProofOfWork).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IpHashKeys::Table)
                    .col(big_integer(IpHashKeys::Period).primary_key())
                    .col(string_len(IpHashKeys::Secret, 64))
                    .col(big_integer(IpHashKeys::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IpHashKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(MailLedger::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PowSpent::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::ProofOfWork)
                    .to_owned(),
            )
            .await?;
        for (name, table) in [
            (MAIL_RECIPIENT, MailQueue::Table.into_iden()),
            (SIGNATURE_HELD, Signatures::Table.into_iden()),
            (SIGNATURE_SOURCE, Signatures::Table.into_iden()),
            (SIGNATURE_EMAIL_KEY, Signatures::Table.into_iden()),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        for column in [MailQueue::PetitionId, MailQueue::RecipientKey] {
            manager
                .alter_table(
                    Table::alter()
                        .table(MailQueue::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Signatures::HeldSource,
            Signatures::HeldAt,
            Signatures::EmailKey,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Signatures::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
