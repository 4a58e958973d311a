//! What the subcommands of `signons` do; `main.rs` only parses the command line.
use std::path::Path;
use std::process::ExitCode;

use crate::config::{self, Settings};
use crate::error::StartupError;

fn runtime() -> Result<tokio::runtime::Runtime, StartupError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StartupError::Launch(e.to_string()))
}

pub fn serve() -> Result<ExitCode, StartupError> {
    // Signons handles SIGTERM and SIGINT itself (`web::readiness`): Rocket's handling would stop
    // accepting at once. Rocket's own colours follow the log's (none unless stderr is a terminal).
    let settings = Settings::from_figment(&config::figment())?;
    let text = settings.log_format == crate::logging::LogFormat::Text;
    let figment = config::figment()
        .merge(("shutdown.ctrlc", false))
        .merge(("shutdown.signals", Vec::<String>::new()))
        .merge(("cli_colors", text && crate::logging::colours()));
    let grace = settings.shutdown_grace_secs;
    // Rocket builds its own runtime from its `workers` setting; the app is built inside it because
    // the SMTP connection pool starts a task of its own.
    rocket::execute(async move {
        let rocket = crate::build(figment)?
            .ignite()
            .await
            .map_err(|e| StartupError::Launch(e.to_string()))?;
        let readiness = rocket
            .state::<crate::web::readiness::Readiness>()
            .cloned()
            .unwrap_or_default();
        let stop = crate::web::readiness::stop_on_signal(
            readiness,
            rocket.shutdown(),
            std::time::Duration::from_secs(grace),
        )
        .map_err(|e| StartupError::Launch(format!("cannot handle SIGTERM: {e}")))?;
        tokio::spawn(stop);
        rocket
            .launch()
            .await
            .map_err(|e| StartupError::Launch(e.to_string()))
    })?;
    Ok(ExitCode::SUCCESS)
}

pub fn migrate() -> Result<ExitCode, StartupError> {
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        crate::open_database(&settings).await?;
        println!(
            "database is up to date: {}",
            redact(&settings.database_url())
        );
        Ok(ExitCode::SUCCESS)
    })
}

pub fn demo() -> Result<ExitCode, StartupError> {
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        let demo = crate::domain::demo::ensure(&db)
            .await
            .map_err(|e| StartupError::Launch(e.to_string()))?;
        println!(
            "Demo account: {} / password: {}",
            demo.username, demo.password
        );
        println!("Demo petition:");
        println!("{}{}", settings.public_url(), demo.petition_path);
        Ok(ExitCode::SUCCESS)
    })
}

/// `signons admin create --role user|moderator|admin`: an account whose address counts as
/// verified, whether or not registration is open (an administrator by default). Prints the
/// password when it was generated. Written to the audit log.
pub fn admin_create(
    username: &str,
    email: &str,
    password: Option<&str>,
    role: &str,
) -> Result<ExitCode, StartupError> {
    use crate::domain::administration::{audit::Actor, people, roles::Role};
    use crate::domain::people::account::AccountError;
    let role = match role {
        "user" => None,
        other => match Role::parse(other) {
            Some(role) => Some(role),
            None => {
                eprintln!("unknown role {other}: user, moderator or admin");
                return Ok(ExitCode::FAILURE);
            }
        },
    };
    let settings = Settings::from_figment(&config::figment())?;
    let generated = crate::domain::token::generate()[..20].to_string();
    let password = password.unwrap_or(&generated);
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        let actor = Actor::command_line();
        match people::create(&db, &actor, username, email, password, role).await {
            Ok(user) => {
                let what = if user.is_admin {
                    "administrator"
                } else if user.is_moderator {
                    "moderator"
                } else {
                    "account"
                };
                println!("{what} {} created", user.username);
                if password == generated {
                    println!("password: {password}");
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(AccountError::Invalid(errors)) => {
                for (field, problem) in errors {
                    eprintln!("{field}: {}", crate::i18n::Lang::source().t(problem));
                }
                Ok(ExitCode::FAILURE)
            }
            Err(e) => Err(StartupError::Launch(e.to_string())),
        }
    })
}

/// What a refused decision about an account prints; the exit code says it failed.
fn people_refusal(
    username: &str,
    e: crate::domain::administration::people::PeopleError,
) -> Result<ExitCode, StartupError> {
    use crate::domain::administration::people::PeopleError;
    let message = match e {
        PeopleError::Database(e) => return Err(e.into()),
        PeopleError::NotFound => format!("no account named {username}"),
        PeopleError::LastAdministrator => format!(
            "{username} is the last administrator who can log in: make another account administrator first"
        ),
        PeopleError::OwnAccount => "not on one's own account".to_string(),
        PeopleError::MustHandOver(orgs) => {
            let names: Vec<String> = orgs.into_iter().map(|o| o.name).collect();
            format!(
                "{username} is the last administrator of: {}",
                names.join(", ")
            )
        }
        PeopleError::Invalid(_) => "the reason cannot be kept".to_string(),
    };
    eprintln!("{message}");
    Ok(ExitCode::FAILURE)
}

/// `signons admin promote|demote --role moderator|admin USERNAME`: gives or takes an instance
/// role (written to the audit log). The last administrator is never demoted.
pub fn admin_role(username: &str, role: &str, give: bool) -> Result<ExitCode, StartupError> {
    use crate::domain::administration::{audit::Actor, people, roles};
    let Some(parsed) = roles::Role::parse(role) else {
        eprintln!("unknown role {role}: moderator or admin");
        return Ok(ExitCode::FAILURE);
    };
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        let which = people::Account::Username(username);
        match people::set_role(&db, &Actor::command_line(), which, parsed, give).await {
            Ok(user) if give => {
                println!("{} is now {role}", user.username);
                Ok(ExitCode::SUCCESS)
            }
            Ok(user) => {
                println!("{} is no longer {role}", user.username);
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => people_refusal(username, e),
        }
    })
}

