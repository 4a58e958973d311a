//! Rate limits, in one place. Per instance (governor keeps them in memory); keys are forgotten
//! once their window has passed.
use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota};

pub struct Limits {
    /// Login attempts per client address.
    login_by_ip: DefaultKeyedRateLimiter<IpAddr>,
    /// Login attempts per account name, whatever the address (a distributed guess).
    login_by_name: DefaultKeyedRateLimiter<String>,
    /// Password-reset requests per client address.
    reset_by_ip: DefaultKeyedRateLimiter<IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

impl Limits {
    /// `per_account` login attempts a minute for one account name; five times that for one client
    /// address, which many honest people may share (a Tor exit, a campus, a carrier's NAT).
    pub fn new(per_account: u32) -> Limits {
        Limits {
            login_by_ip: DefaultKeyedRateLimiter::keyed(per_minute(per_account.saturating_mul(5))),
            login_by_name: DefaultKeyedRateLimiter::keyed(per_minute(per_account)),
            reset_by_ip: DefaultKeyedRateLimiter::keyed(per_minute(per_account)),
        }
    }

    pub fn allow_login(&self, ip: Option<IpAddr>, login: &str) -> bool {
        self.forget_old();
        let by_ip = ip.is_none_or(|ip| self.login_by_ip.check_key(&ip).is_ok());
        by_ip
            && self
                .login_by_name
                .check_key(&login.trim().to_lowercase())
                .is_ok()
    }

    pub fn allow_reset(&self, ip: Option<IpAddr>) -> bool {
        ip.is_none_or(|ip| self.reset_by_ip.check_key(&ip).is_ok())
    }

    fn forget_old(&self) {
        if self.login_by_ip.len() > 10_000 {
            self.login_by_ip.retain_recent();
            self.reset_by_ip.retain_recent();
        }
        if self.login_by_name.len() > 10_000 {
            self.login_by_name.retain_recent();
        }
    }
}
