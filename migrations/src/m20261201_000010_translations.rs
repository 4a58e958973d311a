//! Translations written by administrators on `/admin/translations` (issue 14 point 3, F7.3): one
//! row per message and language, holding the message's Fluent text (what follows `id =`), merged
//! over the built-in messages and the locales folder. `translation_revision` is one row whose
//! number grows by one at each change, so that every instance sees a change by reading one number.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Translations {
    Table,
    Id,
    Lang,
    MessageId,
    Source,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum TranslationRevision {
    Table,
    Id,
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Translations::Table)
                    .col(pk_auto(Translations::Id))
                    .col(string_len(Translations::Lang, 35))
                    .col(string_len(Translations::MessageId, 128))
                    .col(text(Translations::Source))
                    .col(timestamp_with_time_zone(Translations::UpdatedAt))
                    .col(string_len(Translations::UpdatedBy, 128).default(""))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("translations_lang_message")
                    .table(Translations::Table)
                    .col(Translations::Lang)
                    .col(Translations::MessageId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TranslationRevision::Table)
                    .col(integer(TranslationRevision::Id).primary_key())
                    .col(big_integer(TranslationRevision::Revision).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(TranslationRevision::Table)
                    .columns([TranslationRevision::Id, TranslationRevision::Revision])
                    .values_panic([1.into(), 0i64.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TranslationRevision::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Translations::Table).to_owned())
            .await
    }
}
