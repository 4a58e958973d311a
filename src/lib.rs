//! Signons, a self-hosted petition platform. `build` assembles the web application from a figment
//! of settings; `main.rs` is only the command line around it.
pub mod allocator;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod entity;
pub mod error;
pub mod i18n;
pub mod logging;
pub mod mail;
pub mod templates;
pub mod web;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rocket::fairing::AdHoc;
use rocket::figment::Figment;
use rocket::{Build, Rocket};
use sea_orm::DatabaseConnection;

use crate::config::{Keys, Settings};
use crate::error::StartupError;
use crate::mail::transport::Transport;
use crate::templates::Templates;

/// What every part of the application shares: settings, templates, derived keys, the mail transport
/// and the bell that wakes the mail worker.
pub struct Site {
    pub settings: Settings,
    pub templates: Arc<Templates>,
    pub keys: Keys,
    pub transport: Arc<Transport>,
    pub wake: mail::Wake,
    /// The keys that hash client addresses, as this instance last read them.
    pub sources: domain::abuse::source::SourceKeys,
    /// Wakes the sending of updates to signers when one is sent (`domain::outreach::sending`).
    pub outreach_wake: mail::Wake,
    /// The site settings in force (`/admin/settings` over `settings`): read them here, not in
    /// `settings`, for the site's name, registration, organizations, personal petitions, the home
    /// page, the default language, the footer and legal pages, and the report reasons.
    pub live: domain::administration::site_settings::Live,
    /// The translations saved on `/admin/translations`, in force over the built-in messages and the
    /// locales folder.
    pub translations: domain::administration::translations::Live,
}

impl Site {
    pub fn new(figment: &Figment) -> Result<Site, StartupError> {
        let settings = Settings::from_figment(figment)?;
        // Before anything renders: one process serves one set of translations.
        i18n::catalog::load(&settings.locales_dir());
        let templates = Templates::load(settings.overrides_dir.as_deref(), settings.zone)?;
        let transport = Arc::new(Transport::from_settings(&settings)?);
        Ok(Site {
            keys: Keys::derive(figment),
            templates: Arc::new(templates),
            transport,
            wake: mail::Wake::default(),
            sources: Default::default(),
            outreach_wake: mail::Wake::default(),
            live: domain::administration::site_settings::Live::new(&settings),
            translations: Default::default(),
            settings,
        })
    }

    /// What every mail queued by this instance is stamped with: its domain and the caps per address.
    pub fn postmark(&self) -> mail::queue::Postmark {
        mail::queue::Postmark {
            domain: self.mail_domain(),
            caps: domain::abuse::mail_cap::MailCaps {
                per_petition: self.settings.mail_cap_per_petition,
                per_address: self.settings.mail_cap_per_address,
            },
            key: self.keys.recipient,
        }
    }

    /// The domain named in Message-IDs: the host of `mail_from`, else of `public_url`.
    pub fn mail_domain(&self) -> String {
        let from = &self.settings.mail_from;
        let address = from
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>'))
            .unwrap_or(from);
        match address.rsplit_once('@') {
            Some((_, domain)) if !domain.is_empty() => domain.trim().to_string(),
            _ => url::Url::parse(self.settings.public_url())
                .ok()
                .and_then(|u| u.host_str().map(str::to_string))
                .unwrap_or_else(|| "localhost".into()),
        }
    }
}

/// The running mail worker, awaited at shutdown so that mail in flight is finished.
#[derive(Default)]
struct MailWorkerTask(Mutex<Option<tokio::task::JoinHandle<()>>>);

