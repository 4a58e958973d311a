//! A real SMTP server running inside the test process (mailin-embedded).
//!
//! ```ignore
//! let smtp = common::smtp::SmtpServer::start();
//! // configure the app with smtp.url()  ("smtp://127.0.0.1:<port>", plain, no auth)
//! let mails = smtp.wait_for(1, Duration::from_secs(10)).await;
//! let link = mails[0].links().into_iter().find(|l| l.contains("/confirm/")).unwrap();
//! ```
//!
//! Behaviour is controlled by [`Mode`] and can be changed while the server
//! runs with [`SmtpServer::set_mode`].
//!
//! Note on mailin 0.6.5: if `data_end()` answers an error the session stays
//! stuck in DATA state and the client hangs forever, so refusals are only
//! ever given at EHLO, MAIL FROM, RCPT or DATA, never after the message body.
#![allow(dead_code)]

use std::fmt;
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Response, Server, response};
use mailparse::{MailHeaderMap, ParsedMail};

/// How the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// 250 everything.
    Accept,
    /// 451 to DATA for every message.
    TempFail,
    /// 451 to DATA for the first n messages (counted across connections,
    /// counting restarts at each `set_mode`), then accept.
    TempFailFirst(usize),
    /// 550 at RCPT for that address (case-insensitive), accept the others.
    RejectRecipient(String),
    /// Greylisting: `451 4.7.1 greylisted, try later` at RCPT for `address` (case-insensitive)
    /// until `period` has passed since it was first refused, then accept it; accept the others.
    Greylist { address: String, period: Duration },
    /// `451 4.7.1 Sending rate exceeded, slow down` at MAIL FROM for the first n messages (counted
    /// like `TempFailFirst`), then accept.
    SlowDownFirst(usize),
    /// `421 4.7.0 Too many connections, closing` at MAIL FROM (closing the connection) for the
    /// first n messages (counted like `TempFailFirst`), then accept.
    CloseFirst(usize),
    /// 250 to everything, but the answer to the end of each message comes that long after the
    /// message was received (and counted): the client is still waiting while the server has it.
    AcceptAfter(Duration),
    /// 421 at EHLO/HELO (closing the connection) to every `refuse_every_connection`-th connection,
    /// and 451 at DATA to every `tempfail_every_message`-th message reaching DATA; 0 never. Both
    /// counts start at the server's start or at `set_mode`.
    Flaky {
        refuse_every_connection: usize,
        tempfail_every_message: usize,
    },
}

/// A 4xx/5xx answer the server gave, and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// 421 (at EHLO or MAIL FROM), 451 (at MAIL FROM, RCPT or DATA) or 550 (at RCPT).
    pub code: u16,
    pub at: Instant,
}

/// One message accepted by the server.
#[derive(Clone)]
pub struct ReceivedMail {
    /// Envelope sender (MAIL FROM).
    pub from: String,
    /// Envelope recipients that were accepted (RCPT TO).
    pub to: Vec<String>,
    /// The message as received (dot-unstuffed, CRLF line endings).
    pub raw: String,
    pub received_at: Instant,
}

impl fmt::Debug for ReceivedMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceivedMail")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("subject", &self.subject())
            .field("text", &self.text())
            .finish_non_exhaustive()
    }
}

fn normalize_newlines(s: String) -> String {
    if s.contains('\r') {
        s.replace("\r\n", "\n")
    } else {
        s
    }
}

