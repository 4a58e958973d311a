//! The sign widget other sites frame (issue 12): `/petitions/<id>/embed` shows a petition's title,
//! count and progress, its sign form and a link to the full page, in a page of its own made for a
//! frame, the only one the security headers let another site frame (`headers::allow_framing`).
//!
//! - **No cookies.** In a third-party frame, the CSRF cookie (SameSite=Lax) is not sent with the
//!   form's POST, and browsers may block such cookies altogether. The widget reads and sets none:
//!   its form carries a stateless token (`domain::signing::embed_token`), and its language comes
//!   from `?lang=` (the host site's choice), else Accept-Language, else the instance's default; it
//!   shows the petition's version in that language when there is one.
//! - **One path.** A signature from the widget goes through `sign::submit`, like one from the
//!   petition's page: honeypot, proof of work (bound to the widget's token, from its own challenge
//!   address), abuse limits, checks, group commit, confirmation mail.
//! - **Caching.** The widget and its "check your mailbox" page are the same bytes for everyone in
//!   one language for an hour (the token's expiry is rounded), so browsers and proxies may keep them
//!   a minute; a refused form shows what was typed and is kept by nobody.
use std::io::Cursor;
use std::net::IpAddr;
use std::sync::Arc;

use rocket::form::Form;
use rocket::http::{ContentType, Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Redirect, Responder, Response};
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::cache::PageCache;
use super::headers;
use super::page::Page;
use super::sign::{self, NoStore, SignForm, Signer, Submitted};
use crate::Site;
use crate::domain::abuse::proof_of_work;
use crate::domain::petitions::petition::Located;
use crate::domain::petitions::translations;
use crate::domain::signing::embed_token;
use crate::domain::signing::signature::{FieldErrors, FieldRule, SignatureFields, SignatureInput};
use crate::domain::signing::signing_queue::SigningQueue;
use crate::error::{Error, Result};
use crate::i18n::{self, Lang};

pub fn routes() -> Vec<Route> {
    routes![widget, sign_form, signed, challenge]
}

/// The widget's language: `?lang=` when it names one we ship (`fr`, `en`…), else Accept-Language,
/// else the instance's default; never the `lang` cookie, which a frame does not get anyway. It
/// becomes the request's language (`guards::request_lang`) for the page and the signer's mail.
pub struct EmbedLang(pub Lang);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for EmbedLang {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let asked = req
            .query_value::<&str>("lang")
            .and_then(|v| v.ok())
            .filter(|v| v.len() <= 16 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        let header = req.headers().get_one("Accept-Language");
        let wanted = match (asked, header) {
            (Some(asked), Some(header)) => Some(format!("{asked}, {header}")),
            (Some(asked), None) => Some(asked.to_string()),
            (None, header) => header.map(str::to_string),
        };
        let default = req.rocket().state::<Site>().map_or_else(
            || i18n::SOURCE_LANGUAGE.to_string(),
            |s| s.live.get().default_language.clone(),
        );
        let lang = i18n::negotiate(None, wanted.as_deref(), &default);
        // The first value kept is the request's language for the rest of it.
        let kept = req.local_cache(|| lang.clone()).clone();
        Outcome::Success(EmbedLang(kept))
    }
}

/// A page of the widget: framable by any site, setting no cookie. `shared`: the same bytes for
/// everyone (in its language), which caches may keep a minute.
struct Framed {
    page: Page,
    shared: bool,
}

impl<'r> Responder<'r, 'static> for Framed {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        // Rendered as for an anonymous visitor, with no CSRF token: nothing reads or sets a cookie.
        let body = match self.page.render_shared(req) {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(template = self.page.template(), error = %e, "cannot render the widget");
                return e.respond_to(req);
            }
        };
        headers::allow_framing(req);
        let cache_control = if self.shared {
            "public, max-age=60"
        } else {
            "private, no-store"
        };
        Response::build()
            .status(self.page.status_code())
            .header(ContentType::HTML)
            .header(Header::new("Cache-Control", cache_control))
            .header(Header::new("Vary", "Accept-Language"))
            .sized_body(body.len(), Cursor::new(body))
            .ok()
    }
}

/// The height, in pixels, the editor's snippet gives the frame: enough for the form with the
/// fields the petition asks, on a phone.
pub fn frame_height(fields: &SignatureFields) -> u32 {
    let asked = [
        fields.phone,
        fields.postal_code,
        fields.city,
        fields.country,
        fields.organization,
    ]
    .iter()
    .filter(|rule| **rule != FieldRule::Off)
    .count() as u32;
    let comment = if fields.comment == FieldRule::Off {
        0
    } else {
        110
    };
    800 + 80 * asked + comment
}

