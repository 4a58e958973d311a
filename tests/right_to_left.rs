//! Right-to-left languages (issue 14 point 6): an Arabic interface translation renders pages with
//! `dir="rtl"` (the stylesheet uses logical properties, so the layout mirrors); names and titles
//! inside translated sentences are isolated on a right-to-left page, and on any page when they are
//! written right to left, so neither reorders the words around it; pages that need none carry no
//! isolation marks. The interface language comes from the locales folder, as an administrator
//! adds it.
mod common;

use common::app::{TestApp, backends};
use rocket::http::Status;

/// The messages in force belong to the process: the tests of this file take turns.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

fn arabic_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("ar")).expect("mkdir");
    std::fs::write(
        dir.path().join("ar/main.ftl"),
        "language-name = العربية\nhome-title = العرائض\npetition-by = بقلم { $owner }\n",
    )
    .expect("write");
    dir
}

#[rocket::async_test]
async fn an_arabic_translation_turns_the_page_right_to_left_and_isolates_latin_names() {
    let _turn = TURN.lock().await;
    let locales = arabic_folder();
    let app = TestApp::builder(backends()[0])
        .set("locales_dir", locales.path().display().to_string())
        .build()
        .await;
    app.petition("Save the bees").await;

    let (status, home) = app.get_lang("/", "ar").await;
    assert_eq!(status, Status::Ok);
    assert!(home.contains("<html lang=\"ar\" dir=\"rtl\">"), "{home}");
    assert!(home.contains("<h1>العرائض</h1>"), "{home}");
    assert!(
        home.contains(&format!("بقلم {FSI}Friends of the Park{PDI}")),
        "a Latin name in an Arabic sentence is isolated: {home}"
    );
    assert!(home.contains("العربية"), "in the language switch");
    assert!(
        home.contains("\u{2066}Log in\u{2069}"),
        "an English wording not translated yet keeps its order: {home}"
    );
    assert!(!home.contains("\u{2066}العرائض"), "{home}");

    // The stylesheet mirrors: no physical left or right in it.
    let (_, css) = app.get("/static/signons.css").await;
    for physical in [
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "border-left",
        "border-right",
        "text-align: left",
        "text-align: right",
        " left:",
        " right:",
        "float: left",
        "float: right",
    ] {
        assert!(!css.contains(physical), "{physical} does not mirror");
    }

    // English pages stay left to right, without marks where nothing needs them.
    let (_, home) = app.get_lang("/", "en").await;
    assert!(home.contains("<html lang=\"en-US\" dir=\"ltr\">"), "{home}");
    assert!(home.contains("By Friends of the Park"), "{home}");
    assert!(!home.contains(FSI), "{home}");
    app.finish().await;
}

#[rocket::async_test]
async fn an_arabic_title_on_an_english_page_is_isolated_and_takes_its_own_direction() {
    let _turn = TURN.lock().await;
    let app = TestApp::start(backends()[0]).await;
    let located = app.petition("أنقذوا النحل").await;
    let (status, page) = app.get_lang(&located.path(), "en").await;
    assert_eq!(status, Status::Ok, "{page}");
    assert!(page.contains("<html lang=\"en-US\" dir=\"ltr\">"));
    assert!(
        page.contains(&format!("News of “{FSI}أنقذوا النحل{PDI}”")),
        "{page}"
    );
    assert!(
        page.contains("<h1 dir=\"auto\">أنقذوا النحل</h1>"),
        "{page}"
    );
    assert!(page.contains("<div class=\"body\" dir=\"auto\">"), "{page}");
    app.finish().await;
}
