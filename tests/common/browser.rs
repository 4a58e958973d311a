//! Headless Chromium driven through chromedriver (fantoccini).
//!
//! ```ignore
//! let Some(browser) = common::browser::start(false).await else { return };
//! browser.client.goto(&url).await?;
//! ...
//! browser.close().await;
//! ```
//!
//! `start` returns None (and prints `SKIPPED: ...` to stderr) when chromedriver
//! or chromium is not installed, unless the `CI` environment variable is
//! `true`, in which case it panics. Paths can be overridden with the
//! `CHROMEDRIVER` and `CHROME_BIN` environment variables.
//!
//! Every `Browser` owns its own chromedriver process and a fresh profile
//! directory; both are cleaned up by `close()` or, failing that, by `Drop`
//! (also when the test panics).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

const INSTALL_HINT: &str = "apt-get install chromium chromium-driver";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Browser {
    pub client: Client,
    javascript: bool,
    chromedriver: Child,
    port: u16,
    session_id: Option<String>,
    work_dir: PathBuf,
    closed: bool,
}

impl Deref for Browser {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser")
            .field("javascript", &self.javascript)
            .field("chromedriver_port", &self.port)
            .field("session_id", &self.session_id)
            .field("work_dir", &self.work_dir)
            .finish_non_exhaustive()
    }
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// `env` override, then PATH lookup of `names`, then the `fallbacks`.
fn find_binary(env: &str, names: &[&str], fallbacks: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        let p = PathBuf::from(p);
        return is_executable(&p).then_some(p);
    }
    names.iter().find_map(|n| find_in_path(n)).or_else(|| {
        fallbacks
            .iter()
            .map(PathBuf::from)
            .find(|p| is_executable(p))
    })
}

fn skip(what: &str) -> Option<Browser> {
    if is_ci() {
        panic!("{what} not found ({INSTALL_HINT}); CI=true so browser tests must not be skipped");
    }
    // Written to the stderr handle directly (not eprintln!) so that libtest's
    // output capture does not hide it for a passing test.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what} not found ({INSTALL_HINT})"
    );
    None
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("cannot find a free port")
        .port()
}

