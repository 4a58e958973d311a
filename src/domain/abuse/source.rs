//! Where a signature came from, without keeping the address (F2.7, F9.2, F9.3). A client address is
//! hashed with a key of the current UTC day (HMAC-SHA-256); the keys live in the database, so every
//! instance hashes alike, and each is deleted once no limit window reaches back to its day. Limits
//! look back at most a day, so they count under today's and yesterday's keys; hashes older than that
//! are erased from signatures, and by then their key is gone as well: a copy of the data folder
//! taken later cannot tell whose address a hash was, not even by trying every IPv4 address.
use std::net::IpAddr;
use std::sync::Mutex;

use rand::RngExt;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set};

use crate::entity::{ip_hash_key, signature};

/// One key per UTC day: the longest limit window (`signing_limits::DAY`).
const PERIOD_SECS: i64 = 86_400;

/// A client address as limits see it: its hash under today's key (stored on the signature) and
/// under yesterday's (to count what it did before midnight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub hash: String,
    pub previous: Option<String>,
}

impl Source {
    /// The hashes that stand for this address within the last day.
    pub fn hashes(&self) -> Vec<String> {
        std::iter::once(self.hash.clone())
            .chain(self.previous.clone())
            .collect()
    }

    /// A short label, enough to tell sources apart on the dashboard and to act on one.
    pub fn label(&self) -> String {
        self.hash.chars().take(8).collect()
    }
}

/// The keys of today and yesterday, as this instance last read them.
#[derive(Default)]
pub struct SourceKeys {
    cached: Mutex<Option<Keys>>,
}

#[derive(Clone)]
struct Keys {
    period: i64,
    current: [u8; 32],
    previous: Option<[u8; 32]>,
}

fn period_now() -> i64 {
    time::OffsetDateTime::now_utc()
        .unix_timestamp()
        .div_euclid(PERIOD_SECS)
}

fn decode(secret: &str) -> Option<[u8; 32]> {
    let bytes: Vec<u8> = (0..secret.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(secret.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    bytes.try_into().ok()
}

impl SourceKeys {
    /// The source of `ip` (none without an address). Reads the database only when the day changed
    /// since the last call on this instance: the first signature of a day draws its key.
    pub async fn source(
        &self,
        db: &DatabaseConnection,
        ip: Option<IpAddr>,
    ) -> Result<Option<Source>, DbErr> {
        let Some(ip) = ip else {
            return Ok(None);
        };
        let period = period_now();
        let cached = self
            .cached
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .filter(|k| k.period == period);
        let keys = match cached {
            Some(keys) => keys,
            None => {
                let keys = load(db, period).await?;
                if let Ok(mut slot) = self.cached.lock() {
                    *slot = Some(keys.clone());
                }
                keys
            }
        };
        Ok(Some(Source {
            hash: super::super::token::ip_hash(&keys.current, ip),
            previous: keys
                .previous
                .as_ref()
                .map(|k| super::super::token::ip_hash(k, ip)),
        }))
    }
}

/// Today's key (drawn now if no instance has yet) and yesterday's, if it was drawn.
async fn load(db: &DatabaseConnection, period: i64) -> Result<Keys, DbErr> {
    let secret: [u8; 32] = rand::rng().random();
    let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    let txn = crate::db::begin_write(db).await?;
    // Two instances drawing at once: the first insert wins, both read it back.
    ip_hash_key::Entity::insert(ip_hash_key::ActiveModel {
        period: Set(period),
        secret: Set(secret),
        created_at: Set(crate::mail::now_millis()),
    })
    .on_conflict(
        OnConflict::column(ip_hash_key::Column::Period)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    let rows = ip_hash_key::Entity::find()
        .filter(ip_hash_key::Column::Period.is_in([period, period - 1]))
        .all(&txn)
        .await?;
    txn.commit().await?;
    let key = |p: i64| {
        rows.iter()
            .find(|r| r.period == p)
            .and_then(|r| decode(&r.secret))
    };
    Ok(Keys {
        period,
        current: key(period).ok_or_else(|| DbErr::Custom("no client key for today".into()))?,
        previous: key(period - 1),
    })
}

/// Forgets what no limit needs any more: keys of days before yesterday, and the hashes stored on
/// signatures more than a day old (held signatures keep only their short source label). Run by
/// `retention` at start and hourly. Returns the signatures whose hash was erased.
pub async fn forget_old(db: &DatabaseConnection) -> Result<u64, DbErr> {
    let period = period_now();
    ip_hash_key::Entity::delete_many()
        .filter(ip_hash_key::Column::Period.lt(period - 1))
        .exec(db)
        .await?;
    let cutoff = super::super::now() - time::Duration::seconds(PERIOD_SECS);
    const BATCH: u64 = 1_000;
    crate::db::in_batches(db, BATCH, |txn| {
        Box::pin(async move {
            use sea_orm::QuerySelect;
            let ids: Vec<i32> = signature::Entity::find()
                .select_only()
                .column(signature::Column::Id)
                .filter(signature::Column::IpHash.is_not_null())
                .filter(signature::Column::CreatedAt.lt(cutoff))
                .limit(BATCH)
                .into_tuple()
                .all(txn)
                .await?;
            if ids.is_empty() {
                return Ok((0, 0));
            }
            let erased = signature::Entity::update_many()
                .col_expr(
                    signature::Column::IpHash,
                    Expr::value(Option::<String>::None),
                )
                .filter(signature::Column::Id.is_in(ids.clone()))
                .exec(txn)
                .await?;
            Ok((ids.len() as u64, erased.rows_affected))
        })
    })
    .await
}
