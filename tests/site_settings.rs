//! The site settings (issue 11 point 6, F8.1), as an administrator changes them on
//! `/admin/settings`: in force at once here and on a second instance on the same database within
//! 5 s, without a restart; registration by invitation only (an e-mail invitation still lets a
//! newcomer in); the legal notice linked from every footer and shown in the reader's language; the
//! reasons of the report form; the home page; what only administrators may do, and the audit line
//! each change leaves. Every test runs on SQLite and on PostgreSQL.
mod common;

use std::time::{Duration, Instant};

use common::accounts::{address_of, mailed_link, post_from, verify_address};
use common::app::{TestApp, backends};
use common::people::{PASSWORD, create_org, log_in, log_out, post, register};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::entity::{audit_entry, membership, report, site_settings};

/// The settings form as the page fills it for a fresh site, with `changes` replacing (or, for
/// repeated names such as `reasons`, adding to) its fields.
fn settings_form(revision: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("revision".into(), revision.to_string()),
        ("site_name".into(), "Signons".into()),
        ("registration".into(), "open".into()),
        ("personal_petitions".into(), "true".into()),
        ("home".into(), "petitions".into()),
        ("default_language".into(), "en-US".into()),
        ("custom_reasons".into(), String::new()),
    ];
    let repeated = |name: &str| name == "reasons";
    for (name, value) in changes {
        if !repeated(name) {
            fields.retain(|(n, _)| n != name);
        }
        fields.push((name.to_string(), value.to_string()));
    }
    if !changes.iter().any(|(n, _)| repeated(n)) {
        for reason in ["spam", "hate", "illegal", "impersonation", "other"] {
            fields.push(("reasons".into(), reason.into()));
        }
    }
    fields
}

/// The revision the settings page shows, as the logged-in administrator.
async fn shown_revision(app: &TestApp) -> i64 {
    let (status, page) = app.get("/admin/settings").await;
    assert_eq!(status, Status::Ok, "{page}");
    let marker = "name=\"revision\" value=\"";
    let at = page.find(marker).expect("revision field") + marker.len();
    page[at..]
        .chars()
        .take_while(|c| *c == '-' || c.is_ascii_digit())
        .collect::<String>()
        .parse()
        .expect("a number")
}

