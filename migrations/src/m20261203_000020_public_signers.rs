//! Recent signers on a petition's page (issue 13 point 1, F1.2): a petition may show the first name,
//! the city or organization and the comment of the signers who agreed to it when signing (opt-in,
//! per signer). Nothing changes for petitions and signatures from before: both default to no.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    ShowSigners,
}

#[derive(DeriveIden)]
enum Signatures {
    Table,
    ShownPublicly,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .add_column(boolean(Petitions::ShowSigners).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Signatures::Table)
                    .add_column(boolean(Signatures::ShownPublicly).default(false))
                    .to_owned(),
            )
            .await?;
        // The page's list reads the latest public signers of one petition. A partial index holds
        // only them, so that signing without showing one's name costs no extra index write.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_signatures_public ON signatures (petition_id, confirmed_at) \
                 WHERE shown_publicly",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_signatures_public")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Signatures::Table)
                    .drop_column(Signatures::ShownPublicly)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Petitions::Table)
                    .drop_column(Petitions::ShowSigners)
                    .to_owned(),
            )
            .await
    }
}
