//! The typed settings. Every key lives in `Rocket.toml` (or nowhere: each has a default) and can be
//! overridden by a `ROCKET_<KEY>` environment variable. See the README for the list.
use std::path::{Path, PathBuf};

use base64::Engine;
use rand::RngExt;
use rocket::figment::{
    Figment, Profile,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

use crate::error::StartupError;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct Settings {
    /// Where the SQLite database, the generated secret key and the .eml folder live by default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `<data_dir>/signons.db`.
    pub database_url: Option<String>,
    /// Connections in the pool (SQLite file databases: at least 2 so readers never wait on writers).
    pub database_pool_size: u32,
    /// Connections served at once (0: no limit). Past it, a new connection waits its turn and the
    /// open ones close after their current answer (read by Signons' Rocket, `vendor/rocket`).
    pub max_connections: usize,
    /// The absolute URL people reach this instance at, used in e-mails and JSON; defaults to
    /// `http://<address>:<port>`.
    pub public_url: Option<String>,
    /// `public_url` parsed once at start (`from_figment`), for the checks of where a form comes
    /// from.
    #[serde(skip)]
    pub public_origin: Option<url::Url>,
    pub site_name: String,
    /// `smtp://host:port`, `smtps://user:pass@host` or `smtp://host:587?tls=required`. When unset, mails
    /// are written as .eml files to `mail_dir`.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Folder for .eml files when no SMTP server is configured; defaults to `<data_dir>/mail`.
    pub mail_dir: Option<PathBuf>,
    /// Upper bound of one SMTP send, connection included.
    pub mail_timeout_secs: u64,
    /// First retry delay after a temporary failure; doubles at each attempt (with jitter).
    pub mail_retry_base_secs: u64,
    /// Longest delay between two attempts.
    pub mail_retry_max_secs: u64,
    /// After this long without success, a mail is marked failed.
    pub mail_retry_horizon_hours: u64,
    /// How often the worker looks for due mail when nothing wakes it.
    pub mail_poll_millis: u64,
    /// How many mails are sent at the same time.
    pub mail_concurrency: usize,
    /// At most this many mails per minute for all instances on this database together, spread
    /// evenly; 0: no cap.
    pub mail_rate_per_minute: u32,
    /// When the SMTP server refuses the connection or the sending rate (`mail::refusal`), every
    /// worker waits this long before the next mail.
    pub mail_throttle_pause_secs: u64,
    /// Sent mails are deleted after this many days.
    pub mail_keep_sent_days: u64,
    /// Unconfirmed signatures are deleted this many days after their last confirmation link went
    /// out (F9.3); 0 keeps them.
    pub unconfirmed_keep_days: u64,
    /// A folder whose `templates/` and `static/` files replace the built-in ones of the same name.
    pub overrides_dir: Option<PathBuf>,
    /// A folder of translations read at start, one sub-folder of `.ftl` files per language
    /// (`de/main.ftl`), merged message by message over the built-in ones; defaults to
    /// `<data_dir>/locales`.
    pub locales_dir: Option<PathBuf>,
    /// The language used when nothing in the request asks for a shipped one.
    pub default_language: String,
    /// The IANA time zone (`Europe/Paris`) closing dates are read in and times shown in; defaults
    /// to the server's own.
    pub time_zone: Option<String>,
    /// `time_zone` resolved once at start (`from_figment`).
    #[serde(skip)]
    pub zone: crate::i18n::format::Zone,
    /// The country whose numbering plan reads phone numbers written the national way (ISO 3166
    /// code, e.g. `FR`: `06 05 04 03 02` is stored as `+33605040302`).
    pub phone_country: String,
    /// Whether anyone may create an account on the site (`signons admin create` works either way).
    pub registration_open: bool,
    /// How long a public page or JSON document is reused before it is built again (0: never
    /// reused). At most 1500: the count shown is never more than 2 s behind.
    pub page_cache_millis: u64,
    /// Whether only instance administrators may create organizations.
    pub organization_creation_admins_only: bool,
    /// Whether a person may own petitions themselves (F3.4); when not, petitions belong to
    /// organizations only.
    pub personal_petitions: bool,
    /// The burst window of the signing limits, in minutes.
    pub signing_burst_minutes: u32,
    /// Signatures one client address may have admitted on one petition within the burst window;
    /// more are held (0: no limit).
    pub signing_burst_per_petition: u32,
    /// The same across every petition of the site.
    pub signing_burst_per_site: u32,
    /// Signatures one client address may have admitted on one petition within a day.
    pub signing_daily_per_petition: u32,
    /// The same across every petition of the site.
    pub signing_daily_per_site: u32,
    /// Mails one address may receive about one petition within a day, whatever sends them (0: no
    /// cap).
    pub mail_cap_per_petition: u32,
    /// Mails one address may receive within a day, all paths together (0: no cap).
    pub mail_cap_per_address: u32,
    /// Whether every petition asks browsers for a proof of work before signing (each petition may
    /// also ask on its own).
    pub proof_of_work: bool,
    /// How hard the puzzle is: leading zero bits of a SHA-256 (18: about a quarter of a second in a
    /// phone's browser).
    pub proof_of_work_bits: u32,
    /// Login attempts a minute for one account from one client address (five times as many for one
    /// client address, and for one account from all addresses), and password-reset requests a
    /// minute for one client address. Counted in the database, for all instances together.
    pub login_attempts_per_minute: u32,
    // --- Accounts open to the internet (limits shared by every instance) ---
    /// Registration attempts an hour from one client address (over it: 429, nothing created).
    pub registrations_per_ip_per_hour: u32,
    /// Reports of petitions an hour from one client address (twenty times as many for one petition
    /// from all addresses); over it a report is thanked for and not recorded.
    pub reports_per_ip_per_hour: u32,
    /// Recipients of an update to signers queued per transaction (F6.5).
    pub updates_batch_size: u64,
    /// Days after a petition's closing date when its signers' personal data are erased, counts kept
    /// (F9.3); each petition may say otherwise; 0: never.
    pub anonymize_after_days: u64,
    /// The hour (UTC, 0–23) from which each petition's daily digest to its organizers goes out.
    pub digest_hour_utc: u8,
    /// How often an instance looks for daily digests due, in seconds.
    pub digest_check_secs: u64,
    /// After SIGTERM or SIGINT, how long the instance keeps serving every request while `/health`
    /// answers 503, so that the proxy stops sending to it before it stops accepting
    /// (`web::readiness`).
    pub shutdown_grace_secs: u64,
    /// How log lines are written to stderr: `text` or `json` (one object a line). Read before
    /// Rocket starts (`logging::init`).
    pub log_format: crate::logging::LogFormat,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("data"),
            database_url: None,
            database_pool_size: 8,
            max_connections: 64,
            public_url: None,
            public_origin: None,
            site_name: "Signons".into(),
            smtp_url: None,
            mail_from: "Signons <noreply@localhost>".into(),
            mail_dir: None,
            mail_timeout_secs: 30,
            mail_retry_base_secs: 5,
            mail_retry_max_secs: 600,
            mail_retry_horizon_hours: 48,
            mail_poll_millis: 1000,
            mail_concurrency: 8,
            mail_rate_per_minute: 0,
            mail_throttle_pause_secs: 10,
            mail_keep_sent_days: 7,
            unconfirmed_keep_days: 30,
            overrides_dir: None,
            locales_dir: None,
            default_language: "en-US".into(),
            time_zone: None,
            zone: Default::default(),
            phone_country: "FR".into(),
            registration_open: true,
            page_cache_millis: 1000,
            organization_creation_admins_only: false,
            personal_petitions: true,
            signing_burst_minutes: 10,
            signing_burst_per_petition: 30,
            signing_burst_per_site: 60,
            signing_daily_per_petition: 200,
            signing_daily_per_site: 400,
            mail_cap_per_petition: 3,
            mail_cap_per_address: 10,
            proof_of_work: false,
            proof_of_work_bits: 18,
            login_attempts_per_minute: 10,
            registrations_per_ip_per_hour: 5,
            reports_per_ip_per_hour: 10,
            updates_batch_size: 200,
            anonymize_after_days: 0,
            digest_hour_utc: 6,
            digest_check_secs: 600,
            shutdown_grace_secs: 5,
            log_format: crate::logging::LogFormat::Text,
        }
    }
}

