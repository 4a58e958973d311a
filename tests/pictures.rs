//! A petition's picture (issue 13 point 2): sent with the editor, decoded, turned, shrunk and
//! re-encoded on the server, served without its metadata from every instance's database, heading
//! the page and its social preview; what is not a picture, or too large, is refused with a message
//! in the reader's language and nothing stored.
mod common;

use std::io::{Cursor, Write};

use common::app::{TestApp, backends, extract_csrf};
use common::people::park_friends_petition;
use image::{DynamicImage, ImageFormat, RgbImage};
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::entity::{petition as petition_entity, picture};

async fn stored(app: &TestApp, id: i32) -> petition_entity::Model {
    petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("row")
}

async fn stored_files(app: &TestApp) -> u64 {
    picture::Entity::find().count(&app.db).await.expect("count")
}

/// The editor's form as the petition has it, with `changes` and an optional file, in `lang`.
async fn save(
    app: &TestApp,
    id: i32,
    changes: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
    lang: &str,
) -> (Status, String) {
    let (_, page) = app.get(&format!("/petitions/{id}/edit")).await;
    let csrf = extract_csrf(&page).expect("the editor's token");
    let row = stored(app, id).await;
    let mut fields: Vec<(&str, String)> = vec![
        ("csrf", csrf),
        ("title", row.title.clone()),
        ("body_html", row.body_html.clone()),
        ("goal", String::new()),
        ("deadline", String::new()),
        ("paper_signatures", "0".into()),
        ("data_notice", String::new()),
        ("reply_to", String::new()),
        ("theme", "default".into()),
        ("accent", String::new()),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name, value.to_string())),
        }
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let files: Vec<(&str, &str, &str, &[u8])> = file
        .map(|(name, content_type, bytes)| vec![("picture", name, content_type, bytes)])
        .unwrap_or_default();
    let response = app
        .post_multipart(&format!("/petitions/{id}/edit"), &fields, &files, lang)
        .await;
    let status = response.status();
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string();
    let body = response.into_string().await.unwrap_or_default();
    (status, if body.is_empty() { location } else { body })
}

/// A real PNG of 8000 × 7500 pixels (60 megapixels), grey.
fn sixty_megapixels() -> Vec<u8> {
    let grey = image::GrayImage::from_pixel(8000, 7500, image::Luma([128]));
    let mut png = Vec::new();
    DynamicImage::ImageLuma8(grey)
        .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .expect("encode");
    png
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[rocket::async_test]
async fn a_phone_photo_is_served_turned_shrunk_and_without_its_metadata() {
    let photo = common::photo::phone_photo();
    assert!(
        photo.len() > 1_000_000,
        "a real 12-megapixel file: {}",
        photo.len()
    );
    assert!(contains(&photo, b"Exif\0\0MM"));
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = park_friends_petition(&app, "ana").await;
        let id = located.petition.id;
        let (status, body) = save(
            &app,
            id,
            &[("picture_alt", "The old plane trees of the park in spring")],
            Some(("IMG_2041.JPG", "image/jpeg", &photo)),
            "en",
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}: {body}");

        let row = stored(&app, id).await;
        let key = row.picture_key.clone().expect("a picture");
        // Seen upright: 3000 wide and 4000 high, served at most 1200 wide.
        assert_eq!(
            (row.picture_width, row.picture_height),
            (Some(1200), Some(1600)),
            "{backend:?}"
        );

        let (status, page) = app.get(&located.path()).await;
        assert_eq!(status, Status::Ok);
        let largest = format!("/pictures/{key}/1200.jpg");
        assert!(
            page.contains(&format!("src=\"{largest}\"")),
            "{backend:?}: the picture heads the page: {page}"
        );
        assert!(
            page.contains(&format!("/pictures/{key}/400.jpg 400w")),
            "{backend:?}: srcset"
        );
        assert!(page.contains("alt=\"The old plane trees of the park in spring\""));
        assert!(page.contains(&format!(
            "<meta property=\"og:image\" content=\"http://signons.test{largest}\">"
        )));
        assert!(page.contains("og:image:alt"));
        let document = app.json(id).await;
        assert_eq!(
            document["picture"]["url"],
            format!("http://signons.test{largest}"),
            "{backend:?}"
        );

        for (width, height) in [(1200u32, 1600u32), (800, 1066), (400, 533)] {
            let response = app
                .client
                .get(format!("/pictures/{key}/{width}.jpg"))
                .dispatch()
                .await;
            assert_eq!(response.status(), Status::Ok, "{backend:?}: {width}");
            assert_eq!(
                response.content_type(),
                Some(rocket::http::ContentType::JPEG)
            );
            let cache = response
                .headers()
                .get_one("Cache-Control")
                .unwrap_or_default()
                .to_string();
            assert!(
                cache.contains("immutable") && cache.contains("max-age=31536000"),
                "{cache}"
            );
            let bytes = response.into_bytes().await.expect("bytes");
            assert!(!contains(&bytes, b"Exif"), "{backend:?}: no EXIF left");
            assert!(
                !contains(&bytes, b"MM\0\x2a"),
                "{backend:?}: no TIFF block left"
            );
            let served = image::load_from_memory(&bytes).expect("a picture");
            assert_eq!(
                (served.width(), served.height()),
                (width, height),
                "{backend:?}"
            );
            if width == 1200 {
                let _ = writeln!(
                    std::io::stderr(),
                    "{backend:?}: a {}-byte 12-megapixel photo is served at 1200 × 1600 in {} bytes",
                    photo.len(),
                    bytes.len()
                );
                assert!(
                    bytes.len() < 300_000,
                    "{backend:?}: the largest file weighs {} bytes",
                    bytes.len()
                );
                // Turned upright: what was the left half of the sensor is now the top.
                let rgb = served.to_rgb8();
                let top = rgb.get_pixel(600, 200);
                let bottom = rgb.get_pixel(600, 1400);
                assert!(
                    top[0] > 150 && top[2] < 100,
                    "{backend:?}: warm on top: {top:?}"
                );
                assert!(
                    bottom[2] > 150 && bottom[0] < 100,
                    "{backend:?}: cold below: {bottom:?}"
                );
            }
        }
        let missing = app
            .client
            .get(format!("/pictures/{key}/999.jpg"))
            .dispatch()
            .await
            .status();
        assert_eq!(missing, Status::NotFound);

        // Taking it off removes its files.
        let (status, _) = save(&app, id, &[("picture_remove", "true")], None, "en").await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(stored(&app, id).await.picture_key, None, "{backend:?}");
        assert_eq!(stored_files(&app).await, 0, "{backend:?}");
        let (_, page) = app.get(&located.path()).await;
        assert!(!page.contains("/pictures/"), "{backend:?}");
        app.finish().await;
    }
}

