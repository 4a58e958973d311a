//! Bad input gets a clear, translated answer and changes nothing: oversized bodies, invalid UTF-8,
//! script injection; every answer carries the security headers and loads nothing from elsewhere.
mod common;

use common::app::{TestApp, backends};
use rocket::http::{ContentType, Header, Status};
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::entity::signature;

#[rocket::async_test]
async fn an_oversized_form_gets_a_friendly_translated_413_page() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;
        let csrf = app.csrf(&located.path()).await;
        let huge = "x".repeat(200 * 1024);
        let body = common::app::encode_form(&[
            ("csrf", &csrf),
            ("first_name", &huge),
            ("last_name", "L"),
            ("email", "a@example.org"),
        ]);
        for (lang, text) in [("en", "too large"), ("fr", "trop volumineux")] {
            let response = app
                .client
                .post(format!("/petitions/{}/sign", located.petition.id))
                .header(ContentType::Form)
                // Sent from the petition page, as a browser says.
                .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
                .header(Header::new("Accept-Language", lang))
                .body(body.clone())
                .dispatch()
                .await;
            assert_eq!(response.status(), Status::PayloadTooLarge, "{backend:?}");
            let page = response.into_string().await.unwrap_or_default();
            assert!(page.contains(text), "{lang}: {page}");
        }
        assert_eq!(
            signature::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn invalid_utf8_in_a_form_is_refused_clearly_and_stores_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;
        let csrf = app.csrf(&located.path()).await;
        let body = format!("csrf={csrf}&first_name=%FF%FE&last_name=L&email=a%40example.org");
        let response = app
            .client
            .post(format!("/petitions/{}/sign", located.petition.id))
            .header(ContentType::Form)
            // Sent from the petition page, as a browser says.
            .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
            .body(body)
            .dispatch()
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        let page = response.into_string().await.unwrap_or_default();
        assert!(
            page.contains("This contains characters that are not allowed."),
            "{page}"
        );
        assert!(
            page.contains("value=\"a@example.org\""),
            "the rest of what was typed is kept"
        );
        assert_eq!(
            signature::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn names_with_markup_are_shown_as_text_in_pages_and_mails() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("<script>alert('title')</script>Park").await;
        let (_, page) = app.get(&located.path()).await;
        assert!(
            !page.contains("<script>alert"),
            "the title is escaped: {page}"
        );
        let csrf = app.csrf(&located.path()).await;
        let response = app
            .post_form(
                &format!("/petitions/{}/sign", located.petition.id),
                &[
                    ("csrf", &csrf),
                    ("first_name", "<img src=x onerror=alert(1)>"),
                    ("last_name", ""),
                    ("email", "x@example.org"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().await.unwrap_or_default();
        assert!(
            !page.contains("<img src=x"),
            "what was typed is escaped when shown again"
        );
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn every_page_sends_the_security_headers_and_loads_nothing_from_another_host() {
    let app = TestApp::start(backends()[0]).await;
    let located = app.petition("Save the park").await;
    for path in [located.path(), "/".to_string(), "/nowhere".to_string()] {
        let response = app.client.get(path.clone()).dispatch().await;
        let csp = response
            .headers()
            .get_one("Content-Security-Policy")
            .unwrap_or_default()
            .to_string();
        assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("http"), "no other host allowed: {csp}");
        assert_eq!(
            response.headers().get_one("X-Content-Type-Options"),
            Some("nosniff")
        );
        assert_eq!(
            response.headers().get_one("Referrer-Policy"),
            Some("same-origin")
        );
        let page = response.into_string().await.unwrap_or_default();
        for attribute in ["src=\"", "href=\""] {
            for (at, _) in page.match_indices(attribute) {
                let value = &page[at + attribute.len()..];
                let local = ["/", "#", "mailto:", "http://signons.test/"]
                    .iter()
                    .any(|p| value.starts_with(p));
                assert!(
                    local && !value.starts_with("//"),
                    "{path} links elsewhere: {}",
                    &value[..value.len().min(60)]
                );
            }
        }
    }
    let (status, css) = app.get("/static/signons.css").await;
    assert_eq!(status, Status::Ok);
    assert!(
        !css.contains("http"),
        "the stylesheet loads nothing from elsewhere"
    );
    app.finish().await;
}

#[rocket::async_test]
async fn an_unknown_petition_id_in_a_form_is_a_404_and_stores_nothing() {
    let app = TestApp::start(backends()[0]).await;
    let located = app.petition("Save the park").await;
    let csrf = app.csrf(&located.path()).await;
    let response = app
        .post_form(
            "/petitions/424242/sign",
            &[
                ("csrf", &csrf),
                ("first_name", "A"),
                ("last_name", "B"),
                ("email", "a@example.org"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::NotFound);
    drop(response);
    let response = app
        .post_form("/petitions/not-a-number/sign", &[("csrf", &csrf)])
        .await;
    assert!(
        response.status() == Status::NotFound || response.status() == Status::UnprocessableEntity
    );
    drop(response);
    assert_eq!(
        signature::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    app.finish().await;
}

#[rocket::async_test]
async fn the_client_address_comes_from_the_socket_and_is_stored_only_as_a_keyed_hash() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;
        let csrf = app.csrf(&located.path()).await;
        let response = app
            .client
            .post(format!("/petitions/{}/sign", located.petition.id))
            .header(ContentType::Form)
            // Sent from the petition page, as a browser says.
            .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
            .header(Header::new("X-Real-IP", "6.6.6.6"))
            .header(Header::new("X-Forwarded-For", "6.6.6.6"))
            .remote("203.0.113.7:5555".parse().expect("address"))
            .body(common::app::encode_form(&[
                ("csrf", &csrf),
                ("first_name", "A"),
                ("last_name", "B"),
                ("email", "ab@example.org"),
            ]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let stored = signature::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("a signature");
        // Hashed with the key of the day, as the signing limits see the address.
        let site = app.client.rocket().state::<signons::Site>().expect("site");
        let source = |ip: &str| site.sources.source(&app.db, Some(ip.parse().expect("ip")));
        let socket_hash = source("203.0.113.7")
            .await
            .expect("keys")
            .expect("a source")
            .hash;
        let header_hash = source("6.6.6.6")
            .await
            .expect("keys")
            .expect("a source")
            .hash;
        assert_eq!(
            stored.ip_hash.as_deref(),
            Some(socket_hash.as_str()),
            "{backend:?}: the socket address, not a header"
        );
        assert_ne!(socket_hash, header_hash);
        let ip_hash = stored.ip_hash.unwrap_or_default();
        assert!(
            !ip_hash.contains("203.0.113.7") && !ip_hash.contains("6.6.6.6"),
            "never in clear"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_sqlite_files_are_readable_by_their_owner_only_and_freed_pages_are_zeroed() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::start(common::app::Backend::Sqlite).await;
    app.petition("Save the park").await;
    let db = app.dir.path().join("test.db");
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", db.display()));
        let mode = std::fs::metadata(&file)
            .expect("the file")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{}", file.display());
    }
    use sea_orm::ConnectionTrait;
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DatabaseBackend::Sqlite,
            "PRAGMA secure_delete",
        ))
        .await
        .expect("pragma")
        .expect("a row");
    let on: i32 = row.try_get_by_index(0).expect("a number");
    assert_eq!(on, 1);
    app.finish().await;
}

#[rocket::async_test]
async fn a_site_reached_over_https_asks_browsers_to_keep_to_https() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("public_url", "https://petitions.example.org")
            .build()
            .await;
        let response = app.client.get("/").dispatch().await;
        assert_eq!(
            response.headers().get_one("Strict-Transport-Security"),
            Some("max-age=31536000"),
            "{backend:?}"
        );
        drop(response);
        app.finish().await;
        let app = TestApp::start(backend).await;
        let response = app.client.get("/").dispatch().await;
        assert_eq!(
            response.headers().get_one("Strict-Transport-Security"),
            None,
            "plain http: no promise"
        );
        drop(response);
        app.finish().await;
    }
}
