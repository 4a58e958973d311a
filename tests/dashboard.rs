//! A member runs their petitions from the dashboard: publish, unpublish, duplicate, transfer between
//! their own petitions and an organization's, delete after a confirmation step — each only when the
//! organization allows it, and nothing changes when it does not.
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, join, log_in, log_out, post, register, user_id};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::domain::people::permission::Permission;
use signons::domain::petitions::petition::{self, NewPetition, Owner};
use signons::entity::{petition as petition_entity, signature};

/// A petition owned by `username` themself, with `signers` confirmed signatures.
async fn personal_petition(app: &TestApp, username: &str, title: &str, signers: usize) -> i32 {
    let user = signons::domain::people::account::find_by_username(&app.db, username)
        .await
        .expect("query")
        .expect("user");
    organization_or_personal(app, Owner::User(user), title, signers).await
}

async fn org_petition(app: &TestApp, slug: &str, title: &str, signers: usize) -> i32 {
    let org = signons::domain::people::organization::find_by_slug(&app.db, slug)
        .await
        .expect("query")
        .expect("org");
    organization_or_personal(app, Owner::Organization(org), title, signers).await
}

async fn organization_or_personal(app: &TestApp, owner: Owner, title: &str, signers: usize) -> i32 {
    let located = petition::create(
        &app.db,
        &owner,
        NewPetition {
            title: title.into(),
            body_html: "<p>Keep the park green.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition");
    for i in 0..signers {
        let response = app
            .sign(
                &located,
                "Sam",
                &format!("Signer{i}"),
                &format!("signer{i}@example.org"),
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "signed");
    }
    // Then back to a draft, as a new petition is.
    petition_entity::Entity::update_many()
        .col_expr(
            petition_entity::Column::Published,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(petition_entity::Column::Id.eq(located.petition.id))
        .exec(&app.db)
        .await
        .expect("draft");
    located.petition.id
}

async fn petition_row(app: &TestApp, id: i32) -> Option<petition_entity::Model> {
    petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
}

async fn signatures_of(app: &TestApp, id: i32) -> u64 {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(id))
        .count(&app.db)
        .await
        .expect("count")
}

async fn petitions(app: &TestApp) -> u64 {
    petition_entity::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

#[rocket::async_test]
async fn a_member_publishes_duplicates_transfers_and_deletes_from_the_dashboard() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let id = personal_petition(&app, "ana", "Save the lake", 2).await;
        log_in(&app, "ana").await;

        let (status, page) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);
        for action in ["publish", "duplicate", "transfer", "delete"] {
            assert!(
                page.contains(&format!("/petitions/{id}/{action}")),
                "{backend:?}: the dashboard offers {action}"
            );
        }

        // Publish: the public page and its JSON say so.
        assert_eq!(
            post(&app, &format!("/petitions/{id}/publish"), &[]).await,
            Status::SeeOther
        );
        assert!(petition_row(&app, id).await.expect("row").published);
        let (status, page) = app.get("/dashboard?done=published").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("The petition is published."), "{backend:?}");
        let (status, _) = app.get("/u/ana/save-the-lake").await;
        assert_eq!(status, Status::Ok, "{backend:?}: published page");

        // Unpublish: the public page is gone; its owner still sees it, as a draft (F1.3).
        assert_eq!(
            post(&app, &format!("/petitions/{id}/unpublish"), &[]).await,
            Status::SeeOther
        );
        assert!(!petition_row(&app, id).await.expect("row").published);
        let (status, page) = app.get("/u/ana/save-the-lake").await;
        assert_eq!(status, Status::Ok, "{backend:?}: the owner's draft");
        assert!(page.contains("Draft — only you"), "{backend:?}");
        log_out(&app).await;
        let (status, _) = app.get("/u/ana/save-the-lake").await;
        assert_eq!(status, Status::NotFound, "{backend:?}: unpublished page");
        log_in(&app, "ana").await;

        // Duplicate: a draft copy with the same text and no signatures.
        let before = petitions(&app).await;
        assert_eq!(
            post(&app, &format!("/petitions/{id}/duplicate"), &[]).await,
            Status::SeeOther
        );
        assert_eq!(petitions(&app).await, before + 1);
        let copy = petition_entity::Entity::find()
            .filter(petition_entity::Column::Title.eq("Copy of Save the lake"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the copy");
        assert!(!copy.published);
        assert_eq!(copy.user_id, Some(user_id(&app, "ana").await));
        assert_eq!(copy.body_html, "<p>Keep the park green.</p>");
        assert_eq!(signatures_of(&app, copy.id).await, 0);

        // Transfer to the organization: it keeps its signatures, arrives unpublished, under the
        // organization's address.
        assert_eq!(
            post(&app, &format!("/petitions/{id}/publish"), &[]).await,
            Status::SeeOther
        );
        let (status, page) = app.get(&format!("/petitions/{id}/transfer")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains(&format!("org:{slug}")), "{backend:?}: {page}");
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{id}/transfer"),
                &[("destination", &format!("org:{slug}"))]
            )
            .await,
            Status::SeeOther
        );
        let moved = petition_row(&app, id).await.expect("row");
        let org = signons::domain::people::organization::find_by_slug(&app.db, &slug)
            .await
            .expect("query")
            .expect("org");
        assert_eq!((moved.organization_id, moved.user_id), (Some(org.id), None));
        assert!(!moved.published, "{backend:?}: unpublished on transfer");
        assert_eq!(signatures_of(&app, id).await, 2);
        assert_eq!(
            post(&app, &format!("/petitions/{id}/publish"), &[]).await,
            Status::SeeOther
        );
        let (status, _) = app.get(&format!("/o/{slug}/save-the-lake")).await;
        assert_eq!(
            status,
            Status::Ok,
            "{backend:?}: under the organization now"
        );
        // Links to its former address keep working: they lead to the new one.
        let (status, location) = {
            let response = app.client.get("/u/ana/save-the-lake").dispatch().await;
            let location = response.headers().get_one("Location").map(str::to_string);
            (response.status(), location)
        };
        assert_eq!(status, Status::MovedPermanently, "{backend:?}");
        assert_eq!(
            location,
            Some(format!("/o/{slug}/save-the-lake")),
            "{backend:?}"
        );
        // The new owner's editor lists only its own addresses.
        let (_, editor) = app.get(&format!("/petitions/{id}/edit")).await;
        assert!(!editor.contains("/u/ana/save-the-lake"), "{backend:?}");

        // Delete: a confirmation page first, which changes nothing; then the petition and its
        // signatures are gone.
        let (status, page) = app.get(&format!("/petitions/{id}/delete")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Delete for good"), "{backend:?}");
        assert!(petition_row(&app, id).await.is_some());
        assert_eq!(
            post(&app, &format!("/petitions/{id}/delete"), &[]).await,
            Status::SeeOther
        );
        assert!(petition_row(&app, id).await.is_none());
        assert_eq!(signatures_of(&app, id).await, 0);
        let (status, _) = app.get(&format!("/o/{slug}/save-the-lake")).await;
        assert_eq!(status, Status::NotFound);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn each_dashboard_route_answers_each_kind_of_visitor_and_refusals_change_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        for name in ["ana", "ben", "cleo", "olga"] {
            register(&app, name).await;
        }
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        log_in(&app, "olga").await;
        let other = create_org(&app, "Other Org").await;
        join(&app, &slug, "ana", "ben").await;
        join(&app, &slug, "ana", "cleo").await;
        log_in(&app, "ana").await;
        // ben: no right at all on petitions; cleo: every right.
        let none: Vec<(&str, &str)> = Vec::new();
        let all: Vec<(&str, &str)> = Permission::ALL.iter().map(|p| (p.name(), "true")).collect();
        for (name, rights) in [("ben", &none), ("cleo", &all)] {
            let id = user_id(&app, name).await;
            assert_eq!(
                post(
                    &app,
                    &format!("/organizations/{slug}/members/{id}/permissions"),
                    rights
                )
                .await,
                Status::SeeOther
            );
        }

        let visitors: [(&str, Option<&str>); 4] = [
            ("anonymous", None),
            ("member of another organization", Some("olga")),
            ("member without the permission", Some("ben")),
            ("member with it", Some("cleo")),
        ];
        for (who, login) in visitors {
            // A fresh published petition with one signature for each visitor.
            let id = org_petition(&app, &slug, &format!("Petition for {who}"), 1).await;
            assert_eq!(post_as_owner(&app, id).await, Status::SeeOther);
            match login {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            let allowed = who == "member with it";
            let expected = |ok: Status| if allowed { ok } else { Status::NotFound };

            // The pages behind the actions.
            for page in ["transfer", "delete"] {
                let (status, _) = app.get(&format!("/petitions/{id}/{page}")).await;
                assert_eq!(
                    status,
                    expected(Status::Ok),
                    "{backend:?} {who}: {page} page"
                );
            }

            // Unpublish, then publish again.
            let status = post(&app, &format!("/petitions/{id}/unpublish"), &[]).await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: unpublish"
            );
            assert_eq!(
                petition_row(&app, id).await.expect("row").published,
                !allowed,
                "{backend:?} {who}: unpublish changes only when allowed"
            );
            let status = post(&app, &format!("/petitions/{id}/publish"), &[]).await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: publish"
            );
            assert!(petition_row(&app, id).await.expect("row").published);

            // Duplicate.
            let before = petitions(&app).await;
            let status = post(&app, &format!("/petitions/{id}/duplicate"), &[]).await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: duplicate"
            );
            assert_eq!(petitions(&app).await, before + u64::from(allowed), "{who}");

            // Transfer, to the other organization (nobody but olga may create there) and to the
            // visitor's own petitions.
            let status = post(
                &app,
                &format!("/petitions/{id}/transfer"),
                &[("destination", &format!("org:{other}"))],
            )
            .await;
            assert_eq!(
                status,
                Status::NotFound,
                "{backend:?} {who}: transfer elsewhere"
            );
            let row = petition_row(&app, id).await.expect("row");
            assert!(
                row.organization_id.is_some() && row.published,
                "{backend:?} {who}"
            );
            let status = post(
                &app,
                &format!("/petitions/{id}/transfer"),
                &[("destination", "personal")],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: transfer"
            );
            let row = petition_row(&app, id).await.expect("row");
            assert_eq!(
                row.organization_id.is_none(),
                allowed,
                "{backend:?} {who}: the owner changes only when allowed"
            );

            // Edit: the editor page and saving it.
            let (status, _) = app.get(&format!("/petitions/{id}/edit")).await;
            assert_eq!(status, expected(Status::Ok), "{backend:?} {who}: edit page");
            let title = format!("Edited by {who}");
            let status = post(
                &app,
                &format!("/petitions/{id}/edit"),
                &[
                    ("title", &title),
                    ("body_html", "<p>New text.</p>"),
                    ("goal", "10"),
                    ("deadline", ""),
                ],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: edit"
            );
            assert_eq!(
                petition_row(&app, id).await.expect("row").title == title,
                allowed,
                "{backend:?} {who}: the title changes only when allowed"
            );

            // Delete — last.
            let status = post(&app, &format!("/petitions/{id}/delete"), &[]).await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: delete"
            );
            assert_eq!(petition_row(&app, id).await.is_none(), allowed, "{who}");
            assert_eq!(
                signatures_of(&app, id).await,
                u64::from(!allowed),
                "{backend:?} {who}: signatures go only with the petition"
            );
        }

        // Forged or missing CSRF token: refused whoever asks, nothing changes.
        let id = org_petition(&app, &slug, "Guarded", 0).await;
        log_in(&app, "cleo").await;
        for (path, fields) in [
            (format!("/petitions/{id}/publish"), vec![("csrf", "forged")]),
            (format!("/petitions/{id}/delete"), vec![]),
        ] {
            let response = app.post_form(&path, &fields).await;
            assert_eq!(response.status(), Status::Forbidden, "{backend:?}: {path}");
        }
        let row = petition_row(&app, id).await.expect("still there");
        assert!(!row.published);
        app.finish().await;
    }
}

