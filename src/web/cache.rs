//! The page cache of the public, read-mostly answers: petition pages, the "check your mailbox" page,
//! the home page, the JSON documents and the Atom feeds. A viral petition is read far more often
//! than it changes, so each answer is built once (database reads and template rendering) and kept
//! for `page_cache_millis` (1 s by default), per path and language (and the version of a petition
//! in several languages its address asks for, `?lang=`).
//!
//! - **The same bytes for everyone.** A cached page holds nothing of its visitor: no CSRF token
//!   (its forms, the sign form and the language switch, are checked by where the browser says they
//!   come from: `guards::verify_public_form`) and no cookie is set with it. Only visitors who see
//!   pages exactly as an anonymous visitor does use the cache (`page::shares_cache`): someone
//!   logged in gets a page rendered for them, with their token, that no shared cache may keep.
//! - **Freshness.** An entry is used for at most `page_cache_millis`, then rebuilt by one request
//!   while the others keep the previous one for at most half a second more; the count a page or
//!   JSON document shows is therefore never more than about 1.5 s behind on any instance. A
//!   confirmation on this instance makes its petition's entries stale at once, and any other
//!   successful form (an edit, a new petition…) all entries, so whoever changes something sees it on
//!   their next request; a rebuild that began before such a change is stored already stale.
//! - **One rebuild at a time.** While one request builds an entry, the others asking for it wait
//!   for that build (a second at most) when they have nothing recent enough to serve, instead of
//!   all running the same queries: under a burst of 512 signers, a slow rebuild used to send
//!   hundreds of identical queries to the database at once, each holding its rows in memory.
//! - **Compression.** For clients that accept gzip, a page is compressed once, on the first such
//!   request, and that copy is sent to all of them.
//! - **Shared caches.** Pages, JSON documents and feeds carry an `ETag` (a browser revalidates and
//!   gets `304 Not Modified`) and `Cache-Control: public, max-age=1, stale-while-revalidate=…`
//!   with `Vary: Accept-Encoding, Accept-Language, Cookie` (the language is negotiated from the
//!   `lang` cookie and `Accept-Language`), so that a reverse proxy in front (the README's nginx
//!   micro-cache) or a browser can answer them too, never more than a second or two behind.
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::{ContentType, Header, Method, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Build, Orbit, Rocket};
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use super::guards::request_lang;
use super::page::{Page, shares_cache};
use crate::Site;
use crate::domain::petitions::petition::{self, Located};
use crate::domain::signing::signing_queue::SigningQueue;
use crate::error::Error;

/// How long a stale entry may still be served while one request rebuilds it.
const GRACE: Duration = Duration::from_millis(500);
/// How long a request waits for another request's build of the same entry before building it too.
const WAIT_FOR_BUILD: Duration = Duration::from_secs(1);
/// Longest configurable lifetime: with `GRACE`, a count is never more than 2 s behind.
const MAX_TTL: Duration = Duration::from_millis(1500);
/// Beyond this many entries (query strings are never cached but for a version of a petition, so only
/// real paths count, each in a few languages at most), start over.
const MAX_ENTRIES: usize = 1024;

pub struct PageCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    /// Bumped by every invalidation; a rebuild that began under an older epoch is stored stale.
    epoch: AtomicU64,
    /// The epoch of the last eviction: a rebuild that began before it is not stored at all.
    evicted: AtomicU64,
    hasher: std::collections::hash_map::RandomState,
    /// The keys whose entry one request is building, each with what wakes those waiting for it.
    building: Building,
}

type Building = Arc<Mutex<HashMap<String, Arc<Notify>>>>;

pub struct Entry {
    petition_id: Option<i32>,
    expires: Instant,
    stale: AtomicBool,
    content: Content,
}

enum Content {
    Page {
        status: Status,
        body: Arc<[u8]>,
        etag: String,
        gzip: OnceLock<Option<Arc<[u8]>>>,
    },
    /// A JSON document or an Atom feed.
    Document {
        content_type: ContentType,
        vary: &'static str,
        body: String,
        etag: String,
    },
    Redirect(String),
    Petition(Arc<Located>),
}

/// What a lookup found: a usable entry, or the duty to build one (`Ticket`).
pub enum Lookup {
    Hit(Arc<Entry>),
    Miss(Ticket),
}

