//! A petition's picture (issue 13 point 2, F1.2): it heads the page and is its social preview.
//!
//! An upload (JPEG, PNG or WebP, at most `MAX_BYTES` and `MAX_PIXELS`) is decoded on the server,
//! turned the way the camera says (EXIF orientation), shrunk to `WIDTHS` and re-encoded as JPEG:
//! what is served is new pixels only, without the file's metadata (GPS position, camera, dates).
//! JPEG photos are decoded at a reduced scale (1/2, 1/4 or 1/8, in the DCT) when that still gives
//! the largest width, so that a 12-megapixel photo takes a few megabytes, not 36; one picture is
//! processed at a time. The files live in the database (`pictures`), named by their content, so
//! every instance serves them and browsers may keep them for ever.
use std::io::Cursor;
use std::sync::LazyLock;

use image::metadata::Orientation;
use image::{DynamicImage, ImageFormat, RgbImage};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::entity::{petition, picture};

/// The largest file accepted, in bytes.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The most pixels a picture may have (a 40-megapixel photo; 60 is refused).
pub const MAX_PIXELS: u64 = 40_000_000;
/// The widths served, in pixels; none wider than the picture sent.
pub const WIDTHS: [u32; 3] = [400, 800, 1200];
/// The longest description of a picture, in characters.
pub const ALT_MAX: usize = 300;
/// JPEG quality of the files served.
const QUALITY: u8 = 80;
/// What a PNG or WebP decoder may allocate (a 12-megapixel picture with transparency fits).
const MAX_DECODE_BYTES: u64 = 48 * 1024 * 1024;

/// Fluent keys of what is wrong with a picture or its description.
pub const NOT_AN_IMAGE: &str = "picture-not-an-image";
pub const TOO_HEAVY: &str = "picture-too-heavy";
pub const TOO_LARGE: &str = "picture-too-large";
pub const ALT_REQUIRED: &str = "picture-alt-required";
pub const ALT_TOO_LONG: &str = "picture-alt-too-long";

/// One picture processed at a time: decoding is what takes memory.
static ONE_AT_A_TIME: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(1));

/// A picture ready to be stored: its files, the widest first.
#[derive(Debug, Clone)]
pub struct Processed {
    pub key: String,
    pub files: Vec<File>,
}

#[derive(Debug, Clone)]
pub struct File {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
}

impl Processed {
    pub fn largest(&self) -> &File {
        &self.files[0]
    }
}

/// What the page shows of a picture.
#[derive(Debug, Clone, Serialize)]
pub struct PictureView {
    /// Its widest file, a path on this site.
    pub src: String,
    /// Every width, for `srcset`.
    pub srcset: String,
    pub width: i32,
    pub height: i32,
    pub alt: String,
}

impl PictureView {
    pub fn of(p: &petition::Model) -> Option<PictureView> {
        let key = p.picture_key.as_deref()?;
        let width = p.picture_width?;
        let height = p.picture_height?;
        let widths = widths_for(width as u32);
        let srcset = widths
            .iter()
            .rev()
            .map(|w| format!("{} {w}w", path(key, *w)))
            .collect::<Vec<_>>()
            .join(", ");
        Some(PictureView {
            src: path(key, width as u32),
            srcset,
            width,
            height,
            alt: p.picture_alt.clone().unwrap_or_default(),
        })
    }
}

/// Where a file of a picture is served.
pub fn path(key: &str, width: u32) -> String {
    format!("/pictures/{key}/{width}.jpg")
}

/// The widths served of a picture whose widest file is `largest` pixels wide, widest first.
pub fn widths_for(largest: u32) -> Vec<u32> {
    let mut widths = vec![largest];
    widths.extend(WIDTHS.iter().rev().copied().filter(|w| *w < largest));
    widths
}

/// The description as typed, checked: required, at most `ALT_MAX` characters.
pub fn read_alt(typed: &str) -> Result<String, &'static str> {
    let alt = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if alt.is_empty() {
        Err(ALT_REQUIRED)
    } else if alt.chars().count() > ALT_MAX {
        Err(ALT_TOO_LONG)
    } else {
        Ok(alt)
    }
}

