//! Public petition pages (F1): the home page, a petition under its canonical permalink (older
//! permalinks redirect there), and the JSON documents (F1.5). All of them go through the page cache
//! (`web::cache`): a page view reads the database at most once per second and instance.
use rocket::http::Status;
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::{Either, Route, State, get, routes};
use sea_orm::{DatabaseConnection, EntityTrait};
use serde_json::{Value, json};

use super::cache::{self, Cached, JsonKey, PageCache, PageKey};
use super::page::{NoStore, Page};
use super::session::CurrentUser;
use crate::Site;
use crate::domain::administration::site_settings::Home;
use crate::domain::outreach::updates;
use crate::domain::people::permission;
use crate::domain::petitions::petition::{self, Located, Lookup, OwnerKind};
use crate::domain::petitions::share::{self as sharing, Target};
use crate::domain::petitions::translations;
use crate::domain::signing::public_signers;
use crate::domain::signing::signature::{FieldErrors, SignatureInput};
use crate::entity::user;
use crate::error::{Error, Result};
use crate::i18n::Lang;

/// Petitions per page of the home page and of a person's profile (F1.4).
const PER_PAGE: u64 = 20;
/// The JSON list of published petitions.
const JSON_LIMIT: u64 = 100;

pub fn routes() -> Vec<Route> {
    routes![
        home,
        person,
        share,
        by_organization,
        by_user,
        petition_json,
        petitions_json,
        health
    ]
}

/// The home page: published petitions, newest first, 20 a page, searchable by title — or, when the
/// settings say so, one organization's profile. Without a query string it is the same for every
/// anonymous visitor and comes from the page cache.
#[get("/?<q>&<page>")]
async fn home(
    q: Option<&str>,
    page: Option<u64>,
    key: PageKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    if let Home::Organization(id) = site.live.get().home
        && let Some(org) = crate::entity::organization::Entity::find_by_id(id)
            .one(db.inner())
            .await?
    {
        let page = super::organization::profile_page(db.inner(), site, &org).await?;
        return Ok(Cached::page(ticket, None, None, page));
    }
    let what = petition::Browse {
        search: q.unwrap_or_default().to_string(),
        ..Default::default()
    };
    let listing = listing(db.inner(), site, &what, page).await?;
    Ok(Cached::page(ticket, None, None, Page::new("home", listing)))
}

/// A person's public profile: their published petitions.
#[get("/u/<username>?<page>")]
async fn person(
    username: &str,
    page: Option<u64>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Page> {
    let person = crate::domain::people::account::find_by_username(db.inner(), username)
        .await?
        .ok_or(Error::NotFound)?;
    let what = petition::Browse {
        user_id: Some(person.id),
        ..Default::default()
    };
    let mut listing = listing(db.inner(), site, &what, page).await?;
    listing["person"] = json!({ "name": person.display_name, "username": person.username });
    Ok(Page::new("petition/person", listing))
}

/// One page of a list of published petitions, with what the page links need.
async fn listing(
    db: &DatabaseConnection,
    site: &Site,
    what: &petition::Browse,
    page: Option<u64>,
) -> Result<Value> {
    let total = petition::count_public(db, what).await?;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let petitions: Vec<_> = petition::browse(db, what, (page - 1) * PER_PAGE, PER_PAGE)
        .await?
        .iter()
        .map(|l| l.view(site.settings.public_url()))
        .collect();
    Ok(json!({
        "petitions": petitions,
        "search": what.search,
        "total": total,
        "page": page,
        "pages": pages,
    }))
}

/// What a petition page is asked for: whose petition, which one, and which version (`?lang=`).
struct Asked<'a> {
    kind: OwnerKind,
    owner: &'a str,
    slug: &'a str,
    lang: Option<&'a str>,
}

/// The version of a petition an address asks for (`?lang=<code>`, F4.8). A guard rather than a
/// query parameter of the routes: with one, `/o/<owner>/<slug>` would rank like
/// `/o/<slug>/feed.atom` and the two would collide, and the sign form's route would no longer be
/// the one the page cache knows changes no page (`cache::Caching`).
pub(crate) struct AskedVersion(pub Option<String>);

#[rocket::async_trait]
impl<'r> rocket::request::FromRequest<'r> for AskedVersion {
    type Error = std::convert::Infallible;

    async fn from_request(
        req: &'r rocket::Request<'_>,
    ) -> rocket::request::Outcome<Self, Self::Error> {
        let asked = req
            .query_value::<String>("lang")
            .and_then(|v| v.ok())
            .filter(|v| v.len() <= 35);
        rocket::request::Outcome::Success(AskedVersion(asked))
    }
}

