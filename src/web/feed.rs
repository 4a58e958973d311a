//! The Atom feeds (F1.5): the site's newest petitions, each organization's and each petition's
//! news, built by `domain::petitions::feed` and kept in the page cache like the JSON documents
//! (per language, as their titles are translated). An organization's address from before a rename redirects to its
//! feed at the current one, as its profile does.
use rocket::response::Redirect;
use rocket::{Either, Route, State, get, routes};
use sea_orm::DatabaseConnection;

use super::cache::{self, Cached, FeedKey, PageCache};
use crate::Site;
use crate::domain::petitions::feed::{self, OrganizationFeed};
use crate::error::{Error, Result};
use crate::i18n::Lang;

pub fn routes() -> Vec<Route> {
    // Before a petition's page, `/o/<organization>/<slug>` (rank -5, Rocket's default for its
    // path): no petition's slug has a dot.
    let mut first = routes![organization];
    for route in &mut first {
        route.rank = -6;
    }
    first.extend(routes![petitions, news]);
    first
}

#[get("/feeds/petitions.atom")]
async fn petitions(
    key: FeedKey,
    lang: Lang,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let body = feed::petitions(db.inner(), site, &lang).await?;
    Ok(cache.feed(ticket, body))
}

#[get("/o/<slug>/feed.atom")]
async fn organization(
    slug: &str,
    key: FeedKey,
    lang: Lang,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Either<Cached, Redirect>> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Either::Left(Cached::Entry(entry))),
        cache::Lookup::Miss(ticket) => ticket,
    };
    match feed::organization(db.inner(), site, &lang, slug)
        .await?
        .ok_or(Error::NotFound)?
    {
        OrganizationFeed::Feed(body) => Ok(Either::Left(cache.feed(ticket, body))),
        OrganizationFeed::Moved { slug } => Ok(Either::Right(Redirect::moved(
            feed::organization_feed_path(&slug),
        ))),
    }
}

/// A public petition's news: its updates to signers that are not private.
#[get("/petitions/<id>/news.atom")]
async fn news(
    id: i32,
    key: FeedKey,
    lang: Lang,
    cache: &State<PageCache>,
    db: &State<DatabaseConnection>,
    site: &State<Site>,
) -> Result<Cached> {
    let ticket = match cache.lookup(key.0).await {
        cache::Lookup::Hit(entry) => return Ok(Cached::Entry(entry)),
        cache::Lookup::Miss(ticket) => ticket,
    };
    let body = feed::news(db.inner(), site, &lang, id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(cache.feed(ticket, body))
}
