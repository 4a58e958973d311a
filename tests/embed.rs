//! The sign widget other sites frame (issue 12, point 5): only its pages may be framed; it sets no
//! cookie; a signature sent from it without any cookie is stored and mailed like one from the
//! petition's page, and refused like one when something is wrong; and in a real browser, a page of
//! another site frames it and a visitor signs inside the frame.
mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::app::{TestApp, TestServer, backends, encode_form, extract_csrf};
use common::smtp::SmtpServer;
use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::LocalResponse;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::domain::petitions::petition::Located;
use signons::domain::signing::embed_token;
use signons::entity::{pow_spent, signature};

fn embed(located: &Located) -> String {
    format!("/petitions/{}/embed", located.petition.id)
}

fn embed_sign(located: &Located) -> String {
    format!("/petitions/{}/embed/sign", located.petition.id)
}

async fn signatures(app: &TestApp, located: &Located) -> u64 {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(located.petition.id))
        .count(&app.db)
        .await
        .expect("count")
}

/// The framing headers of an answer: its CSP's `frame-ancestors`, and its X-Frame-Options.
fn framing(response: &LocalResponse<'_>) -> (String, Option<String>) {
    let csp = response
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default();
    let ancestors = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("frame-ancestors"))
        .unwrap_or_default()
        .to_string();
    let xfo = response
        .headers()
        .get_one("X-Frame-Options")
        .map(str::to_string);
    (ancestors, xfo)
}

/// Posts the widget's form as another site's frame does: no cookie, whatever the client holds.
async fn post_widget<'c>(
    app: &'c TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'c> {
    app.client
        .post(path.to_string())
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", "en"))
        .remote("127.0.0.1:4242".parse().expect("socket address"))
        .body(encode_form(fields))
        .dispatch()
        .await
}

/// The widget's token, read from its page like a browser.
async fn widget_token(app: &TestApp, located: &Located) -> String {
    let (status, page) = app.get(&embed(located)).await;
    assert_eq!(status, Status::Ok, "{page}");
    extract_csrf(&page).expect("the widget's form token")
}

