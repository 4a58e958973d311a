//! A photo as a phone takes it, for the picture tests and `bench/picture-memory.sh` (through
//! `examples/phone_photo.rs`, which includes this file).

/// A photo as a phone takes it: 4000 × 3000 pixels (12 megapixels) of smooth light and some grain,
/// its left half warm and its right half cold, held sideways (EXIF orientation 6: turn it a
/// quarter clockwise to see it) and carrying where it was taken (GPS latitude 48° 51′ 24″ N).
pub fn phone_photo() -> Vec<u8> {
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
    // APP1 "Exif": a big-endian TIFF with IFD0 (orientation, GPS pointer) and a GPS IFD.
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    tiff.extend_from_slice(&[0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(tiff.len(), 38);
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    assert_eq!(tiff.len(), 68);
    for (num, den) in [(48u32, 1u32), (51, 1), (2400, 100)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut photo = jpeg[..2].to_vec();
    photo.extend_from_slice(&app1);
    photo.extend_from_slice(&jpeg[2..]);
    photo
}
