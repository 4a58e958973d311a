//! Accounts (F3.1): register, log in and out, change the password, reset a forgotten one by mail,
//! change the address (confirmed from the new mailbox).
use std::net::IpAddr;

use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::{local_path, verify_csrf};
use super::page::Page;
use super::ratelimit::Limits;
use super::session::{self, CurrentUser};
use crate::Site;
use crate::domain::account::{self, AccountError, FieldErrors};
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![
        register_page,
        register,
        login_page,
        login,
        logout,
        account_page,
        change_password,
        change_email,
        email_confirm_page,
        email_confirm,
        delete_page,
        delete,
        forgot_page,
        forgot,
        forgot_sent,
        reset_page,
        reset
    ]
}

fn account_error(e: AccountError) -> Error {
    match e {
        AccountError::Database(e) => Error::Database(e),
        AccountError::Template(e) => Error::Template(e),
        AccountError::Hash(e) => Error::Internal(e),
        AccountError::Invalid(_) | AccountError::MustHandOver(_) => {
            Error::Internal("unexpected account error".into())
        }
    }
}

pub(super) fn login_redirect(next: &str) -> Redirect {
    let next = url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
    Redirect::to(format!("/login?next={next}"))
}

#[derive(Debug, FromForm)]
struct RegisterForm {
    csrf: Option<String>,
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

#[get("/register?<next>")]
fn register_page(next: Option<&str>, site: &State<Site>) -> Page {
    if !site.settings.registration_open {
        return Page::error(Status::Forbidden, "registration-closed");
    }
    Page::new(
        "account/register",
        json!({ "values": {}, "errors": {}, "next": local_path(next) }),
    )
}

#[post("/register", data = "<form>")]
async fn register(
    form: Form<RegisterForm>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    if !site.settings.registration_open {
        return Ok(Either::Right(Page::error(
            Status::Forbidden,
            "registration-closed",
        )));
    }
    let (username, email) = (
        form.username.clone().unwrap_or_default(),
        form.email.clone().unwrap_or_default(),
    );
    match account::register(
        db.inner(),
        &username,
        &email,
        form.password.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(user) => {
            session::log_in(jar, site, &user);
            let next = local_path(form.next.as_deref());
            Ok(Either::Left(Redirect::to(if next == "/" {
                "/dashboard".to_string()
            } else {
                next
            })))
        }
        Err(AccountError::Invalid(errors)) => Ok(Either::Right(
            Page::new(
                "account/register",
                json!({
                    "values": { "username": username, "email": email },
                    "errors": errors,
                    "next": local_path(form.next.as_deref()),
                }),
            )
            .status(Status::UnprocessableEntity),
        )),
        Err(e) => Err(account_error(e)),
    }
}

#[get("/login?<next>")]
fn login_page(next: Option<&str>) -> Page {
    Page::new(
        "account/login",
        json!({ "values": {}, "errors": {}, "next": local_path(next) }),
    )
}

#[derive(Debug, FromForm)]
struct LoginForm {
    csrf: Option<String>,
    login: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

#[post("/login", data = "<form>")]
async fn login(
    form: Form<LoginForm>,
    jar: &CookieJar<'_>,
    ip: Option<IpAddr>,
    limits: &State<Limits>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let login = form.login.clone().unwrap_or_default();
    let next = local_path(form.next.as_deref());
    let again = |message: &'static str, status: Status| {
        let errors = FieldErrors::from([("form", message)]);
        Page::new(
            "account/login",
            json!({ "values": { "login": login }, "errors": errors, "next": next }),
        )
        .status(status)
    };
    if !limits.allow_login(ip, &login) {
        return Ok(Either::Right(again(
            "login-too-many",
            Status::TooManyRequests,
        )));
    }
    match account::authenticate(
        db.inner(),
        &login,
        form.password.as_deref().unwrap_or_default(),
    )
    .await?
    {
        Some(user) => {
            session::log_in(jar, site, &user);
            let target = if next == "/" {
                "/dashboard".to_string()
            } else {
                next.clone()
            };
            Ok(Either::Left(Redirect::to(target)))
        }
        None => Ok(Either::Right(again("login-failed", Status::Unauthorized))),
    }
}

#[derive(Debug, FromForm)]
struct CsrfOnly {
    csrf: Option<String>,
}

#[post("/logout", data = "<form>")]
fn logout(form: Form<CsrfOnly>, jar: &CookieJar<'_>) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    session::log_out(jar);
    Ok(Redirect::to("/"))
}

#[get("/account")]
fn account_page(user: Option<CurrentUser>) -> Either<Page, Redirect> {
    match user {
        Some(CurrentUser(user)) => Either::Left(Page::new(
            "account/settings",
            json!({ "account": { "username": user.username, "email": user.email }, "errors": {}, "done": null }),
        )),
        None => Either::Right(login_redirect("/account")),
    }
}

#[derive(Debug, FromForm)]
struct PasswordForm {
    csrf: Option<String>,
    current_password: Option<String>,
    new_password: Option<String>,
}

#[post("/account/password", data = "<form>")]
async fn change_password(
    form: Form<PasswordForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Page, Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect("/account")));
    };
    let account = json!({ "username": user.username, "email": user.email });
    let current = form.current_password.as_deref().unwrap_or_default();
    match account::change_password(
        db.inner(),
        &user,
        current,
        form.new_password.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(updated) => {
            // The fingerprint changed: this browser stays logged in, every other session ends.
            session::log_in(jar, site, &updated);
            Ok(Either::Left(Page::new(
                "account/settings",
                json!({ "account": account, "errors": {}, "done": "password-changed" }),
            )))
        }
        Err(AccountError::Invalid(errors)) => Ok(Either::Left(
            Page::new(
                "account/settings",
                json!({ "account": account, "errors": errors, "done": null }),
            )
            .status(Status::UnprocessableEntity),
        )),
        Err(e) => Err(account_error(e)),
    }
}

