//! Petition templates (F4.4): reusable settings for new petitions, owned by a user or an
//! organization, at most one of them the owner's default.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionTemplates {
    Table,
    Id,
    OrganizationId,
    UserId,
    Name,
    BodyHtml,
    Goal,
    SignatureFields,
    DataNotice,
    ReplyTo,
    Theme,
    AccentColor,
    IsDefault,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PetitionTemplates::Table)
                    .col(pk_auto(PetitionTemplates::Id))
                    .col(integer_null(PetitionTemplates::OrganizationId))
                    .col(integer_null(PetitionTemplates::UserId))
                    .col(string_len(PetitionTemplates::Name, 100))
                    .col(text(PetitionTemplates::BodyHtml))
                    .col(integer_null(PetitionTemplates::Goal))
                    .col(text(PetitionTemplates::SignatureFields).default("{}"))
                    .col(text(PetitionTemplates::DataNotice).default(""))
                    .col(string_len_null(PetitionTemplates::ReplyTo, 254))
                    .col(string_len(PetitionTemplates::Theme, 32).default("default"))
                    .col(string_len_null(PetitionTemplates::AccentColor, 7))
                    .col(boolean(PetitionTemplates::IsDefault).default(false))
                    .col(timestamp_with_time_zone(PetitionTemplates::CreatedAt))
                    .check(
                        Expr::col(PetitionTemplates::OrganizationId)
                            .is_null()
                            .ne(Expr::col(PetitionTemplates::UserId).is_null()),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionTemplates::Table, PetitionTemplates::OrganizationId)
                            .to(Organizations::Table, Organizations::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionTemplates::Table, PetitionTemplates::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // At most one default per owner, whatever the code does: partial unique indexes, which
        // SQLite and PostgreSQL both understand.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX petition_templates_one_default_per_organization \
             ON petition_templates (organization_id) WHERE is_default = TRUE",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX petition_templates_one_default_per_user \
             ON petition_templates (user_id) WHERE is_default = TRUE",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PetitionTemplates::Table).to_owned())
            .await
    }
}