/// A file refused: its name, type and bytes, the description typed, the language, the message.
type Refused<'a> = (&'a str, &'a str, &'a [u8], &'a str, &'a str, &'a str);

#[rocket::async_test]
async fn too_large_not_a_picture_or_undescribed_is_refused_and_nothing_is_stored() {
    let huge = sixty_megapixels();
    let mut small = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(640, 480, image::Rgb([10, 120, 60])))
        .write_to(&mut Cursor::new(&mut small), ImageFormat::Png)
        .expect("encode");
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = park_friends_petition(&app, "ana").await;
        let id = located.petition.id;
        let cases: [Refused; 5] = [
            (
                "huge.png",
                "image/png",
                &huge,
                "A grey field",
                "en",
                "This picture has more than 40 megapixels. Choose a smaller one; nothing was saved.",
            ),
            (
                "huge.png",
                "image/png",
                &huge,
                "Un champ gris",
                "fr",
                "Cette image dépasse 40\u{a0}mégapixels. Choisissez-en une plus petite\u{202f}; rien n’a été enregistré.",
            ),
            (
                "tract.pdf",
                "application/pdf",
                b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n",
                "A leaflet",
                "en",
                "This file is not a JPEG, PNG or WebP picture, or it is damaged. Nothing was saved.",
            ),
            (
                "cut.png",
                "image/png",
                &small[..small.len() / 2],
                "Half a picture",
                "en",
                "This file is not a JPEG, PNG or WebP picture, or it is damaged. Nothing was saved.",
            ),
            (
                "park.png",
                "image/png",
                &small,
                "",
                "en",
                "Describe the picture for people who cannot see it.",
            ),
        ];
        for (name, content_type, bytes, alt, lang, message) in cases {
            let (status, page) = save(
                &app,
                id,
                &[("picture_alt", alt), ("title", "Save the park now")],
                Some((name, content_type, bytes)),
                lang,
            )
            .await;
            assert_eq!(
                status,
                Status::UnprocessableEntity,
                "{backend:?} {name} {lang}"
            );
            let escaped = message.replace('\'', "&#x27;");
            assert!(page.contains(&escaped), "{backend:?} {name} {lang}: {page}");
            assert!(page.contains("id=\"error-summary\""), "{backend:?} {name}");
            assert!(page.contains("aria-invalid=\"true\""), "{backend:?} {name}");
            // The description typed stays in its field.
            if !alt.is_empty() {
                assert!(
                    page.contains(&format!("value=\"{alt}\"")),
                    "{backend:?} {name}"
                );
            }
            let row = stored(&app, id).await;
            assert_eq!(row.picture_key, None, "{backend:?} {name}: no picture");
            assert_eq!(stored_files(&app).await, 0, "{backend:?} {name}: no file");
            // The rest of the form is saved all the same: nothing typed is lost.
            assert_eq!(row.title, "Save the park now", "{backend:?} {name}");
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_description_changes_alone_and_cannot_be_emptied() {
    let mut small = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(900, 600, image::Rgb([10, 120, 60])))
        .write_to(&mut Cursor::new(&mut small), ImageFormat::Png)
        .expect("encode");
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = park_friends_petition(&app, "ana").await;
        let id = located.petition.id;
        let (status, _) = save(
            &app,
            id,
            &[("picture_alt", "A green field")],
            Some(("field.png", "image/png", &small)),
            "en",
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        // 900 wide: served at 900, 800 and 400.
        assert_eq!(stored_files(&app).await, 3, "{backend:?}");
        let (status, _) = save(
            &app,
            id,
            &[("picture_alt", "The meadow by the river")],
            None,
            "en",
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(
            stored(&app, id).await.picture_alt.as_deref(),
            Some("The meadow by the river")
        );
        // Emptying the description of a picture that stays is refused.
        let (status, page) = save(&app, id, &[("picture_alt", " ")], None, "en").await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("Describe the picture for people who cannot see it."));
        assert_eq!(
            stored(&app, id).await.picture_alt.as_deref(),
            Some("The meadow by the river")
        );
        app.finish().await;
    }
}