impl Settings {
    pub fn from_figment(figment: &Figment) -> Result<Settings, StartupError> {
        let mut settings: Settings = figment
            .extract()
            .map_err(|e| StartupError::Config(e.to_string()))?;
        if settings.public_url.is_none() {
            let address: String = figment
                .extract_inner("address")
                .unwrap_or_else(|_| "127.0.0.1".into());
            let port: u16 = figment.extract_inner("port").unwrap_or(8000);
            settings.public_url = Some(format!("http://{address}:{port}"));
        }
        settings.phone_country = settings.phone_country.trim().to_ascii_uppercase();
        if !crate::domain::signing::phone::known_country(&settings.phone_country) {
            return Err(StartupError::Config(format!(
                "phone_country: {:?} is not an ISO 3166 country code such as FR, BE or CH",
                settings.phone_country
            )));
        }
        if settings.digest_hour_utc > 23 {
            return Err(StartupError::Config(format!(
                "digest_hour_utc: {} is not an hour from 0 to 23",
                settings.digest_hour_utc
            )));
        }
        settings.zone = match settings.time_zone.as_deref().map(str::trim) {
            None | Some("") => crate::i18n::format::Zone::of_server(),
            Some(name) => crate::i18n::format::Zone::named(name).ok_or_else(|| {
                StartupError::Config(format!(
                    "time_zone: {name:?} is not a time zone name such as Europe/Paris or UTC"
                ))
            })?,
        };
        if let Some(url) = settings.public_url.as_mut() {
            while url.ends_with('/') {
                url.pop();
            }
        }
        let public = settings.public_url();
        match url::Url::parse(public) {
            Ok(url) if url.origin().is_tuple() => settings.public_origin = Some(url),
            _ => {
                return Err(StartupError::Config(format!(
                    "public_url: {public:?} is not an absolute http(s) address such as https://petitions.example.org"
                )));
            }
        }
        Ok(settings)
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("signons.db").display()
            ),
        }
    }

    pub fn public_url(&self) -> &str {
        self.public_url
            .as_deref()
            .unwrap_or("http://127.0.0.1:8000")
    }

    pub fn locales_dir(&self) -> PathBuf {
        self.locales_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("locales"))
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.mail_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }
}