/// The widget's page: the petition's figures and its form, or why it cannot be signed.
fn widget_page(
    site: &Site,
    located: &Located,
    lang: &Lang,
    values: &SignatureInput,
    errors: &FieldErrors,
) -> Page {
    let id = located.petition.id;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = embed_token::issue(&site.keys.embed, id, now);
    // The petition's version in the widget's language when it has one (F4.8).
    let shown = translations::for_reader(located, None, lang);
    Page::new(
        "embed/show",
        json!({
            "petition": shown.view(site.settings.public_url()),
            "proof_of_work": proof_of_work::ASKED_IN_FRAME,
            "pow_url": format!("/petitions/{id}/embed/challenge?token={token}"),
            "action": format!("/petitions/{id}/embed/sign?lang={}", lang.code()),
            "token": token,
            "values": values,
            "errors": errors,
        }),
    )
}

/// The petition of a widget, as recent as the page cache's; a 404 unless the public may see it.
async fn public_petition(
    cache: &PageCache,
    db: &DatabaseConnection,
    id: i32,
) -> Result<Arc<Located>> {
    cache
        .petition(db, id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)
}

/// The petition of a widget's page, or the page that says it is gone: a widget still framed on
/// another site after its petition was unpublished, hidden or deleted answers 404 with a page that
/// site can show, instead of the site's error page, which no other site may frame.
async fn framed_petition(
    cache: &PageCache,
    db: &DatabaseConnection,
    id: i32,
) -> Result<std::result::Result<Arc<Located>, Framed>> {
    match public_petition(cache, db, id).await {
        Ok(located) => Ok(Ok(located)),
        Err(Error::NotFound) => Ok(Err(Framed {
            page: Page::new("embed/gone", json!({})).status(Status::NotFound),
            shared: true,
        })),
        Err(e) => Err(e),
    }
}

#[get("/petitions/<id>/embed")]
async fn widget(
    id: i32,
    lang: EmbedLang,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Framed> {
    let located = match framed_petition(cache, db, id).await? {
        Ok(located) => located,
        Err(gone) => return Ok(gone),
    };
    Ok(Framed {
        page: widget_page(
            site,
            &located,
            &lang.0,
            &SignatureInput::default(),
            &FieldErrors::new(),
        ),
        shared: true,
    })
}

#[post("/petitions/<id>/embed/sign", data = "<form>")]
#[allow(clippy::too_many_arguments)]
async fn sign_form(
    id: i32,
    lang: EmbedLang,
    form: Form<SignForm>,
    ip: Option<IpAddr>,
    cache: &State<PageCache>,
    queue: &State<SigningQueue>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Framed>> {
    let located = match framed_petition(cache, db, id).await? {
        Ok(located) => located,
        Err(gone) => return Ok(Either::Right(gone)),
    };
    let refused = |errors: FieldErrors, status: Status| {
        let page = widget_page(site, &located, &lang.0, &form.input(), &errors).status(status);
        Ok(Either::Right(Framed {
            page,
            shared: false,
        }))
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let token = form.csrf.as_deref();
    if let Err(why) = embed_token::verify(&site.keys.embed, id, token, now) {
        let errors = FieldErrors::from([("form", why.message_key())]);
        return refused(errors, Status::UnprocessableEntity);
    }
    let signer = Signer {
        ip,
        lang: &lang.0,
        proof_asked: proof_of_work::ASKED_IN_FRAME,
    };
    let token = token.unwrap_or_default();
    match sign::submit(&form, token, &located, signer, queue, db, site).await? {
        Submitted::Done => Ok(Either::Left(Redirect::to(format!(
            "/petitions/{id}/embed/signed?lang={}",
            lang.0.code()
        )))),
        Submitted::Refused(errors, status) => refused(errors, status),
    }
}

/// "Check your mailbox", inside the frame: the same for every signer.
#[get("/petitions/<id>/embed/signed")]
async fn signed(
    id: i32,
    lang: EmbedLang,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Framed> {
    let located = match framed_petition(cache, db, id).await? {
        Ok(located) => located,
        Err(gone) => return Ok(gone),
    };
    Ok(Framed {
        page: Page::new(
            "embed/signed",
            json!({ "petition": translations::for_reader(&located, None, &lang.0).view(site.settings.public_url()) }),
        ),
        shared: true,
    })
}

/// A proof-of-work challenge for the widget's form (`static/pow.js`), bound to the widget's token
/// as the petition page's challenges are bound to the visitor's CSRF token. Never cached.
#[get("/petitions/<id>/embed/challenge?<token>")]
async fn challenge(
    id: i32,
    token: Option<&str>,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<NoStore<Json<serde_json::Value>>> {
    public_petition(cache, db, id).await?;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if embed_token::verify(&site.keys.embed, id, token, now).is_err() {
        return Err(Error::NotFound);
    }
    Ok(NoStore(Json(json!({
        "challenge": proof_of_work::challenge(&site.keys.proof_of_work, id, token.unwrap_or_default()),
        "bits": site.settings.proof_of_work_bits,
    }))))
}
