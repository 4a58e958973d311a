//! The signatures of a petition, for the people running it (F6.2, F6.3, F6.4): the page (the chart
//! of signatures over time, search, filter, pages, one form to act on a selection), deleting a
//! selection, re-sending the confirmation, and the CSV export, streamed. Every route asks
//! `domain::people::permission` through `signature_list`; a refusal looks like a page that does not
//! exist.
use std::io::{self, Cursor};
use std::pin::Pin;
use std::task::{Context, Poll};

use rocket::form::{Form, FromForm};
use rocket::futures::{Stream, StreamExt};
use rocket::http::{ContentType, CookieJar, Header};
use rocket::request::{FlashMessage, Request};
use rocket::response::stream::ReaderStream;
use rocket::response::{self, Flash, Redirect, Responder, Response};
use rocket::tokio::io::{AsyncRead, ReadBuf};
use rocket::{Either, Route, State, get, post, routes};
use sea_orm::DatabaseConnection;
use serde_json::json;

use super::account::login_redirect;
use super::guards::verify_csrf;
use super::page::Page;
use super::session::CurrentUser;
use crate::Site;
use crate::domain::abuse::held::{self, HeldSelection};
use crate::domain::abuse::proof_of_work;
use crate::domain::people::permission::Permission;
use crate::domain::signing::anonymization;
use crate::domain::signing::history;
use crate::domain::signing::signature::SignError;
use crate::domain::signing::signature_list::{
    self as list, Export, ListQuery, Selection, StatusFilter,
};
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    routes![page, delete, resend, release, discard, protect, export]
}

/// The flash kinds of the notices this page shows after an action.
const DELETED: &str = "signatures-deleted";
const RESENT: &str = "signatures-resent";
const RELEASED: &str = "signatures-released";
const DISCARDED: &str = "signatures-discarded";
const PROTECTED: &str = "signatures-pow-saved";

/// The signatures page of `id` with this search, filter and page.
fn page_url(id: i32, search: &str, status: StatusFilter, page: u64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !search.is_empty() {
        query.append_pair("q", search);
    }
    if status != StatusFilter::All {
        query.append_pair("status", status.as_str());
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        format!("/petitions/{id}/signatures")
    } else {
        format!("/petitions/{id}/signatures?{query}")
    }
}

/// `1`, `true`, `on`, `yes`: a ticked box or a query switch.
fn is_on(value: Option<&str>) -> bool {
    matches!(value, Some("1" | "true" | "on" | "yes"))
}

#[get("/petitions/<id>/signatures?<page>&<q>&<status>")]
#[allow(clippy::too_many_arguments)]
async fn page(
    id: i32,
    page: Option<u64>,
    q: Option<&str>,
    status: Option<&str>,
    user: Option<CurrentUser>,
    flash: Option<FlashMessage<'_>>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Page, Redirect>> {
    let status = StatusFilter::parse(status);
    let search = q.unwrap_or_default().trim();
    let Some(CurrentUser(user)) = user else {
        return Ok(Either::Right(login_redirect(&page_url(
            id,
            search,
            status,
            page.unwrap_or(1),
        ))));
    };
    let located = list::petition_for(db.inner(), user.id, id, Permission::ViewSignatures)
        .await?
        .ok_or(Error::NotFound)?;
    let query = ListQuery {
        search: search.to_string(),
        status,
        page: page.unwrap_or(1),
    };
    let listing = list::list(db.inner(), &located, &query).await?;
    let abilities = list::abilities(db.inner(), user.id, &located).await?;
    let timeline = history::timeline(db.inner(), &located).await?;
    let chart = super::statistics::chart(
        &timeline,
        located.petition.goal,
        located.petition.paper_signatures,
    );
    let held_sources = if listing.held > 0 {
        held::sources(db.inner(), id).await?
    } else {
        Vec::new()
    };
    // "<count>" after a deletion or a discard, "<queued> <left out>" after a re-send or a release.
    let notice = flash.and_then(|f| {
        let mut numbers = f.message().split(' ').map(str::parse::<u64>);
        let count = numbers.next()?.ok()?;
        let skipped = numbers.next().and_then(Result::ok).unwrap_or(0);
        [
            DELETED,
            RESENT,
            RELEASED,
            DISCARDED,
            PROTECTED,
            super::anonymization::DELAY_SAVED,
            super::anonymization::ANONYMIZED,
        ]
        .contains(&f.kind())
        .then(|| json!({ "key": f.kind(), "count": count, "skipped": skipped }))
    });
    let link = |p: u64| page_url(id, search, status, p);
    let filters: Vec<_> = [
        StatusFilter::All,
        StatusFilter::Confirmed,
        StatusFilter::Unconfirmed,
        StatusFilter::Held,
    ]
    .into_iter()
    .map(|s| json!({ "value": s.as_str(), "current": s == status }))
    .collect();
    Ok(Either::Left(Page::new(
        "signatures/index",
        json!({
            "petition": located.view(site.settings.public_url()),
            "listing": listing,
            "chart": chart,
            "abilities": abilities,
            "held_sources": held_sources,
            "proof_of_work": {
                "petition": located.petition.proof_of_work,
                "everywhere": site.settings.proof_of_work,
            },
            "notice": notice,
            "search": search,
            "status": status.as_str(),
            "filters": filters,
            "previous": (listing.page > 1).then(|| link(listing.page - 1)),
            "next": (listing.page < listing.pages).then(|| link(listing.page + 1)),
            "anonymization": anonymization::Notice::of(&located.petition, site.settings.anonymize_after_days),
            "export_all": format!("/petitions/{id}/signatures.csv"),
            "export_confirmed": format!("/petitions/{id}/signatures.csv?confirmed=1"),
        }),
    )))
}

