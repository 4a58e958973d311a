//! One SMTP connection per mail, opened by Signons itself so the socket sends each write at once
//! (`TCP_NODELAY`): lettre writes a message and its final `.` separately, and with Nagle's algorithm
//! the final `.` waits for the server's delayed ACK of the message (about 40 ms per mail on Linux),
//! which caps a worker at a few dozen mails per second. Nothing is pooled: a connection that
//! timed out or failed mid-transaction is dropped, never reused.
//!
//! The mail transaction (MAIL FROM, RCPT TO, DATA) is spoken here rather than by lettre's `send`,
//! so that a refusal comes with the [`Stage`] it was given at: `refusal` needs it to tell a server
//! that refuses us from one that refuses one recipient.
//!
//! lettre marks `AsyncNetworkStream` deprecated ("not meant to be made public") but still exports it
//! in 0.11; it is the one way to reuse lettre's own rustls setup for `smtps://` on our socket.
#![allow(deprecated)]
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::io::{AsyncRead as FuturesRead, AsyncWrite as FuturesWrite};
use lettre::Message;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{
    AsyncNetworkStream, AsyncSmtpConnection, AsyncTokioStream, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// How the connection is secured, as lettre's `smtp_url` forms say it.
#[derive(Clone)]
enum Security {
    /// `smtp://host` (port 25): plain text.
    None,
    /// `smtp://host?tls=required` (587): STARTTLS or no mail.
    StartTls(TlsParameters),
    /// `smtp://host?tls=opportunistic` (587): STARTTLS when the server offers it.
    Opportunistic(TlsParameters),
    /// `smtps://host` (465): TLS from the first byte.
    Wrapper(TlsParameters),
}

/// Where and how to reach the SMTP server; parsed once from `smtp_url`.
#[derive(Clone)]
pub struct SmtpServer {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    connect_timeout: Duration,
}

impl fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the credentials.
        write!(f, "SMTP {}:{}", self.host, self.port)
    }
}

/// Why a send failed: lettre's SMTP error (with the server's code when it answered) and the stage
/// of the conversation it came at, the connection itself, or a mail this server cannot take.
#[derive(Debug)]
pub enum Failure {
    Smtp(Stage, lettre::transport::smtp::Error),
    Connect(String),
    /// Non-ASCII addresses to a server without SMTPUTF8, 8-bit content without 8BITMIME.
    Unsendable(&'static str),
}

/// Where in the SMTP conversation a refusal came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Greeting, EHLO, STARTTLS, AUTH: before anything about a mail was said.
    Session,
    /// MAIL FROM: the sender, the same for every mail.
    Sender,
    /// RCPT TO: this mail's recipient.
    Recipient,
    /// DATA and the answer to the message itself.
    Content,
}