/// A file sent: where it was written as it arrived, or its bytes.
#[derive(Debug)]
pub enum Sent {
    Path(std::path::PathBuf),
    Bytes(Vec<u8>),
}

/// Decodes, turns, shrinks and re-encodes an upload (off the async threads, one at a time; the
/// file is read only when its turn comes). `complete` is false when the upload was cut at the size
/// limit.
pub async fn process(sent: Sent, complete: bool) -> Result<Processed, &'static str> {
    if !complete {
        return Err(TOO_HEAVY);
    }
    let _turn = ONE_AT_A_TIME.acquire().await.map_err(|_| NOT_AN_IMAGE)?;
    let bytes = match sent {
        Sent::Path(path) => tokio::fs::read(&path).await.map_err(|_| NOT_AN_IMAGE)?,
        Sent::Bytes(bytes) => bytes,
    };
    if bytes.len() as u64 > MAX_BYTES {
        return Err(TOO_HEAVY);
    }
    tokio::task::spawn_blocking(move || process_now(&bytes))
        .await
        .unwrap_or(Err(NOT_AN_IMAGE))
}

/// `process`, on this thread.
pub fn process_now(bytes: &[u8]) -> Result<Processed, &'static str> {
    let (stored, orientation) = match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => decode_jpeg(bytes)?,
        Ok(format @ (ImageFormat::Png | ImageFormat::WebP)) => decode_other(bytes, format)?,
        _ => return Err(NOT_AN_IMAGE),
    };
    let turned = turns_sideways(orientation);
    // The width it is seen at, once turned.
    let (seen_width, seen_height) = if turned {
        (stored.height(), stored.width())
    } else {
        (stored.width(), stored.height())
    };
    let largest_width = seen_width.min(WIDTHS[WIDTHS.len() - 1]).max(1);
    let mut files = Vec::new();
    let mut largest: Option<RgbImage> = None;
    for width in widths_for(largest_width) {
        let height = ((u64::from(seen_height) * u64::from(width)) / u64::from(seen_width)).max(1);
        let height = height as u32;
        let picture = match &largest {
            // The smaller widths from the largest, already turned.
            Some(from) => shrink(from, width, height)?,
            None => {
                let (w, h) = if turned {
                    (height, width)
                } else {
                    (width, height)
                };
                let resized = if (w, h) == stored.dimensions() {
                    stored.clone()
                } else {
                    shrink(&stored, w, h)?
                };
                let mut picture = DynamicImage::ImageRgb8(resized);
                picture.apply_orientation(orientation);
                let picture = picture.into_rgb8();
                largest = Some(picture.clone());
                picture
            }
        };
        files.push(File {
            width,
            height,
            bytes: encode(&picture)?,
        });
    }
    let digest = Sha256::digest(&files[0].bytes);
    let key = digest[..10].iter().map(|b| format!("{b:02x}")).collect();
    Ok(Processed { key, files })
}

fn turns_sideways(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

fn check_pixels(width: u64, height: u64) -> Result<(), &'static str> {
    if width == 0 || height == 0 {
        Err(NOT_AN_IMAGE)
    } else if width * height > MAX_PIXELS {
        Err(TOO_LARGE)
    } else {
        Ok(())
    }
}

