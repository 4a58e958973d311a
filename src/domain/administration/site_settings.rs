//! The site settings (F8.1, issue 11 point 6): what the administrators choose on `/admin/settings`
//! — the site's name, who may register, who may create organizations, whether people may own
//! petitions, the home page, the default language, the footer, the legal notice, the privacy
//! policy and the reasons offered to those who report a petition.
//!
//! - **Where they live.** One row of `site_settings` holds a JSON document of what the page saved;
//!   every setting never saved there comes from `Rocket.toml` / `ROCKET_*` (`config::Settings`),
//!   which are therefore the defaults the page starts from. Once saved, the database wins.
//! - **In force at once, everywhere.** Each instance keeps the settings in memory (`Live`) and
//!   reads the row's `revision` every `POLL`; a save bumps it, so every instance on the database
//!   applies a change within `POLL` (plus the page cache's lifetime) without a restart. Two
//!   administrators saving from the same revision: the second is told to look again.
//! - **Texts.** The footer, the legal notice and the privacy policy are written in Markdown, one
//!   per language; they are rendered and sanitized (`petitions::html`) when loaded, and shown in
//!   the reader's language, else the site's default language, else English, else any.
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

use super::audit;
use super::reports::Reason;
use crate::config::Settings;
use crate::domain::people::account::FieldErrors;
use crate::domain::petitions::html;
use crate::entity::{organization, site_settings, user};
use crate::i18n::{self, Lang};

/// How often an instance looks for settings saved by another.
pub const POLL: Duration = Duration::from_secs(2);
/// Longest site name, in characters.
pub const SITE_NAME_MAX: usize = 80;
/// Longest footer, in characters (per language).
pub const FOOTER_MAX: usize = 2_000;
/// Longest legal notice or privacy policy, in characters (per language).
pub const PAGE_MAX: usize = 100_000;
/// Most reasons of their own the administrators may add to the report form.
pub const CUSTOM_REASONS_MAX: usize = 12;
/// Longest reason of their own, in characters.
pub const CUSTOM_REASON_MAX: usize = 80;
/// How a reason of the administrators' own is stored in a report: `custom:<its text>`.
pub const CUSTOM_PREFIX: &str = "custom:";

/// Who may create an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Registration {
    /// Anyone.
    Open,
    /// Only someone holding an e-mail invitation to an organization; `/register` says so.
    InvitationOnly,
    /// Only someone holding an e-mail invitation; `/register` says registration is closed.
    Closed,
}

impl Registration {
    pub const ALL: [Registration; 3] = [
        Registration::Open,
        Registration::InvitationOnly,
        Registration::Closed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Registration::Open => "open",
            Registration::InvitationOnly => "invitation-only",
            Registration::Closed => "closed",
        }
    }

    pub fn parse(name: &str) -> Option<Registration> {
        Registration::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// What `/` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum Home {
    /// The list of published petitions.
    Petitions,
    /// This organization's profile: a site run by one association.
    Organization(i32),
}

/// What the settings page saved. A field left out comes from the file settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Document {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration: Option<Registration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization_creation_admins_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_petitions: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home: Option<Home>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_language: Option<String>,
    /// Language code → Markdown.
    pub footer: BTreeMap<String, String>,
    pub legal_notice: BTreeMap<String, String>,
    pub privacy_policy: BTreeMap<String, String>,
    /// The reasons offered on the report form, in order: a built-in reason's name, or
    /// `custom:<text>` for one of the administrators' own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_reasons: Option<Vec<String>>,
}

/// A text written on the settings page, in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Text {
    /// The language it is written in.
    pub lang: String,
    pub markdown: String,
    /// Rendered and sanitized.
    pub html: String,
}

/// One text in every language it was written in.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Texts(BTreeMap<String, Text>);

