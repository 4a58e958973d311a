//! Instance administration: the mail queue (F5.5) — what is pending, retrying and failed, with the
//! last error; failed mail can be retried or discarded — and the audit log of administrative
//! decisions (F8.2). The moderation queue is `web::moderation`.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::verify_csrf;
use super::page::Page;
use super::session::CurrentUser;
use crate::domain::administration::audit;
use crate::error::{Error, Result};
use crate::mail::queue;

pub fn routes() -> Vec<Route> {
    routes![mail_queue, mail_action, audit_log]
}

/// Those who may manage the mail queue (`permission::may_manage_mail`); anyone else gets a 404,
/// as if the page did not exist.
fn admin(user: Option<CurrentUser>) -> Result<CurrentUser> {
    user.filter(|u| crate::domain::people::permission::may_manage_mail(&u.0))
        .ok_or(Error::NotFound)
}

/// Entries of the audit log a page.
const LOG_PER_PAGE: u64 = 50;

/// The audit log, newest first: administrators only (`permission::may_read_audit_log`).
#[get("/admin/log?<page>")]
async fn audit_log(
    page: Option<u64>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let reader = user.ok_or(Error::NotFound)?;
    if !crate::domain::people::permission::may_read_audit_log(&reader.0) {
        return Err(Error::NotFound);
    }
    let page = page.unwrap_or(1).max(1);
    let (entries, total) = audit::page(db.inner(), (page - 1) * LOG_PER_PAGE, LOG_PER_PAGE).await?;
    let pages = total.div_ceil(LOG_PER_PAGE).max(1);
    Ok(Page::new(
        "admin/log",
        json!({ "entries": entries, "page": page.min(pages), "pages": pages }),
    ))
}

#[get("/admin/mail")]
async fn mail_queue(user: Option<CurrentUser>, db: &State<DatabaseConnection>) -> Result<Page> {
    admin(user)?;
    let status = queue::status(db.inner()).await?;
    Ok(Page::new("admin/mail", json!({ "queue": status })))
}

#[derive(Debug, FromForm)]
struct ActionForm {
    csrf: Option<String>,
}

#[post("/admin/mail/<action>", data = "<form>")]
async fn mail_action(
    action: &str,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<crate::Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    admin(user)?;
    match action {
        "retry-failed" => {
            queue::retry_failed(db.inner()).await?;
            site.wake.notify();
        }
        "discard-failed" => {
            queue::discard_failed(db.inner()).await?;
        }
        _ => {
            return Ok(Either::Right(Page::error(
                Status::NotFound,
                "error-not-found",
            )));
        }
    }
    Ok(Either::Left(Redirect::to("/admin/mail")))
}