/// The selection form: ticked signatures (`ids`), or every unconfirmed one; and the search, filter
/// and page to come back to.
#[derive(Debug, FromForm)]
struct SelectionForm {
    csrf: Option<String>,
    ids: Vec<i32>,
    all_unconfirmed: Option<String>,
    /// The label of a source of held signatures: act on all of them.
    source: Option<String>,
    q: Option<String>,
    status: Option<String>,
    page: Option<u64>,
}

impl SelectionForm {
    fn back(&self, id: i32) -> String {
        page_url(
            id,
            self.q.as_deref().unwrap_or_default().trim(),
            StatusFilter::parse(self.status.as_deref()),
            self.page.unwrap_or(1),
        )
    }

    /// The held signatures this form acts on: all from one source, or the ticked ones.
    fn held(&self) -> HeldSelection {
        match &self.source {
            Some(label) => HeldSelection::Source(label.trim().to_string()),
            None => HeldSelection::Ids(self.ids.clone()),
        }
    }
}

#[post("/petitions/<id>/signatures/delete", data = "<form>")]
async fn delete(
    id: i32,
    form: Form<SelectionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = user.ok_or(Error::NotFound)?;
    list::petition_for(db.inner(), user.id, id, Permission::DeleteSignatures)
        .await?
        .ok_or(Error::NotFound)?;
    let deleted = list::delete(db.inner(), id, &form.ids).await?;
    Ok(Flash::new(
        Redirect::to(form.back(id)),
        DELETED,
        deleted.to_string(),
    ))
}

#[post("/petitions/<id>/signatures/resend", data = "<form>")]
async fn resend(
    id: i32,
    form: Form<SelectionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = user.ok_or(Error::NotFound)?;
    let located = list::petition_for(db.inner(), user.id, id, Permission::ModifySignatures)
        .await?
        .ok_or(Error::NotFound)?;
    let selection = if is_on(form.all_unconfirmed.as_deref()) {
        Selection::AllUnconfirmed
    } else {
        Selection::Ids(form.ids.clone())
    };
    let resent = list::resend_confirmation(db.inner(), site, &located, &selection)
        .await
        .map_err(sign_error)?;
    Ok(Flash::new(
        Redirect::to(form.back(id)),
        RESENT,
        format!("{} {}", resent.queued, resent.skipped),
    ))
}

/// Releases held signatures (modify signatures): their confirmation mails go out, within the caps
/// per address.
#[post("/petitions/<id>/signatures/release", data = "<form>")]
async fn release(
    id: i32,
    form: Form<SelectionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = user.ok_or(Error::NotFound)?;
    let located = list::petition_for(db.inner(), user.id, id, Permission::ModifySignatures)
        .await?
        .ok_or(Error::NotFound)?;
    let done = held::release(db.inner(), site, &located, &form.held())
        .await
        .map_err(sign_error)?;
    Ok(Flash::new(
        Redirect::to(form.back(id)),
        RELEASED,
        format!("{} {}", done.released, done.capped),
    ))
}

