//! The language switch (F7.2): a plain form, so it works without JavaScript; the choice is kept
//! in a cookie, and for a logged-in member also in their account (`account::set_language`), which
//! their mail uses and their next login brings back to any browser.
use rocket::form::{Form, FromForm};
use rocket::http::{Cookie, CookieJar, SameSite};
use rocket::response::Redirect;
use rocket::{Route, State, post, routes};
use sea_orm::DatabaseConnection;

use super::guards::{FormOrigin, LANG_COOKIE, local_path, verify_public_form};
use super::session::CurrentUser;
use crate::domain::people::account;
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
async fn switch(
    form: Form<LanguageForm>,
    jar: &CookieJar<'_>,
    origin: FormOrigin,
    user: Option<CurrentUser>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    verify_public_form(jar, &origin, form.csrf.as_deref())?;
    if let Some(lang) = form.lang.as_deref().and_then(Lang::shipped) {
        if let Some(CurrentUser(user)) = user {
            account::set_language(db.inner(), user.id, &lang).await?;
        }
        remember(jar, &lang);
    }
    Ok(Redirect::to(local_path(form.next.as_deref())))
}

/// Keeps `lang` as this browser's language for a year.
pub(super) fn remember(jar: &CookieJar<'_>, lang: &Lang) {
    jar.add(
        Cookie::build((LANG_COOKIE, lang.code()))
            .path("/")
            .same_site(SameSite::Lax)
            .max_age(rocket::time::Duration::days(365)),
    );
}
