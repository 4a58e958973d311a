//! `Page`, the responder of every HTML answer: it renders a template with the request's language,
//! CSRF token and site-wide values added to the handler's context.
use std::io::Cursor;

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::guards::{csrf_token, request_lang};
use crate::Site;
use crate::error::Error;
use crate::i18n;

pub struct Page {
    template: &'static str,
    context: Value,
    status: Status,
}

impl Page {
    pub fn new(template: &'static str, context: impl Serialize) -> Page {
        let context = serde_json::to_value(context).unwrap_or_else(|_| json!({}));
        Page {
            template,
            context,
            status: Status::Ok,
        }
    }

    /// Adds `key` to the page's context.
    pub fn with(mut self, key: &str, value: impl Serialize) -> Page {
        if let Some(map) = self.context.as_object_mut() {
            map.insert(
                key.to_string(),
                serde_json::to_value(value).unwrap_or(Value::Null),
            );
        }
        self
    }

    pub fn status(mut self, status: Status) -> Page {
        self.status = status;
        self
    }

    /// The translated page for an HTTP error status (`message` is a Fluent key).
    pub fn error(status: Status, message: &'static str) -> Page {
        Page::new("error", json!({ "code": status.code, "message": message })).status(status)
    }

    fn render(&self, req: &Request<'_>) -> Result<String, Error> {
        self.render_with(req, &csrf_token(req), visitor_values(req))
    }

    /// Renders the page as every visitor who `shares_cache` sees it: without a CSRF token (its
    /// forms are checked by where they come from, `guards::verify_public_form`), so that it is the
    /// same bytes for all of them and `web::cache` (or any shared cache) may keep it.
    pub(crate) fn render_shared(&self, req: &Request<'_>) -> Result<String, Error> {
        let anonymous = visitor_values(req)
            .into_iter()
            .map(|(key, _)| (key, Value::Null))
            .collect();
        self.render_with(req, "", anonymous)
    }

    pub(crate) fn status_code(&self) -> Status {
        self.status
    }

    pub(crate) fn template(&self) -> &'static str {
        self.template
    }

    fn render_with(
        &self,
        req: &Request<'_>,
        csrf: &str,
        visitor: serde_json::Map<String, Value>,
    ) -> Result<String, Error> {
        let site = req
            .rocket()
            .state::<Site>()
            .ok_or_else(|| Error::Internal("site state missing".into()))?;
        let lang = request_lang(req);
        let languages: Vec<Value> = i18n::available()
            .iter()
            .map(|l| json!({ "code": l.code(), "name": l.t("language-name"), "current": *l == lang }))
            .collect();
        let mut context = self.context.clone();
        let live = site.live.get();
        let footer = live
            .footer
            .for_reader(&lang.code(), &live.default_language)
            .map(|t| t.html.as_str());
        let extra = json!({
            "lang": lang.code(),
            "languages": languages,
            "csrf": csrf,
            "site_name": live.site_name,
            "registration_open": live.registration_open(),
            "footer_html": footer,
            "has_legal_notice": !live.legal_notice.is_empty(),
            "has_privacy_policy": !live.privacy_policy.is_empty(),
            "public_url": site.settings.public_url(),
            "current_path": req.uri().to_string(),
        });
        if let (Some(map), Value::Object(extra)) = (context.as_object_mut(), extra) {
            map.extend(extra);
            map.extend(visitor);
        }
        Ok(site.templates.render(self.template, "html", &context)?)
    }
}

/// What a page shows of this particular visitor, besides the CSRF token: every such value goes here
/// (never straight into `render_with`), because `web::cache` serves one rendering to every visitor
/// for whom all of these are null (`shares_cache`).
fn visitor_values(req: &Request<'_>) -> serde_json::Map<String, Value> {
    let mut values = serde_json::Map::new();
    values.insert(
        "visitor".into(),
        serde_json::to_value(super::session::visitor(req)).unwrap_or(Value::Null),
    );
    values
}

/// Whether this visitor sees pages exactly as every anonymous visitor does: then a page may come
/// from the shared cache (`web::cache`).
pub fn shares_cache(req: &Request<'_>) -> bool {
    visitor_values(req).values().all(Value::is_null)
}

impl<'r> Responder<'r, 'static> for Page {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let (status, body) = match self.render(req) {
            Ok(body) => (self.status, body),
            Err(e) => {
                tracing::error!(template = self.template, error = %e, "cannot render a page");
                let fallback = Page::error(Status::InternalServerError, "error-internal");
                match fallback.render(req) {
                    Ok(body) => (Status::InternalServerError, body),
                    Err(_) => return Err(Status::InternalServerError),
                }
            }
        };
        let chunk = body.len().max(4096);
        Response::build()
            .status(status)
            .header(ContentType::HTML)
            // Pages carry the visitor's CSRF token: no shared cache may keep them.
            .header(Header::new("Cache-Control", "private, no-cache"))
            // One chunk: Rocket hands a body to hyper in chunks of 4 KiB by default.
            .sized_body(body.len(), Cursor::new(body))
            .max_chunk_size(chunk)
            .ok()
    }
}

/// A page for this visitor alone that no cache may keep, not even the browser's: an owner's preview
/// of a petition the public cannot see (F1.3), pages carrying moderation links. It never goes
/// through `web::cache`.
pub struct NoStore(pub Page);

impl<'r> Responder<'r, 'static> for NoStore {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        let mut response = self.0.respond_to(req)?;
        response.set_header(Header::new("Cache-Control", "private, no-store"));
        Ok(response)
    }
}

impl<'r> Responder<'r, 'static> for Error {
    fn respond_to(self, req: &'r Request<'_>) -> response::Result<'static> {
        match &self {
            Error::NotFound | Error::Csrf | Error::Refused(_) => {
                tracing::info!(uri = %req.uri(), "{self}")
            }
            _ => tracing::error!(uri = %req.uri(), error = %self, "request failed"),
        }
        Page::error(self.status(), self.message_key()).respond_to(req)
    }
}
