//! The page cache of the public, read-mostly answers: petition pages, the "check your mailbox" page,
//! the home page, the JSON documents and the Atom feeds. A viral petition is read far more often
//! than it changes, so each answer is built once (database reads and template rendering) and kept
//! for `page_cache_millis` (1 s by default), per path and language (and the version of a petition
//! in several languages its address asks for, `?lang=`).
//!
//! - **CSRF tokens.** A page is rendered once with a random placeholder where the visitor's token
//!   goes, and split there; each answer puts the visitor's own token in (from their cookie, or a new
//!   one with its `Set-Cookie`). One visitor's token is never served to another. Only visitors who
//!   see pages exactly as an anonymous visitor does use the cache (`page::shares_cache`): someone
//!   logged in gets a page rendered for them.
//! - **Freshness.** An entry is used for at most `page_cache_millis`, then rebuilt by one request
//!   while the others keep the previous one for at most half a second more; the count a page or
//!   JSON document shows is therefore never more than about 1.5 s behind on any instance. A
//!   confirmation on this instance makes its petition's entries stale at once, and any other
//!   successful form (an edit, a new petition…) all entries, so whoever changes something sees it on
//!   their next request; a rebuild that began before such a change is stored already stale.
//! - **Compression.** For clients that accept gzip, each part of a page is compressed once; an
//!   answer is the parts with the token between them as a stored deflate block, and the gzip trailer
//!   (CRC-32 combined from the parts' own), so compressing costs nothing per request.
//! - **Revalidation.** Pages carry a weak `ETag` (the cached content and the visitor's token) and
//!   `Cache-Control: private, no-cache`: a browser revalidates and gets `304 Not Modified`; no shared
//!   cache may keep a page, as it holds a token. JSON documents are the same for everyone, and a
//!   feed for everyone reading in one language: `Cache-Control: public, max-age=1` and an `ETag`,
//!   so a reverse proxy can answer them too.
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::{Cursor, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use rand::distr::{Alphanumeric, SampleString};
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::http::{ContentType, Header, Method, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::{Build, Orbit, Rocket};
use sea_orm::DatabaseConnection;

use super::guards::{csrf_token, request_lang};
use super::page::{Page, shares_cache};
use crate::Site;
use crate::domain::petitions::petition::{self, Located};
use crate::domain::signing::signing_queue::SigningQueue;
use crate::error::Error;

/// How long a stale entry may still be served while one request rebuilds it.
const GRACE: Duration = Duration::from_millis(500);
/// Longest configurable lifetime: with `GRACE`, a count is never more than 2 s behind.
const MAX_TTL: Duration = Duration::from_millis(1500);
/// Beyond this many entries (query strings are never cached but for a version of a petition, so only
/// real paths count, each in a few languages at most), start over.
const MAX_ENTRIES: usize = 1024;

pub struct PageCache {
    ttl: Duration,
    /// Stands for the CSRF token in cached pages; random per process, so no page text can forge it.
    placeholder: String,
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    /// Bumped by every invalidation; a rebuild that began under an older epoch is stored stale.
    epoch: AtomicU64,
    /// The epoch of the last eviction: a rebuild that began before it is not stored at all.
    evicted: AtomicU64,
    hasher: std::collections::hash_map::RandomState,
}

pub struct Entry {
    petition_id: Option<i32>,
    expires: Instant,
    stale: AtomicBool,
    refreshing: AtomicBool,
    content: Content,
}

enum Content {
    Page {
        status: Status,
        /// The page split where the token goes.
        parts: Vec<String>,
        tag: u64,
        gzip: OnceLock<Option<Gzip>>,
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

/// Held by the request that builds an entry. Dropped without storing (the build failed), it lets
/// the next request try again.
pub struct Ticket {
    key: Option<String>,
    epoch: u64,
    previous: Option<Arc<Entry>>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(previous) = &self.previous {
            previous.refreshing.store(false, Ordering::Release);
        }
    }
}

impl PageCache {
    /// `ttl` zero disables the cache.
    pub fn new(ttl: Duration) -> PageCache {
        PageCache {
            ttl: ttl.min(MAX_TTL),
            placeholder: format!("csrf{}", Alphanumeric.sample_string(&mut rand::rng(), 32)),
            entries: RwLock::new(HashMap::new()),
            epoch: AtomicU64::new(0),
            evicted: AtomicU64::new(0),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    pub fn enabled(&self) -> bool {
        !self.ttl.is_zero()
    }

    /// Finds the entry of `key`. A fresh one is a hit. A stale one goes to the first request that
    /// asks (a miss: it rebuilds) and, for `GRACE`, is still served to the others meanwhile.
    pub fn lookup(&self, key: Option<String>) -> Lookup {
        let epoch = self.epoch.load(Ordering::Acquire);
        let Some(k) = key.as_deref() else {
            return Lookup::Miss(Ticket {
                key,
                epoch,
                previous: None,
            });
        };
        let found = self
            .entries
            .read()
            .ok()
            .and_then(|entries| entries.get(k).cloned());
        let Some(entry) = found else {
            return Lookup::Miss(Ticket {
                key,
                epoch,
                previous: None,
            });
        };
        let now = Instant::now();
        if now < entry.expires && !entry.stale.load(Ordering::Acquire) {
            return Lookup::Hit(entry);
        }
        if !entry.refreshing.swap(true, Ordering::AcqRel) {
            return Lookup::Miss(Ticket {
                key,
                epoch,
                previous: Some(entry),
            });
        }
        if now < entry.expires + GRACE {
            return Lookup::Hit(entry);
        }
        Lookup::Miss(Ticket {
            key,
            epoch,
            previous: None,
        })
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
            refreshing: AtomicBool::new(false),
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
        let ticket = match self.lookup(key) {
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
        let etag = format!("\"{:016x}\"", self.hasher.hash_one(&body));
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

    fn token_tag(&self, token: &str) -> u64 {
        self.hasher.hash_one(token)
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
                let html = match page.render_shared(req, &cache.placeholder) {
                    Ok(html) => html,
                    Err(e) => {
                        tracing::error!(template = page.template(), error = %e, "cannot render a page");
                        return Error::Internal("page".into()).respond_to(req);
                    }
                };
                let parts: Vec<String> =
                    html.split(&cache.placeholder).map(str::to_string).collect();
                let content = Content::Page {
                    status,
                    tag: cache.hasher.hash_one(&parts),
                    parts,
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
            parts,
            tag,
            gzip,
        } => {
            let Some(cache) = req.rocket().state::<PageCache>() else {
                return Err(Status::InternalServerError);
            };
            let token = csrf_token(req);
            let token = if token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                token
            } else {
                crate::templates::escape_html(&token)
            };
            let etag = format!("W/\"{tag:016x}{:016x}\"", cache.token_tag(&token));
            let mut response = Response::build();
            response
                .header(ContentType::HTML)
                // Pages carry the visitor's CSRF token: no shared cache may keep them.
                .header(Header::new("Cache-Control", "private, no-cache"))
                .header(Header::new(
                    "Vary",
                    "Accept-Encoding, Accept-Language, Cookie",
                ))
                .header(Header::new("ETag", etag.clone()));
            if *status == Status::Ok && if_none_match(req, &etag) {
                return response.status(Status::NotModified).ok();
            }
            response.status(*status);
            let compressed = accepts_gzip(req)
                .then(|| gzip.get_or_init(|| Gzip::new(parts)).as_ref())
                .flatten();
            let body = match compressed {
                Some(gzip) => {
                    response.header(Header::new("Content-Encoding", "gzip"));
                    gzip.splice(token.as_bytes())
                }
                None => parts.join(token.as_str()).into_bytes(),
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
                .header(Header::new("Cache-Control", "public, max-age=1"))
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

/// A page's parts, each compressed on its own (raw deflate ending on a byte boundary, the last one
/// final), with their CRC-32s.
struct Gzip {
    parts: Vec<Vec<u8>>,
    crcs: Vec<flate2::Crc>,
}

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

impl Gzip {
    fn new(parts: &[String]) -> Option<Gzip> {
        let mut compressed = Vec::with_capacity(parts.len());
        let mut crcs = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let mut encoder = flate2::write::DeflateEncoder::new(
                Vec::with_capacity(part.len() / 3 + 64),
                flate2::Compression::default(),
            );
            encoder.write_all(part.as_bytes()).ok()?;
            let bytes = if i + 1 == parts.len() {
                encoder.finish().ok()?
            } else {
                // A sync flush ends the part on a byte boundary without ending the stream; a fresh
                // encoder per part means no part refers back into another.
                encoder.flush().ok()?;
                std::mem::take(encoder.get_mut())
            };
            compressed.push(bytes);
            let mut crc = flate2::Crc::new();
            crc.update(part.as_bytes());
            crcs.push(crc);
        }
        Some(Gzip {
            parts: compressed,
            crcs,
        })
    }

    /// The gzip stream of the parts joined by `token`.
    fn splice(&self, token: &[u8]) -> Vec<u8> {
        let size = self.parts.iter().map(Vec::len).sum::<usize>()
            + (token.len() + 5) * self.parts.len()
            + 18;
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(&GZIP_HEADER);
        let mut crc = flate2::Crc::new();
        let len = u16::try_from(token.len()).unwrap_or(u16::MAX);
        let token = &token[..usize::from(len)];
        for (i, part) in self.parts.iter().enumerate() {
            out.extend_from_slice(part);
            crc.combine(&self.crcs[i]);
            if i + 1 < self.parts.len() {
                // A stored (uncompressed), non-final block holding the token.
                out.push(0);
                out.extend_from_slice(&len.to_le_bytes());
                out.extend_from_slice(&(!len).to_le_bytes());
                out.extend_from_slice(token);
                crc.update(token);
            }
        }
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&crc.amount().to_le_bytes());
        out
    }
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
