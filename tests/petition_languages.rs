//! A petition in several languages (issue 14 point 5, F4.8): its organizers add a French
//! translation from the editor; a French reader gets the French version, with the English one a
//! link away, and each version carries `hreflang` alternates and its own canonical address; the
//! signer reading French is mailed the French title; the JSON lists the languages; the page cache
//! keeps each version apart. Only those who may edit the petition translate it, and a deleted
//! petition takes its translations with it. Every test runs on SQLite and PostgreSQL.
mod common;

use std::time::Duration;

use common::app::{TestApp, backends, encode_form, extract_csrf, local};
use common::people::{Person, get_as, post_as, session_of, user_model};
use common::smtp::SmtpServer;
use rocket::http::{ContentType, Header, Status};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use signons::domain::petitions::petition::Located;
use signons::entity::{membership, petition as petition_entity, petition_translation};

const MAIL_WAIT: Duration = Duration::from_secs(15);
const PUBLIC: &str = "http://signons.test";

/// "Save the park", in English, by Alice's organization; Alice, logged in on a session of her own.
async fn english_petition(app: &TestApp) -> (Located, Person) {
    let located = app
        .petition_with("Save the park", |p| {
            p.body_html = "<p>Keep the park green.</p>".into();
            p.language = Some("en-US".into());
        })
        .await;
    let alice = session_of(app, &user_model(app, "alice").await).await;
    (located, alice)
}

/// The French translation, as Alice types it in the translation form.
const FRENCH: [(&str, &str); 4] = [
    ("title", "Sauvons le parc"),
    ("body_html", "<p>Gardons le parc vert.</p>"),
    (
        "data_notice",
        "Vos données servent à cette pétition seulement.",
    ),
    ("social_text", "Signez pour sauver le parc."),
];

async fn translate_into_french(app: &TestApp, alice: &Person, id: i32) {
    let (status, page) = post_as(
        app,
        Some(alice),
        &format!("/petitions/{id}/translations/fr"),
        &FRENCH,
    )
    .await;
    assert_eq!(status, Status::SeeOther, "{page}");
}

/// A page as the public gets it with `Accept-Language: accept`.
async fn page(app: &TestApp, path: &str, accept: &str) -> String {
    let (status, body) = app.get_lang(path, accept).await;
    assert_eq!(status, Status::Ok, "{path} ({accept}): {body}");
    body
}

/// The `href` of the first link whose text is `text`.
fn link_to(page: &str, text: &str) -> Option<String> {
    let end = page.find(&format!(">{text}</a>"))?;
    let start = page[..end].rfind("<a href=\"")? + "<a href=\"".len();
    Some(page[start..].split('"').next()?.to_string())
}

