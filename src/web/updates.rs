//! Updates to signers over HTTP (F6.5): for the people who may act on a petition's signatures
//! (`permission::SEND_UPDATES`; anyone else gets a 404), `/petitions/<id>/updates` lists them and
//! writes a new one, with a preview that needs no JavaScript; an update's page edits it while it
//! is a draft, mails a test to its writer, and sends it after a confirmation page that says to how
//! many signers. For signers, `/unsubscribe/<signature>/<mac>`: a page with a button, and the
//! one-click POST of RFC 8058. The rules are `domain::outreach`.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::account::login_redirect;
use super::cache::PageCache;
use super::guards::verify_csrf;
use super::page::{NoStore, Page};
use super::session::CurrentUser;
use crate::Site;
use crate::domain::outreach::unsubscribe;
use crate::domain::outreach::updates::{self, Letterhead, UpdateError, UpdateInput, UpdateView};
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission;
use crate::domain::petitions::outcome::Outcome;
use crate::domain::petitions::petition::Located;
use crate::domain::signing::signature_list;
use crate::entity::{petition_update, user};
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![
        list,
        create,
        show,
        edit,
        test,
        send_page,
        send,
        delete,
        visibility,
        unsubscribe_page,
        unsubscribe_post
    ]
}

/// The petition, if `user` may send its updates; a 404 otherwise.
async fn petition_for(db: &DatabaseConnection, user: &user::Model, id: i32) -> Result<Located> {
    signature_list::petition_for(db, user.id, id, permission::SEND_UPDATES)
        .await?
        .ok_or(Error::NotFound)
}

fn update_error(e: UpdateError) -> Error {
    match e {
        UpdateError::Database(e) => Error::Database(e),
        UpdateError::Template(e) => Error::Template(e),
        UpdateError::AlreadySent | UpdateError::Invalid(_) => {
            Error::Internal("unexpected update error".into())
        }
    }
}

const NOTICES: [&str; 5] = ["saved", "tested", "sent", "deleted", "visibility"];

/// The updates page: those written so far, and the form of a new one (with its preview).
async fn list_page(
    db: &DatabaseConnection,
    located: &Located,
    input: &UpdateInput,
    errors: &FieldErrors,
    preview: Option<String>,
    notice: Option<&str>,
) -> Result<Page> {
    let all: Vec<UpdateView> = updates::of_petition(db, located.petition.id)
        .await?
        .iter()
        .map(UpdateView::from)
        .collect();
    let audience = updates::audience(db, located.petition.id).await?;
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Ok(Page::new(
        "updates/list",
        json!({
            "petition": { "id": located.petition.id, "title": located.petition.title, "path": located.path() },
            "updates": all,
            "audience": audience,
            "values": input,
            "errors": errors,
            "preview": preview,
            "notice": notice.filter(|n| NOTICES.contains(n)).map(|n| format!("updates-done-{n}")),
            "limits": { "subject": updates::SUBJECT_MAX, "body": updates::BODY_MAX },
        }),
    )
    .status(status))
}

/// The updates page. `ending` (`successful` or `closed`), after the campaign was ended: the new
/// update's form starts with a final word to the signers, in the organizer's language, to edit.
#[get("/petitions/<id>/updates?<done>&<ending>")]
async fn list(
    id: i32,
    done: Option<&str>,
    ending: Option<&str>,
    user: Option<CurrentUser>,
    lang: Lang,
    db: &State<DatabaseConnection>,
) -> Result<Either<Page, Redirect>> {
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect(&format!(
            "/petitions/{id}/updates"
        ))));
    };
    let located = petition_for(db.inner(), &user, id).await?;
    let input = match ending.and_then(Outcome::parse) {
        Some(outcome) => {
            let args = [("title", located.petition.title.clone().into())];
            UpdateInput {
                subject: lang.t_args(&format!("outcome-update-subject-{}", outcome.name()), &args),
                body: lang.t_args(&format!("outcome-update-body-{}", outcome.name()), &args),
                private: false,
            }
        }
        None => UpdateInput::default(),
    };
    Ok(Either::Left(
        list_page(
            db.inner(),
            &located,
            &input,
            &FieldErrors::new(),
            None,
            done,
        )
        .await?,
    ))
}

#[derive(Debug, FromForm)]
struct UpdateForm {
    csrf: Option<String>,
    subject: Option<String>,
    body: Option<String>,
    private: bool,
    /// `preview` or `save`.
    action: Option<String>,
}

impl UpdateForm {
    fn input(&self) -> UpdateInput {
        UpdateInput {
            subject: self.subject.clone().unwrap_or_default(),
            body: self.body.clone().unwrap_or_default(),
            private: self.private,
        }
    }

    fn previewing(&self) -> bool {
        self.action.as_deref() == Some("preview")
    }
}

