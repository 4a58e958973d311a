//! Organizations (F3.2): creating one, its public profile, the members page where invitations,
//! removals and permissions are handled, and the settings page where its administrators rename it,
//! describe it and delete it — each action asking `domain::people::permission`. An address from
//! before a rename redirects permanently to the current one.
use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::verify_csrf;
use super::page::Page;
use super::session::{CurrentUser, require};
use crate::Site;
use crate::domain::people::organization::address::{self, Resolved};
use crate::domain::people::organization::profile::{self as org_profile, ProfileEdit};
use crate::domain::people::organization::{self, OrgError, deletion};
use crate::domain::people::permission::{self, OrganizationAction, Permission};
use crate::entity::organization as org_entity;
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![
        new_page,
        create,
        profile,
        manage,
        settings_page,
        save_settings,
        delete_page,
        delete,
        invite,
        cancel_invitation,
        remove,
        set_permissions,
        leave,
        invitation_page,
        answer
    ]
}

type Answer = Result<Either<Redirect, Page>>;

fn org_error(e: OrgError) -> Error {
    match e {
        OrgError::Database(e) => Error::Database(e),
        OrgError::Template(e) => Error::Template(e),
        // Refusals look like the page does not exist: they reveal nothing to outsiders.
        OrgError::Forbidden | OrgError::NotFound => Error::NotFound,
        OrgError::Invalid(_) | OrgError::LastAdministrator | OrgError::Unverified => {
            Error::Internal("unexpected organization error".into())
        }
    }
}

async fn find(db: &DatabaseConnection, slug: &str) -> Result<org_entity::Model> {
    organization::find_by_slug(db, slug)
        .await?
        .ok_or(Error::NotFound)
}

#[derive(Debug, FromForm)]
struct CreateForm {
    csrf: Option<String>,
    name: Option<String>,
}

#[get("/organizations/new")]
fn new_page(user: Option<CurrentUser>, site: &State<Site>) -> Either<Page, Redirect> {
    match user {
        Some(CurrentUser(u))
            if !permission::may_create_organization(
                &u,
                site.live.get().organization_creation_admins_only,
            ) =>
        {
            Either::Left(Page::error(
                Status::Forbidden,
                "organization-creation-closed",
            ))
        }
        Some(_) => Either::Left(Page::new(
            "organization/new",
            json!({ "values": {}, "errors": {} }),
        )),
        None => Either::Right(Redirect::to("/login?next=%2Forganizations%2Fnew")),
    }
}

#[post("/organizations", data = "<form>")]
async fn create(
    form: Form<CreateForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let name = form.name.clone().unwrap_or_default();
    match organization::create_checked(
        db.inner(),
        &user,
        &name,
        site.live.get().organization_creation_admins_only,
    )
    .await
    {
        Ok(org) => Ok(Either::Left(Redirect::to(format!(
            "/organizations/{}",
            org.slug
        )))),
        Err(OrgError::Invalid(errors)) => Ok(Either::Right(
            Page::new(
                "organization/new",
                json!({ "values": { "name": name }, "errors": errors }),
            )
            .status(Status::UnprocessableEntity),
        )),
        Err(OrgError::Forbidden) => Ok(Either::Right(Page::error(
            Status::Forbidden,
            "organization-creation-closed",
        ))),
        Err(OrgError::Unverified) => Ok(Either::Right(super::account::verify_needed(&user))),
        Err(e) => Err(org_error(e)),
    }
}

#[get("/o/<slug>")]
async fn profile(slug: &str, db: &State<DatabaseConnection>, site: &State<Site>) -> Answer {
    let org = match address::resolve(db.inner(), slug).await? {
        Some(Resolved::Current(org)) => org,
        Some(Resolved::Moved(org)) => {
            return Ok(Either::Left(Redirect::moved(format!("/o/{}", org.slug))));
        }
        None => return Err(Error::NotFound),
    };
    Ok(Either::Right(profile_page(db.inner(), site, &org).await?))
}