/// `signons admin block [--reason R] USERNAME` and `signons admin unblock USERNAME`.
pub fn admin_block(username: &str, reason: &str, block: bool) -> Result<ExitCode, StartupError> {
    use crate::domain::administration::{audit::Actor, people};
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        let actor = Actor::command_line();
        let which = people::Account::Username(username);
        let done = if block {
            people::block(&db, &actor, which, reason).await
        } else {
            people::unblock(&db, &actor, which, reason).await
        };
        match done {
            Ok(user) => {
                let state = if block { "blocked" } else { "unblocked" };
                println!("{} is {state}", user.username);
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => people_refusal(username, e),
        }
    })
}

/// `signons admin list [--search TERM]`: one account a line, tab-separated: username, e-mail
/// address, roles, `blocked` when it is.
pub fn admin_list(search: &str) -> Result<ExitCode, StartupError> {
    use crate::domain::administration::people;
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        const BATCH: u64 = 500;
        let mut offset = 0;
        loop {
            let (rows, total) = people::search(&db, search, offset, BATCH).await?;
            for a in &rows {
                let mut roles = Vec::new();
                if a.is_admin {
                    roles.push("admin");
                }
                if a.is_moderator {
                    roles.push("moderator");
                }
                let roles = if roles.is_empty() {
                    "user".to_string()
                } else {
                    roles.join(",")
                };
                let blocked = if a.blocked { "\tblocked" } else { "" };
                println!("{}\t{}\t{roles}{blocked}", a.username, a.email);
            }
            offset += BATCH;
            if rows.is_empty() || offset >= total {
                break;
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// What `signons mail …` does.
pub enum MailAction {
    Status,
    RetryFailed,
    DiscardFailed,
}

pub fn mail(action: MailAction) -> Result<ExitCode, StartupError> {
    use crate::mail::queue;
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        match action {
            MailAction::Status => {
                let status = queue::status(&db).await?;
                println!("pending: {}", status.pending);
                println!("retrying: {}", status.retrying);
                println!("failed: {}", status.failed);
                println!("sent: {}", status.sent);
                for m in &status.failed_mails {
                    let error = m.last_error.as_deref().unwrap_or("").replace('\n', " ");
                    println!(
                        "failed #{} to {} after {} attempts: {error}",
                        m.id, m.recipient, m.attempts
                    );
                }
            }
            MailAction::RetryFailed => println!(
                "{} failed mails queued again",
                queue::retry_failed(&db).await?
            ),
            MailAction::DiscardFailed => println!(
                "{} failed mails discarded",
                queue::discard_failed(&db).await?
            ),
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn locales_check(dir: Option<&Path>) -> Result<ExitCode, StartupError> {
    let report = match dir {
        Some(dir) => crate::i18n::check::check_dir(dir)?,
        None => crate::i18n::check::check_shipped(),
    };
    print!("{}", report.render());
    Ok(if report.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `signons locales export DIR [--lang L]`: the built-in files, with the translations saved on
/// `/admin/translations` written in when the site's database is there (an SQLite file not yet
/// created is not created for this).
pub fn locales_export(dir: &Path, lang: Option<&str>) -> Result<ExitCode, StartupError> {
    let settings = Settings::from_figment(&config::figment())?;
    let url = settings.database_url();
    let sqlite_file = url
        .strip_prefix("sqlite://")
        .map(|rest| rest.split('?').next().unwrap_or(rest).to_string());
    let site = if let Some(file) = sqlite_file.filter(|file| !Path::new(file).exists()) {
        eprintln!(
            "no database at {file}: only the built-in texts are written (set ROCKET_DATA_DIR or ROCKET_DATABASE_URL to include those saved on /admin/translations)"
        );
        Default::default()
    } else {
        match runtime()?.block_on(site_translations(&settings)) {
            Ok(site) => site,
            Err(e) => {
                eprintln!(
                    "translations saved on the site left out: cannot read {}: {e}",
                    redact(&url)
                );
                Default::default()
            }
        }
    };
    let saved: usize = site.values().map(|t| t.len()).sum();
    if saved > 0 {
        eprintln!("{saved} messages saved on /admin/translations written in");
    }
    let written = crate::i18n::check::export(dir, lang, &site)?;
    for path in &written {
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The messages saved on `/admin/translations`, by language. Reads only: the database is neither
/// migrated nor created (a database without the table has none).
async fn site_translations(
    settings: &Settings,
) -> Result<crate::i18n::check::SiteTexts, StartupError> {
    use sea_orm::EntityTrait;
    let url = settings.database_url().replace("mode=rwc", "mode=ro");
    let db = sea_orm::Database::connect(url)
        .await
        .map_err(|e| StartupError::Launch(e.to_string()))?;
    let rows = crate::entity::translation::Entity::find()
        .all(&db)
        .await
        .unwrap_or_default();
    db.close().await.ok();
    let mut site = crate::i18n::check::SiteTexts::new();
    for row in rows {
        site.entry(row.lang)
            .or_default()
            .insert(row.message_id, row.source);
    }
    Ok(site)
}

/// A database URL without its password, for printing.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}
