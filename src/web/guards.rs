//! What handlers and pages read from a request: the reader's language, the CSRF token of their
//! forms, and the client's address.
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::request::{FromRequest, Outcome, Request};
use subtle::ConstantTimeEq;

use crate::Site;
use crate::error::Error;
use crate::i18n::{self, Lang};

pub const LANG_COOKIE: &str = "lang";
const CSRF_COOKIE: &str = "csrf";

/// The language of this request: the reader's choice (cookie), else Accept-Language, else the
/// instance default. Computed once per request.
pub fn request_lang(req: &Request<'_>) -> Lang {
    req.local_cache(|| {
        let default = req.rocket().state::<Site>().map_or_else(
            || i18n::SOURCE_LANGUAGE.to_string(),
            |s| s.live.get().default_language.clone(),
        );
        let cookie = req
            .cookies()
            .get(LANG_COOKIE)
            .map(|c| c.value().to_string());
        i18n::negotiate(
            cookie.as_deref(),
            req.headers().get_one("Accept-Language"),
            &default,
        )
    })
    .clone()
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Lang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(request_lang(req))
    }
}

/// The CSRF token for this visitor's forms, kept in an encrypted cookie and created on first need.
pub fn csrf_token(req: &Request<'_>) -> String {
    req.local_cache(|| {
        let jar = req.cookies();
        if let Some(existing) = jar.get_private(CSRF_COOKIE) {
            return existing.value().to_string();
        }
        let token = crate::domain::token::generate();
        let secure = req
            .rocket()
            .state::<Site>()
            .is_some_and(|s| s.settings.public_url().starts_with("https://"));
        jar.add_private(
            Cookie::build((CSRF_COOKIE, token.clone()))
                .path("/")
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Lax),
        );
        token
    })
    .clone()
}

/// The visitor's CSRF token as a request guard (created on first need), for what is bound to
/// their forms.
pub struct FormToken(pub String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for FormToken {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(FormToken(csrf_token(req)))
    }
}

/// Checks a submitted form's token against the visitor's cookie, in constant time.
pub fn verify_csrf(jar: &CookieJar<'_>, submitted: Option<&str>) -> Result<(), Error> {
    let expected = jar.get_private(CSRF_COOKIE).ok_or(Error::Csrf)?;
    let submitted = submitted.ok_or(Error::Csrf)?;
    if bool::from(expected.value().as_bytes().ct_eq(submitted.as_bytes())) {
        Ok(())
    } else {
        Err(Error::Csrf)
    }
}

/// A local path to send the reader back to: `/…` only, never `//host`, a full URL, or anything with
/// a control character (a tab or line break would be dropped by browsers, and cannot go in a header).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}
