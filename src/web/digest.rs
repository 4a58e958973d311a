//! The daily digest's settings over HTTP (issue 12 point 2): `/petitions/<id>/digest`, for those who
//! may modify the petition (`permission::SET_DIGEST`; anyone else gets a 404): on or off, the
//! addresses it goes to, and whether it names the new signers, which only those who may also view
//! the signatures can turn on. A mistake re-renders the form with what was typed and one message
//! per bad line. The rules and the sending are `domain::outreach::digest`.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::verify_csrf;
use super::page::{NoStore, Page};
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::outreach::digest::{self, DigestError, DigestErrors, DigestInput};
use crate::domain::people::permission;
use crate::domain::petitions::petition::Located;
use crate::domain::signing::signature_list;
use crate::entity::user;
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![page, save, stop_page, stop]
}

/// The petition, if `user` may set its digest; a 404 otherwise.
async fn petition_for(db: &DatabaseConnection, user: &user::Model, id: i32) -> Result<Located> {
    signature_list::petition_for(db, user.id, id, permission::SET_DIGEST)
        .await?
        .ok_or(Error::NotFound)
}

async fn settings_page(
    db: &DatabaseConnection,
    site: &Site,
    user: &user::Model,
    located: &Located,
    values: &DigestInput,
    errors: &DigestErrors,
    notice: Option<&str>,
) -> Result<Page> {
    let may_name = permission::may_name_signers_in_digest(db, user.id, &located.petition).await?;
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Ok(Page::new(
        "dashboard/digest",
        json!({
            "petition": {
                "id": located.petition.id,
                "title": located.petition.title,
                "path": located.path(),
                "anonymized": located.petition.anonymized_at.is_some(),
            },
            "values": values,
            "errors": errors,
            "invalid": !errors.is_empty(),
            "recipients_invalid": errors.fields.contains_key("recipients") || !errors.lines.is_empty(),
            "may_name": may_name,
            "max_recipients": digest::MAX_RECIPIENTS,
            "names_max": digest::NAMES_MAX,
            "hour": format!("{:02}:00", site.settings.digest_hour_utc),
            "notice": notice.filter(|n| *n == "saved").map(|_| "digest-saved"),
        }),
    )
    .status(status))
}

#[get("/petitions/<id>/digest?<done>")]
async fn page(
    id: i32,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let located = petition_for(db.inner(), &user, id).await?;
    let current = digest::of_petition(db.inner(), id).await?;
    settings_page(
        db.inner(),
        site.inner(),
        &user,
        &located,
        &DigestInput::of(current.as_ref()),
        &DigestErrors::default(),
        done,
    )
    .await
}

#[derive(Debug, FromForm)]
struct DigestForm {
    csrf: Option<String>,
    enabled: bool,
    recipients: Option<String>,
    include_names: bool,
}

#[post("/petitions/<id>/digest", data = "<form>")]
async fn save(
    id: i32,
    form: Form<DigestForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    lang: Lang,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let located = petition_for(db.inner(), &user, id).await?;
    let input = DigestInput {
        enabled: form.enabled,
        recipients: form.recipients.clone().unwrap_or_default(),
        include_names: form.include_names,
    };
    match digest::save(
        db.inner(),
        &located,
        user.id,
        &input,
        &lang.code(),
        site.settings.digest_hour_utc,
    )
    .await
    {
        Ok(_) => Ok(Either::Left(Redirect::to(format!(
            "/petitions/{id}/digest?done=saved"
        )))),
        Err(DigestError::Invalid(errors)) => Ok(Either::Right(
            settings_page(
                db.inner(),
                site.inner(),
                &user,
                &located,
                &input,
                &errors,
                None,
            )
            .await?,
        )),
        Err(DigestError::Database(e)) => Err(Error::Database(e)),
        Err(DigestError::Template(e)) => Err(Error::Template(e)),
    }
}

/// The petition and address a digest's stop link names, if its MAC holds and the address still
/// receives the digest (`done` otherwise).
async fn stop_target(
    db: &DatabaseConnection,
    site: &Site,
    id: i32,
    mac: &str,
    to: &str,
) -> Result<(Located, bool)> {
    if !digest::stop_link_valid(&site.keys.unsubscribe, id, to, mac) {
        return Err(Error::NotFound);
    }
    let located = crate::domain::petitions::petition::find(db, id)
        .await?
        .ok_or(Error::NotFound)?;
    let done = !digest::receives(db, id, to).await?;
    Ok((located, done))
}

/// The link in each digest mail: a button (a mail scanner following links changes nothing).
#[get("/petitions/<id>/digest/stop/<mac>?<to>")]
async fn stop_page(
    id: i32,
    mac: &str,
    to: &str,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<NoStore> {
    let (located, done) = stop_target(db.inner(), site, id, mac, to).await?;
    Ok(NoStore(Page::new(
        "dashboard/digest_stop",
        json!({
            "done": done,
            "title": located.petition.title,
            "address": to,
            "action": digest::stop_path(&site.keys.unsubscribe, id, to),
        }),
    )))
}

/// The button, and a mail client's one-click stop (RFC 8058: a POST with no cookie). No CSRF token
/// is asked: the signed link is the authority, and its only effect is to stop mail.
#[post("/petitions/<id>/digest/stop/<mac>?<to>")]
async fn stop(
    id: i32,
    mac: &str,
    to: &str,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<NoStore> {
    let (located, _) = stop_target(db.inner(), site, id, mac, to).await?;
    digest::stop(db.inner(), id, to).await?;
    Ok(NoStore(Page::new(
        "dashboard/digest_stop",
        json!({ "done": true, "title": located.petition.title, "address": to, "action": "" }),
    )))
}
