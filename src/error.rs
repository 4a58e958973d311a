//! One error type for requests (rendered as a translated page by `web::page`) and one for start-up.
use std::path::Path;

use rocket::http::Status;

/// What can go wrong while answering a request. The visitor sees a translated page; the log gets
/// the cause.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("the form's CSRF token is missing or does not match")]
    Csrf,
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("template: {0}")]
    Template(String),
    #[error("{0}")]
    Internal(String),
    /// A request the rules refuse, explained to the visitor by the Fluent key it holds.
    #[error("refused: {0}")]
    Refused(&'static str),
}

/// Whether the database refused text it cannot store (PostgreSQL and a NUL byte): the visitor's
/// input, not a fault of ours. The net under the forms' own checks (`domain::text`).
fn refused_text(e: &sea_orm::DbErr) -> bool {
    let message = e.to_string();
    message.contains("invalid byte sequence") || message.contains("22021")
}

impl Error {
    pub fn status(&self) -> Status {
        match self {
            Error::NotFound => Status::NotFound,
            Error::Csrf => Status::Forbidden,
            Error::Refused(_) => Status::Conflict,
            Error::Database(e) if refused_text(e) => Status::UnprocessableEntity,
            Error::Database(_) | Error::Template(_) | Error::Internal(_) => {
                Status::InternalServerError
            }
        }
    }

    /// The Fluent key of the message shown to the visitor.
    pub fn message_key(&self) -> &'static str {
        match self {
            Error::NotFound => "error-not-found",
            Error::Csrf => "error-csrf",
            Error::Refused(key) => key,
            Error::Database(e) if refused_text(e) => crate::domain::text::CONTROL_CHARACTERS,
            _ => "error-internal",
        }
    }
}

impl From<tera::Error> for Error {
    fn from(e: tera::Error) -> Self {
        Error::Template(describe_chain(&e))
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(e: sea_orm::TransactionError<Error>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => Error::Database(db),
            sea_orm::TransactionError::Transaction(inner) => inner,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can stop the program before it serves anything.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("configuration: {0}")]
    Config(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("templates: {0}")]
    Templates(String),
    #[error("mail: {0}")]
    Mail(String),
    #[error("{0}")]
    Launch(String),
}

impl StartupError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        StartupError::Io {
            path: path.display().to_string(),
            source,
        }
    }
}

/// An error and its causes on one line (Tera, for one, hides the useful part in the source chain).
pub fn describe_chain(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}