#[rocket::async_test]
async fn a_french_reader_gets_the_french_version_with_the_english_one_a_link_away() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let path = located.path();
        let url = format!("{PUBLIC}{path}");
        let before = page(&app, &path, "fr").await;
        assert!(
            before.contains("<h1 dir=\"auto\" lang=\"en-US\">Save the park</h1>"),
            "{backend:?}: only English so far"
        );
        assert!(
            !before.contains("hreflang"),
            "{backend:?}: one version, no alternates"
        );
        translate_into_french(&app, &alice, located.petition.id).await;

        // French reader: the French title, text, notice and preview, in a French page.
        let french = page(&app, &path, "fr").await;
        assert!(french.contains("<html lang=\"fr\""), "{backend:?}");
        assert!(
            french.contains("<h1 dir=\"auto\">Sauvons le parc</h1>"),
            "{backend:?}: {french}"
        );
        assert!(french.contains("<p>Gardons le parc vert.</p>"));
        assert!(!french.contains("Keep the park green"));
        assert!(french.contains("Vos données servent à cette pétition seulement."));
        assert!(french.contains("<meta property=\"og:title\" content=\"Sauvons le parc\">"));
        assert!(french.contains("content=\"Signez pour sauver le parc.\""));
        // Its own canonical address, and every version's in hreflang alternates.
        assert!(
            french.contains(&format!("<link rel=\"canonical\" href=\"{url}?lang=fr\">")),
            "{backend:?}: {french}"
        );
        for alternate in [
            format!("<link rel=\"alternate\" hreflang=\"en-US\" href=\"{url}\">"),
            format!("<link rel=\"alternate\" hreflang=\"fr\" href=\"{url}?lang=fr\">"),
            format!("<link rel=\"alternate\" hreflang=\"x-default\" href=\"{url}\">"),
        ] {
            assert!(french.contains(&alternate), "{backend:?}: {alternate}");
        }
        // The sign form keeps to the version (and a form that comes back opens at its errors).
        assert!(french.contains(&format!(
            "action=\"/petitions/{}/sign?lang=fr#error-summary\"",
            located.petition.id
        )));

        // One link away: the English version, even for a reader whose language is French.
        let english_link = link_to(&french, "English").expect("a link to the English version");
        assert_eq!(english_link, format!("{url}?lang=en-US"));
        let english = page(&app, &local(&english_link), "fr").await;
        assert!(
            english.contains("<h1 dir=\"auto\" lang=\"en-US\">Save the park</h1>"),
            "{backend:?}: the English text, marked as such in a French page: {english}"
        );
        assert!(english.contains(
            "<div class=\"body\" dir=\"auto\" lang=\"en-US\"><p>Keep the park green.</p>"
        ));
        assert!(english.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
        assert!(english.contains(&format!(
            "<link rel=\"alternate\" hreflang=\"fr\" href=\"{url}?lang=fr\">"
        )));
        assert_eq!(
            link_to(&english, "Français").as_deref(),
            Some(format!("{url}?lang=fr").as_str()),
            "{backend:?}: and back"
        );

        // The address decides over the interface: French text in an English page is marked French.
        let asked = page(&app, &format!("{path}?lang=fr"), "en").await;
        assert!(asked.contains("<html lang=\"en-US\""));
        assert!(
            asked.contains("<h1 dir=\"auto\" lang=\"fr\">Sauvons le parc</h1>"),
            "{backend:?}: {asked}"
        );
        assert!(asked.contains("<div class=\"body\" dir=\"auto\" lang=\"fr\">"));

        // An English reader gets English, unmarked; an unknown version leaves the reader's.
        let plain = page(&app, &path, "en").await;
        assert!(
            plain.contains("<h1 dir=\"auto\">Save the park</h1>"),
            "{backend:?}"
        );
        assert!(plain.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
        assert!(plain.contains("hreflang=\"fr\""));
        let unknown = page(&app, &format!("{path}?lang=xx"), "en").await;
        assert!(unknown.contains("<h1 dir=\"auto\">Save the park</h1>"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_signer_reading_french_is_mailed_the_french_title() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        translate_into_french(&app, &alice, id).await;

        // Camille reads the French page and signs there, in French.
        let french = page(&app, &located.path(), "fr").await;
        assert!(french.contains(&format!("action=\"/petitions/{id}/sign")));
        // The page everyone shares has no token: the form is sent from it (`post_form_lang`).
        let csrf = extract_csrf(&french).unwrap_or_default();
        let sign = |email: &'static str, accept: &'static str, query: &'static str| {
            let app = &app;
            let csrf = csrf.clone();
            async move {
                let response = app
                    .post_form_lang(
                        &format!("/petitions/{id}/sign{query}"),
                        &[
                            ("csrf", &csrf),
                            ("first_name", "Camille"),
                            ("last_name", "Roy"),
                            ("email", email),
                        ],
                        accept,
                    )
                    .await;
                let status = response.status();
                let location = response
                    .headers()
                    .get_one("Location")
                    .unwrap_or_default()
                    .to_string();
                (status, location)
            }
        };
        let (status, location) = sign("camille@example.org", "fr", "?lang=fr").await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(location, format!("/petitions/{id}/signed?lang=fr"));
        let mailbox = page(&app, &location, "fr").await;
        assert!(
            mailbox.contains("Sauvons le parc"),
            "{backend:?}: {mailbox}"
        );

        let mail = smtp
            .wait_for_to("camille@example.org", MAIL_WAIT)
            .await
            .expect("the confirmation mail");
        assert_eq!(
            mail.subject(),
            "Confirmez votre signature\u{a0}: Sauvons le parc",
            "{backend:?}"
        );
        assert!(mail.text().contains("Sauvons le parc"), "{}", mail.text());
        assert!(!mail.text().contains("Save the park"), "{}", mail.text());
        assert!(
            mail.text()
                .contains(&format!("{PUBLIC}{}?lang=fr", located.path()))
                || !mail.text().contains(&located.path()),
            "a link to the petition is to its French version"
        );

        // Her confirmation page names the petition as her mail did; confirmed, a second signature
        // brings the "already signed" note, French title again.
        let link = mail
            .link_containing("/confirm/")
            .expect("confirmation link");
        let confirm = page(&app, &local(&link), "fr").await;
        assert!(
            confirm.contains("Sauvons le parc"),
            "{backend:?}: {confirm}"
        );
        let csrf = extract_csrf(&confirm).expect("csrf");
        let response = app
            .post_form_lang(&local(&link), &[("csrf", &csrf)], "fr")
            .await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        smtp.clear();
        let (status, _) = sign("camille@example.org", "fr", "").await;
        assert_eq!(status, Status::SeeOther);
        let note = smtp
            .wait_for_to("camille@example.org", MAIL_WAIT)
            .await
            .expect("the already-signed note");
        assert_eq!(
            note.subject(),
            "Vous avez déjà signé\u{a0}: Sauvons le parc",
            "{backend:?}"
        );

        // An English signer is mailed the English title.
        let (status, _) = sign("ann@example.org", "en", "").await;
        assert_eq!(status, Status::SeeOther);
        let mail = smtp
            .wait_for_to("ann@example.org", MAIL_WAIT)
            .await
            .expect("the English confirmation mail");
        assert_eq!(
            mail.subject(),
            "Confirm your signature: Save the park",
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_json_document_and_the_widget_know_the_languages() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        let json = app.json(id).await;
        assert_eq!(json["language"], "en-US", "{backend:?}: {json}");
        assert_eq!(json["languages"], serde_json::json!(["en-US"]));
        translate_into_french(&app, &alice, id).await;

        let json = app.json(id).await;
        assert_eq!(json["language"], "en-US", "{backend:?}: {json}");
        assert_eq!(json["languages"], serde_json::json!(["en-US", "fr"]));
        assert_eq!(json["title"], "Save the park");
        assert_eq!(json["versions"][1]["title"], "Sauvons le parc");
        let url = format!("{PUBLIC}{}", located.path());
        assert_eq!(json["versions"][1]["url"], format!("{url}?lang=fr"));
        assert_eq!(json["versions"][0]["url"], url);
        let (status, list) = app.get("/api/petitions").await;
        assert_eq!(status, Status::Ok);
        let list: serde_json::Value = serde_json::from_str(&list).expect("JSON");
        assert_eq!(
            list["petitions"][0]["languages"],
            serde_json::json!(["en-US", "fr"]),
            "{backend:?}: the list too"
        );

        // The widget shows the version of its language.
        let (status, widget) = app
            .get_lang(&format!("/petitions/{id}/embed?lang=fr"), "en")
            .await;
        assert_eq!(status, Status::Ok);
        assert!(widget.contains("Sauvons le parc"), "{backend:?}: {widget}");
        assert!(widget.contains(&format!("href=\"{url}?lang=fr\"")));
        let (_, widget) = app
            .get_lang(&format!("/petitions/{id}/embed?lang=en"), "fr")
            .await;
        assert!(widget.contains("Save the park"), "{backend:?}");
        assert!(!widget.contains("Sauvons"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_page_cache_keeps_each_version_apart() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("page_cache_millis", 1500)
            .build()
            .await;
        let (located, alice) = english_petition(&app).await;
        translate_into_french(&app, &alice, located.petition.id).await;
        let path = located.path();
        let french_path = format!("{path}?lang=fr");
        let english_path = format!("{path}?lang=en-US");
        // Each address and reader, twice in turn: the second round comes from the cache.
        for round in 0..2 {
            for (address, accept, title, other) in [
                (&path, "fr", "Sauvons le parc", "Save the park"),
                (&path, "en", "Save the park", "Sauvons le parc"),
                (&french_path, "en", "Sauvons le parc", "Save the park"),
                (&english_path, "fr", "Save the park", "Sauvons le parc"),
                (&french_path, "fr", "Sauvons le parc", "Save the park"),
            ] {
                let body = page(&app, address, accept).await;
                assert!(
                    body.contains(&format!(">{title}</h1>")),
                    "{backend:?} round {round}: {address} for {accept}: {body}"
                );
                assert!(!body.contains(&format!(">{other}</h1>")));
            }
        }

        // The versions do come from the cache: a change behind the app's back shows only once
        // an entry is rebuilt. (A fresh entry first, so that the check takes milliseconds of it.)
        tokio::time::sleep(Duration::from_millis(2100)).await;
        assert!(
            page(&app, &french_path, "en")
                .await
                .contains(">Sauvons le parc</h1>")
        );
        petition_translation::ActiveModel {
            petition_id: Set(located.petition.id),
            lang: Set("fr".into()),
            title: Set("Sauvons le parc, vite".into()),
            ..Default::default()
        }
        .update(&app.db)
        .await
        .expect("change the translation behind the app's back");
        let cached = page(&app, &french_path, "en").await;
        assert!(
            cached.contains(">Sauvons le parc</h1>"),
            "{backend:?}: from the cache"
        );
        // A change through the app is seen at once, in every version.
        let changed: Vec<(&str, &str)> = FRENCH
            .iter()
            .map(|(k, v)| {
                (
                    *k,
                    if *k == "title" {
                        "Sauvons vite le parc"
                    } else {
                        v
                    },
                )
            })
            .collect();
        let (status, _) = post_as(
            &app,
            Some(&alice),
            &format!("/petitions/{}/translations/fr", located.petition.id),
            &changed,
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        for (address, accept) in [(&french_path, "en"), (&path, "fr")] {
            let body = page(&app, address, accept).await;
            assert!(
                body.contains(">Sauvons vite le parc</h1>"),
                "{backend:?}: {address} for {accept}"
            );
        }
        assert!(
            page(&app, &path, "en")
                .await
                .contains(">Save the park</h1>")
        );
        app.finish().await;
    }
}

/// Posts a form as `who` with the browser's own CSRF token, the interface in `accept`.
async fn post_in(
    app: &TestApp,
    who: &Person,
    path: &str,
    fields: &[(&str, &str)],
    accept: &str,
) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = app
        .client
        .post(path.to_string())
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", accept.to_string()))
        .private_cookie(who.cookie.clone())
        .body(encode_form(&all))
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn an_empty_title_is_refused_with_a_translated_message_and_what_was_typed_stays() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        let path = format!("/petitions/{id}/translations/fr");

        // The form shows the main version beside each field.
        let (status, form, _) = get_as(&app, Some(&alice), &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(form.contains("lang=\"en-US\">Save the park</p>"), "{form}");
        assert!(form.contains("<p>Keep the park green.</p>"));

        let typed = [
            ("title", "   "),
            (
                "body_html",
                "<p>Gardons le parc vert.</p><script>alert(1)</script>",
            ),
            ("data_notice", "Une mention."),
            ("social_text", ""),
        ];
        let (status, page) = post_in(&app, &alice, &path, &typed, "fr").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("Veuillez remplir ce champ."), "{page}");
        assert!(page.contains("title-error"));
        assert!(
            page.contains("&lt;p&gt;Gardons le parc vert.&lt;/p&gt;&lt;script&gt;"),
            "{backend:?}: the text stays as typed: {page}"
        );
        assert!(page.contains(">Une mention.</textarea>"));

        // Too long for the editor is too long here.
        let long = "x".repeat(301);
        let (status, page) = post_in(
            &app,
            &alice,
            &path,
            &[
                ("title", "Sauvons le parc"),
                ("body_html", "<p>Texte.</p>"),
                ("social_text", &long),
            ],
            "en",
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("This is too long."), "{backend:?}");
        assert!(page.contains("value=\"Sauvons le parc\""));
        let stored = petition_translation::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(stored, 0, "{backend:?}: nothing stored");

        // Saved, the text goes through the editor's sanitizer; a stranger's language is a 404.
        let (status, _) = post_in(
            &app,
            &alice,
            &path,
            &[("title", " Sauvons le parc "), ("body_html", typed[1].1)],
            "fr",
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let row = petition_translation::Entity::find_by_id((id, "fr".to_string()))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the translation");
        assert_eq!(row.title, "Sauvons le parc");
        assert_eq!(row.body_html, "<p>Gardons le parc vert.</p>");
        for code in ["xx", "en-US"] {
            let (status, _) = post_in(
                &app,
                &alice,
                &format!("/petitions/{id}/translations/{code}"),
                &FRENCH,
                "en",
            )
            .await;
            assert_eq!(
                status,
                Status::NotFound,
                "{backend:?}: {code}: not a language, or the main one"
            );
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn only_those_who_may_edit_the_petition_translate_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        // Ben is a member who may not modify petitions; Cleo has no say at all.
        let ben = common::people::person(&app, "ben").await;
        membership::ActiveModel {
            organization_id: Set(located.petition.organization_id.expect("organization")),
            user_id: Set(user_model(&app, "ben").await.id),
            can_create_petitions: Set(true),
            can_modify_petitions: Set(false),
            created_at: Set(signons::domain::now()),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("membership");
        let cleo = common::people::person(&app, "cleo").await;
        let form = format!("/petitions/{id}/translations/fr");
        for who in [Some(&ben), Some(&cleo), None] {
            let (status, _, _) = get_as(&app, who, &form).await;
            assert_eq!(status, Status::NotFound, "{backend:?}");
            let (status, _) = post_as(&app, who, &form, &FRENCH).await;
            assert_eq!(status, Status::NotFound, "{backend:?}");
            let (status, _) = post_as(
                &app,
                who,
                &format!("/petitions/{id}/language"),
                &[("language", "fr")],
            )
            .await;
            assert_eq!(status, Status::NotFound, "{backend:?}");
        }
        let (_, editor, _) = get_as(&app, Some(&ben), &format!("/petitions/{id}/edit")).await;
        assert!(!editor.contains("/translations"), "{backend:?}");
        let stored = petition_translation::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(stored, 0, "{backend:?}: nothing written");

        // Without the CSRF token, not even Alice.
        let response = app
            .client
            .post(form.clone())
            .header(ContentType::Form)
            .private_cookie(alice.cookie.clone())
            .body(encode_form(&FRENCH))
            .dispatch()
            .await;
        assert_ne!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);

        // Alice may; then Ben may neither delete it nor see its deletion step.
        let (status, editor, _) =
            get_as(&app, Some(&alice), &format!("/petitions/{id}/edit")).await;
        assert!(
            editor.contains("id=\"languages\""),
            "{backend:?}: {status}: {editor}"
        );
        assert!(
            editor.contains(
                "action=\"/petitions/{id}/translations\""
                    .replace("{id}", &id.to_string())
                    .as_str()
            )
        );
        translate_into_french(&app, &alice, id).await;
        let delete = format!("/petitions/{id}/translations/fr/delete");
        assert_eq!(get_as(&app, Some(&ben), &delete).await.0, Status::NotFound);
        assert_eq!(
            post_as(&app, Some(&ben), &delete, &[]).await.0,
            Status::NotFound
        );
        // Saved, the editor says so in its languages section, where the page lands.
        let (_, editor, _) = get_as(
            &app,
            Some(&alice),
            &format!("/petitions/{id}/edit?done=translation-saved"),
        )
        .await;
        assert!(
            editor.contains(">Sauvons le parc</a>"),
            "{backend:?}: listed"
        );
        let said = editor
            .find("The translation was saved.")
            .expect("the notice");
        assert!(said > editor.find("id=\"languages\"").expect("the section"));
        let (status, step, _) = get_as(&app, Some(&alice), &delete).await;
        assert_eq!(status, Status::Ok);
        assert!(step.contains("Sauvons le parc"), "{backend:?}: {step}");
        assert_eq!(
            post_as(&app, Some(&alice), &delete, &[]).await.0,
            Status::SeeOther
        );
        assert!(!page(&app, &located.path(), "fr").await.contains("Sauvons"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_deleted_petition_takes_its_translations_with_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        translate_into_french(&app, &alice, id).await;
        let count = || async {
            petition_translation::Entity::find()
                .filter(petition_translation::Column::PetitionId.eq(id))
                .count(&app.db)
                .await
                .expect("count")
        };
        assert_eq!(count().await, 1, "{backend:?}");
        let (status, _) =
            post_as(&app, Some(&alice), &format!("/petitions/{id}/delete"), &[]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(count().await, 0, "{backend:?}: gone with the petition");
        assert_eq!(
            app.get_lang(&format!("{}?lang=fr", located.path()), "fr")
                .await
                .0,
            Status::NotFound
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn choosing_the_language_of_a_translation_as_the_main_one_swaps_them() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        translate_into_french(&app, &alice, id).await;
        let (status, _) = post_as(
            &app,
            Some(&alice),
            &format!("/petitions/{id}/language"),
            &[("language", "fr")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let row = petition_entity::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition");
        assert_eq!(row.language.as_deref(), Some("fr"));
        assert_eq!(row.title, "Sauvons le parc");
        assert_eq!(row.body_html, "<p>Gardons le parc vert.</p>");
        let english = petition_translation::Entity::find_by_id((id, "en-US".to_string()))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the former main version, now a translation");
        assert_eq!(english.title, "Save the park");
        assert_eq!(english.body_html, "<p>Keep the park green.</p>");
        // The slug stays: the permalink is now the French version's canonical address, and the
        // English one has `?lang=`.
        let url = format!("{PUBLIC}{}", located.path());
        let body = page(&app, &located.path(), "fr").await;
        assert!(body.contains(">Sauvons le parc</h1>"), "{backend:?}");
        assert!(body.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")));
        let english_page = page(&app, &located.path(), "en").await;
        assert!(english_page.contains(">Save the park</h1>"), "{backend:?}");
        assert!(english_page.contains(&format!(
            "<link rel=\"canonical\" href=\"{url}?lang=en-US\">"
        )));
        assert_eq!(
            app.json(id).await["languages"],
            serde_json::json!(["fr", "en-US"])
        );

        // A petition written before languages existed is in the site's default language.
        let mut old = row.into_active_model();
        old.language = Set(None);
        old.update(&app.db).await.expect("an old row");
        let settled =
            signons::domain::petitions::translations::settle_main_languages(&app.db, "fr")
                .await
                .expect("settle");
        assert_eq!(settled, 1, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_wizards_preview_offers_a_translation_and_leads_back_to_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let draft = app
            .petition_with("Save the lake", |p| {
                p.published = false;
                p.language = Some("en-US".into());
            })
            .await;
        let alice = session_of(&app, &user_model(&app, "alice").await).await;
        let id = draft.petition.id;
        let (status, preview, _) = get_as(
            &app,
            Some(&alice),
            &format!("/petitions/{id}/wizard/preview?publish=false"),
        )
        .await;
        assert_eq!(status, Status::Ok, "{backend:?}: {preview}");
        assert!(
            preview.contains(&format!("action=\"/petitions/{id}/translations\"")),
            "{backend:?}: {preview}"
        );
        assert!(preview.contains("name=\"from\" value=\"wizard-draft\""));
        assert!(preview.contains("<option value=\"fr\" lang=\"fr\">Français</option>"));
        assert!(
            !preview.contains("<option value=\"en-US\""),
            "not its own language"
        );

        let response = app
            .client
            .get(format!(
                "/petitions/{id}/translations?lang=fr&from=wizard-draft"
            ))
            .private_cookie(alice.cookie.clone())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        let form = response
            .headers()
            .get_one("Location")
            .unwrap_or_default()
            .to_string();
        drop(response);
        assert_eq!(
            form,
            format!("/petitions/{id}/translations/fr?from=wizard-draft")
        );
        let (status, page, _) = get_as(&app, Some(&alice), &form).await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("name=\"from\" value=\"wizard-draft\""),
            "{backend:?}"
        );
        let mut fields = FRENCH.to_vec();
        fields.push(("from", "wizard-draft"));
        let response = {
            let csrf = app.csrf("/").await;
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend_from_slice(&fields);
            app.client
                .post(format!("/petitions/{id}/translations/fr"))
                .header(ContentType::Form)
                .private_cookie(alice.cookie.clone())
                .body(encode_form(&all))
                .dispatch()
                .await
        };
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some(format!("/petitions/{id}/wizard/preview?publish=false").as_str())
        );
        drop(response);
        // The draft's editor lists it; the public sees neither version.
        let (_, editor, _) = get_as(&app, Some(&alice), &format!("/petitions/{id}/edit")).await;
        assert!(editor.contains(">Sauvons le parc</a>"), "{backend:?}");
        assert_eq!(
            app.get_lang(&format!("{}?lang=fr", draft.path()), "fr")
                .await
                .0,
            Status::NotFound
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_translation_previews_its_text_and_says_whom_and_what_the_picture_shows_in_its_language()
{
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let (located, alice) = english_petition(&app).await;
        let id = located.petition.id;
        let mut active = located.petition.clone().into_active_model();
        active.addressed_to = Set(Some("the City Council".into()));
        active.picture_key = Set(Some("0123456789abcdef0123".into()));
        active.picture_alt = Set(Some("The old plane trees".into()));
        active.picture_width = Set(Some(1200));
        active.picture_height = Set(Some(800));
        active
            .update(&app.db)
            .await
            .expect("an addressee and a picture");

        // Preview: the typed text rendered under the field, nothing saved.
        let mut typed = FRENCH.to_vec();
        typed[1] = ("body_html", "Gardons le parc **vert**.");
        typed.push(("addressed_to", "le conseil municipal"));
        typed.push(("picture_alt", "Les vieux platanes"));
        let mut previewing = typed.clone();
        previewing.push(("action", "preview"));
        let path = format!("/petitions/{id}/translations/fr");
        let (status, form) = post_as(&app, Some(&alice), &path, &previewing).await;
        assert_eq!(status, Status::Ok, "{backend:?}: {form}");
        assert!(
            form.contains("id=\"body_html-preview\"")
                && form.contains("<p>Gardons le parc <strong>vert</strong>.</p>"),
            "{backend:?}: {form}"
        );
        assert!(
            form.contains("value=\"le conseil municipal\""),
            "{backend:?}"
        );
        let saved = petition_translation::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(saved, 0, "{backend:?}: a preview saves nothing");

        let (status, page_after) = post_as(&app, Some(&alice), &path, &typed).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}: {page_after}");
        let french = page(&app, &located.path(), "fr").await;
        assert!(french.contains("le conseil municipal"), "{backend:?}");
        assert!(french.contains("alt=\"Les vieux platanes\""), "{backend:?}");
        let english = page(&app, &located.path(), "en").await;
        assert!(english.contains("the City Council"), "{backend:?}");
        assert!(
            english.contains("alt=\"The old plane trees\""),
            "{backend:?}"
        );

        // A description too long comes back with the summary and the field marked.
        let long = "x".repeat(301);
        let mut wrong = typed.clone();
        wrong.retain(|(k, _)| *k != "picture_alt");
        wrong.push(("picture_alt", &long));
        let (status, form) = post_as(&app, Some(&alice), &path, &wrong).await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(
            form.contains("id=\"error-summary\"") && form.contains("href=\"#picture_alt\""),
            "{backend:?}: {form}"
        );
        app.finish().await;
    }
}
