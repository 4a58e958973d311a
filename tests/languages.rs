//! The reader's language (F7): negotiated from Accept-Language, switched with a plain form that
//! works without JavaScript, kept in a cookie.
mod common;

use common::app::{Provenance, TestApp, backends};
use rocket::http::Status;

#[rocket::async_test]
async fn accept_language_picks_french_and_anything_unknown_falls_back_to_english() {
    let app = TestApp::start(backends()[0]).await;
    for (header, expected, text) in [
        ("fr", "fr", "Pétitions"),
        ("fr-CA,fr;q=0.8", "fr", "Pétitions"),
        ("de-DE,de;q=0.9", "en-US", "Petitions"),
        ("en-GB", "en-US", "Petitions"),
        ("", "en-US", "Petitions"),
    ] {
        let (status, page) = app.get_lang("/", header).await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains(&format!("<html lang=\"{expected}\" dir=\"ltr\">")),
            "{header} → {expected}"
        );
        assert!(page.contains(text), "{header}");
    }
    app.finish().await;
}

#[rocket::async_test]
async fn the_language_switch_is_a_form_and_the_choice_is_remembered() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the park").await;
        let csrf = app.csrf(&located.path()).await;
        let response = app
            .post_form(
                "/language",
                &[("csrf", &csrf), ("lang", "fr"), ("next", &located.path())],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(
            response.headers().get_one("Location"),
            Some(located.path().as_str())
        );
        drop(response);
        // The browser still says English; the choice wins.
        let (_, page) = app.get_lang(&located.path(), "en").await;
        assert!(page.contains("Signer cette pétition"), "{page}");

        // Only local paths are followed.
        let response = app
            .post_form(
                "/language",
                &[
                    ("csrf", &csrf),
                    ("lang", "en-US"),
                    ("next", "//evil.example/"),
                ],
            )
            .await;
        assert_eq!(response.headers().get_one("Location"), Some("/"));
        drop(response);
        let (_, page) = app.get_lang(&located.path(), "fr").await;
        assert!(page.contains("Sign this petition"));

        // Sent from another site (or from nowhere it says), nothing changes.
        for from in Provenance::FORGED {
            let response = app
                .post_form_from("/language", &[("lang", "fr")], "en", from)
                .await;
            assert_eq!(response.status(), Status::Forbidden, "{from:?}");
        }
        let (_, page) = app.get(&located.path()).await;
        assert!(page.contains("Sign this petition"));
        app.finish().await;
    }
}

#[test]
fn the_locales_check_passes_for_the_shipped_languages() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_signons"))
        .args(["locales", "check"])
        .output()
        .expect("run signons locales check");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("fr: complete"), "{text}");
}

#[test]
fn the_locales_check_fails_on_an_incomplete_language_and_names_what_is_missing() {
    // Compared with the built-in English: no source tree needed.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("de")).expect("mkdir");
    std::fs::write(
        dir.path().join("de").join("main.ftl"),
        "sign-title = Unterschreiben, { $name }\nhello = Hallo\n",
    )
    .expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_signons"))
        .args(["locales", "check", "--dir"])
        .arg(dir.path())
        .output()
        .expect("run signons locales check --dir");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("de: INCOMPLETE"), "{text}");
    assert!(text.contains("missing:  sign-button"), "{text}");
    assert!(text.contains("obsolete: hello"), "{text}");
    assert!(text.contains("placeables differ: sign-title"), "{text}");
}
