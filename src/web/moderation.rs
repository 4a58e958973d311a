//! Reports and moderation over HTTP (F8.2): the report form every public petition links to
//! (anyone, no JavaScript), and the moderation queue of the administrators and moderators with
//! its decisions — hide, restore, delete after a confirmation page, dismiss the reports. What may
//! be done is asked of `permission::may_moderate` (through `domain::administration`); a refusal
//! is a 404, as if the page did not exist. Hiding or deleting empties this instance's page cache,
//! so that the public gets a 404 at once.
use std::net::IpAddr;

use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::cache::PageCache;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::administration::moderation::{self, ModerationError};
use crate::domain::administration::reports::{self, ReportInput};
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission;
use crate::domain::petitions::petition::{self, Located};
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![
        report_page,
        report,
        reported,
        queue,
        hide_page,
        hide,
        restore,
        delete_page,
        delete,
        dismiss,
    ]
}

fn moderation_error(e: ModerationError) -> Error {
    match e {
        ModerationError::Database(e) => Error::Database(e),
        ModerationError::NotFound => Error::NotFound,
        ModerationError::Invalid(_) => Error::Internal("unexpected moderation error".into()),
        ModerationError::Template(e) => Error::Template(e),
    }
}

fn report_form(located: &Located, site: &Site, input: &ReportInput, errors: &FieldErrors) -> Page {
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Page::new(
        "moderation/report",
        json!({
            "petition": located.view(site.settings.public_url()),
            "reasons": site.live.get().report_reasons,
            "values": input,
            "errors": errors,
            "comment_max": reports::COMMENT_MAX,
        }),
    )
    .status(status)
}

#[get("/petitions/<id>/report")]
async fn report_page(id: i32, db: &State<DatabaseConnection>, site: &State<Site>) -> Result<Page> {
    let located = petition::find(db.inner(), id)
        .await?
        .filter(Located::is_public)
        .ok_or(Error::NotFound)?;
    Ok(report_form(
        &located,
        site,
        &ReportInput::default(),
        &FieldErrors::new(),
    ))
}

#[derive(Debug, FromForm)]
struct ReportForm {
    csrf: Option<String>,
    reason: Option<String>,
    comment: Option<String>,
}

/// Files a report; whatever became of it (recorded, a repeat, over a limit), the reporter is
/// thanked alike.
#[post("/petitions/<id>/report", data = "<form>")]
async fn report(
    id: i32,
    form: Form<ReportForm>,
    jar: &CookieJar<'_>,
    ip: Option<IpAddr>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let input = ReportInput {
        reason: form.reason.clone().unwrap_or_default(),
        comment: form.comment.clone().unwrap_or_default(),
    };
    let (reason, comment) = match reports::check(&input, &site.live.get().report_reasons) {
        Ok(checked) => checked,
        Err(errors) => {
            let located = petition::find(db.inner(), id)
                .await?
                .filter(Located::is_public)
                .ok_or(Error::NotFound)?;
            return Ok(Either::Right(report_form(&located, site, &input, &errors)));
        }
    };
    let filed = reports::file(
        db.inner(),
        &site.keys,
        site.settings.reports_per_ip_per_hour,
        ip,
        id,
        &reason,
        &comment,
    )
    .await?;
    tracing::info!(petition = id, outcome = ?filed, "report");
    Ok(Either::Left(Redirect::to(format!(
        "/petitions/{id}/reported"
    ))))
}

#[get("/petitions/<id>/reported")]
fn reported(id: i32) -> Page {
    Page::new("moderation/reported", json!({ "petition_id": id }))
}

/// The logged-in moderator (or administrator), or a 404 for anyone else.
fn moderator(user: Option<CurrentUser>) -> Result<CurrentUser> {
    let user = require(user)?;
    if permission::may_moderate(&user.0) {
        Ok(user)
    } else {
        Err(Error::NotFound)
    }
}

const NOTICES: [&str; 4] = ["hidden", "restored", "deleted", "dismissed"];

