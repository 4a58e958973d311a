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
    // Rocket builds its own runtime from its `workers` setting; the app is built inside it because
    // the SMTP connection pool starts a task of its own.
    rocket::execute(async move {
        crate::build(config::figment())?
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

/// `signons admin create`: an instance administrator, whether or not registration is open. Prints
/// the password when it was generated.
pub fn admin_create(
    username: &str,
    email: &str,
    password: Option<&str>,
) -> Result<ExitCode, StartupError> {
    use crate::domain::people::account::{self, AccountError};
    let settings = Settings::from_figment(&config::figment())?;
    let generated = crate::domain::token::generate()[..20].to_string();
    let password = password.unwrap_or(&generated);
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        match account::create_admin(&db, username, email, password).await {
            Ok(user) => {
                println!("administrator {} created", user.username);
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

/// `signons admin promote --role moderator|admin USERNAME`: gives an account an instance role (and
/// writes it to the audit log).
pub fn admin_promote(username: &str, role: &str) -> Result<ExitCode, StartupError> {
    use crate::domain::administration::{audit::Actor, roles};
    let Some(role) = roles::Role::parse(role) else {
        eprintln!("unknown role {role}: moderator or admin");
        return Ok(ExitCode::FAILURE);
    };
    let settings = Settings::from_figment(&config::figment())?;
    runtime()?.block_on(async {
        let db = crate::open_database(&settings).await?;
        match roles::promote(&db, &Actor::command_line(), username, role).await? {
            Some(user) => {
                println!("{} is now {role:?}", user.username);
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!("no account named {username}");
                Ok(ExitCode::FAILURE)
            }
        }
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
