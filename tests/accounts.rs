//! A member of an association creates an account, logs in and out, changes a forgotten password
//! through a link mailed to a real SMTP server, and lands on a dashboard of their campaigns.
mod common;

use std::time::Duration;

use common::accounts::{address_of, post_from, verify_address};
use common::app::{TestApp, backends, local};
use common::people::PASSWORD;
use common::smtp::SmtpServer;
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::entity::user;

/// Registers through the form; when that succeeds, verifies the address through the mailed link
/// and logs in, as the person would.
async fn register(app: &TestApp, username: &str, email: &str, password: &str) -> Status {
    let csrf = app.csrf("/register").await;
    let status = post_from(
        app,
        &address_of(username),
        "/register",
        &[
            ("csrf", &csrf),
            ("username", username),
            ("email", email),
            ("password", password),
        ],
    )
    .await
    .status();
    if status == Status::SeeOther {
        verify_address(app, &email.to_lowercase()).await;
        assert_eq!(log_in(app, username, password).await.0, Status::SeeOther);
    }
    status
}

async fn log_in(app: &TestApp, login: &str, password: &str) -> (Status, Option<String>) {
    let csrf = app.csrf("/login").await;
    let response = app
        .post_form(
            "/login",
            &[("csrf", &csrf), ("login", login), ("password", password)],
        )
        .await;
    (
        response.status(),
        response.headers().get_one("Location").map(str::to_string),
    )
}

/// Lets the welcome mails of the accounts just registered go out, then forgets them.
async fn forget_welcome_mails(app: &TestApp, smtp: &SmtpServer) {
    assert!(app.wait_queue_empty(Duration::from_secs(15)).await);
    smtp.clear();
}

async fn log_out(app: &TestApp) {
    let csrf = app.csrf("/").await;
    let response = app.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), Status::SeeOther);
}

