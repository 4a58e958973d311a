//! The interface reads as one voice in each language: French names the e-mail address one way
//! only and keeps its typography (a no-break space before `:`, a narrow one before `;` `!` `?`,
//! inside « »); counts read naturally ("both", « aux deux »); labels carry one parenthesis at most
//! and every optional field says so; and templates hold no words of their own, only translations.
mod common;

use std::path::{Path, PathBuf};

use common::app::{TestApp, backends};
use common::people::{create_org, register};
use fluent_syntax::ast;
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::entity::{petition as petition_entity, signature};

/// The one French term for an e-mail address, and the one for the message.
const ADDRESS: &str = "adresse e-mail";
const MESSAGE: &str = "e-mail";

/// Other ways of saying it, which French must not use.
const OTHER_TERMS: &[&str] = &[
    "adresse électronique",
    "adresses électroniques",
    "adresse de courriel",
    "adresse courriel",
    "adresse mail",
    "adresses mail",
    "adresse email",
    "adresses email",
    "adresse mél",
    "e-mail address",
    "email address",
    // The message is masculine: un e-mail, cet e-mail.
    "une e-mail",
    "cette e-mail",
    "la e-mail",
];

/// Words that stand for an e-mail in other styles; French says « e-mail ».
const OTHER_WORDS: &[&str] = &[
    "courriel",
    "courriels",
    "mail",
    "mails",
    "email",
    "emails",
    "mél",
    "mel",
];

/// Stands for a placeable in the flattened text of a pattern.
const PLACEABLE: char = '\u{FFFC}';
const NO_BREAK_SPACE: char = '\u{A0}';
const NARROW_NO_BREAK_SPACE: char = '\u{202F}';

fn locales(lang: &str) -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("locales")
        .join(lang);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("locales folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ftl"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read .ftl");
            (p, text)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .ftl file in {}", dir.display());
    files
}

/// Every pattern of `lang` as text, each placeable replaced by `PLACEABLE`; the variants of a
/// selection are patterns of their own. Named `file: id` (`id.attribute` for attributes).
fn texts(lang: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, source) in locales(lang) {
        let file = path.file_name().unwrap_or_default().to_string_lossy();
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{file}: {errors:?}"));
        for entry in &resource.body {
            let (id, value, attributes) = match entry {
                ast::Entry::Message(m) => (m.id.name.to_string(), m.value.as_ref(), &m.attributes),
                ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(&t.value), &t.attributes),
                _ => continue,
            };
            let name = format!("{file}: {id}");
            if let Some(value) = value {
                flatten(&name, value, &mut out);
            }
            for attribute in attributes {
                flatten(
                    &format!("{name}.{}", attribute.id.name),
                    &attribute.value,
                    &mut out,
                );
            }
        }
    }
    out
}

fn flatten(name: &str, pattern: &ast::Pattern<&str>, out: &mut Vec<(String, String)>) {
    let mut text = String::new();
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => text.push_str(value),
            ast::PatternElement::Placeable { expression } => {
                text.push(PLACEABLE);
                if let ast::Expression::Select { variants, .. } = expression {
                    for variant in variants {
                        let key = match &variant.key {
                            ast::VariantKey::Identifier { name } => name.to_string(),
                            ast::VariantKey::NumberLiteral { value } => value.to_string(),
                        };
                        flatten(&format!("{name}[{key}]"), &variant.value, out);
                    }
                }
            }
        }
    }
    out.push((name.to_string(), text));
}

/// Where `text` names an e-mail address or an e-mail otherwise than « adresse e-mail » / « e-mail ».
fn terminology_faults(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut faults: Vec<String> = OTHER_TERMS
        .iter()
        .filter(|term| lower.contains(*term))
        .map(|term| format!("« {term} »"))
        .collect();
    for word in lower.split(|c: char| !(c.is_alphabetic() || c == '-')) {
        if OTHER_WORDS.contains(&word) {
            faults.push(format!("« {word} »"));
        }
    }
    faults
}

