//! An administrator translates the interface without a toolchain (F7.3): `.ftl` files in the
//! locales folder, read at start and merged message by message over the built-in ones; the
//! binary hands out its own files (`locales export`) and measures a translation (`locales check`).
//!
//! Every app of this file reads the same folder: the messages in force belong to the process.
mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::app::{TestApp, backends};
use common::smtp::ReceivedMail;
use rocket::http::Status;

/// German with a few messages, two English wordings changed, and a French file with a syntax error
/// on line 3 between two good messages.
fn locales_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (lang, file, text) in [
        (
            "de",
            "main.ftl",
            "language-name = Deutsch\nhome-title = Petitionen\nsign-title = Diese Petition unterschreiben\n",
        ),
        (
            "en-US",
            "custom.ftl",
            "sign-button = Add my name\nmail-confirm-subject = Please confirm your name under: { $title }\n",
        ),
        (
            "fr",
            "broken.ftl",
            "# Une correction locale\nsign-title = Signez ici\nbroken = { $\nskip-to-content = Aller au texte\n",
        ),
    ] {
        std::fs::create_dir_all(dir.path().join(lang)).expect("mkdir");
        std::fs::write(dir.path().join(lang).join(file), text).expect("write");
    }
    dir
}

fn signons(args: &[&str], dir: &Path) -> Output {
    // No site database: what is compared is the binary's own files.
    let no_data = tempfile::tempdir().expect("temp dir");
    Command::new(env!("CARGO_BIN_EXE_signons"))
        .args(args)
        .arg(dir)
        .env_remove("ROCKET_DATABASE_URL")
        .env("ROCKET_DATA_DIR", no_data.path().join("data"))
        .env("SIGNONS_LOG", "warn")
        .output()
        .expect("run signons")
}

#[rocket::async_test]
async fn a_locales_folder_adds_german_and_changes_english_wordings_everywhere() {
    let locales = locales_folder();
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("locales_dir", locales.path().display().to_string())
            .build()
            .await;

        // German is offered and negotiated; what it lacks reads in English.
        let (status, home) = app.get_lang("/", "en").await;
        assert_eq!(status, Status::Ok);
        assert!(home.contains("Deutsch"), "{backend:?}: {home}");
        let (_, home) = app.get_lang("/", "de-DE,de;q=0.9").await;
        assert!(home.contains("<html lang=\"de\" dir=\"ltr\">"), "{home}");
        assert!(home.contains("Petitionen"), "{home}");
        assert!(home.contains("Log in"), "{home}");

        // One English wording replaced, in English and where German falls back to English.
        let located = app.petition("Save the bees").await;
        let (_, page) = app.get_lang(&located.path(), "en").await;
        assert!(page.contains("Add my name"), "{page}");
        assert!(page.contains("Sign this petition"), "{page}");
        let (_, page) = app.get_lang(&located.path(), "de").await;
        assert!(page.contains("Diese Petition unterschreiben"), "{page}");
        assert!(page.contains("Add my name"), "{page}");

        // French keeps its own button; the messages around the broken line apply.
        let (_, page) = app.get_lang(&located.path(), "fr").await;
        assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"), "{page}");
        assert!(page.contains("Signez ici"), "{page}");
        assert!(page.contains("Aller au texte"), "{page}");
        assert!(!page.contains("Add my name"), "{page}");

        // Mails read the same messages.
        let response = app.sign(&located, "Ann", "Tester", "ann@example.org").await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        assert!(app.wait_queue_empty(Duration::from_secs(5)).await);
        let files = app.eml_files();
        assert_eq!(files.len(), 1, "{backend:?}");
        let mail = ReceivedMail {
            from: String::new(),
            to: Vec::new(),
            raw: files[0].clone(),
            received_at: Instant::now(),
        };
        assert_eq!(
            mail.subject(),
            "Please confirm your name under: Save the bees"
        );
        app.finish().await;
    }
}

#[test]
fn an_invalid_file_is_reported_with_its_file_and_line_and_its_good_messages_are_kept() {
    let locales = locales_folder();
    let (resources, problems) = signons::i18n::catalog::read_folder(locales.path());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].file.ends_with("broken.ftl"), "{problems:?}");
    assert_eq!(problems[0].line, 3, "{problems:?}");
    let catalog = signons::i18n::catalog::Catalog::new(&resources);
    let fr = "fr".parse().expect("fr");
    assert_eq!(catalog.format(&fr, "sign-title", None), "Signez ici");
    assert_eq!(
        catalog.format(&fr, "skip-to-content", None),
        "Aller au texte"
    );

    let output = signons(&["locales", "check"], locales.path());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("broken.ftl:3: "), "{text}");
    assert!(
        text.contains("en-US: overrides of the built-in English, valid"),
        "{text}"
    );
}

#[test]
fn export_hands_out_the_built_in_files_and_check_measures_each_language() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = signons(&["locales", "export"], dir.path());
    assert!(output.status.success(), "{output:?}");
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    for lang in ["en-US", "fr"] {
        let mut names = Vec::new();
        for entry in std::fs::read_dir(repository.join(lang)).expect("locales") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("name").to_owned();
            let exported = std::fs::read_to_string(dir.path().join(lang).join(&name))
                .unwrap_or_else(|e| panic!("{lang}/{name:?}: {e}"));
            assert_eq!(exported, std::fs::read_to_string(&path).expect("read"));
            names.push(name);
        }
        let exported = std::fs::read_dir(dir.path().join(lang))
            .expect("export")
            .count();
        assert_eq!(exported, names.len(), "{lang}: nothing more");
    }

    let output = signons(&["locales", "check"], dir.path());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("fr: complete, 100 % translated"), "{text}");

    // One French message gone, another with its plural variant gone, and German begun.
    let main = dir.path().join("fr/main.ftl");
    let french = std::fs::read_to_string(&main).expect("fr/main.ftl");
    let french: String = french
        .lines()
        .filter(|l| !l.starts_with("skip-to-content ="))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&main, french).expect("write");
    let anonymization = dir.path().join("fr/anonymization.ftl");
    let french = std::fs::read_to_string(&anonymization).expect("fr/anonymization.ftl");
    let french = french.replace(
        "    [one] Les données personnelles d’un signataire ont été effacées.\n",
        "",
    );
    std::fs::write(&anonymization, french).expect("write");
    std::fs::create_dir_all(dir.path().join("de")).expect("mkdir");
    std::fs::write(
        dir.path().join("de/main.ftl"),
        "language-name = Deutsch\nhome-title = Petitionen\n",
    )
    .expect("write");

    let output = signons(&["locales", "check"], dir.path());
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("fr: INCOMPLETE, 99."), "{text}");
    assert!(text.contains("  missing:  skip-to-content\n"), "{text}");
    assert!(
        text.contains("  plural variants missing: anonymization-done (fr needs [one])"),
        "{text}"
    );
    // Two messages of the source's (about a thousand), counted to the tenth of a percent below.
    let keys: f64 = text
        .split(" keys (built-in source)")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the source's count of keys");
    let german = format!(
        "de: INCOMPLETE, {:.1} % translated",
        (2.0 * 1000.0 / keys).floor() / 10.0
    );
    assert!(text.contains(&german), "{german}: {text}");
}
