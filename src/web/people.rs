//! The accounts of the instance over HTTP (issue 11, people), for its administrators
//! (`permission::may_manage_people`; anyone else gets a 404, as if the pages did not exist):
//! `/admin/users` searches the accounts, `/admin/users/<id>` shows one — its organizations, its
//! petitions, its roles, whether it is blocked — with its decisions as forms: block, unblock,
//! give or take a role, delete after a confirmation page. The rules and the audit log are
//! `domain::administration::people`. Blocking, unblocking and deleting empty this instance's
//! page cache, so that the account's petitions are a 404 (or back) at once.
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
use crate::domain::administration::audit::Actor;
use crate::domain::administration::people::{self, Account, PeopleError};
use crate::domain::administration::roles::Role;
use crate::domain::people::account::FieldErrors;
use crate::domain::people::permission;
use crate::entity::user;
use crate::error::{Error, Result};

pub fn routes() -> Vec<Route> {
    routes![accounts, account, block, unblock, role, delete_page, delete]
}

/// The logged-in administrator, or a 404 for anyone else.
fn manager(user: Option<CurrentUser>) -> Result<user::Model> {
    let CurrentUser(user) = require(user)?;
    if permission::may_manage_people(&user) {
        Ok(user)
    } else {
        Err(Error::NotFound)
    }
}

const PER_PAGE: u64 = 50;

#[get("/admin/users?<q>&<page>&<done>")]
async fn accounts(
    q: Option<&str>,
    page: Option<u64>,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    manager(user)?;
    let q = q.unwrap_or_default();
    let page = page.unwrap_or(1).max(1);
    let (accounts, total) = people::search(db.inner(), q, (page - 1) * PER_PAGE, PER_PAGE).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let base = format!("/admin/users?q={}&page=", urlencoding(q));
    Ok(Page::new(
        "admin/users",
        json!({
            "accounts": accounts,
            "total": total,
            "q": q,
            "page": page.min(pages),
            "pages": pages,
            "base": base,
            "notice": (done == Some("deleted")).then_some("people-done-deleted"),
        }),
    ))
}

/// `q` for a query string.
fn urlencoding(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

const NOTICES: [&str; 4] = ["blocked", "unblocked", "role-given", "role-taken"];

/// The account's page; `message` is a refusal to show (a Fluent key) with its status.
async fn account_page(
    db: &DatabaseConnection,
    id: i32,
    notice: Option<String>,
    refusal: Option<(&'static str, Status)>,
    errors: &FieldErrors,
) -> Result<Page> {
    let details = people::details(db, id).await?.ok_or(Error::NotFound)?;
    let status = refusal.map_or(Status::Ok, |(_, s)| s);
    Ok(Page::new(
        "admin/user",
        json!({
            "details": details,
            "notice": notice,
            "refusal": refusal.map(|(key, _)| key),
            "errors": errors,
        }),
    )
    .status(status))
}

#[get("/admin/users/<id>?<done>")]
async fn account(
    id: i32,
    done: Option<&str>,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    manager(user)?;
    let notice = done
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("people-done-{d}"));
    account_page(db.inner(), id, notice, None, &FieldErrors::new()).await
}

#[derive(Debug, FromForm)]
struct DecisionForm {
    csrf: Option<String>,
    reason: Option<String>,
}

/// What a refused decision shows: the account's page with the reason, nothing changed.
async fn refused(db: &DatabaseConnection, id: i32, e: PeopleError) -> Result<Page> {
    let (key, errors) = match e {
        PeopleError::NotFound => return Err(Error::NotFound),
        PeopleError::Database(e) => return Err(Error::Database(e)),
        PeopleError::LastAdministrator => ("people-last-administrator", FieldErrors::new()),
        PeopleError::OwnAccount => ("people-own-account", FieldErrors::new()),
        PeopleError::MustHandOver(_) => ("people-must-hand-over", FieldErrors::new()),
        PeopleError::Invalid(errors) => ("people-reason-invalid", errors),
    };
    let status = if key == "people-reason-invalid" {
        Status::UnprocessableEntity
    } else {
        Status::Conflict
    };
    account_page(db, id, None, Some((key, status)), &errors).await
}

/// Where a decision that went through leads.
fn done(id: i32, what: &str) -> Redirect {
    Redirect::to(format!("/admin/users/{id}?done={what}"))
}

#[post("/admin/users/<id>/block", data = "<form>")]
async fn block(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    blocking(Blocking::Block, id, &form, user, jar, db, cache).await
}

#[post("/admin/users/<id>/unblock", data = "<form>")]
async fn unblock(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    blocking(Blocking::Unblock, id, &form, user, jar, db, cache).await
}

#[derive(Debug, Clone, Copy)]
enum Blocking {
    Block,
    Unblock,
}

/// Blocking and unblocking take the same form and answer alike: the account's page with a notice,
/// this instance's page cache emptied (the account's petitions are a 404, or back, at once), or
/// the page with the refusal.
async fn blocking(
    decision: Blocking,
    id: i32,
    form: &DecisionForm,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &DatabaseConnection,
    cache: &PageCache,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let actor = Actor::from(&manager(user)?);
    let reason = form.reason.as_deref().unwrap_or_default();
    let (decided, notice) = match decision {
        Blocking::Block => (
            people::block(db, &actor, Account::Id(id), reason).await,
            "blocked",
        ),
        Blocking::Unblock => (
            people::unblock(db, &actor, Account::Id(id), reason).await,
            "unblocked",
        ),
    };
    match decided {
        Ok(_) => {
            cache.evict_all();
            Ok(Either::Left(done(id, notice)))
        }
        Err(e) => Ok(Either::Right(refused(db, id, e).await?)),
    }
}

#[derive(Debug, FromForm)]
struct RoleForm {
    csrf: Option<String>,
    /// `moderator` or `admin`.
    role: Option<String>,
    /// `1` gives the role, `0` takes it.
    grant: Option<String>,
}

#[post("/admin/users/<id>/role", data = "<form>")]
async fn role(
    id: i32,
    form: Form<RoleForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let actor = manager(user)?;
    let role = form
        .role
        .as_deref()
        .and_then(Role::parse)
        .ok_or(Error::NotFound)?;
    let on = match form.grant.as_deref() {
        Some("1") => true,
        Some("0") => false,
        _ => return Err(Error::NotFound),
    };
    match people::set_role(db.inner(), &Actor::from(&actor), Account::Id(id), role, on).await {
        Ok(_) => Ok(Either::Left(done(
            id,
            if on { "role-given" } else { "role-taken" },
        ))),
        Err(e) => Ok(Either::Right(refused(db.inner(), id, e).await?)),
    }
}

#[get("/admin/users/<id>/delete")]
async fn delete_page(
    id: i32,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    manager(user)?;
    let deletion = people::deletion(db.inner(), id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Page::new(
        "admin/user_delete",
        json!({ "deletion": deletion, "values": { "reason": "" }, "errors": FieldErrors::new() }),
    ))
}

#[post("/admin/users/<id>/delete", data = "<form>")]
async fn delete(
    id: i32,
    form: Form<DecisionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    cache: &State<PageCache>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let actor = manager(user)?;
    let reason = form.reason.as_deref().unwrap_or_default();
    match people::delete(db.inner(), &Actor::from(&actor), Account::Id(id), reason).await {
        Ok(()) => {
            cache.evict_all();
            Ok(Either::Left(Redirect::to("/admin/users?done=deleted")))
        }
        Err(e) => Ok(Either::Right(refused(db.inner(), id, e).await?)),
    }
}
