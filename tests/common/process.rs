//! Signons as a separate process, as an administrator runs it: `signons <command>` to completion,
//! or `signons serve` killed with SIGKILL to test what survives a crash.
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// A port nothing listens on (yet): bound, read, released.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local_addr").port()
}

/// The `signons` binary with nothing from the environment's `ROCKET_*` or `Rocket.toml`, on `db_url`.
pub fn signons_command(dir: &Path, db_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_signons"));
    for (key, _) in std::env::vars() {
        if key.starts_with("ROCKET_") {
            command.env_remove(key);
        }
    }
    command
        .current_dir(dir)
        .env("ROCKET_DATABASE_URL", db_url)
        .env("ROCKET_DATA_DIR", dir.join("data"))
        .env("SIGNONS_LOG", "warn");
    command
}

/// Runs `signons <args>` to completion, as an admin would: with the default logging, whose lines
/// must not mix with what the command prints on stdout.
pub fn signons(dir: &Path, db_url: &str, args: &[&str]) -> Output {
    signons_command(dir, db_url)
        .env_remove("SIGNONS_LOG")
        .args(args)
        .output()
        .expect("run signons")
}

/// `signons serve` as a child process, killed with SIGKILL when dropped.
pub struct Serve {
    child: Child,
    log: PathBuf,
    pub port: u16,
}

impl Serve {
    pub fn start(dir: &Path, db_url: &str, smtp_url: &str, log_name: &str) -> Serve {
        Serve::start_with(dir, db_url, smtp_url, log_name, &[])
    }

    /// `start`, with more `ROCKET_*` settings.
    pub fn start_with(
        dir: &Path,
        db_url: &str,
        smtp_url: &str,
        log_name: &str,
        settings: &[(&str, &str)],
    ) -> Serve {
        let log = dir.join(log_name);
        let stderr = std::fs::File::create(&log).expect("create the server log");
        let port = free_port();
        let child = signons_command(dir, db_url)
            .arg("serve")
            .env("ROCKET_PORT", port.to_string())
            .env("ROCKET_SMTP_URL", smtp_url)
            .env("ROCKET_MAIL_TIMEOUT_SECS", "2")
            .env("ROCKET_MAIL_POLL_MILLIS", "100")
            .env("ROCKET_MAIL_RETRY_BASE_SECS", "1")
            .env("ROCKET_MAIL_RETRY_MAX_SECS", "2")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("spawn signons serve");
        Serve { child, log, port }
    }

    /// `GET path` with `Accept-Language`, without cookies: the status and the body; `None` while
    /// the server does not answer.
    pub fn get(&self, path: &str, accept_language: &str) -> Option<(u16, String)> {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .ok()?;
        // HTTP/1.0: the body comes whole, never in chunks.
        write!(
            stream,
            "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept-Language: {accept_language}\r\n\r\n"
        )
        .ok()?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer).ok()?;
        let status = answer.split_whitespace().nth(1)?.parse().ok()?;
        let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
        Some((status, body))
    }

    /// Waits until the server answers `/health`, at most `timeout`; panics with its log if not.
    pub fn wait_ready(&mut self, timeout: std::time::Duration) {
        let start = std::time::Instant::now();
        while start.elapsed() < timeout {
            self.assert_running();
            if self.get("/health", "en").is_some_and(|(s, _)| s == 200) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!(
            "signons serve did not answer /health within {timeout:?}:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// Panics with the server's log if it has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "signons serve exited with {status}:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
        }
    }

    /// SIGTERM, as `systemctl stop` or `docker stop` send it.
    pub fn terminate(&self) {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM {}", self.child.id());
    }

    /// Waits at most `timeout` for the process to exit by itself: its exit status, or `None`.
    pub fn wait_exit(&mut self, timeout: std::time::Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        while start.elapsed() < timeout {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }

    /// What the server has written to stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, then reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}
