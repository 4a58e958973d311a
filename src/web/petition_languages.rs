//! A petition's languages (F4.8), from its editor's "Languages of this petition" section and the
//! wizard's preview: the main language, and its translations one language at a time — a form
//! showing the main version beside each field, a deletion behind a confirmation step.
//! `domain::petitions::translations` checks, asks the editor's permission and writes.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::domain::petitions::campaign::CampaignError;
use crate::domain::petitions::translations::{self, LanguageChoice, Translating, Typed};
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![
        choose,
        translation_page,
        save,
        delete_page,
        delete,
        main_language
    ]
}

fn refused(e: CampaignError) -> Error {
    match e {
        CampaignError::Database(e) => Error::Database(e),
        CampaignError::NotFound => Error::NotFound,
        CampaignError::Invalid(_) => Error::Internal("unexpected translation error".into()),
        CampaignError::Hidden => Error::Refused("moderation-republish-refused"),
    }
}

/// Where a translation form leads back to: the wizard's preview (`wizard` or `wizard-draft`, as
/// the draft is to be published or kept) or, by default, the editor's languages section.
fn back(id: i32, from: Option<&str>, notice: &str) -> String {
    match from {
        Some("wizard") => format!("/petitions/{id}/wizard/preview?publish=true"),
        Some("wizard-draft") => format!("/petitions/{id}/wizard/preview?publish=false"),
        _ => format!("/petitions/{id}/edit?done={notice}#languages"),
    }
}

/// Only the values `back` knows travel through the forms.
fn known_from(from: Option<&str>) -> Option<&'static str> {
    match from {
        Some("wizard") => Some("wizard"),
        Some("wizard-draft") => Some("wizard-draft"),
        _ => None,
    }
}

/// "Add a translation": the editor's list of languages is a GET form; this leads to the chosen
/// language's form.
#[get("/petitions/<id>/translations?<lang>&<from>")]
fn choose(id: i32, lang: Option<&str>, from: Option<&str>) -> Redirect {
    let from = known_from(from);
    match lang.and_then(crate::i18n::Lang::shipped) {
        Some(lang) => Redirect::to(match from {
            Some(from) => format!("/petitions/{id}/translations/{}?from={from}", lang.code()),
            None => format!("/petitions/{id}/translations/{}", lang.code()),
        }),
        None => Redirect::to(back(id, from, "")),
    }
}

/// The translation form: each field of the translation beside the main version's text.
fn form_page(
    translating: &Translating,
    values: &Typed,
    errors: serde_json::Value,
    from: Option<&str>,
    preview: Option<String>,
) -> Page {
    let p = &translating.petition;
    Page::new(
        "dashboard/translation",
        json!({
            "id": p.id,
            "language": LanguageChoice {
                code: translating.lang.code(),
                name: translations::language_name(&translating.lang.code()),
            },
            "main": LanguageChoice {
                code: translations::main_language(p).to_string(),
                name: translations::language_name(translations::main_language(p)),
            },
            "original": {
                "title": p.title,
                "body_html": p.body_html,
                "data_notice": p.data_notice,
                "social_text": p.social_text,
                "addressed_to": p.addressed_to,
                "picture": crate::domain::petitions::picture::PictureView::of(p),
            },
            // The text as typed, rendered, when "Preview" was pressed (nothing saved).
            "preview": preview,
            "exists": translating.existing.is_some(),
            "values": values,
            "errors": errors,
            "from": known_from(from),
        }),
    )
}

#[get("/petitions/<id>/translations/<code>?<from>")]
async fn translation_page(
    id: i32,
    code: &str,
    from: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let translating = translations::translating(db.inner(), &user, id, code)
        .await
        .map_err(refused)?;
    let values = translating
        .existing
        .as_ref()
        .map(Typed::of)
        .unwrap_or_default();
    Ok(form_page(&translating, &values, json!({}), from, None))
}

#[derive(Debug, FromForm)]
struct TranslationForm {
    csrf: Option<String>,
    title: Option<String>,
    body_html: Option<String>,
    data_notice: Option<String>,
    social_text: Option<String>,
    addressed_to: Option<String>,
    picture_alt: Option<String>,
    /// `preview`: show the text rendered, save nothing.
    action: Option<String>,
    from: Option<String>,
}

#[post("/petitions/<id>/translations/<code>", data = "<form>")]
async fn save(
    id: i32,
    code: &str,
    form: Form<TranslationForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let text = |field: &Option<String>| field.clone().unwrap_or_default();
    let typed = Typed {
        title: text(&form.title),
        body_html: text(&form.body_html),
        data_notice: text(&form.data_notice),
        social_text: text(&form.social_text),
        addressed_to: text(&form.addressed_to),
        picture_alt: text(&form.picture_alt),
    };
    let from = form.from.as_deref();
    if form.action.as_deref() == Some("preview") {
        let translating = translations::translating(db.inner(), &user, id, code)
            .await
            .map_err(refused)?;
        let preview = crate::domain::petitions::html::markdown(&typed.body_html);
        return Ok(Either::Right(form_page(
            &translating,
            &typed,
            json!({}),
            from,
            Some(preview),
        )));
    }
    match translations::save(db.inner(), &user, id, code, &typed).await {
        Ok(()) => Ok(Either::Left(Redirect::to(back(
            id,
            from,
            "translation-saved",
        )))),
        Err(CampaignError::Invalid(errors)) => {
            let translating = translations::translating(db.inner(), &user, id, code)
                .await
                .map_err(refused)?;
            Ok(Either::Right(
                form_page(&translating, &typed, json!(errors), from, None)
                    .status(Status::UnprocessableEntity),
            ))
        }
        Err(e) => Err(refused(e)),
    }
}

/// The confirmation step before a translation goes: what readers of that language will see, and
/// one button.
#[get("/petitions/<id>/translations/<code>/delete")]
async fn delete_page(
    id: i32,
    code: &str,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let translating = translations::translating(db.inner(), &user, id, code)
        .await
        .map_err(refused)?;
    let Some(existing) = &translating.existing else {
        return Err(Error::NotFound);
    };
    let main = translations::main_language(&translating.petition);
    Ok(Page::new(
        "dashboard/translation_delete",
        json!({
            "id": id,
            "code": existing.lang,
            "language": translations::language_name(&existing.lang),
            "title": existing.title,
            "main": translations::language_name(main),
        }),
    ))
}

#[derive(Debug, FromForm)]
struct ActionForm {
    csrf: Option<String>,
}

#[post("/petitions/<id>/translations/<code>/delete", data = "<form>")]
async fn delete(
    id: i32,
    code: &str,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    translations::remove(db.inner(), &user, id, code)
        .await
        .map_err(refused)?;
    Ok(Redirect::to(back(id, None, "translation-deleted")))
}

#[derive(Debug, FromForm)]
struct MainLanguageForm {
    csrf: Option<String>,
    language: Option<String>,
}

/// The main language, from the editor's languages section. Any language of the list is valid, so
/// a refusal only comes from a forged form: it answers with the editor's message, in a page of
/// its own.
#[post("/petitions/<id>/language", data = "<form>")]
async fn main_language(
    id: i32,
    form: Form<MainLanguageForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let chosen = form.language.as_deref().unwrap_or_default();
    match translations::set_main_language(db.inner(), &user, id, chosen).await {
        Ok(()) => Ok(Either::Left(Redirect::to(back(
            id,
            None,
            "language-changed",
        )))),
        Err(CampaignError::Invalid(_)) => Ok(Either::Right(Page::error(
            Status::UnprocessableEntity,
            "petition-language-invalid",
        ))),
        Err(e) => Err(refused(e)),
    }
}
