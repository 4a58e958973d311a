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
        let child = signons_command(dir, db_url)
            .arg("serve")
            .env("ROCKET_PORT", free_port().to_string())
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
        Serve { child, log }
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
