//! The creation wizard (F4.1): `/petitions/new` asks the title and owner, then the draft is
//! continued at `/petitions/<id>/wizard/<step>` — text, options, preview — each step a plain form
//! whose "Back" and "Next" buttons both save what was typed. `domain::petitions::wizard` keeps the draft.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use serde_json::json;

use super::account::login_redirect;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::petitions::picture::{self, ChangeError};
use crate::domain::petitions::wizard::{self, Start, Step, Typed, WizardError};
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![new_page, new_anonymous, start, step_page, save_step]
}

type Answer = Result<Either<Redirect, Page>>;

fn wizard_error(e: WizardError) -> Error {
    match e {
        WizardError::Database(e) => Error::Database(e),
        WizardError::NotFound => Error::NotFound,
        WizardError::Hidden => Error::Refused("moderation-republish-refused"),
        WizardError::Invalid(_) | WizardError::Unverified => {
            Error::Internal("unexpected wizard error".into())
        }
    }
}

fn step_path(id: i32, step: Step, publish: bool) -> String {
    match step {
        Step::Options | Step::Preview => {
            format!("/petitions/{id}/wizard/{}?publish={publish}", step.name())
        }
        _ => format!("/petitions/{id}/wizard/{}", step.name()),
    }
}

fn template_of(step: Step) -> &'static str {
    match step {
        Step::Title => "wizard/title",
        Step::Text => "wizard/text",
        Step::Options => "wizard/options",
        Step::Preview => "wizard/preview",
    }
}

/// A step of an existing draft, with what was typed (or stored) and the messages of a mistake.
#[derive(Serialize)]
struct StepContext<'a> {
    id: i32,
    step: u8,
    values: &'a Typed,
    errors: &'a crate::domain::people::account::FieldErrors,
    publish: bool,
    owner_name: &'a str,
    petition: Option<crate::domain::petitions::petition::PetitionView>,
    /// At the preview: the languages a translation may be added in (F4.8). Not `languages`, the
    /// language switch's (`Page`).
    petition_languages: Option<crate::domain::petitions::translations::Languages>,
    /// The text step's preview (`Shown::preview`).
    preview: Option<String>,
    /// The picture heading the page, if it has one, and its description as typed or stored.
    picture: Option<crate::domain::petitions::picture::PictureView>,
    picture_alt: String,
}

#[get("/petitions/new?<owner>")]
async fn new_page(
    owner: Option<&str>,
    user: CurrentUser,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let choices =
        wizard::owner_choices(db.inner(), &user.0, site.live.get().personal_petitions).await?;
    let values = Start::preselect(&choices, owner);
    Ok(Page::new(
        "wizard/title",
        json!({ "new": true, "step": 1, "choices": choices, "values": values, "errors": {} }),
    ))
}

#[get("/petitions/new", rank = 2)]
fn new_anonymous() -> Redirect {
    login_redirect("/petitions/new")
}

#[derive(Debug, FromForm)]
struct StartForm {
    csrf: Option<String>,
    title: Option<String>,
    owner: Option<String>,
    template: Option<String>,
}

#[post("/petitions/new", data = "<form>")]
async fn start(
    form: Form<StartForm>,
    lang: crate::i18n::Lang,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let typed = Start {
        title: form.title.clone().unwrap_or_default(),
        owner: form.owner.clone().unwrap_or_default(),
        template: form.template.clone().unwrap_or_default(),
    };
    let personal = site.live.get().personal_petitions;
    match wizard::start(db.inner(), &user, personal, &typed, &lang).await {
        Ok(draft) => Ok(Either::Left(Redirect::to(step_path(
            draft.id,
            Step::Text,
            true,
        )))),
        Err(WizardError::Invalid(errors)) => {
            let choices = wizard::owner_choices(db.inner(), &user, personal).await?;
            Ok(Either::Right(
                Page::new(
                    "wizard/title",
                    json!({ "new": true, "step": 1, "choices": choices, "values": typed, "errors": errors }),
                )
                .status(Status::UnprocessableEntity),
            ))
        }
        Err(e) => Err(wizard_error(e)),
    }
}

