//! Bad input on the member forms gets a translated answer and changes nothing: a NUL byte or another
//! control character in any field, a tab or line break in `next`, a closing date before year one;
//! and the wizard and the editor hold one rule for a past closing date.
mod common;

use common::app::{TestApp, backends};
use common::people::{self, PASSWORD, create_org};
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::entity::{mail_queue, organization, petition, petition_template, user};

/// How many rows each table a member form writes to holds, and Ana's account as stored.
async fn snapshot(app: &TestApp) -> (Vec<u64>, Option<user::Model>) {
    let counts = vec![
        user::Entity::find().count(&app.db).await.expect("count"),
        organization::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        petition::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        petition_template::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        mail_queue::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
    ];
    let ana = signons::domain::people::account::find_by_username(&app.db, "ana")
        .await
        .expect("query");
    (counts, ana)
}

async fn post_page(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = app.post_form_lang(path, &all, "fr").await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// A draft of Ana's made by the wizard's first step; its id.
async fn draft(app: &TestApp, title: &str) -> i32 {
    let (status, _) = post_page(
        app,
        "/petitions/new",
        &[("title", title), ("owner", "personal"), ("template", "")],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    petition::Entity::find()
        .all(&app.db)
        .await
        .expect("petitions")
        .into_iter()
        .filter(|p| p.title == title)
        .map(|p| p.id)
        .next_back()
        .expect("the draft")
}

fn editor(title: &str, change: (&'static str, &'static str)) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = vec![
        ("title", title.to_string()),
        ("body_html", "<p>Text.</p>".into()),
        ("goal", String::new()),
        ("deadline", String::new()),
        ("paper_signatures", "0".into()),
        ("data_notice", String::new()),
        ("reply_to", String::new()),
        ("theme", "default".into()),
        ("accent", String::new()),
    ];
    if let Some(field) = fields.iter_mut().find(|(n, _)| *n == change.0) {
        field.1 = change.1.to_string();
    }
    fields
}

async fn save(app: &TestApp, id: i32, fields: &[(&'static str, String)]) -> (Status, String) {
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    post_page(app, &format!("/petitions/{id}/edit"), &borrowed).await
}

#[rocket::async_test]
async fn a_nul_byte_in_any_member_form_field_gets_a_translated_422_and_changes_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        people::register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let id = draft(&app, "Save the lake").await;
        assert!(
            app.wait_queue_empty(std::time::Duration::from_secs(10))
                .await
        );
        let before = snapshot(&app).await;
        let nul = "x\0y";
        let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
            ("/organizations".into(), vec![("name", "Park\0Friends")]),
            (
                format!("/organizations/{slug}/invite"),
                vec![("who", "eve\0@example.org")],
            ),
            (
                "/petitions/new".into(),
                vec![("title", "Save\0"), ("owner", "personal"), ("template", "")],
            ),
            (
                format!("/petitions/{id}/wizard/title"),
                vec![("title", nul), ("go", "next")],
            ),
            (
                format!("/petitions/{id}/wizard/text"),
                vec![("body_html", "<p>a\0</p>"), ("go", "next")],
            ),
            (
                format!("/petitions/{id}/wizard/options"),
                vec![("goal", "1\0"), ("go", "next")],
            ),
            (
                format!("/petitions/{id}/wizard/options"),
                vec![("deadline", "2031-01-01\0"), ("go", "next")],
            ),
            (
                format!("/petitions/{id}/save-as-template"),
                vec![("name", nul)],
            ),
            (
                "/account/password".into(),
                vec![
                    ("current_password", PASSWORD),
                    ("new_password", "a long\0 password"),
                ],
            ),
            (
                "/account/email".into(),
                vec![("email", "ana\0@example.org"), ("email_password", PASSWORD)],
            ),
            (
                "/login".into(),
                vec![("login", "ana\0"), ("password", PASSWORD)],
            ),
            (
                "/login".into(),
                vec![("login", "ana"), ("password", "a long\0 password")],
            ),
            (
                "/password/forgot".into(),
                vec![("email", "ana\0@example.org")],
            ),
            (
                "/register".into(),
                vec![
                    ("username", "eve\0"),
                    ("email", "eve@example.org"),
                    ("password", PASSWORD),
                ],
            ),
            (
                "/register".into(),
                vec![
                    ("username", "eve"),
                    ("email", "eve\0@example.org"),
                    ("password", PASSWORD),
                ],
            ),
            (
                "/register".into(),
                vec![
                    ("username", "eve"),
                    ("email", "eve@example.org"),
                    ("password", "a long\0 password"),
                ],
            ),
        ];
        for (path, fields) in &cases {
            if path == "/register" || path == "/password/forgot" {
                people::log_out(&app).await;
            }
            let (status, page) = post_page(&app, path, fields).await;
            assert_eq!(
                status,
                Status::UnprocessableEntity,
                "{backend:?}: {path} {fields:?}"
            );
            assert!(
                page.contains("caractère de contrôle"),
                "{backend:?}: {path}: {page}"
            );
            people::log_in(&app, "ana").await;
        }
        for field in [
            "title",
            "body_html",
            "goal",
            "deadline",
            "paper_signatures",
            "data_notice",
            "reply_to",
            "accent",
        ] {
            let (status, page) = save(&app, id, &editor("Save the lake", (field, "a\0b"))).await;
            assert_eq!(
                status,
                Status::UnprocessableEntity,
                "{backend:?}: editor {field}"
            );
            assert!(
                page.contains("caractère de contrôle"),
                "{backend:?}: {field}"
            );
        }
        assert!(
            app.wait_queue_empty(std::time::Duration::from_secs(10))
                .await
        );
        assert_eq!(snapshot(&app).await, before, "{backend:?}: nothing changed");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_tab_or_line_break_in_next_leads_to_a_safe_page() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        people::register(&app, "ana").await;
        people::log_out(&app).await;
        for next in ["/dash\tboard", "/\nSet-Cookie: x=1", "\r\n/x"] {
            let csrf = app.csrf("/login").await;
            let response = app
                .post_form(
                    "/login",
                    &[
                        ("csrf", &csrf),
                        ("login", "ana"),
                        ("password", PASSWORD),
                        ("next", next),
                    ],
                )
                .await;
            assert_eq!(response.status(), Status::SeeOther, "{backend:?}: {next:?}");
            assert_eq!(response.headers().get_one("Location"), Some("/dashboard"));
            drop(response);
            people::log_out(&app).await;
        }
        let csrf = app.csrf("/register").await;
        let response = app
            .post_form(
                "/register",
                &[
                    ("csrf", &csrf),
                    ("username", "ben"),
                    ("email", "ben@example.org"),
                    ("password", PASSWORD),
                    ("next", "/\tx"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/register/sent?next=%2F")
        );
        drop(response);
        let (status, page) = app.get("/login?next=%2F%0Ax").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("name=\"next\" value=\"/\""), "{page}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_closing_date_before_year_one_is_refused_by_the_wizard_and_the_editor() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        people::register(&app, "ana").await;
        let id = draft(&app, "Save the lake").await;
        for typed in ["-0001-01-01", "0000-01-01", "+2030-01-01", "20300-01-01"] {
            let (status, page) = post_page(
                &app,
                &format!("/petitions/{id}/wizard/options"),
                &[("deadline", typed), ("go", "next")],
            )
            .await;
            assert_eq!(
                status,
                Status::UnprocessableEntity,
                "{backend:?}: wizard {typed}"
            );
            assert!(page.contains("Saisissez une date au format"), "{page}");
            let (status, page) = save(
                &app,
                id,
                &editor("Save the lake", ("deadline", typed_static(typed))),
            )
            .await;
            assert_eq!(
                status,
                Status::UnprocessableEntity,
                "{backend:?}: editor {typed}"
            );
            assert!(page.contains("Saisissez une date au format"), "{page}");
        }
        let row = petition::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(row.deadline, None, "{backend:?}");
        app.finish().await;
    }
}

fn typed_static(typed: &str) -> &'static str {
    match typed {
        "-0001-01-01" => "-0001-01-01",
        "0000-01-01" => "0000-01-01",
        "+2030-01-01" => "+2030-01-01",
        _ => "20300-01-01",
    }
}

#[rocket::async_test]
async fn the_wizard_and_the_editor_hold_one_rule_for_a_past_closing_date() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        people::register(&app, "ana").await;
        let id = draft(&app, "Save the lake").await;
        // A draft: no past date, in the wizard or in the editor.
        let (status, page) = post_page(
            &app,
            &format!("/petitions/{id}/wizard/options"),
            &[("deadline", "2020-01-31"), ("go", "next")],
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("Choisissez une date à venir"), "{page}");
        let (status, page) = save(
            &app,
            id,
            &editor("Save the lake", ("deadline", "2020-01-31")),
        )
        .await;
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "{backend:?}: the editor agrees"
        );
        assert!(page.contains("Choisissez une date à venir"), "{page}");
        // Published: the editor closes it by a past date.
        let status = people::post(&app, &format!("/petitions/{id}/publish"), &[]).await;
        assert_eq!(status, Status::SeeOther);
        let (status, _) = save(
            &app,
            id,
            &editor("Save the lake", ("deadline", "2020-01-31")),
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        app.finish().await;
    }
}
