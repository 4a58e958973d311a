//! A member creates a petition with the wizard — title and owner, text, options, preview, save —
//! through plain forms: going back keeps what was typed, mistakes are answered in the reader's
//! language, a half-made draft waits on the server, and nobody else sees it. Templates keep a
//! petition's settings for the next one, one of them the default the wizard starts from.
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, join, log_in, log_out, post, register, user_id};
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::domain::people::permission::Permission;
use signons::domain::petitions::petition::{self, NewPetition, Owner};
use signons::entity::{petition as petition_entity, petition_template};

fn location(response: &rocket::local::asynchronous::LocalResponse<'_>) -> String {
    response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string()
}

/// A date `days` from today, as the form takes it.
fn in_days(days: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::days(days))
        .date()
        .to_string()
}

/// The first step, as a browser posts it; the new draft's id.
async fn start(app: &TestApp, title: &str, owner: &str, template: &str) -> i32 {
    let csrf = app.csrf("/petitions/new").await;
    let response = app
        .post_form(
            "/petitions/new",
            &[
                ("csrf", &csrf),
                ("title", title),
                ("owner", owner),
                ("template", template),
            ],
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther, "start {title}");
    let to = location(&response);
    let id = to
        .trim_start_matches("/petitions/")
        .trim_end_matches("/wizard/text");
    id.parse()
        .unwrap_or_else(|_| panic!("a draft's address: {to}"))
}

/// Posts one step's form with the visitor's token; the status and where it leads.
async fn step(app: &TestApp, id: i32, name: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = app
        .post_form(&format!("/petitions/{id}/wizard/{name}"), &all)
        .await;
    (response.status(), location(&response))
}

async fn row(app: &TestApp, id: i32) -> petition_entity::Model {
    petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("the petition")
}

