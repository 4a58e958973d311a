//! The `signons` command line: parse, then call into the library.
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "signons", version, about = "A self-hosted petition platform")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Create (once) a demo organization, account and published petition; print the petition's URL.
    Demo,
    /// Instance administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// The outgoing mail queue.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Translations.
    Locales {
        #[command(subcommand)]
        command: LocalesCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an account, an administrator unless `--role` says otherwise (prints a generated
    /// password when none is given).
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        email: String,
        /// Also read from SIGNONS_ADMIN_PASSWORD, which keeps it out of the shell history.
        #[arg(long, env = "SIGNONS_ADMIN_PASSWORD")]
        password: Option<String>,
        /// `user` (no instance role), `moderator` or `admin`.
        #[arg(long, default_value = "admin", value_parser = ["user", "moderator", "admin"])]
        role: String,
    },
    /// Give an existing account an instance role: `moderator` (works the moderation queue) or
    /// `admin`.
    Promote {
        #[arg(long, value_parser = ["moderator", "admin"])]
        role: String,
        username: String,
    },
    /// Take an instance role from an account (never from the last administrator).
    Demote {
        #[arg(long, value_parser = ["moderator", "admin"])]
        role: String,
        username: String,
    },
    /// Block an account: it cannot log in, its sessions end, its own petitions leave the public.
    Block {
        username: String,
        /// Kept in the audit log.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Unblock an account: it may log in again, its petitions are back as they were.
    Unblock { username: String },
    /// List the accounts (username, roles, blocked), or those matching a search.
    List {
        /// Part of a username, display name or e-mail address.
        #[arg(long, default_value = "")]
        search: String,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Count pending, retrying, failed and sent mails; list the failed ones with their last error.
    Status,
    /// Put every failed mail back in the queue.
    RetryFailed,
    /// Delete every failed mail.
    DiscardFailed,
}

#[derive(Subcommand)]
enum LocalesCommand {
    /// Compare translations with the built-in English: per language, the missing and obsolete
    /// keys, placeables that differ, plural variants the language needs, syntax errors (file and
    /// line), and the share translated. Exits non-zero when a language is incomplete.
    Check {
        /// A folder of .ftl files, one sub-folder per language (e.g. `<data_dir>/locales`, or one
        /// written by `locales export`); without it, the languages built into this binary. An
        /// `en-US` sub-folder holds wordings that replace built-in ones.
        dir: Option<std::path::PathBuf>,
        /// The same as DIR (kept for older scripts).
        #[arg(long = "dir", hide = true, conflicts_with = "dir")]
        dir_option: Option<std::path::PathBuf>,
    },
    /// Write the .ftl files built into this binary, one sub-folder per language as in the
    /// repository (DIR/en-US/*.ftl, DIR/fr/*.ftl), for a translator to start from. Files of the
    /// same name are overwritten. The translations saved on /admin/translations are written in
    /// (when the site's database is there); those of the locales folder are not included.
    Export {
        dir: std::path::PathBuf,
        /// Only this language (e.g. `en-US`).
        #[arg(long)]
        lang: Option<String>,
    },
}

fn main() -> ExitCode {
    signons::allocator::return_large_blocks();
    signons::logging::init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => signons::cli::serve(),
        Command::Migrate => signons::cli::migrate(),
        Command::Demo => signons::cli::demo(),
        Command::Admin {
            command:
                AdminCommand::Create {
                    username,
                    email,
                    password,
                    role,
                },
        } => signons::cli::admin_create(&username, &email, password.as_deref(), &role),
        Command::Admin {
            command: AdminCommand::Promote { role, username },
        } => signons::cli::admin_role(&username, &role, true),
        Command::Admin {
            command: AdminCommand::Demote { role, username },
        } => signons::cli::admin_role(&username, &role, false),
        Command::Admin {
            command: AdminCommand::Block { username, reason },
        } => signons::cli::admin_block(&username, &reason, true),
        Command::Admin {
            command: AdminCommand::Unblock { username },
        } => signons::cli::admin_block(&username, "", false),
        Command::Admin {
            command: AdminCommand::List { search },
        } => signons::cli::admin_list(&search),
        Command::Mail { command } => signons::cli::mail(match command {
            MailCommand::Status => signons::cli::MailAction::Status,
            MailCommand::RetryFailed => signons::cli::MailAction::RetryFailed,
            MailCommand::DiscardFailed => signons::cli::MailAction::DiscardFailed,
        }),
        Command::Locales {
            command: LocalesCommand::Check { dir, dir_option },
        } => signons::cli::locales_check(dir.or(dir_option).as_deref()),
        Command::Locales {
            command: LocalesCommand::Export { dir, lang },
        } => signons::cli::locales_export(&dir, lang.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("signons: {e}");
            ExitCode::FAILURE
        }
    }
}