impl ReceivedMail {
    fn parsed(&self) -> ParsedMail<'_> {
        mailparse::parse_mail(self.raw.as_bytes()).unwrap_or_else(|e| {
            panic!(
                "received mail cannot be parsed: {e}\n--- raw ---\n{}",
                self.raw
            )
        })
    }

    /// First body part with the given MIME type that is not an attachment,
    /// decoded (transfer encoding + charset), newlines normalised to `\n`.
    fn part(&self, mimetype: &str) -> Option<String> {
        let parsed = self.parsed();
        parsed
            .parts()
            .filter(|p| p.subparts.is_empty())
            .filter(|p| p.ctype.mimetype.eq_ignore_ascii_case(mimetype))
            .find(|p| {
                p.get_content_disposition().disposition != mailparse::DispositionType::Attachment
            })
            .map(|p| {
                let body = p
                    .get_body()
                    .unwrap_or_else(|e| panic!("cannot decode {mimetype} part: {e}"));
                normalize_newlines(body)
            })
    }

    /// Decoded Subject header ("" if absent).
    pub fn subject(&self) -> String {
        self.header("Subject").unwrap_or_default()
    }

    /// Decoded text/plain part ("" if there is none). Handles multipart,
    /// quoted-printable and base64. Line endings are normalised to `\n`.
    pub fn text(&self) -> String {
        self.part("text/plain").unwrap_or_default()
    }

    /// Decoded text/html part, if any. Line endings are normalised to `\n`.
    pub fn html(&self) -> Option<String> {
        self.part("text/html")
    }

    /// First header with that name (case-insensitive), RFC 2047-decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed().headers.get_first_value(name)
    }

    /// All headers with that name, RFC 2047-decoded.
    pub fn headers_named(&self, name: &str) -> Vec<String> {
        self.parsed().headers.get_all_values(name)
    }

    /// Every http:// or https:// URL in `text()`, in order (duplicates kept).
    pub fn links(&self) -> Vec<String> {
        extract_links(&self.text())
    }

    /// Every http:// or https:// URL in the `href`s / text of `html()`
    /// (HTML entities `&amp;` are decoded).
    pub fn html_links(&self) -> Vec<String> {
        self.html()
            .map(|h| {
                extract_links(&h)
                    .into_iter()
                    .map(|l| l.replace("&amp;", "&"))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// First link in `text()` containing `needle`.
    pub fn link_containing(&self, needle: &str) -> Option<String> {
        self.links().into_iter().find(|l| l.contains(needle))
    }

    /// True if one of the envelope recipients is `addr` (case-insensitive).
    pub fn is_to(&self, addr: &str) -> bool {
        self.to.iter().any(|t| t.eq_ignore_ascii_case(addr))
    }
}

/// Finds http(s) URLs: a URL ends at whitespace or one of `<>"'()[]{}` and
/// loses trailing sentence punctuation (`.,;:!?`).
pub fn extract_links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        let http = rest.find("http://");
        let https = rest.find("https://");
        let start = match (http, https) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => break,
        };
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || "<>\"'()[]{}".contains(c))
            .unwrap_or(candidate.len());
        let url = candidate[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        if url != "http://" && url != "https://" {
            out.push(url.to_string());
        }
        rest = &candidate[end.max(1)..];
    }
    out
}

struct State {
    mode: Mode,
    /// Refusals answered under the current `TempFailFirst`, `SlowDownFirst` or `CloseFirst` mode.
    tempfails_in_mode: usize,
    /// When the greylisted address was first refused under the current `Greylist` mode.
    greylisted_since: Option<Instant>,
    /// Connections that said EHLO/HELO, and messages that reached DATA, under the current mode.
    hellos_in_mode: usize,
    data_in_mode: usize,
    messages: Vec<ReceivedMail>,
    /// When the connection of each accepted message was accepted (parallel to `messages`).
    message_sessions: Vec<Instant>,
    /// When each connection that said EHLO/HELO was accepted.
    sessions: Vec<Instant>,
    refusals: Vec<Refusal>,
    refused: usize,
}

impl State {
    fn refuse(&mut self, code: u16) {
        self.refused += 1;
        self.refusals.push(Refusal {
            code,
            at: Instant::now(),
        });
    }
}

/// Per-connection handler (mailin clones it for each connection); the
/// shared state lives behind the Arc.
struct MailHandler {
    state: Arc<Mutex<State>>,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
    in_data: bool,
    /// When this connection was accepted.
    connected_at: Instant,
}

