//! Connecting to the database and migrating it: SQLite (WAL, synchronous=FULL, busy timeout,
//! secure_delete, an explicit pool, files readable by their owner only) by default, PostgreSQL
//! when the URL says so.
use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, SqliteTransactionMode, TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::config::Settings;
use crate::error::StartupError;

/// Any number; the same on every instance so that they take turns migrating.
const MIGRATION_LOCK_KEY: i64 = 0x5167_6e6f_6e73;

/// SQLite's memory in the whole process, in bytes (a soft limit: SQLite frees cached pages to stay
/// under it, and never refuses a query because of it).
pub const SQLITE_SOFT_HEAP_LIMIT: &str = "8388608";

pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, StartupError> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") {
        create_sqlite_parent(&url)?;
    }
    let in_memory = url.contains(":memory:") || url.contains("mode=memory");
    let mut options = ConnectOptions::new(url);
    options
        // Each connection of an in-memory SQLite database would see its own empty database.
        .max_connections(if in_memory {
            1
        } else {
            settings.database_pool_size.max(2)
        })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                // FULL: a commit is on disk before the signer is answered, even across a power cut.
                .synchronous(SqliteSynchronous::Full)
                // Freed pages are zeroed: a deleted signer's address does not linger in the file.
                .pragma("secure_delete", "on")
                // 1 MiB of page cache per connection instead of 2: pages come from the page
                // cache in `web::cache`, and the operating system keeps the file's pages anyway;
                // eight connections' caches were a third of the memory under a burst of signers.
                .pragma("cache_size", "-1024")
                // And SQLite's memory in all (every connection's cache, statements, schemas) held
                // to `SQLITE_SOFT_HEAP_LIMIT`: past it, SQLite reuses cached pages instead of
                // allocating more (about 4 MB less at the peak of a burst of 512 signers).
                .pragma("soft_heap_limit", SQLITE_SOFT_HEAP_LIMIT)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    Ok(Database::connect(options).await?)
}

fn create_sqlite_parent(url: &str) -> Result<(), StartupError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path.contains(":memory:") {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        let mut dir = std::fs::DirBuilder::new();
        dir.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            dir.mode(0o700);
        }
        dir.create(parent)
            .map_err(|e| StartupError::io(parent, e))?;
    }
    owner_only(path).map_err(|e| StartupError::io(path, e))
}

/// Creates the database file readable and writable by its owner only, or narrows an existing one
/// to that. SQLite gives its `-wal` and `-shm` files the mode of the database file.
fn owner_only(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)?;
        for suffix in ["", "-wal", "-shm"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Brings the schema up to date, then the data that follows it (organizations' name keys, search
/// keys). On PostgreSQL the instances that start at the same moment take turns through an advisory
/// lock held for the migration's transaction.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StartupError> {
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let txn = db.begin().await?;
            txn.execute_unprepared(&format!(
                "SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"
            ))
            .await?;
            Migrator::up(&txn, None).await?;
            // Under the lock: instances starting together would each give a duplicate name its
            // mark, and the unique index would refuse the second.
            crate::domain::people::organization::name::fill_missing_keys(&txn).await?;
            txn.commit().await?;
        }
        _ => {
            Migrator::up(db, None).await?;
            let txn = begin_write(db).await?;
            crate::domain::people::organization::name::fill_missing_keys(&txn).await?;
            txn.commit().await?;
        }
    }
    let keyed = crate::domain::abuse::address::fill_missing_email_keys(db).await?;
    if keyed > 0 {
        tracing::info!(
            rows = keyed,
            "canonical addresses filled in for signatures written before them"
        );
    }
    let filled = crate::domain::petitions::search::fill_missing_keys(db).await?;
    if filled > 0 {
        tracing::info!(
            rows = filled,
            "search keys filled in for rows written before them"
        );
    }
    Ok(())
}

/// Set in a group commit's transaction on PostgreSQL: its statements are planned once per
/// connection and shape, instead of again at each batch. They look rows up by index whatever their
/// values, and a batch's read spent more time being planned than running (`pg_stat_statements`).
pub const GENERIC_PLANS: &str = "SET LOCAL plan_cache_mode = force_generic_plan";

/// Starts a transaction that will write. On SQLite it takes the write lock at once (`BEGIN
/// IMMEDIATE`): a deferred transaction that later writes cannot wait for the lock and fails with
/// "database is locked".
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, sea_orm::DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// One batch of `in_batches`: how many rows it found, and how many of them it changed.
pub type Batch<'t> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<(u64, u64), sea_orm::DbErr>> + Send + 't>,
>;

/// Works through many rows in write transactions of at most `size` rows each, so that a large
/// clean-up never holds the write lock for long. `batch` handles the next rows (at most `size`) in
/// the transaction it is given and answers how many it found and how many of them it changed; it runs
/// again while it finds a full batch. Returns the rows changed in all.
pub async fn in_batches(
    db: &DatabaseConnection,
    size: u64,
    mut batch: impl for<'t> FnMut(&'t DatabaseTransaction) -> Batch<'t>,
) -> Result<u64, sea_orm::DbErr> {
    let mut changed = 0;
    loop {
        let txn = begin_write(db).await?;
        let (found, done) = batch(&txn).await?;
        txn.commit().await?;
        changed += done;
        if found < size {
            return Ok(changed);
        }
    }
}