#[rocket::async_test]
async fn the_first_account_becomes_the_administrator_and_lands_on_the_dashboard() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        assert_eq!(
            register(&app, "ana", "Ana@Example.org", "a long enough password").await,
            Status::SeeOther,
            "{backend:?}"
        );
        let (status, page) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Dashboard") && page.contains("ana"), "{page}");
        log_out(&app).await;
        assert_eq!(
            register(&app, "ben", "ben@example.org", "another long password").await,
            Status::SeeOther
        );
        let users = user::Entity::find().all(&app.db).await.expect("users");
        assert_eq!(users.len(), 2);
        assert!(
            users
                .iter()
                .any(|u| u.username == "ana" && u.is_admin && u.email == "ana@example.org")
        );
        assert!(
            users.iter().any(|u| u.username == "ben" && !u.is_admin),
            "only the first account is admin"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn registration_refuses_bad_or_taken_details_with_translated_messages_and_keeps_what_was_typed()
 {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        assert_eq!(
            register(&app, "ana", "ana@example.org", "a long enough password").await,
            Status::SeeOther
        );
        log_out(&app).await;
        let csrf = app.csrf("/register").await;
        let response = app
            .post_form_lang(
                "/register",
                &[
                    ("csrf", &csrf),
                    ("username", "ana"),
                    ("email", "ANA@example.org"),
                    ("password", "short"),
                ],
                "fr",
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Ce mot de passe est trop court."), "{page}");
        let response = app
            .post_form(
                "/register",
                &[
                    ("csrf", &csrf),
                    ("username", "ana"),
                    ("email", "ANA@example.org"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("This username is already taken."), "{page}");
        assert!(
            !page.contains("An account already uses this e-mail address."),
            "usernames are public, addresses are not"
        );
        assert!(
            page.contains("value=\"ANA@example.org\""),
            "what was typed is kept"
        );
        let response = app
            .post_form(
                "/register",
                &[
                    ("csrf", &csrf),
                    ("username", "Bad Name!"),
                    ("email", "x@example.org"),
                    ("password", "a long enough password"),
                ],
            )
            .await;
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("Use 3 to 32 lower-case letters")
        );
        assert_eq!(user::Entity::find().count(&app.db).await.expect("count"), 1);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn closed_registration_refuses_new_accounts() {
    let app = TestApp::builder(backends()[0])
        .set("registration_open", false)
        .build()
        .await;
    let (status, page) = app.get("/register").await;
    assert_eq!(status, Status::Forbidden);
    assert!(page.contains("does not accept new accounts"));
    let csrf = app.csrf("/login").await;
    let response = app
        .post_form(
            "/register",
            &[
                ("csrf", &csrf),
                ("username", "eve"),
                ("email", "eve@example.org"),
                ("password", "a long enough password"),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::Forbidden);
    drop(response);
    assert_eq!(user::Entity::find().count(&app.db).await.expect("count"), 0);
    app.finish().await;
}

#[rocket::async_test]
async fn logging_in_with_a_username_or_an_address_and_logging_out() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana", "ana@example.org", "a long enough password").await;
        log_out(&app).await;
        let response = app.client.get("/dashboard").dispatch().await;
        assert_eq!(
            response.status(),
            Status::SeeOther,
            "{backend:?}: the dashboard needs a login"
        );
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/login?next=%2Fdashboard")
        );
        drop(response);

        let (status, _) = log_in(&app, "ana", "wrong password!").await;
        assert_eq!(status, Status::Unauthorized);
        let (status, location) = log_in(&app, "ANA@example.org", "a long enough password").await;
        assert_eq!(
            (status, location.as_deref()),
            (Status::SeeOther, Some("/dashboard"))
        );
        log_out(&app).await;
        let (status, _) = log_in(&app, "ana", "a long enough password").await;
        assert_eq!(status, Status::SeeOther);
        let (status, _) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);

        // Logging out without a CSRF token changes nothing.
        let response = app.post_form("/logout", &[]).await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        let (status, _) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok, "still logged in");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn login_attempts_are_rate_limited() {
    let app = TestApp::start(backends()[0]).await;
    register(&app, "ana", "ana@example.org", "a long enough password").await;
    log_out(&app).await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(log_in(&app, "ana", "guess guess guess").await.0);
    }
    assert!(
        statuses[..10].iter().all(|s| *s == Status::Unauthorized),
        "{statuses:?}"
    );
    assert_eq!(statuses[11], Status::TooManyRequests, "{statuses:?}");
    // Even the right password waits out the limit.
    assert_eq!(
        log_in(&app, "ana", "a long enough password").await.0,
        Status::TooManyRequests
    );
    app.finish().await;
}

#[rocket::async_test]
async fn a_forgotten_password_is_reset_through_a_single_use_mailed_link() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        register(&app, "ana", "ana@example.org", "a long enough password").await;
        log_out(&app).await;
        forget_welcome_mails(&app, &smtp).await;

        // The answer is the same for an unknown address, and nothing is sent.
        for email in ["nobody@example.org", "ana@example.org"] {
            let csrf = app.csrf("/password/forgot").await;
            let response = app
                .post_form("/password/forgot", &[("csrf", &csrf), ("email", email)])
                .await;
            assert_eq!(response.status(), Status::SeeOther);
            assert_eq!(
                response.headers().get_one("Location"),
                Some("/password/forgot/sent")
            );
        }
        let mails = smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 1, "{backend:?}");
        assert!(mails[0].is_to("ana@example.org"));
        let link = mails[0]
            .link_containing("/password/reset/")
            .expect("a reset link");
        let (status, page) = app.get(&local(&link)).await;
        assert_eq!(status, Status::Ok);
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let response = app
            .post_form(
                &local(&link),
                &[("csrf", &csrf), ("new_password", "a brand new password")],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        log_out(&app).await;
        assert_eq!(
            log_in(&app, "ana", "a long enough password").await.0,
            Status::Unauthorized
        );
        assert_eq!(
            log_in(&app, "ana", "a brand new password").await.0,
            Status::SeeOther
        );

        // Single use.
        let (status, _) = app.get(&local(&link)).await;
        assert_eq!(status, Status::NotFound);
        let response = app
            .post_form(
                &local(&link),
                &[("csrf", &csrf), ("new_password", "yet another password")],
            )
            .await;
        assert_eq!(response.status(), Status::NotFound);
        drop(response);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn changing_the_password_needs_the_current_one_keeps_this_browser_logged_in_and_ends_older_sessions()
 {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana", "ana@example.org", "a long enough password").await;
        let before = user::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("account");
        let csrf = app.csrf("/account").await;
        let response = app
            .post_form(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current_password", "wrong one here"),
                    ("new_password", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("This is not your current password.")
        );
        let response = app
            .post_form(
                "/account/password",
                &[
                    ("csrf", &csrf),
                    ("current_password", "a long enough password"),
                    ("new_password", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::Ok);
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("Your password has been changed.")
        );
        let (status, _) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok, "this browser stays logged in");
        // The new password ended every session opened before: only this browser's fresh one is left.
        let sessions = signons::entity::session::Entity::find()
            .all(&app.db)
            .await
            .expect("sessions");
        assert_eq!(sessions.len(), 1, "{backend:?}");
        assert!(sessions.iter().all(|s| s.user_id == before.id));
        log_out(&app).await;
        assert_eq!(
            log_in(&app, "ana", "a brand new password").await.0,
            Status::SeeOther
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_dashboard_shows_exact_confirmed_and_unconfirmed_counts_of_the_members_petitions() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        // `app.petition` creates the account "alice" and her organization.
        let located = app.petition("Save the park").await;
        app.sign(&located, "A", "One", "one@example.org").await;
        app.sign(&located, "B", "Two", "two@example.org").await;
        let token = signons::domain::token::generate();
        {
            use sea_orm::{ActiveModelTrait, ColumnTrait, IntoActiveModel, QueryFilter, Set};
            let row = signons::entity::signature::Entity::find()
                .filter(signons::entity::signature::Column::Email.eq("one@example.org"))
                .one(&app.db)
                .await
                .expect("query")
                .expect("row");
            let mut row = row.into_active_model();
            row.confirmation_token_hash = Set(signons::domain::token::hash(&token));
            row.update(&app.db).await.expect("update");
        }
        signons::domain::signing::signature::confirm(&app.db, &token)
            .await
            .expect("confirm");
        assert_eq!(
            log_in(&app, "alice", "correct horse battery").await.0,
            Status::SeeOther,
            "{backend:?}"
        );
        let (status, page) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Save the park"), "{page}");
        assert!(page.contains("Friends of the Park"));
        assert!(
            page.contains("<td class=\"number\">1</td>\n    <td class=\"number\">1</td>"),
            "1 confirmed, 1 unconfirmed: {page}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn changing_the_email_needs_the_password_a_free_address_and_the_link_sent_to_it() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        assert_eq!(
            register(&app, "ana", "ana@example.org", PASSWORD).await,
            Status::SeeOther
        );
        assert_eq!(
            register(&app, "ben", "ben@example.org", PASSWORD).await,
            Status::SeeOther
        );
        forget_welcome_mails(&app, &smtp).await;
        log_in(&app, "ana", PASSWORD).await;
        let change = |email: &'static str, password: &'static str, lang: &'static str| {
            let app = &app;
            async move {
                let csrf = app.csrf("/account").await;
                let response = app
                    .post_form_lang(
                        "/account/email",
                        &[
                            ("csrf", &csrf),
                            ("email", email),
                            ("email_password", password),
                        ],
                        lang,
                    )
                    .await;
                let status = response.status();
                (status, response.into_string().await.unwrap_or_default())
            }
        };
        let (status, page) = change("new@example.org", "not the password", "en").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(
            page.contains("new@example.org"),
            "{backend:?}: what was typed stays"
        );
        assert!(page.contains("This is not your current password."));
        let (status, page) = change("ben@example.org", PASSWORD, "en").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: taken");
        assert!(page.contains("An account already uses this e-mail address."));
        let (status, _) = change("not an address", PASSWORD, "en").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: invalid");
        let (status, page) = change("ANA@example.org", PASSWORD, "en").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: the same");
        assert!(page.contains("This is already your address."));
        let stored = |username: &'static str| {
            let app = &app;
            async move {
                signons::domain::people::account::find_by_username(&app.db, username)
                    .await
                    .expect("query")
                    .expect("user")
                    .email
            }
        };
        assert!(
            smtp.wait_for(1, Duration::from_millis(500))
                .await
                .is_empty(),
            "{backend:?}: no mail for a refused change"
        );

        // Asked twice: only the newer link works. Nothing changes until it is used.
        let (status, _) = change("first.try@example.org", PASSWORD, "en").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        let (status, page) = change("Ana.New@Example.org", PASSWORD, "fr").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains("Nous avons envoyé un lien à ana.new@example.org"),
            "{backend:?}: {page}"
        );
        assert_eq!(stored("ana").await, "ana@example.org");
        let mails = smtp.wait_for(4, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 4, "{backend:?}");
        let first_link = mails
            .iter()
            .find(|m| m.is_to("first.try@example.org"))
            .and_then(|m| m.link_containing("/account/email/"))
            .expect("the first link");
        let new_mail = mails
            .iter()
            .find(|m| m.is_to("ana.new@example.org"))
            .expect("a mail to the new address");
        assert_eq!(
            new_mail.subject(),
            "Confirmez votre nouvelle adresse e-mail"
        );
        let link = new_mail.link_containing("/account/email/").expect("a link");
        let notices: Vec<_> = mails
            .iter()
            .filter(|m| m.is_to("ana@example.org"))
            .collect();
        assert_eq!(
            notices.len(),
            2,
            "{backend:?}: the current address is told each time"
        );
        assert!(
            notices
                .iter()
                .any(|m| m.subject() == "Votre adresse e-mail va changer"
                    && m.text().contains("ana.new@example.org")
                    && m.link_containing("/account/email/").is_none())
        );
        let (status, _) = app.get(&local(&first_link)).await;
        assert_eq!(
            status,
            Status::NotFound,
            "{backend:?}: replaced by the newer request"
        );

        // Opening the link changes nothing; the button does, once.
        let (status, page) = app.get(&local(&link)).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("ana.new@example.org"));
        assert_eq!(stored("ana").await, "ana@example.org");
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let response = app.post_form(&local(&link), &[("csrf", "forged")]).await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        assert_eq!(stored("ana").await, "ana@example.org");
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok, "{backend:?}");
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("now uses ana.new@example.org")
        );
        assert_eq!(stored("ana").await, "ana.new@example.org");
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(
            response.status(),
            Status::NotFound,
            "{backend:?}: single use"
        );
        drop(response);
        log_out(&app).await;
        assert_eq!(
            log_in(&app, "ana.new@example.org", PASSWORD).await.0,
            Status::SeeOther,
            "{backend:?}: logs in with the new address"
        );

        // An address another account took while the link waited is refused at the button.
        let (status, _) = change("shared@example.org", PASSWORD, "en").await;
        assert_eq!(status, Status::Ok);
        let mail = smtp
            .wait_for_to("shared@example.org", Duration::from_secs(15))
            .await
            .expect("the mail");
        let link = mail.link_containing("/account/email/").expect("a link");
        log_out(&app).await;
        assert_eq!(
            register(&app, "cleo", "shared@example.org", PASSWORD).await,
            Status::SeeOther
        );
        let (_, page) = app.get(&local(&link)).await;
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Conflict, "{backend:?}");
        drop(response);
        assert_eq!(stored("ana").await, "ana.new@example.org");
        assert_eq!(stored("cleo").await, "shared@example.org");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn deleting_an_account_takes_its_own_petitions_but_never_strands_an_organization() {
    use signons::domain::people::permission::Permission;
    use signons::domain::petitions::petition::{self, NewPetition, Owner};
    use signons::entity::{organization, petition as petition_entity, signature};
    for backend in backends() {
        let app = TestApp::start(backend).await;
        assert_eq!(
            register(&app, "ana", "ana@example.org", PASSWORD).await,
            Status::SeeOther
        );
        assert_eq!(
            register(&app, "ben", "ben@example.org", PASSWORD).await,
            Status::SeeOther
        );
        log_in(&app, "ana", PASSWORD).await;
        let park = common::people::create_org(&app, "Park Friends").await;
        common::people::create_org(&app, "Solo").await;
        common::people::join(&app, &park, "ana", "ben").await;
        let ana = signons::domain::people::account::find_by_username(&app.db, "ana")
            .await
            .expect("query")
            .expect("ana");
        let own = petition::create(
            &app.db,
            &Owner::User(ana.clone()),
            NewPetition {
                title: "Ana's own".into(),
                body_html: "<p>Mine.</p>".into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        let signed = app.sign(&own, "Sam", "Signer", "sam@example.org").await;
        assert_eq!(signed.status(), Status::SeeOther);
        drop(signed);
        log_in(&app, "ana", PASSWORD).await;

        // The last administrator of an organization with other members must hand it over first.
        let (status, page) = app.get("/account/delete").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("last administrator"), "{backend:?}: {page}");
        assert!(page.contains(&format!("/organizations/{park}")));
        let delete = |password: &'static str| {
            let app = &app;
            async move {
                let csrf = app.csrf("/account").await;
                app.post_form(
                    "/account/delete",
                    &[("csrf", &csrf), ("delete_password", password)],
                )
                .await
                .status()
            }
        };
        assert_eq!(delete(PASSWORD).await, Status::Conflict, "{backend:?}");
        let users = || async { user::Entity::find().count(&app.db).await.expect("count") };
        assert_eq!(users().await, 2);

        // Once ben may modify permissions, nothing is stranded.
        let rights: Vec<(&str, &str)> =
            Permission::ALL.iter().map(|p| (p.name(), "true")).collect();
        assert_eq!(
            common::people::post(
                &app,
                &format!(
                    "/organizations/{park}/members/{}/permissions",
                    ben_id(&app).await
                ),
                &rights
            )
            .await,
            Status::SeeOther
        );
        let (_, page) = app.get("/account/delete").await;
        assert!(!page.contains("last administrator"), "{backend:?}");
        assert!(
            page.contains("Solo"),
            "{backend:?}: the organization that goes with the account"
        );
        assert!(page.contains("Your own petition and its signatures will be deleted."));

        assert_eq!(
            delete("not the password").await,
            Status::UnprocessableEntity
        );
        assert_eq!(users().await, 2);
        assert_eq!(delete(PASSWORD).await, Status::Ok, "{backend:?}");
        assert_eq!(users().await, 1, "{backend:?}: ana is gone");
        assert!(
            petition_entity::Entity::find_by_id(own.petition.id)
                .one(&app.db)
                .await
                .expect("query")
                .is_none(),
            "{backend:?}: her own petition went with her"
        );
        assert_eq!(
            signature::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        let orgs: Vec<String> = organization::Entity::find()
            .all(&app.db)
            .await
            .expect("query")
            .into_iter()
            .map(|o| o.slug)
            .collect();
        assert_eq!(
            orgs,
            vec![park.clone()],
            "{backend:?}: Solo went, Park Friends stays"
        );
        let (status, _) = app.get("/dashboard").await;
        assert_eq!(status, Status::SeeOther, "{backend:?}: logged out");
        app.finish().await;
    }
}

async fn ben_id(app: &TestApp) -> i32 {
    signons::domain::people::account::find_by_username(&app.db, "ben")
        .await
        .expect("query")
        .expect("ben")
        .id
}