/// Assembles the application: connects and migrates the database when Rocket ignites, starts the
/// mail worker at liftoff and lets it finish at shutdown.
pub fn build(figment: Figment) -> Result<Rocket<Build>, StartupError> {
    let figment = config::with_secret_key(figment)?;
    let site = Site::new(&figment)?;
    tracing::info!(transport = %site.transport.describe(), "mail goes to");
    let rocket = rocket::custom(figment)
        .manage(site)
        .manage(MailWorkerTask::default())
        .manage(web::readiness::Readiness::default())
        .attach(AdHoc::try_on_ignite("Database", |rocket| async move {
            let Some(site) = rocket.state::<Site>() else {
                return Err(rocket);
            };
            let opened = match open_database(&site.settings).await {
                Ok(db) => match site.live.refresh(&db).await {
                    Ok(_) => site.translations.refresh(&db).await.map(|_| db).map_err(StartupError::from),
                    Err(e) => Err(StartupError::from(e)),
                },
                Err(e) => Err(e),
            };
            match opened {
                Ok(db) => Ok(rocket.manage(db)),
                Err(e) => {
                    tracing::error!(error = %e, "cannot open the database");
                    Err(rocket)
                }
            }
        }))
        .attach(AdHoc::on_liftoff("Mail worker", |rocket| {
            Box::pin(async move {
                let (Some(site), Some(db), Some(task)) = (
                    rocket.state::<Site>(),
                    rocket.state::<DatabaseConnection>(),
                    rocket.state::<MailWorkerTask>(),
                ) else {
                    return;
                };
                let worker = mail::worker::Worker::new(
                    db.clone(),
                    site.transport.clone(),
                    site.wake.clone(),
                    &site.settings,
                );
                let handle = tokio::spawn(worker.run(rocket.shutdown()));
                if let Ok(mut slot) = task.0.lock() {
                    *slot = Some(handle);
                }
            })
        }))
        .attach(AdHoc::on_liftoff("Memory", |rocket| {
            Box::pin(async move {
                tokio::spawn(allocator::give_back_free_memory(
                    Duration::from_secs(5),
                    rocket.shutdown(),
                ));
            })
        }))
        .attach(AdHoc::on_liftoff("Retention", |rocket| {
            Box::pin(async move {
                if let (Some(site), Some(db)) =
                    (rocket.state::<Site>(), rocket.state::<DatabaseConnection>())
                {
                    tokio::spawn(domain::signing::retention::run(
                        db.clone(),
                        site.settings.unconfirmed_keep_days,
                        site.settings.anonymize_after_days,
                        rocket.shutdown(),
                    ));
                }
            })
        }))
        .attach(AdHoc::on_liftoff("Site settings", |rocket| {
            Box::pin(async move {
                if let (Some(site), Some(db)) =
                    (rocket.state::<Site>(), rocket.state::<DatabaseConnection>())
                {
                    tokio::spawn(domain::administration::site_settings::watch(
                        db.clone(),
                        site.live.clone(),
                        rocket.shutdown(),
                    ));
                    tokio::spawn(domain::administration::translations::watch(
                        db.clone(),
                        site.translations.clone(),
                        rocket.shutdown(),
                    ));
                }
            })
        }))
        .attach(AdHoc::on_liftoff("Updates to signers", |rocket| {
            Box::pin(async move {
                if let (Some(site), Some(db)) =
                    (rocket.state::<Site>(), rocket.state::<DatabaseConnection>())
                {
                    tokio::spawn(domain::outreach::sending::run(
                        db.clone(),
                        domain::outreach::updates::Letterhead::of(site),
                        site.settings.updates_batch_size,
                        site.outreach_wake.clone(),
                        site.wake.clone(),
                        rocket.shutdown(),
                    ));
                }
            })
        }))
        .attach(AdHoc::on_liftoff("Daily digests", |rocket| {
            Box::pin(async move {
                if let (Some(site), Some(db)) =
                    (rocket.state::<Site>(), rocket.state::<DatabaseConnection>())
                {
                    tokio::spawn(domain::outreach::digest::run(
                        db.clone(),
                        domain::outreach::updates::Letterhead::of(site),
                        site.settings.digest_hour_utc,
                        Duration::from_secs(site.settings.digest_check_secs.max(1)),
                        site.wake.clone(),
                        rocket.shutdown(),
                    ));
                }
            })
        }))
        .attach(AdHoc::on_liftoff("Announce", |rocket| {
            Box::pin(async move {
                let config = rocket.config();
                let public = rocket.state::<Site>().map(|s| s.settings.public_url().to_string()).unwrap_or_default();
                tracing::info!(address = %config.address, port = config.port, public_url = %public, "Signons is serving");
            })
        }))
        .attach(AdHoc::on_shutdown("Mail worker", |rocket| {
            Box::pin(async move {
                let handle = rocket
                    .state::<MailWorkerTask>()
                    .and_then(|t| t.0.lock().ok()?.take());
                let bound = rocket
                    .state::<Site>()
                    .map_or(30, |s| s.settings.mail_timeout_secs)
                    + 2;
                if let Some(handle) = handle
                    && tokio::time::timeout(Duration::from_secs(bound), handle)
                        .await
                        .is_err()
                {
                    tracing::warn!("mail worker did not stop in time");
                }
            })
        }));
    Ok(web::mount(rocket))
}

/// Connects and brings the schema up to date, then the petitions from before main languages.
pub async fn open_database(settings: &Settings) -> Result<DatabaseConnection, StartupError> {
    let db = db::connect(settings).await?;
    db::migrate(&db).await?;
    // The site's default language may come from the settings page, hence after the migrations.
    let live = domain::administration::site_settings::Live::new(settings);
    live.refresh(&db).await?;
    domain::petitions::translations::settle_main_languages(&db, &live.get().default_language)
        .await?;
    Ok(db)
}
