//! Script injection: known payloads typed into a petition's title and text (through the editor) and
//! into every signature field never come back as executable markup — not in what is stored, not in
//! the public page, the signatures page or the JSON, and not in a real browser with JavaScript on.
mod common;

use std::time::Duration;

use common::app::{TestApp, TestServer, backends};
use common::people::{create_org, log_in, register};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use signons::domain::petitions::petition::{self, NewPetition, Owner};
use signons::entity::{petition as petition_entity, signature};

/// Classic payloads (OWASP's XSS filter evasion cheat sheet and friends).
const PAYLOADS: [&str; 34] = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<img src=\"x\" onerror=\"&#97;&#108;&#101;&#114;&#116;(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">click</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">click</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"display:none\">hidden</p>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<audio src=x onerror=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
];

/// Markup that would run: a script element, an event-handler attribute, a `javascript:` or `data:`
/// URL in an attribute, an iframe/object/embed, inline styles. Escaped text (`&lt;script`) is fine.
fn executable(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(start) = rest.find('<') {
        let tag_end = rest[start..].find('>').map_or(rest.len(), |e| start + e);
        let tag = &rest[start..tag_end];
        let name: String = tag[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if [
            "script", "iframe", "object", "embed", "base", "meta", "svg", "math",
        ]
        .contains(&name.as_str())
            && (name != "meta" || tag.contains("http-equiv"))
        {
            return Some(tag.to_string());
        }
        for (key, value) in attributes(&tag[1 + name.len()..]) {
            let runs = key.starts_with("on")
                || key == "style"
                || (["href", "src", "action", "data", "formaction"].contains(&key.as_str())
                    && (value.contains("javascript:") || value.contains("data:")));
            if runs {
                return Some(tag.to_string());
            }
        }
        rest = &rest[tag_end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1.min(rest.len())..];
    }
    None
}

/// The attributes of a tag's inside, with quoted values read whole.
fn attributes(inside: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = inside.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
            i += 1;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '=' {
            i += 1;
        }
        let key: String = chars[start..i].iter().collect();
        let mut value = String::new();
        if i < chars.len() && chars[i] == '=' {
            i += 1;
            if i < chars.len() && (chars[i] == '"' || chars[i] == '\'') {
                let quote = chars[i];
                i += 1;
                while i < chars.len() && chars[i] != quote {
                    value.push(chars[i]);
                    i += 1;
                }
                i += 1;
            } else {
                while i < chars.len() && !chars[i].is_whitespace() {
                    value.push(chars[i]);
                    i += 1;
                }
            }
        }
        if !key.is_empty() {
            out.push((key, value));
        }
    }
    out
}

#[test]
fn the_detector_catches_what_it_must() {
    assert!(executable("<input value=\"&lt;img src=x onerror=alert(1)&gt;\" required>").is_none());
    assert!(executable("<input value=\"x\" onfocus=\"alert(1)\">").is_some());
    assert!(executable("<p>x</p><script>alert(1)</script>").is_some());
    assert!(executable("<img src=x onerror=alert(1)>").is_some());
    assert!(executable("<a href=\"javascript:alert(1)\">").is_some());
    assert!(executable("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").is_none());
    assert!(executable("<a href=\"https://example.org\" rel=\"noopener\">x</a>").is_none());
}

async fn petition_id(app: &TestApp, slug: &str) -> i32 {
    let org = signons::domain::people::organization::find_by_slug(&app.db, slug)
        .await
        .expect("query")
        .expect("org");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: "Safe".into(),
            body_html: "<p>Text.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition")
    .petition
    .id
}

/// The parts of a page that come from what people typed (the site's own head and scripts-free
/// layout are not under test).
fn typed_part(page: &str) -> &str {
    let start = page.find("<main").unwrap_or(0);
    let end = page.rfind("</main>").unwrap_or(page.len());
    &page[start..end]
}

