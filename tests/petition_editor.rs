//! The editor decides what signers are asked, how the page looks and when it closes; the sign form,
//! its validation, the stored rows and the CSV follow (F4.2, F4.6, F4.7).
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, log_in, register};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::entity::{petition as petition_entity, signature};

async fn petition_of(app: &TestApp, slug: &str, title: &str) -> Located {
    let org = signons::domain::people::organization::find_by_slug(&app.db, slug)
        .await
        .expect("query")
        .expect("org");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: title.into(),
            body_html: "<p>Text.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition")
}

/// The petition's row as stored.
async fn stored(app: &TestApp, id: i32) -> petition_entity::Model {
    petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("row")
}

/// The editor's form with every field as the petition has it, then `changes`.
async fn save(app: &TestApp, id: i32, changes: &[(&str, &str)]) -> (Status, String) {
    let row = stored(app, id).await;
    let mut fields: Vec<(&str, String)> = vec![
        ("title", row.title.clone()),
        ("body_html", row.body_html.clone()),
        ("goal", String::new()),
        ("deadline", String::new()),
        ("paper_signatures", "0".into()),
        ("data_notice", String::new()),
        ("reply_to", String::new()),
        ("theme", "default".into()),
        ("accent", String::new()),
    ];
    for (name, value) in changes {
        // `share` may come several times (checkboxes); other fields replace the current value.
        match fields
            .iter_mut()
            .find(|(n, _)| n == name && *name != "share")
        {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name, value.to_string())),
        }
    }
    let csrf = app.csrf("/").await;
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend(fields.iter().map(|(n, v)| (*n, v.as_str())));
    let response = app.post_form(&format!("/petitions/{id}/edit"), &form).await;
    let status = response.status();
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string();
    let body = response.into_string().await.unwrap_or_default();
    (status, if body.is_empty() { location } else { body })
}