/// A JPEG, decoded at the smallest scale that keeps the largest width served.
fn decode_jpeg(bytes: &[u8]) -> Result<(RgbImage, Orientation), &'static str> {
    use jpeg_decoder::PixelFormat;
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(MAX_DECODE_BYTES as usize);
    decoder.read_info().map_err(|_| NOT_AN_IMAGE)?;
    let info = decoder.info().ok_or(NOT_AN_IMAGE)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    check_pixels(width.into(), height.into())?;
    // Both sides reach the largest width (or stay whole): whichever way the picture is turned,
    // its seen width does.
    let wanted = WIDTHS[WIDTHS.len() - 1];
    let mut scale = 1;
    for candidate in [8u32, 4, 2] {
        if width.div_ceil(candidate) >= wanted.min(width)
            && height.div_ceil(candidate) >= wanted.min(height)
        {
            scale = candidate;
            break;
        }
    }
    let (w, h) = decoder
        .scale(width.div_ceil(scale) as u16, height.div_ceil(scale) as u16)
        .map_err(|_| NOT_AN_IMAGE)?;
    let pixels = decoder.decode().map_err(|_| NOT_AN_IMAGE)?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let info = decoder.info().ok_or(NOT_AN_IMAGE)?;
    let rgb: Vec<u8> = match info.pixel_format {
        PixelFormat::RGB24 => pixels,
        PixelFormat::L8 => pixels.iter().flat_map(|l| [*l, *l, *l]).collect(),
        PixelFormat::L16 => pixels
            .chunks_exact(2)
            .flat_map(|l| [l[0], l[0], l[0]])
            .collect(),
        PixelFormat::CMYK32 => pixels
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u16::from(p[3]);
                [p[0], p[1], p[2]].map(|c| ((u16::from(c) * k) / 255) as u8)
            })
            .collect(),
    };
    let image = RgbImage::from_raw(u32::from(w), u32::from(h), rgb).ok_or(NOT_AN_IMAGE)?;
    Ok((image, orientation))
}

/// A PNG or WebP, within the decoder's memory limit; transparency over white.
fn decode_other(
    bytes: &[u8],
    format: ImageFormat,
) -> Result<(RgbImage, Orientation), &'static str> {
    use image::ImageDecoder;
    let reader = || {
        let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        reader.limits(limits);
        reader
    };
    let (width, height) = reader().into_dimensions().map_err(|_| NOT_AN_IMAGE)?;
    check_pixels(width.into(), height.into())?;
    let mut decoder = reader().into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => TOO_LARGE,
        _ => NOT_AN_IMAGE,
    })?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => TOO_LARGE,
        _ => NOT_AN_IMAGE,
    })?;
    let rgb = if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        let mut rgb = RgbImage::new(rgba.width(), rgba.height());
        for (to, from) in rgb.pixels_mut().zip(rgba.pixels()) {
            let alpha = u16::from(from[3]);
            for c in 0..3 {
                to[c] = ((u16::from(from[c]) * alpha + 255 * (255 - alpha)) / 255) as u8;
            }
        }
        rgb
    } else {
        image.into_rgb8()
    };
    Ok((rgb, orientation))
}

/// `from` resized to `width` × `height` (Catmull-Rom), with fast_image_resize: its passes keep
/// bytes, where `image`'s resize keeps four floats a pixel (51 MB for a 12-megapixel photo).
fn shrink(from: &RgbImage, width: u32, height: u32) -> Result<RgbImage, &'static str> {
    use fast_image_resize as resize;
    let source = resize::images::ImageRef::new(
        from.width(),
        from.height(),
        from.as_raw(),
        resize::PixelType::U8x3,
    )
    .map_err(|_| NOT_AN_IMAGE)?;
    let mut target = resize::images::Image::new(width, height, resize::PixelType::U8x3);
    let options = resize::ResizeOptions::new().resize_alg(resize::ResizeAlg::Convolution(
        resize::FilterType::CatmullRom,
    ));
    resize::Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|_| NOT_AN_IMAGE)?;
    RgbImage::from_raw(width, height, target.into_vec()).ok_or(NOT_AN_IMAGE)
}

fn encode(picture: &RgbImage) -> Result<Vec<u8>, &'static str> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, QUALITY)
        .encode_image(picture)
        .map_err(|_| NOT_AN_IMAGE)?;
    Ok(bytes)
}

/// What a form (the wizard's text step, the editor) asks of a petition's picture.
#[derive(Debug, Default)]
pub struct Change {
    /// A file sent, and whether it arrived whole (not cut at the size limit).
    pub upload: Option<(Sent, bool)>,
    /// The description as typed.
    pub alt: String,
    /// "Remove the picture" was ticked (a file sent at the same time wins).
    pub remove: bool,
}