/// What a step shows besides the draft: what was typed if it differs from what is stored, the
/// messages of a mistake, and the choice to publish at the end.
struct Shown<'a> {
    values: Option<&'a Typed>,
    errors: &'a crate::domain::people::account::FieldErrors,
    publish: bool,
    /// The text step's preview: the text as typed, rendered (nothing saved).
    preview: Option<String>,
    /// The picture's description as typed, when the step comes back with a mistake.
    picture_alt: Option<String>,
}

/// Renders `step` of draft `id`.
async fn render_step(
    db: &DatabaseConnection,
    site: &Site,
    user: &crate::entity::user::Model,
    id: i32,
    step: Step,
    shown: Shown<'_>,
) -> Result<Page> {
    let Shown {
        values,
        errors,
        publish,
        preview,
        picture_alt,
    } = shown;
    let located = wizard::located_draft(db, user, id)
        .await
        .map_err(wizard_error)?;
    let stored = Typed::of(&located.petition, site.settings.zone);
    let petition = (step == Step::Preview).then(|| located.view(site.settings.public_url()));
    let languages = (step == Step::Preview)
        .then(|| crate::domain::petitions::translations::Languages::of(&located));
    let page = Page::new(
        template_of(step),
        StepContext {
            id,
            step: step.number(),
            values: values.unwrap_or(&stored),
            errors,
            publish,
            owner_name: located.owner.name(),
            petition,
            petition_languages: languages,
            preview,
            picture_alt: picture_alt
                .or_else(|| located.petition.picture_alt.clone())
                .unwrap_or_default(),
            picture: crate::domain::petitions::picture::PictureView::of(&located.petition),
        },
    );
    Ok(if errors.is_empty() {
        page
    } else {
        page.status(Status::UnprocessableEntity)
    })
}

#[get("/petitions/<id>/wizard/<step>?<publish>")]
async fn step_page(
    id: i32,
    step: &str,
    publish: Option<bool>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let step = Step::parse(step).ok_or(Error::NotFound)?;
    let CurrentUser(user) = require(user)?;
    let no_errors = crate::domain::people::account::FieldErrors::new();
    render_step(
        db.inner(),
        site.inner(),
        &user,
        id,
        step,
        Shown {
            values: None,
            errors: &no_errors,
            publish: publish.unwrap_or(true),
            preview: None,
            picture_alt: None,
        },
    )
    .await
}

#[derive(Debug, FromForm)]
struct StepForm<'r> {
    csrf: Option<String>,
    /// Which button was pressed: `back`, else forward (`next` or `save`).
    go: Option<String>,
    title: Option<String>,
    body_html: Option<String>,
    goal: Option<String>,
    deadline: Option<String>,
    addressed_to: Option<String>,
    /// `false` keeps the petition as a draft at the end.
    publish: Option<String>,
    /// The text step's picture fields (`super::pictures::change`).
    picture: Option<rocket::data::Capped<rocket::fs::TempFile<'r>>>,
    picture_alt: Option<String>,
    picture_remove: Option<String>,
}