/// Where `text` breaks French typography: `:` must follow a no-break space, `;` `!` `?` a narrow
/// no-break space, and « » hold no-break spaces. Addresses (`https://…`) and times (`10:30`) are
/// left alone; a placeable counts as a word.
fn typography_faults(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut faults = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let in_address = {
            let start = chars[..i]
                .iter()
                .rposition(|c| c.is_whitespace())
                .map_or(0, |j| j + 1);
            let end = chars[i..]
                .iter()
                .position(|c| c.is_whitespace())
                .map_or(chars.len(), |j| i + j);
            chars[start..end].iter().collect::<String>().contains("://")
        };
        if in_address {
            continue;
        }
        let wanted = match c {
            ':' if before.is_some_and(|b| b.is_ascii_digit())
                && after.is_some_and(|a| a.is_ascii_digit()) =>
            {
                continue;
            }
            ':' | '»' => NO_BREAK_SPACE,
            ';' | '!' | '?' => NARROW_NO_BREAK_SPACE,
            '«' => {
                if after != Some(NO_BREAK_SPACE) {
                    faults.push(format!("« without a no-break space after it, at {i}"));
                }
                continue;
            }
            _ => continue,
        };
        if before != Some(wanted) {
            let found = match before {
                None => "nothing".to_string(),
                Some(PLACEABLE) => "a placeable".to_string(),
                Some(b) => format!("{b:?}"),
            };
            faults.push(format!(
                "{c} after {found} instead of U+{:04X}, at {i}",
                wanted as u32
            ));
        }
    }
    faults
}

#[test]
fn the_checks_catch_what_they_are_for_and_spare_addresses_times_and_placeables() {
    let p = PLACEABLE;
    for bad in [
        "Exporter en tableur (CSV) :",
        "Exporter en tableur (CSV):",
        "Merci !",
        "Vraiment?",
        "a ; b",
        "Signatures de « titre »",
        &format!("Confirmez votre signature{p}: {p}"),
        &format!("objectif {p}\u{202F}:"),
    ] {
        assert!(!typography_faults(bad).is_empty(), "{bad:?} passes");
    }
    for good in [
        "Exporter en tableur (CSV)\u{A0}:",
        "Merci\u{202F}!",
        "Adresse du lien (https://…)",
        "Ouvert de 10:30 à 12:00",
        "Saisissez une adresse commençant par https://, ou un chemin.",
        "a\u{202F}; b\u{202F}?",
        &format!("Signatures de «\u{A0}{p}\u{A0}»"),
        &format!("{p}\u{A0}: {p}"),
    ] {
        assert_eq!(typography_faults(good), Vec::<String>::new(), "{good:?}");
    }
    for bad in [
        "Adresse électronique",
        "ignorez ce courriel",
        "Partager par mail",
        "votre email",
        "Une adresse mail valide",
    ] {
        assert!(!terminology_faults(bad).is_empty(), "{bad:?} passes");
    }
    for good in ["Adresse e-mail", "l’e-mail de confirmation", "des e-mails"] {
        assert!(terminology_faults(good).is_empty(), "{good:?}");
    }
}

#[test]
fn french_names_the_email_address_and_the_email_one_way_only() {
    let texts = texts("fr");
    let faults: Vec<String> = texts
        .iter()
        .flat_map(|(name, text)| {
            terminology_faults(text)
                .into_iter()
                .map(move |f| format!("{name}: {f} in {text:?}"))
        })
        .collect();
    assert!(
        faults.is_empty(),
        "French says « {ADDRESS} » and « {MESSAGE} », nothing else:\n{}",
        faults.join("\n")
    );
    let field = texts
        .iter()
        .find(|(name, _)| name.ends_with(": field-email"))
        .map(|(_, text)| text.to_lowercase());
    assert_eq!(field.as_deref(), Some(ADDRESS), "the sign form's field");
    assert!(
        texts
            .iter()
            .any(|(_, t)| t.contains(&format!("un {MESSAGE}"))
                || t.contains(&format!("cet {MESSAGE}"))),
        "the message is named « {MESSAGE} »"
    );
}