/// Publishes `id` as its organization's creator.
async fn post_as_owner(app: &TestApp, id: i32) -> Status {
    log_in(app, "ana").await;
    post(app, &format!("/petitions/{id}/publish"), &[]).await
}

#[rocket::async_test]
async fn without_personal_petitions_nothing_can_be_transferred_to_a_person() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("personal_petitions", false)
            .build()
            .await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let id = org_petition(&app, &slug, "Save the lake", 0).await;
        log_in(&app, "ana").await;
        let (status, page) = app.get(&format!("/petitions/{id}/transfer")).await;
        assert_eq!(status, Status::Ok);
        assert!(!page.contains("value=\"personal\""), "{backend:?}: {page}");
        let status = post(
            &app,
            &format!("/petitions/{id}/transfer"),
            &[("destination", "personal")],
        )
        .await;
        assert_eq!(status, Status::NotFound, "{backend:?}");
        let row = petition_row(&app, id).await.expect("row");
        assert!(row.organization_id.is_some());
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_editor_sanitizes_the_text_and_keeps_what_was_typed_when_something_is_wrong() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = personal_petition(&app, "ana", "Save the lake", 0).await;
        log_in(&app, "ana").await;
        let (status, page) = app.get(&format!("/petitions/{id}/edit")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Save the lake") && page.contains("Keep the park green."));

        // A bad goal and date: 422, translated messages, nothing saved, the text typed kept.
        let csrf = app.csrf("/").await;
        let response = app
            .post_form_lang(
                &format!("/petitions/{id}/edit"),
                &[
                    ("csrf", &csrf),
                    ("title", "A better title"),
                    ("body_html", "<p>Typed text</p>"),
                    ("goal", "-3"),
                    ("deadline", "next week"),
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
        assert!(
            page.contains("A better title") && page.contains("Typed text"),
            "{page}"
        );
        assert!(
            page.contains("Saisissez un nombre entier"),
            "{backend:?}: {page}"
        );
        assert!(page.contains("Saisissez une date"), "{backend:?}");
        assert_eq!(
            petition_row(&app, id).await.expect("row").title,
            "Save the lake"
        );

        // Saved: script and event handlers are gone, the rest is kept; goal and deadline set.
        let status = post(
            &app,
            &format!("/petitions/{id}/edit"),
            &[
                ("title", "  A better title  "),
                (
                    "body_html",
                    "<p onclick=\"alert(1)\">Kept <strong>text</strong></p><script>alert(2)</script><a href=\"javascript:alert(3)\">x</a>",
                ),
                ("goal", "500"),
                ("deadline", "2030-03-31"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let row = petition_row(&app, id).await.expect("row");
        assert_eq!(row.title, "A better title");
        assert!(
            row.body_html.contains("Kept <strong>text</strong>"),
            "{}",
            row.body_html
        );
        for bad in ["onclick", "<script", "javascript:", "alert(2)"] {
            assert!(
                !row.body_html.contains(bad),
                "{backend:?}: {bad} in {}",
                row.body_html
            );
        }
        assert_eq!(row.goal, Some(500));
        assert_eq!(
            row.deadline.map(|d| d.date().to_string()),
            Some("2030-03-31".to_string())
        );
        app.finish().await;
    }
}

/// A draft is seen by nobody else: its title on the dashboard opens it in the editor, not a public
/// address that would answer "this page does not exist".
#[rocket::async_test]
async fn a_drafts_title_on_the_dashboard_opens_the_editor() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let draft = personal_petition(&app, "ana", "Save the lake", 0).await;
        let published = personal_petition(&app, "ana", "Save the river", 0).await;
        log_in(&app, "ana").await;
        assert_eq!(
            post(&app, &format!("/petitions/{published}/publish"), &[]).await,
            Status::SeeOther
        );
        let (status, page) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains(&format!(
                "<a href=\"/petitions/{draft}/edit\">Save the lake</a>"
            )),
            "{backend:?}: {page}"
        );
        assert!(
            page.contains("<a href=\"/u/ana/save-the-river\">Save the river</a>"),
            "{backend:?}: {page}"
        );
        let (status, _) = app.get(&format!("/petitions/{draft}/edit")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        app.finish().await;
    }
}

/// The editor and the wizard agree: a petition needs words a reader sees. Markup alone is refused
/// with the translated message, and what was typed stays in the form.
#[rocket::async_test]
async fn the_editor_refuses_a_text_without_words() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = personal_petition(&app, "ana", "Save the lake", 0).await;
        log_in(&app, "ana").await;
        for (typed, lang, message) in [
            ("", "en", "Write the text of the petition"),
            (
                "<p> </p><p>&nbsp;</p>",
                "fr",
                "Écrivez le texte de la pétition",
            ),
        ] {
            let csrf = app.csrf("/").await;
            let response = app
                .post_form_lang(
                    &format!("/petitions/{id}/edit"),
                    &[
                        ("csrf", &csrf),
                        ("title", "A typed title"),
                        ("body_html", typed),
                    ],
                    lang,
                )
                .await;
            assert_eq!(
                response.status(),
                Status::UnprocessableEntity,
                "{backend:?}: {typed:?}"
            );
            let page = response.into_string().await.unwrap_or_default();
            assert!(page.contains(message), "{backend:?}: {page}");
            assert!(page.contains("A typed title"), "{backend:?}");
            let row = petition_row(&app, id).await.expect("row");
            assert_eq!(
                row.body_html, "<p>Keep the park green.</p>",
                "nothing saved"
            );
        }
        app.finish().await;
    }
}
