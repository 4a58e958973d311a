//! Accounts on a site open to the internet: login limits held in the database for every instance,
//! owners never locked out by someone else's flood, nothing told about who has an account,
//! registrations limited and verified by mail before anything is published, invitations taken
//! through their link only, and sessions that logging out really ends.
mod common;

use std::time::{Duration, Instant};

use common::accounts::{mailed_link, post_from, press, verify_address};
use common::app::{TestApp, backends, extract_csrf, local};
use common::people::{self, PASSWORD, create_org, post};
use common::smtp::ReceivedMail;
use rocket::http::{Cookie, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::domain::people::account;
use signons::entity::{membership, petition as petition_entity, user};

/// A verified account made the way the command line makes them.
async fn account(app: &TestApp, username: &str) {
    account::create(
        &app.db,
        username,
        &format!("{username}@example.org"),
        PASSWORD,
    )
    .await
    .expect("create account");
}

/// One login attempt from `remote`; its status.
async fn log_in_from(app: &TestApp, remote: &str, login: &str, password: &str) -> Status {
    let csrf = app.csrf("/login").await;
    post_from(
        app,
        remote,
        "/login",
        &[("csrf", &csrf), ("login", login), ("password", password)],
    )
    .await
    .status()
}

/// Posts the registration form from `remote`; its status, where it leads, and the page.
async fn register_from(
    app: &TestApp,
    remote: &str,
    fields: &[(&str, &str)],
) -> (Status, Option<String>, String) {
    let csrf = app.csrf("/register").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = post_from(app, remote, "/register", &all).await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_string);
    (
        status,
        location,
        response.into_string().await.unwrap_or_default(),
    )
}

async fn users(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.db).await.expect("count")
}

#[rocket::async_test]
async fn two_instances_on_one_database_share_the_login_limit() {
    for backend in backends() {
        let first = TestApp::start(backend).await;
        let second = TestApp::builder(backend)
            .shared_database(&first.test_db)
            .build()
            .await;
        account(&first, "ana").await;
        for _ in 0..10 {
            let status = log_in_from(&first, "10.0.0.1:1234", "ana", "a wrong guess!").await;
            assert_eq!(status, Status::Unauthorized, "{backend:?}");
        }
        assert_eq!(
            log_in_from(&second, "10.0.0.1:1234", "ana", "a wrong guess!").await,
            Status::TooManyRequests,
            "{backend:?}: the other instance knows of the ten attempts"
        );
        second.finish().await;
        first.finish().await;
    }
}

#[rocket::async_test]
async fn a_flood_from_one_address_never_locks_the_owner_out_from_another() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        account(&app, "ana").await;
        for _ in 0..30 {
            let status = log_in_from(&app, "10.0.0.1:1234", "ana", "a wrong guess!").await;
            assert!(
                [Status::Unauthorized, Status::TooManyRequests].contains(&status),
                "{status}"
            );
        }
        assert_eq!(
            log_in_from(&app, "10.0.0.1:1234", "ana", PASSWORD).await,
            Status::TooManyRequests,
            "{backend:?}: the flooding address waits"
        );
        assert_eq!(
            log_in_from(&app, "10.0.0.2:1234", "ana", PASSWORD).await,
            Status::SeeOther,
            "{backend:?}: the owner elsewhere logs in"
        );
        let (status, _) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_browser_that_logged_in_before_is_not_held_back_when_many_addresses_guess_the_password() {
    for backend in backends() {
        // Two attempts a minute per account and address (ten per account): the guesses below all
        // fall within one minute even on a slow machine.
        let owner = TestApp::builder(backend)
            .set("login_attempts_per_minute", 2)
            .build()
            .await;
        let attacker = TestApp::builder(backend)
            .set("login_attempts_per_minute", 2)
            .shared_database(&owner.test_db)
            .build()
            .await;
        account(&owner, "ana").await;
        assert_eq!(
            log_in_from(&owner, "10.0.2.1:1234", "ana", PASSWORD).await,
            Status::SeeOther
        );
        people::log_out(&owner).await;
        // Fourteen guesses from seven addresses: each within its own limits, together over the
        // account's.
        for address in 2..9 {
            for _ in 0..2 {
                let remote = format!("10.0.2.{address}:1234");
                log_in_from(&attacker, &remote, "ana", "a wrong guess!").await;
            }
        }
        assert_eq!(
            log_in_from(&attacker, "10.0.2.20:1234", "ana", PASSWORD).await,
            Status::TooManyRequests,
            "{backend:?}: a browser never seen waits"
        );
        assert_eq!(
            log_in_from(&owner, "10.0.2.21:1234", "ana", PASSWORD).await,
            Status::SeeOther,
            "{backend:?}: the owner's browser, from a new address, logs in"
        );
        attacker.finish().await;
        owner.finish().await;
    }
}