#[rocket::async_test]
async fn only_the_widget_may_be_framed_and_it_sets_no_cookie() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;

        let response = app.client.get(embed(&located)).dispatch().await;
        assert_eq!(response.status(), Status::Ok, "{backend:?}");
        let (ancestors, xfo) = framing(&response);
        assert_eq!(ancestors, "frame-ancestors *", "{backend:?}");
        assert_eq!(xfo, None, "{backend:?}: no X-Frame-Options on the widget");
        assert_eq!(
            response.headers().get("Set-Cookie").count(),
            0,
            "{backend:?}: the widget sets no cookie"
        );
        assert_eq!(
            response.headers().get_one("Cache-Control"),
            Some("public, max-age=60")
        );
        let csp = response
            .headers()
            .get_one("Content-Security-Policy")
            .unwrap_or_default()
            .to_string();
        assert!(csp.contains("form-action 'self'") && csp.contains("default-src 'self'"));
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Save the park") && page.contains("Nobody has signed yet"));
        assert!(page.contains("<progress"), "the progress towards the goal");
        assert!(
            !page.contains("class=\"site\""),
            "no site header or footer in the frame"
        );
        // The full petition opens outside the frame; nothing loads from another host.
        assert!(page.contains(&format!(
            "href=\"{}\" target=\"_blank\" rel=\"noopener\"",
            located.view("http://signons.test").url
        )));
        for attribute in ["src=\"", "href=\""] {
            for (at, _) in page.match_indices(attribute) {
                let value = &page[at + attribute.len()..];
                assert!(
                    (value.starts_with('/') && !value.starts_with("//"))
                        || value.starts_with("http://signons.test/"),
                    "the widget links elsewhere: {}",
                    &value[..value.len().min(60)]
                );
            }
        }
        // The same bytes for everyone for a while: a cache may share them.
        let (_, again) = app.get(&embed(&located)).await;
        assert_eq!(page, again);
        assert_eq!(app.client.cookies().iter().count(), 0, "{backend:?}");

        let response = app
            .client
            .get(format!("{}/signed", embed(&located)))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        assert_eq!(framing(&response).0, "frame-ancestors *");
        drop(response);

        for path in [located.path(), "/".to_string(), "/nowhere".to_string()] {
            let response = app.client.get(path.clone()).dispatch().await;
            let (ancestors, xfo) = framing(&response);
            assert_eq!(ancestors, "frame-ancestors 'none'", "{backend:?} {path}");
            assert_eq!(xfo.as_deref(), Some("DENY"), "{backend:?} {path}");
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_signature_from_the_widget_without_any_cookie_is_stored_and_its_confirmation_mailed() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the park").await;
        let (_, page) = app.get(&format!("{}?lang=fr", embed(&located))).await;
        assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"), "{page}");
        assert!(page.contains("Signer cette pétition"), "{page}");
        let token = extract_csrf(&page).expect("token");
        assert!(page.contains("action=\"/petitions/"));
        assert_eq!(app.client.cookies().iter().count(), 0, "no cookie to send");

        let response = post_widget(
            &app,
            &format!("{}?lang=fr", embed_sign(&located)),
            &[
                ("csrf", &token),
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
            ],
        )
        .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        let location = response
            .headers()
            .get_one("Location")
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            location,
            format!("{}/signed?lang=fr", embed(&located)),
            "{backend:?}"
        );
        assert_eq!(response.headers().get("Set-Cookie").count(), 0);
        drop(response);
        let response = app.client.get(location).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        assert_eq!(framing(&response).1, None);
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Consultez votre boîte"), "{page}");

        assert_eq!(signatures(&app, &located).await, 1, "{backend:?}");
        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation mail arrives");
        assert!(mails[0].is_to("ann@example.org"));
        assert!(mails[0].link_containing("/confirm/").is_some());
        let stored = signature::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("the signature");
        assert_eq!(stored.locale.as_deref(), Some("fr"), "the frame's language");
        assert!(stored.ip_hash.is_some(), "the abuse limits saw the address");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_missing_forged_or_expired_widget_token_is_refused_and_stores_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;
        let other = app.petition("Save the river").await;
        let key = app
            .client
            .rocket()
            .state::<signons::Site>()
            .expect("site")
            .keys
            .embed;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let expired = embed_token::issue(&key, located.petition.id, now - 8 * 3600);
        let elsewhere = embed_token::issue(&key, other.petition.id, now);
        let (expires, _) = elsewhere.split_once('.').expect("two parts");
        let forged = format!("{expires}.{}", "0".repeat(32));
        // A token of the main site (the login page carries one) is no widget token.
        let main_csrf = app.csrf("/login").await;
        for (token, message) in [
            (None, "could not be checked"),
            (Some(forged.as_str()), "could not be checked"),
            (Some(elsewhere.as_str()), "could not be checked"),
            (Some(main_csrf.as_str()), "could not be checked"),
            (Some(expired.as_str()), "open for too long"),
        ] {
            let mut fields = vec![
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
            ];
            if let Some(token) = token {
                fields.push(("csrf", token));
            }
            let response = post_widget(&app, &embed_sign(&located), &fields).await;
            assert_eq!(
                response.status(),
                Status::UnprocessableEntity,
                "{backend:?} {token:?}"
            );
            assert_eq!(framing(&response).1, None, "still framable");
            assert_eq!(
                response.headers().get_one("Cache-Control"),
                Some("private, no-store"),
                "what was typed is kept by no cache"
            );
            let page = response.into_string().await.unwrap_or_default();
            assert!(page.contains(message), "{token:?}: {page}");
            assert!(page.contains("value=\"ann@example.org\""), "what was typed");
        }
        assert_eq!(signatures(&app, &located).await, 0, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_widget_refuses_like_the_petition_page_does() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;
        let token = widget_token(&app, &located).await;

        // A robot filling the hidden field is answered like a person; nothing is stored.
        let response = post_widget(
            &app,
            &embed_sign(&located),
            &[
                ("csrf", &token),
                ("first_name", "Bot"),
                ("last_name", "Bot"),
                ("email", "bot@example.org"),
                ("website", "http://spam.example"),
            ],
        )
        .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);
        assert_eq!(signatures(&app, &located).await, 0, "{backend:?}");

        // A missing field: the form again, translated, with what was typed.
        let response = app
            .client
            .post(format!("{}?lang=fr", embed_sign(&located)))
            .header(ContentType::Form)
            .body(encode_form(&[
                ("csrf", &token),
                ("first_name", "Ann"),
                ("last_name", ""),
                ("email", "ann@example.org"),
            ]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"));
        assert!(page.contains("id=\"last_name-error\""), "{page}");
        assert!(page.contains("value=\"Ann\""));
        assert!(
            page.contains("name=\"csrf\" value=\""),
            "a token to send it again"
        );
        assert_eq!(signatures(&app, &located).await, 0, "{backend:?}");

        // A closed petition says so, and refuses.
        let closed = app
            .petition_with("Save the pond", |p| {
                p.deadline = Some(time::OffsetDateTime::now_utc() - time::Duration::days(1));
            })
            .await;
        let (status, page) = app.get(&embed(&closed)).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("This petition is closed"), "{page}");
        assert!(!page.contains("<form"), "no form on a closed petition");
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let key = app
            .client
            .rocket()
            .state::<signons::Site>()
            .expect("site")
            .keys
            .embed;
        let closed_token = embed_token::issue(&key, closed.petition.id, now);
        let response = post_widget(
            &app,
            &embed_sign(&closed),
            &[
                ("csrf", &closed_token),
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
            ],
        )
        .await;
        assert_eq!(response.status(), Status::Conflict, "{backend:?}");
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("This petition is closed"), "{page}");
        assert_eq!(signatures(&app, &closed).await, 0, "{backend:?}");

        // A draft has no widget.
        let draft = app
            .petition_with("Save the lake", |p| p.published = false)
            .await;
        // Its frame, still on another site, says so in a page that site may show, with no cookie.
        let response = app.client.get(embed(&draft)).dispatch().await;
        assert_eq!(response.status(), Status::NotFound);
        let csp = response
            .headers()
            .get_one("Content-Security-Policy")
            .unwrap_or_default()
            .to_string();
        assert!(csp.contains("frame-ancestors *"), "{csp}");
        assert!(response.headers().get_one("X-Frame-Options").is_none());
        assert!(response.headers().get_one("Set-Cookie").is_none());
        let gone = response.into_string().await.unwrap_or_default();
        assert!(
            gone.contains("This petition is no longer open to the public"),
            "{gone}"
        );
        let draft_token = embed_token::issue(&key, draft.petition.id, now);
        let response = post_widget(
            &app,
            &embed_sign(&draft),
            &[
                ("csrf", &draft_token),
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
            ],
        )
        .await;
        assert_eq!(response.status(), Status::NotFound);
        drop(response);
        assert_eq!(signatures(&app, &draft).await, 0, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_editor_gives_the_code_to_frame_the_widget_and_show_the_badge() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save \"the\" park").await;
        let response = app
            .post_form(
                "/login",
                &[
                    ("csrf", &app.csrf("/login").await),
                    ("login", "alice"),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);
        let (status, page) = app
            .get(&format!("/petitions/{}/edit", located.petition.id))
            .await;
        assert_eq!(status, Status::Ok, "{page}");
        assert!(page.contains("Put this petition on your website"), "{page}");
        let id = located.petition.id;
        assert!(
            page.contains(&format!(
                "&lt;iframe src=&quot;http://signons.test/petitions/{id}/embed&quot; title=&quot;Sign “Save &amp;quot;the&amp;quot; park”&quot;"
            )),
            "the snippet, escaped once for the textarea and once inside it: {page}"
        );
        assert!(page.contains(&format!(
            "&lt;img src=&quot;http://signons.test/petitions/{id}/badge.svg&quot;"
        )));
        app.finish().await;
    }
}

