//! Attempt limits shared by every instance: logins, password-reset requests and registrations are
//! counted in the `attempts` table, so that several instances on one database hold one limit.
//!
//! A key names who is counted — a keyed hash of the client address (never the address itself), a
//! hash of the account name, or both — and each limit counts in fixed windows. The decision uses a
//! sliding estimate over two windows (the previous window's count, weighted by how much of it still
//! overlaps the last `window` seconds, plus the current one), so a burst at a window's edge does not
//! get twice the limit. The increment is one `INSERT … ON CONFLICT … DO UPDATE … RETURNING`, atomic
//! on SQLite and PostgreSQL alike. Rows outlive their window by one more window (the estimate needs
//! them), then any instance deletes them on its way.
//!
//! Logins follow three limits, so that a flood from one client can never lock the account's owner
//! out: per account and client (`per_minute`), per client (five times that: many honest people share
//! an address behind a NAT or Tor), and per account (five times that too), to which only attempts
//! that passed the client's own limits count — one client alone cannot reach it. A browser that
//! logged in to the account before (its "known device" cookie) is not held by the per-account limit.
use std::net::IpAddr;

use rand::RngExt;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use crate::config::Keys;
use crate::domain::token;
use crate::entity::attempt;

/// At most `max` attempts in any `window_secs` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window_secs: i64,
}

impl Limit {
    pub fn per_minute(max: u32) -> Limit {
        Limit {
            max,
            window_secs: 60,
        }
    }

    pub fn per_hour(max: u32) -> Limit {
        Limit {
            max,
            window_secs: 3600,
        }
    }
}

/// One time in `PURGE_ONE_IN` an attempt also deletes the expired rows.
const PURGE_ONE_IN: u32 = 50;

fn unix_now() -> i64 {
    crate::domain::now().unix_timestamp()
}

/// The sliding estimate of attempts in the last window, given the two windows' counts.
fn estimate(limit: Limit, now: i64, previous: i32, current: i32) -> f64 {
    let window = std::cmp::max(limit.window_secs, 1);
    let elapsed = now.rem_euclid(window) as f64 / window as f64;
    f64::from(previous) * (1.0 - elapsed) + f64::from(current)
}

async fn count_in<C: ConnectionTrait>(conn: &C, key: &str, window: i64) -> Result<i32, DbErr> {
    Ok(attempt::Entity::find_by_id((key.to_string(), window))
        .one(conn)
        .await?
        .map_or(0, |row| row.count))
}

/// Counts one attempt under `key` and answers whether it stays within `limit`.
pub async fn hit<C: ConnectionTrait>(conn: &C, key: &str, limit: Limit) -> Result<bool, DbErr> {
    let now = unix_now();
    let window_secs = std::cmp::max(limit.window_secs, 1);
    let window = now.div_euclid(window_secs);
    let insert = Query::insert()
        .into_table(attempt::Entity)
        .columns([
            attempt::Column::Key,
            attempt::Column::Window,
            attempt::Column::Count,
            attempt::Column::ExpiresAt,
        ])
        .values([
            key.into(),
            window.into(),
            1i32.into(),
            ((window + 2) * window_secs).into(),
        ])
        .map_err(|e| DbErr::Custom(e.to_string()))?
        .on_conflict(
            OnConflict::columns([attempt::Column::Key, attempt::Column::Window])
                .value(
                    attempt::Column::Count,
                    Expr::col((attempt::Entity, attempt::Column::Count)).add(1),
                )
                .to_owned(),
        )
        .returning_col(attempt::Column::Count)
        .to_owned();
    let current: i32 = match conn.query_one(&insert).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 1,
    };
    let previous = count_in(conn, key, window - 1).await?;
    if rand::rng().random_range(0..PURGE_ONE_IN) == 0 {
        purge_expired(conn).await?;
    }
    Ok(estimate(limit, now, previous, current) <= f64::from(limit.max))
}

/// Whether one more attempt under `key` would stay within `limit`, without counting it.
pub async fn would_allow<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    limit: Limit,
) -> Result<bool, DbErr> {
    let now = unix_now();
    let window = now.div_euclid(std::cmp::max(limit.window_secs, 1));
    let current = count_in(conn, key, window).await?;
    let previous = count_in(conn, key, window - 1).await?;
    Ok(estimate(limit, now, previous, current.saturating_add(1)) <= f64::from(limit.max))
}

/// Deletes the rows no estimate needs any more. Returns how many went.
pub async fn purge_expired<C: ConnectionTrait>(conn: &C) -> Result<u64, DbErr> {
    Ok(attempt::Entity::delete_many()
        .filter(attempt::Column::ExpiresAt.lt(unix_now()))
        .exec(conn)
        .await?
        .rows_affected)
}

