//! The held signatures' index holds only them. Every query of held signatures asks for
//! `held_at IS NOT NULL` (the organizers' list and its sources, a release, a discard); a signature
//! that is not held, nearly all of them, then costs no write of this index. It also keeps
//! PostgreSQL, planning a batch's read before it has statistics, from walking this index over a
//! whole petition to find one address.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "idx_signatures_petition_held";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One batch on one connection: on SQLite, a second connection of the pool may still hold
        // the schema from before the drop, and refuse the new index's name.
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "DROP INDEX {INDEX}; \
                 CREATE INDEX {INDEX} ON signatures (petition_id, held_at) WHERE held_at IS NOT NULL"
            ))
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "DROP INDEX {INDEX}; CREATE INDEX {INDEX} ON signatures (petition_id, held_at)"
            ))
            .await
            .map(|_| ())
    }
}