impl Texts {
    fn from_markdown(by_lang: &BTreeMap<String, String>) -> Texts {
        Texts(
            by_lang
                .iter()
                .filter(|(_, md)| !md.trim().is_empty())
                .map(|(lang, md)| {
                    let text = Text {
                        lang: lang.clone(),
                        markdown: md.clone(),
                        html: html::markdown(md),
                    };
                    (lang.clone(), text)
                })
                .collect(),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text for a reader of `lang`: theirs, else the site's `default` language's, else
    /// English, else any.
    pub fn for_reader(&self, lang: &str, default: &str) -> Option<&Text> {
        [lang, default, i18n::SOURCE_LANGUAGE]
            .iter()
            .find_map(|l| self.0.get(*l))
            .or_else(|| self.0.values().next())
    }

    /// The Markdown written for `lang`, or nothing.
    pub fn markdown(&self, lang: &str) -> &str {
        self.0.get(lang).map_or("", |t| t.markdown.as_str())
    }
}

/// A reason offered on the report form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportReason {
    /// The form's value and what a report stores.
    pub name: String,
    /// The Fluent key of a built-in reason; none for the administrators' own, shown as written.
    pub key: Option<String>,
    pub text: String,
}

impl ReportReason {
    /// The reason stored as `name` in a report, whether or not it is still offered.
    pub fn from_name(name: &str) -> ReportReason {
        match name.strip_prefix(CUSTOM_PREFIX) {
            Some(text) => ReportReason {
                name: name.to_string(),
                key: None,
                text: text.to_string(),
            },
            None => {
                let reason = Reason::parse(name).unwrap_or(Reason::Other);
                ReportReason {
                    name: reason.name().to_string(),
                    key: Some(format!("report-reason-{}", reason.name())),
                    text: String::new(),
                }
            }
        }
    }
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteSettings {
    /// Of the row they were read from (`-1`: none read yet).
    pub revision: i64,
    pub site_name: String,
    pub registration: Registration,
    pub organization_creation_admins_only: bool,
    pub personal_petitions: bool,
    pub home: Home,
    pub default_language: String,
    pub footer: Texts,
    pub legal_notice: Texts,
    pub privacy_policy: Texts,
    pub report_reasons: Vec<ReportReason>,
}

impl SiteSettings {
    /// The file settings overlaid with what the page saved.
    fn resolve(defaults: &Settings, doc: &Document, revision: i64) -> SiteSettings {
        let default_language = doc
            .default_language
            .clone()
            .filter(|l| Lang::shipped(l).is_some())
            .unwrap_or_else(|| defaults.default_language.clone());
        let reasons = doc
            .report_reasons
            .clone()
            .unwrap_or_else(|| Reason::ALL.iter().map(|r| r.name().to_string()).collect());
        SiteSettings {
            revision,
            site_name: doc
                .site_name
                .clone()
                .unwrap_or_else(|| defaults.site_name.clone()),
            registration: doc.registration.unwrap_or(if defaults.registration_open {
                Registration::Open
            } else {
                Registration::Closed
            }),
            organization_creation_admins_only: doc
                .organization_creation_admins_only
                .unwrap_or(defaults.organization_creation_admins_only),
            personal_petitions: doc
                .personal_petitions
                .unwrap_or(defaults.personal_petitions),
            home: doc.home.unwrap_or(Home::Petitions),
            default_language,
            footer: Texts::from_markdown(&doc.footer),
            legal_notice: Texts::from_markdown(&doc.legal_notice),
            privacy_policy: Texts::from_markdown(&doc.privacy_policy),
            report_reasons: reasons.iter().map(|n| ReportReason::from_name(n)).collect(),
        }
    }

    pub fn registration_open(&self) -> bool {
        self.registration == Registration::Open
    }

    /// The reason a report form sent as `name`, if it is offered.
    pub fn offered_reason(&self, name: &str) -> Option<&ReportReason> {
        self.report_reasons.iter().find(|r| r.name == name)
    }

    /// The document that, saved, gives these settings.
    fn document(&self) -> Document {
        let markdown = |texts: &Texts| {
            texts
                .0
                .iter()
                .map(|(l, t)| (l.clone(), t.markdown.clone()))
                .collect()
        };
        Document {
            site_name: Some(self.site_name.clone()),
            registration: Some(self.registration),
            organization_creation_admins_only: Some(self.organization_creation_admins_only),
            personal_petitions: Some(self.personal_petitions),
            home: Some(self.home),
            default_language: Some(self.default_language.clone()),
            footer: markdown(&self.footer),
            legal_notice: markdown(&self.legal_notice),
            privacy_policy: markdown(&self.privacy_policy),
            report_reasons: Some(self.report_reasons.iter().map(|r| r.name.clone()).collect()),
        }
    }
}

/// The settings in force on this instance, shared by every request; cheap to clone.
#[derive(Clone)]
pub struct Live {
    defaults: Arc<Settings>,
    current: Arc<RwLock<Arc<SiteSettings>>>,
}

impl Live {
    /// The file settings alone, until `refresh` reads the database.
    pub fn new(defaults: &Settings) -> Live {
        let first = SiteSettings::resolve(defaults, &Document::default(), -1);
        Live {
            defaults: Arc::new(defaults.clone()),
            current: Arc::new(RwLock::new(Arc::new(first))),
        }
    }

