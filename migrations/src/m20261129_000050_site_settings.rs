//! Site settings (issue 11 point 6, F8.1): what the administrators chose on `/admin/settings`, one
//! row for the whole site. `document` is a JSON object holding only the settings saved on the page
//! (the others come from `Rocket.toml`); `revision` grows by one at each save, so that every
//! instance sees a change by reading one number. A report's reason may now be one of the
//! administrators' own (`custom:` and up to 80 characters): `reports.reason` grows to 128 (SQLite
//! does not enforce lengths, so only PostgreSQL needs it).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SiteSettings {
    Table,
    Id,
    Revision,
    Document,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SiteSettings::Table)
                    .col(integer(SiteSettings::Id).primary_key())
                    .col(big_integer(SiteSettings::Revision).default(0))
                    .col(text(SiteSettings::Document).default("{}"))
                    .col(timestamp_with_time_zone_null(SiteSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(SiteSettings::Table)
                    .columns([
                        SiteSettings::Id,
                        SiteSettings::Revision,
                        SiteSettings::Document,
                    ])
                    .values_panic([1.into(), 0i64.into(), "{}".into()])
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DatabaseBackend::Postgres {
            manager
                .alter_table(
                    Table::alter()
                        .table(Reports::Table)
                        .modify_column(string_len(Reports::Reason, 128))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SiteSettings::Table).to_owned())
            .await
    }
}
