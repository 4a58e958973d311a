//! Writes a photo as a phone takes it, for `bench/picture-memory.sh`: 4000 × 3000 pixels (12
//! megapixels) of smooth light and grain, held sideways (EXIF orientation 6) and carrying a GPS
//! position, as JPEG at quality 92.
//!
//!   cargo run --release --example phone_photo -- photo.jpg
fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "photo.jpg".into());
    let (width, height) = (4000u32, 3000u32);
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        let grain = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 13) as u8;
        let light = (y * 120 / height) as u8;
        if x < width / 2 {
            image::Rgb([200 + grain / 2, 60 + light / 2 + grain, 40 + grain])
        } else {
            image::Rgb([30 + grain, 70 + light / 2 + grain, 190 + grain / 2])
        }
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92)
        .encode_image(&pixels)
        .expect("encode");
    // APP1 "Exif": a big-endian TIFF whose IFD0 holds the orientation and a GPS IFD's offset.
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for (num, den) in [(48u32, 1u32), (51, 1), (2400, 100)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut photo = jpeg[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    photo.extend_from_slice(b"Exif\0\0");
    photo.extend_from_slice(&tiff);
    photo.extend_from_slice(&jpeg[2..]);
    std::fs::write(&path, &photo).expect("write the photo");
    println!("{path}: {} bytes", photo.len());
}