    pub fn get(&self) -> Arc<SiteSettings> {
        match self.current.read() {
            Ok(current) => current.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set(&self, settings: SiteSettings) {
        let settings = Arc::new(settings);
        match self.current.write() {
            Ok(mut current) => *current = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
    }

    /// Reads the row's revision and, when it moved, the settings. Whether they changed.
    pub async fn refresh<C: ConnectionTrait>(&self, conn: &C) -> Result<bool, DbErr> {
        let Some(row) = site_settings::Entity::find_by_id(1).one(conn).await? else {
            return Ok(false);
        };
        if row.revision == self.get().revision {
            return Ok(false);
        }
        let doc = serde_json::from_str::<Document>(&row.document).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the saved site settings cannot be read; the file settings apply");
            Document::default()
        });
        self.set(SiteSettings::resolve(&self.defaults, &doc, row.revision));
        Ok(true)
    }
}

/// Applies settings saved by any instance, every `POLL`, until the application stops. Pages kept
/// by the page cache live 1.5 s at most, so they follow without being evicted.
pub async fn watch(db: DatabaseConnection, live: Live, mut shutdown: rocket::Shutdown) {
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(POLL) => {}
        }
        match live.refresh(&db).await {
            Ok(true) => tracing::info!(revision = live.get().revision, "site settings applied"),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "cannot read the site settings"),
        }
    }
}

/// The settings page's form as typed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SettingsInput {
    /// The revision the form was shown at.
    pub revision: i64,
    pub site_name: String,
    pub registration: String,
    pub organization_creation_admins_only: bool,
    pub personal_petitions: bool,
    /// `petitions`, or an organization's id.
    pub home: String,
    pub default_language: String,
    pub footer: BTreeMap<String, String>,
    pub legal_notice: BTreeMap<String, String>,
    pub privacy_policy: BTreeMap<String, String>,
    /// The built-in reasons kept, by name.
    pub reasons: Vec<String>,
    /// The administrators' own reasons, one per line.
    pub custom_reasons: String,
}

