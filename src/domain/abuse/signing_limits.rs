//! How many signatures one client address may have admitted (F2.7): per petition and across the
//! site, a burst limit (within `burst_minutes`) and a daily one. A signature over a limit is not
//! refused: it is held (`signature::apply`), which the signer cannot tell. Counted from the
//! signatures themselves (each keeps its source's hash for a day, `source`), once per group commit
//! in the transaction that writes them (`signing::tallies`): no extra row, no extra commit, the
//! same count on every instance.
//!
//! The defaults let a school class, a union office or everyone behind a carrier's NAT sign without
//! friction (20 people within ten minutes are well under them), and stop a flood within its first
//! few dozen signatures: 300 signatures from one address within a minute send at most 30 mails.
use crate::config::Settings;

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

/// What one source had admitted within the windows: on this petition and across the site.
#[derive(Debug, Clone, Copy, Default)]
pub struct Admitted {
    pub burst_petition: i64,
    pub burst_site: i64,
    pub day_petition: i64,
    pub day_site: i64,
}

impl SigningLimits {
    /// Whether a source that had `admitted` must have its next signature held. Held signatures are
    /// not in `admitted`: a flood that is held does not keep honest signers of the same address
    /// held once it stops.
    pub fn reached(self, admitted: Admitted) -> bool {
        let reached = |limit: u32, count: i64| limit > 0 && count >= i64::from(limit);
        reached(self.burst_per_petition, admitted.burst_petition)
            || reached(self.burst_per_site, admitted.burst_site)
            || reached(self.daily_per_petition, admitted.day_petition)
            || reached(self.daily_per_site, admitted.day_site)
    }
}
