//! The confirmed-signature count of each petition, without a row that every confirmation updates.
//!
//! A confirmation adds one to one of `SHARDS` rows of its petition in `petition_count_shards`, chosen
//! at random, in the confirmation's own transaction: concurrent confirmations (several instances on
//! PostgreSQL) rarely wait on the same row. About once a second a folder moves the shards' totals into
//! `petitions.confirmed_count` and empties them, in one transaction. The exact online count is
//! therefore always `petitions.confirmed_count` plus the petition's shards, read in one statement
//! (one snapshot, so a fold running at the same moment is seen either entirely or not at all); code
//! that reads `petitions.confirmed_count` alone is at most one fold behind.
use std::collections::HashMap;
use std::time::Duration;

use rand::RngExt;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, Value};

/// Shards per petition: enough that concurrent confirmations seldom meet on one row, few enough
/// that summing them is a handful of index entries.
pub const SHARDS: i16 = 16;

/// How often the shards are folded into the petitions' rows.
pub const FOLD_EVERY: Duration = Duration::from_secs(1);

const TOTAL: &str = "p.confirmed_count + CAST(COALESCE((SELECT SUM(s.confirmed) \
     FROM petition_count_shards s WHERE s.petition_id = p.id), 0) AS BIGINT)";

/// `?` placeholders as the backend wants them (`$1, $2, …` on PostgreSQL).
pub(super) fn statement(backend: DatabaseBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = if backend == DatabaseBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_string()
    };
    Statement::from_sql_and_values(backend, sql, values)
}

/// Counts `n` more confirmed signatures for `petition_id`, in the confirming transaction. Called
/// only by `history::Changes`, which moves the day of the confirmations with the count.
pub(super) async fn add_confirmed<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    n: i64,
) -> Result<(), DbErr> {
    let shard = rand::rng().random_range(0..SHARDS);
    conn.execute_raw(statement(
        conn.get_database_backend(),
        "INSERT INTO petition_count_shards (petition_id, shard, confirmed) VALUES (?, ?, ?) \
         ON CONFLICT (petition_id, shard) DO UPDATE \
         SET confirmed = petition_count_shards.confirmed + excluded.confirmed",
        vec![petition_id.into(), shard.into(), n.into()],
    ))
    .await?;
    Ok(())
}

/// The exact number of confirmed online signatures of one petition.
pub async fn confirmed<C: ConnectionTrait>(conn: &C, petition_id: i32) -> Result<i64, DbErr> {
    let row = conn
        .query_one_raw(statement(
            conn.get_database_backend(),
            &format!("SELECT {TOTAL} AS total FROM petitions p WHERE p.id = ?"),
            vec![petition_id.into()],
        ))
        .await?;
    match row {
        Some(row) => row.try_get("", "total"),
        None => Ok(0),
    }
}

/// The exact number of confirmed online signatures of several petitions, in one statement.
pub async fn confirmed_many<C: ConnectionTrait>(
    conn: &C,
    ids: &[i32],
) -> Result<HashMap<i32, i64>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let marks = vec!["?"; ids.len()].join(", ");
    let rows = conn
        .query_all_raw(statement(
            conn.get_database_backend(),
            &format!(
                "SELECT p.id AS id, {TOTAL} AS total FROM petitions p WHERE p.id IN ({marks})"
            ),
            ids.iter().map(|id| (*id).into()).collect(),
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "id")?, row.try_get("", "total")?)))
        .collect()
}

/// Moves the shards' totals into `petitions.confirmed_count`, in one transaction. Returns how many
/// petitions were folded. On PostgreSQL the shards table is locked against writers for the moment of
/// the fold, so no confirmation can slip between the sum and the delete; SQLite's write lock does the
/// same.
pub async fn fold(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let pending = db
        .query_one_raw(statement(
            backend,
            "SELECT petition_id FROM petition_count_shards LIMIT 1",
            vec![],
        ))
        .await?;
    if pending.is_none() {
        return Ok(0);
    }
    let txn = crate::db::begin_write(db).await?;
    if backend == DatabaseBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE petition_count_shards IN SHARE ROW EXCLUSIVE MODE")
            .await?;
    }
    let folded = txn
        .execute_unprepared(
            "UPDATE petitions SET confirmed_count = confirmed_count + CAST(COALESCE((SELECT SUM(s.confirmed) \
             FROM petition_count_shards s WHERE s.petition_id = petitions.id), 0) AS BIGINT) \
             WHERE id IN (SELECT petition_id FROM petition_count_shards)",
        )
        .await?
        .rows_affected();
    txn.execute_unprepared("DELETE FROM petition_count_shards")
        .await?;
    txn.commit().await?;
    Ok(folded)
}

/// Folds every `FOLD_EVERY` until `stop` resolves.
pub async fn run_folder(
    db: DatabaseConnection,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    tokio::pin!(stop);
    let mut tick = tokio::time::interval(FOLD_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tick.tick() => {
                if let Err(e) = fold(&db).await {
                    tracing::warn!(error = %e, "cannot fold the signature counts");
                }
            }
        }
    }
}