/// Applies `change` to `petition` (whose permission the caller checked). On a mistake nothing is
/// changed and the messages are keyed by field: `picture` (the file) and `picture_alt`.
pub async fn change(
    conn: &DatabaseConnection,
    petition: &petition::Model,
    change: Change,
) -> Result<(), ChangeError> {
    let mut errors = crate::domain::people::account::FieldErrors::new();
    match change.upload {
        Some((sent, complete)) => {
            let alt = read_alt(&change.alt);
            if let Err(key) = alt {
                errors.insert("picture_alt", key);
            }
            match process(sent, complete).await {
                Ok(processed) if errors.is_empty() => {
                    store(conn, petition.id, &processed, &alt.unwrap_or_default()).await?;
                }
                Ok(_) => {
                    // The file was fine: only its description is missing; it has to be chosen
                    // again (a browser does not keep a file in a form that comes back).
                    errors.insert("picture", "picture-choose-again");
                }
                Err(key) => {
                    errors.insert("picture", key);
                }
            }
        }
        None if change.remove => remove(conn, petition.id).await?,
        None if petition.picture_key.is_some() => match read_alt(&change.alt) {
            Ok(alt) if Some(&alt) != petition.picture_alt.as_ref() => {
                describe(conn, petition.id, &alt).await?
            }
            Ok(_) => {}
            Err(key) => {
                errors.insert("picture_alt", key);
            }
        },
        None => {}
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ChangeError::Invalid(errors))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error("invalid picture")]
    Invalid(crate::domain::people::account::FieldErrors),
}