#[test]
fn french_puts_its_no_break_spaces_before_double_punctuation_and_inside_guillemets() {
    let faults: Vec<String> = texts("fr")
        .iter()
        .flat_map(|(name, text)| {
            typography_faults(text)
                .into_iter()
                .map(move |f| format!("{name}: {f} in {text:?}"))
        })
        .collect();
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// The text a template shows of its own: what is left once its Tera tags, comments and HTML tags
/// are taken away, line by line.
fn own_text(template: &str) -> Vec<String> {
    let mut text = template.to_string();
    for (open, close, keep) in [
        ("{#", "#}", ""),
        ("{%", "%}", ""),
        // An output stands for a word, so punctuation glued to it shows.
        ("{{", "}}", "\u{FFFC}"),
        ("<", ">", ""),
    ] {
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find(open) {
            out.push_str(&rest[..start]);
            match rest[start..].find(close) {
                Some(end) => {
                    let skipped = &rest[start..start + end + close.len()];
                    // Keep the line breaks, so that lines still match the file.
                    out.push_str(keep);
                    out.extend(skipped.chars().filter(|c| *c == '\n'));
                    rest = &rest[start + end + close.len()..];
                }
                None => {
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        text = out;
    }
    text.lines()
        .map(|l| l.replace("&nbsp;", " ").replace("&amp;", "&"))
        .collect()
}

#[test]
fn templates_say_nothing_of_their_own_and_glue_no_punctuation_to_a_translation() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![root.clone()];
    let mut faults = Vec::new();
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("templates folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if !path.to_string_lossy().ends_with(".tera") {
                continue;
            }
            seen += 1;
            let source = std::fs::read_to_string(&path).expect("read template");
            for (n, line) in own_text(&source).iter().enumerate() {
                let words = line.chars().any(char::is_alphabetic);
                let glued = line.contains([':', ';', '!', '?', '«', '»']);
                if words || glued {
                    faults.push(format!(
                        "{}:{}: {:?}",
                        path.strip_prefix(&root).unwrap_or(&path).display(),
                        n + 1,
                        line.trim().replace(PLACEABLE, "{{…}}")
                    ));
                }
            }
        }
    }
    assert!(seen > 10, "templates found: {seen}");
    assert!(
        faults.is_empty(),
        "words and punctuation belong in the .ftl files, where each language writes them its own way:\n{}",
        faults.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Rendered pages.

/// Ana's organization "Park Friends" and its petition `title` (published or a draft); Ana is
/// logged in and may do everything with it.
async fn campaign(app: &TestApp, title: &str, published: bool) -> Located {
    register(app, "ana").await;
    let slug = create_org(app, "Park Friends").await;
    let org = organization::find_by_slug(&app.db, &slug)
        .await
        .expect("query")
        .expect("organization");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: title.into(),
            body_html: "<p>Keep the park green.</p>".into(),
            published,
            ..Default::default()
        },
    )
    .await
    .expect("create petition")
}

/// `n` more unconfirmed signatures of petition `id`, numbered from `from`.
async fn unconfirmed(app: &TestApp, id: i32, from: usize, n: usize) {
    for i in from..from + n {
        let email = format!("signer{i}@example.org");
        app.stored_signature(
            id,
            ("Signer", &format!("Number{i}"), &email),
            "en-US",
            false,
        )
        .await;
    }
}

/// The label of the re-send-to-all button on the signatures page, in `lang`.
async fn resend_all_button(app: &TestApp, id: i32, lang: &str) -> String {
    let (status, page) = app
        .get_lang(&format!("/petitions/{id}/signatures"), lang)
        .await;
    assert_eq!(status, Status::Ok);
    let marker = "aria-describedby=\"resend-all-hint\">";
    let start = page
        .find(marker)
        .unwrap_or_else(|| panic!("a re-send-to-all button: {page}"))
        + marker.len();
    let end = start + page[start..].find("</button>").expect("end of the button");
    page[start..end].to_string()
}

#[rocket::async_test]
async fn the_resend_button_says_the_signer_both_signers_or_all_of_them() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = campaign(&app, "Save the park", true).await;
        let id = located.petition.id;

        unconfirmed(&app, id, 0, 1).await;
        assert_eq!(
            resend_all_button(&app, id, "en").await,
            "Re-send the confirmation e-mail to the unconfirmed signer",
            "{backend:?}"
        );
        assert_eq!(
            resend_all_button(&app, id, "fr").await,
            "Renvoyer l’e-mail de confirmation au signataire non confirmé",
            "{backend:?}"
        );

        unconfirmed(&app, id, 1, 1).await;
        let english = resend_all_button(&app, id, "en").await;
        assert_eq!(
            english, "Re-send the confirmation e-mail to both unconfirmed signers",
            "{backend:?}"
        );
        assert!(!english.contains("all 2"), "{backend:?}: {english}");
        let french = resend_all_button(&app, id, "fr").await;
        assert_eq!(
            french, "Renvoyer l’e-mail de confirmation aux deux signataires non confirmés",
            "{backend:?}"
        );

        unconfirmed(&app, id, 2, 10).await;
        assert_eq!(
            resend_all_button(&app, id, "en").await,
            "Re-send the confirmation e-mail to all 12 unconfirmed signers",
            "{backend:?}"
        );
        assert_eq!(
            resend_all_button(&app, id, "fr").await,
            "Renvoyer l’e-mail de confirmation aux 12 signataires non confirmés",
            "{backend:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn two_signatures_held_from_one_source_are_released_or_discarded_as_both() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = campaign(&app, "Save the park", true).await;
        let id = located.petition.id;
        unconfirmed(&app, id, 0, 2).await;
        for row in signature::Entity::find()
            .all(&app.db)
            .await
            .expect("signatures")
        {
            let mut row = row.into_active_model();
            row.held_at = Set(Some(signons::domain::now()));
            row.held_source = Set(Some("a1b2c3d4".into()));
            row.update(&app.db).await.expect("hold");
        }
        for (lang, release, discard, labels) in [
            (
                "en",
                "Release both",
                "Discard both",
                [
                    "Source (anonymized connection):",
                    "Held back:",
                    "When (UTC):",
                ],
            ),
            (
                "fr",
                "Libérer les deux",
                "Écarter les deux",
                [
                    "Source (connexion anonymisée)\u{A0}:",
                    "Retenues\u{A0}:",
                    "Quand (UTC)\u{A0}:",
                ],
            ),
        ] {
            let (status, page) = app
                .get_lang(&format!("/petitions/{id}/signatures"), lang)
                .await;
            assert_eq!(status, Status::Ok);
            assert!(
                page.contains(&format!("{release}<span")),
                "{backend:?} {lang}: {page}"
            );
            assert!(
                page.contains(&format!("{discard}<span")),
                "{backend:?} {lang}"
            );
            assert!(!page.contains(" 2<span"), "{backend:?} {lang}: no “all 2”");
            for label in labels {
                assert!(page.contains(label), "{backend:?} {lang}: {label}");
            }
        }
        app.finish().await;
    }
}

