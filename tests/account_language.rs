//! Each account's language (issue 14 point 4, F7.2): a member who switches language while logged in
//! has it stored on their account; logging in on another browser brings it back to their pages, and
//! the mail sent to them (a password reset, an invitation to an organization) is in it, whatever
//! the language of whoever caused it. Until a member chooses, their browser's language applies.
//! Every test runs on SQLite and PostgreSQL.
mod common;

use std::time::Duration;

use common::app::{TestApp, backends};
use common::people::{create_org, log_in, log_out, post, register};
use common::smtp::SmtpServer;
use rocket::http::Status;
use signons::domain::people::account;

async fn locale_of(app: &TestApp, username: &str) -> Option<String> {
    account::find_by_username(&app.db, username)
        .await
        .expect("query")
        .expect("account")
        .locale
}

#[rocket::async_test]
async fn a_members_language_follows_them_to_any_browser_and_into_their_mail() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        register(&app, "root").await;
        let slug = create_org(&app, "Friends of the Park").await;
        register(&app, "zoe").await;
        assert_eq!(
            locale_of(&app, "zoe").await,
            None,
            "{backend:?}: nothing chosen yet: her browser's language applies"
        );

        // Zoé switches to French while logged in: her account keeps it.
        assert_eq!(
            post(&app, "/language", &[("lang", "fr"), ("next", "/dashboard")]).await,
            Status::SeeOther
        );
        assert_eq!(locale_of(&app, "zoe").await.as_deref(), Some("fr"));

        // Logged out, this browser goes back to English (which changes nothing of her account);
        // her next login brings French back, though the browser asks for English.
        log_out(&app).await;
        assert_eq!(
            post(&app, "/language", &[("lang", "en-US"), ("next", "/")]).await,
            Status::SeeOther
        );
        assert_eq!(locale_of(&app, "zoe").await.as_deref(), Some("fr"));
        let (_, home) = app.get_lang("/", "en").await;
        assert!(home.contains("<html lang=\"en-US\""), "{home}");
        log_in(&app, "zoe").await;
        let (_, dashboard) = app.get_lang("/dashboard", "en").await;
        assert!(dashboard.contains("<html lang=\"fr\""), "{dashboard}");

        // Mail to her is in French, though asked for in English.
        log_out(&app).await;
        assert!(app.wait_queue_empty(Duration::from_secs(15)).await);
        smtp.clear();
        let csrf = app.csrf("/password/forgot").await;
        let response = app
            .post_form_lang(
                "/password/forgot",
                &[("csrf", &csrf), ("email", "zoe@example.org")],
                "en",
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let reset = smtp
            .wait_for_to("zoe@example.org", Duration::from_secs(15))
            .await
            .expect("the reset mail");
        assert_eq!(reset.subject(), "Choisissez un nouveau mot de passe");

        // Root, reading in English, invites her: the invitation is in her language.
        smtp.clear();
        log_in(&app, "root").await;
        assert_eq!(
            post(&app, "/language", &[("lang", "en-US"), ("next", "/")]).await,
            Status::SeeOther
        );
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/invite"),
                &[("who", "zoe")]
            )
            .await,
            Status::SeeOther
        );
        let invitation = smtp
            .wait_for_to("zoe@example.org", Duration::from_secs(15))
            .await
            .expect("the invitation");
        assert_eq!(
            invitation.subject(),
            "Invitation à rejoindre Friends of the Park"
        );
        assert_eq!(
            locale_of(&app, "root").await.as_deref(),
            Some("en-US"),
            "root chose English"
        );
        app.finish().await;
    }
}
