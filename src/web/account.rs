//! Accounts (F3.1): register (then verify the address through the mailed link), log in and out
//! (here or everywhere), change the password, reset a forgotten one by mail, change the address
//! (confirmed from the new mailbox). Attempt limits are asked of `domain::abuse::attempts`.
use std::net::IpAddr;

use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::guards::{FormToken, local_path, verify_csrf};
use super::page::Page;
use super::session::{self, CurrentUser};
use crate::Site;
use crate::domain::abuse::attempts;
use crate::domain::abuse::proof_of_work::{self, Proof};
use crate::domain::administration::site_settings::Registration;
use crate::domain::people::account::{self, AccountError, FieldErrors};
use crate::domain::people::permission;
use crate::entity::user;
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    // Before the dashboard's publish (rank -5, Rocket's default for its path): it forwards for
    // verified accounts.
    let mut first = routes![publish_unverified];
    for route in &mut first {
        route.rank = -20;
    }
    first.extend(routes![
        register_page,
        register_challenge,
        register,
        register_sent,
        verify_page,
        verify,
        resend_verification,
        logout_everywhere,
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
    ]);
    first
}

fn account_error(e: AccountError) -> Error {
    match e {
        AccountError::Database(e) => Error::Database(e),
        AccountError::Template(e) => Error::Template(e),
        AccountError::Hash(e) => Error::Internal(e.to_string()),
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
    /// Hidden from people; a robot that fills every field fills it.
    website: Option<String>,
    /// The proof of work our script solved, when the instance asks for one.
    pow_challenge: Option<String>,
    pow_nonce: Option<String>,
}

/// The proof of work of the registration form is bound to this "petition": none.
const REGISTRATION_FORM: i32 = 0;

/// Why `/register` is refused to someone without an invitation, in the words of the settings.
fn registration_refused(site: &Site) -> Page {
    let message = match site.live.get().registration {
        Registration::InvitationOnly => "registration-invitation-only",
        _ => "registration-closed",
    };
    Page::new("account/registration_closed", json!({ "message": message }))
        .status(Status::Forbidden)
}

#[get("/register?<next>")]
async fn register_page(
    next: Option<&str>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let next = local_path(next);
    if !permission::may_register(db.inner(), site.live.get().registration, &next).await? {
        return Ok(registration_refused(site));
    }
    Ok(Page::new(
        "account/register",
        json!({
            "values": {},
            "errors": {},
            "next": next,
            "proof_of_work": site.settings.proof_of_work,
        }),
    ))
}

/// A proof-of-work challenge for this visitor's registration form, when the instance asks for one
/// (`static/pow.js` fetches and solves it).
#[get("/register/challenge")]
fn register_challenge(
    token: FormToken,
    site: &State<Site>,
) -> Result<(rocket::http::ContentType, String)> {
    if !site.settings.proof_of_work {
        return Err(Error::NotFound);
    }
    let challenge = proof_of_work::challenge(&site.keys.proof_of_work, REGISTRATION_FORM, &token.0);
    let body = json!({ "challenge": challenge, "bits": site.settings.proof_of_work_bits });
    Ok((rocket::http::ContentType::JSON, body.to_string()))
}

#[post("/register", data = "<form>")]
async fn register(
    form: Form<RegisterForm>,
    jar: &CookieJar<'_>,
    ip: Option<IpAddr>,
    lang: Lang,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let next = local_path(form.next.as_deref());
    if !permission::may_register(db.inner(), site.live.get().registration, &next).await? {
        return Ok(Either::Right(registration_refused(site)));
    }
    let encoded = url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
    // The same answer whether an account was made, the address was taken, or a robot was caught.
    let sent = Redirect::to(format!("/register/sent?next={encoded}"));
    if form.website.as_deref().is_some_and(|w| !w.is_empty()) {
        return Ok(Either::Left(sent));
    }
    let (username, email) = (
        form.username.clone().unwrap_or_default(),
        form.email.clone().unwrap_or_default(),
    );
    let again = |message: &'static str| {
        Either::Right(
            Page::new(
                "account/register",
                json!({
                    "values": { "username": username, "email": email },
                    "errors": { "form": message },
                    "next": next,
                    "proof_of_work": site.settings.proof_of_work,
                }),
            )
            .status(Status::UnprocessableEntity),
        )
    };
    // With the instance's proof of work on, a solved puzzle counts once; a form sent without one
    // (JavaScript off) is taken under a third of the limit.
    let proof = proof_of_work::check(
        &site.keys.proof_of_work,
        site.settings.proof_of_work_bits,
        site.settings.proof_of_work,
        REGISTRATION_FORM,
        form.csrf.as_deref().unwrap_or_default(),
        form.pow_challenge.as_deref(),
        form.pow_nonce.as_deref(),
    );
    let mut per_hour = site.settings.registrations_per_ip_per_hour;
    match proof {
        Err(refused) => return Ok(again(refused.message_key())),
        Ok(Proof::Solved(fingerprint)) => {
            if !proof_of_work::spend_now(db.inner(), &fingerprint).await? {
                return Ok(again("pow-replayed"));
            }
        }
        Ok(Proof::Unsolved) => per_hour = Ord::max(per_hour / 3, 1),
        Ok(Proof::NotAsked) => {}
    }
    if !attempts::allow_registration(db.inner(), &site.keys, per_hour, ip).await? {
        return Ok(Either::Right(Page::error(
            Status::TooManyRequests,
            "register-too-many",
        )));
    }
    match account::register(
        db.inner(),
        site,
        &username,
        &email,
        form.password.as_deref().unwrap_or_default(),
        &lang,
    )
    .await
    {
        Ok(()) => Ok(Either::Left(sent)),
        Err(AccountError::Invalid(errors)) => Ok(Either::Right(
            Page::new(
                "account/register",
                json!({
                    "values": { "username": username, "email": email },
                    "errors": errors,
                    "next": next,
                    "proof_of_work": site.settings.proof_of_work,
                }),
            )
            .status(Status::UnprocessableEntity),
        )),
        Err(e) => Err(account_error(e)),
    }
}

