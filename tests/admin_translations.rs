//! The interface translated by the administrators on `/admin/translations` (issue 14 point 3,
//! F7.3), without a rebuild or a restart: a message saved there is in force at once on the instance
//! that saved it and, within seconds, on a second instance (a separate `signons serve` process) on
//! the same database; a misspelt placeable or broken Fluent is refused with a translated
//! explanation and changes nothing; a new language added by its code is offered, negotiated, read
//! in English until translated, used in mails, and handed out by `signons locales export`; only
//! administrators see the pages, and each change is in the audit log. SQLite and PostgreSQL.
//!
//! The messages in force belong to the process: the tests of this file take turns.
mod common;

use std::time::{Duration, Instant};

use common::app::{TestApp, backends};
use common::people::{log_in, log_out, register};
use common::process::{Serve, free_port, signons};
use common::smtp::ReceivedMail;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::entity::{audit_entry, translation};

static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Saves `text` as message `id` of `lang` through the page, as the logged-in visitor reading
/// `reader`; the status and the page.
async fn save(app: &TestApp, lang: &str, id: &str, text: &str, reader: &str) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let response = app
        .post_form_lang(
            &format!("/admin/translations/{lang}"),
            &[
                ("csrf", &csrf),
                ("id", id),
                ("text", text),
                ("view.page", "1"),
            ],
            reader,
        )
        .await;
    let status = response.status();
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string();
    let body = response.into_string().await.unwrap_or_default();
    (status, if body.is_empty() { location } else { body })
}

/// Signs a new petition `title` reading `lang`, and returns the subject of the mail it sends.
async fn subject_of_signing(app: &TestApp, title: &str, email: &str, lang: &str) -> String {
    let located = app.petition(title).await;
    let csrf = app.csrf(&located.path()).await;
    let response = app
        .post_form_lang(
            &format!("/petitions/{}/sign", located.petition.id),
            &[
                ("csrf", &csrf),
                ("first_name", "Anne"),
                ("last_name", "Test"),
                ("email", email),
            ],
            lang,
        )
        .await;
    assert_eq!(response.status(), Status::SeeOther);
    drop(response);
    assert!(app.wait_queue_empty(Duration::from_secs(5)).await);
    let files = app.eml_files();
    let mail = ReceivedMail {
        from: String::new(),
        to: Vec::new(),
        raw: files.last().expect("a mail").clone(),
        received_at: Instant::now(),
    };
    mail.subject()
}

async fn rows(app: &TestApp, lang: &str) -> Vec<translation::Model> {
    translation::Entity::find()
        .filter(translation::Column::Lang.eq(lang))
        .all(&app.db)
        .await
        .expect("query")
}

