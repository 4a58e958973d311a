//! The interface's translations over HTTP (issue 14 point 3): `/admin/translations` lists every
//! language with its completion and adds one by its code; `/admin/translations/<lang>` shows its
//! messages beside English, a page at a time, filtered to the missing ones or by a search, each
//! with a field to save. Administrators only (`permission::may_change_settings`; anyone else gets a
//! 404). The rules, the storage and how every instance follows a change are
//! `domain::administration::translations`.
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::cache::PageCache;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::CurrentUser;
use super::site_settings::administrator;
use crate::Site;
use crate::domain::administration::translations::{self, AddError, SaveError, Saved};
use crate::error::{Error, Result};
use crate::i18n::messages::{Invalid, TEXT_MAX};
use crate::i18n::{Lang, SOURCE_LANGUAGE};
use fluent_templates::fluent_bundle::FluentValue;

pub fn routes() -> Vec<Route> {
    routes![overview, add_language, language_page, save]
}

/// What a query string or an anchor leaves as it is; message ids are letters, digits and `-`.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// Messages shown a page.
const PER_PAGE: usize = 25;

fn overview_page(site: &Site, values: (&str, &str), error: Option<(&str, &str)>) -> Page {
    let mut errors = serde_json::Map::new();
    if let Some((field, key)) = error {
        errors.insert(field.to_string(), key.into());
    }
    Page::new(
        "admin/translations",
        json!({
            "translation_languages": translations::overview(&site.translations),
            "source": SOURCE_LANGUAGE,
            "values": { "code": values.0, "name": values.1 },
            "errors": errors,
            "name_max": translations::LANGUAGE_NAME_MAX,
        }),
    )
}

#[get("/admin/translations")]
fn overview(user: Option<CurrentUser>, site: &State<Site>) -> Result<Page> {
    administrator(user)?;
    Ok(overview_page(site, ("", ""), None))
}

#[derive(Debug, FromForm)]
struct AddForm {
    csrf: Option<String>,
    code: Option<String>,
    name: Option<String>,
}

/// Adds a language, then opens its page.
#[post("/admin/translations", data = "<form>")]
async fn add_language(
    form: Form<AddForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let user = administrator(user)?;
    let code = form.code.clone().unwrap_or_default();
    let name = form.name.clone().unwrap_or_default();
    match translations::add_language(db.inner(), &site.translations, &user, &code, &name).await {
        Ok(code) => {
            cache.evict_all();
            Ok(Either::Left(Redirect::to(format!(
                "/admin/translations/{code}?done=added"
            ))))
        }
        Err(AddError::Invalid(field, key)) => Ok(Either::Right(
            overview_page(site, (&code, &name), Some((field, key)))
                .status(Status::UnprocessableEntity),
        )),
        Err(AddError::Forbidden) => Err(Error::NotFound),
        Err(AddError::Database(e)) => Err(Error::Database(e)),
    }
}

/// Where a message's form sends its reader back: the same filter, search and page.
#[derive(Debug, Clone, Default, FromForm)]
struct View {
    missing: bool,
    q: Option<String>,
    page: Option<usize>,
}

impl View {
    /// The language's page with this filter and search, to which a page number is appended.
    fn base(&self, code: &str) -> String {
        let mut base = format!("/admin/translations/{code}?");
        if self.missing {
            base.push_str("missing=true&");
        }
        if let Some(q) = self.q.as_deref().filter(|q| !q.trim().is_empty()) {
            base.push_str("q=");
            base.push_str(&utf8_percent_encode(q, QUERY).to_string());
            base.push('&');
        }
        base.push_str("page=");
        base
    }
}

/// A message the page shows with a mistake: what was typed stays in its field.
struct Mistake<'a> {
    id: &'a str,
    text: &'a str,
    /// The explanation, in the reader's language.
    explanation: String,
}

fn language_view(
    site: &Site,
    lang: &Lang,
    view: &View,
    done: Option<(&str, &str)>,
    mistake: Option<Mistake<'_>>,
) -> Page {
    let code = lang.code();
    let mut view = view.clone();
    let mut all = translations::messages(
        &site.translations,
        &code,
        view.missing,
        view.q.as_deref().unwrap_or_default(),
    );
    // A refused text shows in its field even when the filter no longer lists its message
    // (translated meanwhile by someone else): the filter gives way.
    if let Some(m) = &mistake
        && !all.iter().any(|r| r.id == m.id)
    {
        view = View {
            missing: false,
            q: None,
            page: None,
        };
        all = translations::messages(&site.translations, &code, false, "");
    }
    let q = view.q.clone().unwrap_or_default();
    let pages = all.len().div_ceil(PER_PAGE).max(1);
    // A mistake shows on the page of its message, whatever page the form came from.
    let page = match &mistake {
        Some(m) => all
            .iter()
            .position(|r| r.id == m.id)
            .map(|i| i / PER_PAGE + 1)
            .unwrap_or(1),
        None => view.page.unwrap_or(1).clamp(1, pages),
    };
    let rows: Vec<_> = all
        .iter()
        .skip((page - 1) * PER_PAGE)
        .take(PER_PAGE)
        .map(|row| {
            let mut value = json!(row);
            if let Some(m) = mistake.as_ref().filter(|m| m.id == row.id) {
                value["typed"] = json!(m.text);
                value["error"] = json!(m.explanation);
            }
            value
        })
        .collect();
    let summary = translations::overview(&site.translations)
        .into_iter()
        .find(|l| l.code == code);
    Page::new(
        "admin/translations_language",
        json!({
            "translated": summary,
            "is_source": code == SOURCE_LANGUAGE,
            "messages": rows,
            "total": all.len(),
            "page": page,
            "pages": pages,
            "missing": view.missing,
            "q": q,
            "base": view.base(&code),
            "done": done.map(|(key, id)| json!({ "key": key, "id": id })),
            "text_max": TEXT_MAX,
            "mistake": mistake.as_ref().map(|m| json!({ "id": m.id, "error": m.explanation })),
        }),
    )
}