/// Gives petition `petition_id` the picture `processed`, described by `alt`; the files of its
/// former picture go when nothing else shows them.
pub async fn store(
    conn: &DatabaseConnection,
    petition_id: i32,
    processed: &Processed,
    alt: &str,
) -> Result<(), sea_orm::DbErr> {
    let txn = crate::db::begin_write(conn).await?;
    let Some(found) = petition::Entity::find_by_id(petition_id).one(&txn).await? else {
        return Err(sea_orm::DbErr::RecordNotFound("petition".into()));
    };
    let known = picture::Entity::find()
        .filter(picture::Column::Key.eq(&processed.key))
        .count(&txn)
        .await?;
    if known == 0 {
        let now = crate::domain::now();
        for file in &processed.files {
            picture::ActiveModel {
                key: Set(processed.key.clone()),
                width: Set(file.width as i32),
                height: Set(file.height as i32),
                bytes: Set(file.bytes.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    let former = found.picture_key.clone();
    let largest = processed.largest();
    let mut active: petition::ActiveModel = found.into();
    active.picture_key = Set(Some(processed.key.clone()));
    active.picture_alt = Set(Some(alt.to_string()));
    active.picture_width = Set(Some(largest.width as i32));
    active.picture_height = Set(Some(largest.height as i32));
    active.updated_at = Set(crate::domain::now());
    active.update(&txn).await?;
    if let Some(former) = former.filter(|f| *f != processed.key) {
        forget_unused(&txn, &former).await?;
    }
    txn.commit().await
}

/// Changes the description of the picture petition `petition_id` has (none: nothing changes).
pub async fn describe<C: ConnectionTrait>(
    conn: &C,
    petition_id: i32,
    alt: &str,
) -> Result<(), sea_orm::DbErr> {
    petition::Entity::update_many()
        .col_expr(petition::Column::PictureAlt, alt.into())
        .col_expr(petition::Column::UpdatedAt, crate::domain::now().into())
        .filter(petition::Column::Id.eq(petition_id))
        .filter(petition::Column::PictureKey.is_not_null())
        .exec(conn)
        .await
        .map(|_| ())
}

/// Takes the picture off petition `petition_id`.
pub async fn remove(conn: &DatabaseConnection, petition_id: i32) -> Result<(), sea_orm::DbErr> {
    let txn = crate::db::begin_write(conn).await?;
    let Some(found) = petition::Entity::find_by_id(petition_id).one(&txn).await? else {
        return Ok(());
    };
    let Some(former) = found.picture_key.clone() else {
        return Ok(());
    };
    let mut active: petition::ActiveModel = found.into();
    active.picture_key = Set(None);
    active.picture_alt = Set(None);
    active.picture_width = Set(None);
    active.picture_height = Set(None);
    active.updated_at = Set(crate::domain::now());
    active.update(&txn).await?;
    forget_unused(&txn, &former).await?;
    txn.commit().await
}

/// Deletes the files of `key` when no petition shows them any more.
async fn forget_unused<C: ConnectionTrait>(conn: &C, key: &str) -> Result<(), sea_orm::DbErr> {
    let used = petition::Entity::find()
        .filter(petition::Column::PictureKey.eq(key))
        .count(conn)
        .await?;
    if used == 0 {
        picture::Entity::delete_many()
            .filter(picture::Column::Key.eq(key))
            .exec(conn)
            .await?;
    }
    Ok(())
}

/// Deletes the files no petition shows (those of deleted petitions); how many went.
pub async fn forget_all_unused<C: ConnectionTrait>(conn: &C) -> Result<u64, sea_orm::DbErr> {
    let keys: Vec<String> = picture::Entity::find()
        .select_only()
        .column(picture::Column::Key)
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    let mut gone = 0;
    for key in keys {
        let used = petition::Entity::find()
            .filter(petition::Column::PictureKey.eq(&key))
            .count(conn)
            .await?;
        if used == 0 {
            gone += picture::Entity::delete_many()
                .filter(picture::Column::Key.eq(&key))
                .exec(conn)
                .await?
                .rows_affected;
        }
    }
    Ok(gone)
}

/// The bytes of the file of `key` at `width`.
pub async fn file<C: ConnectionTrait>(
    conn: &C,
    key: &str,
    width: u32,
) -> Result<Option<Vec<u8>>, sea_orm::DbErr> {
    let found: Option<Vec<u8>> = picture::Entity::find()
        .select_only()
        .column(picture::Column::Bytes)
        .filter(picture::Column::Key.eq(key))
        .filter(picture::Column::Width.eq(width as i32))
        .into_tuple()
        .one(conn)
        .await?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let image = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, _| {
                image::Rgba([200, 0, 0, if x < width / 2 { 0 } else { 255 }])
            }))
        } else {
            DynamicImage::ImageRgb8(RgbImage::from_pixel(width, height, image::Rgb([0, 90, 0])))
        };
        image
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn widths_are_never_wider_than_the_picture() {
        assert_eq!(widths_for(1200), vec![1200, 800, 400]);
        assert_eq!(widths_for(900), vec![900, 800, 400]);
        assert_eq!(widths_for(300), vec![300]);
    }

    #[test]
    fn a_small_picture_keeps_its_size_and_transparency_turns_white() {
        let done = process_now(&png(300, 200, true)).unwrap();
        assert_eq!(done.files.len(), 1);
        assert_eq!((done.largest().width, done.largest().height), (300, 200));
        let back = image::load_from_memory(&done.largest().bytes)
            .unwrap()
            .into_rgb8();
        let left = back.get_pixel(10, 100);
        assert!(
            left.0.iter().all(|c| *c > 240),
            "transparent → white: {left:?}"
        );
        let right = back.get_pixel(290, 100);
        assert!(right[0] > 180 && right[1] < 40, "{right:?}");
    }

    #[test]
    fn a_wide_picture_is_served_at_three_widths() {
        let done = process_now(&png(2400, 1600, false)).unwrap();
        let sizes: Vec<_> = done.files.iter().map(|f| (f.width, f.height)).collect();
        assert_eq!(sizes, vec![(1200, 800), (800, 533), (400, 266)]);
        assert!(
            done.files
                .iter()
                .all(|f| f.bytes.starts_with(&[0xFF, 0xD8]))
        );
    }

    #[test]
    fn what_is_not_a_picture_is_refused() {
        assert_eq!(process_now(b"%PDF-1.4 hello").unwrap_err(), NOT_AN_IMAGE);
        let mut cut = png(400, 400, false);
        cut.truncate(60);
        assert_eq!(process_now(&cut).unwrap_err(), NOT_AN_IMAGE);
    }

    #[test]
    fn the_description_is_required_and_bounded() {
        assert_eq!(read_alt("  ").unwrap_err(), ALT_REQUIRED);
        assert_eq!(
            read_alt(&"a".repeat(ALT_MAX + 1)).unwrap_err(),
            ALT_TOO_LONG
        );
        assert_eq!(read_alt(" A park\nin May ").unwrap(), "A park in May");
    }
}