/// Discards held signatures (delete signatures).
#[post("/petitions/<id>/signatures/discard", data = "<form>")]
async fn discard(
    id: i32,
    form: Form<SelectionForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    db: &State<DatabaseConnection>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = user.ok_or(Error::NotFound)?;
    list::petition_for(db.inner(), user.id, id, Permission::DeleteSignatures)
        .await?
        .ok_or(Error::NotFound)?;
    let discarded = held::discard(db.inner(), id, &form.held()).await?;
    Ok(Flash::new(
        Redirect::to(form.back(id)),
        DISCARDED,
        discarded.to_string(),
    ))
}

#[derive(Debug, FromForm)]
struct ProtectForm {
    csrf: Option<String>,
    on: Option<String>,
}

/// Switches the petition's proof of work on or off (modify petitions).
#[post("/petitions/<id>/proof-of-work", data = "<form>")]
async fn protect(
    id: i32,
    form: Form<ProtectForm>,
    user: Option<CurrentUser>,
    jar: &CookieJar<'_>,
    cache: &State<crate::web::cache::PageCache>,
    db: &State<DatabaseConnection>,
) -> Result<Flash<Redirect>> {
    verify_csrf(jar, form.csrf.as_deref())?;
    let CurrentUser(user) = user.ok_or(Error::NotFound)?;
    list::petition_for(db.inner(), user.id, id, Permission::ModifyPetitions)
        .await?
        .ok_or(Error::NotFound)?;
    let on = is_on(form.on.as_deref());
    proof_of_work::ask_on_petition(db.inner(), id, on).await?;
    cache.invalidate_petition(id);
    Ok(Flash::new(
        Redirect::to(format!("/petitions/{id}/signatures")),
        PROTECTED,
        u8::from(on).to_string(),
    ))
}

fn sign_error(e: SignError) -> Error {
    match e {
        SignError::Database(e) => Error::Database(e),
        SignError::Template(e) => Error::Template(e),
        other => Error::Internal(other.to_string()),
    }
}

#[get("/petitions/<id>/signatures.csv?<confirmed>")]
async fn export(
    id: i32,
    confirmed: Option<&str>,
    user: Option<CurrentUser>,
    lang: Lang,
    db: &State<DatabaseConnection>,
) -> Result<Either<CsvDownload, Either<Redirect, Page>>> {
    let confirmed_only = is_on(confirmed);
    let Some(CurrentUser(user)) = user else {
        let path = format!(
            "/petitions/{id}/signatures.csv{}",
            if confirmed_only { "?confirmed=1" } else { "" }
        );
        return Ok(Either::Right(Either::Left(login_redirect(&path))));
    };
    let located = list::petition_for(db.inner(), user.id, id, Permission::ViewSignatures)
        .await?
        .ok_or(Error::NotFound)?;
    if let Some(at) = located.petition.anonymized_at {
        return Ok(Either::Right(Either::Right(
            super::anonymization::export_gone(&crate::domain::instant_text(at)),
        )));
    }
    let filename = Export::filename(&located);
    let chunks = Export::new(&located, confirmed_only, lang).stream(db.inner().clone());
    Ok(Either::Left(CsvDownload {
        filename,
        body: Box::pin(chunks.map(Chunk::from)),
    }))
}

/// The export as it is sent: the response starts at once and its body is written while the rows
/// are read.
struct CsvDownload {
    filename: String,
    body: Pin<Box<dyn Stream<Item = Chunk> + Send>>,
}

impl<'r> Responder<'r, 'static> for CsvDownload {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Response::build()
            .header(ContentType::new("text", "csv").with_params(("charset", "utf-8")))
            .header(Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", self.filename),
            ))
            .header(Header::new("Cache-Control", "no-store"))
            .streamed_body(ReaderStream::from(self.body))
            .ok()
    }
}

/// One piece of the export's body, or the error that ends it: the body then fails and the
/// connection is cut, so a truncated file is never taken for a whole one.
enum Chunk {
    Bytes(Cursor<Vec<u8>>),
    Failed(Option<io::Error>),
}

impl From<io::Result<Vec<u8>>> for Chunk {
    fn from(result: io::Result<Vec<u8>>) -> Chunk {
        match result {
            Ok(bytes) => Chunk::Bytes(Cursor::new(bytes)),
            Err(e) => Chunk::Failed(Some(e)),
        }
    }
}

impl AsyncRead for Chunk {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Chunk::Bytes(bytes) => Pin::new(bytes).poll_read(cx, buf),
            Chunk::Failed(e) => Poll::Ready(Err(e
                .take()
                .unwrap_or_else(|| io::Error::other("the export failed")))),
        }
    }
}
