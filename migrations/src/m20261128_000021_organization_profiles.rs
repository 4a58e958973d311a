//! Organizations that can be renamed, described and told apart: a website beside the existing
//! description; the addresses an organization had before a rename (`organization_slugs`), which keep
//! redirecting to its current one; and `name_key`, its name folded as search folds it, so that two
//! organizations cannot share a name up to case and accents.
//!
//! `name_key` is computed by Signons (the folding is Rust's, the same as search keys), right after
//! this migration at start (`domain::people::organization::name::fill_missing_keys`), so rows that
//! exist now get it then. Its unique index is safe for databases that already hold two
//! organizations with the same name: the column starts NULL everywhere (NULLs never collide in a
//! unique index, on SQLite as on PostgreSQL), and the fill gives the older organization the plain key
//! and each later duplicate the key followed by a line break and its id, which no folded name can
//! contain.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    NameKey,
    Website,
}

#[derive(DeriveIden)]
enum OrganizationSlugs {
    Table,
    Id,
    OrganizationId,
    Slug,
    CreatedAt,
}

const NAME_KEY_INDEX: &str = "idx_organizations_name_key";
const SLUG_ORGANIZATION_INDEX: &str = "idx_organization_slugs_organization";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(text_null(Organizations::NameKey))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .add_column(string_len_null(Organizations::Website, 300))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(NAME_KEY_INDEX)
                    .table(Organizations::Table)
                    .col(Organizations::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrganizationSlugs::Table)
                    .col(pk_auto(OrganizationSlugs::Id))
                    .col(integer(OrganizationSlugs::OrganizationId))
                    .col(string_len_uniq(OrganizationSlugs::Slug, 128))
                    .col(timestamp_with_time_zone(OrganizationSlugs::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrganizationSlugs::Table, OrganizationSlugs::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(SLUG_ORGANIZATION_INDEX)
                    .table(OrganizationSlugs::Table)
                    .col(OrganizationSlugs::OrganizationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrganizationSlugs::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(NAME_KEY_INDEX)
                    .table(Organizations::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organizations::Website)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organizations::Table)
                    .drop_column(Organizations::NameKey)
                    .to_owned(),
            )
            .await
    }
}