/// The preview of what was typed, or its mistakes.
fn preview_of(input: &UpdateInput) -> std::result::Result<String, FieldErrors> {
    updates::check(input).map(|(_, _, html)| html)
}

/// Writes a new update (a draft), or shows its preview.
#[post("/petitions/<id>/updates", data = "<form>")]
async fn create(
    id: i32,
    form: Form<UpdateForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = super::session::require(user)?;
    let located = petition_for(db.inner(), &user, id).await?;
    let input = form.input();
    if form.previewing() {
        let (preview, errors) = match preview_of(&input) {
            Ok(html) => (Some(html), FieldErrors::new()),
            Err(errors) => (None, errors),
        };
        let page = list_page(db.inner(), &located, &input, &errors, preview, None).await?;
        return Ok(Either::Right(page));
    }
    match updates::create(db.inner(), &located, &user, &input).await {
        Ok(update) => Ok(Either::Left(Redirect::to(format!(
            "/petitions/{id}/updates/{}?done=saved",
            update.id
        )))),
        Err(UpdateError::Invalid(errors)) => Ok(Either::Right(
            list_page(db.inner(), &located, &input, &errors, None, None).await?,
        )),
        Err(e) => Err(update_error(e)),
    }
}

/// One update's page: what it says (as signers will read it), its form while it is a draft.
async fn update_page(
    db: &DatabaseConnection,
    located: &Located,
    update: &petition_update::Model,
    input: Option<&UpdateInput>,
    errors: &FieldErrors,
    preview: Option<String>,
    notice: Option<&str>,
) -> Result<Page> {
    let view = UpdateView::from(update);
    let values = input.cloned().unwrap_or_else(|| UpdateInput {
        subject: update.subject.clone(),
        body: update.body_markdown.clone(),
        private: update.private,
    });
    let audience = updates::audience(db, located.petition.id).await?;
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Ok(Page::new(
        "updates/show",
        json!({
            "petition": { "id": located.petition.id, "title": located.petition.title, "path": located.path() },
            "update": view,
            "values": values,
            "errors": errors,
            "preview": preview.unwrap_or_else(|| update.body_html.clone()),
            "audience": audience,
            "notice": notice.filter(|n| NOTICES.contains(n)).map(|n| format!("updates-done-{n}")),
            "limits": { "subject": updates::SUBJECT_MAX, "body": updates::BODY_MAX },
        }),
    )
    .status(status))
}

async fn found(
    db: &DatabaseConnection,
    located: &Located,
    update_id: i32,
) -> Result<petition_update::Model> {
    updates::find(db, located.petition.id, update_id)
        .await?
        .ok_or(Error::NotFound)
}

/// The logged-in member, the petition and its update, if they may send its updates; a 404 (or the
/// login page) otherwise.
async fn update_for(
    db: &DatabaseConnection,
    user: Option<CurrentUser>,
    id: i32,
    update_id: i32,
) -> Result<(user::Model, Located, petition_update::Model)> {
    let CurrentUser(user) = super::session::require(user)?;
    let located = petition_for(db, &user, id).await?;
    let update = found(db, &located, update_id).await?;
    Ok((user, located, update))
}

#[get("/petitions/<id>/updates/<update_id>?<done>")]
async fn show(
    id: i32,
    update_id: i32,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Page, Redirect>> {
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect(&format!(
            "/petitions/{id}/updates/{update_id}"
        ))));
    };
    let located = petition_for(db.inner(), &user, id).await?;
    let update = found(db.inner(), &located, update_id).await?;
    Ok(Either::Left(
        update_page(
            db.inner(),
            &located,
            &update,
            None,
            &FieldErrors::new(),
            None,
            done,
        )
        .await?,
    ))
}

/// Changes a draft, or shows the preview of the change.
#[post("/petitions/<id>/updates/<update_id>", data = "<form>")]
async fn edit(
    id: i32,
    update_id: i32,
    form: Form<UpdateForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let (_, located, update) = update_for(db.inner(), user, id, update_id).await?;
    let input = form.input();
    let again = |errors: FieldErrors, preview: Option<String>| {
        let (db, located, update, input) = (db.inner(), &located, &update, &input);
        async move { update_page(db, located, update, Some(input), &errors, preview, None).await }
    };
    if form.previewing() {
        return Ok(Either::Right(match preview_of(&input) {
            Ok(html) => again(FieldErrors::new(), Some(html)).await?,
            Err(errors) => again(errors, None).await?,
        }));
    }
    match updates::edit(db.inner(), &update, &input).await {
        Ok(_) => Ok(Either::Left(Redirect::to(format!(
            "/petitions/{id}/updates/{update_id}?done=saved"
        )))),
        Err(UpdateError::Invalid(errors)) => Ok(Either::Right(again(errors, None).await?)),
        Err(UpdateError::AlreadySent) => {
            let mut errors = FieldErrors::new();
            errors.insert("form", "updates-already-sent");
            Ok(Either::Right(
                again(errors, None).await?.status(Status::Conflict),
            ))
        }
        Err(e) => Err(update_error(e)),
    }
}

