//! How many signatures one client address may have admitted (F2.7): per petition and across the
//! site, a burst limit (within `burst_minutes`) and a daily one. A signature over a limit is not
//! refused: it is held (`signature::apply`), which the signer cannot tell. Counted from the
//! signatures themselves (each keeps its source's hash for a day, `source`), in the transaction that
//! writes the new one: no extra row, no extra commit, the same count on every instance.
//!
//! The defaults let a school class, a union office or everyone behind a carrier's NAT sign without
//! friction (20 people within ten minutes are well under them), and stop a flood within its first
//! few dozen signatures: 300 signatures from one address within a minute send at most 30 mails.
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};

use super::source::Source;
use crate::config::Settings;
use crate::entity::signature;

/// The longest window: a day.
pub const DAY: time::Duration = time::Duration::days(1);

/// The limits of this instance (settings `signing_*`); 0 turns one off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningLimits {
    pub burst_minutes: u32,
    pub burst_per_petition: u32,
    pub burst_per_site: u32,
    pub daily_per_petition: u32,
    pub daily_per_site: u32,
}

impl SigningLimits {
    pub fn from_settings(settings: &Settings) -> SigningLimits {
        SigningLimits {
            burst_minutes: settings.signing_burst_minutes.clamp(1, 24 * 60),
            burst_per_petition: settings.signing_burst_per_petition,
            burst_per_site: settings.signing_burst_per_site,
            daily_per_petition: settings.signing_daily_per_petition,
            daily_per_site: settings.signing_daily_per_site,
        }
    }

    /// The limits for a signature sent without the proof of work its petition asks: a third of
    /// each (at least one), so that a script that skips the puzzle gets little through while a
    /// signer without JavaScript still signs.
    pub fn stricter(self) -> SigningLimits {
        let third = |n: u32| if n == 0 { 0 } else { Ord::max(n / 3, 1) };
        SigningLimits {
            burst_minutes: self.burst_minutes,
            burst_per_petition: third(self.burst_per_petition),
            burst_per_site: third(self.burst_per_site),
            daily_per_petition: third(self.daily_per_petition),
            daily_per_site: third(self.daily_per_site),
        }
    }

    /// No limit at all.
    pub const NONE: SigningLimits = SigningLimits {
        burst_minutes: 10,
        burst_per_petition: 0,
        burst_per_site: 0,
        daily_per_petition: 0,
        daily_per_site: 0,
    };
}

#[derive(Debug, Default, FromQueryResult)]
struct Admitted {
    burst_petition: i64,
    burst_site: i64,
    day_petition: i64,
    day_site: i64,
}

/// Whether `source` has already had as many signatures admitted as a limit allows, so that one more
/// must be held. Held signatures do not count: a flood that is held does not keep honest signers of
/// the same address held once it stops.
pub async fn over<C: ConnectionTrait>(
    conn: &C,
    limits: SigningLimits,
    source: &Source,
    petition_id: i32,
) -> Result<bool, DbErr> {
    if limits == SigningLimits::NONE {
        return Ok(false);
    }
    let now = super::super::now();
    let burst_since = now - time::Duration::minutes(i64::from(limits.burst_minutes));
    // Built from expressions, so that times are bound as every other time is on each backend.
    let count_if = |condition: SimpleExpr| -> SimpleExpr {
        let counted: SimpleExpr = Expr::case(condition, 1).finally(0).into();
        Func::cast_as(
            Func::coalesce([SimpleExpr::from(Func::sum(counted)), Expr::val(0)]),
            Alias::new("BIGINT"),
        )
        .into()
    };
    let in_burst = || Expr::col(signature::Column::CreatedAt).gt(burst_since);
    let on_petition = || Expr::col(signature::Column::PetitionId).eq(petition_id);
    let admitted = signature::Entity::find()
        .select_only()
        .column_as(count_if(on_petition().and(in_burst())), "burst_petition")
        .column_as(count_if(in_burst()), "burst_site")
        .column_as(count_if(on_petition()), "day_petition")
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "day_site")
        .filter(signature::Column::IpHash.is_in(source.hashes()))
        .filter(signature::Column::CreatedAt.gt(now - DAY))
        .filter(signature::Column::HeldAt.is_null())
        .into_model::<Admitted>()
        .one(conn)
        .await?
        .unwrap_or_default();
    let reached = |limit: u32, count: i64| limit > 0 && count >= i64::from(limit);
    Ok(reached(limits.burst_per_petition, admitted.burst_petition)
        || reached(limits.burst_per_site, admitted.burst_site)
        || reached(limits.daily_per_petition, admitted.day_petition)
        || reached(limits.daily_per_site, admitted.day_site))
}
