//! A picture per petition (issue 13 point 2, F1.2): what the page shows of it on `petitions` (the
//! key of its files, its description for people who cannot see it, its size at its largest width),
//! and its files, decoded and re-encoded at a few widths on upload, in `pictures`, so that every
//! instance on the same database serves them. Files are named by their content (`key`), so that
//! they can be cached for ever and a copied petition shares them.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    PictureKey,
    PictureAlt,
    PictureWidth,
    PictureHeight,
}

#[derive(DeriveIden)]
enum Pictures {
    Table,
    Id,
    Key,
    Width,
    Height,
    Bytes,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for column in [
            string_len_null(Petitions::PictureKey, 64),
            string_len_null(Petitions::PictureAlt, 300),
            integer_null(Petitions::PictureWidth),
            integer_null(Petitions::PictureHeight),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Petitions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Pictures::Table)
                    .if_not_exists()
                    .col(pk_auto(Pictures::Id))
                    .col(string_len(Pictures::Key, 64))
                    .col(integer(Pictures::Width))
                    .col(integer(Pictures::Height))
                    .col(blob(Pictures::Bytes))
                    .col(timestamp_with_time_zone(Pictures::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_pictures_key_width")
                    .table(Pictures::Table)
                    .col(Pictures::Key)
                    .col(Pictures::Width)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Pictures::Table).to_owned())
            .await?;
        for column in [
            Petitions::PictureHeight,
            Petitions::PictureWidth,
            Petitions::PictureAlt,
            Petitions::PictureKey,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Petitions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
