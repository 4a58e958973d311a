//! Writes a photo as a phone takes it, for `bench/picture-memory.sh`: 4000 × 3000 pixels (12
//! megapixels) held sideways and carrying a GPS position, as JPEG at quality 92 — the very photo
//! the picture tests send.
//!
//!   cargo run --release --example phone_photo -- photo.jpg
#[path = "../tests/common/photo.rs"]
mod photo;

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "photo.jpg".into());
    let photo = photo::phone_photo();
    std::fs::write(&path, &photo).expect("write the photo");
    println!("{path}: {} bytes", photo.len());
}
