//! Where log lines go and how they look. They go to stderr (stdout carries what commands print:
//! `demo`'s URL, `mail status`), as plain text or as one JSON object a line (`log_format`), and
//! carry colour codes only when stderr is a terminal, so that a file or a journal never holds
//! `ESC[`. `SIGNONS_LOG` chooses what is logged (a tracing `EnvFilter`); one line per request is
//! at debug level (`web::request_log`).
use std::io::IsTerminal;

use serde::{Deserialize, Serialize};
use tracing_subscriber::EnvFilter;

/// The `log_format` setting.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One line of text per event, like `2026-11-30T10:00:00Z  INFO signons: message key=value`.
    #[default]
    Text,
    /// One JSON object per line: `timestamp`, `level`, `target`, `message` and the event's fields.
    Json,
}

/// What is logged when `SIGNONS_LOG` says nothing: Signons' own information and warnings, only
/// warnings from Rocket and the database driver.
pub const DEFAULT_FILTER: &str = "info,rocket=warn,_=warn,sqlx=warn";

/// Rocket's per-request lines, kept to warnings.
const ROCKET_REQUESTS: &str = "rocket::server=warn";

/// Installs the subscriber for the whole process, reading `log_format` from the same places as
/// every setting (`Rocket.toml`, `ROCKET_LOG_FORMAT`) before anything else runs. An unreadable
/// value falls back to text here; reading the settings then refuses it with its reason.
pub fn init() {
    let format = crate::config::figment()
        .extract_inner::<LogFormat>("log_format")
        .unwrap_or_default();
    let mut filter =
        EnvFilter::try_from_env("SIGNONS_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    // Rocket's own lines about each request name its path and query string, tokens included
    // (`GET /confirm/<the token>`): whatever `SIGNONS_LOG` says, only its warnings pass, and
    // `signons::request` logs requests instead.
    if let Ok(directive) = ROCKET_REQUESTS.parse() {
        filter = filter.add_directive(directive);
    }
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter);
    match format {
        LogFormat::Text => builder.with_ansi(colours()).init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_ansi(false)
            .init(),
    }
}

/// Whether log lines may carry colour codes: only when a person reads stderr in a terminal.
pub fn colours() -> bool {
    std::io::stderr().is_terminal()
}