/// mailin-embedded clones the handler right after accepting each connection: the clone's
/// `connected_at` is the moment the connection was accepted.
impl Clone for MailHandler {
    fn clone(&self) -> Self {
        MailHandler {
            state: self.state.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            data: self.data.clone(),
            in_data: self.in_data,
            connected_at: Instant::now(),
        }
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Handler for MailHandler {
    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        let mut st = lock(&self.state);
        st.sessions.push(self.connected_at);
        st.hellos_in_mode += 1;
        if let Mode::Flaky {
            refuse_every_connection: n,
            ..
        } = st.mode
            && n > 0
            && st.hellos_in_mode.is_multiple_of(n)
        {
            st.refuse(421);
            // 421 makes mailin answer and close the connection.
            return Response::custom(
                421,
                "4.7.0 Try again later, closing connection (test)".to_string(),
            );
        }
        response::OK
    }

    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.from = from.to_string();
        self.to.clear();
        self.data.clear();
        self.in_data = false;
        let mut st = lock(&self.state);
        let refusal = match st.mode {
            Mode::SlowDownFirst(n) if st.tempfails_in_mode < n => {
                Some((451, "4.7.1 Sending rate exceeded, slow down (test)"))
            }
            // 421 makes mailin answer and close the connection.
            Mode::CloseFirst(n) if st.tempfails_in_mode < n => {
                Some((421, "4.7.0 Too many connections, closing (test)"))
            }
            _ => None,
        };
        if let Some((code, text)) = refusal {
            st.tempfails_in_mode += 1;
            st.refuse(code);
            return Response::custom(code, text.to_string());
        }
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let mut st = lock(&self.state);
        match &st.mode {
            Mode::RejectRecipient(addr) if addr.eq_ignore_ascii_case(to) => {
                st.refuse(550);
                return Response::custom(550, "5.1.1 Mailbox unavailable (test)".to_string());
            }
            Mode::Greylist { address, period } if address.eq_ignore_ascii_case(to) => {
                let period = *period;
                let since = *st.greylisted_since.get_or_insert_with(Instant::now);
                if since.elapsed() < period {
                    st.refuse(451);
                    return Response::custom(451, "4.7.1 greylisted, try later".to_string());
                }
            }
            _ => {}
        }
        response::OK
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        let mut st = lock(&self.state);
        st.data_in_mode += 1;
        let fail = match st.mode {
            Mode::TempFail => true,
            Mode::TempFailFirst(n) if st.tempfails_in_mode < n => {
                st.tempfails_in_mode += 1;
                true
            }
            Mode::Flaky {
                tempfail_every_message: n,
                ..
            } => n > 0 && st.data_in_mode.is_multiple_of(n),
            _ => false,
        };
        if fail {
            st.refuse(451);
            self.in_data = false;
            return Response::custom(451, "4.3.0 Temporary failure (test)".to_string());
        }
        self.from = from.to_string();
        self.to = to.to_vec();
        self.data.clear();
        self.in_data = true;
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    // Must never return an error (see module docs).
    fn data_end(&mut self) -> Response {
        if self.in_data {
            let raw = String::from_utf8_lossy(&self.data).into_owned();
            let mail = ReceivedMail {
                from: std::mem::take(&mut self.from),
                to: std::mem::take(&mut self.to),
                raw,
                received_at: Instant::now(),
            };
            let delay = {
                let mut st = lock(&self.state);
                st.messages.push(mail);
                st.message_sessions.push(self.connected_at);
                match st.mode {
                    Mode::AcceptAfter(delay) => delay,
                    _ => Duration::ZERO,
                }
            };
            std::thread::sleep(delay);
        }
        self.data.clear();
        self.in_data = false;
        response::OK
    }
}

/// Handle to the running server (cheap to clone).
#[derive(Clone)]
pub struct SmtpServer {
    state: Arc<Mutex<State>>,
    port: u16,
}

impl fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpServer")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl SmtpServer {
    /// Starts a server in `Mode::Accept` on 127.0.0.1:<random port>.
    pub fn start() -> SmtpServer {
        Self::start_with(Mode::Accept)
    }

    pub fn start_with(mode: Mode) -> SmtpServer {
        Self::start_on(0, mode)
    }

