//! Ending a campaign over HTTP (F9.3): a page of the dashboard where those who may modify a
//! petition mark it successful or closed, then, if they may send updates, go on to write the final
//! update to its signers; and reopening it. The rules are `domain::petitions::outcome`.
use rocket::form::{Form, FromForm};
use rocket::http::CookieJar;
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::account::login_redirect;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::outreach::updates;
use crate::domain::people::permission;
use crate::domain::petitions::campaign::CampaignError;
use crate::domain::petitions::outcome::{self, Outcome};
use crate::domain::signing::{anonymization, signature_list};
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![page, end, reopen]
}

const NOTICES: [&str; 2] = ["ended", "reopened"];

/// What ending means, how this campaign stands, and the form.
#[get("/petitions/<id>/end?<done>")]
async fn page(
    id: i32,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Page, Redirect>> {
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect(&format!(
            "/petitions/{id}/end"
        ))));
    };
    let located = signature_list::petition_for(db.inner(), user.id, id, permission::END_CAMPAIGN)
        .await?
        .ok_or(Error::NotFound)?;
    let p = &located.petition;
    if !p.published {
        return Err(Error::NotFound);
    }
    let may_send_updates =
        permission::allows_on_petition(db.inner(), user.id, p, permission::SEND_UPDATES).await?;
    let audience = if may_send_updates {
        Some(updates::audience(db.inner(), id).await?)
    } else {
        None
    };
    let due = anonymization::due(p, site.settings.anonymize_after_days);
    let anonymized_on = due.map(crate::domain::instant_text);
    let reopenable = outcome::may_reopen(p, site.settings.anonymize_after_days);
    Ok(Either::Left(Page::new(
        "dashboard/end",
        json!({
            "petition": located.view(site.settings.public_url()),
            "outcome": Outcome::of(p).map(Outcome::name),
            "anonymized": p.anonymized_at.is_some(),
            "reopenable": reopenable,
            "anonymized_on": anonymized_on,
            "anonymize_days": anonymization::days_for(p, site.settings.anonymize_after_days),
            "audience": audience,
            "notice": done.filter(|d| NOTICES.contains(d)).map(|d| format!("outcome-done-{d}")),
        }),
    )))
}

#[derive(Debug, FromForm)]
struct EndForm {
    csrf: Option<String>,
    outcome: Option<String>,
    /// Go on to write the final update to the signers.
    final_update: bool,
}

#[post("/petitions/<id>/end", data = "<form>")]
async fn end(
    id: i32,
    form: Form<EndForm>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let chosen = form
        .outcome
        .as_deref()
        .and_then(Outcome::parse)
        .ok_or(Error::Refused("outcome-choose"))?;
    let petition = outcome::end(db.inner(), &user, id, chosen)
        .await
        .map_err(outcome_error)?;
    let write_update = form.final_update
        && permission::allows_on_petition(db.inner(), user.id, &petition, permission::SEND_UPDATES)
            .await?;
    Ok(if write_update {
        Redirect::to(format!(
            "/petitions/{id}/updates?ending={}#new-update",
            chosen.name()
        ))
    } else {
        Redirect::to(format!("/petitions/{id}/end?done=ended"))
    })
}

#[derive(Debug, FromForm)]
struct CsrfOnly {
    csrf: Option<String>,
}

#[post("/petitions/<id>/reopen", data = "<form>")]
async fn reopen(
    id: i32,
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    outcome::reopen(db.inner(), &user, id, site.settings.anonymize_after_days)
        .await
        .map_err(outcome_error)?;
    Ok(Redirect::to(format!("/petitions/{id}/end?done=reopened")))
}

fn outcome_error(e: CampaignError) -> Error {
    match e {
        CampaignError::Database(e) => Error::Database(e),
        CampaignError::NotFound | CampaignError::Hidden => Error::NotFound,
        CampaignError::Invalid(_) => Error::Refused("outcome-reopen-anonymized"),
    }
}
