//! Password hashing with Argon2, bounded: each hash takes about 19 MB and a core for a moment, so
//! at most one per two cores runs at once (at least one), off the async threads; the others wait
//! their turn. Fifty people logging in at once then cost the memory of one or two hashes, not fifty,
//! and a flood of logins always leaves cores to the people signing. (`crate::allocator` makes sure
//! the memory of a finished hash goes back to the system.)
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::Semaphore;

/// Verified when the account typed does not exist, so that an unknown name takes as long as a
/// wrong password (no account enumeration by timing). Same parameters as `Argon2::default()`.
const NO_SUCH_ACCOUNT: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2lnbm9ucy1uby11c2VyIQ$AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

/// How many hashes may run at once: one per two cores, at least one.
pub fn at_once() -> usize {
    (std::thread::available_parallelism().map_or(2, std::num::NonZero::get) / 2).max(1)
}

static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(at_once()));
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The most hashes that ran at the same moment since start (for tests and benches).
pub fn peak_at_once() -> usize {
    PEAK.load(Ordering::Relaxed)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing: {0}")]
pub struct HashError(String);

/// Runs `work` on a blocking thread once a hashing slot is free.
async fn bounded<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let _slot = HASHING
        .acquire()
        .await
        .map_err(|e| HashError(e.to_string()))?;
    let running = RUNNING.fetch_add(1, Ordering::Relaxed) + 1;
    PEAK.fetch_max(running, Ordering::Relaxed);
    let done = tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HashError(e.to_string()));
    RUNNING.fetch_sub(1, Ordering::Relaxed);
    done
}

/// The PHC string to store for `password`.
pub async fn hash(password: &str) -> Result<String, HashError> {
    let password = password.to_owned();
    bounded(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await?
}

/// Whether `password` matches `stored` (a PHC string); `None` checks against a fixed hash that
/// matches nothing, in the same time.
pub async fn verify(password: &str, stored: Option<&str>) -> bool {
    let password = password.to_owned();
    let (stored, real) = match stored {
        Some(s) => (s.to_owned(), true),
        None => (NO_SUCH_ACCOUNT.to_owned(), false),
    };
    let matched = bounded(move || {
        Argon2::default()
            .verify_password(password.as_bytes(), stored.as_str())
            .is_ok()
    })
    .await;
    match matched {
        Ok(m) => m && real,
        Err(e) => {
            tracing::error!(error = %e, "cannot verify a password");
            false
        }
    }
}