#[rocket::async_test]
async fn no_payload_survives_as_executable_markup_in_titles_texts_or_signatures() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        log_in(&app, "ana").await;
        let id = petition_id(&app, &slug).await;
        // Every signature field asked, so every one is stored and shown.
        let ask: Vec<(&str, &str)> = [
            "phone",
            "postal_code",
            "city",
            "country",
            "organization",
            "comment",
        ]
        .iter()
        .map(|f| (f, "optional"))
        .map(|(f, r)| {
            (
                match *f {
                    "phone" => "ask_phone",
                    "postal_code" => "ask_postal_code",
                    "city" => "ask_city",
                    "country" => "ask_country",
                    "organization" => "ask_organization",
                    _ => "ask_comment",
                },
                r,
            )
        })
        .collect();
        for (i, payload) in PAYLOADS.iter().enumerate() {
            let title = format!("T{i} {payload}");
            let text = format!("<p>Kept {i}</p>{payload}");
            let csrf = app.csrf("/").await;
            let mut form = vec![
                ("csrf", csrf.as_str()),
                ("title", title.as_str()),
                ("body_html", text.as_str()),
                ("theme", "default"),
            ];
            form.extend_from_slice(&ask);
            let response = app.post_form(&format!("/petitions/{id}/edit"), &form).await;
            assert_eq!(
                response.status(),
                Status::SeeOther,
                "{backend:?}: {payload}"
            );
            drop(response);
            let row = petition_entity::Entity::find_by_id(id)
                .one(&app.db)
                .await
                .expect("query")
                .expect("row");
            assert_eq!(
                executable(&row.body_html),
                None,
                "{backend:?}: stored text for {payload}: {}",
                row.body_html
            );
            assert!(
                row.body_html.contains(&format!("Kept {i}")),
                "{backend:?}: the rest is kept"
            );

            let located = signons::domain::petitions::petition::find(&app.db, id)
                .await
                .expect("query")
                .expect("petition");
            let email = format!("s{i}@example.org");
            // Phone and postal code are short fields: as much of the payload as fits. A payload
            // is no phone number: the form comes back with it, escaped; then it is signed with a
            // number, every other field holding the payload.
            let short: String = payload.chars().take(20).collect();
            let csrf = app.csrf(&located.path()).await;
            for phone in [short.as_str(), "06 05 04 03 02"] {
                let response = app
                    .post_form(
                        &format!("/petitions/{id}/sign"),
                        &[
                            ("csrf", csrf.as_str()),
                            ("first_name", payload),
                            ("last_name", payload),
                            ("email", &email),
                            ("phone", phone),
                            ("postal_code", &short),
                            ("city", payload),
                            ("country", payload),
                            ("organization", payload),
                            ("comment", payload),
                        ],
                    )
                    .await;
                let status = response.status();
                let page = response.into_string().await.unwrap_or_default();
                if phone == short {
                    assert_eq!(
                        status,
                        Status::UnprocessableEntity,
                        "{backend:?}: {payload} is no phone number"
                    );
                    // A refused form shows what was typed: escaped.
                    assert_eq!(
                        executable(typed_part(&page)),
                        None,
                        "{backend:?}: form page for {payload}"
                    );
                } else {
                    assert_eq!(
                        status,
                        Status::SeeOther,
                        "{backend:?}: {payload} is stored as typed"
                    );
                }
            }

            let (status, page) = app.get(&located.path()).await;
            assert_eq!(status, Status::Ok);
            assert_eq!(
                executable(typed_part(&page)),
                None,
                "{backend:?}: public page for {payload}"
            );
            let (_, page) = app.get(&format!("/petitions/{id}/signatures")).await;
            assert_eq!(
                executable(typed_part(&page)),
                None,
                "{backend:?}: signatures page for {payload}"
            );
            let (_, page) = app.get("/dashboard").await;
            assert_eq!(
                executable(typed_part(&page)),
                None,
                "{backend:?}: dashboard for {payload}"
            );
        }
        let stored = signature::Entity::find()
            .filter(signature::Column::PetitionId.eq(id))
            .order_by_asc(signature::Column::Id)
            .all(&app.db)
            .await
            .expect("query");
        assert_eq!(
            stored.len(),
            PAYLOADS.len(),
            "{backend:?}: every signature went in"
        );
        for (row, payload) in stored.iter().zip(PAYLOADS.iter()) {
            // Stored as typed (escaping is the pages' job), never executed.
            assert_eq!(&row.first_name, payload, "{backend:?}");
        }
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_browser_with_javascript_on_no_payload_opens_a_dialog() {
    let Some(browser) = common::browser::start(true).await else {
        return;
    };
    let backend = backends()[0];
    let server = TestServer::start(backend, None).await;
    let user = signons::domain::people::account::create(
        &server.db,
        "ana",
        "ana@example.org",
        "a long enough password",
    )
    .await
    .expect("user");
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let located = petition::create(
            &server.db,
            &Owner::User(user.clone()),
            NewPetition {
                title: format!("P{i} {payload}"),
                body_html: format!("<p>Body {i}</p>{payload}"),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        browser
            .goto(&format!("{}{}", server.url, located.path()))
            .await
            .expect("open");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let alert = browser.get_alert_text().await;
        assert!(alert.is_err(), "{payload}: a dialog opened: {alert:?}");
        let source = browser.source().await.expect("source");
        assert!(source.contains(&format!("Body {i}")), "{payload}");
    }
    server.stop().await;
    browser.close().await;
}
