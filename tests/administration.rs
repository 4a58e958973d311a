//! An instance administrator watches the mail queue (F5.5): pending, retrying and failed mails
//! with their last error, and retries or discards the failed ones from the web.
mod common;

use std::time::Duration;

use common::app::{TestApp, backends};
use common::smtp::{Mode, SmtpServer};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::entity::mail_queue;

/// Registers through the form, verifies the address through the mailed link, and logs in.
async fn register(app: &TestApp, username: &str) {
    common::people::register(app, username).await;
}

async fn log_out(app: &TestApp) {
    let csrf = app.csrf("/").await;
    app.post_form("/logout", &[("csrf", &csrf)]).await;
}

async fn failed(app: &TestApp) -> u64 {
    mail_queue::Entity::find()
        .filter(mail_queue::Column::Status.eq(mail_queue::STATUS_FAILED))
        .count(&app.db)
        .await
        .expect("count")
}

#[rocket::async_test]
async fn an_administrator_sees_failed_mail_with_its_error_and_retries_it_from_the_web() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::RejectRecipient("bounce@example.org".into()));
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        register(&app, "root").await; // the first account: administrator
        let located = app.petition("Save the park").await;
        app.sign(&located, "Bo", "Unce", "bounce@example.org").await;
        for _ in 0..100 {
            if failed(&app).await == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(failed(&app).await, 1, "{backend:?}: the 550 fails the mail");

        let (status, page) = app.get("/admin/mail").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("bounce@example.org"), "{page}");
        assert!(page.contains("550"), "the server's answer is shown");

        // Without a token, nothing happens.
        let response = app.post_form("/admin/mail/retry-failed", &[]).await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        assert_eq!(failed(&app).await, 1);

        smtp.set_mode(Mode::Accept);
        let csrf = app.csrf("/admin/mail").await;
        let response = app
            .post_form("/admin/mail/retry-failed", &[("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let arrived = smtp
            .wait_for_to("bounce@example.org", Duration::from_secs(15))
            .await;
        assert!(
            arrived.is_some(),
            "{backend:?}: the retried mail is delivered"
        );
        assert_eq!(failed(&app).await, 0);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_mail_page_shows_the_servers_answer_once() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::Greylist {
            address: "grey@example.org".into(),
            period: Duration::from_secs(600),
        });
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        register(&app, "root").await;
        let located = app.petition("Save the park").await;
        app.sign(&located, "Grey", "Listed", "grey@example.org")
            .await;
        let mut row = None;
        for _ in 0..100 {
            row = mail_queue::Entity::find()
                .filter(mail_queue::Column::Recipient.eq("grey@example.org"))
                .one(&app.db)
                .await
                .expect("the mail queue")
                .filter(|r| r.last_error.is_some());
            if row.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let row = row.unwrap_or_else(|| panic!("{backend:?}: the greylisted mail is refused"));
        assert_eq!(
            row.status,
            mail_queue::STATUS_PENDING,
            "{backend:?}: {row:?}"
        );
        assert_eq!(
            row.last_error.as_deref(),
            Some("451 4.7.1 greylisted, try later"),
            "{backend:?}: the code and the server's text, once"
        );

        let (status, page) = app.get("/admin/mail").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("grey@example.org"), "{page}");
        assert!(
            page.contains("451 4.7.1 greylisted, try later"),
            "{backend:?}: the answer is shown: {page}"
        );
        assert_eq!(
            page.matches("greylisted").count(),
            1,
            "{backend:?}: the answer is shown once: {page}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn failed_mail_can_be_discarded() {
    let smtp = SmtpServer::start_with(Mode::RejectRecipient("bounce@example.org".into()));
    let app = TestApp::builder(backends()[0])
        .smtp(&smtp.url())
        .build()
        .await;
    register(&app, "root").await;
    let located = app.petition("Save the park").await;
    app.sign(&located, "Bo", "Unce", "bounce@example.org").await;
    for _ in 0..100 {
        if failed(&app).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let csrf = app.csrf("/admin/mail").await;
    let response = app
        .post_form("/admin/mail/discard-failed", &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    drop(response);
    assert_eq!(failed(&app).await, 0);
    app.finish().await;
}

#[rocket::async_test]
async fn the_mail_queue_page_does_not_exist_for_anyone_but_administrators() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        log_out(&app).await;
        let (status, _) = app.get("/admin/mail").await;
        assert_eq!(status, Status::NotFound, "{backend:?}: anonymous");
        register(&app, "member").await; // the second account: not an administrator
        let (status, _) = app.get("/admin/mail").await;
        assert_eq!(status, Status::NotFound, "{backend:?}: a member");
        let csrf = app.csrf("/").await;
        let response = app
            .post_form("/admin/mail/discard-failed", &[("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), Status::NotFound);
        drop(response);
        app.finish().await;
    }
}