#[rocket::async_test]
async fn registration_answers_the_same_for_a_taken_and_a_free_address_and_tells_the_owner() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        account(&app, "ana").await;
        let (taken_status, taken_to, taken_page) = register_from(
            &app,
            "10.0.0.3:1234",
            &[
                ("username", "mallory"),
                ("email", "Ana@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        let (free_status, free_to, free_page) = register_from(
            &app,
            "10.0.0.4:1234",
            &[
                ("username", "ben"),
                ("email", "ben@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(taken_status, Status::SeeOther, "{backend:?}: {taken_page}");
        assert_eq!((taken_status, &taken_to), (free_status, &free_to));
        assert_eq!(taken_page, free_page);
        let (_, page) = app.get(taken_to.as_deref().unwrap_or_default()).await;
        assert!(page.contains("Check your mailbox"), "{page}");
        assert!(
            account::find_by_username(&app.db, "mallory")
                .await
                .expect("query")
                .is_none(),
            "{backend:?}: nothing made with a taken address"
        );
        assert!(
            mailed_link(&app, "ana@example.org", "/password/forgot")
                .await
                .is_some(),
            "{backend:?}: the owner is told, with a way back in"
        );
        assert!(
            mailed_link(&app, "ben@example.org", "/account/verify/")
                .await
                .is_some()
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_unknown_username_takes_as_long_to_refuse_as_a_wrong_password() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        account(&app, "ana").await;
        let mut known = Duration::ZERO;
        let mut unknown = Duration::ZERO;
        for i in 0..4 {
            let remote = format!("10.0.1.{i}:1234");
            let started = Instant::now();
            assert_eq!(
                log_in_from(&app, &remote, "ana", "a wrong guess!").await,
                Status::Unauthorized
            );
            known += started.elapsed();
            let started = Instant::now();
            assert_eq!(
                log_in_from(&app, &remote, "nobody-here", "a wrong guess!").await,
                Status::Unauthorized
            );
            unknown += started.elapsed();
        }
        assert!(
            unknown.as_secs_f64() >= 0.5 * known.as_secs_f64(),
            "{backend:?}: unknown {unknown:?}, known {known:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn thirty_registrations_from_one_address_within_a_minute_create_at_most_five_accounts() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let mut last = (Status::Ok, String::new());
        for i in 0..30 {
            let (username, email) = (format!("bot{i}"), format!("bot{i}@example.org"));
            let (status, _, page) = register_from(
                &app,
                "10.0.0.9:1234",
                &[
                    ("username", &username),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            )
            .await;
            last = (status, page);
        }
        assert!(users(&app).await <= 5, "{backend:?}: {}", users(&app).await);
        assert_eq!(last.0, Status::TooManyRequests, "{backend:?}");
        assert!(last.1.contains("Too many accounts"), "{}", last.1);
        // Another address is not held back.
        let (status, _, _) = register_from(
            &app,
            "10.0.0.10:1234",
            &[
                ("username", "ana"),
                ("email", "ana@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_registration_that_fills_the_hidden_field_creates_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (_, page) = app.get("/register").await;
        assert!(page.contains("name=\"website\""), "{page}");
        let (status, _, _) = register_from(
            &app,
            "10.0.0.5:1234",
            &[
                ("username", "robot"),
                ("email", "robot@example.org"),
                ("password", PASSWORD),
                ("website", "http://spam.example"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}: it is not told");
        assert_eq!(users(&app).await, 0, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_unverified_account_may_log_in_but_publishes_nothing_until_its_link_is_used() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (status, _, _) = register_from(
            &app,
            "10.0.0.6:1234",
            &[
                ("username", "ana"),
                ("email", "ana@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        people::log_in(&app, "ana").await;
        let (_, settings) = app.get("/account").await;
        assert!(settings.contains("/account/verify/resend"), "{settings}");

        // No organization.
        let csrf = app.csrf("/organizations/new").await;
        let response = app
            .post_form(
                "/organizations",
                &[("csrf", &csrf), ("name", "Park Friends")],
            )
            .await;
        assert_eq!(response.status(), Status::Forbidden, "{backend:?}");
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Verify your e-mail address first"), "{page}");
        assert!(page.contains("/account/verify/resend"));

        // No petition published by the wizard: it stays a draft.
        let csrf = app.csrf("/petitions/new").await;
        let response = app
            .post_form(
                "/petitions/new",
                &[
                    ("csrf", &csrf),
                    ("title", "Save the lake"),
                    ("owner", "personal"),
                    ("template", ""),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        let id: i32 = petition_entity::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("the draft")
            .id;
        drop(response);
        let wizard_publish = format!("/petitions/{id}/wizard/preview");
        let status = post(
            &app,
            &wizard_publish,
            &[("publish", "true"), ("go", "save")],
        )
        .await;
        assert_eq!(status, Status::Forbidden, "{backend:?}");
        // Nor by the dashboard's button.
        let status = post(&app, &format!("/petitions/{id}/publish"), &[]).await;
        assert_eq!(status, Status::Forbidden, "{backend:?}");
        let published = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                petition_entity::Entity::find_by_id(id)
                    .one(&db)
                    .await
                    .expect("query")
                    .expect("petition")
                    .published
            }
        };
        assert!(!published(&app).await, "{backend:?}");

        // The mailed link: the page changes nothing, its button verifies.
        assert!(app.wait_queue_empty(Duration::from_secs(10)).await);
        let link = app
            .eml_files()
            .into_iter()
            .find_map(|raw| {
                ReceivedMail {
                    from: String::new(),
                    to: Vec::new(),
                    raw,
                    received_at: Instant::now(),
                }
                .link_containing("/account/verify/")
            })
            .map(|l| local(&l))
            .expect("a verification link in an .eml file");
        assert!(
            !account::find_by_username(&app.db, "ana")
                .await
                .expect("query")
                .expect("ana")
                .email_verified
        );
        assert_eq!(press(&app, &link).await, Status::Ok);
        assert_eq!(
            press_again(&app, &link).await,
            Status::NotFound,
            "single use"
        );

        let status = post(&app, &format!("/petitions/{id}/publish"), &[]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert!(published(&app).await);
        create_org(&app, "Park Friends").await;
        app.finish().await;
    }
}

async fn press_again(app: &TestApp, link: &str) -> Status {
    app.get(link).await.0
}

#[rocket::async_test]
async fn an_invitation_mailed_to_an_address_is_taken_only_through_its_link() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        people::register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let status = post(
            &app,
            &format!("/organizations/{slug}/invite"),
            &[("who", "eve@example.org")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let invitation = mailed_link(&app, "eve@example.org", "/invitations/")
            .await
            .expect("an invitation mailed to eve");

        // Someone registers with eve's address, without her mailbox.
        let (status, _, _) = register_from(
            &app,
            "10.0.0.7:1234",
            &[
                ("username", "eve"),
                ("email", "eve@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        people::log_in(&app, "eve").await;
        let (_, dashboard) = app.get("/dashboard").await;
        assert!(
            !dashboard.contains("/invitations/"),
            "{backend:?}: not offered"
        );
        let row = signons::entity::invitation::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("the invitation");
        let accept = format!("/invitations/{}/accept", row.id);
        assert_eq!(
            post(&app, &accept, &[]).await,
            Status::NotFound,
            "{backend:?}"
        );
        let eve = people::user_id(&app, "eve").await;
        let members = || async {
            membership::Entity::find()
                .filter(membership::Column::UserId.eq(eve))
                .count(&app.db)
                .await
                .expect("count")
        };
        assert_eq!(members().await, 0, "{backend:?}");

        // Through the mailed link, it is hers.
        let (status, page) = app.get(&invitation).await;
        assert_eq!(status, Status::Ok);
        let csrf = extract_csrf(&page).expect("csrf");
        let token = invitation.trim_start_matches("/invitations/");
        let response = app
            .post_form(&accept, &[("csrf", &csrf), ("token", token)])
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);
        assert_eq!(members().await, 1);
        app.finish().await;
    }
}

/// The value of this browser's session cookie.
fn session_cookie(app: &TestApp) -> String {
    app.client
        .cookies()
        .get_private("session")
        .expect("a session cookie")
        .value()
        .to_string()
}

async fn dashboard_with(app: &TestApp, session: &str) -> Status {
    app.client
        .get("/dashboard")
        .private_cookie(Cookie::new("session", session.to_string()))
        .dispatch()
        .await
        .status()
}

#[rocket::async_test]
async fn a_session_cookie_copied_before_logging_out_opens_nothing_after() {
    for backend in backends() {
        let first = TestApp::start(backend).await;
        let second = TestApp::builder(backend)
            .shared_database(&first.test_db)
            .build()
            .await;
        account(&first, "ana").await;
        people::log_in(&first, "ana").await;
        let copied = session_cookie(&first);
        assert_eq!(
            dashboard_with(&second, &copied).await,
            Status::Ok,
            "{backend:?}"
        );
        people::log_out(&first).await;
        assert_ne!(
            dashboard_with(&second, &copied).await,
            Status::Ok,
            "{backend:?}: replayed on another instance"
        );
        assert_ne!(dashboard_with(&first, &copied).await, Status::Ok);
        second.finish().await;
        first.finish().await;
    }
}

#[rocket::async_test]
async fn logging_out_everywhere_ends_the_sessions_of_other_browsers() {
    for backend in backends() {
        let browser_a = TestApp::start(backend).await;
        let browser_b = TestApp::builder(backend)
            .shared_database(&browser_a.test_db)
            .build()
            .await;
        account(&browser_a, "ana").await;
        people::log_in(&browser_a, "ana").await;
        people::log_in(&browser_b, "ana").await;
        assert_eq!(browser_b.get("/dashboard").await.0, Status::Ok);
        let (_, settings) = browser_a.get("/account").await;
        assert!(settings.contains("Log out everywhere"), "{settings}");
        let csrf = extract_csrf(&settings).expect("csrf");
        let response = browser_a
            .post_form("/account/logout-everywhere", &[("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        assert_ne!(
            browser_b.get("/dashboard").await.0,
            Status::Ok,
            "{backend:?}"
        );
        assert_ne!(browser_a.get("/dashboard").await.0, Status::Ok);
        people::log_in(&browser_b, "ana").await;
        assert_eq!(
            browser_b.get("/dashboard").await.0,
            Status::Ok,
            "logging in again works"
        );
        browser_b.finish().await;
        browser_a.finish().await;
    }
}

#[rocket::async_test]
async fn a_verification_link_mailed_again_replaces_the_first() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (status, _, _) = register_from(
            &app,
            "10.0.0.8:1234",
            &[
                ("username", "ana"),
                ("email", "ana@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let first = mailed_link(&app, "ana@example.org", "/account/verify/")
            .await
            .expect("first link");
        people::log_in(&app, "ana").await;
        assert_eq!(post(&app, "/account/verify/resend", &[]).await, Status::Ok);
        let second = mailed_link(&app, "ana@example.org", "/account/verify/")
            .await
            .expect("second link");
        assert_ne!(first, second);
        assert_eq!(app.get(&first).await.0, Status::NotFound, "{backend:?}");
        verify_address(&app, "ana@example.org").await;
        assert!(
            account::find_by_username(&app.db, "ana")
                .await
                .expect("query")
                .expect("ana")
                .email_verified
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn password_hashing_runs_at_most_one_hash_per_two_cores_at_once() {
    use signons::domain::people::password;
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let allowed = (cores / 2).max(1);
    let hashes: Vec<_> = (0..4 * cores)
        .map(|i| tokio::spawn(async move { password::hash(&format!("password number {i}")).await }))
        .collect();
    for hash in hashes {
        let stored = hash.await.expect("task").expect("hash");
        assert!(!password::verify("password number", Some(&stored)).await);
    }
    assert!(
        password::peak_at_once() <= allowed,
        "{} hashes at once on {cores} cores",
        password::peak_at_once()
    );
    assert!(password::peak_at_once() >= 1);
}

#[rocket::async_test]
async fn attempt_counters_and_sessions_are_deleted_once_expired() {
    use sea_orm::{ActiveModelTrait, Set};
    use signons::domain::abuse::attempts;
    use signons::entity::{attempt, session};
    for backend in backends() {
        let app = TestApp::start(backend).await;
        attempt::ActiveModel {
            key: Set("login-client:old".into()),
            window: Set(1),
            count: Set(3),
            expires_at: Set(120),
        }
        .insert(&app.db)
        .await
        .expect("an old counter");
        assert_eq!(
            attempts::purge_expired(&app.db).await.expect("purge"),
            1,
            "{backend:?}"
        );
        assert!(
            attempts::hit(&app.db, "login-client:new", attempts::Limit::per_minute(5))
                .await
                .expect("hit")
        );
        let keys: Vec<String> = attempt::Entity::find()
            .all(&app.db)
            .await
            .expect("rows")
            .into_iter()
            .map(|row| row.key)
            .collect();
        assert_eq!(keys, vec!["login-client:new".to_string()], "{backend:?}");

        account(&app, "ana").await;
        let ana = account::find_by_username(&app.db, "ana")
            .await
            .expect("query")
            .expect("ana");
        let long_ago = signons::domain::now() - time::Duration::days(60);
        session::ActiveModel {
            user_id: Set(ana.id),
            token_hash: Set("0".repeat(64)),
            created_at: Set(long_ago),
            expires_at: Set(long_ago + signons::domain::people::session::LIFETIME),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an old session");
        people::log_in(&app, "ana").await;
        let sessions = session::Entity::find()
            .all(&app.db)
            .await
            .expect("sessions");
        assert_eq!(sessions.len(), 1, "{backend:?}: only the fresh one");
        assert_ne!(sessions[0].token_hash, "0".repeat(64));
        app.finish().await;
    }
}
