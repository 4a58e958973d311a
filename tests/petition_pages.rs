//! A visitor opens a petition by its permalink (F1.1–F1.3, F1.5): the canonical page with its count,
//! goal, progress bar and form; older permalinks redirect; the JSON document; the home page.
mod common;

use common::app::{TestApp, backends};
use rocket::http::Status;
use signons::domain::petitions::petition;

#[rocket::async_test]
async fn the_canonical_permalink_shows_the_petition_its_count_goal_progress_and_form() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Сохраним парк").await;
        assert_eq!(
            located.path(),
            "/o/friends-of-the-park/sokhranim-park",
            "slugs transliterate"
        );
        let (status, page) = app.get(&located.path()).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("<h1 dir=\"auto\">Сохраним парк</h1>"));
        assert!(page.contains("<p>Keep the park green.</p>"));
        assert!(page.contains("Nobody has signed yet"));
        assert!(page.contains("goal: 100"));
        assert!(page.contains("<progress max=\"100\" value=\"0\""));
        for field in [
            "name=\"first_name\"",
            "name=\"last_name\"",
            "name=\"email\"",
        ] {
            assert!(page.contains(field), "the form has {field}");
        }
        assert!(
            !page.contains("name=\"csrf\""),
            "the page everyone shares holds no visitor's token"
        );
        let json_link = format!(
            "<link rel=\"alternate\" type=\"application/json\" href=\"http://signons.test/api/petitions/{}\">",
            located.petition.id
        );
        assert!(page.contains(&json_link), "{page}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_older_permalink_redirects_permanently_to_the_canonical_one() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the old mill").await;
        let old_path = located.path();
        petition::add_permalink(&app.db, &located, "the-mill-lives", true)
            .await
            .expect("new canonical permalink");
        let response = app.client.get(old_path.clone()).dispatch().await;
        assert_eq!(response.status(), Status::MovedPermanently, "{backend:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/o/friends-of-the-park/the-mill-lives")
        );
        drop(response);
        let (status, _) = app.get("/o/friends-of-the-park/the-mill-lives").await;
        assert_eq!(status, Status::Ok);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn unknown_slugs_and_unpublished_petitions_are_a_translated_404() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let draft = app.petition_with("A draft", |p| p.published = false).await;
        for path in [
            "/o/friends-of-the-park/no-such-petition".to_string(),
            "/o/nobody/anything".to_string(),
            "/u/nobody/anything".to_string(),
            draft.path(),
            format!("/api/petitions/{}", draft.petition.id),
            "/api/petitions/999999".to_string(),
        ] {
            let (status, page) = app.get(&path).await;
            assert_eq!(status, Status::NotFound, "{backend:?} {path}");
            assert!(page.contains("This page does not exist"), "{path}: {page}");
            let (status, page) = app.get_lang(&path, "fr").await;
            assert_eq!(status, Status::NotFound);
            assert!(page.contains("Cette page n’existe pas"), "{path}: {page}");
        }
        let (_, home) = app.get("/").await;
        assert!(
            !home.contains("A draft"),
            "the home page lists published petitions only"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_json_document_carries_what_a_machine_needs() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the orchard").await;
        let doc = app.json(located.petition.id).await;
        assert_eq!(doc["id"], located.petition.id);
        assert_eq!(doc["title"], "Save the orchard");
        assert_eq!(
            doc["url"],
            "http://signons.test/o/friends-of-the-park/save-the-orchard"
        );
        assert_eq!(doc["signature_count"], 0);
        assert_eq!(doc["goal"], 100);
        assert_eq!(doc["published"], true);
        assert!(doc.get("deadline").is_some());
        let (status, list) = app.get("/api/petitions").await;
        assert_eq!(status, Status::Ok);
        assert!(list.contains("Save the orchard"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_home_page_lists_published_petitions_newest_first() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        app.petition("First petition").await;
        app.petition("Second petition").await;
        let (status, home) = app.get("/").await;
        assert_eq!(status, Status::Ok);
        let first = home.find("First petition").expect("listed");
        let second = home.find("Second petition").expect("listed");
        assert!(second < first, "newest first");
        assert!(home.contains("href=\"/o/friends-of-the-park/first-petition\""));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_health_endpoint_answers_when_the_database_does() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (status, body) = app.get("/health").await;
        assert_eq!(status, Status::Ok, "{body}");
        assert!(body.contains("ok"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_home_page_pages_through_and_searches_published_petitions_and_profiles_list_theirs() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        for i in 1..=23 {
            app.petition(&format!("Lake number {i:02}")).await;
        }
        app.petition("Save the 100% organic_garden").await;
        app.petition_with("A draft about the lake", |p| p.published = false)
            .await;

        // 24 published, 20 a page, newest first; the draft nowhere.
        let (status, first) = app.get("/").await;
        assert_eq!(status, Status::Ok);
        assert!(
            first.contains("100% organic_garden"),
            "{backend:?}: newest first"
        );
        assert!(first.contains("Lake number 05") && !first.contains("Lake number 04"));
        assert!(first.contains("Page 1 of 2"), "{backend:?}");
        assert!(!first.contains("A draft about the lake"));
        let (status, second) = app.get("/?page=2").await;
        assert_eq!(status, Status::Ok);
        assert!(second.contains("Lake number 01") && second.contains("Lake number 04"));
        assert!(!second.contains("Lake number 05"), "{backend:?}");
        let (_, beyond) = app.get("/?page=99").await;
        assert!(
            beyond.contains("Page 2 of 2"),
            "{backend:?}: clamped to the last page"
        );

        // Search: case-insensitive, wildcards literal, drafts never found.
        let (_, found) = app.get("/?q=LAKE+NUMBER+1").await;
        assert!(found.contains("10 petitions match"), "{backend:?}: {found}");
        assert!(found.contains("Lake number 10") && !found.contains("Lake number 09"));
        let (_, found) = app.get("/?q=100%25+organic_").await;
        assert!(found.contains("One petition matches"), "{backend:?}");
        let (_, found) = app.get("/?q=1_0").await;
        assert!(
            found.contains("No petition matches"),
            "{backend:?}: _ is no wildcard"
        );
        let (_, found) = app.get("/?q=draft").await;
        assert!(found.contains("No petition matches"), "{backend:?}");
        let (_, found) = app.get_lang("/?q=lake", "fr").await;
        assert!(found.contains("23 pétitions correspondent"), "{backend:?}");
        // Blind to accents and case, on SQLite as on PostgreSQL; any script is transliterated.
        app.petition("Sauvons l’École du Château").await;
        app.petition("Сохраним парк").await;
        for q in [
            "ecole+du+chateau",
            "%C3%89COLE",
            "l%E2%80%99ecole",
            "sokhranim",
        ] {
            let (_, found) = app.get(&format!("/?q={q}")).await;
            assert!(found.contains("One petition matches"), "{backend:?}: {q}");
        }
        let (_, found) = app
            .get("/?q=%D1%81%D0%BE%D1%85%D1%80%D0%B0%D0%BD%D0%B8%D0%BC")
            .await;
        assert!(found.contains("Сохраним парк"), "{backend:?}: сохраним");

        // A person's profile lists their published petitions only.
        let alice = signons::domain::people::account::find_by_username(&app.db, "alice")
            .await
            .expect("query")
            .expect("alice");
        signons::domain::petitions::petition::create(
            &app.db,
            &signons::domain::petitions::petition::Owner::User(alice),
            signons::domain::petitions::petition::NewPetition {
                title: "Alice's own".into(),
                body_html: "<p>x</p>".into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        let (status, profile) = app.get("/u/alice").await;
        assert_eq!(status, Status::Ok);
        assert!(profile.contains("Alice&#x27;s own") || profile.contains("Alice's own"));
        assert!(
            !profile.contains("Lake number"),
            "{backend:?}: not the organization's"
        );
        let (status, _) = app.get("/u/nobody").await;
        assert_eq!(status, Status::NotFound);
        app.finish().await;
    }
}

/// The social preview, when no text was written for it, sums the petition up as a reader sees it:
/// paragraphs and list items stay apart, markup and entities do not show.
#[rocket::async_test]
async fn the_social_preview_keeps_the_petitions_paragraphs_apart() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app
            .petition_with("Keep the trees", |p| {
                p.body_html = "<p>The park is open to everyone.</p><p>Keep the trees &amp; the \
                               benches:</p><ul><li>oaks</li><li>limes</li></ul>"
                    .into();
            })
            .await;
        let (status, page) = app.get(&located.path()).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains(
                "<meta property=\"og:description\" content=\"The park is open to everyone. Keep \
                 the trees &amp; the benches: oaks limes\">"
            ),
            "{backend:?}: {page}"
        );
        app.finish().await;
    }
}

/// Reloading the sign form's address (after a refused form, or a crawler following it) leads to
/// the petition, where the form is; a petition nobody may see stays unknown.
#[rocket::async_test]
async fn opening_the_sign_address_leads_to_the_petition() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the ferry").await;
        let response = app
            .client
            .get(format!("/petitions/{}/sign", located.petition.id))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some(located.path().as_str())
        );
        drop(response);
        let draft = app.petition_with("A draft", |p| p.published = false).await;
        let (status, _) = app
            .get(&format!("/petitions/{}/sign", draft.petition.id))
            .await;
        assert_eq!(status, Status::NotFound, "{backend:?}");
        let (status, _) = app.get("/petitions/999999/sign").await;
        assert_eq!(status, Status::NotFound, "{backend:?}");
        app.finish().await;
    }
}
