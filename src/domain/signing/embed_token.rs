//! The form token of the embeddable sign widget (`web::embed`). A page framed by another site
//! cannot count on cookies: a SameSite=Lax cookie is not sent with a POST from a third-party frame,
//! and browsers may block third-party cookies altogether. So the widget's form carries a stateless
//! token instead of the CSRF cookie's: `<expires>.<mac>`, an HMAC over the petition and the expiry
//! with a key of the instance, checked in constant time.
//!
//! What it proves is that the form was served by this instance for this petition in the last few
//! hours; a signature is anonymous (no account acts through it) and only counts once confirmed from
//! the mailbox, so that is what a token can usefully say. The expiry is rounded up to the hour, so a
//! widget's page is the same bytes for every visitor during that hour and caches may share it. It
//! is also what the widget's proof of work is bound to (`abuse::proof_of_work`).

/// How long a token is valid at least after its page was served.
pub const VALID_FOR_SECS: i64 = 6 * 3600;
/// Expiries are rounded up to a multiple of this: every page served in one hour carries one token.
pub const ROUNDED_TO_SECS: i64 = 3600;

/// Why a widget's form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No token, not one of ours, or for another petition.
    Forged,
    Expired,
}

impl Refused {
    /// The Fluent key shown on the widget's form.
    pub fn message_key(self) -> &'static str {
        match self {
            Refused::Forged => "embed-token-invalid",
            Refused::Expired => "embed-token-expired",
        }
    }
}

fn mac(key: &[u8; 32], petition_id: i32, expires: i64) -> String {
    crate::domain::token::keyed_hash(key, &format!("embed\0{petition_id}\0{expires}"))
}

/// The token of the widget of `petition_id` served at `now` (Unix seconds).
pub fn issue(key: &[u8; 32], petition_id: i32, now: i64) -> String {
    let expires =
        (now + VALID_FOR_SECS).div_euclid(ROUNDED_TO_SECS) * ROUNDED_TO_SECS + ROUNDED_TO_SECS;
    format!("{expires}.{}", mac(key, petition_id, expires))
}

/// Checks the token a widget's form brought for `petition_id` at `now` (Unix seconds).
pub fn verify(
    key: &[u8; 32],
    petition_id: i32,
    token: Option<&str>,
    now: i64,
) -> Result<(), Refused> {
    let (expires, given) = token
        .and_then(|t| t.split_once('.'))
        .ok_or(Refused::Forged)?;
    let expires: i64 = expires.parse().map_err(|_| Refused::Forged)?;
    let expected = mac(key, petition_id, expires);
    let same: bool = subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), given.as_bytes()).into();
    if !same {
        return Err(Refused::Forged);
    }
    if expires < now {
        return Err(Refused::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [9; 32];
    const NOW: i64 = 1_800_000_123;

    #[test]
    fn a_token_is_the_same_for_an_hour_and_valid_six_hours_at_least() {
        let token = issue(&KEY, 4, NOW);
        assert_eq!(
            token,
            issue(&KEY, 4, NOW + 60),
            "the same bytes a minute later"
        );
        assert_eq!(verify(&KEY, 4, Some(&token), NOW + VALID_FOR_SECS), Ok(()));
        assert_eq!(
            verify(
                &KEY,
                4,
                Some(&token),
                NOW + VALID_FOR_SECS + ROUNDED_TO_SECS + 1
            ),
            Err(Refused::Expired)
        );
    }

    #[test]
    fn a_token_for_another_petition_or_instance_or_altered_is_forged() {
        let token = issue(&KEY, 4, NOW);
        assert_eq!(verify(&KEY, 5, Some(&token), NOW), Err(Refused::Forged));
        assert_eq!(verify(&[1; 32], 4, Some(&token), NOW), Err(Refused::Forged));
        let (expires, mac) = token.split_once('.').expect("two parts");
        let later = format!("{}.{mac}", expires.parse::<i64>().expect("a number") + 3600);
        assert_eq!(verify(&KEY, 4, Some(&later), NOW), Err(Refused::Forged));
        assert_eq!(verify(&KEY, 4, None, NOW), Err(Refused::Forged));
        assert_eq!(verify(&KEY, 4, Some("garbage"), NOW), Err(Refused::Forged));
    }
}