/// Held by the request that builds an entry. Dropped, once stored or when the build failed, it
/// wakes the requests waiting for it and lets the next request build again.
pub struct Ticket {
    key: Option<String>,
    epoch: u64,
    /// Set when this is the one build of its key under way.
    building: Option<Building>,
}

impl Ticket {
    fn unshared(key: Option<String>, epoch: u64) -> Ticket {
        Ticket {
            key,
            epoch,
            building: None,
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let (Some(building), Some(key)) = (&self.building, &self.key)
            && let Ok(mut building) = building.lock()
            && let Some(waiting) = building.remove(key)
        {
            waiting.notify_waiters();
        }
    }
}

impl PageCache {
    /// `ttl` zero disables the cache.
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl: ttl.min(MAX_TTL),
            entries: RwLock::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            hasher: std::collections::hash_map::RandomState::new(),
            building: Arc::default(),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// Finds the entry of `key`. A fresh one is a hit. A stale one goes to the first request that
    /// asks (a miss: it rebuilds) and, for `GRACE`, is still served to the others meanwhile; past
    /// that, or when there is no entry yet, they wait for that build instead of repeating it.
    pub async fn lookup(&self, key: Option<String>) -> Lookup {
        let epoch = self.epoch.load(Ordering::Acquire);
        let Some(k) = key.as_deref() else {
            return Lookup::Miss(Ticket::unshared(key, epoch));
        };
        let found = self.get(k);
        let now = Instant::now();
        if let Some(entry) = &found
            && now < entry.expires
            && !entry.stale.load(Ordering::Acquire)
        {
            return Lookup::Hit(entry.clone());
        }
        let built = {
            let Ok(mut building) = self.building.lock() else {
                return Lookup::Miss(Ticket::unshared(key, epoch));
            };
            let Some(waiting) = building.get(k).cloned() else {
                building.insert(k.to_owned(), Arc::new(Notify::new()));
                return Lookup::Miss(Ticket {
                    key,
                    epoch,
                    building: Some(self.building.clone()),
                });
            };
            if let Some(entry) = found
                && now < entry.expires + GRACE
            {
                return Lookup::Hit(entry);
            }
            // Enabled while the key is still listed: the builder's ticket removes it, then wakes.
            let mut built = Box::pin(waiting.notified_owned());
            built.as_mut().enable();
            built
        };
        let _ = tokio::time::timeout(WAIT_FOR_BUILD, built).await;
        match self.get(k) {
            Some(entry) if Instant::now() < entry.expires + GRACE => Lookup::Hit(entry),
            _ => Lookup::Miss(Ticket::unshared(key, epoch)),
        }
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries
            .read()
            .ok()
            .and_then(|entries| entries.get(key).cloned())
    }

    fn store(
        &self,
        ticket: Ticket,
        petition_id: Option<i32>,
        until: Option<Instant>,
        content: Content,
    ) -> Arc<Entry> {
        let now = Instant::now();
        let expires = until.map_or(now + self.ttl, |u| u.min(now + self.ttl));
        let entry = Arc::new(Entry {
            petition_id,
            expires,
            stale: AtomicBool::new(self.epoch.load(Ordering::Acquire) != ticket.epoch),
            content,
        });
        let evicted = ticket.epoch < self.evicted.load(Ordering::Acquire);
        if let (Some(key), true, false) = (ticket.key.as_ref(), self.enabled(), evicted)
            && let Ok(mut entries) = self.entries.write()
        {
            if entries.len() >= MAX_ENTRIES && !entries.contains_key(key) {
                entries.clear();
            }
            entries.insert(key.clone(), entry.clone());
        }
        entry
    }

    /// Everything cached about `petition_id` is stale (its count changed here).
    pub fn invalidate_petition(&self, petition_id: i32) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if let Ok(entries) = self.entries.read() {
            for entry in entries.values() {
                if entry.petition_id == Some(petition_id) {
                    entry.stale.store(true, Ordering::Release);
                }
            }
        }
    }

    /// Forgets every entry at once, and what rebuilds under way would store: for a petition that
    /// must stop being shown now (hidden or deleted by a moderator), where a stale entry served
    /// for the grace period would be too much. Other instances follow within an entry's lifetime.
    pub fn evict_all(&self) {
        let epoch = self.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        self.evicted.store(epoch, Ordering::Release);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }

    /// Everything cached is stale.
    pub fn invalidate_all(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
        if let Ok(entries) = self.entries.read() {
            for entry in entries.values() {
                entry.stale.store(true, Ordering::Release);
            }
        }
    }