#[get("/o/<owner>/<slug>")]
#[allow(clippy::too_many_arguments)]
async fn by_organization(
    owner: &str,
    slug: &str,
    lang: AskedVersion,
    reader: Lang,
    key: PageKey,
    user: Option<CurrentUser>,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Cached, NoStore>> {
    let viewer = user.map(|u| u.0);
    let asked = Asked {
        kind: OwnerKind::Organization,
        owner,
        slug,
        lang: lang.0.as_deref(),
    };
    show(key, cache, db, site, viewer, &reader, asked).await
}

#[get("/u/<owner>/<slug>")]
#[allow(clippy::too_many_arguments)]
async fn by_user(
    owner: &str,
    slug: &str,
    lang: AskedVersion,
    reader: Lang,
    key: PageKey,
    user: Option<CurrentUser>,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Cached, NoStore>> {
    let viewer = user.map(|u| u.0);
    let asked = Asked {
        kind: OwnerKind::User,
        owner,
        slug,
        lang: lang.0.as_deref(),
    };
    show(key, cache, db, site, viewer, &reader, asked).await
}

/// A petition page: from the cache when it is there (no database read, no rendering), else looked
/// up, rendered and kept (`web::cache`). A petition the public may not see (a draft, or hidden by
/// the moderators) is a 404, but for those who may modify it and the moderators (F1.3): they see
/// it with a banner saying why nobody else does, in a page no cache keeps (`NoStore`). Moderators
/// also get theirs with the links to hide or delete it, never cached either. The page shows the
/// version the reader asked for or reads (`translations::for_reader`); the cache keys on both.
async fn show(
    key: PageKey,
    cache: &PageCache,
    db: &DatabaseConnection,
    site: &Site,
    viewer: Option<user::Model>,
    reader: &Lang,
    asked: Asked<'_>,
) -> Result<Either<Cached, NoStore>> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Either::Left(Cached::Entry(entry))),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let located = match petition::lookup(db, asked.kind, asked.owner, asked.slug)
        .await?
        .ok_or(Error::NotFound)?
    {
        Lookup::Moved(located) if located.is_public() => {
            // The version asked for follows the move.
            let path = match asked.lang.and_then(Lang::shipped) {
                Some(lang) => format!("{}?lang={}", located.path(), lang.code()),
                None => located.path(),
            };
            return Ok(Either::Left(cache.redirect(
                ticket,
                located.petition.id,
                path,
            )));
        }
        Lookup::Canonical(located) => translations::for_reader(&located, asked.lang, reader),
        Lookup::Moved(_) => return Err(Error::NotFound),
    };
    let moderate = viewer.as_ref().is_some_and(permission::may_moderate);
    let news = updates::news(db, located.petition.id).await?;
    let signers = public_signers::recent(db, &located.petition).await?;
    if located.is_public() && !moderate {
        return Ok(Either::Left(Cached::page(
            ticket,
            Some(located.petition.id),
            cache::deadline(&located),
            petition_page(
                site,
                &located,
                &SignatureInput::default(),
                &FieldErrors::new(),
            )
            .with("news", news)
            .with("signers", signers),
        )));
    }
    drop(ticket);
    let viewer = viewer.ok_or(Error::NotFound)?;
    if !located.is_public() && !permission::may_preview(db, &viewer, &located.petition).await? {
        return Err(Error::NotFound);
    }
    let p = &located.petition;
    let preview = (!located.is_public()).then(|| {
        json!({
            "hidden": p.moderated,
            "reason": p.moderation_reason,
            "owner_blocked": located.owner_blocked(),
        })
    });
    Ok(Either::Right(NoStore(
        petition_page(
            site,
            &located,
            &SignatureInput::default(),
            &FieldErrors::new(),
        )
        .with("preview", preview)
        .with("moderate", moderate)
        .with("news", news)
        .with("signers", signers),
    )))
}

/// The petition page with its sign form, showing `values` and `errors` when a signature was refused.
pub fn petition_page(
    site: &Site,
    located: &Located,
    values: &SignatureInput,
    errors: &FieldErrors,
) -> Page {
    let status = if errors.is_empty() {
        Status::Ok
    } else {
        Status::UnprocessableEntity
    };
    Page::new(
        "petition/show",
        json!({
            "petition": located.view(site.settings.public_url()),
            "proof_of_work": crate::domain::abuse::proof_of_work::asked(site, located),
            "values": values,
            "errors": errors,
        }),
    )
    .status(status)
}

