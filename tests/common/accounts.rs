//! Accounts as tests reach them: the link a mail carried (read from the mail queue, so it works
//! with SMTP and with the .eml folder alike), posting from a chosen client address, and a second
//! browser on the same app.
use std::net::SocketAddr;

use rocket::http::{ContentType, Header};
use rocket::local::asynchronous::LocalResponse;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use signons::entity::mail_queue;

use super::app::{TestApp, encode_form, extract_csrf, local};
use super::smtp::extract_links;

/// The newest link containing `needle` in a mail queued to `to`, as a local path.
pub async fn mailed_link(app: &TestApp, to: &str, needle: &str) -> Option<String> {
    let mails = mail_queue::Entity::find()
        .filter(mail_queue::Column::Recipient.eq(to))
        .order_by_desc(mail_queue::Column::Id)
        .all(&app.db)
        .await
        .expect("mail queue");
    mails.iter().find_map(|m| {
        extract_links(&m.body_text)
            .into_iter()
            .find(|l| l.contains(needle))
            .map(|l| local(&l))
    })
}

/// Opens the verification link mailed to `email` and presses its button.
pub async fn verify_address(app: &TestApp, email: &str) {
    let link = mailed_link(app, email, "/account/verify/")
        .await
        .unwrap_or_else(|| panic!("a verification link mailed to {email}"));
    press(app, &link).await;
}

/// Opens a link's page (which changes nothing) and presses its button.
pub async fn press(app: &TestApp, link: &str) -> rocket::http::Status {
    let (status, page) = app.get(link).await;
    assert_eq!(status, rocket::http::Status::Ok, "{link}: {page}");
    let csrf = extract_csrf(&page).expect("a CSRF field on the link's page");
    app.post_form(link, &[("csrf", &csrf)]).await.status()
}

/// Posts a form as a browser at `remote` would (the app's own `post_form` uses 127.0.0.1).
pub async fn post_from<'a>(
    app: &'a TestApp,
    remote: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'a> {
    let remote: SocketAddr = remote.parse().expect("a socket address");
    app.client
        .post(path.to_string())
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", "en"))
        .remote(remote)
        .body(encode_form(fields))
        .dispatch()
        .await
}

/// A client address of its own for `name`, so that helpers registering many people stay within
/// the registration limit per address.
pub fn address_of(name: &str) -> String {
    let sum = name
        .bytes()
        .fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!(
        "10.{}.{}.{}:4242",
        (sum >> 16) & 0xff,
        (sum >> 8) & 0xff,
        (sum & 0xff).max(1)
    )
}
