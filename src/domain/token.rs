//! Secrets handed to people (confirmation links) and the keyed hashes kept in their place.
use base64::Engine;
use hmac::{Hmac, Mac};
use rand::RngExt;
use sha2::{Digest, Sha256};

/// A fresh random token, URL-safe (43 characters, 256 bits).
pub fn generate() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored instead of a token: its SHA-256, hex. A token is 256 random bits, so a plain
/// hash is enough (no slow hash needed) and looking it up stays an index probe.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The keyed hash of an IP address: lets rate limits recognise a repeat visitor without storing
/// the address (F2.7, F9.2).
pub fn ip_hash(key: &[u8; 32], ip: std::net::IpAddr) -> String {
    keyed_hash(key, &ip.to_string())
}

/// A keyed hash of any text (HMAC-SHA-256, 128 bits, hex): lets a limit recognise a value again
/// without keeping it.
pub fn keyed_hash(key: &[u8; 32], text: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(text.as_bytes());
    hex(&mac.finalize().into_bytes()[..16])
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
