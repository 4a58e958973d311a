//! Signing and confirming (F2): the sign form's POST, the "check your mailbox" page, the
//! confirmation link and the withdrawal link (F2.5), which each only show a button (GET) until that
//! button is pressed (POST).
use std::net::IpAddr;

use rocket::form::{Form, FromForm};
use rocket::http::{CookieJar, Status};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, post, routes, uri};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::cache::{self, Cached, PageCache, PageKey};
use super::guards::{FormOrigin, FormToken, existing_csrf_token, verify_csrf, verify_public_form};
use super::page::Page;
use super::petition::{AskedVersion, petition_page};
use crate::Site;
use crate::domain::abuse::proof_of_work;
use crate::domain::petitions::petition::{self, Located};
use crate::domain::petitions::translations;
use crate::domain::signing::signature::{self, SignError, SignatureInput};
use crate::domain::signing::signing_queue::SigningQueue;
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![
        sign,
        sign_reloaded,
        challenge,
        signed,
        confirm_page,
        confirm,
        withdraw_page,
        withdraw
    ]
}

/// The sign form. Every field is optional here so that a missing one is answered with the form and
/// a message, not with a bare error page.
#[derive(Debug, FromForm)]
pub(crate) struct SignForm {
    /// The form's token: the visitor's CSRF token, or the widget's token (`web::embed`).
    pub(crate) csrf: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
    organization: Option<String>,
    comment: Option<String>,
    newsletter: bool,
    shown_publicly: bool,
    /// Hidden from people; only robots fill it in.
    website: Option<String>,
    /// The proof of work our script solved, when the petition asks for one.
    pow_challenge: Option<String>,
    pow_nonce: Option<String>,
}

impl SignForm {
    pub(crate) fn input(&self) -> SignatureInput {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        SignatureInput {
            first_name: text(&self.first_name),
            last_name: text(&self.last_name),
            email: text(&self.email),
            phone: text(&self.phone),
            postal_code: text(&self.postal_code),
            city: text(&self.city),
            country: text(&self.country),
            organization: text(&self.organization),
            comment: text(&self.comment),
            newsletter: self.newsletter,
            shown_publicly: self.shown_publicly,
        }
    }
}

/// The sign form's address opened as a page (a reload after a refused form, a crawler): the
/// petition, where the form is.
#[get("/petitions/<id>/sign")]
async fn sign_reloaded(
    id: i32,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
) -> Result<Redirect> {
    let located = cache
        .petition(db.inner(), id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)?;
    Ok(Redirect::to(located.path()))
}

/// The sign form's address carries the version of the page it is on (`?lang=`), so that a refused
/// form and the "check your mailbox" page come back in it.
#[post("/petitions/<id>/sign", data = "<form>")]
#[allow(clippy::too_many_arguments)]
async fn sign(
    id: i32,
    version: AskedVersion,
    form: Form<SignForm>,
    jar: &CookieJar<'_>,
    origin: FormOrigin,
    ip: Option<IpAddr>,
    reader: Lang,
    cache: &State<PageCache>,
    queue: &State<SigningQueue>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    verify_public_form(jar, &origin, form.csrf.as_deref())?;
    let located = cache
        .petition(db.inner(), id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)?;
    // A proof of work is bound to the visitor's token, which asking for the challenge gave them.
    let token = existing_csrf_token(jar)
        .or_else(|| form.csrf.clone())
        .unwrap_or_default();
    let token = token.as_str();
    let signer = Signer {
        ip,
        lang: &reader,
        proof_asked: proof_of_work::asked(site, &located),
    };
    let lang = version.0.as_deref();
    let version = lang.and_then(Lang::shipped).map(|l| l.code());
    match submit(&form, token, &located, signer, queue, db, site).await? {
        Submitted::Done => Ok(Either::Left(Redirect::to(uri!(signed(id, version))))),
        Submitted::Refused(errors, status) => {
            let shown = translations::for_reader(&located, lang, &reader);
            Ok(Either::Right(
                petition_page(site, &shown, &form.input(), &errors).status(status),
            ))
        }
    }
}

