//! Public petition pages (F1): the home page, a petition under its canonical permalink (older
//! permalinks redirect there), and the JSON documents (F1.5). All of them go through the page cache
//! (`web::cache`): a page view reads the database at most once per second and instance.
use rocket::http::Status;
use rocket::serde::json::Json;
use rocket::{Route, State, get, routes};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::cache::{self, Cached, JsonKey, PageCache, PageKey};
use super::page::Page;
use crate::Site;
use crate::domain::petition::{self, Located, Lookup, OwnerKind};
use crate::domain::signature::{FieldErrors, SignatureInput};
use crate::error::{Error, Result};

const HOME_LIMIT: u64 = 100;

pub fn routes() -> Vec<Route> {
    routes![
        home,
        by_organization,
        by_user,
        petition_json,
        petitions_json,
        health
    ]
}

#[get("/")]
async fn home(
    key: PageKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0) {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let petitions: Vec<_> = petition::list_public(db.inner(), HOME_LIMIT)
        .await?
        .iter()
        .map(|l| l.view(site.settings.public_url()))
        .collect();
    Ok(Cached::page(
        ticket,
        None,
        None,
        Page::new("home", json!({ "petitions": petitions })),
    ))
}

#[get("/o/<owner>/<slug>")]
async fn by_organization(
    owner: &str,
    slug: &str,
    key: PageKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    show(key, cache, db, site, OwnerKind::Organization, owner, slug).await
}

#[get("/u/<owner>/<slug>")]
async fn by_user(
    owner: &str,
    slug: &str,
    key: PageKey,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    show(key, cache, db, site, OwnerKind::User, owner, slug).await
}

/// A petition page: from the cache when it is there (no database read, no rendering), else looked
/// up, rendered and kept (`web::cache`).
async fn show(
    key: PageKey,
    cache: &PageCache,
    db: &DatabaseConnection,
    site: &Site,
    kind: OwnerKind,
    owner: &str,
    slug: &str,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0) {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    match petition::lookup(db, kind, owner, slug)
        .await?
        .ok_or(Error::NotFound)?
    {
        Lookup::Moved(located) if located.is_public() => {
            Ok(cache.redirect(ticket, located.petition.id, located.path()))
        }
        Lookup::Canonical(located) if located.is_public() => Ok(Cached::page(
            ticket,
            Some(located.petition.id),
            cache::deadline(&located),
            petition_page(
                site,
                &located,
                &SignatureInput::default(),
                &FieldErrors::new(),
            ),
        )),
        _ => Err(Error::NotFound),
    }
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
            "values": values,
            "errors": errors,
        }),
    )
    .status(status)
}

fn petition_document(site: &Site, located: &Located) -> Value {
    let view = located.view(site.settings.public_url());
    json!({
        "id": view.id,
        "title": view.title,
        "url": view.url,
        "signature_count": view.signature_count,
        "goal": view.goal,
        "deadline": view.deadline,
        "published": view.published,
        "closed": view.closed,
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
    let ticket = match cache.lookup(key.0) {
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
    let ticket = match cache.lookup(key.0) {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let list: Vec<Value> = petition::list_public(db.inner(), HOME_LIMIT)
        .await?
        .iter()
        .map(|l| petition_document(site, l))
        .collect();
    Ok(cache.json(ticket, None, &json!({ "petitions": list })))
}

/// For load balancers and monitoring (F10.4): 200 when the database answers.
#[get("/health")]
async fn health(db: &State<DatabaseConnection>) -> (Status, Json<Value>) {
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
