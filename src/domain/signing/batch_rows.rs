//! The rows a group commit adds, written together at its end: the signatures, the mails and the
//! mail ledger lines of a batch go in by multi-row INSERTs instead of one statement each.
//!
//! On SQLite, rows go in chunks whose sizes are powers of two up to 64, so that the statements keep
//! a handful of shapes, which each connection keeps prepared. On PostgreSQL, where every statement
//! is a round trip to the server and a turn of the writer's task, all the rows of a batch go in one
//! statement (`WITH w0 AS (INSERT …), w1 AS (INSERT …) INSERT …`): one round trip instead of three to
//! nine. Its shape depends on the batch's size, and batches are mostly small.
use sea_orm::sea_query::{Alias, CommonTableExpression, InsertStatement, WithClause};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryTrait};

use crate::entity::{mail_ledger, mail_queue, signature};

/// The most rows in one INSERT.
const MAX_CHUNK: usize = 64;

/// The rows of a batch not written yet.
#[derive(Debug, Default)]
pub struct BatchRows {
    signatures: Vec<signature::ActiveModel>,
    mails: Vec<mail_queue::ActiveModel>,
}

impl BatchRows {
    pub fn signature(&mut self, row: signature::ActiveModel) {
        self.signatures.push(row);
    }

    pub fn mail(&mut self, row: mail_queue::ActiveModel) {
        self.mails.push(row);
    }

    /// Writes the rows waiting (the signatures first), in the caller's transaction.
    pub async fn flush<C: ConnectionTrait>(&mut self, conn: &C) -> Result<(), DbErr> {
        self.flush_with(conn, Vec::new()).await
    }

    /// Writes the rows waiting and `ledger`, in the caller's transaction.
    pub async fn flush_with<C: ConnectionTrait>(
        &mut self,
        conn: &C,
        ledger: Vec<mail_ledger::ActiveModel>,
    ) -> Result<(), DbErr> {
        let signatures = std::mem::take(&mut self.signatures);
        let mails = std::mem::take(&mut self.mails);
        if conn.get_database_backend() == DatabaseBackend::Postgres {
            let inserts: Vec<InsertStatement> =
                [insert_of(signatures), insert_of(mails), insert_of(ledger)]
                    .into_iter()
                    .flatten()
                    .collect();
            return insert_together(conn, inserts).await;
        }
        insert_chunked(conn, signatures).await?;
        insert_chunked(conn, mails).await?;
        insert_chunked(conn, ledger).await
    }
}

/// One INSERT of all `rows`, or none for no rows.
fn insert_of<A>(rows: Vec<A>) -> Option<InsertStatement>
where
    A: ActiveModelTrait + Send,
{
    (!rows.is_empty()).then(|| <A::Entity as EntityTrait>::insert_many(rows).into_query())
}

/// Runs `inserts` as one statement, each but the last in a `WITH` (PostgreSQL runs them all, in
/// one snapshot; none of them reads what another writes).
async fn insert_together<C: ConnectionTrait>(
    conn: &C,
    mut inserts: Vec<InsertStatement>,
) -> Result<(), DbErr> {
    let Some(last) = inserts.pop() else {
        return Ok(());
    };
    let backend = conn.get_database_backend();
    if inserts.is_empty() {
        conn.execute(&last).await?;
        return Ok(());
    }
    let mut with = WithClause::new();
    for (i, insert) in inserts.into_iter().enumerate() {
        with.cte(
            CommonTableExpression::new()
                .query(insert)
                .table_name(Alias::new(format!("w{i}")))
                .to_owned(),
        );
    }
    conn.execute_raw(backend.build(&last.with(with))).await?;
    Ok(())
}

/// Inserts `rows` (each with the same columns set) in chunks of `chunk_sizes`.
pub async fn insert_chunked<C, A>(conn: &C, rows: Vec<A>) -> Result<(), DbErr>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    let sizes = chunk_sizes(rows.len());
    let mut rows = rows.into_iter();
    for size in sizes {
        <A::Entity as EntityTrait>::insert_many(rows.by_ref().take(size))
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The chunk sizes for `n` rows: 64 while more than 64 remain, then the powers of two the rest is
/// made of (37: 32, 4, 1).
fn chunk_sizes(n: usize) -> Vec<usize> {
    let mut sizes = vec![MAX_CHUNK; n / MAX_CHUNK];
    let rest = n % MAX_CHUNK;
    sizes.extend(
        (0..MAX_CHUNK.trailing_zeros())
            .rev()
            .map(|bit| 1 << bit)
            .filter(|size| rest & size != 0),
    );
    sizes
}

#[cfg(test)]
mod tests {
    use super::chunk_sizes;

    #[test]
    fn chunks_cover_every_row_with_few_shapes() {
        assert!(chunk_sizes(0).is_empty());
        assert_eq!(chunk_sizes(1), [1]);
        assert_eq!(chunk_sizes(37), [32, 4, 1]);
        assert_eq!(chunk_sizes(64), [64]);
        assert_eq!(chunk_sizes(200), [64, 64, 64, 8]);
        for n in 0..600 {
            let sizes = chunk_sizes(n);
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes.iter().all(|s| s.is_power_of_two() && *s <= 64));
        }
    }
}