impl SettingsInput {
    /// The form as it shows `settings`.
    pub fn from_settings(settings: &SiteSettings) -> SettingsInput {
        let markdown_by_lang = |texts: &Texts| {
            i18n::available()
                .iter()
                .map(|l| (l.code(), texts.markdown(&l.code()).to_string()))
                .collect()
        };
        SettingsInput {
            revision: settings.revision,
            site_name: settings.site_name.clone(),
            registration: settings.registration.name().to_string(),
            organization_creation_admins_only: settings.organization_creation_admins_only,
            personal_petitions: settings.personal_petitions,
            home: match settings.home {
                Home::Petitions => "petitions".into(),
                Home::Organization(id) => id.to_string(),
            },
            default_language: settings.default_language.clone(),
            footer: markdown_by_lang(&settings.footer),
            legal_notice: markdown_by_lang(&settings.legal_notice),
            privacy_policy: markdown_by_lang(&settings.privacy_policy),
            reasons: settings
                .report_reasons
                .iter()
                .filter(|r| r.key.is_some())
                .map(|r| r.name.clone())
                .collect(),
            custom_reasons: settings
                .report_reasons
                .iter()
                .filter(|r| r.key.is_none())
                .map(|r| r.text.clone())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("not allowed")]
    Forbidden,
    #[error("invalid settings")]
    Invalid(FieldErrors),
    /// Someone saved the settings since the form was shown.
    #[error("changed meanwhile")]
    Conflict,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// Whether an organization with this id exists (the home page may show it).
async fn organization_exists<C: ConnectionTrait>(conn: &C, id: i32) -> Result<bool, DbErr> {
    Ok(organization::Entity::find_by_id(id)
        .one(conn)
        .await?
        .is_some())
}

/// Checks the form: the document to save, or the form's mistakes (field → Fluent key).
async fn check<C: ConnectionTrait>(conn: &C, input: &SettingsInput) -> Result<Document, SaveError> {
    let mut errors = FieldErrors::new();
    let site_name = html::plain_text(input.site_name.trim());
    if site_name.is_empty() || site_name.chars().count() > SITE_NAME_MAX {
        errors.insert("site_name", "settings-site-name-invalid");
    }
    let registration = Registration::parse(&input.registration);
    if registration.is_none() {
        errors.insert("registration", "settings-choice-invalid");
    }
    let home = match input.home.as_str() {
        "petitions" => Some(Home::Petitions),
        id => match id.parse::<i32>() {
            Ok(id) if organization_exists(conn, id).await? => Some(Home::Organization(id)),
            _ => None,
        },
    };
    if home.is_none() {
        errors.insert("home", "settings-home-invalid");
    }
    if Lang::shipped(&input.default_language).is_none() {
        errors.insert("default_language", "settings-choice-invalid");
    }
    let languages: Vec<String> = i18n::available().iter().map(Lang::code).collect();
    let mut texts = |field: &'static str,
                     too_long: &'static str,
                     by_lang: &BTreeMap<String, String>,
                     max: usize| {
        let mut kept = BTreeMap::new();
        for (lang, text) in by_lang {
            let text = text.trim();
            if text.is_empty() || !languages.contains(lang) {
                continue;
            }
            if text.chars().count() > max {
                errors.insert(field, too_long);
            } else if crate::domain::text::has_control(text) {
                errors.insert(field, crate::domain::text::CONTROL_CHARACTERS);
            }
            kept.insert(lang.clone(), text.replace("\r\n", "\n"));
        }
        kept
    };
    let footer = texts(
        "footer",
        "settings-footer-too-long",
        &input.footer,
        FOOTER_MAX,
    );
    let legal_notice = texts(
        "legal_notice",
        "settings-legal-notice-too-long",
        &input.legal_notice,
        PAGE_MAX,
    );
    let privacy_policy = texts(
        "privacy_policy",
        "settings-privacy-policy-too-long",
        &input.privacy_policy,
        PAGE_MAX,
    );
    let mut reasons: Vec<String> = Reason::ALL
        .iter()
        .map(|r| r.name())
        .filter(|name| input.reasons.iter().any(|kept| kept == name))
        .map(str::to_string)
        .collect();
    let mut custom = Vec::new();
    for line in input.custom_reasons.lines() {
        let line = html::plain_text(line.trim());
        if line.is_empty() || custom.contains(&line) {
            continue;
        }
        if line.chars().count() > CUSTOM_REASON_MAX || crate::domain::text::has_control(&line) {
            errors.insert("custom_reasons", "settings-custom-reason-invalid");
        }
        custom.push(line);
    }
    if custom.len() > CUSTOM_REASONS_MAX {
        errors.insert("custom_reasons", "settings-custom-reasons-too-many");
    }
    // "Something else" stays last, after the administrators' own.
    let other = reasons.iter().position(|r| r == Reason::Other.name());
    let other = other.map(|at| reasons.remove(at));
    reasons.extend(custom.iter().map(|c| format!("{CUSTOM_PREFIX}{c}")));
    reasons.extend(other);
    if reasons.is_empty() {
        errors.insert("reasons", "settings-reasons-empty");
    }
    match (registration, home) {
        (Some(registration), Some(home)) if errors.is_empty() => Ok(Document {
            site_name: Some(site_name),
            registration: Some(registration),
            organization_creation_admins_only: Some(input.organization_creation_admins_only),
            personal_petitions: Some(input.personal_petitions),
            home: Some(home),
            default_language: Some(input.default_language.clone()),
            footer,
            legal_notice,
            privacy_policy,
            report_reasons: Some(reasons),
        }),
        _ => Err(SaveError::Invalid(errors)),
    }
}

/// The names of the settings that differ between `before` and `after`, for the audit log
/// (`legal_notice.fr` for a text in one language).
fn changes(before: &Document, after: &Document) -> Vec<String> {
    let (Ok(serde_json::Value::Object(old)), Ok(serde_json::Value::Object(new))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let (a, b) = (old.get(key), new.get(key));
        if a == b {
            continue;
        }
        match (a, b) {
            (Some(serde_json::Value::Object(a)), Some(serde_json::Value::Object(b))) => {
                let langs: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                names.extend(
                    langs
                        .into_iter()
                        .filter(|l| a.get(*l) != b.get(*l))
                        .map(|l| format!("{key}.{l}")),
                );
            }
            _ => names.push(key.clone()),
        }
    }
    names
}

/// Saves the settings page's form, by an administrator, if nobody saved since the form was shown;
/// writes the audit line in the same transaction, then applies the settings on this instance.
pub async fn save(
    db: &DatabaseConnection,
    live: &Live,
    user: &user::Model,
    input: &SettingsInput,
) -> Result<(), SaveError> {
    if !crate::domain::people::permission::may_change_settings(user) {
        return Err(SaveError::Forbidden);
    }
    let doc = check(db, input).await?;
    let json = serde_json::to_string(&doc).map_err(|e| DbErr::Custom(e.to_string()))?;
    let txn = db.begin().await?;
    let before = site_settings::Entity::find_by_id(1)
        .one(&txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("site_settings".into()))?;
    let before_doc = SiteSettings::resolve(
        &live.defaults,
        &serde_json::from_str(&before.document).unwrap_or_default(),
        before.revision,
    )
    .document();
    let updated = site_settings::Entity::update_many()
        .col_expr(
            site_settings::Column::Revision,
            Expr::col(site_settings::Column::Revision).add(1),
        )
        .col_expr(site_settings::Column::Document, Expr::value(json))
        .col_expr(
            site_settings::Column::UpdatedAt,
            Expr::value(crate::domain::now()),
        )
        .filter(site_settings::Column::Id.eq(1))
        .filter(site_settings::Column::Revision.eq(input.revision))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        drop(txn);
        live.refresh(db).await?;
        return Err(SaveError::Conflict);
    }
    let changed = changes(&before_doc, &doc);
    let target = audit::Target {
        kind: "settings",
        id: None,
        label: doc.site_name.clone().unwrap_or_default(),
    };
    audit::record(
        &txn,
        user,
        audit::Action::ChangeSettings,
        &target,
        &changed.join(" "),
    )
    .await?;
    txn.commit().await?;
    live.refresh(db).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Settings {
        Settings {
            site_name: "From the file".into(),
            registration_open: false,
            ..Settings::default()
        }
    }

    #[test]
    fn the_file_settings_apply_until_the_page_saves_them() {
        let none = SiteSettings::resolve(&defaults(), &Document::default(), 0);
        assert_eq!(none.site_name, "From the file");
        assert_eq!(none.registration, Registration::Closed);
        assert_eq!(none.report_reasons.len(), Reason::ALL.len());
        let doc = Document {
            site_name: Some("From the page".into()),
            registration: Some(Registration::InvitationOnly),
            ..Document::default()
        };
        let saved = SiteSettings::resolve(&defaults(), &doc, 1);
        assert_eq!(saved.site_name, "From the page");
        assert_eq!(saved.registration, Registration::InvitationOnly);
        assert_eq!(
            SiteSettings::resolve(&defaults(), &saved.document(), 2).document(),
            saved.document(),
            "a saved document gives back the same settings"
        );
    }

    #[test]
    fn texts_fall_back_to_the_default_language_then_english() {
        let by_lang = BTreeMap::from([
            ("en-US".to_string(), "Hosted by *us*".to_string()),
            ("fr".to_string(), "Hébergé par *nous*".to_string()),
        ]);
        let texts = Texts::from_markdown(&by_lang);
        assert!(
            texts
                .for_reader("fr", "en-US")
                .unwrap()
                .html
                .contains("<em>nous</em>")
        );
        assert!(texts.for_reader("de", "fr").unwrap().html.contains("nous"));
        assert!(texts.for_reader("de", "it").unwrap().html.contains("us"));
        let scripted = Texts::from_markdown(&BTreeMap::from([(
            "en-US".to_string(),
            "<script>alert(1)</script>\n\n[x](javascript:alert(1))".to_string(),
        )]));
        let html = &scripted.for_reader("en-US", "en-US").unwrap().html;
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
    }

    #[test]
    fn the_audit_line_names_what_changed() {
        let before = Document {
            site_name: Some("A".into()),
            legal_notice: BTreeMap::from([("fr".to_string(), "x".to_string())]),
            ..Document::default()
        };
        let after = Document {
            site_name: Some("B".into()),
            legal_notice: BTreeMap::from([
                ("fr".to_string(), "x".to_string()),
                ("en-US".to_string(), "y".to_string()),
            ]),
            ..Document::default()
        };
        assert_eq!(
            changes(&before, &after),
            ["legal_notice.en-US", "site_name"]
        );
    }

    #[test]
    fn a_stored_reason_reads_back_even_when_no_longer_offered() {
        let own = ReportReason::from_name("custom:Off topic");
        assert_eq!((own.key, own.text.as_str()), (None, "Off topic"));
        let spam = ReportReason::from_name("spam");
        assert_eq!(spam.key.as_deref(), Some("report-reason-spam"));
    }
}