/// `column IN (the values)`. On SQLite the values are bound as one JSON array: the statement text is
/// the same for any number of values, so each connection prepares it once (a list of `?` changes
/// the text, and each length is one more statement in every connection's cache). On PostgreSQL it
/// stays a list of parameters: with a JSON array its planner cannot tell how many values come, and
/// chose plans that scanned every signature or parsed the array once per row.
pub fn in_list<T>(
    backend: DatabaseBackend,
    column: &str,
    values: impl IntoIterator<Item = T>,
) -> sea_orm::sea_query::SimpleExpr
where
    T: serde::Serialize + Into<sea_orm::Value>,
{
    use sea_orm::sea_query::{Alias, Expr, ExprTrait};
    let values: Vec<T> = values.into_iter().collect();
    match backend {
        DatabaseBackend::Sqlite => {
            let list = serde_json::to_string(&values).unwrap_or_else(|_| "[]".into());
            Expr::cust_with_values(
                format!("{column} IN (SELECT value FROM json_each(?))"),
                [list],
            )
        }
        _ => Expr::col(Alias::new(column)).is_in(values),
    }
}

/// The tables a flood of signatures grows by thousands of rows a second, with the columns their
/// statements filter, join or sort on: only those are analyzed (the mails' bodies, read in full
/// for their statistics, made each `ANALYZE` ten times longer).
const GROWING_TABLES: [(&str, &str); 3] = [
    (
        "signatures",
        "id, petition_id, email_key, email, ip_hash, created_at, held_at, confirmed_at, shown_publicly",
    ),
    (
        "mail_queue",
        "id, status, priority, next_attempt_at, lease_until, recipient_key, created_at, petition_id",
    ),
    ("mail_ledger", "recipient_hash, petition_id, created_at"),
];

/// The statistics target of these analyses: 3,000 rows sampled a table instead of 30,000. The row
/// count and the number of distinct addresses and sources, all these plans use, come out as well
/// (checked on 60,000 rows); one `ANALYZE` of 60,000 rows took 16 ms instead of 120–150 ms.
const STATISTICS_TARGET: u32 = 10;

/// How often `PlannerStatistics` looks at them, at most.
const STATISTICS_CHECK: Duration = Duration::from_secs(1);

/// Keeps PostgreSQL's planner statistics of the growing tables up to date while signatures pour in.
///
/// PostgreSQL plans each statement from the statistics `ANALYZE` gathers. Autovacuum gathers them
/// once 50 rows + 10 % of a table have changed, but it looks only once a minute, and some servers
/// run without it. Meanwhile a fresh petition flooded with signers grows from a few rows to tens of
/// thousands, and the planner, still believing the tables nearly empty, reads every signature of
/// the petition to find a batch's addresses and walks the whole mail queue to claim eight mails:
/// each batch costs more than the last (measured: 800 signatures/s instead of 1,300 after 6 s).
/// So while signatures are written, Signons looks once a second at most, and analyzes a table whose
/// rows changed by 50 plus as many as it had at its last analysis: its statistics are never off by
/// more than twice its size, which is all these plans need (they look rows up by index; only an
/// estimate far too small makes the planner read a whole table), from a smaller sample
/// (`STATISTICS_TARGET`). Autovacuum's own rule (10 %) and sample analyzed a growing table every
/// second, each time reading it again: 66–95 ms of the server's CPU a second under a flood, a tenth
/// of a core. With autovacuum on, it still refines the statistics in its own time. Nothing on
/// SQLite, whose planner needs no statistics for these statements.
#[derive(Default)]
pub struct PlannerStatistics {
    next_check: std::sync::Mutex<Option<std::time::Instant>>,
    running: std::sync::atomic::AtomicBool,
}

impl PlannerStatistics {
    /// Called after rows were written: analyzes, in the background, the growing tables that are
    /// due (at most one check every `STATISTICS_CHECK`).
    pub fn after_writing(self: &std::sync::Arc<Self>, db: &DatabaseConnection) {
        use std::sync::atomic::Ordering;
        if db.get_database_backend() != DatabaseBackend::Postgres {
            return;
        }
        let now = std::time::Instant::now();
        {
            let mut next = self
                .next_check
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if next.is_some_and(|at| now < at) {
                return;
            }
            *next = Some(now + STATISTICS_CHECK);
        }
        if self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        let db = db.clone();
        tokio::spawn(async move {
            match analyze_due(&db).await {
                Ok(analyzed) if !analyzed.is_empty() => {
                    tracing::debug!(tables = ?analyzed, "planner statistics refreshed");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot refresh the planner statistics"),
            }
            this.running.store(false, Ordering::Release);
        });
    }
}

/// Analyzes the growing tables whose statistics are due (PostgreSQL, the rule above); returns them.
pub async fn analyze_due(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
    let listed = GROWING_TABLES
        .iter()
        .map(|(t, _)| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            DatabaseBackend::Postgres,
            format!(
                "SELECT s.relname::text FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid \
                 WHERE s.schemaname = current_schema() AND s.relname IN ({listed}) \
                 AND s.n_mod_since_analyze > 50 + GREATEST(c.reltuples, 0)"
            ),
        ))
        .await?;
    let mut due = Vec::with_capacity(rows.len());
    for row in rows {
        let name: String = row.try_get_by_index(0)?;
        // Only names of the list above, never anything read from elsewhere.
        if let Some((table, columns)) = GROWING_TABLES.iter().find(|(t, _)| *t == name) {
            due.push(((*table).to_string(), format!("{table} ({columns})")));
        }
    }
    if !due.is_empty() {
        let targets: Vec<&str> = due.iter().map(|(_, target)| target.as_str()).collect();
        // One query string runs as one transaction, so the smaller sample holds for this ANALYZE
        // only.
        db.execute_unprepared(&format!(
            "SET LOCAL default_statistics_target = {STATISTICS_TARGET}; ANALYZE {}",
            targets.join(", ")
        ))
        .await?;
    }
    Ok(due.into_iter().map(|(table, _)| table).collect())
}
