//! Petitions' pictures (issue 13 point 2): the files, served from the database with headers that let
//! browsers and proxies keep them for ever (their address names their content), and the picture
//! fields the wizard's text step and the editor share (`Fields`). What is done with a picture is
//! `domain::petitions::picture`'s.
use rocket::data::Capped;
use rocket::fs::TempFile;
use rocket::http::{ContentType, Header};
use rocket::{Responder, Route, State, get, routes};
use sea_orm::DatabaseConnection;

use crate::domain::petitions::picture::{self, Change, Sent};
use crate::error::Result;

pub fn routes() -> Vec<Route> {
    routes![file]
}

#[derive(Responder)]
struct PictureFile {
    body: Vec<u8>,
    content_type: ContentType,
    cache: Header<'static>,
}

#[get("/pictures/<key>/<file>")]
async fn file(
    key: &str,
    file: &str,
    db: &State<DatabaseConnection>,
) -> Result<Option<PictureFile>> {
    let Some(width) = file
        .strip_suffix(".jpg")
        .and_then(|w| w.parse::<u32>().ok())
    else {
        return Ok(None);
    };
    if key.len() > 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(picture::file(db.inner(), key, width)
        .await?
        .map(|body| PictureFile {
            body,
            content_type: ContentType::JPEG,
            cache: Header::new("Cache-Control", "public, max-age=31536000, immutable"),
        }))
}

/// What a form's picture fields ask (`picture`: the file, `picture_alt`, `picture_remove`), the
/// file read whole; an empty file field sends nothing.
pub fn change(
    file: &Option<Capped<TempFile<'_>>>,
    alt: &Option<String>,
    remove: &Option<String>,
) -> Change {
    let upload = match file {
        Some(file) if !file.is_empty() => {
            // Read when its turn to be processed comes, not before.
            let sent = match file.path() {
                Some(path) => Sent::Path(path.to_path_buf()),
                None => Sent::Bytes(Vec::new()),
            };
            Some((sent, file.is_complete()))
        }
        _ => None,
    };
    Change {
        upload,
        alt: alt.clone().unwrap_or_default(),
        remove: remove
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "false"),
    }
}
