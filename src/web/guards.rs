//! What handlers and pages read from a request: the reader's language, the CSRF token of their
//! forms, where a form was sent from, and the client's address.
//!
//! **Cross-site request forgery**, in one place. Forms on the pages every anonymous visitor shares
//! (the petition page and its sign form, the language switch: `web::cache`) carry no token, so that
//! these pages are the same bytes for everyone and any cache may keep them. Such a form is accepted
//! when the browser says it comes from one of this site's pages (`FormOrigin`): `Sec-Fetch-Site`
//! (`same-origin`, or `none` for what the person did themselves), else `Origin`, else `Referer`,
//! compared with the site's public address or the `Host` the request came to; a request that says
//! nothing of where it comes from is refused. Pages send `Referrer-Policy: same-origin`, so a
//! browser names our own pages and never another site. Every other form (those of people logged
//! in, of accounts and of administration) carries the visitor's token (`verify_csrf`).
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

/// Where a form was sent from, as the browser tells: whether it was one of this site's pages.
pub struct FormOrigin {
    same: bool,
}

impl FormOrigin {
    /// The verdict for these request headers (`public`: the site's public address).
    pub fn judge(
        sec_fetch_site: Option<&str>,
        origin: Option<&str>,
        referer: Option<&str>,
        host: Option<&str>,
        public: Option<&url::Url>,
    ) -> FormOrigin {
        let ours = |url: &str| {
            let Ok(url) = url::Url::parse(url) else {
                return false;
            };
            let origin = url.origin();
            if !origin.is_tuple() {
                return false;
            }
            let Some(public) = public else {
                return false;
            };
            if public.origin() == origin {
                return true;
            }
            // Another name of this site, with the public address's scheme: the Host the request
            // came to (a proxy in front keeps it).
            if url.scheme() != public.scheme() {
                return false;
            }
            let authority = match (url.host_str(), url.port()) {
                (Some(h), Some(p)) => format!("{h}:{p}"),
                (Some(h), None) => h.to_string(),
                _ => return false,
            };
            host.is_some_and(|h| h.eq_ignore_ascii_case(&authority))
        };
        let same = match (sec_fetch_site, origin, referer) {
            (Some(site), _, _) => {
                let site = site.trim();
                site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none")
            }
            // `null`: a sandboxed frame, a data: document, a privacy setting: it says nothing.
            (None, Some(origin), _) if origin.trim() != "null" => ours(origin.trim()),
            (None, _, Some(referer)) => ours(referer.trim()),
            _ => false,
        };
        FormOrigin { same }
    }

    pub fn is_same(&self) -> bool {
        self.same
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for FormOrigin {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let headers = req.headers();
        let public = req
            .rocket()
            .state::<Site>()
            .and_then(|s| s.settings.public_origin.as_ref());
        Outcome::Success(FormOrigin::judge(
            headers.get_one("Sec-Fetch-Site"),
            headers.get_one("Origin"),
            headers.get_one("Referer"),
            headers.get_one("Host"),
            public,
        ))
    }
}

/// Checks a form of the pages every anonymous visitor shares: that the browser sent it from one of
/// this site's pages, or else that it carries the visitor's token (a page rendered for someone
/// logged in, a client that sends no `Origin`).
pub fn verify_public_form(
    jar: &CookieJar<'_>,
    origin: &FormOrigin,
    submitted: Option<&str>,
) -> Result<(), Error> {
    if origin.same {
        return Ok(());
    }
    verify_csrf(jar, submitted.filter(|t| !t.is_empty()))
}

/// The visitor's CSRF token if they have one already (never creates it).
pub fn existing_csrf_token(jar: &CookieJar<'_>) -> Option<String> {
    jar.get_private(CSRF_COOKIE).map(|c| c.value().to_string())
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

#[cfg(test)]
mod tests {
    use super::FormOrigin;

    const SITE: &str = "https://petitions.example.org";

    fn site() -> url::Url {
        url::Url::parse(SITE).unwrap()
    }

    fn same(fetch: Option<&str>, origin: Option<&str>, referer: Option<&str>) -> bool {
        FormOrigin::judge(
            fetch,
            origin,
            referer,
            Some("petitions.example.org"),
            Some(&site()),
        )
        .is_same()
    }

    #[test]
    fn a_browser_saying_the_form_is_ours_is_believed() {
        assert!(same(Some("same-origin"), Some(SITE), None));
        assert!(same(Some("same-origin"), None, None));
        assert!(same(Some("none"), None, None));
        assert!(same(None, Some(SITE), None));
        assert!(same(
            None,
            None,
            Some("https://petitions.example.org/o/x/y?lang=fr")
        ));
        // Another name of the site, with its scheme: the Host the request came to.
        assert!(
            FormOrigin::judge(
                None,
                Some("https://signons.internal:8443"),
                None,
                Some("signons.internal:8443"),
                Some(&site())
            )
            .is_same()
        );
    }

    #[test]
    fn another_site_or_no_word_at_all_is_refused() {
        assert!(!same(
            Some("cross-site"),
            Some("https://evil.example"),
            None
        ));
        // Sec-Fetch-Site wins over a matching Origin, and a sibling site is another site.
        assert!(!same(Some("cross-site"), Some(SITE), None));
        assert!(!same(
            Some("same-site"),
            Some("https://blog.example.org"),
            None
        ));
        assert!(!same(None, Some("https://evil.example"), None));
        assert!(
            !same(None, Some("http://petitions.example.org"), None),
            "another scheme"
        );
        assert!(
            !same(None, Some("https://petitions.example.org:8443"), None),
            "another port"
        );
        assert!(!same(None, Some("null"), None));
        assert!(!same(None, Some("null"), Some("https://evil.example/")));
        assert!(!same(
            None,
            None,
            Some("https://evil.example/petitions.example.org/")
        ));
        assert!(!same(None, None, Some("not a url")));
        assert!(!same(None, None, None));
    }
}
