//! Where mail goes: an SMTP server (`smtp_url`), or, when none is configured, a folder of .eml files
//! so that the whole flow can be tried on a laptop (F5.6).
use std::path::PathBuf;
use std::time::Duration;

use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart, header};

use super::refusal;
use super::smtp::SmtpServer;
use crate::config::Settings;
use crate::entity::mail_queue;
use crate::error::StartupError;

pub enum Transport {
    Smtp(SmtpServer),
    Folder(PathBuf),
}

/// How a send ended, as far as retrying is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth another try later: 4xx, timeout, refused or dropped connection, TLS trouble.
    Temporary(String),
    /// A temporary refusal about the connection or the sending rate (`refusal` says which): worth
    /// another try, and every worker of the group pauses.
    Throttled(String),
    /// Will never succeed: 5xx, or a mail we cannot even build.
    Permanent(String),
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> Result<Transport, StartupError> {
        match settings
            .smtp_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(url) => {
                // The connect bound; the worker bounds the whole send by `mail_timeout_secs`.
                let timeout = Duration::from_secs(settings.mail_timeout_secs.max(1));
                let server = SmtpServer::parse(url, timeout)
                    .map_err(|e| StartupError::Mail(format!("smtp_url: {e}")))?;
                Ok(Transport::Smtp(server))
            }
            None => {
                let dir = settings.mail_dir();
                std::fs::create_dir_all(&dir).map_err(|e| StartupError::io(&dir, e))?;
                Ok(Transport::Folder(dir))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Smtp(server) => format!("{server:?}"),
            Transport::Folder(dir) => format!(".eml files in {}", absolute(dir).display()),
        }
    }

    /// Sends one queued mail; returns the moment (Unix ms) the server accepted it, or the file was
    /// written. The caller bounds the time it may take.
    pub async fn send(&self, mail: &mail_queue::Model, from: &str) -> Result<i64, SendError> {
        let message = build(mail, from)?;
        match self {
            Transport::Smtp(server) => server.send(&message).await.map_err(refusal::classify),
            Transport::Folder(dir) => {
                let safe_id: String = mail
                    .message_id
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
                    .collect();
                let path = dir.join(format!("{safe_id}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| SendError::Temporary(format!("{}: {e}", path.display())))?;
                Ok(super::now_millis())
            }
        }
    }
}

fn absolute(dir: &std::path::Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

fn build(mail: &mail_queue::Model, from: &str) -> Result<Message, SendError> {
    let bad = |what: &str, e: &dyn std::fmt::Display| SendError::Permanent(format!("{what}: {e}"));
    let from: Mailbox = from.parse().map_err(|e| bad("mail_from", &e))?;
    let to: Mailbox = mail.recipient.parse().map_err(|e| bad("recipient", &e))?;
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()));
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(reply_to.parse().map_err(|e| bad("reply_to", &e))?);
    }
    if let Some(url) = &mail.list_unsubscribe {
        // RFC 2369 and RFC 8058: mail clients offer "unsubscribe" and post to it in one click.
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    let text = SinglePart::builder()
        .header(header::ContentType::TEXT_PLAIN)
        .body(mail.body_text.clone());
    let message = match &mail.body_html {
        Some(html) => builder.multipart(
            MultiPart::alternative().singlepart(text).singlepart(
                SinglePart::builder()
                    .header(header::ContentType::TEXT_HTML)
                    .body(html.clone()),
            ),
        ),
        None => builder.singlepart(text),
    };
    message.map_err(|e| bad("message", &e))
}