    /// The petition `id` with its owner and count, as recently as the cache allows: for checking and
    /// composing a signature (the writing transaction checks again that it is open).
    pub async fn petition(
        &self,
        db: &DatabaseConnection,
        id: i32,
    ) -> Result<Option<Arc<Located>>, sea_orm::DbErr> {
        let key = self.enabled().then(|| format!("petition\n{id}"));
        let ticket = match self.lookup(key).await {
            Lookup::Hit(entry) => {
                if let Content::Petition(located) = &entry.content {
                    return Ok(Some(located.clone()));
                }
                return Ok(None);
            }
            Lookup::Miss(ticket) => ticket,
        };
        let Some(located) = petition::find(db, id).await? else {
            return Ok(None);
        };
        let located = Arc::new(located);
        let until = deadline(&located);
        self.store(ticket, Some(id), until, Content::Petition(located.clone()));
        Ok(Some(located))
    }

    /// Stores a JSON document and returns it as an answer.
    pub fn json(
        &self,
        ticket: Ticket,
        petition_id: Option<i32>,
        value: &serde_json::Value,
    ) -> Cached {
        self.document(
            ticket,
            petition_id,
            ContentType::JSON,
            "Accept-Encoding",
            value.to_string(),
        )
    }

    /// Stores an Atom feed (in the reader's language: see `FeedKey`) and returns it as an answer.
    pub fn feed(&self, ticket: Ticket, body: String) -> Cached {
        let atom = ContentType::new("application", "atom+xml").with_params(("charset", "utf-8"));
        self.document(
            ticket,
            None,
            atom,
            "Accept-Encoding, Accept-Language, Cookie",
            body,
        )
    }

    fn document(
        &self,
        ticket: Ticket,
        petition_id: Option<i32>,
        content_type: ContentType,
        vary: &'static str,
        body: String,
    ) -> Cached {
        let etag = self.etag(body.as_bytes());
        let content = Content::Document {
            content_type,
            vary,
            body,
            etag,
        };
        Cached::Entry(self.store(ticket, petition_id, None, content))
    }

    /// Stores a permanent redirect and returns it as an answer.
    pub fn redirect(&self, ticket: Ticket, petition_id: i32, location: String) -> Cached {
        Cached::Entry(self.store(ticket, Some(petition_id), None, Content::Redirect(location)))
    }

    fn etag(&self, body: &[u8]) -> String {
        format!("\"{:016x}\"", self.hasher.hash_one(body))
    }
}

/// When a petition's page changes by itself: at its deadline it closes.
pub fn deadline(located: &Located) -> Option<Instant> {
    let deadline = located.petition.deadline?;
    let left = deadline - crate::domain::now();
    let left = Duration::try_from(left).ok()?;
    Some(Instant::now() + left)
}

/// The cache key of a page for this request: its path and language, and the version of a
/// petition it asks for (`?lang=<code>`, F4.8), when the visitor shares the cache (anonymous, no
/// other query string); `None` otherwise. Only the languages the site offers make keys, so that
/// no address can fill the cache with versions of its own.
pub struct PageKey(pub Option<String>);

/// The version a query string asks for, when it asks for nothing else: `lang=<code>` of a language
/// the site offers (`Some("")` for no query string at all); `None` for any other query.
fn asked_version(query: Option<&str>) -> Option<String> {
    let Some(query) = query else {
        return Some(String::new());
    };
    query
        .strip_prefix("lang=")
        .and_then(crate::i18n::Lang::shipped)
        .map(|l| l.code())
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PageKey {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let enabled = req
            .rocket()
            .state::<PageCache>()
            .is_some_and(PageCache::enabled);
        let version = asked_version(req.uri().query().map(|q| q.as_str()));
        let key = version
            .filter(|_| enabled && req.method() == Method::Get && shares_cache(req))
            .map(|version| {
                format!(
                    "{}\n{}\n{version}",
                    request_lang(req).code(),
                    req.uri().path()
                )
            });
        Outcome::Success(PageKey(key))
    }
}

/// The cache key of a JSON document: its path (the same for every visitor and language).
pub struct JsonKey(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for JsonKey {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let enabled = req
            .rocket()
            .state::<PageCache>()
            .is_some_and(PageCache::enabled);
        let key = (enabled && req.method() == Method::Get && req.uri().query().is_none())
            .then(|| format!("json\n{}", req.uri().path()));
        Outcome::Success(JsonKey(key))
    }
}