/// An organization's public profile: its description and its published petitions. It is also the
/// home page of a site run by one association (`site_settings::Home::Organization`).
pub(super) async fn profile_page(
    db: &DatabaseConnection,
    site: &Site,
    org: &org_entity::Model,
) -> Result<Page> {
    let petitions: Vec<_> = organization::public_petitions(db, org)
        .await?
        .iter()
        .map(|l| l.view(site.settings.public_url()))
        .collect();
    Ok(Page::new(
        "organization/profile",
        json!({ "organization": org_profile::public(org), "petitions": petitions }),
    ))
}

/// The notices the members page shows after an action (`?done=`).
const NOTICES: [&str; 3] = ["invited", "invitation-cancelled", "profile-saved"];

/// The members page: for members only. Those who may add members also see the invitations
/// waiting for an answer.
async fn manage_page(
    db: &DatabaseConnection,
    user: &crate::entity::user::Model,
    org: &org_entity::Model,
    errors: serde_json::Value,
    status: Status,
    notice: Option<&str>,
    typed_who: Option<&str>,
) -> Result<Page> {
    let me = permission::membership(db, user.id, org.id)
        .await?
        .ok_or(Error::NotFound)?;
    let mine: Vec<&str> = Permission::ALL
        .iter()
        .filter(|p| p.granted_by(&me))
        .map(|p| p.name())
        .collect();
    let members = organization::members(db, org).await?;
    let invitations = if Permission::AddMembers.granted_by(&me) {
        organization::sent_invitations(db, user, org)
            .await
            .map_err(org_error)?
    } else {
        Vec::new()
    };
    let names: Vec<&str> = Permission::ALL.iter().map(|p| p.name()).collect();
    Ok(Page::new(
        "organization/manage",
        json!({
            "organization": { "name": org.name, "slug": org.slug },
            "members": members,
            "invitations": invitations,
            "values": { "who": typed_who },
            "notice": notice
                .filter(|n| NOTICES.contains(n))
                .map(|n| format!("organization-done-{n}")),
            "permission_names": names,
            "mine": mine,
            "may_edit_profile": OrganizationAction::EditProfile.granted_by(&me),
            "may_delete": OrganizationAction::Delete.granted_by(&me),
            "me": user.id,
            "errors": errors,
        }),
    )
    .status(status))
}