#[derive(Debug, FromForm)]
struct EmailForm {
    csrf: Option<String>,
    email: Option<String>,
    email_password: Option<String>,
}

#[post("/account/email", data = "<form>")]
async fn change_email(
    form: Form<EmailForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    lang: Lang,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Page, Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect("/account")));
    };
    let account = json!({ "username": user.username, "email": user.email });
    let typed = form.email.as_deref().unwrap_or_default();
    match account::request_email_change(
        db.inner(),
        site,
        &user,
        form.email_password.as_deref().unwrap_or_default(),
        typed,
        &lang,
    )
    .await
    {
        Ok(new_email) => Ok(Either::Left(Page::new(
            "account/settings",
            json!({ "account": account, "errors": {}, "done": "email-change-sent", "done_email": new_email }),
        ))),
        Err(AccountError::Invalid(errors)) => Ok(Either::Left(
            Page::new(
                "account/settings",
                json!({
                    "account": account,
                    "values": { "email": typed },
                    "errors": errors,
                    "done": null,
                }),
            )
            .status(Status::UnprocessableEntity),
        )),
        Err(e) => Err(account_error(e)),
    }
}

/// The link mailed to the new address: a page with a button, so that a mail scanner opening it
/// changes nothing.
#[get("/account/email/<token>")]
async fn email_confirm_page(token: &str, db: &State<DatabaseConnection>) -> Result<Page> {
    match account::pending_email_change(db.inner(), token).await? {
        Some(change) => Ok(Page::new(
            "account/email-confirm",
            json!({ "token": token, "change": change }),
        )),
        None => Ok(Page::error(Status::NotFound, "email-change-link-invalid")),
    }
}

#[derive(Debug, FromForm)]
struct ConfirmForm {
    csrf: Option<String>,
}

#[post("/account/email/<token>", data = "<form>")]
async fn email_confirm(
    token: &str,
    form: Form<ConfirmForm>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    verify_csrf(jar, form.csrf.as_deref())?;
    match account::confirm_email_change(db.inner(), token).await {
        Ok(Some(user)) => Ok(Page::new(
            "account/email-changed",
            json!({ "account": { "username": user.username, "email": user.email } }),
        )),
        Ok(None) => Ok(Page::error(Status::NotFound, "email-change-link-invalid")),
        Err(AccountError::Invalid(_)) => Ok(Page::error(Status::Conflict, "email-taken")),
        Err(e) => Err(account_error(e)),
    }
}

