//! The framework's ceiling for `bench/run.sh`: Rocket alone, with its default configuration, serving
//! one file's bytes from memory at `/page.html`, with none of Signons' work (no database, no
//! template, no cache lookup, no CSRF token). The benchmark runs it next to nginx and Signons.
//!
//!     cargo run --release --example rocket_ceiling -- page.html 8001
use std::io::Read;

use rocket::response::content::RawHtml;

#[rocket::get("/page.html")]
fn page(bytes: &rocket::State<&'static str>) -> RawHtml<&'static str> {
    RawHtml(bytes.inner())
}

#[rocket::launch]
fn rocket() -> _ {
    let args: Vec<String> = std::env::args().collect();
    let (Some(file), Some(port)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: rocket_ceiling <file> <port>");
        std::process::exit(2);
    };
    let bytes = std::fs::read_to_string(file).unwrap_or_else(|e| {
        eprintln!("cannot read {file}: {e}");
        std::process::exit(2);
    });
    let port: u16 = port.parse().unwrap_or_else(|_| {
        eprintln!("not a port: {port}");
        std::process::exit(2);
    });
    // A release build refuses to start without a secret key; this one signs nothing.
    let mut key = [0u8; 64];
    if let Err(e) = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut key)) {
        eprintln!("cannot read /dev/urandom: {e}");
        std::process::exit(2);
    }
    let figment = rocket::Config::figment()
        .merge(("port", port))
        .merge(("address", "127.0.0.1"))
        .merge(("log_level", "critical"))
        .merge(("secret_key", key.to_vec()));
    let bytes: &'static str = Box::leak(bytes.into_boxed_str());
    rocket::custom(figment)
        .manage(bytes)
        .mount("/", rocket::routes![page])
}