#[get("/organizations/<slug>?<done>")]
async fn manage(
    slug: &str,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Answer {
    // The old address of a renamed organization is public (its profile redirects too).
    let org = match address::resolve(db.inner(), slug).await? {
        Some(Resolved::Current(org)) => org,
        Some(Resolved::Moved(org)) => {
            return Ok(Either::Left(Redirect::moved(format!(
                "/organizations/{}",
                org.slug
            ))));
        }
        None => return Err(Error::NotFound),
    };
    let CurrentUser(user) = require(user)?;
    Ok(Either::Right(
        manage_page(db, &user, &org, json!({}), Status::Ok, done, None).await?,
    ))
}

/// The settings page: name, description and website, for the organization's administrators.
fn settings_form(
    org: &org_entity::Model,
    values: &ProfileEdit,
    errors: serde_json::Value,
    may_delete: bool,
) -> Page {
    Page::new(
        "organization/settings",
        json!({
            "organization": { "name": org.name, "slug": org.slug },
            "values": values,
            "errors": errors,
            "may_delete": may_delete,
        }),
    )
}

#[get("/organizations/<slug>/settings")]
async fn settings_page(
    slug: &str,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    let access = org_profile::settings_access(db.inner(), &user, &org)
        .await
        .map_err(org_error)?;
    Ok(settings_form(
        &org,
        &ProfileEdit::of(&org),
        json!({}),
        access.may_delete,
    ))
}

#[derive(Debug, FromForm)]
struct SettingsForm {
    csrf: Option<String>,
    name: Option<String>,
    description: Option<String>,
    website: Option<String>,
}

#[post("/organizations/<slug>/settings", data = "<form>")]
async fn save_settings(
    slug: &str,
    form: Form<SettingsForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    let form = form.into_inner();
    let edit = ProfileEdit {
        name: form.name.unwrap_or_default(),
        description: form.description.unwrap_or_default(),
        website: form.website.unwrap_or_default(),
    };
    match org_profile::update(db.inner(), &user, &org, &edit).await {
        Ok(saved) => Ok(Either::Left(Redirect::to(format!(
            "/organizations/{}?done=profile-saved",
            saved.slug
        )))),
        Err(OrgError::Invalid(errors)) => {
            let access = org_profile::settings_access(db.inner(), &user, &org)
                .await
                .map_err(org_error)?;
            Ok(Either::Right(
                settings_form(&org, &edit, json!(errors), access.may_delete)
                    .status(Status::UnprocessableEntity),
            ))
        }
        Err(e) => Err(org_error(e)),
    }
}

/// The confirmation page of a deletion: what goes with the organization, counted.
#[get("/organizations/<slug>/delete")]
async fn delete_page(
    slug: &str,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    let goes = deletion::what_goes(db.inner(), &user, &org)
        .await
        .map_err(org_error)?;
    Ok(Page::new(
        "organization/delete",
        json!({ "organization": { "name": org.name, "slug": org.slug }, "goes": goes }),
    ))
}

#[post("/organizations/<slug>/delete", data = "<form>")]
async fn delete(
    slug: &str,
    form: Form<CsrfOnly>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    deletion::delete(db.inner(), &user, &org)
        .await
        .map_err(org_error)?;
    Ok(Redirect::to("/dashboard?done=organization-deleted"))
}

#[derive(Debug, FromForm)]
struct InviteForm {
    csrf: Option<String>,
    who: Option<String>,
}

#[post("/organizations/<slug>/invite", data = "<form>")]
async fn invite(
    slug: &str,
    form: Form<InviteForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    lang: Lang,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    match organization::invite(
        db.inner(),
        site,
        &user,
        &org,
        form.who.as_deref().unwrap_or_default(),
        &lang,
    )
    .await
    {
        Ok(()) => Ok(Either::Left(Redirect::to(format!(
            "/organizations/{slug}?done=invited#invitations"
        )))),
        Err(OrgError::Invalid(errors)) => Ok(Either::Right(
            manage_page(
                db,
                &user,
                &org,
                json!(errors),
                Status::UnprocessableEntity,
                None,
                form.who.as_deref(),
            )
            .await?,
        )),
        Err(e) => Err(org_error(e)),
    }
}

#[post(
    "/organizations/<slug>/invitations/<invitation>/cancel",
    data = "<form>"
)]
async fn cancel_invitation(
    slug: &str,
    invitation: i32,
    form: Form<CsrfOnly>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    match organization::cancel_invitation(db.inner(), &user, &org, invitation).await {
        Ok(()) => Ok(Either::Left(Redirect::to(format!(
            "/organizations/{slug}?done=invitation-cancelled#invitations"
        )))),
        Err(e) => Err(org_error(e)),
    }
}

#[derive(Debug, FromForm)]
struct CsrfOnly {
    csrf: Option<String>,
}

async fn refused_last_administrator(
    db: &DatabaseConnection,
    user: &crate::entity::user::Model,
    org: &org_entity::Model,
) -> Answer {
    Ok(Either::Right(
        manage_page(
            db,
            user,
            org,
            json!({ "form": "last-administrator" }),
            Status::Conflict,
            None,
            None,
        )
        .await?,
    ))
}