/// What a limit key says of a client: the keyed hash of its address.
fn client(keys: &Keys, ip: IpAddr) -> String {
    token::ip_hash(&keys.ip_hash, ip)
}

/// What a limit key says of an account name (a username or an address, as typed): a plain hash of
/// its normalized form, so that the table never holds it in clear.
pub fn account_key(login: &str) -> String {
    token::hash(&login.trim().to_lowercase())
}

/// Counts a login attempt for `login` from `ip` and answers whether it may be checked. See the module
/// comment for the three limits; `known_device` is a browser that logged in to this account before.
pub async fn allow_login<C: ConnectionTrait>(
    conn: &C,
    keys: &Keys,
    per_minute: u32,
    ip: Option<IpAddr>,
    login: &str,
    known_device: bool,
) -> Result<bool, DbErr> {
    let account = account_key(login);
    let wide = Limit::per_minute(per_minute.saturating_mul(5));
    if let Some(ip) = ip {
        let client = client(keys, ip);
        let pair = hit(
            conn,
            &format!("login-pair:{account}:{client}"),
            Limit::per_minute(per_minute),
        )
        .await?;
        let by_client = hit(conn, &format!("login-client:{client}"), wide).await?;
        if !(pair && by_client) {
            return Ok(false);
        }
    }
    if known_device {
        return Ok(true);
    }
    hit(conn, &format!("login-account:{account}"), wide).await
}

/// After the right password: this client's attempts on this account are forgotten, so that an
/// owner who mistyped a few times and logs in and out again is not held back. The per-client and
/// per-account counts stay.
pub async fn login_succeeded<C: ConnectionTrait>(
    conn: &C,
    keys: &Keys,
    ip: Option<IpAddr>,
    login: &str,
) -> Result<(), DbErr> {
    if let Some(ip) = ip {
        let pair = format!("login-pair:{}:{}", account_key(login), client(keys, ip));
        attempt::Entity::delete_many()
            .filter(attempt::Column::Key.eq(pair))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Counts a password-reset request from `ip` and answers whether it may go on.
pub async fn allow_reset<C: ConnectionTrait>(
    conn: &C,
    keys: &Keys,
    per_minute: u32,
    ip: Option<IpAddr>,
) -> Result<bool, DbErr> {
    match ip {
        Some(ip) => {
            hit(
                conn,
                &format!("reset-client:{}", client(keys, ip)),
                Limit::per_minute(per_minute),
            )
            .await
        }
        None => Ok(true),
    }
}

/// Counts a registration attempt from `ip` and answers whether it may go on.
pub async fn allow_registration<C: ConnectionTrait>(
    conn: &C,
    keys: &Keys,
    per_hour: u32,
    ip: Option<IpAddr>,
) -> Result<bool, DbErr> {
    match ip {
        Some(ip) => {
            hit(
                conn,
                &format!("register-client:{}", client(keys, ip)),
                Limit::per_hour(per_hour),
            )
            .await
        }
        None => Ok(true),
    }
}

/// Counts a report of `petition_id` from `ip` and answers whether it may be recorded: at most
/// `per_hour` reports from one client, and twenty times that for one petition from all clients (a
/// flood cannot fill the moderation queue). A client without an address counts as one client.
pub async fn allow_report<C: ConnectionTrait>(
    conn: &C,
    keys: &Keys,
    per_hour: u32,
    ip: Option<IpAddr>,
    petition_id: i32,
) -> Result<bool, DbErr> {
    let who = ip.map_or_else(|| "unknown".to_string(), |ip| client(keys, ip));
    let by_client = hit(
        conn,
        &format!("report-client:{who}"),
        Limit::per_hour(per_hour),
    )
    .await?;
    if !by_client {
        return Ok(false);
    }
    hit(
        conn,
        &format!("report-petition:{petition_id}"),
        Limit::per_hour(per_hour.saturating_mul(20)),
    )
    .await
}

/// What stands for one client reporting one petition: a keyed hash of both, so that the same
/// client is recognised on that petition only, and its address is never kept.
pub fn reporter_key(keys: &Keys, ip: Option<IpAddr>, petition_id: i32) -> String {
    let who = ip.map_or_else(|| "unknown".to_string(), |ip| client(keys, ip));
    token::keyed_hash(&keys.ip_hash, &format!("report:{petition_id}:{who}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_window_weighs_less_as_the_current_one_goes_on() {
        let limit = Limit::per_minute(10);
        assert_eq!(estimate(limit, 120, 10, 1), 11.0);
        assert_eq!(estimate(limit, 150, 10, 1), 6.0);
        assert!(estimate(limit, 179, 10, 0) < 1.0);
    }
}
