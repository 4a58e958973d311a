//! Static files (stylesheet, icons), compiled into the binary from `static/`; a file of the same
//! path under `<overrides_dir>/static/` takes precedence.
use std::path::PathBuf;

use include_dir::{Dir, include_dir};
use rocket::http::{ContentType, Header};
use rocket::{Responder, Route, State, get, routes};

use crate::Site;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

pub fn routes() -> Vec<Route> {
    routes![file, theme]
}

#[derive(Responder)]
struct Asset {
    body: Vec<u8>,
    content_type: ContentType,
    cache: Header<'static>,
}

#[get("/static/<path..>")]
async fn file(path: PathBuf, site: &State<Site>) -> Option<Asset> {
    let from_overrides = match &site.settings.overrides_dir {
        // `PathBuf` from segments never holds `..`, so this stays inside the folder.
        Some(dir) => tokio::fs::read(dir.join("static").join(&path)).await.ok(),
        None => None,
    };
    let body =
        from_overrides.or_else(|| BUILT_IN.get_file(&path).map(|f| f.contents().to_vec()))?;
    let content_type = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ContentType::from_extension)
        .unwrap_or(ContentType::Binary);
    Some(Asset {
        body,
        content_type,
        cache: Header::new("Cache-Control", "public, max-age=86400"),
    })
}

/// A petition's theme and accent as a stylesheet; the URL names both, so it never changes.
#[get("/theme/<name>/<file>")]
fn theme(name: &str, file: &str) -> Option<Asset> {
    let theme = crate::domain::petitions::theme::THEMES
        .iter()
        .find(|t| t.name == name)?;
    let accent = crate::domain::petitions::theme::Rgb::parse(file.strip_suffix(".css")?)?;
    Some(Asset {
        body: crate::domain::petitions::theme::stylesheet(theme, accent).into_bytes(),
        content_type: ContentType::CSS,
        cache: Header::new("Cache-Control", "public, max-age=31536000, immutable"),
    })
}