/// A page of another site (`http://localhost:<port>/`, another site than `127.0.0.1`) that frames
/// the widget at `src`, served by a thread until it is told to stop (or for a minute at most).
struct HostSite {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HostSite {
    fn start(src: &str) -> HostSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a port for the host site");
        let port = listener.local_addr().expect("address").port();
        listener.set_nonblocking(true).expect("non-blocking");
        let page = format!(
            "<!DOCTYPE html><html><head><title>Friends of the Park</title></head><body>\
             <h1>Our campaign</h1><iframe src=\"{src}\" title=\"Sign\" width=\"400\" height=\"900\"></iframe>\
             </body></html>"
        );
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(60);
            while !stopped.load(Ordering::Relaxed) && Instant::now() < deadline {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                let _ = stream.set_nonblocking(false);
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let mut request = Vec::new();
                let mut buffer = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16384 {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let (status, body) = if request.starts_with(b"GET / ") {
                    ("200 OK", page.as_str())
                } else {
                    ("404 Not Found", "")
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        HostSite {
            port,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://localhost:{}/", self.port)
    }
}

impl Drop for HostSite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// In headless Chromium, a page of another site frames the widget; the visitor signs inside the
/// frame; the signature is stored and its confirmation mailed. With JavaScript, the petition also
/// asks for a proof of work, which our script solves inside the frame from the widget's challenge.
async fn sign_in_a_frame_of_another_site(javascript: bool) {
    let Some(browser) = common::browser::start(javascript).await else {
        return;
    };
    for backend in backends() {
        let smtp = SmtpServer::start();
        let server = TestServer::start(backend, Some(&smtp.url())).await;
        let located = server.park_petition(javascript).await;
        let host = HostSite::start(&format!("{}{}", server.url, embed(&located)));
        browser.goto(&host.url()).await.expect("open the host page");
        browser.wait_for("Our campaign").await;
        browser.enter_frame(0).await.expect("enter the frame");
        browser.wait_for("Nobody has signed yet").await;
        browser.type_into("#first_name", "Ann").await;
        browser.type_into("#last_name", "Lee").await;
        browser.type_into("#email", "ann@example.org").await;
        if javascript {
            let mut solved = false;
            for _ in 0..300 {
                let state = browser
                    .execute(
                        "return document.querySelector('form[data-pow-url]').getAttribute('data-pow');",
                        vec![],
                    )
                    .await
                    .expect("read the form");
                if state.as_str() == Some("solved") {
                    solved = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(solved, "{backend:?}: the puzzle is solved inside the frame");
        }
        browser.press("form button.primary").await;
        browser.wait_for("Check your mailbox").await;
        let cookies = browser.get_all_cookies().await.expect("cookies");
        assert!(cookies.is_empty(), "{backend:?}: no cookie: {cookies:?}");
        browser
            .enter_parent_frame()
            .await
            .expect("back to the host page");
        let url = browser.current_url().await.expect("url");
        assert_eq!(url.as_str(), host.url(), "the host page stays");

        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}: the confirmation mail arrives");
        assert!(mails[0].is_to("ann@example.org"));
        let stored = signature::Entity::find()
            .filter(signature::Column::Email.eq("ann@example.org"))
            .count(&server.db)
            .await
            .expect("count");
        assert_eq!(stored, 1, "{backend:?}");
        let spent = pow_spent::Entity::find()
            .count(&server.db)
            .await
            .expect("count");
        assert_eq!(
            spent,
            u64::from(javascript),
            "{backend:?}: a solution only with JavaScript"
        );
        drop(host);
        server.stop().await;
    }
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_javascript_a_visitor_of_another_site_signs_inside_its_frame() {
    sign_in_a_frame_of_another_site(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_javascript_a_visitor_of_another_site_solves_the_puzzle_and_signs_inside_its_frame() {
    sign_in_a_frame_of_another_site(true).await;
}