impl SmtpServer {
    /// Parses `smtp://[user:password@]host[:port][/hello-name][?tls=required|opportunistic]` or
    /// `smtps://…`, with lettre's meaning and default ports.
    pub fn parse(url: &str, connect_timeout: Duration) -> Result<SmtpServer, String> {
        let url = url::Url::parse(url).map_err(|e| e.to_string())?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let tls = || TlsParameters::new(host.clone()).map_err(|e| e.to_string());
        let tls_query = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_string());
        let (security, default_port) = match (url.scheme(), tls_query.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (Security::StartTls(tls()?), 587),
            ("smtp", Some("opportunistic")) => (Security::Opportunistic(tls()?), 587),
            ("smtps", _) => (Security::Wrapper(tls()?), 465),
            (scheme, tls) => {
                return Err(format!(
                    "unknown scheme {scheme:?} or tls={tls:?} (smtp://, smtp://…?tls=required, \
                     smtp://…?tls=opportunistic or smtps://)"
                ));
            }
        };
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        };
        let credentials = url
            .password()
            .map(|password| Credentials::new(decode(url.username()), decode(password)));
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_string()),
        };
        Ok(SmtpServer {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            credentials,
            hello,
            connect_timeout,
        })
    }

    /// Delivers one message over a fresh connection, then says goodbye. Returns the moment (Unix
    /// ms) the server accepted it.
    pub async fn send(&self, message: &Message) -> Result<i64, Failure> {
        let mut connection = self.connect().await?;
        let result = transaction(&mut connection, message.envelope(), &message.formatted()).await;
        if result.is_ok() {
            // The mail is accepted once the server answered the final dot; a failed QUIT changes
            // nothing about that.
            let _ = connection.quit().await;
        } else {
            connection.abort().await;
        }
        result
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, Failure> {
        let tcp = tokio::time::timeout(
            self.connect_timeout,
            TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        .map_err(|_| {
            Failure::Connect(format!(
                "{}:{}: no connection within {} s",
                self.host,
                self.port,
                self.connect_timeout.as_secs()
            ))
        })?
        .map_err(|e| Failure::Connect(format!("{}:{}: {e}", self.host, self.port)))?;
        tcp.set_nodelay(true)
            .map_err(|e| Failure::Connect(format!("TCP_NODELAY: {e}")))?;
        let mut connection = match &self.security {
            Security::Wrapper(tls) => {
                let mut stream = AsyncNetworkStream::use_existing_tokio1(Box::new(tcp));
                stream
                    .upgrade_tls(tls.clone())
                    .await
                    .map_err(at(Stage::Session))?;
                AsyncSmtpConnection::connect_with_transport(
                    Box::new(Encrypted(stream)),
                    &self.hello,
                )
                .await
                .map_err(at(Stage::Session))?
            }
            _ => AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(at(Stage::Session))?,
        };
        match &self.security {
            Security::StartTls(tls) => connection
                .starttls(tls.clone(), &self.hello)
                .await
                .map_err(at(Stage::Session))?,
            Security::Opportunistic(tls) if connection.can_starttls() => connection
                .starttls(tls.clone(), &self.hello)
                .await
                .map_err(at(Stage::Session))?,
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await
                .map_err(at(Stage::Session))?;
        }
        Ok(connection)
    }
}

/// MAIL FROM, RCPT TO, DATA and the message, as lettre's `send` says them, each refusal tagged
/// with its stage. Returns the moment (Unix ms) the server accepted the message.
async fn transaction(
    connection: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    message: &[u8],
) -> Result<i64, Failure> {
    let mut options = Vec::new();
    let addresses = envelope.from().into_iter().chain(envelope.to());
    if addresses.map(AsRef::<str>::as_ref).any(|a| !a.is_ascii()) {
        if !connection
            .server_info()
            .supports_feature(Extension::SmtpUtfEight)
        {
            return Err(Failure::Unsendable(
                "non-ASCII address, and the server does not support SMTPUTF8",
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !message.is_ascii() {
        if !connection
            .server_info()
            .supports_feature(Extension::EightBitMime)
        {
            return Err(Failure::Unsendable(
                "non-ASCII message, and the server does not support 8BITMIME",
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    connection
        .command(Mail::new(envelope.from().cloned(), options))
        .await
        .map_err(at(Stage::Sender))?;
    for to in envelope.to() {
        connection
            .command(Rcpt::new(to.clone(), Vec::new()))
            .await
            .map_err(at(Stage::Recipient))?;
    }
    connection.command(Data).await.map_err(at(Stage::Content))?;
    connection
        .message(message)
        .await
        .map_err(at(Stage::Content))?;
    Ok(super::now_millis())
}

/// Tags lettre's error with the stage it came at.
fn at(stage: Stage) -> impl Fn(lettre::transport::smtp::Error) -> Failure {
    move |e| Failure::Smtp(stage, e)
}

/// A TLS stream (lettre's own, already encrypted) handed back to lettre as a plain tokio stream, so
/// that EHLO is the first thing said inside TLS.
struct Encrypted(AsyncNetworkStream);

impl fmt::Debug for Encrypted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Encrypted")
    }
}

impl AsyncRead for Encrypted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.0).poll_read(cx, buf.initialize_unfilled()) {
            Poll::Ready(Ok(n)) => {
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Encrypted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_close(cx)
    }
}

impl AsyncTokioStream for Encrypted {
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Result<SmtpServer, String> {
        SmtpServer::parse(url, Duration::from_secs(5))
    }

    #[test]
    fn smtp_urls_read_as_lettre_reads_them() {
        let plain = parse("smtp://127.0.0.1:2525").expect("plain");
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 2525));
        assert!(matches!(plain.security, Security::None));
        assert!(plain.credentials.is_none());

        let submission = parse("smtp://mailer%40asso.example:p%40ss@mail.example?tls=required")
            .expect("starttls");
        assert_eq!(submission.port, 587);
        assert!(matches!(submission.security, Security::StartTls(_)));
        assert_eq!(
            submission.credentials,
            Some(Credentials::new(
                "mailer@asso.example".into(),
                "p@ss".into()
            ))
        );

        let wrapped = parse("smtps://mail.example/signons.example").expect("smtps");
        assert_eq!(wrapped.port, 465);
        assert!(matches!(wrapped.security, Security::Wrapper(_)));
        assert_eq!(wrapped.hello, ClientId::Domain("signons.example".into()));

        assert!(matches!(
            parse("smtp://mail.example?tls=opportunistic").map(|s| s.security),
            Ok(Security::Opportunistic(_))
        ));
        assert!(parse("http://mail.example").is_err());
        assert!(parse("smtp://mail.example?tls=sometimes").is_err());
        assert!(parse("not a url").is_err());
    }

    #[test]
    fn the_credentials_never_show_in_logs() {
        let server = parse("smtp://user:secret@mail.example:25").expect("url");
        assert!(!format!("{server:?}").contains("secret"));
    }
}
