//! Who is logged in: an encrypted `session` cookie carrying a random session token (and, for the
//! header, the username and admin flag), checked against the `sessions` table on every request
//! (`domain::people::session`), so that logging out on one instance ends the session on all of them. A
//! second cookie, `known`, remembers which account this browser logged in to: such a browser is
//! not held back by the per-account login limit (`domain::abuse::attempts`).
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::Site;
use crate::domain::{abuse::attempts, people::session};
use crate::entity::user;

const SESSION_COOKIE: &str = "session";
const KNOWN_DEVICE_COOKIE: &str = "known";

/// The logged-in account. As a guard it forwards when nobody is logged in; take
/// `Option<CurrentUser>` in handlers that serve both.
pub struct CurrentUser(pub user::Model);

/// What every page shows of the visitor (the header's account links), read from the cookie alone.
#[derive(Debug, Clone, Serialize)]
pub struct Visitor {
    pub username: String,
    pub is_admin: bool,
}

/// `token:admin-flag:username`.
fn parse(value: &str) -> Option<(&str, bool, &str)> {
    let mut parts = value.splitn(3, ':');
    let token = parts.next()?;
    let is_admin = parts.next()? == "a";
    Some((token, is_admin, parts.next()?))
}

pub fn visitor(req: &Request<'_>) -> Option<Visitor> {
    let cookie = req.cookies().get_private(SESSION_COOKIE)?;
    parse(cookie.value()).map(|(_, is_admin, username)| Visitor {
        username: username.to_string(),
        is_admin,
    })
}

fn secure(site: &Site) -> bool {
    site.settings.public_url().starts_with("https://")
}

/// Opens a session for `user` in this browser, and remembers the browser as one of theirs.
pub async fn log_in(
    jar: &CookieJar<'_>,
    site: &Site,
    db: &DatabaseConnection,
    user: &user::Model,
    login: &str,
) -> Result<(), sea_orm::DbErr> {
    let token = session::open(db, user).await?;
    let admin = if user.is_admin { "a" } else { "-" };
    let lifetime = rocket::time::Duration::seconds(session::LIFETIME.whole_seconds());
    jar.add_private(
        Cookie::build((SESSION_COOKIE, format!("{token}:{admin}:{}", user.username)))
            .path("/")
            .http_only(true)
            .secure(secure(site))
            .same_site(SameSite::Lax)
            .max_age(lifetime),
    );
    jar.add_private(
        Cookie::build((KNOWN_DEVICE_COOKIE, attempts::account_key(login)))
            .path("/login")
            .http_only(true)
            .secure(secure(site))
            .same_site(SameSite::Strict)
            .max_age(rocket::time::Duration::days(365)),
    );
    Ok(())
}

/// Whether this browser logged in to the account named `login` before.
pub fn known_device(jar: &CookieJar<'_>, login: &str) -> bool {
    jar.get_private(KNOWN_DEVICE_COOKIE)
        .is_some_and(|c| c.value() == attempts::account_key(login))
}

/// Ends this browser's session, on the server too.
pub async fn log_out(jar: &CookieJar<'_>, db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    if let Some(cookie) = jar.get_private(SESSION_COOKIE)
        && let Some((token, _, _)) = parse(cookie.value())
    {
        session::close(db, token).await?;
    }
    forget(jar);
    Ok(())
}

/// Removes the session cookie (the session itself is gone or never was).
fn forget(jar: &CookieJar<'_>) {
    jar.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(cookie) = req.cookies().get_private(SESSION_COOKIE) else {
            return Outcome::Forward(rocket::http::Status::Unauthorized);
        };
        let Some((token, _, _)) = parse(cookie.value()) else {
            return Outcome::Forward(rocket::http::Status::Unauthorized);
        };
        let Some(db) = req.rocket().state::<DatabaseConnection>() else {
            return Outcome::Error((rocket::http::Status::InternalServerError, ()));
        };
        match session::account(db, token).await {
            Ok(Some(user)) => Outcome::Success(CurrentUser(user)),
            Ok(None) => {
                forget(req.cookies());
                Outcome::Forward(rocket::http::Status::Unauthorized)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot load the session's account");
                Outcome::Error((rocket::http::Status::InternalServerError, ()))
            }
        }
    }
}

/// The logged-in member, or a 404 for anyone else: routes that act for a member reveal nothing to
/// outsiders.
pub fn require(user: Option<CurrentUser>) -> crate::error::Result<CurrentUser> {
    user.ok_or(crate::error::Error::NotFound)
}

/// The logged-in member whose address is not verified yet; forwards for everyone else, so that a
/// route taking it can stand before the ordinary one and explain a refusal.
pub struct UnverifiedUser(pub user::Model);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for UnverifiedUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match CurrentUser::from_request(req).await {
            Outcome::Success(CurrentUser(user)) if !user.email_verified => {
                Outcome::Success(UnverifiedUser(user))
            }
            Outcome::Success(_) => Outcome::Forward(rocket::http::Status::Ok),
            Outcome::Forward(status) => Outcome::Forward(status),
            Outcome::Error(e) => Outcome::Error(e),
        }
    }
}