/// What became of a sign form.
pub(crate) enum Submitted {
    /// Written, or quietly dropped (the honeypot): the "check your mailbox" page.
    Done,
    /// Refused: the form again, with these messages (Fluent keys), answered with this status.
    Refused(signature::FieldErrors, Status),
}

/// Who sent a sign form: their address (for the abuse limits) and language (for their mail).
pub(crate) struct Signer<'a> {
    pub ip: Option<IpAddr>,
    pub lang: &'a Lang,
    /// Whether the form asked for a proof of work.
    pub proof_asked: bool,
}

/// The one path of a signature from a sign form to the signing queue, for the petition's page and
/// for the widget other sites frame (`web::embed`): the honeypot, the proof of work bound to the
/// form's `token`, the abuse limits of the signer's address, the checks of `signature::prepare`, and
/// the group commit. The caller has checked the form's token and found the public petition.
pub(crate) async fn submit(
    form: &SignForm,
    token: &str,
    located: &Located,
    signer: Signer<'_>,
    queue: &SigningQueue,
    db: &DatabaseConnection,
    site: &Site,
) -> Result<Submitted> {
    if form.website.as_deref().is_some_and(|w| !w.is_empty()) {
        return Ok(Submitted::Done);
    }
    let input = form.input();
    let proof = match proof_of_work::check(
        &site.keys.proof_of_work,
        site.settings.proof_of_work_bits,
        signer.proof_asked,
        located.petition.id,
        token,
        form.pow_challenge.as_deref(),
        form.pow_nonce.as_deref(),
    ) {
        Ok(proof) => proof,
        Err(refused) => {
            let errors = signature::FieldErrors::from([("form", refused.message_key())]);
            return Ok(Submitted::Refused(errors, Status::UnprocessableEntity));
        }
    };
    // Checked and composed here, in parallel with other signers; written by the group commit.
    let source = site.sources.source(db, signer.ip).await?;
    let written = match signature::prepare(site, located, &input, (source, proof), signer.lang) {
        Ok(prepared) => queue.sign(db, site, prepared).await,
        Err(refused) => Err(refused),
    };
    match written {
        Ok(()) => Ok(Submitted::Done),
        Err(SignError::Invalid(errors)) => {
            Ok(Submitted::Refused(errors, Status::UnprocessableEntity))
        }
        Err(SignError::Closed) => {
            let errors = signature::FieldErrors::from([("form", "petition-closed")]);
            Ok(Submitted::Refused(errors, Status::Conflict))
        }
        Err(SignError::NotPublic) => Err(Error::NotFound),
        Err(SignError::Database(e)) => Err(Error::Database(e)),
        Err(SignError::Template(e)) => Err(Error::Template(e)),
    }
}