/// The cache key of a feed: its path and the reader's language (its title is translated).
pub struct FeedKey(pub Option<String>);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for FeedKey {
    type Error = std::convert::Infallible;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let enabled = req
            .rocket()
            .state::<PageCache>()
            .is_some_and(PageCache::enabled);
        let key = (enabled && req.method() == Method::Get && req.uri().query().is_none())
            .then(|| format!("feed\n{}\n{}", request_lang(req).code(), req.uri().path()));
        Outcome::Success(FeedKey(key))
    }
}

/// An answer from the cache, or a page to render, store and answer (`Fill`).
pub enum Cached {
    Entry(Arc<Entry>),
    Fill {
        ticket: Ticket,
        petition_id: Option<i32>,
        until: Option<Instant>,
        page: Page,
    },
}

impl Cached {
    pub fn page(
        ticket: Ticket,
        petition_id: Option<i32>,
        until: Option<Instant>,
        page: Page,
    ) -> Cached {
        Cached::Fill {
            ticket,
            petition_id,
            until,
            page,
        }
    }
}

impl<'r> Responder<'r, 'static> for Cached {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let entry = match self {
            Cached::Entry(entry) => entry,
            Cached::Fill {
                ticket,
                petition_id,
                until,
                page,
            } => {
                // Not for the cache (someone logged in, a query string…): the visitor's own page.
                let Some(cache) = req.rocket().state::<PageCache>() else {
                    return page.respond_to(req);
                };
                if ticket.key.is_none() {
                    return page.respond_to(req);
                }
                let status = page.status_code();
                let html = match page.render_shared(req) {
                    Ok(html) => html,
                    Err(e) => {
                        tracing::error!(template = page.template(), error = %e, "cannot render a page");
                        return Error::Internal("page".into()).respond_to(req);
                    }
                };
                let body: Arc<[u8]> = html.into_bytes().into();
                let content = Content::Page {
                    status,
                    etag: cache.etag(&body),
                    body,
                    gzip: OnceLock::new(),
                };
                cache.store(ticket, petition_id, until, content)
            }
        };
        respond(&entry, req)
    }
}

fn respond(entry: &Entry, req: &Request<'_>) -> response::Result<'static> {
    match &entry.content {
        Content::Page {
            status,
            body,
            etag,
            gzip,
        } => {
            let mut response = Response::build();
            response
                .header(ContentType::HTML)
                .header(Header::new("Cache-Control", SHARED))
                .header(Header::new("Vary", PAGE_VARY))
                .header(Header::new("ETag", etag.clone()));
            if *status == Status::Ok && if_none_match(req, etag) {
                return response.status(Status::NotModified).ok();
            }
            response.status(*status);
            let compressed = accepts_gzip(req)
                .then(|| gzip.get_or_init(|| compress(body)).clone())
                .flatten();
            // Shared, not copied: every answer reads the one cached copy.
            let body = match compressed {
                Some(gzip) => {
                    response.header(Header::new("Content-Encoding", "gzip"));
                    gzip
                }
                None => body.clone(),
            };
            // One chunk: Rocket hands a body to hyper in chunks of 4 KiB by default, and each chunk
            // can cost a write of its own.
            let chunk = body.len().max(4096);
            response
                .sized_body(body.len(), Cursor::new(body))
                .max_chunk_size(chunk)
                .ok()
        }
        Content::Document {
            content_type,
            vary,
            body,
            etag,
        } => {
            let mut response = Response::build();
            response
                .header(content_type.clone())
                .header(Header::new("Cache-Control", SHARED))
                .header(Header::new("Vary", *vary))
                .header(Header::new("ETag", etag.clone()));
            if if_none_match(req, etag) {
                return response.status(Status::NotModified).ok();
            }
            let body = body.clone().into_bytes();
            let chunk = body.len().max(4096);
            response
                .sized_body(body.len(), Cursor::new(body))
                .max_chunk_size(chunk)
                .ok()
        }
        Content::Redirect(location) => Response::build()
            .status(Status::MovedPermanently)
            .header(Header::new("Location", location.clone()))
            .ok(),
        Content::Petition(_) => Err(Status::InternalServerError),
    }
}

fn if_none_match(req: &Request<'_>, etag: &str) -> bool {
    req.headers()
        .get("If-None-Match")
        .flat_map(|v| v.split(','))
        .any(|candidate| {
            let candidate = candidate.trim();
            candidate == etag || candidate == "*"
        })
}

fn accepts_gzip(req: &Request<'_>) -> bool {
    req.headers()
        .get("Accept-Encoding")
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case("gzip") && !refused
        })
}