/// Every `<label>` of `page`, its tags taken away and its spaces folded.
fn labels(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<label") {
        let Some(end) = rest[start..].find("</label>") else {
            break;
        };
        let inner = &rest[start..start + end];
        let inner = &inner[inner.find('>').map_or(0, |i| i + 1)..];
        let mut text = String::new();
        let mut in_tag = false;
        for c in inner.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.push(c),
                _ => {}
            }
        }
        out.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        rest = &rest[start + end + "</label>".len()..];
    }
    out
}

/// The text of the label `for` a field of `page`.
fn label_of(page: &str, field: &str) -> String {
    let start = page
        .find(&format!("<label for=\"{field}\""))
        .unwrap_or_else(|| panic!("a label for {field}"));
    labels(&page[start..]).remove(0)
}

/// Labels holding two parenthesized groups, such as "Goal (number of signatures) (optional)".
fn doubly_parenthesized(page: &str) -> Vec<String> {
    labels(page)
        .into_iter()
        .filter(|l| l.matches('(').count() > 1)
        .collect()
}

#[rocket::async_test]
async fn the_editor_and_the_wizard_label_the_goal_with_one_parenthesis_at_most() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let published = campaign(&app, "Save the park", true).await;
        let draft = {
            let org = organization::find_by_slug(&app.db, "park-friends")
                .await
                .expect("query")
                .expect("organization");
            petition::create(
                &app.db,
                &Owner::Organization(org),
                NewPetition {
                    title: "Plant trees".into(),
                    body_html: "<p>Many.</p>".into(),
                    ..Default::default()
                },
            )
            .await
            .expect("draft")
        };
        for (lang, goal, hint) in [
            (
                "en",
                "Goal (optional)",
                "The number of signatures you aim for.",
            ),
            (
                "fr",
                "Objectif (facultatif)",
                "Le nombre de signatures visé.",
            ),
        ] {
            for path in [
                format!("/petitions/{}/edit", published.petition.id),
                format!("/petitions/{}/wizard/options", draft.petition.id),
            ] {
                let (status, page) = app.get_lang(&path, lang).await;
                assert_eq!(status, Status::Ok, "{backend:?} {lang} {path}");
                assert_eq!(
                    doubly_parenthesized(&page),
                    Vec::<String>::new(),
                    "{backend:?} {lang} {path}"
                );
                assert_eq!(label_of(&page, "goal"), goal, "{backend:?} {lang} {path}");
                // The hint moved out of the label is tied to the field.
                assert!(
                    page.contains(&format!("<p class=\"notice\" id=\"goal-hint\">{hint}</p>")),
                    "{backend:?} {lang} {path}: {page}"
                );
                assert!(
                    page.contains(
                        "name=\"goal\" type=\"number\" value=\"\" aria-describedby=\"goal-hint\""
                    ),
                    "{backend:?} {lang} {path}"
                );
            }
        }
        app.finish().await;
    }
}