fn petition_document(site: &Site, located: &Located) -> Value {
    let view = located.view(site.settings.public_url());
    // Each version with its title and address (F4.8), the main one first.
    let versions: Vec<Value> = view
        .versions
        .iter()
        .map(|v| {
            let title = if v.main {
                view.title.clone()
            } else {
                translations::version(located, Some(&v.code)).petition.title
            };
            json!({ "language": v.code, "title": title, "url": v.url })
        })
        .collect();
    json!({
        "id": view.id,
        "title": view.title,
        "addressed_to": view.addressed_to,
        "picture": view.picture.as_ref().map(|p| json!({
            "url": format!("{}{}", site.settings.public_url(), p.src),
            "alt": p.alt,
            "width": p.width,
            "height": p.height,
        })),
        "language": view.main_language,
        "languages": view.versions.iter().map(|v| v.code.as_str()).collect::<Vec<_>>(),
        "versions": versions,
        "url": view.url,
        "signature_count": view.signature_count,
        "goal": view.goal,
        "deadline": view.deadline,
        "published": view.published,
        "closed": view.closed,
        "outcome": view.outcome,
        "owner": { "name": view.owner_name, "url": format!("{}{}", site.settings.public_url(), view.owner_path) },
        "created_at": view.created_at,
    })
}

#[get("/api/petitions/<id>")]
async fn petition_json(
    id: i32,
    key: JsonKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    match petition::find(db.inner(), id).await? {
        Some(located) if located.is_public() => {
            Ok(cache.json(ticket, Some(id), &petition_document(site, &located)))
        }
        _ => Err(Error::NotFound),
    }
}

#[get("/api/petitions")]
async fn petitions_json(
    key: JsonKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let list: Vec<Value> = petition::list_public(db.inner(), JSON_LIMIT)
        .await?
        .iter()
        .map(|l| petition_document(site, l))
        .collect();
    Ok(cache.json(ticket, None, &json!({ "petitions": list })))
}

/// For load balancers and monitoring (F10.4): 200 when the database answers; 503 `shutting down`
/// once the instance drains before stopping (`web::readiness`), while it still serves the rest.
#[get("/health")]
async fn health(
    db: &State<DatabaseConnection>,
    readiness: &State<crate::web::readiness::Readiness>,
) -> (Status, Json<Value>) {
    if readiness.is_draining() {
        return (
            Status::ServiceUnavailable,
            Json(json!({ "status": "shutting down" })),
        );
    }
    match db.ping().await {
        Ok(()) => (Status::Ok, Json(json!({ "status": "ok" }))),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                Status::ServiceUnavailable,
                Json(json!({ "status": "database unreachable" })),
            )
        }
    }
}

/// A petition's share address for `network` (`domain::petitions::share`): the page's share links
/// lead here, so that the page itself names no other host. A network's link sends the reader on to
/// its own share page (303). For Mastodon and diaspora*, a page with a link to the server the reader
/// typed: no server is assumed, and a page rather than a redirect, as browsers apply the
/// `form-action 'self'` policy to a form's redirects.
#[get("/petitions/<id>/share/<network>?<instance>&<pod>&<lang>")]
#[allow(clippy::too_many_arguments)]
async fn share(
    id: i32,
    network: &str,
    instance: Option<&str>,
    pod: Option<&str>,
    lang: Option<&str>,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Redirect, Page>> {
    let located = cache
        .petition(db.inner(), id)
        .await?
        .filter(|l| l.is_public())
        .ok_or(Error::NotFound)?;
    // The version the page shared from (`?lang=`), else the main one.
    let chosen = lang.and_then(|code| {
        let shown = translations::version(&located, Some(code));
        shown.shown.is_some().then_some(shown)
    });
    let view = chosen
        .as_ref()
        .unwrap_or(&located)
        .view(site.settings.public_url());
    match sharing::target(&view.share, network, &view.title, &view.url) {
        Target::Network(address) => return Ok(Either::Left(Redirect::to(address))),
        Target::Nowhere => return Err(Error::NotFound),
        Target::ReadersServer => {}
    }
    let typed = if network == "mastodon" { instance } else { pod };
    let host = typed.and_then(sharing::server_host);
    let Some(target) = host
        .as_deref()
        .and_then(|host| sharing::via_server(network, host, &view.title, &view.url))
    else {
        return Ok(Either::Right(Page::error(
            Status::UnprocessableEntity,
            "share-server-invalid",
        )));
    };
    Ok(Either::Right(Page::new(
        "petition/share",
        json!({ "petition": view, "network": network, "host": host, "target": target }),
    )))
}