/// The figment the binary starts from: Rocket's defaults, Signons' safer defaults (the client IP comes
/// from the socket unless `ip_header` names a header a trusted proxy sets), then `Rocket.toml`, then
/// `ROCKET_*` variables.
pub fn figment() -> Figment {
    let toml = Env::var_or("ROCKET_CONFIG", "Rocket.toml");
    let profile = Profile::from_env_or("ROCKET_PROFILE", rocket::Config::DEFAULT_PROFILE);
    defaults()
        .merge(Toml::file(toml).nested())
        .merge(Env::prefixed("ROCKET_").ignore(&["PROFILE"]).global())
        .select(profile)
}

/// Rocket's and Signons' defaults alone, without `Rocket.toml` or the environment (tests start here).
pub fn defaults() -> Figment {
    Figment::from(rocket::Config::default())
        .merge(Serialized::defaults(Settings::default()))
        // Defaults, not global values: `Rocket.toml` and `ROCKET_*` must be able to override them.
        .merge(Serialized::default("ip_header", false))
        .merge(Serialized::default("ident", "Signons"))
        // A picture may weigh 10 MB (`domain::petitions::picture::MAX_BYTES`): a larger file is
        // cut there, and its form still arrives, to say so. Files are written to the disk as they
        // come, not kept in memory.
        .merge(Serialized::default("limits.file", "10 MiB"))
        .merge(Serialized::default("limits.data-form", "64 MiB"))
}