    /// Starts a server on 127.0.0.1:`port` (0: a random free port), e.g. on a port the app was
    /// already told about while nothing listened there.
    pub fn start_on(port: u16, mode: Mode) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .unwrap_or_else(|e| panic!("bind SMTP test server on port {port}: {e}"));
        let port = listener.local_addr().expect("SMTP local_addr").port();
        let state = Arc::new(Mutex::new(State {
            mode,
            tempfails_in_mode: 0,
            greylisted_since: None,
            hellos_in_mode: 0,
            data_in_mode: 0,
            messages: Vec::new(),
            message_sessions: Vec::new(),
            sessions: Vec::new(),
            refusals: Vec::new(),
            refused: 0,
        }));
        let handler = MailHandler {
            state: state.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
            in_data: false,
            connected_at: Instant::now(),
        };
        let mut server = Server::new(handler);
        // One pool thread per concurrent SMTP session: lettre's pool keeps idle
        // connections open, and with mailin's default of 4 threads a 5th
        // connection would wait (silently) until one of them closes.
        server
            .with_name("localhost")
            .with_num_threads(32)
            .with_tcp_listener(listener);
        std::thread::Builder::new()
            .name(format!("smtp-test-{port}"))
            .spawn(move || {
                if let Err(e) = server.serve() {
                    eprintln!("SMTP test server on port {port} stopped: {e}");
                }
            })
            .expect("spawn SMTP test server thread");
        SmtpServer { state, port }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// `smtp://127.0.0.1:<port>` (plain SMTP, no TLS, no auth).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Changes behaviour for subsequent commands (resets the `TempFailFirst`, `SlowDownFirst`,
    /// `CloseFirst`, `Greylist` and `Flaky` counts).
    pub fn set_mode(&self, mode: Mode) {
        let mut st = lock(&self.state);
        st.mode = mode;
        st.tempfails_in_mode = 0;
        st.greylisted_since = None;
        st.hellos_in_mode = 0;
        st.data_in_mode = 0;
    }

    pub fn mode(&self) -> Mode {
        lock(&self.state).mode.clone()
    }

    /// How many messages were accepted so far (without copying them).
    pub fn message_count(&self) -> usize {
        lock(&self.state).messages.len()
    }

    /// Accepted messages so far, in arrival order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        lock(&self.state).messages.clone()
    }

    /// Accepted messages having `addr` among their envelope recipients.
    pub fn messages_to(&self, addr: &str) -> Vec<ReceivedMail> {
        lock(&self.state)
            .messages
            .iter()
            .filter(|m| m.is_to(addr))
            .cloned()
            .collect()
    }

    /// Accepted messages so far, in arrival order, each with the moment its connection was
    /// accepted (the client had started that send by then).
    pub fn messages_with_session_start(&self) -> Vec<(ReceivedMail, Instant)> {
        let st = lock(&self.state);
        st.messages
            .iter()
            .cloned()
            .zip(st.message_sessions.iter().copied())
            .collect()
    }

    /// When each connection that said EHLO/HELO was accepted, in order (refused ones included).
    pub fn sessions(&self) -> Vec<Instant> {
        lock(&self.state).sessions.clone()
    }

    /// Every 4xx/5xx answered, in order.
    pub fn refusals(&self) -> Vec<Refusal> {
        lock(&self.state).refusals.clone()
    }

    /// Forgets the accepted messages (the refused counter is kept).
    pub fn clear(&self) {
        let mut st = lock(&self.state);
        st.messages.clear();
        st.message_sessions.clear();
    }

    /// How many times a 4xx/5xx was answered.
    pub fn refused(&self) -> usize {
        lock(&self.state).refused
    }

    /// Polls every 50 ms until at least `n` messages were accepted or
    /// `timeout` elapsed; returns all messages (maybe fewer than `n`).
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let msgs = self.messages();
            if msgs.len() >= n || Instant::now() >= deadline {
                return msgs;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Polls until a message to `addr` arrives (returns the first one) or
    /// `timeout` elapses (returns None).
    pub async fn wait_for_to(&self, addr: &str, timeout: Duration) -> Option<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(m) = self.messages_to(addr).into_iter().next() {
                return Some(m);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
