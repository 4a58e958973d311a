//! Catchers: every error status Rocket produces by itself (unknown URL, oversized or malformed body)
//! gets the same translated error page as the errors of handlers.
use rocket::http::Status;
use rocket::{Catcher, Request, catch, catchers};

use super::page::Page;

#[catch(default)]
fn any(status: Status, _req: &Request<'_>) -> Page {
    let message = match status.code {
        404 => "error-not-found",
        413 => "error-too-large",
        400 | 422 => "error-bad-request",
        403 => "error-csrf",
        _ if status.code < 500 => "error-bad-request",
        _ => "error-internal",
    };
    Page::error(status, message)
}

pub fn catchers() -> Vec<Catcher> {
    catchers![any]
}
