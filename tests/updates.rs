//! Updates to signers (issue 12 point 1, F6.5), with a real SMTP server: an update reaches exactly
//! the confirmed signers who asked to be kept informed, in their language, with the one-click
//! unsubscription of RFC 8058; pressing "send" again sends nothing; an unsubscribed signer is
//! skipped by every later update; a sending killed half-way (SIGKILL) resumes on restart, with two
//! instances, and mails each signer exactly once in all. Every test runs on SQLite and PostgreSQL.
mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::app::{TestApp, TestDb, backends, local};
use common::people::{create_org, log_out, post, register};
use common::process::{Serve, free_port};
use common::smtp::SmtpServer;
use rocket::http::{ContentType, Status};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};
use signons::domain::outreach::updates::{self, UpdateInput};
use signons::domain::people::{account, organization};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::token;
use signons::entity::{petition_update, signature, update_recipient};

/// A published petition of an organization `root` (the administrator) runs.
async fn campaign(app: &TestApp) -> Located {
    register(app, "root").await;
    let slug = create_org(app, "Friends of the Park").await;
    let org = organization::find_by_slug(&app.db, &slug)
        .await
        .expect("query")
        .expect("organization");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: "Keep the park green".into(),
            body_html: "<p>Keep it.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition")
}

/// A signer of `petition_id`, confirmed or not, kept informed or not, who signed in `locale`.
async fn signer(
    db: &DatabaseConnection,
    petition_id: i32,
    email: &str,
    confirmed: bool,
    newsletter: bool,
    locale: &str,
) -> i32 {
    let now = signons::domain::now();
    signature::ActiveModel {
        petition_id: Set(petition_id),
        first_name: Set(email.split('@').next().unwrap_or_default().into()),
        last_name: Set("Signer".into()),
        email: Set(email.into()),
        newsletter: Set(newsletter),
        locale: Set(Some(locale.into())),
        confirmation_token_hash: Set(token::hash(&token::generate())),
        confirmed_at: Set(confirmed.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("signature")
    .id
}

/// Writes an update through the form (as the logged-in member) and answers its id.
async fn write_update(app: &TestApp, petition_id: i32, subject: &str, private: bool) -> i32 {
    let path = format!("/petitions/{petition_id}/updates");
    let csrf = app.csrf(&path).await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("subject", subject),
        (
            "body",
            "We handed the petition to the mayor. **Thank you!**",
        ),
        ("action", "save"),
    ];
    if private {
        fields.push(("private", "true"));
    }
    let response = app.post_form(&path, &fields).await;
    assert_eq!(response.status(), Status::SeeOther);
    let location = response
        .headers()
        .get_one("Location")
        .expect("a redirect")
        .to_string();
    location
        .trim_start_matches(&format!("{path}/"))
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("the update's id")
}

/// Waits (bounded) until `done` holds of the messages the server received.
async fn wait_until(smtp: &SmtpServer, timeout: Duration, done: impl Fn(usize) -> bool) {
    let deadline = Instant::now() + timeout;
    while !done(smtp.messages().len()) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How many mails each address received.
fn received(smtp: &SmtpServer) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for mail in smtp.messages() {
        for to in &mail.to {
            *counts.entry(to.clone()).or_default() += 1;
        }
    }
    counts
}

#[rocket::async_test]
async fn an_update_reaches_exactly_the_signers_who_asked_and_never_twice() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = campaign(&app).await;
        let id = located.petition.id;
        let ann = signer(&app.db, id, "ann@example.org", true, true, "fr").await;
        signer(&app.db, id, "bob@example.org", true, true, "en-US").await;
        signer(&app.db, id, "cat@example.org", true, false, "en-US").await;
        signer(&app.db, id, "dan@example.org", false, true, "en-US").await;
        let eve = signer(&app.db, id, "eve@example.org", true, true, "en-US").await;

        let (status, page) = app
            .get_lang(&format!("/petitions/{id}/updates"), "en")
            .await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("3 confirmed signers asked to be kept informed"),
            "{page}"
        );

        // A preview changes nothing and needs no JavaScript.
        let csrf = app.csrf(&format!("/petitions/{id}/updates")).await;
        let response = app
            .post_form(
                &format!("/petitions/{id}/updates"),
                &[
                    ("csrf", &csrf),
                    ("subject", "Handed over"),
                    ("body", "We did it. **Thank you!**"),
                    ("action", "preview"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::Ok);
        let preview = response.into_string().await.unwrap_or_default();
        assert!(preview.contains("<strong>Thank you!</strong>"), "{preview}");
        assert_eq!(
            petition_update::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );

        let update = write_update(&app, id, "Handed over to the mayor", false).await;
        let base = format!("/petitions/{id}/updates/{update}");
        assert_eq!(
            post(&app, &format!("{base}/test"), &[]).await,
            Status::SeeOther
        );
        let before = smtp.messages().len();
        wait_until(&smtp, Duration::from_secs(10), |n| n > before).await;
        let tests: Vec<_> = smtp
            .messages_to("root@example.org")
            .into_iter()
            .filter(|m| m.subject().starts_with("[Test]"))
            .collect();
        assert_eq!(tests.len(), 1, "the test reaches its writer");
        assert!(tests[0].text().contains("This is a test"));
        let before = smtp.messages().len();

        let (_, confirm) = app.get_lang(&format!("{base}/send"), "en").await;
        assert!(confirm.contains("the 3 confirmed signers"), "{confirm}");
        assert_eq!(
            post(&app, &format!("{base}/send"), &[]).await,
            Status::SeeOther
        );
        wait_until(&smtp, Duration::from_secs(15), |n| n >= before + 3).await;
        // Pressing again, and the fan-out's next rounds, send nothing more.
        assert_eq!(
            post(&app, &format!("{base}/send"), &[]).await,
            Status::SeeOther
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
        let counts = received(&smtp);
        for (address, expected) in [
            ("ann@example.org", 1),
            ("bob@example.org", 1),
            ("eve@example.org", 1),
            ("cat@example.org", 0),
            ("dan@example.org", 0),
        ] {
            assert_eq!(
                counts.get(address).copied().unwrap_or(0),
                expected,
                "{backend:?}: {address}: {counts:?}"
            );
        }

        let ann_mail = smtp.messages_to("ann@example.org").remove(0);
        assert_eq!(ann_mail.subject(), "Handed over to the mayor");
        assert!(
            ann_mail.text().contains("Vous avez signé"),
            "the frame in the signer's language: {}",
            ann_mail.text()
        );
        assert!(
            ann_mail
                .html()
                .unwrap_or_default()
                .contains("<strong>Thank you!</strong>")
        );
        let unsubscribe = ann_mail
            .header("List-Unsubscribe")
            .expect("a List-Unsubscribe header");
        assert_eq!(
            ann_mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        let link = local(unsubscribe.trim_matches(|c| c == '<' || c == '>'));
        assert!(link.starts_with(&format!("/unsubscribe/{ann}/")), "{link}");

        // The petition page shows it as news.
        log_out(&app).await;
        let (_, page) = app.get_lang(&located.path(), "en").await;
        assert!(page.contains("News") && page.contains("Handed over to the mayor"));
        assert!(
            page.contains(&format!("/petitions/{id}/news.atom")),
            "the page links its feed"
        );
        let (status, atom) = app
            .get_lang(&format!("/petitions/{id}/news.atom"), "en")
            .await;
        assert_eq!(status, Status::Ok);
        let doc = roxmltree::Document::parse(&atom).expect("well-formed XML");
        let entries: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("entry"))
            .collect();
        assert_eq!(entries.len(), 1, "{atom}");
        let child = |n: roxmltree::Node, name: &str| {
            n.children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
                .map(str::to_string)
        };
        assert_eq!(
            child(entries[0], "title").as_deref(),
            Some("Handed over to the mayor")
        );
        for required in ["id", "updated", "content"] {
            assert!(child(entries[0], required).is_some(), "entry {required}");
        }
        assert!(
            child(doc.root_element(), "id").is_some()
                && child(doc.root_element(), "updated").is_some()
        );

        // Opening the link changes nothing; a mail client's one-click POST, with no cookie and no
        // token, unsubscribes.
        let (status, page) = app.get_lang(&link, "fr").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Ne plus recevoir de nouvelles"), "{page}");
        let newsletter = |sid: i32| {
            let db = app.db.clone();
            async move {
                signature::Entity::find_by_id(sid)
                    .one(&db)
                    .await
                    .expect("query")
                    .expect("signature")
                    .newsletter
            }
        };
        assert!(newsletter(ann).await, "a GET changes nothing");
        let response = app
            .client
            .post(link.clone())
            .header(ContentType::Form)
            .body("List-Unsubscribe=One-Click")
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert!(!newsletter(ann).await, "one-click unsubscribed");
        // Eve presses the button of the page.
        let eve_header = smtp.messages_to("eve@example.org")[0]
            .header("List-Unsubscribe")
            .expect("header");
        let eve_link = local(eve_header.trim_matches(|c| c == '<' || c == '>'));
        let (_, page) = app.get(&eve_link).await;
        assert!(page.contains(&format!("action=\"{eve_link}\"")), "{page}");
        let response = app.client.post(eve_link.clone()).dispatch().await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert!(!newsletter(eve).await, "the button unsubscribed");
        let forged = format!("/unsubscribe/{}/{}", ann + 1, "0".repeat(32));
        assert_eq!(
            app.client.post(forged).dispatch().await.status(),
            Status::NotFound
        );

        // The next update skips them; a private one is not shown on the page.
        register(&app, "member").await;
        common::people::log_in(&app, "root").await;
        let second = write_update(&app, id, "A private word", true).await;
        assert_eq!(
            post(&app, &format!("/petitions/{id}/updates/{second}/send"), &[]).await,
            Status::SeeOther
        );
        let before = smtp.messages().len();
        wait_until(&smtp, Duration::from_secs(15), |n| n > before).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let counts = received(&smtp);
        assert_eq!(counts.get("bob@example.org"), Some(&2), "{counts:?}");
        assert_eq!(counts.get("ann@example.org"), Some(&1), "{counts:?}");
        assert_eq!(counts.get("eve@example.org"), Some(&1), "{counts:?}");
        log_out(&app).await;
        let (_, page) = app.get_lang(&located.path(), "en").await;
        assert!(
            !page.contains("A private word"),
            "a private update stays off the page"
        );
        let (_, atom) = app.get(&format!("/petitions/{id}/news.atom")).await;
        assert!(!atom.contains("A private word"), "and off the feed");

        // Someone without the right gets a 404, and a sent update is no longer edited.
        common::people::log_in(&app, "member").await;
        let (status, _) = app.get(&format!("/petitions/{id}/updates")).await;
        assert_eq!(status, Status::NotFound);
        common::people::log_in(&app, "root").await;
        let csrf = app.csrf(&base).await;
        let response = app
            .post_form(
                &base,
                &[
                    ("csrf", &csrf),
                    ("subject", "Changed after sending"),
                    ("body", "No."),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::Conflict);
        drop(response);
        app.finish().await;
    }
}

/// Settings for a database the test fills itself before any instance runs on it.
fn settings(url: &str, dir: &std::path::Path) -> signons::config::Settings {
    signons::config::Settings {
        database_url: Some(url.to_string()),
        data_dir: dir.join("data"),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sending_killed_half_way_resumes_and_mails_each_signer_exactly_once() {
    const SIGNERS: usize = 1000;
    for backend in backends() {
        let dir = tempfile::tempdir().expect("temp dir");
        let test_db = TestDb::new(backend, dir.path()).await;
        let db = signons::open_database(&settings(&test_db.url, dir.path()))
            .await
            .expect("database");
        let root = account::create(&db, "root", "root@example.org", "a long enough password")
            .await
            .expect("account");
        let org = organization::create(&db, "Friends of the Park", &root)
            .await
            .expect("organization");
        let located = petition::create(
            &db,
            &Owner::Organization(org),
            NewPetition {
                title: "Keep the park green".into(),
                body_html: "<p>Keep it.</p>".into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        let now = signons::domain::now();
        let rows: Vec<signature::ActiveModel> = (0..SIGNERS)
            .map(|i| signature::ActiveModel {
                petition_id: Set(located.petition.id),
                first_name: Set(format!("Signer{i}")),
                last_name: Set("Many".into()),
                email: Set(format!("signer{i}@example.org")),
                newsletter: Set(true),
                locale: Set(Some("en-US".into())),
                confirmation_token_hash: Set(token::hash(&token::generate())),
                confirmed_at: Set(Some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(200) {
            signature::Entity::insert_many(chunk.to_vec())
                .exec(&db)
                .await
                .expect("signatures");
        }
        let update = updates::create(
            &db,
            &located,
            &root,
            &UpdateInput {
                subject: "Handed over".into(),
                body: "Thank you all.".into(),
                private: false,
            },
        )
        .await
        .expect("update");
        assert!(updates::start_sending(&db, &update).await.expect("send"));

        // The first instance queues in batches of 10 while no SMTP server answers; it is killed
        // once some batches are queued and others are not.
        let batch = [("ROCKET_UPDATES_BATCH_SIZE", "10")];
        let dead_smtp = format!("smtp://127.0.0.1:{}", free_port());
        let mut first =
            Serve::start_with(dir.path(), &test_db.url, &dead_smtp, "first.log", &batch);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut killed_half_way = false;
        loop {
            first.assert_running();
            let row = petition_update::Entity::find_by_id(update.id)
                .one(&db)
                .await
                .expect("query")
                .expect("update");
            if row.cursor > 0 && row.sent_at.is_none() {
                first.kill();
                killed_half_way = true;
                break;
            }
            if row.sent_at.is_some() || Instant::now() > deadline {
                first.kill();
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let at_kill = petition_update::Entity::find_by_id(update.id)
            .one(&db)
            .await
            .expect("query")
            .expect("update");
        assert!(
            killed_half_way,
            "{backend:?}: the sending was caught half-way ({} queued)",
            at_kill.recipients
        );
        eprintln!(
            "{backend:?}: killed with {} of {SIGNERS} recipients queued",
            at_kill.recipients
        );

        // Two instances start on the database, the SMTP server is up: every signer gets it once.
        let smtp = SmtpServer::start();
        let second = Serve::start_with(dir.path(), &test_db.url, &smtp.url(), "second.log", &batch);
        let third = Serve::start_with(dir.path(), &test_db.url, &smtp.url(), "third.log", &batch);
        wait_until(&smtp, Duration::from_secs(90), |n| n >= SIGNERS).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop((second, third));
        let counts = received(&smtp);
        assert_eq!(counts.len(), SIGNERS, "{backend:?}: every signer got it");
        let twice: Vec<_> = counts.iter().filter(|(_, n)| **n != 1).collect();
        assert!(
            twice.is_empty(),
            "{backend:?}: mailed more than once: {twice:?}"
        );
        assert_eq!(
            update_recipient::Entity::find()
                .filter(update_recipient::Column::UpdateId.eq(update.id))
                .count(&db)
                .await
                .expect("count"),
            SIGNERS as u64
        );
        let done = petition_update::Entity::find_by_id(update.id)
            .one(&db)
            .await
            .expect("query")
            .expect("update");
        assert!(done.sent_at.is_some());
        assert_eq!(done.recipients, SIGNERS as i32);
        db.close().await.ok();
        test_db.drop_database().await;
    }
}