#[get("/register/sent?<next>")]
fn register_sent(next: Option<&str>) -> Page {
    Page::new("account/register-sent", json!({ "next": local_path(next) }))
}

/// The link of the welcome mail: a page with a button, so that a mail scanner opening it verifies
/// nothing.
#[get("/account/verify/<token>")]
async fn verify_page(token: &str, db: &State<DatabaseConnection>) -> Result<Page> {
    match account::pending_verification(db.inner(), token).await? {
        Some(user) => Ok(Page::new(
            "account/verify",
            json!({ "token": token, "username": user.username, "email": user.email }),
        )),
        None => Ok(Page::error(Status::NotFound, "verify-link-invalid")),
    }
}

#[post("/account/verify/<token>", data = "<form>", rank = 2)]
async fn verify(
    token: &str,
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Page> {
    verify_csrf(jar, form.csrf.as_deref())?;
    match account::verify_email(db.inner(), token).await? {
        Some(user) => Ok(Page::new(
            "account/verified",
            json!({ "username": user.username, "email": user.email }),
        )),
        None => Ok(Page::error(Status::NotFound, "verify-link-invalid")),
    }
}

/// What an account whose address is not verified sees where it tried to publish: why not, and a
/// button that mails the link again.
pub(super) fn verify_needed(user: &user::Model) -> Page {
    Page::new(
        "account/verify-needed",
        json!({ "email": user.email, "resent": false }),
    )
    .status(Status::Forbidden)
}

#[post("/account/verify/resend", data = "<form>", rank = 1)]
async fn resend_verification(
    form: Form<CsrfOnly>,
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
    account::resend_verification(db.inner(), site, &user, &lang)
        .await
        .map_err(account_error)?;
    Ok(Either::Left(Page::new(
        "account/verify-needed",
        json!({ "email": user.email, "resent": true }),
    )))
}

/// Tried before the dashboard's publish button when the address is not verified: the page says why
/// (the domain refuses anyway, `domain::people::permission::may_publish`). Verified accounts go on.
#[post("/petitions/<_id>/publish")]
fn publish_unverified(_id: i32, user: session::UnverifiedUser) -> Page {
    verify_needed(&user.0)
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
    let password = form.password.as_deref().unwrap_or_default();
    if crate::domain::text::has_control(&login) || crate::domain::text::has_control(password) {
        return Ok(Either::Right(again(
            crate::domain::text::CONTROL_CHARACTERS,
            Status::UnprocessableEntity,
        )));
    }
    let known = session::known_device(jar, &login);
    let per_minute = site.settings.login_attempts_per_minute;
    if !attempts::allow_login(db.inner(), &site.keys, per_minute, ip, &login, known).await? {
        return Ok(Either::Right(again(
            "login-too-many",
            Status::TooManyRequests,
        )));
    }
    match account::authenticate(db.inner(), &login, password).await? {
        // Said only to whoever gave the right password: nobody else learns of the block.
        Some(user) if user.blocked_at.is_some() => {
            Ok(Either::Right(again("login-blocked", Status::Forbidden)))
        }
        Some(user) => {
            attempts::login_succeeded(db.inner(), &site.keys, ip, &login).await?;
            session::log_in(jar, site, db.inner(), &user, &login).await?;
            // The language the member chose, on whatever browser they chose it.
            if let Some(lang) = user.locale.as_deref().and_then(Lang::shipped) {
                super::language::remember(jar, &lang);
            }
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
async fn logout(
    form: Form<CsrfOnly>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    session::log_out(jar, db.inner()).await?;
    Ok(Redirect::to("/"))
}

/// Ends every session of the account, this browser's included (a lost phone, a shared computer).
#[post("/account/logout-everywhere", data = "<form>")]
async fn logout_everywhere(
    form: Form<CsrfOnly>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    if let Some(CurrentUser(user)) = user {
        crate::domain::people::session::close_all(db.inner(), user.id).await?;
    }
    session::log_out(jar, db.inner()).await?;
    Ok(Redirect::to("/"))
}

#[get("/account")]
fn account_page(user: Option<CurrentUser>) -> Either<Page, Redirect> {
    match user {
        Some(CurrentUser(user)) => Either::Left(Page::new(
            "account/settings",
            json!({ "account": account_values(&user), "errors": {}, "done": null }),
        )),
        None => Either::Right(login_redirect("/account")),
    }
}

/// What the account page shows of the account.
fn account_values(user: &user::Model) -> serde_json::Value {
    json!({ "username": user.username, "email": user.email, "email_verified": user.email_verified })
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
    let account = account_values(&user);
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
            // Every session ended with the old password: this browser gets a fresh one.
            session::log_in(jar, site, db.inner(), &updated, &updated.username).await?;
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
    let account = account_values(&user);
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
    let departure = crate::domain::people::organization::departure(db, user).await?;
    let personal = crate::domain::petitions::dashboard::personal_petitions(db, user).await?;
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
            session::log_out(jar, db.inner()).await?;
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
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let per_minute = site.settings.login_attempts_per_minute;
    if !attempts::allow_reset(db.inner(), &site.keys, per_minute, ip).await? {
        return Ok(Either::Right(Page::error(
            Status::TooManyRequests,
            "login-too-many",
        )));
    }
    let email = form.email.clone().unwrap_or_default();
    match account::request_password_reset(db.inner(), site, &email, &lang).await {
        Ok(()) => {}
        Err(AccountError::Invalid(errors)) => {
            return Ok(Either::Right(
                Page::new("account/forgot", json!({ "errors": errors }))
                    .status(Status::UnprocessableEntity),
            ));
        }
        Err(e) => return Err(account_error(e)),
    }
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
            session::log_in(jar, site, db.inner(), &user, &user.username).await?;
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