#[post("/organizations/<slug>/members/<member>/remove", data = "<form>")]
async fn remove(
    slug: &str,
    member: i32,
    form: Form<CsrfOnly>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    match organization::remove(db.inner(), &user, &org, member).await {
        Ok(()) if member == user.id => Ok(Either::Left(Redirect::to("/dashboard"))),
        Ok(()) => Ok(Either::Left(Redirect::to(format!("/organizations/{slug}")))),
        Err(OrgError::LastAdministrator) => refused_last_administrator(db, &user, &org).await,
        Err(e) => Err(org_error(e)),
    }
}

/// One checkbox per permission, named after it (`add_members`, …).
#[derive(Debug, FromForm)]
struct PermissionsForm {
    csrf: Option<String>,
    add_members: bool,
    remove_members: bool,
    create_petitions: bool,
    modify_petitions: bool,
    delete_petitions: bool,
    create_templates: bool,
    modify_templates: bool,
    delete_templates: bool,
    view_signatures: bool,
    modify_signatures: bool,
    delete_signatures: bool,
    modify_permissions: bool,
}

impl PermissionsForm {
    fn granted(&self) -> Vec<Permission> {
        let ticked = [
            self.add_members,
            self.remove_members,
            self.create_petitions,
            self.modify_petitions,
            self.delete_petitions,
            self.create_templates,
            self.modify_templates,
            self.delete_templates,
            self.view_signatures,
            self.modify_signatures,
            self.delete_signatures,
            self.modify_permissions,
        ];
        Permission::ALL
            .iter()
            .zip(ticked)
            .filter(|(_, on)| *on)
            .map(|(p, _)| *p)
            .collect()
    }
}

#[post("/organizations/<slug>/members/<member>/permissions", data = "<form>")]
async fn set_permissions(
    slug: &str,
    member: i32,
    form: Form<PermissionsForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    match organization::set_permissions(db.inner(), &user, &org, member, &form.granted()).await {
        Ok(()) => Ok(Either::Left(Redirect::to(format!("/organizations/{slug}")))),
        Err(OrgError::LastAdministrator) => refused_last_administrator(db, &user, &org).await,
        Err(e) => Err(org_error(e)),
    }
}

#[post("/organizations/<slug>/leave", data = "<form>")]
async fn leave(
    slug: &str,
    form: Form<CsrfOnly>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let org = find(db, slug).await?;
    match organization::leave(db.inner(), &user, &org).await {
        Ok(()) => Ok(Either::Left(Redirect::to("/dashboard"))),
        Err(OrgError::LastAdministrator) => refused_last_administrator(db, &user, &org).await,
        Err(e) => Err(org_error(e)),
    }
}

/// The link in an invitation mail: accept or decline when logged in; otherwise log in or create an
/// account first, then come back here.
#[get("/invitations/<token>")]
async fn invitation_page(
    token: &str,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    let Some((found, org)) = organization::invitation_by_token(db.inner(), token).await? else {
        return Ok(Page::error(Status::NotFound, "invitation-invalid"));
    };
    Ok(Page::new(
        "organization/invitation",
        json!({
            "organization": org.name,
            "invitation_id": found.id,
            "token": token,
            "logged_in": user.is_some(),
            "next": format!("/invitations/{token}"),
        }),
    ))
}

#[derive(Debug, FromForm)]
struct AnswerForm {
    csrf: Option<String>,
    token: Option<String>,
}

#[post("/invitations/<id>/<choice>", data = "<form>")]
async fn answer(
    id: i32,
    choice: &str,
    form: Form<AnswerForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Answer {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = require(user)?;
    let join = match choice {
        "accept" => true,
        "decline" => false,
        _ => return Err(Error::NotFound),
    };
    match organization::answer(db.inner(), &user, id, form.token.as_deref(), join).await {
        Ok(org) if join => Ok(Either::Left(Redirect::to(format!(
            "/organizations/{}",
            org.slug
        )))),
        Ok(_) => Ok(Either::Left(Redirect::to("/dashboard"))),
        Err(e) => Err(org_error(e)),
    }
}
