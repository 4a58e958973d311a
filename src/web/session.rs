//! Who is logged in: an encrypted `session` cookie naming the account and a fingerprint of its
//! password (a password change ends every other session), checked against the database.
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde::Serialize;

use crate::Site;
use crate::domain::account;
use crate::entity::user;

const SESSION_COOKIE: &str = "session";

/// The logged-in account. As a guard it forwards when nobody is logged in; take
/// `Option<CurrentUser>` in handlers that serve both.
pub struct CurrentUser(pub user::Model);

/// What every page shows of the visitor (the header's account links), read from the cookie alone.
#[derive(Debug, Clone, Serialize)]
pub struct Visitor {
    pub username: String,
    pub is_admin: bool,
}

/// `id:fingerprint:admin-flag:username`.
fn parse(value: &str) -> Option<(i32, &str, bool, &str)> {
    let mut parts = value.splitn(4, ':');
    let id = parts.next()?.parse().ok()?;
    let fingerprint = parts.next()?;
    let is_admin = parts.next()? == "a";
    Some((id, fingerprint, is_admin, parts.next()?))
}

pub fn visitor(req: &Request<'_>) -> Option<Visitor> {
    let cookie = req.cookies().get_private(SESSION_COOKIE)?;
    parse(cookie.value()).map(|(_, _, is_admin, username)| Visitor {
        username: username.to_string(),
        is_admin,
    })
}

pub fn log_in(jar: &CookieJar<'_>, site: &Site, user: &user::Model) {
    let admin = if user.is_admin { "a" } else { "-" };
    let value = format!(
        "{}:{}:{admin}:{}",
        user.id,
        account::session_fingerprint(user),
        user.username
    );
    jar.add_private(
        Cookie::build((SESSION_COOKIE, value))
            .path("/")
            .http_only(true)
            .secure(site.settings.public_url().starts_with("https://"))
            .same_site(SameSite::Lax)
            .max_age(rocket::time::Duration::days(30)),
    );
}

pub fn log_out(jar: &CookieJar<'_>) {
    jar.remove_private(Cookie::build(SESSION_COOKIE).path("/"));
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = ();

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(cookie) = req.cookies().get_private(SESSION_COOKIE) else {
            return Outcome::Forward(rocket::http::Status::Unauthorized);
        };
        let Some((id, fingerprint, _, _)) = parse(cookie.value()) else {
            return Outcome::Forward(rocket::http::Status::Unauthorized);
        };
        let Some(db) = req.rocket().state::<DatabaseConnection>() else {
            return Outcome::Error((rocket::http::Status::InternalServerError, ()));
        };
        match user::Entity::find_by_id(id).one(db).await {
            Ok(Some(user)) if account::session_fingerprint(&user) == fingerprint => {
                Outcome::Success(CurrentUser(user))
            }
            Ok(_) => {
                log_out(req.cookies());
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
