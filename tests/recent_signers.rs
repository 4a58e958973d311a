//! Recent signers on the petition's page (issue 13 point 1): shown only when the organizers turn it
//! on in the editor, and only for signers who ticked the box when signing; first name, city or
//! organization and comment, never a last name or an address; nothing of an unconfirmed signature.
mod common;

use common::accounts::{mailed_link, press};
use common::app::{TestApp, backends};
use common::people::park_friends_petition;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use signons::domain::petitions::petition::Located;
use signons::entity::signature;

/// The editor's form as it is, asking the city and a comment, showing signers or not.
async fn edit(app: &TestApp, id: i32, show_signers: bool) {
    let csrf = app.csrf(&format!("/petitions/{id}/edit")).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("title", "Save the park"),
        ("body_html", "Keep the old trees."),
        ("paper_signatures", "0"),
        ("theme", "default"),
        ("ask_city", "optional"),
        ("ask_organization", "optional"),
        ("ask_comment", "optional"),
    ];
    if show_signers {
        fields.push(("show_signers", "true"));
    }
    let response = app
        .post_form(&format!("/petitions/{id}/edit"), &fields)
        .await;
    assert_eq!(response.status(), Status::SeeOther);
}

/// Signs through the page's form with `extra` fields, and confirms through the mailed link when
/// `confirm`.
async fn sign(
    app: &TestApp,
    located: &Located,
    who: (&str, &str),
    extra: &[(&str, &str)],
    confirm: bool,
) {
    let (first, email) = who;
    let csrf = app.csrf(&located.path()).await;
    let mut form = vec![
        ("csrf", csrf.as_str()),
        ("first_name", first),
        ("last_name", "Zabriskie"),
        ("email", email),
    ];
    form.extend_from_slice(extra);
    let response = app
        .post_form(&format!("/petitions/{}/sign", located.petition.id), &form)
        .await;
    assert!(
        response.status().code < 400,
        "{first}: {}",
        response.status()
    );
    if confirm {
        let link = mailed_link(app, email, "/confirm/")
            .await
            .unwrap_or_else(|| panic!("a confirmation link for {email}"));
        assert!(press(app, &link).await.code < 400);
    }
}

async fn shown_publicly(app: &TestApp, email: &str) -> bool {
    signature::Entity::find()
        .filter(signature::Column::Email.eq(email))
        .one(&app.db)
        .await
        .expect("query")
        .expect("row")
        .shown_publicly
}

#[rocket::async_test]
async fn signers_who_agree_are_shown_only_where_the_organizers_chose_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = park_friends_petition(&app, "ana").await;
        let id = located.petition.id;
        edit(&app, id, false).await;

        // Not shown: the form does not ask, and a box sent anyway is not kept.
        let (_, page) = app.get(&located.path()).await;
        assert!(!page.contains("shown_publicly"), "{backend:?}");
        sign(
            &app,
            &located,
            ("Eve", "eve@example.org"),
            &[("shown_publicly", "true"), ("city", "Nantes")],
            true,
        )
        .await;
        assert!(
            !shown_publicly(&app, "eve@example.org").await,
            "{backend:?}"
        );

        edit(&app, id, true).await;
        let (_, page) = app.get(&located.path()).await;
        assert!(
            page.contains("name=\"shown_publicly\" type=\"checkbox\" value=\"true\">"),
            "{backend:?}: asked, unticked: {page}"
        );
        assert!(
            !page.contains("Recent signatures"),
            "{backend:?}: nobody yet"
        );

        sign(
            &app,
            &located,
            ("Ann", "ann@example.org"),
            &[
                ("shown_publicly", "true"),
                ("city", "Lyon"),
                ("comment", "For the old plane trees"),
            ],
            true,
        )
        .await;
        sign(
            &app,
            &located,
            ("Bob", "bob@example.org"),
            &[
                ("shown_publicly", "true"),
                ("organization", "Cyclists of Lyon"),
            ],
            true,
        )
        .await;
        sign(
            &app,
            &located,
            ("Cid", "cid@example.org"),
            &[("city", "Paris"), ("comment", "Quietly")],
            true,
        )
        .await;
        sign(
            &app,
            &located,
            ("Dee", "dee@example.org"),
            &[("shown_publicly", "true"), ("city", "Brest")],
            false,
        )
        .await;

        let (_, page) = app.get(&located.path()).await;
        let start = page.find("Recent signatures").expect("the section");
        let section = &page[start
            ..page[start..]
                .find("</section>")
                .map_or(page.len(), |e| start + e)];
        assert!(
            section.contains("<strong dir=\"auto\">Ann</strong> <span dir=\"auto\">(Lyon)</span>"),
            "{backend:?}: {section}"
        );
        assert!(section.contains("For the old plane trees"), "{backend:?}");
        assert!(section.contains(
            "<strong dir=\"auto\">Bob</strong> <span dir=\"auto\">(Cyclists of Lyon)</span>"
        ));
        // The latest first.
        assert!(
            section.find(">Bob<") < section.find(">Ann<"),
            "{backend:?}: {section}"
        );
        for hidden in [
            "Cid",
            "Quietly",
            "Dee",
            "Brest",
            "Eve",
            "Zabriskie",
            "@example.org",
        ] {
            assert!(
                !section.contains(hidden),
                "{backend:?}: {hidden} is not shown"
            );
        }

        // In French too.
        let (_, page) = app.get_lang(&located.path(), "fr").await;
        assert!(page.contains("Dernières signatures"), "{backend:?}");
        app.finish().await;
    }
}
