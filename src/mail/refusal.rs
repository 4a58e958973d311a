//! What a failed send means for the queue: never worth another try, worth another try for this one
//! mail (its own backoff), or a sign that the whole group of instances must slow down (the shared
//! pause of `mail_throttle_pause_secs`). Also the one place that words the server's answer for
//! `last_error`: its code and its text, once.
//!
//! A temporary (4xx) answer slows the whole group when it is about the connection or the sending
//! rate, and delays only its own mail when it may be about that mail:
//! - `421`, at any stage: the server is closing the channel (busy, too many connections), which it
//!   would do to the next mail as well;
//! - any 4xx before a recipient is named (greeting, EHLO, STARTTLS, AUTH, MAIL FROM): nothing said
//!   so far is particular to this mail, so every other mail would meet the same answer;
//! - at RCPT TO, DATA or after the message: only this mail waits, unless the answer speaks of the
//!   sending rate ("rate limit", "too many", "throttling"…) without being about one mailbox
//!   (enhanced status `4.1.x` or `4.2.x`, as in "4.2.1 the user is receiving mail too fast"). A
//!   greylisting answer never slows the group, even as `451 4.7.1` at RCPT: greylisting is about
//!   one sender–recipient pair, and the mail goes through when retried after its backoff.
use lettre::transport::smtp::Error as SmtpError;

use super::smtp::{Failure, Stage};
use super::transport::SendError;

/// Words of an answer about the rate we send at (compared in lower case).
const RATE_WORDS: &[&str] = &[
    "rate limit",
    "rate-limit",
    "ratelimit",
    "rate exceeded",
    "sending rate",
    "too many",
    "too fast",
    "slow down",
    "throttl",
];

/// Words of a greylisting answer (compared in lower case).
const GREYLIST_WORDS: &[&str] = &["greylist", "graylist", "grey-list", "gray-list"];

/// Classifies a failed SMTP send.
pub fn classify(failure: Failure) -> SendError {
    match failure {
        Failure::Connect(text) => SendError::Temporary(text),
        Failure::Unsendable(text) => SendError::Permanent(text.to_string()),
        Failure::Smtp(stage, e) => classify_smtp(stage, &e),
    }
}

/// Permanent only when the answer is about this mail (its recipient, its sender, its content) or
/// lettre could not even say it. Other 5xx answers (a refused login, a server refusing every
/// connection) are about the configuration: retrying lets the queue drain once it is fixed, instead
/// of failing every mail at once.
fn classify_smtp(stage: Stage, e: &SmtpError) -> SendError {
    let text = describe(e);
    let Some(code) = e.status().map(u16::from) else {
        return if e.is_client() {
            SendError::Permanent(text)
        } else {
            SendError::Temporary(text)
        };
    };
    if e.is_permanent() && matches!(code, 501 | 550..=554) {
        SendError::Permanent(text)
    } else if e.is_transient() && slows_the_group(stage, code, &answer(e)) {
        SendError::Throttled(text)
    } else {
        SendError::Temporary(text)
    }
}

/// The rule of the module comment for one temporary answer: `answer` is the server's text after
/// the code (starting with the enhanced status, when the server gives one).
fn slows_the_group(stage: Stage, code: u16, answer: &str) -> bool {
    if code == 421 || matches!(stage, Stage::Session | Stage::Sender) {
        return true;
    }
    let lower = answer.to_lowercase();
    if GREYLIST_WORDS.iter().any(|w| lower.contains(w)) {
        return false;
    }
    let about_one_mailbox = enhanced_status(answer)
        .is_some_and(|(class, subject)| class == 4 && matches!(subject, 1 | 2));
    !about_one_mailbox && RATE_WORDS.iter().any(|w| lower.contains(w))
}

/// The class and subject of the enhanced status code (RFC 3463) the answer starts with, if any:
/// `4.7.1 …` → (4, 7).
fn enhanced_status(answer: &str) -> Option<(u8, u16)> {
    let mut parts = answer.split_whitespace().next()?.split('.');
    let class = parts.next()?.parse().ok()?;
    let subject = parts.next()?.parse().ok()?;
    parts.next()?.parse::<u16>().ok()?;
    Some((class, subject))
}

/// The server's text, every line joined (lettre keeps it as the error's source).
fn answer(e: &SmtpError) -> String {
    std::error::Error::source(e)
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// What `last_error` keeps: the server's answer as it gave it (`451 4.7.1 greylisted, try later`),
/// or lettre's description of what went wrong with the causes below it, each said once (lettre's
/// own text already ends with its first cause).
fn describe(e: &SmtpError) -> String {
    if let Some(code) = e.status() {
        let answer = answer(e);
        return if answer.is_empty() {
            code.to_string()
        } else {
            format!("{code} {answer}")
        };
    }
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e).and_then(std::error::Error::source);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_421_or_any_refusal_before_a_recipient_slows_the_group() {
        for stage in [
            Stage::Session,
            Stage::Sender,
            Stage::Recipient,
            Stage::Content,
        ] {
            assert!(slows_the_group(stage, 421, "4.7.0 Try again later"));
        }
        assert!(slows_the_group(
            Stage::Session,
            450,
            "4.7.1 Too many connections"
        ));
        assert!(slows_the_group(
            Stage::Sender,
            451,
            "4.3.0 Temporary lookup failure"
        ));
        assert!(slows_the_group(
            Stage::Sender,
            451,
            "4.7.1 greylisted, try later"
        ));
    }

    #[test]
    fn a_refusal_of_one_recipient_delays_only_its_mail() {
        for (code, answer) in [
            (451, "4.7.1 greylisted, try later"),
            (
                450,
                "4.2.0 Recipient address rejected: Greylisted, see https://postgrey.example",
            ),
            (
                451,
                "Greylisting in action, too many attempts will not help",
            ),
            (
                450,
                "4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages, too many",
            ),
            (452, "4.2.2 Mailbox full"),
            (450, "4.1.1 Recipient address lookup failed"),
            (451, "4.7.1 Please try again later"),
            (451, "Requested action aborted: local error in processing"),
        ] {
            assert!(
                !slows_the_group(Stage::Recipient, code, answer),
                "{code} {answer}"
            );
        }
        assert!(!slows_the_group(
            Stage::Content,
            451,
            "4.3.0 Temporary failure"
        ));
    }

    #[test]
    fn a_rate_limit_answer_after_the_sender_still_slows_the_group() {
        assert!(slows_the_group(
            Stage::Recipient,
            450,
            "4.7.1 <a@example.org>: Recipient address rejected: Rate limit exceeded"
        ));
        assert!(slows_the_group(
            Stage::Content,
            454,
            "Throttling failure: Maximum sending rate exceeded."
        ));
        assert!(slows_the_group(
            Stage::Recipient,
            451,
            "4.7.0 Too many messages, slow down"
        ));
    }

    #[test]
    fn enhanced_status_codes_are_read_only_where_they_are() {
        assert_eq!(enhanced_status("4.7.1 greylisted"), Some((4, 7)));
        assert_eq!(enhanced_status("4.2.0"), Some((4, 2)));
        assert_eq!(enhanced_status("greylisted 4.7.1"), None);
        assert_eq!(enhanced_status("4.7 half"), None);
        assert_eq!(enhanced_status(""), None);
    }
}
