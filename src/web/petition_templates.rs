//! Petition templates (F4.4): each owner's templates page — `/templates` for a person's own,
//! `/organizations/<slug>/templates` for an organization's — where one is marked default or
//! deleted, and the page that saves a petition's settings as a template. `domain::petitions::petition_template`
//! asks the permissions; refusals look like missing pages.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::domain::petitions::petition::{Owner, OwnerKind};
use crate::domain::petitions::petition_template::{self as templates, TemplateError};
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![
        my_templates,
        organization_templates,
        save_page,
        save,
        make_default,
        delete
    ]
}

/// What the templates page says after an action; anything else in `?done=` is ignored.
const NOTICES: [&str; 3] = ["saved", "default", "deleted"];

fn template_error(e: TemplateError) -> Error {
    match e {
        TemplateError::Database(e) => Error::Database(e),
        TemplateError::NotFound => Error::NotFound,
        TemplateError::Invalid(_) => Error::Internal("unexpected template error".into()),
    }
}

fn done(owner: &Owner, notice: &str) -> Redirect {
    Redirect::to(format!("{}?done={notice}", templates::page_path(owner)))
}

async fn page_of(
    db: &DatabaseConnection,
    user: &crate::entity::user::Model,
    owner: &Owner,
    done: Option<&str>,
) -> Result<Page> {
    let page = templates::page(db, user, owner)
        .await
        .map_err(template_error)?;
    let notice = done
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("templates-done-{d}"));
    Ok(Page::new(
        "petition_templates/index",
        json!({ "page": page, "personal": matches!(owner, Owner::User(_)), "notice": notice }),
    ))
}

#[get("/templates?<done>")]
async fn my_templates(
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    page_of(db.inner(), &user, &Owner::User(user.clone()), done).await
}

#[get("/organizations/<slug>/templates?<done>")]
async fn organization_templates(
    slug: &str,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let owner = Owner::find(db.inner(), OwnerKind::Organization, slug)
        .await?
        .ok_or(Error::NotFound)?;
    page_of(db.inner(), &user, &owner, done).await
}

#[get("/petitions/<id>/save-as-template")]
async fn save_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let (petition, owner) = templates::petition_for(db.inner(), &user, id)
        .await
        .map_err(template_error)?;
    Ok(Page::new(
        "petition_templates/save",
        json!({
            "id": id,
            "petition_title": petition.title,
            "owner_name": owner.name(),
            "values": { "name": petition.title },
            "errors": {},
        }),
    ))
}

#[derive(Debug, FromForm)]
struct SaveForm {
    csrf: Option<String>,
    name: Option<String>,
}

#[post("/petitions/<id>/save-as-template", data = "<form>")]
async fn save(
    id: i32,
    form: Form<SaveForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let name = form.name.clone().unwrap_or_default();
    match templates::save_from_petition(db.inner(), &user, id, &name).await {
        Ok(owner) => Ok(Either::Left(done(&owner, "saved"))),
        Err(TemplateError::Invalid(errors)) => {
            let (petition, owner) = templates::petition_for(db.inner(), &user, id)
                .await
                .map_err(template_error)?;
            Ok(Either::Right(
                Page::new(
                    "petition_templates/save",
                    json!({
                        "id": id,
                        "petition_title": petition.title,
                        "owner_name": owner.name(),
                        "values": { "name": name },
                        "errors": errors,
                    }),
                )
                .status(Status::UnprocessableEntity),
            ))
        }
        Err(e) => Err(template_error(e)),
    }
}

#[derive(Debug, FromForm)]
struct ActionForm {
    csrf: Option<String>,
}

#[post("/templates/<id>/default", data = "<form>")]
async fn make_default(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let owner = templates::set_default(db.inner(), &user, id)
        .await
        .map_err(template_error)?;
    Ok(done(&owner, "default"))
}

#[post("/templates/<id>/delete", data = "<form>")]
async fn delete(
    id: i32,
    form: Form<ActionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let owner = templates::delete(db.inner(), &user, id)
        .await
        .map_err(template_error)?;
    Ok(done(&owner, "deleted"))
}
