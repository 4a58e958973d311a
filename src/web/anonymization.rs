//! Anonymizing a campaign's signers over HTTP (F9.3): the petition's own delay after closing (for
//! those who may modify it), and erasing the signers' personal data now, after a confirmation page
//! (for those who may delete its signatures). The rules are `domain::signing::anonymization`; the
//! signatures page announces the date.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::{Flash, Redirect};
use rocket::{Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::people::permission::Permission;
use crate::domain::signing::{anonymization, signature_list};
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![delay, confirm_page, anonymize]
}

/// The flash kinds of the signatures page.
pub const DELAY_SAVED: &str = "anonymization-delay-saved";
pub const ANONYMIZED: &str = "anonymization-done";

#[derive(Debug, FromForm)]
struct DelayForm {
    csrf: Option<String>,
    /// Days, or empty for the site's.
    days: Option<String>,
}

/// Sets how many days after closing this petition's signers are anonymized.
#[post("/petitions/<id>/anonymization", data = "<form>")]
async fn delay(
    id: i32,
    form: Form<DelayForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    signature_list::petition_for(db.inner(), user.id, id, Permission::ModifyPetitions)
        .await?
        .ok_or(Error::NotFound)?;
    let days = match form.days.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse::<i32>()
                .map_err(|_| Error::Refused("anonymization-days-invalid"))?,
        ),
    };
    if !anonymization::set_days(db.inner(), id, days).await? {
        return Err(Error::Refused("anonymization-days-invalid"));
    }
    Ok(Flash::new(
        Redirect::to(format!("/petitions/{id}/signatures#anonymization")),
        DELAY_SAVED,
        "0",
    ))
}

/// What erasing now means, and the button.
#[get("/petitions/<id>/anonymize")]
async fn confirm_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let located =
        signature_list::petition_for(db.inner(), user.id, id, Permission::DeleteSignatures)
            .await?
            .ok_or(Error::NotFound)?;
    Ok(Page::new(
        "signatures/anonymize",
        json!({
            "petition": { "id": id, "title": located.petition.title },
            "done": located.petition.anonymized_at.is_some(),
        }),
    ))
}

#[derive(Debug, FromForm)]
struct CsrfOnly {
    csrf: Option<String>,
}

/// Erases the signers' personal data now; the counts stay.
#[post("/petitions/<id>/anonymize", data = "<form>")]
async fn anonymize(
    id: i32,
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    signature_list::petition_for(db.inner(), user.id, id, Permission::DeleteSignatures)
        .await?
        .ok_or(Error::NotFound)?;
    let emptied = anonymization::anonymize(db.inner(), id).await?;
    tracing::info!(
        petition = id,
        emptied,
        anonymize_after_days = site.settings.anonymize_after_days,
        "signers anonymized by hand"
    );
    Ok(Flash::new(
        Redirect::to(format!("/petitions/{id}/signatures")),
        ANONYMIZED,
        emptied.to_string(),
    ))
}

/// The answer to an export asked after the signers were anonymized.
pub fn export_gone(date: &str) -> Page {
    Page::new("signatures/anonymized", json!({ "date": date })).status(Status::Gone)
}