/// What a shared cache may do with a cached answer: keep it a second, and serve it a few seconds
/// more while it asks again (the page cache here rebuilds within a second under load).
const SHARED: &str = "public, max-age=1, stale-while-revalidate=5";

/// What a page depends on besides its address: its compression and the reader's language (the
/// `lang` cookie, else `Accept-Language`).
const PAGE_VARY: &str = "Accept-Encoding, Accept-Language, Cookie";

/// A page compressed once (gzip) for every client that accepts it.
fn compress(body: &[u8]) -> Option<Arc<[u8]>> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3 + 64),
        flate2::Compression::default(),
    );
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Into::into)
}

/// Sets up the cache and the signature writer's queue, starts the count folder, and marks the
/// cache stale after changes made through this instance.
pub struct Caching;

#[rocket::async_trait]
impl Fairing for Caching {
    fn info(&self) -> Info {
        Info {
            name: "Page cache, group commit, count folding",
            kind: Kind::Ignite | Kind::Liftoff | Kind::Response,
        }
    }

    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let ttl = rocket
            .state::<Site>()
            .map_or(1000, |s| s.settings.page_cache_millis);
        Ok(rocket
            .manage(PageCache::new(Duration::from_millis(ttl)))
            .manage(SigningQueue::default()))
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        if let Some(db) = rocket.state::<DatabaseConnection>() {
            tokio::spawn(crate::domain::signing::counter::run_folder(
                db.clone(),
                rocket.shutdown(),
            ));
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        if matches!(req.method(), Method::Get | Method::Head) || res.status().code >= 400 {
            return;
        }
        // Signing (on the petition's page or in its widget) changes no public page (a signature
        // counts once confirmed); a confirmation marks its own petition stale; the language switch
        // only sets a cookie; a report changes no page (and anyone may send one: it must not be a
        // way to empty the cache).
        let route = req.route().map(|r| r.uri.to_string()).unwrap_or_default();
        if matches!(
            route.as_str(),
            "/petitions/<id>/sign"
                | "/petitions/<id>/embed/sign"
                | "/confirm/<token>"
                | "/language"
                | "/petitions/<id>/report"
        ) {
            return;
        }
        if let Some(cache) = req.rocket().state::<PageCache>() {
            cache.invalidate_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// Fifty requests for an entry nobody has built yet: one builds it, the others wait for it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_misses_of_one_key_build_it_once() {
        let cache = Arc::new(PageCache::new(Duration::from_millis(1000)));
        let builds = Arc::new(AtomicUsize::new(0));
        let hits = Arc::new(AtomicUsize::new(0));
        let mut requests = Vec::new();
        for _ in 0..50 {
            let (cache, builds, hits) = (cache.clone(), builds.clone(), hits.clone());
            requests.push(tokio::spawn(async move {
                match cache.lookup(Some("/petitions/1".into())).await {
                    Lookup::Hit(_) => {
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                    Lookup::Miss(ticket) => {
                        builds.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        cache.store(ticket, Some(1), None, Content::Redirect("/p".into()));
                    }
                }
            }));
        }
        for request in requests {
            request.await.expect("request");
        }
        assert_eq!(builds.load(Ordering::Relaxed), 1, "one build");
        assert_eq!(hits.load(Ordering::Relaxed), 49, "the others use it");
    }

    /// A build that fails (its ticket dropped without storing) lets a waiting request build.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_build_hands_over_to_a_waiting_request() {
        let cache = Arc::new(PageCache::new(Duration::from_millis(1000)));
        let Lookup::Miss(first) = cache.lookup(Some("k".into())).await else {
            panic!("nothing is cached yet");
        };
        let waiter = {
            let cache = cache.clone();
            tokio::spawn(async move { cache.lookup(Some("k".into())).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        drop(first);
        let Lookup::Miss(second) = waiter.await.expect("waiter") else {
            panic!("the failed build stored nothing");
        };
        assert!(started.elapsed() < WAIT_FOR_BUILD, "woken, not timed out");
        drop(second);
        assert!(matches!(
            cache.lookup(Some("k".into())).await,
            Lookup::Miss(_)
        ));
    }
}