/// Asks `fields` (a JSON object of rules) of the signers of `id`.
async fn ask(app: &TestApp, id: i32, fields: &str) {
    let mut row = petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("petition")
        .into_active_model();
    row.signature_fields = Set(fields.into());
    row.update(&app.db).await.expect("ask fields");
}

#[rocket::async_test]
async fn the_sign_form_marks_the_comment_optional_or_required_like_every_other_field() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let optional = campaign(&app, "Save the park", true).await;
        ask(
            &app,
            optional.petition.id,
            r#"{"phone":"optional","comment":"optional"}"#,
        )
        .await;
        let required = {
            let org = organization::find_by_slug(&app.db, "park-friends")
                .await
                .expect("query")
                .expect("organization");
            petition::create(
                &app.db,
                &Owner::Organization(org),
                NewPetition {
                    title: "Plant trees".into(),
                    body_html: "<p>Many.</p>".into(),
                    published: true,
                    ..Default::default()
                },
            )
            .await
            .expect("petition")
        };
        ask(&app, required.petition.id, r#"{"comment":"required"}"#).await;
        for (lang, phone, comment, required_comment) in [
            (
                "en",
                "Phone (optional)",
                "Comment (optional)",
                "Comment (required)",
            ),
            (
                "fr",
                "Téléphone (facultatif)",
                "Commentaire (facultatif)",
                "Commentaire (obligatoire)",
            ),
        ] {
            let (status, page) = app.get_lang(&optional.path(), lang).await;
            assert_eq!(status, Status::Ok);
            assert_eq!(label_of(&page, "phone"), phone, "{backend:?} {lang}");
            assert_eq!(label_of(&page, "comment"), comment, "{backend:?} {lang}");
            // Marked the same way: the same element and class as the other optional fields.
            let mark = |field: &str| {
                let start = page
                    .find(&format!("<label for=\"{field}\""))
                    .expect("label");
                let end = start + page[start..].find("</label>").expect("end");
                let label = &page[start..end];
                label[label.find("<span").expect("a mark")..].to_string()
            };
            assert_eq!(mark("comment"), mark("phone"), "{backend:?} {lang}");
            assert_eq!(doubly_parenthesized(&page), Vec::<String>::new());

            let (_, page) = app.get_lang(&required.path(), lang).await;
            assert_eq!(
                label_of(&page, "comment"),
                required_comment,
                "{backend:?} {lang}"
            );
            assert!(
                page.contains("name=\"comment\" rows=\"3\" required"),
                "{backend:?}"
            );
        }
        app.finish().await;
    }
}