/// Makes sure the figment carries a `secret_key`: the configured one, else the one kept in
/// `<data_dir>/secret_key`, else a new one written there (so sessions survive restarts).
pub fn with_secret_key(figment: Figment) -> Result<Figment, StartupError> {
    // Rocket's own defaults carry an all-zero key: only a configured key counts.
    let configured = rocket::Config::try_from(&figment)
        .map_err(|e| StartupError::Config(e.to_string()))?
        .secret_key;
    if !configured.is_zero() {
        return Ok(figment);
    }
    let settings = Settings::from_figment(&figment)?;
    let key = load_or_create_secret_key(&settings.data_dir)?;
    Ok(figment.merge(("secret_key", key)))
}

fn load_or_create_secret_key(data_dir: &Path) -> Result<String, StartupError> {
    let path = data_dir.join("secret_key");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if !existing.is_empty() {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(data_dir).map_err(|e| StartupError::io(data_dir, e))?;
    let bytes: [u8; 64] = rand::rng().random();
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    write_private(&path, &key).map_err(|e| StartupError::io(&path, e))?;
    tracing::info!(path = %path.display(), "generated a new secret key");
    Ok(key)
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())?;
    file.sync_all()
}

/// Keys derived from the instance secret for purposes other than cookies.
#[derive(Clone)]
pub struct Keys {
    /// Keys the hash of signers' IP addresses (F2.7, F9.2) where no daily key applies.
    pub ip_hash: [u8; 32],
    /// Keys the hash of recipients in the ledger of the per-address mail cap.
    pub recipient: [u8; 32],
    /// Signs proof-of-work challenges.
    pub proof_of_work: [u8; 32],
    /// Signs the unsubscription links of updates to signers.
    pub unsubscribe: [u8; 32],
    /// Signs the form tokens of the embeddable sign widget (`domain::signing::embed_token`).
    pub embed: [u8; 32],
}

impl Keys {
    pub fn derive(figment: &Figment) -> Keys {
        use sha2::{Digest, Sha256};
        let secret: String = figment.extract_inner("secret_key").unwrap_or_default();
        let derive = |purpose: &[u8]| -> [u8; 32] {
            let mut hasher = Sha256::new();
            hasher.update(purpose);
            hasher.update(secret.as_bytes());
            hasher.finalize().into()
        };
        Keys {
            ip_hash: derive(b"signons ip-hash v1\0"),
            recipient: derive(b"signons recipient v1\0"),
            proof_of_work: derive(b"signons proof-of-work v1\0"),
            unsubscribe: derive(b"signons unsubscribe v1\0"),
            embed: derive(b"signons embed v1\0"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Settings, defaults};
    use rocket::figment::providers::Serialized;

    #[test]
    fn the_phone_country_is_a_known_region_whatever_its_case() {
        let read = |country: &str| {
            Settings::from_figment(&defaults().merge(Serialized::global("phone_country", country)))
        };
        assert_eq!(read(" be ").expect("Belgium").phone_country, "BE");
        let refused = read("France").expect_err("not a code");
        assert!(refused.to_string().contains("phone_country"), "{refused}");
    }

    #[test]
    fn the_time_zone_is_an_iana_name_and_defaults_to_the_servers() {
        let read = |zone: Option<&str>| {
            let figment = match zone {
                Some(zone) => defaults().merge(Serialized::global("time_zone", zone)),
                None => defaults(),
            };
            Settings::from_figment(&figment)
        };
        let paris = read(Some("Europe/Paris")).expect("a zone");
        assert_eq!(paris.zone.name(), "Europe/Paris");
        assert_eq!(
            read(None).expect("the server's").zone,
            crate::i18n::format::Zone::of_server()
        );
        let refused = read(Some("Paris")).expect_err("not a zone name");
        assert!(refused.to_string().contains("time_zone"), "{refused}");
    }
}
