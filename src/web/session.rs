//! Who is logged in: an encrypted `session` cookie carrying a random session token (and, for the
//! header, the username and the administration pages it links to), checked against the `sessions`
//! table on every request (`domain::people::session`), so that logging out on one instance ends the
//! session on all of them. A second cookie, `known`, remembers which account this browser logged in to: such a browser is
//! not held back by the per-account login limit (`domain::abuse::attempts`).
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use sea_orm::DatabaseConnection;
use serde::Serialize;

use crate::Site;
use crate::domain::abuse::attempts;
use crate::domain::people::{permission, session};
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
    pub links: AdminLinks,
}

/// The instance's administration pages the header links to: those `permission` let the account
/// open when its session began (a role given or taken since shows at the next login; the pages
/// themselves ask `permission` on every request).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AdminLinks {
    /// `/admin/mail`.
    pub mail: bool,
    /// `/admin/moderation`.
    pub moderation: bool,
    /// `/admin/users`.
    pub people: bool,
    /// `/admin/log`.
    pub log: bool,
    /// `/admin/settings`.
    pub settings: bool,
}

impl AdminLinks {
    pub fn of(user: &user::Model) -> AdminLinks {
        AdminLinks {
            mail: permission::may_manage_mail(user),
            moderation: permission::may_moderate(user),
            people: permission::may_manage_people(user),
            log: permission::may_read_audit_log(user),
            settings: permission::may_change_settings(user),
        }
    }

    /// The links as the cookie keeps them: their names, comma-separated, or `-` for none.
    fn encode(self) -> String {
        let names: Vec<&str> = [
            (self.mail, "mail"),
            (self.moderation, "moderation"),
            (self.people, "people"),
            (self.log, "log"),
            (self.settings, "settings"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if names.is_empty() {
            "-".into()
        } else {
            names.join(",")
        }
    }

    fn decode(field: &str) -> AdminLinks {
        // Sessions opened before the cookie named its links said `a` for an administrator, whose
        // header then showed these three.
        if field == "a" {
            return AdminLinks {
                mail: true,
                moderation: true,
                people: true,
                log: false,
                settings: false,
            };
        }
        let mut links = AdminLinks::default();
        for name in field.split(',') {
            match name {
                "mail" => links.mail = true,
                "moderation" => links.moderation = true,
                "people" => links.people = true,
                "log" => links.log = true,
                "settings" => links.settings = true,
                _ => {}
            }
        }
        links
    }
}

/// The session cookie's value for `user`: `token:links:username`.
pub fn cookie_value(token: &str, user: &user::Model) -> String {
    format!(
        "{token}:{}:{}",
        AdminLinks::of(user).encode(),
        user.username
    )
}

/// `token:links:username`.
fn parse(value: &str) -> Option<(&str, AdminLinks, &str)> {
    let mut parts = value.splitn(3, ':');
    let token = parts.next()?;
    let links = AdminLinks::decode(parts.next()?);
    Some((token, links, parts.next()?))
}

pub fn visitor(req: &Request<'_>) -> Option<Visitor> {
    let cookie = req.cookies().get_private(SESSION_COOKIE)?;
    parse(cookie.value()).map(|(_, links, username)| Visitor {
        username: username.to_string(),
        links,
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
    let lifetime = rocket::time::Duration::seconds(session::LIFETIME.whole_seconds());
    jar.add_private(
        Cookie::build((SESSION_COOKIE, cookie_value(&token, user)))
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

#[cfg(test)]
mod tests {
    use super::{AdminLinks, parse};

    #[test]
    fn the_cookie_gives_back_the_links_it_was_written_with() {
        let moderator = AdminLinks {
            moderation: true,
            ..AdminLinks::default()
        };
        let all = AdminLinks {
            mail: true,
            moderation: true,
            people: true,
            log: true,
            settings: true,
        };
        for links in [AdminLinks::default(), moderator, all] {
            let value = format!("token:{}:ana", links.encode());
            assert_eq!(parse(&value), Some(("token", links, "ana")));
        }
        // Whatever follows the second separator is the username.
        assert_eq!(
            parse("token:-:a:b"),
            Some(("token", AdminLinks::default(), "a:b"))
        );
    }

    #[test]
    fn a_session_opened_before_the_cookie_named_its_links_keeps_its_header() {
        let (_, links, _) = parse("token:a:root").expect("parsed");
        assert!(links.mail && links.moderation && links.people && !links.log);
        let (_, links, _) = parse("token:-:ana").expect("parsed");
        assert_eq!(links, AdminLinks::default());
    }
}