#[derive(Debug, FromForm)]
struct CsrfOnly {
    csrf: Option<String>,
}

/// Mails the update to its writer, as signers will get it but marked as a test.
#[post("/petitions/<id>/updates/<update_id>/test", data = "<form>")]
#[allow(clippy::too_many_arguments)]
async fn test(
    id: i32,
    update_id: i32,
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    lang: Lang,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let (user, located, update) = update_for(db.inner(), user, id, update_id).await?;
    let letterhead = Letterhead::of(site);
    updates::send_test(db.inner(), &letterhead, &located, &update, &user, &lang)
        .await
        .map_err(update_error)?;
    site.wake.notify();
    Ok(Redirect::to(format!(
        "/petitions/{id}/updates/{update_id}?done=tested"
    )))
}

/// The confirmation page: to how many signers it goes.
#[get("/petitions/<id>/updates/<update_id>/send")]
async fn send_page(
    id: i32,
    update_id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let (_, located, update) = update_for(db.inner(), user, id, update_id).await?;
    let audience = updates::audience(db.inner(), located.petition.id).await?;
    Ok(Page::new(
        "updates/send",
        json!({
            "petition": { "id": located.petition.id, "title": located.petition.title },
            "update": UpdateView::from(&update),
            "audience": audience,
        }),
    ))
}

/// Sends the update: marked sending at once (pressing again changes nothing), queued in batches
/// by `outreach::sending` on whichever instance gets there first.
#[post("/petitions/<id>/updates/<update_id>/send", data = "<form>")]
#[allow(clippy::too_many_arguments)]
async fn send(
    id: i32,
    update_id: i32,
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
    cache: &State<PageCache>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let (_, _, update) = update_for(db.inner(), user, id, update_id).await?;
    if updates::start_sending(db.inner(), &update).await? {
        site.outreach_wake.notify();
        cache.invalidate_petition(id);
    }
    Ok(Redirect::to(format!(
        "/petitions/{id}/updates/{update_id}?done=sent"
    )))
}

/// Deletes a draft.
#[post("/petitions/<id>/updates/<update_id>/delete", data = "<form>")]
async fn delete(
    id: i32,
    update_id: i32,
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let (_, _, update) = update_for(db.inner(), user, id, update_id).await?;
    match updates::delete_draft(db.inner(), &update).await {
        Ok(()) => Ok(Redirect::to(format!(
            "/petitions/{id}/updates?done=deleted"
        ))),
        Err(UpdateError::AlreadySent) => {
            Ok(Redirect::to(format!("/petitions/{id}/updates/{update_id}")))
        }
        Err(e) => Err(update_error(e)),
    }
}

#[derive(Debug, FromForm)]
struct VisibilityForm {
    csrf: Option<String>,
    private: bool,
}

/// Shows a sent update on the petition page, or takes it off.
#[post("/petitions/<id>/updates/<update_id>/visibility", data = "<form>")]
#[allow(clippy::too_many_arguments)]
async fn visibility(
    id: i32,
    update_id: i32,
    form: Form<VisibilityForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    cache: &State<PageCache>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let (_, _, update) = update_for(db.inner(), user, id, update_id).await?;
    updates::set_private(db.inner(), &update, form.private).await?;
    cache.invalidate_petition(id);
    Ok(Redirect::to(format!(
        "/petitions/{id}/updates/{update_id}?done=visibility"
    )))
}

/// The link in every update: a button, so that a mail scanner opening it changes nothing.
#[get("/unsubscribe/<signature>/<mac>")]
async fn unsubscribe_page(
    signature: i32,
    mac: &str,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<NoStore> {
    let found = unsubscribe::signature_of(db.inner(), &site.keys.unsubscribe, signature, mac)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(NoStore(Page::new(
        "updates/unsubscribe",
        json!({ "done": !found.newsletter, "action": unsubscribe::path(&site.keys.unsubscribe, signature) }),
    )))
}

/// The button, and a mail client's one-click unsubscription (RFC 8058: a POST with the body
/// `List-Unsubscribe=One-Click`, with no cookie). No CSRF token is asked: the signed link is the
/// authority, the only effect is to stop mail, and doing it twice changes nothing.
#[post("/unsubscribe/<signature>/<mac>")]
async fn unsubscribe_post(
    signature: i32,
    mac: &str,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<NoStore> {
    unsubscribe::signature_of(db.inner(), &site.keys.unsubscribe, signature, mac)
        .await?
        .ok_or(Error::NotFound)?;
    unsubscribe::unsubscribe(db.inner(), signature).await?;
    Ok(NoStore(Page::new(
        "updates/unsubscribe",
        json!({ "done": true, "action": "" }),
    )))
}
