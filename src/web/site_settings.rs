//! The site settings over HTTP (F8.1): `/admin/settings` for the administrators
//! (`permission::may_change_settings`; anyone else gets a 404), and the legal notice and privacy
//! policy pages they write there, linked from every footer. The rules, the storage and how every
//! instance follows a change are `domain::administration::site_settings`.
use std::collections::{BTreeMap, HashMap};

use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde_json::json;

use super::cache::PageCache;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::administration::reports::Reason;
use crate::domain::administration::site_settings::{
    self, Registration, SaveError, SettingsInput, SiteSettings, Texts,
};
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission;
use crate::entity::{organization, user};
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};

pub fn routes() -> Vec<Route> {
    routes![settings_page, save, legal_notice, privacy_policy]
}

/// The logged-in administrator, or a 404 for anyone else (also for `web::translations`).
pub(crate) fn administrator(user: Option<CurrentUser>) -> Result<user::Model> {
    let CurrentUser(user) = require(user)?;
    if permission::may_change_settings(&user) {
        Ok(user)
    } else {
        Err(Error::NotFound)
    }
}

/// The settings page showing `input`, with its mistakes.
async fn settings_form(
    db: &DatabaseConnection,
    input: &SettingsInput,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<Page> {
    let organizations: Vec<_> = organization::Entity::find()
        .order_by_asc(organization::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|o| json!({ "id": o.id.to_string(), "name": o.name }))
        .collect();
    let languages: Vec<_> = i18n::available()
        .iter()
        .map(|l| json!({ "code": l.code(), "name": l.t("language-name") }))
        .collect();
    let builtin: Vec<_> = Reason::ALL
        .iter()
        .map(|r| json!({ "name": r.name(), "key": format!("report-reason-{}", r.name()) }))
        .collect();
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Ok(Page::new(
        "admin/settings",
        json!({
            "values": input,
            "errors": errors,
            "notice": notice,
            "organizations": organizations,
            "site_languages": languages,
            "registrations": Registration::ALL.iter().map(|r| r.name()).collect::<Vec<_>>(),
            "builtin_reasons": builtin,
            "limits": {
                "site_name": site_settings::SITE_NAME_MAX,
                "custom_reasons": site_settings::CUSTOM_REASONS_MAX,
                "custom_reason": site_settings::CUSTOM_REASON_MAX,
            },
        }),
    )
    .status(status))
}

#[get("/admin/settings?<done>")]
async fn settings_page(
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    administrator(user)?;
    let input = SettingsInput::from_settings(&site.live.get());
    let notice = (done == Some("saved")).then_some("settings-saved");
    settings_form(db.inner(), &input, &FieldErrors::new(), notice).await
}

#[derive(Debug, FromForm)]
struct SettingsForm {
    csrf: Option<String>,
    revision: Option<i64>,
    site_name: Option<String>,
    registration: Option<String>,
    organization_creation_admins_only: bool,
    personal_petitions: bool,
    home: Option<String>,
    default_language: Option<String>,
    footer: HashMap<String, String>,
    legal_notice: HashMap<String, String>,
    privacy_policy: HashMap<String, String>,
    reasons: Vec<String>,
    custom_reasons: Option<String>,
}

impl SettingsForm {
    fn input(&self) -> SettingsInput {
        let texts = |m: &HashMap<String, String>| -> BTreeMap<String, String> {
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
        };
        SettingsInput {
            revision: self.revision.unwrap_or(-1),
            site_name: self.site_name.clone().unwrap_or_default(),
            registration: self.registration.clone().unwrap_or_default(),
            organization_creation_admins_only: self.organization_creation_admins_only,
            personal_petitions: self.personal_petitions,
            home: self.home.clone().unwrap_or_default(),
            default_language: self.default_language.clone().unwrap_or_default(),
            footer: texts(&self.footer),
            legal_notice: texts(&self.legal_notice),
            privacy_policy: texts(&self.privacy_policy),
            reasons: self.reasons.clone(),
            custom_reasons: self.custom_reasons.clone().unwrap_or_default(),
        }
    }
}

/// Saves the settings; they are in force on this instance at once (its page cache emptied), on the
/// others within `site_settings::POLL`.
#[post("/admin/settings", data = "<form>")]
async fn save(
    form: Form<SettingsForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let user = administrator(user)?;
    let input = form.input();
    match site_settings::save(db.inner(), &site.live, &user, &input).await {
        Ok(()) => {
            cache.evict_all();
            Ok(Either::Left(Redirect::to("/admin/settings?done=saved")))
        }
        Err(SaveError::Invalid(errors)) => Ok(Either::Right(
            settings_form(db.inner(), &input, &errors, None).await?,
        )),
        Err(SaveError::Conflict) => {
            let mut errors = FieldErrors::new();
            errors.insert("form", "settings-conflict");
            // What they typed stays on the page, at the revision now in force: saving again, having
            // looked, goes through.
            let current = SettingsInput {
                revision: site.live.get().revision,
                ..input
            };
            Ok(Either::Right(
                settings_form(db.inner(), &current, &errors, None)
                    .await?
                    .status(Status::Conflict),
            ))
        }
        Err(SaveError::Forbidden) => Err(Error::NotFound),
        Err(SaveError::Database(e)) => Err(Error::Database(e)),
    }
}

/// A page written on the settings page, in the reader's language or the nearest there is.
fn written_page(
    texts: impl Fn(&SiteSettings) -> &Texts,
    title: &'static str,
    site: &Site,
    lang: &Lang,
) -> Result<Page> {
    let live = site.live.get();
    let text = texts(&live)
        .for_reader(&lang.code(), &live.default_language)
        .ok_or(Error::NotFound)?;
    Ok(Page::new(
        "admin/written_page",
        json!({ "title_key": title, "html": text.html, "text_lang": text.lang }),
    ))
}

#[get("/legal-notice")]
fn legal_notice(site: &State<Site>, lang: Lang) -> Result<Page> {
    written_page(|s| &s.legal_notice, "legal-notice-title", site, &lang)
}

#[get("/privacy-policy")]
fn privacy_policy(site: &State<Site>, lang: Lang) -> Result<Page> {
    written_page(|s| &s.privacy_policy, "privacy-policy-title", site, &lang)
}