fn fresh_work_dir() -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir = std::env::temp_dir().join(format!(
        "signons-browser-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(dir.join("profile")).expect("cannot create browser temp dir");
    dir
}

fn chromedriver_log(work_dir: &Path) -> String {
    std::fs::read_to_string(work_dir.join("chromedriver.log")).unwrap_or_default()
}

/// Starts chromedriver + headless Chromium (390x844 window) with JavaScript
/// enabled or disabled. None if the binaries are missing (see module docs).
pub async fn start(javascript: bool) -> Option<Browser> {
    start_sized(javascript, 390, 844).await
}

/// Like `start`, with a viewport of `width` x `height` CSS pixels (a real one,
/// even under Chrome's 500 px minimum window width: see `mobileEmulation`).
pub async fn start_sized(javascript: bool, width: u32, height: u32) -> Option<Browser> {
    let Some(chromedriver) = find_binary(
        "CHROMEDRIVER",
        &["chromedriver"],
        &["/usr/bin/chromedriver"],
    ) else {
        return skip("chromedriver");
    };
    let Some(chromium) = find_binary(
        "CHROME_BIN",
        &[],
        &[
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
        ],
    ) else {
        return skip("chromium");
    };

    let work_dir = fresh_work_dir();
    let profile_dir = work_dir.join("profile");
    let log = std::fs::File::create(work_dir.join("chromedriver.log"))
        .expect("cannot create chromedriver log file");
    let port = free_port();
    let child = Command::new(&chromedriver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone log file handle"))
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot spawn {}: {e}", chromedriver.display()));

    // From here on, a panic drops `guard`, which kills chromedriver and
    // removes the temp dir.
    let mut guard = ProcessGuard {
        child: Some(child),
        work_dir: Some(work_dir.clone()),
    };

    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            break;
        }
        if let Some(status) = guard
            .child
            .as_mut()
            .and_then(|c| c.try_wait().ok().flatten())
        {
            panic!(
                "chromedriver exited early ({status}):\n{}",
                chromedriver_log(&work_dir)
            );
        }
        if Instant::now() >= deadline {
            panic!(
                "chromedriver did not listen on port {port} within {STARTUP_TIMEOUT:?}:\n{}",
                chromedriver_log(&work_dir)
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut chrome_options = json!({
        "binary": chromium.to_string_lossy(),
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            format!("--user-data-dir={}", profile_dir.display()),
            format!("--window-size={width},{height}"),
        ],
        // Chrome clamps windows to >= 500 px wide, so --window-size alone
        // gives a 500x701 viewport. Emulating the device metrics gives a real
        // viewport of the asked size without changing the user agent, touch support or
        // device pixel ratio.
        "mobileEmulation": {
            "deviceMetrics": {
                "width": width, "height": height, "pixelRatio": 1.0, "mobile": false, "touch": false,
            },
        },
    });
    if !javascript {
        chrome_options["prefs"] = json!({
            "profile.managed_default_content_settings.javascript": 2,
        });
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".to_string(), chrome_options);

    let connect = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await;
    let client = match connect {
        Ok(c) => c,
        Err(e) => panic!(
            "cannot create a chromedriver session: {e}\n--- chromedriver log ---\n{}",
            chromedriver_log(&work_dir)
        ),
    };
    let session_id = client.session_id().await.ok().flatten();

    // Disarm the guard: Browser takes over the process and the directory.
    let chromedriver = guard.child.take().expect("child present");
    guard.work_dir = None;
    Some(Browser {
        client,
        javascript,
        chromedriver,
        port,
        session_id,
        work_dir,
        closed: false,
    })
}

impl Browser {
    pub fn javascript_enabled(&self) -> bool {
        self.javascript
    }

    /// Ends the WebDriver session (quits Chromium), then stops chromedriver
    /// and removes the profile directory.
    pub async fn close(mut self) {
        let client = self.client.clone();
        if tokio::time::timeout(Duration::from_secs(10), client.close())
            .await
            .is_ok_and(|r| r.is_ok())
        {
            self.closed = true;
        }
        // Drop does the rest (and retries the session deletion if needed).
    }

    /// Synchronous `DELETE /session/<id>` straight to chromedriver, so that
    /// Chromium is shut down even from Drop (no async runtime needed).
    fn delete_session_blocking(&self) {
        let Some(id) = &self.session_id else { return };
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        let req = format!(
            "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        );
        if stream.write_all(req.as_bytes()).is_ok() {
            let mut buf = [0u8; 4096];
            // Read until the response has arrived (chromedriver answers once
            // Chromium has quit) or the connection closes / times out.
            let mut got = Vec::new();
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
                if got.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.closed {
            self.delete_session_blocking();
        }
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
        let _ = std::fs::remove_dir_all(&self.work_dir);
    }
}

/// Cleans up if `start` panics half-way.
struct ProcessGuard {
    child: Option<Child>,
    work_dir: Option<PathBuf>,
}

impl Drop for ProcessGuard {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(dir) = &self.work_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Browser {
    /// Registers through the form as a person would, opens the verification link of the welcome
    /// mail `smtp` received, presses its button, then logs in: the browser ends on the dashboard.
    pub async fn register_and_verify(
        &self,
        base: &str,
        smtp: &super::smtp::SmtpServer,
        (username, email, password): (&str, &str, &str),
    ) {
        self.goto(&format!("{base}/register"))
            .await
            .expect("register page");
        self.type_into("#username", username).await;
        self.type_into("#email", email).await;
        self.type_into("#password", password).await;
        self.press("form button.primary").await;
        self.wait_for("Check your mailbox").await;
        let link = smtp
            .wait_for_to(email, Duration::from_secs(15))
            .await
            .and_then(|m| m.link_containing("/account/verify/"))
            .unwrap_or_else(|| panic!("a welcome mail with a link to {email}"));
        self.goto(&link).await.expect("the verification link");
        self.wait_for("Verify my address").await;
        self.press("form button.primary").await;
        self.wait_for("is verified").await;
        self.goto(&format!("{base}/login"))
            .await
            .expect("login page");
        self.type_into("#login", username).await;
        self.type_into("#password", password).await;
        self.press("form button.primary").await;
        self.wait_for("Dashboard").await;
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        field.clear().await.ok();
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn press(&self, css: &str) {
        self.find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    pub async fn wait_for(&self, text: &str) {
        for _ in 0..100 {
            if self.source().await.is_ok_and(|s| s.contains(text)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let source = self.source().await.unwrap_or_default();
        panic!("the page never showed {text:?}:\n{source}");
    }
}