async fn petitions(app: &TestApp) -> u64 {
    petition_entity::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

async fn templates(app: &TestApp) -> Vec<petition_template::Model> {
    petition_template::Entity::find()
        .all(&app.db)
        .await
        .expect("query")
}

#[rocket::async_test]
async fn the_wizard_publishes_a_petition_at_its_permalink_or_keeps_it_as_a_draft() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        log_out(&app).await;
        let response = app.client.get("/petitions/new").dispatch().await;
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(location(&response), "/login?next=%2Fpetitions%2Fnew");

        register(&app, "ana").await;
        let (status, dashboard) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);
        assert!(dashboard.contains("href=\"/petitions/new\""), "{backend:?}");
        let (status, page) = app.get("/petitions/new").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("value=\"personal\""), "{backend:?}: {page}");

        // Published at the end.
        let id = start(&app, "Save the lake", "personal", "").await;
        let draft = row(&app, id).await;
        assert!(!draft.published, "{backend:?}: a draft from the first step");
        assert_eq!(draft.user_id, Some(user_id(&app, "ana").await));
        let (status, to) = step(
            &app,
            id,
            "text",
            &[
                ("body_html", "<p>Keep it <strong>clean</strong>.</p>"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (
                Status::SeeOther,
                &*format!("/petitions/{id}/wizard/options?publish=true")
            )
        );
        let deadline = in_days(30);
        let (status, to) = step(
            &app,
            id,
            "options",
            &[
                ("goal", "500"),
                ("deadline", &deadline),
                ("publish", "true"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(to, format!("/petitions/{id}/wizard/preview?publish=true"));
        let (status, preview) = app.get(&to).await;
        assert_eq!(status, Status::Ok);
        assert!(
            preview.contains("<p>Keep it <strong>clean</strong>.</p>")
                && preview.contains("Save the lake"),
            "{backend:?}: {preview}"
        );
        assert!(
            !row(&app, id).await.published,
            "{backend:?}: not before saving"
        );
        let (status, to) = step(&app, id, "preview", &[("publish", "true"), ("go", "save")]).await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, "/u/ana/save-the-lake")
        );
        let (status, page) = app.get("/u/ana/save-the-lake").await;
        assert_eq!(status, Status::Ok, "{backend:?}: the permalink answers");
        assert!(page.contains("Keep it <strong>clean</strong>."));
        let saved = row(&app, id).await;
        assert!(saved.published);
        assert_eq!(saved.goal, Some(500));
        assert_eq!(saved.deadline.map(|d| d.date().to_string()), Some(deadline));
        // A published petition is no draft: the wizard is closed to it.
        let (status, _) = app.get(&format!("/petitions/{id}/wizard/text")).await;
        assert_eq!(status, Status::NotFound);

        // Kept as a draft.
        let id = start(&app, "Plant trees", "personal", "").await;
        let (status, _) = step(
            &app,
            id,
            "text",
            &[("body_html", "<p>Trees.</p>"), ("go", "next")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (status, to) = step(
            &app,
            id,
            "options",
            &[
                ("goal", ""),
                ("deadline", ""),
                ("publish", "false"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(to, format!("/petitions/{id}/wizard/preview?publish=false"));
        let (_, preview) = app.get(&to).await;
        assert!(preview.contains("Save the draft"), "{backend:?}");
        let (status, to) = step(&app, id, "preview", &[("publish", "false"), ("go", "save")]).await;
        assert_eq!((status, to.as_str()), (Status::SeeOther, "/dashboard"));
        assert!(!row(&app, id).await.published, "{backend:?}");
        // Its owner sees it with the draft banner (F1.3); the public does not.
        let (status, page) = app.get("/u/ana/plant-trees").await;
        assert_eq!(status, Status::Ok, "{backend:?}: the owner's draft");
        assert!(page.contains("Draft — only you"), "{backend:?}");
        log_out(&app).await;
        let (status, _) = app.get("/u/ana/plant-trees").await;
        assert_eq!(
            status,
            Status::NotFound,
            "{backend:?}: a draft is not public"
        );
        log_in(&app, "ana").await;
        let (_, dashboard) = app.get("/dashboard").await;
        assert!(dashboard.contains("Plant trees") && dashboard.contains("Draft"));
        // The draft's row leads back into the wizard, at its first step, with what was saved.
        let resume = format!("/petitions/{id}/wizard/title");
        assert!(
            dashboard.contains(&format!("href=\"{resume}\"")),
            "{backend:?}"
        );
        let (status, first_step) = app.get(&resume).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(first_step.contains("value=\"Plant trees\""), "{backend:?}");
        drop(response);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn going_back_keeps_what_was_typed_at_every_step() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = start(&app, "Save the lake", "personal", "").await;

        // Back from the text: the text is kept, the title page shows the title.
        let (status, to) = step(
            &app,
            id,
            "text",
            &[("body_html", "<p>Typed first.</p>"), ("go", "back")],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, &*format!("/petitions/{id}/wizard/title"))
        );
        let (status, page) = app.get(&to).await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("value=\"Save the lake\""),
            "{backend:?}: {page}"
        );
        // A new title on the way: the permalink follows it.
        let (status, to) = step(
            &app,
            id,
            "title",
            &[("title", "Save the big lake"), ("go", "next")],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, &*format!("/petitions/{id}/wizard/text"))
        );
        let (_, page) = app.get(&to).await;
        assert!(
            page.contains("&lt;p&gt;Typed first.&lt;&#x2F;p&gt;") || page.contains("Typed first."),
            "{backend:?}: {page}"
        );

        // Back from the options, with a goal and the choice to keep it a draft.
        let (status, _) = step(
            &app,
            id,
            "text",
            &[("body_html", "<p>Typed first.</p>"), ("go", "next")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (status, to) = step(
            &app,
            id,
            "options",
            &[
                ("goal", "42"),
                ("deadline", ""),
                ("publish", "false"),
                ("go", "back"),
            ],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, &*format!("/petitions/{id}/wizard/text"))
        );
        let (_, page) = app
            .get(&format!("/petitions/{id}/wizard/options?publish=false"))
            .await;
        assert!(page.contains("value=\"42\""), "{backend:?}: {page}");
        assert!(page.contains("value=\"false\" checked"), "{backend:?}");

        // Back from the preview keeps the choice.
        let (status, to) = step(&app, id, "preview", &[("publish", "false"), ("go", "back")]).await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(to, format!("/petitions/{id}/wizard/options?publish=false"));
        assert!(!row(&app, id).await.published);

        // Saved: under the new title's permalink.
        let (status, to) = step(&app, id, "preview", &[("publish", "true"), ("go", "save")]).await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, "/u/ana/save-the-big-lake")
        );
        let (status, _) = app.get("/u/ana/save-the-big-lake").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn mistakes_are_answered_in_the_readers_language_and_what_was_typed_stays() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;

        // An empty title: nothing is created.
        let csrf = app.csrf("/petitions/new").await;
        let response = app
            .post_form_lang(
                "/petitions/new",
                &[
                    ("csrf", &csrf),
                    ("title", "  "),
                    ("owner", "personal"),
                    ("template", ""),
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
            page.contains("Veuillez remplir ce champ."),
            "{backend:?}: {page}"
        );
        assert!(page.contains("value=\"personal\" checked"), "{backend:?}");
        assert_eq!(petitions(&app).await, 0);
        let (status, page) = app.get_lang("/petitions/new", "fr").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Nouvelle pétition"), "{backend:?}");

        // A goal below one and a past closing date: 422, nothing saved, the typed values kept.
        let id = start(&app, "Save the lake", "personal", "").await;
        let csrf = app.csrf("/").await;
        let response = app
            .post_form_lang(
                &format!("/petitions/{id}/wizard/options"),
                &[
                    ("csrf", &csrf),
                    ("goal", "-3"),
                    ("deadline", "2020-01-01"),
                    ("publish", "true"),
                    ("go", "next"),
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
            page.contains("Saisissez un nombre entier"),
            "{backend:?}: {page}"
        );
        assert!(page.contains("Choisissez une date à venir"), "{backend:?}");
        assert!(page.contains("value=\"-3\"") && page.contains("value=\"2020-01-01\""));
        let response = app
            .post_form(
                &format!("/petitions/{id}/wizard/options"),
                &[
                    ("csrf", &csrf),
                    ("goal", "10"),
                    ("deadline", "2020-01-01"),
                    ("go", "back"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}: back checks too"
        );
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Choose a date to come"), "{backend:?}");
        let draft = row(&app, id).await;
        assert!(!draft.published && draft.goal.is_none() && draft.deadline.is_none());

        // An empty title later on is refused as well.
        let (status, _) = step(&app, id, "title", &[("title", ""), ("go", "next")]).await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert_eq!(row(&app, id).await.title, "Save the lake");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_draft_left_at_the_text_step_is_resumed_after_a_new_login() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = start(&app, "Save the lake", "personal", "").await;
        let (status, _) = step(
            &app,
            id,
            "text",
            &[("body_html", "<p>Half written.</p>"), ("go", "next")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        // The browser is closed: a new session later.
        log_out(&app).await;
        log_in(&app, "ana").await;
        let (_, dashboard) = app.get("/dashboard").await;
        assert!(
            dashboard.contains("Save the lake"),
            "{backend:?}: the draft is listed"
        );
        let (status, page) = app.get(&format!("/petitions/{id}/wizard/text")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Half written."), "{backend:?}: {page}");
        let (status, _) = step(
            &app,
            id,
            "text",
            &[
                ("body_html", "<p>Half written, then finished.</p>"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (status, _) = step(
            &app,
            id,
            "options",
            &[
                ("goal", "100"),
                ("deadline", ""),
                ("publish", "true"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (status, to) = step(&app, id, "preview", &[("publish", "true"), ("go", "save")]).await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, "/u/ana/save-the-lake")
        );
        let (_, page) = app.get(&to).await;
        assert!(page.contains("Half written, then finished."), "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn nobody_else_sees_or_continues_someones_draft() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ben").await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let personal = start(&app, "My own draft", "personal", "").await;
        let organization = start(&app, "Our draft", &format!("org:{slug}"), "").await;
        assert!(row(&app, organization).await.organization_id.is_some());

        for who in [Some("ben"), None] {
            match who {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            for id in [personal, organization] {
                for name in ["title", "text", "options", "preview"] {
                    let (status, _) = app.get(&format!("/petitions/{id}/wizard/{name}")).await;
                    assert_eq!(
                        status,
                        Status::NotFound,
                        "{backend:?} {who:?}: {name} of {id}"
                    );
                }
                let (status, _) = step(
                    &app,
                    id,
                    "text",
                    &[("body_html", "<p>Taken over</p>"), ("go", "next")],
                )
                .await;
                assert_eq!(status, Status::NotFound, "{backend:?} {who:?}");
                let (status, _) =
                    step(&app, id, "options", &[("goal", "-1"), ("go", "next")]).await;
                assert_eq!(
                    status,
                    Status::NotFound,
                    "{backend:?} {who:?}: even with a mistake"
                );
                let (status, _) =
                    step(&app, id, "preview", &[("publish", "true"), ("go", "save")]).await;
                assert_eq!(status, Status::NotFound, "{backend:?} {who:?}");
                let draft = row(&app, id).await;
                assert!(
                    !draft.published && draft.body_html.is_empty(),
                    "{backend:?} {who:?}"
                );
            }
        }
        // Nor may ben create for an organization he does not belong to.
        log_in(&app, "ben").await;
        let csrf = app.csrf("/petitions/new").await;
        let before = petitions(&app).await;
        let response = app
            .post_form(
                "/petitions/new",
                &[
                    ("csrf", &csrf),
                    ("title", "Mine now"),
                    ("owner", &format!("org:{slug}")),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        assert_eq!(petitions(&app).await, before);
        drop(response);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn scripts_typed_in_the_title_or_text_are_stored_sanitized() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = start(
            &app,
            "Save <script>alert(1)</script>the lake <img src=x onerror=alert(1)>",
            "personal",
            "",
        )
        .await;
        let (status, _) = step(
            &app,
            id,
            "text",
            &[
                (
                    "body_html",
                    r#"<p onclick="x()">Hello<script>alert(1)</script> <a href="javascript:alert(1)">link</a><img src=x onerror=alert(1)></p>"#,
                ),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (status, _) = step(
            &app,
            id,
            "title",
            &[
                ("title", "<a href=\"javascript:alert(1)\">Save</a> the lake"),
                ("go", "next"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let draft = row(&app, id).await;
        for stored in [&draft.title, &draft.body_html] {
            for bad in ["<script", "onerror=", "javascript:", "onclick"] {
                assert!(!stored.contains(bad), "{backend:?}: {bad} in {stored}");
            }
        }
        assert_eq!(draft.title, "Save the lake");
        assert!(draft.body_html.contains("Hello"), "{}", draft.body_html);
        let (_, preview) = app.get(&format!("/petitions/{id}/wizard/preview")).await;
        assert!(!preview.contains("alert(1)"), "{backend:?}: {preview}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_petition_saved_as_a_template_becomes_the_default_the_wizard_starts_from() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = start(&app, "Save the lake", "personal", "").await;
        step(
            &app,
            id,
            "text",
            &[("body_html", "<p>Template text.</p>"), ("go", "next")],
        )
        .await;
        step(
            &app,
            id,
            "options",
            &[("goal", "250"), ("deadline", ""), ("go", "next")],
        )
        .await;

        // The dashboard links to saving it as a template; a name is needed.
        let (_, dashboard) = app.get("/dashboard").await;
        assert!(
            dashboard.contains(&format!("/petitions/{id}/save-as-template")),
            "{backend:?}"
        );
        let (status, page) = app.get(&format!("/petitions/{id}/save-as-template")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("value=\"Save the lake\""), "{backend:?}");
        let csrf = app.csrf("/").await;
        let response = app
            .post_form_lang(
                &format!("/petitions/{id}/save-as-template"),
                &[("csrf", &csrf), ("name", " ")],
                "fr",
            )
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Veuillez remplir ce champ."), "{backend:?}");
        assert!(templates(&app).await.is_empty());
        let response = app
            .post_form(
                &format!("/petitions/{id}/save-as-template"),
                &[("csrf", &csrf), ("name", "Lake campaign")],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(location(&response), "/templates?done=saved");
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{id}/save-as-template"),
                &[("name", "Other")]
            )
            .await,
            Status::SeeOther
        );
        let all = templates(&app).await;
        let lake = all
            .iter()
            .find(|t| t.name == "Lake campaign")
            .expect("saved");
        let other = all.iter().find(|t| t.name == "Other").expect("saved");
        assert_eq!(lake.goal, Some(250));
        assert_eq!(lake.body_html, "<p>Template text.</p>");
        assert_eq!(lake.user_id, Some(user_id(&app, "ana").await));
        let (status, page) = app.get("/templates?done=saved").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Lake campaign") && page.contains("The template is saved."));

        // One default at a time.
        for (chosen, other_id) in [(other.id, lake.id), (lake.id, other.id)] {
            assert_eq!(
                post(&app, &format!("/templates/{chosen}/default"), &[]).await,
                Status::SeeOther
            );
            let all = templates(&app).await;
            let default: Vec<i32> = all.iter().filter(|t| t.is_default).map(|t| t.id).collect();
            assert_eq!(default, vec![chosen], "{backend:?}: not {other_id}");
        }

        // The wizard preselects the default and copies it.
        let (_, page) = app.get("/petitions/new").await;
        assert!(
            page.contains(&format!("value=\"{}\" selected", lake.id)),
            "{backend:?}: {page}"
        );
        let copy = start(&app, "Save the river", "personal", &lake.id.to_string()).await;
        let draft = row(&app, copy).await;
        assert_eq!(draft.body_html, "<p>Template text.</p>");
        assert_eq!(draft.goal, Some(250));
        let (_, page) = app.get(&format!("/petitions/{copy}/wizard/text")).await;
        assert!(page.contains("Template text."), "{backend:?}");

        // An organization's template cannot be used for a personal petition.
        let slug = create_org(&app, "Park Friends").await;
        let org_id = start(&app, "Org one", &format!("org:{slug}"), "").await;
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{org_id}/save-as-template"),
                &[("name", "Org template")]
            )
            .await,
            Status::SeeOther
        );
        let org_template = templates(&app)
            .await
            .into_iter()
            .find(|t| t.name == "Org template")
            .expect("saved");
        assert!(org_template.organization_id.is_some());
        let (status, page) = app.get(&format!("/organizations/{slug}/templates")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Org template"));
        let csrf = app.csrf("/").await;
        let before = petitions(&app).await;
        drop(response);
        let response = app
            .post_form(
                "/petitions/new",
                &[
                    ("csrf", &csrf),
                    ("title", "Mixed"),
                    ("owner", "personal"),
                    ("template", &org_template.id.to_string()),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        assert_eq!(petitions(&app).await, before);

        // Deleting leaves the petitions made from it alone.
        assert_eq!(
            post(&app, &format!("/templates/{}/delete", lake.id), &[]).await,
            Status::SeeOther
        );
        assert!(templates(&app).await.iter().all(|t| t.id != lake.id));
        assert_eq!(row(&app, copy).await.goal, Some(250));
        drop(response);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn each_template_route_answers_each_kind_of_visitor_and_refusals_change_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        for name in ["ana", "ben", "cleo", "olga"] {
            register(&app, name).await;
        }
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        log_in(&app, "olga").await;
        create_org(&app, "Other Org").await;
        join(&app, &slug, "ana", "ben").await;
        join(&app, &slug, "ana", "cleo").await;
        log_in(&app, "ana").await;
        // ben: no right at all; cleo: every right.
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
        let org = signons::domain::people::organization::find_by_slug(&app.db, &slug)
            .await
            .expect("query")
            .expect("org");
        let petition = petition::create(
            &app.db,
            &Owner::Organization(org),
            NewPetition {
                title: "Save the park".into(),
                body_html: "<p>Green.</p>".into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition")
        .petition
        .id;
        // ana's own template, which no visitor may touch.
        let own = start(&app, "Ana's own", "personal", "").await;
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{own}/save-as-template"),
                &[("name", "Ana's")]
            )
            .await,
            Status::SeeOther
        );
        let anas = templates(&app).await[0].id;

        let visitors: [(&str, Option<&str>); 4] = [
            ("anonymous", None),
            ("member of another organization", Some("olga")),
            ("member without the permission", Some("ben")),
            ("member with it", Some("cleo")),
        ];
        for (who, login) in visitors {
            // A template of the organization for each visitor, saved by ana.
            log_in(&app, "ana").await;
            let name = format!("For {who}");
            assert_eq!(
                post(
                    &app,
                    &format!("/petitions/{petition}/save-as-template"),
                    &[("name", &name)]
                )
                .await,
                Status::SeeOther
            );
            let template = templates(&app)
                .await
                .into_iter()
                .find(|t| t.name == name)
                .expect("saved")
                .id;
            match login {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            let allowed = who == "member with it";
            let member = allowed || who == "member without the permission";
            let expected = |ok: Status, yes: bool| if yes { ok } else { Status::NotFound };

            let (status, _) = app.get(&format!("/organizations/{slug}/templates")).await;
            assert_eq!(
                status,
                expected(Status::Ok, member),
                "{backend:?} {who}: the organization's page"
            );
            let (status, _) = app.get("/templates").await;
            assert_eq!(
                status,
                expected(Status::Ok, login.is_some()),
                "{backend:?} {who}: own page"
            );
            let (status, page) = app.get("/templates").await;
            assert!(
                status != Status::Ok || (!page.contains("Ana&#x27;s") && !page.contains("Ana's")),
                "{backend:?} {who}: nobody sees another's templates"
            );

            let (status, _) = app
                .get(&format!("/petitions/{petition}/save-as-template"))
                .await;
            assert_eq!(
                status,
                expected(Status::Ok, allowed),
                "{backend:?} {who}: save page"
            );
            let before = templates(&app).await.len();
            let status = post(
                &app,
                &format!("/petitions/{petition}/save-as-template"),
                &[("name", "Taken")],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther, allowed),
                "{backend:?} {who}: save"
            );
            assert_eq!(
                templates(&app).await.len(),
                before + usize::from(allowed),
                "{backend:?} {who}"
            );

            let status = post(&app, &format!("/templates/{template}/default"), &[]).await;
            assert_eq!(
                status,
                expected(Status::SeeOther, allowed),
                "{backend:?} {who}: default"
            );
            let is_default = templates(&app)
                .await
                .iter()
                .any(|t| t.id == template && t.is_default);
            assert_eq!(
                is_default, allowed,
                "{backend:?} {who}: changes only when allowed"
            );

            for target in [anas, template] {
                let status = post(&app, &format!("/templates/{target}/delete"), &[]).await;
                let yes = allowed && target == template;
                assert_eq!(
                    status,
                    expected(Status::SeeOther, yes),
                    "{backend:?} {who}: delete {target}"
                );
                let exists = templates(&app).await.iter().any(|t| t.id == target);
                assert_eq!(exists, !yes, "{backend:?} {who}: deleted only when allowed");
            }
        }

        // A forged token: refused, nothing changes.
        log_in(&app, "ana").await;
        let response = app
            .post_form(&format!("/templates/{anas}/delete"), &[("csrf", "forged")])
            .await;
        assert_eq!(response.status(), Status::Forbidden);
        assert!(templates(&app).await.iter().any(|t| t.id == anas));
        drop(response);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn without_personal_petitions_the_wizard_offers_only_organizations() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("personal_petitions", false)
            .build()
            .await;
        register(&app, "ana").await;
        let (status, page) = app.get("/petitions/new").await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("You may not create a petition here"),
            "{backend:?}: {page}"
        );
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                "/petitions/new",
                &[("csrf", &csrf), ("title", "Mine"), ("owner", "personal")],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        assert_eq!(petitions(&app).await, 0);
        let slug = create_org(&app, "Park Friends").await;
        let (_, page) = app.get("/petitions/new").await;
        assert!(!page.contains("value=\"personal\""), "{backend:?}");
        assert!(
            page.contains(&format!("value=\"org:{slug}\" checked")),
            "{backend:?}"
        );
        let id = start(&app, "Ours", &format!("org:{slug}"), "").await;
        assert!(row(&app, id).await.organization_id.is_some());
        drop(response);
        app.finish().await;
    }
}

/// Step 2 asks for a text as the editor does: "Next" with nothing a reader would see is refused with
/// the translated message and what was typed stays; "Back" still goes back; and a draft without a
/// text cannot be published by jumping to the preview.
#[rocket::async_test]
async fn the_text_step_refuses_an_empty_text_as_the_editor_does() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = start(&app, "Save the lake", "personal", "").await;
        for (typed, lang, message) in [
            ("", "en", "Write the text of the petition"),
            (
                "<p>  </p><p><br></p>",
                "fr",
                "Écrivez le texte de la pétition",
            ),
        ] {
            let csrf = app.csrf("/").await;
            let response = app
                .post_form_lang(
                    &format!("/petitions/{id}/wizard/text"),
                    &[("csrf", &csrf), ("body_html", typed), ("go", "next")],
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
            assert!(
                page.contains("aria-invalid=\"true\""),
                "{backend:?}: the field is marked"
            );
            if !typed.is_empty() {
                assert!(
                    page.contains("&lt;p&gt;  &lt;/p&gt;&lt;p&gt;&lt;br&gt;"),
                    "{backend:?}: what was typed stays: {page}"
                );
            }
        }
        let (status, to) = step(&app, id, "text", &[("body_html", ""), ("go", "back")]).await;
        assert_eq!(
            (status, to.as_str()),
            (Status::SeeOther, &*format!("/petitions/{id}/wizard/title")),
            "{backend:?}: going back needs no text"
        );
        // Straight to the preview: saving shows the text step with the message, nothing published.
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/petitions/{id}/wizard/preview"),
                &[("csrf", &csrf), ("publish", "true"), ("go", "save")],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        let page = response.into_string().await.unwrap_or_default();
        assert!(
            page.contains("Write the text of the petition") && page.contains("name=\"body_html\""),
            "{backend:?}: {page}"
        );
        assert!(!row(&app, id).await.published, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_text_step_previews_markdown_without_saving_then_saves_it_rendered() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let id = start(&app, "Save the lake", "personal", "").await;
        let text = "## Why\n\nKeep the lake **clean**.\n\n- no boats\n- no cars\n\n<script>alert(1)</script>";
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/petitions/{id}/wizard/text"),
                &[("csrf", &csrf), ("body_html", text), ("go", "preview")],
            )
            .await;
        assert_eq!(response.status(), Status::Ok, "{backend:?}");
        let page = response.into_string().await.unwrap_or_default();
        for shown in [
            "<h2 id=\"body_html-preview-title\">Preview of the text</h2>",
            "<h3>Why</h3>",
            "<p>Keep the lake <strong>clean</strong>.</p>",
            "<li>no boats</li>",
            // What was typed stays in the field.
            "## Why\n\nKeep the lake **clean**.",
        ] {
            assert!(page.contains(shown), "{backend:?}: {shown} in {page}");
        }
        assert!(!page.contains("<script>alert"), "{backend:?}");
        assert!(
            row(&app, id).await.body_markdown.is_none(),
            "{backend:?}: nothing saved"
        );

        let (status, _) = step(&app, id, "text", &[("body_html", text), ("go", "next")]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let saved = row(&app, id).await;
        assert_eq!(saved.body_markdown.as_deref(), Some(text), "{backend:?}");
        assert!(saved.body_html.contains("<h3>Why</h3>"), "{backend:?}");
        assert!(saved.body_html.contains("<li>no cars</li>"), "{backend:?}");
        assert!(!saved.body_html.contains("script"), "{backend:?}");
        // Back at the step, the field holds the Markdown, not the HTML.
        let (_, page) = app.get(&format!("/petitions/{id}/wizard/text")).await;
        assert!(page.contains("Keep the lake **clean**."), "{backend:?}");
        app.finish().await;
    }
}