/// What deleting the account takes with it, what must be handed over first, and the form.
async fn delete_confirmation(
    db: &DatabaseConnection,
    user: &crate::entity::user::Model,
    errors: serde_json::Value,
    status: Status,
) -> Result<Page> {
    let departure = crate::domain::organization::departure(db, user).await?;
    let personal = crate::domain::dashboard::personal_petitions(db, user).await?;
    Ok(Page::new(
        "account/delete",
        json!({ "departure": departure, "personal_petitions": personal, "errors": errors }),
    )
    .status(status))
}

#[get("/account/delete")]
async fn delete_page(
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Page, Redirect>> {
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect("/account/delete")));
    };
    Ok(Either::Left(
        delete_confirmation(db.inner(), &user, json!({}), Status::Ok).await?,
    ))
}

#[derive(Debug, FromForm)]
struct DeleteForm {
    csrf: Option<String>,
    delete_password: Option<String>,
}

#[post("/account/delete", data = "<form>")]
async fn delete(
    form: Form<DeleteForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Either<Page, Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect("/account/delete")));
    };
    match account::delete(
        db.inner(),
        &user,
        form.delete_password.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(()) => {
            session::log_out(jar);
            Ok(Either::Left(Page::new("account/deleted", json!({}))))
        }
        Err(AccountError::Invalid(errors)) => Ok(Either::Left(
            delete_confirmation(
                db.inner(),
                &user,
                json!(errors),
                Status::UnprocessableEntity,
            )
            .await?,
        )),
        // Someone became sole administrator since the page was shown: it lists them now.
        Err(AccountError::MustHandOver(_)) => Ok(Either::Left(
            delete_confirmation(db.inner(), &user, json!({}), Status::Conflict).await?,
        )),
        Err(e) => Err(account_error(e)),
    }
}

#[get("/password/forgot")]
fn forgot_page() -> Page {
    Page::new("account/forgot", json!({ "errors": {} }))
}

#[derive(Debug, FromForm)]
struct ForgotForm {
    csrf: Option<String>,
    email: Option<String>,
}

#[post("/password/forgot", data = "<form>")]
async fn forgot(
    form: Form<ForgotForm>,
    jar: &CookieJar<'_>,
    ip: Option<IpAddr>,
    lang: Lang,
    limits: &State<Limits>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    if !limits.allow_reset(ip) {
        return Ok(Either::Right(Page::error(
            Status::TooManyRequests,
            "login-too-many",
        )));
    }
    let email = form.email.clone().unwrap_or_default();
    account::request_password_reset(db.inner(), site, &email, &lang)
        .await
        .map_err(account_error)?;
    // The same answer whether or not an account has this address.
    Ok(Either::Left(Redirect::to("/password/forgot/sent")))
}

#[get("/password/forgot/sent")]
fn forgot_sent() -> Page {
    Page::new("account/forgot-sent", json!({}))
}

#[get("/password/reset/<token>")]
async fn reset_page(token: &str, db: &State<DatabaseConnection>) -> Result<Page> {
    if !account::reset_link_is_valid(db.inner(), token).await? {
        return Ok(Page::error(Status::NotFound, "reset-link-invalid"));
    }
    Ok(Page::new(
        "account/reset",
        json!({ "token": token, "errors": {} }),
    ))
}

#[derive(Debug, FromForm)]
struct ResetForm {
    csrf: Option<String>,
    new_password: Option<String>,
}

#[post("/password/reset/<token>", data = "<form>")]
async fn reset(
    token: &str,
    form: Form<ResetForm>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    match account::reset_password(
        db.inner(),
        token,
        form.new_password.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(Some(user)) => {
            session::log_in(jar, site, &user);
            Ok(Either::Left(Redirect::to("/dashboard")))
        }
        Ok(None) => Ok(Either::Right(Page::error(
            Status::NotFound,
            "reset-link-invalid",
        ))),
        Err(AccountError::Invalid(errors)) => Ok(Either::Right(
            Page::new("account/reset", json!({ "token": token, "errors": errors }))
                .status(Status::UnprocessableEntity),
        )),
        Err(e) => Err(account_error(e)),
    }
}