#[post("/petitions/<id>/wizard/<step>", data = "<form>")]
async fn save_step(
    id: i32,
    step: &str,
    form: Form<StepForm<'_>>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let step = Step::parse(step).ok_or(Error::NotFound)?;
    let CurrentUser(user) = require(user)?;
    let back = form.go.as_deref() == Some("back");
    let publish = form.publish.as_deref() != Some("false");
    if step == Step::Preview {
        if back {
            wizard::draft_for(db.inner(), &user, id)
                .await
                .map_err(wizard_error)?;
            return Ok(Either::Left(Redirect::to(step_path(
                id,
                Step::Options,
                publish,
            ))));
        }
        return match wizard::finish(db.inner(), &user, id, publish, site.settings.zone).await {
            Ok(located) if located.petition.published => {
                Ok(Either::Left(Redirect::to(located.path())))
            }
            Ok(_) => Ok(Either::Left(Redirect::to("/dashboard"))),
            Err(WizardError::Unverified) => Ok(Either::Right(super::account::verify_needed(&user))),
            Err(WizardError::Invalid(errors)) => Ok(Either::Right(
                render_step(
                    db.inner(),
                    site.inner(),
                    &user,
                    id,
                    // The step where the first mistake can be mended.
                    if errors.contains_key("body_html") {
                        Step::Text
                    } else {
                        Step::Options
                    },
                    Shown {
                        values: None,
                        errors: &errors,
                        publish,
                        preview: None,
                        picture_alt: None,
                    },
                )
                .await?,
            )),
            Err(e) => Err(wizard_error(e)),
        };
    }
    let typed = Typed {
        title: form.title.clone().unwrap_or_default(),
        body_html: form.body_html.clone().unwrap_or_default(),
        goal: form.goal.clone().unwrap_or_default(),
        deadline: form.deadline.clone().unwrap_or_default(),
        addressed_to: form.addressed_to.clone().unwrap_or_default(),
    };
    // The text as it will read, under the field; nothing is saved.
    if step == Step::Text && form.go.as_deref() == Some("preview") {
        let located = wizard::located_draft(db.inner(), &user, id)
            .await
            .map_err(wizard_error)?;
        let mut values = Typed::of(&located.petition, site.settings.zone);
        values.body_html = typed.body_html.clone();
        let no_errors = crate::domain::people::account::FieldErrors::new();
        return Ok(Either::Right(
            render_step(
                db.inner(),
                site.inner(),
                &user,
                id,
                step,
                Shown {
                    values: Some(&values),
                    errors: &no_errors,
                    publish,
                    preview: Some(crate::domain::petitions::html::markdown(&typed.body_html)),
                    picture_alt: None,
                },
            )
            .await?,
        ));
    }
    // The picture first: a mistake in the text then keeps it, and a mistake in the picture keeps
    // the text (saved below).
    let mut picture_errors = crate::domain::people::account::FieldErrors::new();
    if step == Step::Text {
        let draft = wizard::draft_for(db.inner(), &user, id)
            .await
            .map_err(wizard_error)?;
        let change =
            super::pictures::change(&form.picture, &form.picture_alt, &form.picture_remove);
        match picture::change(db.inner(), &draft, change).await {
            Ok(()) => {}
            Err(ChangeError::Invalid(errors)) => picture_errors = errors,
            Err(ChangeError::Database(e)) => return Err(Error::Database(e)),
        }
    }
    match wizard::save_step(
        db.inner(),
        &user,
        id,
        step,
        &typed,
        !back,
        site.settings.zone,
    )
    .await
    {
        Ok(_) if picture_errors.is_empty() => {
            let to = if back { step.previous() } else { step.next() };
            Ok(Either::Left(Redirect::to(step_path(id, to, publish))))
        }
        Ok(_) => Ok(Either::Right(
            render_step(
                db.inner(),
                site.inner(),
                &user,
                id,
                step,
                Shown {
                    values: None,
                    errors: &picture_errors,
                    publish,
                    preview: None,
                    picture_alt: form.picture_alt.clone(),
                },
            )
            .await?,
        )),
        Err(WizardError::Invalid(mut errors)) => {
            errors.append(&mut picture_errors);
            // What was typed stays, over what is stored, for the fields of this step.
            let located = wizard::located_draft(db.inner(), &user, id)
                .await
                .map_err(wizard_error)?;
            let mut values = Typed::of(&located.petition, site.settings.zone);
            match step {
                Step::Title => values.title = typed.title,
                Step::Text => values.body_html = typed.body_html,
                Step::Options => {
                    values.goal = typed.goal;
                    values.deadline = typed.deadline;
                    values.addressed_to = typed.addressed_to;
                }
                Step::Preview => {}
            }
            Ok(Either::Right(
                render_step(
                    db.inner(),
                    site.inner(),
                    &user,
                    id,
                    step,
                    Shown {
                        values: Some(&values),
                        errors: &errors,
                        publish,
                        preview: None,
                        picture_alt: form.picture_alt.clone(),
                    },
                )
                .await?,
            ))
        }
        Err(e) => Err(wizard_error(e)),
    }
}