/// Saves the settings as the logged-in visitor; the status and the page.
async fn save(app: &TestApp, revision: i64, changes: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let form = settings_form(revision, changes);
    let mut fields: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
    fields.extend(form.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let response = app.post_form("/admin/settings", &fields).await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// Registers the first account (the instance's administrator) and saves `changes`.
async fn admin_saves(app: &TestApp, changes: &[(&str, &str)]) {
    log_in(app, "root").await;
    let revision = shown_revision(app).await;
    let (status, page) = save(app, revision, changes).await;
    assert_eq!(status, Status::SeeOther, "saved: {page}");
}

async fn revision_in_database(app: &TestApp) -> i64 {
    site_settings::Entity::find_by_id(1)
        .one(&app.db)
        .await
        .expect("query")
        .expect("the settings row")
        .revision
}

#[rocket::async_test]
async fn settings_are_in_force_on_a_second_instance_within_five_seconds() {
    for backend in backends() {
        let first = TestApp::start(backend).await;
        let second = TestApp::builder(backend)
            .shared_database(&first.test_db)
            .build()
            .await;
        register(&first, "root").await;
        let (_, before) = second.get_lang("/", "en").await;
        assert!(before.contains("Signons") && before.contains("href=\"/register\""));

        admin_saves(
            &first,
            &[
                ("site_name", "Pétitions du quartier"),
                ("registration", "closed"),
                ("footer[en-US]", "Run by the *Neighbourhood Association*"),
            ],
        )
        .await;
        let (_, here) = first.get_lang("/login", "en").await;
        assert!(
            here.contains("Pétitions du quartier"),
            "in force at once on the instance that saved"
        );
        let saved = Instant::now();
        let elapsed = loop {
            let (_, page) = second.get_lang("/", "en").await;
            if page.contains("Pétitions du quartier") {
                assert!(
                    !page.contains("href=\"/register\""),
                    "{backend:?}: registration closed on the second instance too"
                );
                assert!(page.contains("<em>Neighbourhood Association</em>"));
                break saved.elapsed();
            }
            assert!(
                saved.elapsed() < Duration::from_secs(5),
                "{backend:?}: the second instance still shows the old settings after 5 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        eprintln!("{backend:?}: the second instance followed in {elapsed:?}");
        let (status, page) = second.get_lang("/register", "en").await;
        assert_eq!(status, Status::Forbidden);
        assert!(page.contains("does not accept new accounts"), "{page}");
        second.finish().await;
        first.finish().await;
    }
}

#[rocket::async_test]
async fn with_invitation_only_registration_an_e_mail_invitation_still_lets_a_newcomer_in() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        admin_saves(&app, &[("registration", "invitation-only")]).await;
        let slug = create_org(&app, "Friends of the Park").await;

        log_out(&app).await;
        let (status, page) = app.get_lang("/register", "en").await;
        assert_eq!(status, Status::Forbidden);
        assert!(page.contains("by invitation only"), "{page}");
        assert!(
            !page.contains("href=\"/register\""),
            "no “Create an account” link"
        );
        let (status, page) = app.get_lang("/register", "fr").await;
        assert_eq!(status, Status::Forbidden);
        assert!(page.contains("que sur invitation"), "translated: {page}");
        let csrf = app.csrf("/login").await;
        let refused = post_from(
            &app,
            &address_of("mallory"),
            "/register",
            &[
                ("csrf", &csrf),
                ("username", "mallory"),
                ("email", "mallory@example.org"),
                ("password", PASSWORD),
            ],
        )
        .await;
        assert_eq!(
            refused.status(),
            Status::Forbidden,
            "no account without invitation"
        );
        drop(refused);
        assert!(
            signons::domain::people::account::find_by_username(&app.db, "mallory")
                .await
                .expect("query")
                .is_none()
        );

        log_in(&app, "root").await;
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/invite"),
                &[("who", "newcomer@example.org")]
            )
            .await,
            Status::SeeOther
        );
        log_out(&app).await;
        let invitation = mailed_link(&app, "newcomer@example.org", "/invitations/")
            .await
            .expect("an invitation mailed");
        let (status, page) = app.get(&invitation).await;
        assert_eq!(status, Status::Ok);
        let register_link = page
            .split("href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap_or_default())
            .find(|href| href.starts_with("/register?next="))
            .expect("the invitation offers to create an account")
            .replace("&amp;", "&");
        let (status, page) = app.get(&register_link).await;
        assert_eq!(status, Status::Ok, "{page}");
        assert!(page.contains(&format!("value=\"{invitation}\"")), "{page}");
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let response = post_from(
            &app,
            &address_of("newcomer"),
            "/register",
            &[
                ("csrf", &csrf),
                ("username", "newcomer"),
                ("email", "newcomer@example.org"),
                ("password", PASSWORD),
                ("next", &invitation),
            ],
        )
        .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        verify_address(&app, "newcomer@example.org").await;
        log_in(&app, "newcomer").await;
        let (_, page) = app.get(&invitation).await;
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let accept = page
            .split("action=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap_or_default())
            .find(|a| a.ends_with("/accept"))
            .expect("an accept button")
            .to_string();
        let token = invitation.trim_start_matches("/invitations/");
        let response = app
            .post_form(&accept, &[("csrf", &csrf), ("token", token)])
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let newcomer = common::people::user_id(&app, "newcomer").await;
        assert_eq!(
            membership::Entity::find()
                .filter(membership::Column::UserId.eq(newcomer))
                .count(&app.db)
                .await
                .expect("count"),
            1,
            "the newcomer joined the organization"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_legal_notice_is_linked_from_every_footer_and_shown_in_the_readers_language() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        let petition = app.petition("Keep the park green").await;
        let (_, page) = app.get("/").await;
        assert!(
            !page.contains("/legal-notice"),
            "no link before there is a notice"
        );
        assert_eq!(app.get("/legal-notice").await.0, Status::NotFound);
        admin_saves(
            &app,
            &[
                (
                    "legal_notice[en-US]",
                    "# Publisher\n\nThe Neighbourhood Association, 1 Main Street.",
                ),
                (
                    "legal_notice[fr]",
                    "# Éditeur\n\nL’association du quartier, 1 rue Principale.",
                ),
                ("privacy_policy[en-US]", "We keep *nothing* we do not need."),
            ],
        )
        .await;
        log_out(&app).await;
        for path in ["/", &petition.path(), "/login", "/legal-notice", "/nowhere"] {
            let (_, page) = app.get_lang(path, "en").await;
            assert!(
                page.contains("href=\"/legal-notice\"")
                    && page.contains("href=\"/privacy-policy\""),
                "{backend:?}: the footer of {path} links the legal pages"
            );
        }
        let (status, french) = app.get_lang("/legal-notice", "fr").await;
        assert_eq!(status, Status::Ok);
        assert!(french.contains("Mentions légales"), "{french}");
        assert!(french.contains("<h2>Éditeur</h2>") && french.contains("rue Principale"));
        let (_, english) = app.get_lang("/legal-notice", "en").await;
        assert!(english.contains("1 Main Street") && !english.contains("rue Principale"));
        let (_, privacy) = app.get_lang("/privacy-policy", "fr").await;
        assert!(
            privacy.contains("<em>nothing</em>") && privacy.contains("lang=\"en-US\""),
            "no French version: the English one, marked as English: {privacy}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn only_administrators_see_or_change_the_settings_and_each_change_is_logged() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        register(&app, "member").await;
        register(&app, "moderator").await;
        signons::domain::administration::roles::promote(
            &app.db,
            &signons::domain::administration::audit::Actor::command_line(),
            "moderator",
            signons::domain::administration::roles::Role::Moderator,
        )
        .await
        .expect("moderator");
        let lines_before = audit_entry::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        let revision = revision_in_database(&app).await;
        for who in [None, Some("member"), Some("moderator")] {
            match who {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            let (status, _) = app.get("/admin/settings").await;
            assert!(
                matches!(status, Status::NotFound | Status::SeeOther),
                "{who:?} may not see the settings: {status}"
            );
            let (status, _) = save(&app, revision, &[("site_name", "Taken over")]).await;
            assert!(
                matches!(status, Status::NotFound | Status::SeeOther),
                "{who:?} may not change the settings: {status}"
            );
            let (_, page) = app.get("/login").await;
            assert!(!page.contains("Taken over"), "{who:?}: nothing changed");
        }
        assert_eq!(revision_in_database(&app).await, revision);
        assert_eq!(
            audit_entry::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            lines_before,
            "refused requests write no audit line"
        );
        log_in(&app, "root").await;
        let (_, page) = app.get_lang("/", "en").await;
        assert!(
            page.contains("href=\"/admin/settings\""),
            "the header links administrators to the settings"
        );
        log_in(&app, "moderator").await;
        let (_, page) = app.get_lang("/", "en").await;
        assert!(!page.contains("href=\"/admin/settings\""), "not moderators");

        admin_saves(
            &app,
            &[
                ("site_name", "Our petitions"),
                ("legal_notice[fr]", "Éditeur : nous."),
            ],
        )
        .await;
        let line = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("change-settings"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("an audit line for the change");
        assert_eq!(line.actor_name, "root");
        assert_eq!(line.reason, "legal_notice.fr site_name");
        let (_, log) = app.get_lang("/admin/log", "en").await;
        assert!(log.contains("Changed the site settings"), "{log}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn bad_settings_are_refused_with_a_translated_message_and_nothing_is_lost() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        let revision = shown_revision(&app).await;
        let long_reason = "x".repeat(81);
        let (status, page) = save(
            &app,
            revision,
            &[
                ("site_name", "   "),
                ("home", "99999"),
                ("custom_reasons", &long_reason),
                ("legal_notice[en-US]", "Kept while I fix the name"),
            ],
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("Give the site a name"), "{page}");
        assert!(page.contains("an existing organization"));
        assert!(page.contains("80 characters at most"));
        assert!(
            page.contains("Kept while I fix the name"),
            "what was typed stays"
        );
        assert_eq!(revision_in_database(&app).await, revision, "nothing saved");

        // Two administrators editing at once: the second is told, and loses nothing.
        let (status, _) = save(&app, revision, &[("site_name", "First")]).await;
        assert_eq!(status, Status::SeeOther);
        let (status, page) = save(&app, revision, &[("site_name", "Second")]).await;
        assert_eq!(status, Status::Conflict);
        assert!(page.contains("Someone else saved the settings"), "{page}");
        assert!(
            page.contains("value=\"Second\""),
            "the second's text stays on the page"
        );
        let (_, page) = app.get("/login").await;
        assert!(page.contains("First"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_report_form_offers_the_reasons_the_administrators_keep() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        let petition = app.petition("Keep the park green").await;
        let id = petition.petition.id;
        admin_saves(
            &app,
            &[
                ("reasons", "spam"),
                ("reasons", "other"),
                (
                    "custom_reasons",
                    "Off topic for this site\nDuplicate petition\n\
                     This petition repeats another one that is already collecting signatures",
                ),
            ],
        )
        .await;
        log_out(&app).await;
        let (_, form) = app.get_lang(&format!("/petitions/{id}/report"), "en").await;
        assert!(form.contains("Spam or advertising") && form.contains("Off topic for this site"));
        assert!(
            !form.contains("Impersonation"),
            "a reason taken off is not offered"
        );
        let csrf = common::app::extract_csrf(&form).expect("csrf");
        let response = app
            .post_form(
                &format!("/petitions/{id}/report"),
                &[("csrf", &csrf), ("reason", "impersonation")],
            )
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        drop(response);
        let response = app
            .post_form(
                &format!("/petitions/{id}/report"),
                &[
                    ("csrf", &csrf),
                    ("reason", "custom:Off topic for this site"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let long = "custom:This petition repeats another one that is already collecting signatures";
        let response = post_from(
            &app,
            "10.9.8.7:4242",
            &format!("/petitions/{id}/report"),
            &[("csrf", &csrf), ("reason", long)],
        )
        .await;
        let status = response.status();
        let body = response.into_string().await.unwrap_or_default();
        assert_eq!(
            status,
            Status::SeeOther,
            "a long reason of their own: {body}"
        );
        let mut stored = report::Entity::find().all(&app.db).await.expect("reports");
        stored.sort_by_key(|r| r.id);
        assert_eq!(stored.len(), 2, "{backend:?}: both reasons stored");
        assert_eq!(stored[1].reason, long);
        assert_eq!(stored[0].reason, "custom:Off topic for this site");
        log_in(&app, "root").await;
        let (_, queue) = app.get_lang("/admin/moderation", "en").await;
        assert!(queue.contains("Off topic for this site (1)"), "{queue}");
        assert!(
            queue.contains("already collecting signatures (1)"),
            "{queue}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_site_run_by_one_association_shows_its_profile_as_the_home_page() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        let petition = app.petition("Keep the park green").await;
        let org = petition
            .petition
            .organization_id
            .expect("an organization's petition");
        admin_saves(
            &app,
            &[
                ("home", &org.to_string()),
                ("organization_creation_admins_only", "true"),
                ("personal_petitions", "false"),
            ],
        )
        .await;
        log_out(&app).await;
        let (status, home) = app.get_lang("/", "en").await;
        assert_eq!(status, Status::Ok);
        assert!(
            home.contains("Friends of the Park") && home.contains("Keep the park green"),
            "{home}"
        );
        register(&app, "member").await;
        let (status, _) = app.get("/organizations/new").await;
        assert_eq!(
            status,
            Status::Forbidden,
            "organizations by administrators only"
        );
        let (_, wizard) = app.get_lang("/petitions/new", "en").await;
        assert!(
            wizard.contains("You may not create a petition here"),
            "no personal petitions: {wizard}"
        );
        app.finish().await;
    }
}