#[rocket::async_test]
async fn a_message_saved_on_the_page_is_in_force_at_once_here_and_within_seconds_on_a_second_instance()
 {
    let _turn = TURN.lock().await;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        let (status, page) = app.get_lang("/admin/translations", "en").await;
        assert_eq!(status, Status::Ok, "{page}");
        assert!(page.contains("Français") && page.contains("100%"), "{page}");

        let dir = tempfile::tempdir().expect("temp dir");
        let smtp = format!("smtp://127.0.0.1:{}", free_port());
        let mut second = Serve::start(dir.path(), &app.test_db.url, &smtp, "second.log");
        second.wait_ready(Duration::from_secs(30));
        let (_, before) = second.get("/", "fr").expect("the second instance answers");
        assert!(before.contains("<h1>Pétitions</h1>"), "{before}");

        // The French home title, reworded.
        let (status, location) =
            save(&app, "fr", "home-title", "Les pétitions du quartier", "en").await;
        assert_eq!(status, Status::SeeOther, "{backend:?}: {location}");
        assert!(
            location.contains("done=saved") && location.ends_with("#m-home-title"),
            "{location}"
        );
        let (_, here) = app.get_lang("/", "fr").await;
        assert!(
            here.contains("Les pétitions du quartier"),
            "{backend:?}: in force at once where it was saved"
        );
        let (_, english) = app.get_lang("/", "en").await;
        assert!(english.contains("<h1>Petitions</h1>"), "English unchanged");

        let saved = Instant::now();
        let elapsed = loop {
            let (_, page) = second.get("/", "fr").expect("the second instance answers");
            if page.contains("Les pétitions du quartier") {
                break saved.elapsed();
            }
            assert!(
                saved.elapsed() < Duration::from_secs(8),
                "{backend:?}: the second instance still shows the old text after 8 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        };
        eprintln!("{backend:?}: the second instance followed in {elapsed:?}");

        // The language page shows it as saved here, and completion stays whole.
        let (_, page) = app
            .get_lang("/admin/translations/fr?q=home-title", "en")
            .await;
        assert!(page.contains("Les pétitions du quartier"), "{page}");
        assert!(page.contains("saved here"), "{page}");

        // Emptied: the built-in text is back, here and there.
        let (status, location) = save(&app, "fr", "home-title", "  ", "en").await;
        assert_eq!(status, Status::SeeOther);
        assert!(location.contains("done=reverted"), "{location}");
        assert!(rows(&app, "fr").await.is_empty());
        let (_, here) = app.get_lang("/", "fr").await;
        assert!(here.contains("<h1>Pétitions</h1>"), "{here}");
        let reverted = Instant::now();
        loop {
            let (_, page) = second.get("/", "fr").expect("answers");
            if page.contains("<h1>Pétitions</h1>") {
                break;
            }
            assert!(reverted.elapsed() < Duration::from_secs(8), "{backend:?}");
            std::thread::sleep(Duration::from_millis(100));
        }

        // Both changes are in the audit log, with who made them.
        let logged = audit_entry::Entity::find()
            .filter(audit_entry::Column::TargetKind.eq("translation"))
            .all(&app.db)
            .await
            .expect("query");
        let actions: Vec<_> = logged.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["translate", "revert-translation"]);
        assert!(
            logged
                .iter()
                .all(|e| e.actor_name == "root" && e.target_label == "fr home-title")
        );
        drop(second);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_misspelt_placeable_or_broken_fluent_is_refused_with_a_translated_explanation() {
    let _turn = TURN.lock().await;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;

        let typed = "Confirmez : { $titel }";
        let (status, page) = save(&app, "fr", "mail-confirm-subject", typed, "fr").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: {page}");
        assert!(
            page.contains(
                "Les variables doivent être celles de l’anglais\u{a0}: $title. Ce texte a $titel."
            ),
            "{page}"
        );
        assert!(page.contains("<title>Erreur\u{a0}:"), "{page}");
        assert!(
            page.contains("href=\"#text-mail-confirm-subject\""),
            "{page}"
        );
        assert!(
            page.contains("aria-invalid=\"true\"") && page.contains(typed),
            "what was typed stays in its field: {page}"
        );

        let (status, page) = save(&app, "fr", "mail-confirm-subject", "Confirmez { $", "en").await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(
            page.contains("This text cannot be read from line 1 on."),
            "{page}"
        );

        let (status, page) = save(
            &app,
            "fr",
            "translations-count",
            "{ $count ->\n   *[other] { $count } messages\n}",
            "en",
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(
            page.contains("Numbers in this language need the variants [one]"),
            "{page}"
        );
        assert!(
            rows(&app, "fr").await.is_empty(),
            "nothing refused is stored"
        );

        // Nothing changed: the built-in subject still goes out.
        assert_eq!(
            subject_of_signing(&app, "Sauvons les abeilles", "anne@example.org", "fr").await,
            "Confirmez votre signature\u{a0}: Sauvons les abeilles"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_language_added_by_its_code_is_offered_read_in_english_until_translated_and_exported() {
    let _turn = TURN.lock().await;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;

        for (code, name, error) in [
            ("not a code!", "X", "This is not a language code"),
            ("fr", "Français", "This language is already on the site."),
            ("de", "", "Give the language’s name."),
        ] {
            let csrf = app.csrf("/").await;
            let response = app
                .post_form_lang(
                    "/admin/translations",
                    &[("csrf", &csrf), ("code", code), ("name", name)],
                    "en",
                )
                .await;
            assert_eq!(response.status(), Status::UnprocessableEntity, "{code}");
            let page = response.into_string().await.unwrap_or_default();
            assert!(page.contains(error), "{code}: {page}");
            assert!(
                page.contains(&format!("value=\"{code}\"")),
                "what was typed stays: {page}"
            );
        }

        let csrf = app.csrf("/").await;
        let response = app
            .post_form_lang(
                "/admin/translations",
                &[("csrf", &csrf), ("code", "DE"), ("name", "Deutsch")],
                "en",
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/admin/translations/de?done=added")
        );
        drop(response);

        let (_, home) = app.get_lang("/", "de-DE,de;q=0.9").await;
        assert!(home.contains("<html lang=\"de\""), "{home}");
        assert!(home.contains("Deutsch"), "in the language switch: {home}");
        assert!(
            home.contains("<h1>Petitions</h1>"),
            "English until translated"
        );

        for (id, text) in [
            ("home-title", "Petitionen"),
            (
                "mail-confirm-subject",
                "Bestätigen Sie Ihre Unterschrift: { $title }",
            ),
        ] {
            let (status, page) = save(&app, "de", id, text, "en").await;
            assert_eq!(status, Status::SeeOther, "{id}: {page}");
        }
        let (_, home) = app.get_lang("/", "de").await;
        assert!(home.contains("<h1>Petitionen</h1>"), "{home}");

        // The overview measures it; the language page lists what is still missing.
        let (_, overview) = app.get_lang("/admin/translations", "en").await;
        let row = overview
            .split("<tr>")
            .find(|r| r.contains("<code>de</code>"))
            .expect("a row for German");
        assert!(row.contains("0.3%") || row.contains("0.2%"), "{row}");
        let (_, missing) = app
            .get_lang("/admin/translations/de?missing=true&q=sign-title", "en")
            .await;
        assert!(missing.contains("id=\"m-sign-title\""), "{missing}");
        let (_, missing) = app
            .get_lang("/admin/translations/de?missing=true&q=home-title", "en")
            .await;
        assert!(!missing.contains("id=\"m-home-title\""), "{missing}");

        // A signer reading German gets a German subject.
        log_out(&app).await;
        assert_eq!(
            subject_of_signing(&app, "Rettet die Bienen", "anna@example.org", "de").await,
            "Bestätigen Sie Ihre Unterschrift: Rettet die Bienen"
        );

        // `locales export` hands out the German written on the site, each message in its file.
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("export");
        let output = signons(
            dir.path(),
            &app.test_db.url,
            &["locales", "export", out.to_str().expect("utf-8")],
        );
        assert!(output.status.success(), "{output:?}");
        let main = std::fs::read_to_string(out.join("de/main.ftl")).expect("de/main.ftl");
        assert!(main.contains("language-name = Deutsch"), "{main}");
        let petition =
            std::fs::read_to_string(out.join("de/petition.ftl")).expect("de/petition.ftl");
        assert!(petition.contains("home-title = Petitionen"), "{petition}");
        let mail = std::fs::read_to_string(out.join("de/mail.ftl")).expect("de/mail.ftl");
        assert!(
            mail.contains("mail-confirm-subject = Bestätigen Sie Ihre Unterschrift: { $title }"),
            "{mail}"
        );
        assert!(
            std::fs::read_to_string(out.join("fr/petition.ftl"))
                .expect("fr")
                .contains("home-title = Pétitions")
        );
        let check = signons(
            dir.path(),
            &app.test_db.url,
            &["locales", "check", out.to_str().expect("utf-8")],
        );
        let report = String::from_utf8_lossy(&check.stdout);
        assert!(report.contains("de: INCOMPLETE, 0."), "{report}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn only_administrators_see_or_change_the_translations() {
    let _turn = TURN.lock().await;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "root").await;
        register(&app, "member").await;
        log_in(&app, "member").await;
        for path in ["/admin/translations", "/admin/translations/fr"] {
            let (status, _) = app.get_lang(path, "en").await;
            assert_eq!(status, Status::NotFound, "{path}");
        }
        let (status, _) = save(&app, "fr", "home-title", "Piraté", "en").await;
        assert_eq!(status, Status::NotFound);
        log_out(&app).await;
        let (status, _) = app.get_lang("/admin/translations", "en").await;
        assert_ne!(status, Status::Ok);
        assert_eq!(
            translation::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        let (_, home) = app.get_lang("/", "fr").await;
        assert!(!home.contains("Piraté"));
        app.finish().await;
    }
}