#[allow(clippy::too_many_arguments)]
#[get("/admin/translations/<lang>?<missing>&<q>&<page>&<done>&<id>")]
fn language_page(
    lang: &str,
    missing: bool,
    q: Option<String>,
    page: Option<usize>,
    done: Option<&str>,
    id: Option<&str>,
    user: Option<CurrentUser>,
    site: &State<Site>,
) -> Result<Page> {
    administrator(user)?;
    let lang = Lang::shipped(lang).ok_or(Error::NotFound)?;
    let done = match done {
        Some("added") => Some(("translations-language-added", "")),
        Some("saved") => Some(("translations-saved", id.unwrap_or_default())),
        Some("reverted") => Some(("translations-reverted", id.unwrap_or_default())),
        Some("unchanged") => Some(("translations-unchanged", id.unwrap_or_default())),
        _ => None,
    };
    let view = View { missing, q, page };
    Ok(language_view(site, &lang, &view, done, None))
}

#[derive(Debug, FromForm)]
struct SaveForm {
    csrf: Option<String>,
    id: String,
    text: Option<String>,
    view: View,
}

/// Saves one message; back to the same place in the list, or the list with the mistake.
#[allow(clippy::too_many_arguments)]
#[post("/admin/translations/<lang>", data = "<form>")]
async fn save(
    lang: &str,
    form: Form<SaveForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
    cache: &State<PageCache>,
    reader: Lang,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let user = administrator(user)?;
    let language = Lang::shipped(lang).ok_or(Error::NotFound)?;
    let text = form.text.clone().unwrap_or_default();
    let result = translations::save(
        db.inner(),
        &site.translations,
        &user,
        &language.code(),
        &form.id,
        &text,
    )
    .await;
    let mistake = |key: &str, args: &[(&'static str, FluentValue<'static>)]| Mistake {
        id: &form.id,
        text: &text,
        explanation: reader.t_args(key, args),
    };
    let refused = match result {
        Ok(saved) => {
            cache.evict_all();
            let done = match saved {
                Saved::Translated => "saved",
                Saved::Reverted => "reverted",
                Saved::Unchanged => "unchanged",
            };
            let location = format!(
                "{}{}&done={done}&id={id}#m-{id}",
                form.view.base(&language.code()),
                form.view.page.unwrap_or(1),
                id = utf8_percent_encode(&form.id, QUERY),
            );
            return Ok(Either::Left(Redirect::to(location)));
        }
        Err(SaveError::Invalid(Invalid::Empty)) => mistake("translations-error-empty", &[]),
        Err(SaveError::Invalid(Invalid::TooLong)) => mistake(
            "translations-error-too-long",
            &[("max", reader.grouped(TEXT_MAX as i64).into())],
        ),
        Err(SaveError::Invalid(Invalid::Syntax { line })) => {
            mistake("translations-error-syntax", &[("line", line.into())])
        }
        Err(SaveError::Invalid(Invalid::Placeables { english, here })) => {
            let none = || reader.t("translations-no-placeables");
            let english = if english.is_empty() { none() } else { english };
            let here = if here.is_empty() { none() } else { here };
            mistake(
                "translations-error-placeables",
                &[("english", english.into()), ("here", here.into())],
            )
        }
        Err(SaveError::Invalid(Invalid::PluralVariants(variants))) => mistake(
            "translations-error-plurals",
            &[("variants", variants.into())],
        ),
        Err(SaveError::Invalid(Invalid::UnknownMessage)) | Err(SaveError::UnknownLanguage) => {
            return Err(Error::NotFound);
        }
        Err(SaveError::Forbidden) => return Err(Error::NotFound),
        Err(SaveError::Database(e)) => return Err(Error::Database(e)),
    };
    Ok(Either::Right(
        language_view(site, &language, &form.view, None, Some(refused))
            .status(Status::UnprocessableEntity),
    ))
}
