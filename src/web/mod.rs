//! The HTTP side: one module per area, each with `routes()`; the guards, the page responder and the
//! security headers they share. Handlers parse, call one domain function, and render.
pub mod account;
pub mod admin;
pub mod anonymization;
pub mod assets;
pub mod cache;
pub mod dashboard;
pub mod digest;
pub mod embed;
pub mod errors;
pub mod feed;
pub mod guards;
pub mod headers;
pub mod language;
pub mod moderation;
pub mod organization;
pub mod outcome;
pub mod page;
pub mod people;
pub mod petition;
pub mod petition_languages;
pub mod petition_templates;
pub mod pictures;
pub mod readiness;
pub mod request_log;
pub mod session;
pub mod sign;
pub mod signatures;
pub mod site_settings;
pub mod statistics;
pub mod translations;
pub mod updates;
pub mod wizard;

use rocket::{Build, Rocket};

/// The route table of Signons.
pub fn mount(rocket: Rocket<Build>) -> Rocket<Build> {
    rocket
        .attach(request_log::RequestLog)
        .attach(headers::SecurityHeaders)
        .attach(cache::Caching)
        .mount("/", petition::routes())
        .mount("/", feed::routes())
        .mount("/", sign::routes())
        .mount("/", embed::routes())
        .mount("/", account::routes())
        .mount("/", admin::routes())
        .mount("/", moderation::routes())
        .mount("/", people::routes())
        .mount("/", site_settings::routes())
        .mount("/", translations::routes())
        .mount("/", updates::routes())
        .mount("/", anonymization::routes())
        .mount("/", digest::routes())
        .mount("/", outcome::routes())
        .mount("/", dashboard::routes())
        .mount("/", petition_languages::routes())
        .mount("/", organization::routes())
        .mount("/", signatures::routes())
        .mount("/", statistics::routes())
        .mount("/", wizard::routes())
        .mount("/", petition_templates::routes())
        .mount("/", language::routes())
        .mount("/", assets::routes())
        .mount("/", pictures::routes())
        .register("/", errors::catchers())
}