#[get("/admin/moderation?<done>")]
async fn queue(
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let moderator = moderator(user)?;
    let reported = reports::open(db.inner()).await?;
    let hidden = moderation::hidden(db.inner()).await?;
    let notice = done
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("moderation-done-{d}"));
    Ok(Page::new(
        "moderation/queue",
        json!({
            "reported": reported,
            "hidden": hidden,
            "notice": notice,
            "may_read_audit_log": permission::may_read_audit_log(&moderator.0),
        }),
    ))
}

fn decision_page(
    template: &'static str,
    petition: &crate::entity::petition::Model,
    reason: &str,
    errors: &FieldErrors,
) -> Page {
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Page::new(
        template,
        json!({
            "petition": { "id": petition.id, "title": petition.title, "hidden": petition.moderated },
            "values": { "reason": reason },
            "errors": errors,
            "reason_max": moderation::REASON_MAX,
        }),
    )
    .status(status)
}

#[get("/admin/moderation/<id>/hide")]
async fn hide_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let found = moderation::petition_for(db.inner(), &user, id)
        .await
        .map_err(moderation_error)?;
    Ok(decision_page(
        "moderation/hide",
        &found,
        "",
        &FieldErrors::new(),
    ))
}

#[derive(Debug, FromForm)]
struct DecisionForm {
    csrf: Option<String>,
    reason: Option<String>,
}

#[post("/admin/moderation/<id>/hide", data = "<form>")]
async fn hide(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = moderator(user)?;
    let reason = form.reason.clone().unwrap_or_default();
    let outcome = moderation::hide(db.inner(), site, &user, id, &reason)
        .await
        .map(|_| ());
    decided(
        db,
        cache,
        &user,
        id,
        &reason,
        outcome,
        ("moderation/hide", "hidden"),
    )
    .await
}

/// After a hiding or a deletion: the cache forgets every page (the petition must be 404 at once),
/// and the queue says what was done; a refused reason shows the decision's page again, with what
/// was typed.
async fn decided(
    db: &DatabaseConnection,
    cache: &PageCache,
    user: &crate::entity::user::Model,
    id: i32,
    reason: &str,
    outcome: std::result::Result<(), ModerationError>,
    (template, notice): (&'static str, &str),
) -> Result<Either<Redirect, Page>> {
    match outcome {
        Ok(()) => {
            cache.evict_all();
            Ok(Either::Left(Redirect::to(format!(
                "/admin/moderation?done={notice}"
            ))))
        }
        Err(ModerationError::Invalid(errors)) => {
            let found = moderation::petition_for(db, user, id)
                .await
                .map_err(moderation_error)?;
            Ok(Either::Right(decision_page(
                template, &found, reason, &errors,
            )))
        }
        Err(e) => Err(moderation_error(e)),
    }
}

#[post("/admin/moderation/<id>/restore", data = "<form>")]
async fn restore(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = moderator(user)?;
    moderation::restore(db.inner(), site, &user, id)
        .await
        .map_err(moderation_error)?;
    Ok(Redirect::to("/admin/moderation?done=restored"))
}

#[get("/admin/moderation/<id>/delete")]
async fn delete_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let found = moderation::petition_for(db.inner(), &user, id)
        .await
        .map_err(moderation_error)?;
    Ok(decision_page(
        "moderation/delete",
        &found,
        "",
        &FieldErrors::new(),
    ))
}

#[post("/admin/moderation/<id>/delete", data = "<form>")]
async fn delete(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = moderator(user)?;
    let reason = form.reason.clone().unwrap_or_default();
    let outcome = moderation::delete(db.inner(), site, &user, id, &reason).await;
    decided(
        db,
        cache,
        &user,
        id,
        &reason,
        outcome,
        ("moderation/delete", "deleted"),
    )
    .await
}

#[post("/admin/moderation/<id>/dismiss", data = "<form>")]
async fn dismiss(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = moderator(user)?;
    moderation::dismiss(db.inner(), &user, id)
        .await
        .map_err(moderation_error)?;
    Ok(Redirect::to("/admin/moderation?done=dismissed"))
}
