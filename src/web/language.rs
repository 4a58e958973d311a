//! The language switch (F7.2): a plain form, so it works without JavaScript; the choice is kept
//! in a cookie.
use rocket::form::{Form, FromForm};
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::response::Redirect;
use rocket::{Route, post, routes};

use super::guards::{LANG_COOKIE, local_path, verify_csrf};
use crate::error::Result;
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![switch]
}

#[derive(Debug, FromForm)]
struct LanguageForm {
    csrf: Option<String>,
    lang: Option<String>,
    next: Option<String>,
}

#[post("/language", data = "<form>")]
fn switch(form: Form<LanguageForm>, jar: &CookieJar<'_>) -> Result<Redirect> {
    verify_csrf(jar, form.csrf.as_deref())?;
    if let Some(lang) = form.lang.as_deref().and_then(Lang::shipped) {
        jar.add(
            Cookie::build((LANG_COOKIE, lang.code()))
                .path("/")
                .same_site(SameSite::Lax)
                .max_age(rocket::time::Duration::days(365)),
        );
    }
    Ok(Redirect::to(local_path(form.next.as_deref())))
}