async fn sign_with(app: &TestApp, located: &Located, fields: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf(&located.path()).await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let response = app
        .post_form_lang(
            &format!("/petitions/{}/sign", located.petition.id),
            &form,
            "fr",
        )
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn a_required_postal_code_and_an_optional_comment_reach_the_form_the_rows_and_the_csv() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let asking = petition_of(&app, &slug, "Asking").await;
        let plain = petition_of(&app, &slug, "Plain").await;
        log_in(&app, "ana").await;
        let (status, _) = save(
            &app,
            asking.petition.id,
            &[("ask_postal_code", "required"), ("ask_comment", "optional")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");

        let (_, page) = app.get(&asking.path()).await;
        assert!(
            page.contains("name=\"postal_code\""),
            "{backend:?}: postal code asked"
        );
        assert!(
            page.contains("name=\"comment\""),
            "{backend:?}: comment asked"
        );
        assert!(
            !page.contains("name=\"phone\""),
            "{backend:?}: phone not asked"
        );
        let (_, page) = app.get(&plain.path()).await;
        assert!(!page.contains("name=\"postal_code\"") && !page.contains("name=\"comment\""));

        // A missing postal code is refused with a translated message; nothing is stored.
        let (status, page) = sign_with(
            &app,
            &asking,
            &[
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
            ],
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("postal_code-error"), "{backend:?}: {page}");
        assert!(page.contains("Ann"), "{backend:?}: what was typed stays");
        let rows = |id: i32| {
            let app = &app;
            async move {
                signature::Entity::find()
                    .filter(signature::Column::PetitionId.eq(id))
                    .all(&app.db)
                    .await
                    .expect("query")
            }
        };
        assert!(rows(asking.petition.id).await.is_empty());

        let (status, _) = sign_with(
            &app,
            &asking,
            &[
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
                ("postal_code", "75011"),
                ("comment", "For the lake"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let stored = rows(asking.petition.id).await;
        assert_eq!(stored[0].postal_code.as_deref(), Some("75011"));
        assert_eq!(stored[0].comment.as_deref(), Some("For the lake"));

        // A petition that asks neither never stores them, whatever is posted.
        let (status, _) = sign_with(
            &app,
            &plain,
            &[
                ("first_name", "Ben"),
                ("last_name", "Ng"),
                ("email", "ben@example.org"),
                ("postal_code", "75011"),
                ("comment", "sneaked in"),
                ("phone", "+33 1 23 45 67 89"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let stored = rows(plain.petition.id).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].postal_code, None, "{backend:?}");
        assert_eq!(stored[0].comment, None, "{backend:?}");
        assert_eq!(stored[0].phone, None, "{backend:?}");

        // The CSV has both columns for the asking petition, neither for the other.
        let (status, csv) = app
            .get(&format!("/petitions/{}/signatures.csv", asking.petition.id))
            .await;
        assert_eq!(status, Status::Ok);
        let header = csv.lines().next().unwrap_or_default().to_string();
        assert!(
            header.contains("Postal code") && header.contains("Comment"),
            "{header}"
        );
        assert!(
            csv.contains("75011") && csv.contains("For the lake"),
            "{csv}"
        );
        let (_, csv) = app
            .get(&format!("/petitions/{}/signatures.csv", plain.petition.id))
            .await;
        let header = csv.lines().next().unwrap_or_default().to_string();
        assert!(
            !header.contains("Postal code") && !header.contains("Comment"),
            "{header}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_unreadable_accent_is_adjusted_and_the_page_takes_the_theme() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let located = petition_of(&app, &slug, "Bright").await;
        log_in(&app, "ana").await;

        let (status, page) = save(&app, located.petition.id, &[("accent", "yellow")]).await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("six hexadecimal digits"), "{backend:?}");

        let (status, location) = save(
            &app,
            located.petition.id,
            &[("accent", "#FFFF00"), ("theme", "paper")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert!(location.contains("accent-adjusted"), "{location}");
        let (_, dashboard) = app.get(&location).await;
        assert!(
            dashboard.contains("adjusted so that text stays readable"),
            "{backend:?}: the dashboard says the colour was adjusted"
        );
        let row = stored(&app, located.petition.id).await;
        assert_eq!(row.theme, "paper");
        let accent = row.accent_color.expect("an accent");
        let rgb = signons::domain::petitions::theme::Rgb::parse(&accent).expect("stored as hex");
        let theme = signons::domain::petitions::theme::named("paper");
        assert!(
            signons::domain::petitions::theme::contrast(rgb, theme.background) >= 4.5
                && signons::domain::petitions::theme::contrast(rgb, theme.on_accent) >= 4.5,
            "{backend:?}: {accent} is readable"
        );

        let (_, page) = app.get(&located.path()).await;
        let css = format!("/theme/paper/{}.css", accent.trim_start_matches('#'));
        assert!(page.contains(&css), "{backend:?}: the page links {css}");
        let (status, stylesheet) = app.get(&css).await;
        assert_eq!(status, Status::Ok);
        assert!(
            stylesheet.contains(&format!("--accent: {accent}")),
            "{stylesheet}"
        );
        let (status, _) = app.get("/theme/neon/ffff00.css").await;
        assert_eq!(status, Status::NotFound);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn after_its_closing_date_a_petition_says_so_and_refuses_signatures() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let located = petition_of(&app, &slug, "Over").await;
        log_in(&app, "ana").await;
        let (status, _) = save(
            &app,
            located.petition.id,
            &[("deadline", "2020-01-31"), ("paper_signatures", "40")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let (_, page) = app.get_lang(&located.path(), "fr").await;
        assert!(
            page.contains("Cette pétition est close"),
            "{backend:?}: {page}"
        );
        assert!(page.contains("40"), "{backend:?}: paper signatures counted");
        let (status, page) = sign_with(
            &app,
            &located,
            &[
                ("first_name", "Ann"),
                ("last_name", "Lee"),
                ("email", "ann@example.org"),
            ],
        )
        .await;
        assert_eq!(status, Status::Conflict, "{backend:?}");
        assert!(page.contains("Cette pétition est close"), "{backend:?}");
        let stored = signature::Entity::find()
            .filter(signature::Column::PetitionId.eq(located.petition.id))
            .all(&app.db)
            .await
            .expect("query");
        assert!(stored.is_empty(), "{backend:?}");
        assert_eq!(app.json(located.petition.id).await["closed"], true);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn numbers_and_days_are_written_in_the_readers_language_and_closing_days_end_in_the_instance_zone()
 {
    let year = time::OffsetDateTime::now_utc().year() + 1;
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("time_zone", "Europe/Paris")
            .build()
            .await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let located = petition_of(&app, &slug, "Counted").await;
        log_in(&app, "ana").await;
        let deadline = format!("{year}-01-31");
        let (status, _) = save(
            &app,
            located.petition.id,
            &[
                ("goal", "10000"),
                ("deadline", &deadline),
                ("paper_signatures", "1234"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let row = stored(&app, located.petition.id).await;
        let closes = row.deadline.expect("a closing date");
        assert_eq!(
            closes,
            time::Date::from_calendar_date(year, time::Month::January, 31)
                .expect("a day")
                .with_hms(22, 59, 59)
                .expect("a time")
                .assume_utc(),
            "{backend:?}: the end of 31 January in Paris (UTC+1)"
        );
        let (_, english) = app.get_lang(&located.path(), "en").await;
        for shown in [
            "1,234 people have signed".to_string(),
            "goal: 10,000".to_string(),
            format!("Open until 31 January {year}, 23:59 (Europe/Paris)"),
        ] {
            assert!(
                english.contains(&shown),
                "{backend:?}: {shown} in {english}"
            );
        }
        assert!(
            english.contains("<progress max=\"10000\" value=\"1234\""),
            "{backend:?}: attributes keep plain numbers"
        );
        let (_, french) = app.get_lang(&located.path(), "fr").await;
        for shown in [
            "1\u{202F}234".to_string(),
            "10\u{202F}000".to_string(),
            format!("Ouverte jusqu’au 31 janvier {year} à 23\u{A0}h\u{A0}59 (Europe/Paris)"),
        ] {
            assert!(
                french.contains(&shown),
                "{backend:?}: {shown:?} in {french}"
            );
        }
        // The editor shows the day as it was typed, in the instance's zone.
        let (_, editor) = app
            .get(&format!("/petitions/{}/edit", located.petition.id))
            .await;
        assert!(
            editor.contains(&format!("value=\"{deadline}\"")),
            "{backend:?}: {editor}"
        );
        let first = format!("{year}-02-01");
        let (status, _) = save(&app, located.petition.id, &[("deadline", &first)]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let (_, french) = app.get_lang(&located.path(), "fr").await;
        assert!(
            french.contains(&format!("Ouverte jusqu’au 1er février {year}")),
            "{backend:?}: {french}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_page_says_who_the_petition_is_addressed_to_and_presents_the_organization_behind_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let located = petition_of(&app, &slug, "Benches").await;
        let org = signons::domain::people::organization::find_by_slug(&app.db, &slug)
            .await
            .expect("query")
            .expect("org");
        let mut active = sea_orm::IntoActiveModel::into_active_model(org);
        active.description = sea_orm::Set("Neighbours who look after the park.".into());
        sea_orm::ActiveModelTrait::update(active, &app.db)
            .await
            .expect("description");
        log_in(&app, "ana").await;

        // Too long: refused with its message, the field keeps what was typed, nothing is saved.
        let long = "x".repeat(201);
        let (status, page) = save(&app, located.petition.id, &[("addressed_to", &long)]).await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(
            page.contains("Write at most 200 characters."),
            "{backend:?}"
        );
        assert!(page.contains(&format!("value=\"{long}\"")), "{backend:?}");
        let row = stored(&app, located.petition.id).await;
        assert_eq!(row.addressed_to, None, "{backend:?}");

        let (status, _) = save(
            &app,
            located.petition.id,
            &[("addressed_to", "  the   Mayor of Lyon "), ("goal", "50")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let (_, page) = app.get_lang(&located.path(), "en").await;
        for shown in [
            "<p class=\"addressed-to\" dir=\"auto\">To: the Mayor of Lyon</p>".to_string(),
            format!("<a href=\"/o/{slug}\">By Park Friends</a>"),
            format!("<a href=\"/o/{slug}\">About Park Friends</a>"),
            "<p dir=\"auto\">Neighbours who look after the park.</p>".to_string(),
            // On phones the count comes first with a way down to the form.
            "<a class=\"button sign-jump\" href=\"#sign\">Sign the petition</a>".to_string(),
            "<section class=\"sign\" id=\"sign\">".to_string(),
        ] {
            assert!(page.contains(&shown), "{backend:?}: {shown} in {page}");
        }
        let (_, page) = app.get_lang(&located.path(), "fr").await;
        assert!(
            page.contains("Destinataire\u{A0}: the Mayor of Lyon"),
            "{backend:?}"
        );
        assert_eq!(
            app.json(located.petition.id).await["addressed_to"],
            "the Mayor of Lyon",
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn texts_saved_as_html_keep_their_look_and_new_ones_are_markdown_with_a_preview() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let org = signons::domain::people::organization::find_by_slug(&app.db, &slug)
            .await
            .expect("query")
            .expect("org");
        let old_html = "<p>Keep the <strong>trees</strong> *and* the benches.</p><ul><li>one</li><li>two</li></ul>";
        let located = petition::create(
            &app.db,
            &Owner::Organization(org),
            NewPetition {
                title: "Older".into(),
                body_html: old_html.into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        let id = located.petition.id;
        log_in(&app, "ana").await;

        // The editor shows the older text's HTML; saved as it is, the page reads the same.
        let (_, editor) = app.get(&format!("/petitions/{id}/edit")).await;
        assert!(
            editor.contains("&lt;p&gt;Keep the &lt;strong&gt;trees&lt;/strong&gt;"),
            "{backend:?}: {editor}"
        );
        let (status, _) = save(&app, id, &[("body_html", old_html)]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let row = stored(&app, id).await;
        assert_eq!(row.body_html.trim_end(), old_html, "{backend:?}: same look");

        // "Preview" renders what was typed under the field and saves nothing.
        let text = "# Why\n\nKeep the *trees*, see [the plan](https://example.org/plan).\n\n<img src=\"https://tracker.example/x.png\">";
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/petitions/{id}/edit"),
                &[
                    ("csrf", &csrf),
                    ("action", "preview"),
                    ("title", "Older"),
                    ("body_html", text),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::Ok, "{backend:?}");
        let page = response.into_string().await.unwrap_or_default();
        for shown in [
            "<h2>Why</h2>",
            "<em>trees</em>",
            "<a href=\"https://example.org/plan\" rel=\"noopener noreferrer nofollow ugc\">the plan</a>",
            "formaction=\"/petitions/",
        ] {
            assert!(page.contains(shown), "{backend:?}: {shown} in {page}");
        }
        assert!(
            !page.contains("tracker.example/x.png\">"),
            "{backend:?}: nothing loads from elsewhere"
        );
        let unchanged = stored(&app, id).await;
        assert_eq!(
            unchanged.body_html, row.body_html,
            "{backend:?}: nothing saved"
        );

        let (status, _) = save(&app, id, &[("body_html", text)]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let (_, public) = app.get(&located.path()).await;
        assert!(public.contains("<h2>Why</h2>"), "{backend:?}");
        let (_, editor) = app.get(&format!("/petitions/{id}/edit")).await;
        assert!(
            editor.contains("# Why"),
            "{backend:?}: the Markdown comes back"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn permalinks_are_added_made_canonical_and_removed_and_old_ones_keep_redirecting() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "olga").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let lake = petition_of(&app, &slug, "Save the lake").await;
        petition_of(&app, &slug, "Other").await;
        let id = lake.petition.id;
        let csrf = app.csrf("/").await;
        let add = |typed: &'static str, canonical: &'static str| {
            let app = &app;
            let csrf = csrf.clone();
            async move {
                let response = app
                    .post_form(
                        &format!("/petitions/{id}/permalinks"),
                        &[("csrf", &csrf), ("slug", typed), ("canonical", canonical)],
                    )
                    .await;
                let status = response.status();
                (status, response.into_string().await.unwrap_or_default())
            }
        };
        let location = |path: String| {
            let app = &app;
            async move {
                let response = app.client.get(path).dispatch().await;
                let status = response.status();
                let to = response.headers().get_one("Location").map(str::to_string);
                (status, to)
            }
        };
        let old = format!("/o/{slug}/save-the-lake");

        let (status, _) = add("Lake 2027!", "false").await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(
            location(format!("/o/{slug}/lake-2027")).await,
            (Status::MovedPermanently, Some(old.clone())),
            "{backend:?}: a new address redirects to the canonical one"
        );
        let (status, page) = add("other", "false").await;
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "{backend:?}: taken by another petition"
        );
        assert!(page.contains("already uses this address"), "{backend:?}");

        // The new one becomes canonical: the old one now redirects to it.
        let (_, editor) = app.get(&format!("/petitions/{id}/edit")).await;
        let new_id = link_id(&editor, &format!("/o/{slug}/lake-2027"));
        let status = common::people::post(
            &app,
            &format!("/petitions/{id}/permalinks/{new_id}/canonical"),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(
            location(old.clone()).await,
            (
                Status::MovedPermanently,
                Some(format!("/o/{slug}/lake-2027"))
            ),
            "{backend:?}"
        );
        let (status, _) = app.get(&format!("/o/{slug}/lake-2027")).await;
        assert_eq!(status, Status::Ok);

        // The canonical one cannot be removed; the old one can, and is gone.
        let status = common::people::post(
            &app,
            &format!("/petitions/{id}/permalinks/{new_id}/delete"),
            &[],
        )
        .await;
        assert_eq!(
            status,
            Status::NotFound,
            "{backend:?}: the canonical address stays"
        );
        let (_, editor) = app.get(&format!("/petitions/{id}/edit")).await;
        let old_id = link_id(&editor, &old);
        let status = common::people::post(
            &app,
            &format!("/petitions/{id}/permalinks/{old_id}/delete"),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let (status, _) = app.get(&old).await;
        assert_eq!(status, Status::NotFound, "{backend:?}");

        // Someone else may do none of it.
        log_in(&app, "olga").await;
        let status = common::people::post(
            &app,
            &format!("/petitions/{id}/permalinks/{old_id}/canonical"),
            &[],
        )
        .await;
        assert_eq!(status, Status::NotFound);
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/petitions/{id}/permalinks"),
                &[("csrf", &csrf), ("slug", "hijack")],
            )
            .await;
        assert_eq!(response.status(), Status::NotFound, "{backend:?}");
        drop(response);
        let (status, _) = app.get(&format!("/o/{slug}/hijack")).await;
        assert_eq!(status, Status::NotFound);
        app.finish().await;
    }
}

/// The id of the permalink listed as `path` on the editor page (from its forms' actions).
fn link_id(editor: &str, path: &str) -> String {
    let after = &editor[editor.find(&format!("{path}</a>")).expect("listed")..];
    let start = after.find("/permalinks/").expect("form") + "/permalinks/".len();
    after[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

#[rocket::async_test]
async fn share_links_and_the_social_preview_follow_the_editor_and_load_nothing_from_elsewhere() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let located = petition_of(&app, &slug, "Save the lake").await;
        let id = located.petition.id;

        // A new petition offers every share link; none points at another host until asked.
        let (_, page) = app.get(&located.path()).await;
        for link in [
            "mailto:",
            "/share/mastodon",
            "/share/diaspora",
            "id=\"share-link\"",
        ] {
            assert!(page.contains(link), "{backend:?}: {link}");
        }
        for foreign in ["<script", "<iframe", "src=\"http"] {
            assert!(!page.contains(foreign), "{backend:?}: {foreign}");
        }
        // The reader's own server: a page of ours with one link there (a redirect would be blocked
        // by the form-action policy).
        let (status, page) = app
            .get(&format!(
                "/petitions/{id}/share/mastodon?instance=%40me%40Mastodon.Social"
            ))
            .await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains("href=\"https://mastodon.social/share?text=Save+the+lake+http"),
            "{backend:?}: {page}"
        );
        let (status, page) = app
            .get(&format!(
                "/petitions/{id}/share/diaspora?pod=https://diasp.org/"
            ))
            .await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains("href=\"https://diasp.org/bookmarklet?url=http"),
            "{backend:?}: {page}"
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "not a host",
            "evil.example/@x\"<",
        ] {
            let (status, _) = app
                .get(&format!(
                    "/petitions/{id}/share/mastodon?instance={}",
                    url::form_urlencoded::byte_serialize(bad.as_bytes()).collect::<String>()
                ))
                .await;
            assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: {bad:?}");
        }

        // Only e-mail and the link; a preview text and image of its own.
        log_in(&app, "ana").await;
        let (status, _) = save(
            &app,
            id,
            &[
                ("share", "email"),
                ("share", "link"),
                ("social_text", "Sign for the lake"),
                ("social_image_url", "/static/lake.png"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let (_, page) = app.get(&located.path()).await;
        assert!(
            page.contains("mailto:") && page.contains("id=\"share-link\""),
            "{backend:?}: {page}"
        );
        assert!(!page.contains("/share/mastodon") && !page.contains("/share/diaspora"));
        assert!(
            page.contains("content=\"Sign for the lake\""),
            "{backend:?}"
        );
        assert!(page.contains("/static/lake.png\""), "{backend:?}");
        let (status, page) = save(&app, id, &[("social_image_url", "javascript:alert(1)")]).await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("https://"), "{backend:?}");
        app.finish().await;
    }
}

/// A petition that asks for a phone number gets numbers it can use: "not a phone!" is refused with
/// a translated message and nothing stored; a number written the national way is read in the
/// instance's country (`phone_country`, France by default) and every number is stored in
/// international form, as the CSV then shows it.
#[rocket::async_test]
async fn phone_numbers_are_checked_and_stored_in_international_form() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let asking = petition_of(&app, &slug, "Asking").await;
        log_in(&app, "ana").await;
        let (status, _) = save(&app, asking.petition.id, &[("ask_phone", "required")]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let stored = |id: i32| {
            let app = &app;
            async move {
                signature::Entity::find()
                    .filter(signature::Column::PetitionId.eq(id))
                    .all(&app.db)
                    .await
                    .expect("query")
                    .into_iter()
                    .map(|s| (s.email, s.phone))
                    .collect::<Vec<_>>()
            }
        };

        for typed in ["not a phone!", "12", "06 05 04 03 02 99 99"] {
            let (status, page) = sign_with(
                &app,
                &asking,
                &[
                    ("first_name", "Ann"),
                    ("last_name", "Lee"),
                    ("email", "ann@example.org"),
                    ("phone", typed),
                ],
            )
            .await;
            assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: {typed}");
            assert!(
                page.contains("Nous ne reconnaissons pas ce numéro de téléphone"),
                "{backend:?}: {page}"
            );
            assert!(
                page.contains(&format!("value=\"{typed}\"")),
                "{backend:?}: what was typed stays"
            );
            assert!(page.contains("phone-error"), "{backend:?}");
        }
        assert!(stored(asking.petition.id).await.is_empty(), "{backend:?}");

        for (email, typed) in [
            ("ann@example.org", "06 05 04 03 02"),
            ("ben@example.org", "0605040302"),
            ("cleo@example.org", "+32 470 12 34 56"),
        ] {
            let (status, page) = sign_with(
                &app,
                &asking,
                &[
                    ("first_name", "Ann"),
                    ("last_name", "Lee"),
                    ("email", email),
                    ("phone", typed),
                ],
            )
            .await;
            assert_eq!(status, Status::SeeOther, "{backend:?}: {typed}: {page}");
        }
        let mut rows = stored(asking.petition.id).await;
        rows.sort();
        assert_eq!(
            rows,
            vec![
                (
                    "ann@example.org".to_string(),
                    Some("+33605040302".to_string())
                ),
                (
                    "ben@example.org".to_string(),
                    Some("+33605040302".to_string())
                ),
                (
                    "cleo@example.org".to_string(),
                    Some("+32470123456".to_string())
                ),
            ],
            "{backend:?}"
        );
        app.finish().await;
    }
}

/// Another instance's country reads national numbers its own way.
#[rocket::async_test]
async fn the_instance_country_reads_national_phone_numbers() {
    let backend = backends()[0];
    let app = TestApp::builder(backend)
        .set("phone_country", "be")
        .build()
        .await;
    register(&app, "ana").await;
    let slug = create_org(&app, "Park Friends").await;
    let asking = petition_of(&app, &slug, "Asking").await;
    log_in(&app, "ana").await;
    let (status, _) = save(&app, asking.petition.id, &[("ask_phone", "optional")]).await;
    assert_eq!(status, Status::SeeOther);
    let (status, _) = sign_with(
        &app,
        &asking,
        &[
            ("first_name", "Ann"),
            ("last_name", "Lee"),
            ("email", "ann@example.org"),
            ("phone", "0470 12 34 56"),
        ],
    )
    .await;
    assert_eq!(status, Status::SeeOther);
    let row = signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(asking.petition.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the signature");
    assert_eq!(row.phone.as_deref(), Some("+32470123456"));
    app.finish().await;
}
