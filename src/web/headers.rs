//! Security headers on every response, in one place. The Content-Security-Policy allows nothing but
//! this site itself: no CDN, no font host, no analytics can ever be loaded (F9.1). A site reached
//! over https tells browsers to keep to https for a year (HSTS).
//!
//! No other site may frame a page (`frame-ancestors 'none'`, `X-Frame-Options: DENY`), so that none
//! can dress our buttons up as its own (clickjacking) — but for the embeddable sign widget, made to
//! be framed anywhere: its responder marks the request (`allow_framing`) and only then does the
//! policy say `frame-ancestors *`. Everything else about the policy stays the same for it.
use std::sync::atomic::{AtomicBool, Ordering};

use rocket::fairing::{Fairing, Info, Kind};
use rocket::http::Header;
use rocket::{Request, Response};

pub struct SecurityHeaders;

/// The policy, with who may frame the page.
macro_rules! policy {
    ($frame_ancestors:literal) => {
        concat!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; ",
            "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors ",
            $frame_ancestors,
            "; base-uri 'none'; object-src 'none'"
        )
    };
}

pub const CONTENT_SECURITY_POLICY: &str = policy!("'none'");

/// The same policy for the pages of the sign widget, which any site may frame.
pub const FRAMABLE_CONTENT_SECURITY_POLICY: &str = policy!("*");

/// Whether this response may be framed by other sites; false unless `allow_framing` said so.
struct Framing(AtomicBool);

fn framing<'a>(req: &'a Request<'_>) -> &'a Framing {
    req.local_cache(|| Framing(AtomicBool::new(false)))
}

/// Lets other sites frame the answer to `req`: only the sign widget's responder calls this.
pub fn allow_framing(req: &Request<'_>) {
    framing(req).0.store(true, Ordering::Relaxed);
}

#[rocket::async_trait]
impl Fairing for SecurityHeaders {
    fn info(&self) -> Info {
        Info {
            name: "Security headers",
            kind: Kind::Response,
        }
    }

    async fn on_response<'r>(&self, req: &'r Request<'_>, res: &mut Response<'r>) {
        let https = req
            .rocket()
            .state::<crate::Site>()
            .is_some_and(|s| s.settings.public_url().starts_with("https://"));
        if https {
            res.set_header(Header::new("Strict-Transport-Security", "max-age=31536000"));
        }
        let framable = framing(req).0.load(Ordering::Relaxed);
        res.set_header(Header::new(
            "Content-Security-Policy",
            if framable {
                FRAMABLE_CONTENT_SECURITY_POLICY
            } else {
                CONTENT_SECURITY_POLICY
            },
        ));
        res.set_header(Header::new("Referrer-Policy", "same-origin"));
        res.set_header(Header::new("X-Content-Type-Options", "nosniff"));
        if framable {
            res.remove_header("X-Frame-Options");
        } else {
            res.set_header(Header::new("X-Frame-Options", "DENY"));
        }
        res.set_header(Header::new("Cross-Origin-Opener-Policy", "same-origin"));
        res.set_header(Header::new(
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ));
    }
}