/// A proof-of-work challenge for this visitor's sign form (`static/pow.js` asks for it and solves
/// it). Never cached: each is new, bound to the petition and to the visitor's form token.
#[get("/petitions/<id>/challenge")]
async fn challenge(
    id: i32,
    token: FormToken,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<NoStore<Json<serde_json::Value>>> {
    let located = cache
        .petition(db.inner(), id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)?;
    if !proof_of_work::asked(site, &located) {
        return Err(Error::NotFound);
    }
    Ok(NoStore(Json(json!({
        "challenge": proof_of_work::challenge(&site.keys.proof_of_work, id, &token.0),
        "bits": site.settings.proof_of_work_bits,
    }))))
}

/// A response no cache may keep.
#[derive(rocket::Responder)]
#[response(content_type = "json")]
pub(crate) struct NoStore<T> {
    inner: T,
    cache_control: rocket::http::Header<'static>,
}

#[allow(non_snake_case)]
pub(crate) fn NoStore<T>(inner: T) -> NoStore<T> {
    NoStore {
        inner,
        cache_control: rocket::http::Header::new("Cache-Control", "no-store"),
    }
}

/// "Check your mailbox": the same page whether or not the address had signed before (and the same
/// for every signer of the petition, so it comes from the page cache).
#[get("/petitions/<id>/signed?<lang>")]
async fn signed(
    id: i32,
    lang: Option<String>,
    reader: Lang,
    key: PageKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let located = petition::find(db.inner(), id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)?;
    let located = translations::for_reader(&located, lang.as_deref(), &reader);
    let page = Page::new(
        "sign/check-mailbox",
        json!({ "petition": located.view(site.settings.public_url()) }),
    );
    Ok(Cached::page(ticket, Some(id), None, page))
}

/// Opening the link shows a button and changes nothing, so a mail scanner that follows links
/// cannot sign in someone's name.
#[get("/confirm/<token>")]
async fn confirm_page(
    token: &str,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let Some(pending) = signature::find_by_token(db.inner(), token).await? else {
        return Ok(Page::error(Status::NotFound, "confirm-link-invalid"));
    };
    let template = if pending.signature.confirmed_at.is_some() {
        "sign/confirmed"
    } else {
        "sign/confirm"
    };
    Ok(signer_page(template, &pending, token, site))
}

/// A page shown to the signer a mailed link belongs to, with the link's token for its buttons and
/// what the signature holds, so that they confirm (or withdraw) what they see.
fn signer_page(
    template: &'static str,
    pending: &signature::Pending,
    token: &str,
    site: &Site,
) -> Page {
    Page::new(
        template,
        json!({
            "petition": signers_version(pending, site).view(site.settings.public_url()),
            // Its share links lead nowhere while the public cannot see it.
            "shareable": pending.petition.is_public(),
            "first_name": pending.signature.first_name,
            "details": signature::details(pending),
            "token": token,
        }),
    )
}

/// The petition in the version of the language its signer signed in, as their mail named it.
fn signers_version(pending: &signature::Pending, site: &Site) -> Located {
    let lang = pending
        .signature
        .locale
        .as_deref()
        .and_then(Lang::shipped)
        .or_else(|| Lang::shipped(&site.live.get().default_language))
        .unwrap_or_else(Lang::source);
    translations::for_reader(&pending.petition, None, &lang)
}

#[derive(Debug, FromForm)]
struct ConfirmForm {
    csrf: Option<String>,
}

#[post("/confirm/<token>", data = "<form>")]
async fn confirm(
    token: &str,
    form: Form<ConfirmForm>,
    jar: &CookieJar<'_>,
    cache: &State<PageCache>,
    queue: &State<SigningQueue>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    verify_csrf(jar, form.csrf.as_deref())?;
    // Committed with the other confirmations and signatures of the moment (`signing_queue`).
    let Some(petition_id) = queue.confirm(db.inner(), site, token).await? else {
        return Ok(Page::error(Status::NotFound, "confirm-link-invalid"));
    };
    // Whoever confirms sees their signature counted on their next page view on this instance.
    cache.invalidate_petition(petition_id);
    let Some(pending) = signature::find_by_token(db.inner(), token).await? else {
        return Ok(Page::error(Status::NotFound, "confirm-link-invalid"));
    };
    Ok(signer_page("sign/confirmed", &pending, token, site))
}

/// The withdrawal link of the confirmation mail: a page with a button, so that opening it (a mail
/// scanner, a preview) deletes nothing.
#[get("/withdraw/<token>")]
async fn withdraw_page(
    token: &str,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let Some(pending) = signature::find_by_token(db.inner(), token).await? else {
        return Ok(Page::error(Status::NotFound, "withdraw-link-invalid"));
    };
    Ok(signer_page("sign/withdraw", &pending, token, site))
}

#[post("/withdraw/<token>", data = "<form>")]
async fn withdraw(
    token: &str,
    form: Form<ConfirmForm>,
    jar: &CookieJar<'_>,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let Some(pending) = signature::find_by_token(db.inner(), token).await? else {
        return Ok(Page::error(Status::NotFound, "withdraw-link-invalid"));
    };
    if !signature::withdraw(db.inner(), &pending.signature).await? {
        return Ok(Page::error(Status::NotFound, "withdraw-link-invalid"));
    }
    cache.invalidate_petition(pending.petition.petition.id);
    Ok(Page::new(
        "sign/withdrawn",
        json!({ "petition": signers_version(&pending, site).view(site.settings.public_url()) }),
    ))
}
