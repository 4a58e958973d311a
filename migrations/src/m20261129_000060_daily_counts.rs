//! Confirmed signatures per petition per UTC day (F6.4), for the dashboard's chart, the public
//! history and the badge. Kept like the count itself: a few shard rows per petition and day, so
//! that concurrent confirmations rarely wait on one row; a day's figure is the sum of its shards.
//! A withdrawn or deleted signature is taken off the day it was confirmed, so the days always add
//! up to the petition's confirmed count. Filled here from the signatures already confirmed.
use sea_orm_migration::sea_orm::DatabaseBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionDailyCounts {
    Table,
    PetitionId,
    Day,
    Shard,
    Confirmed,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PetitionDailyCounts::Table)
                    .col(integer(PetitionDailyCounts::PetitionId))
                    .col(date(PetitionDailyCounts::Day))
                    .col(small_integer(PetitionDailyCounts::Shard))
                    .col(big_integer(PetitionDailyCounts::Confirmed).default(0))
                    .primary_key(
                        Index::create()
                            .col(PetitionDailyCounts::PetitionId)
                            .col(PetitionDailyCounts::Day)
                            .col(PetitionDailyCounts::Shard),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionDailyCounts::Table, PetitionDailyCounts::PetitionId)
                            .to(Petitions::Table, Petitions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Timestamps are stored in UTC: on SQLite a text that starts with the date, on PostgreSQL
        // a timestamp with time zone, read at UTC.
        let day = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "CAST((confirmed_at AT TIME ZONE 'UTC') AS DATE)",
            _ => "substr(confirmed_at, 1, 10)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO petition_daily_counts (petition_id, day, shard, confirmed) \
                 SELECT petition_id, {day}, 0, COUNT(*) FROM signatures \
                 WHERE confirmed_at IS NOT NULL GROUP BY petition_id, {day}"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PetitionDailyCounts::Table).to_owned())
            .await
    }
}
