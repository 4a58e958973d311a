//! The daily digest to a petition's organizers (issue 12 point 2), with a real SMTP server: turned
//! on from its dashboard page, it mails each chosen address once a day the number of signatures
//! confirmed since the last one and, when asked, their names (never the unconfirmed, never twice,
//! nothing on a day without new ones, no names once the signers are anonymized); naming them needs
//! the right to view the signatures; a bad address is explained per line in the visitor's language
//! with nothing lost; two instances on one database send each digest once. Every test runs on
//! SQLite and PostgreSQL.
mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::app::{TestApp, backends};
use common::people::{create_org, join, log_in, log_out, post, register};
use common::smtp::SmtpServer;
use rocket::http::Status;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, Set,
};
use signons::Site;
use signons::domain::outreach::digest;
use signons::domain::outreach::updates::Letterhead;
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::signing::history::Changes;
use signons::domain::token;
use signons::entity::{mail_queue, petition as petition_entity, petition_digest, signature};
use time::OffsetDateTime;

/// The hour the test apps send digests from (the default).
const HOUR: u8 = 6;

/// A test app whose own background round never comes during a test: the test runs the job.
async fn app(backend: common::app::Backend, smtp: &SmtpServer) -> TestApp {
    TestApp::builder(backend)
        .smtp(&smtp.url())
        .set("digest_check_secs", 3600)
        .build()
        .await
}

/// A published petition of the organization "Friends of the Park", which `root` created, asking
/// signers for their city. Answers the organization's slug and the petition.
async fn campaign(app: &TestApp) -> (String, Located) {
    register(app, "root").await;
    let slug = create_org(app, "Friends of the Park").await;
    let org = organization::find_by_slug(&app.db, &slug)
        .await
        .expect("query")
        .expect("organization");
    let located = petition::create(
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
    .expect("petition");
    let mut row = located.petition.clone().into_active_model();
    row.signature_fields = Set(r#"{"city":"optional"}"#.into());
    row.update(&app.db).await.expect("ask the city");
    (slug, located)
}

/// A signer of `petition_id`, confirmed at `confirmed` (or not confirmed).
async fn signer(
    db: &DatabaseConnection,
    petition_id: i32,
    name: (&str, &str),
    city: Option<&str>,
    confirmed: Option<OffsetDateTime>,
) -> i32 {
    let now = signons::domain::now();
    let id = signature::ActiveModel {
        petition_id: Set(petition_id),
        first_name: Set(name.0.into()),
        last_name: Set(name.1.into()),
        email: Set(format!("{}.{}@example.net", name.0, name.1).to_lowercase()),
        city: Set(city.map(str::to_string)),
        newsletter: Set(false),
        locale: Set(Some("en-US".into())),
        confirmation_token_hash: Set(token::hash(&token::generate())),
        confirmed_at: Set(confirmed),
        created_at: Set(confirmed.unwrap_or(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("signature")
    .id;
    // Counted as a confirmation counts it.
    if let Some(at) = confirmed {
        let mut changes = Changes::new();
        changes.confirmed(petition_id, at);
        changes.apply(db).await.expect("count it");
    }
    id
}

/// Posts the digest form of `id` as the logged-in visitor, in `lang`: the status and the page.
async fn save_digest(
    app: &TestApp,
    id: i32,
    enabled: bool,
    recipients: &str,
    names: bool,
    lang: &str,
) -> (Status, String) {
    let path = format!("/petitions/{id}/digest");
    let csrf = app.csrf("/").await;
    let mut fields = vec![("csrf", csrf.as_str()), ("recipients", recipients)];
    if enabled {
        fields.push(("enabled", "true"));
    }
    if names {
        fields.push(("include_names", "true"));
    }
    let response = app.post_form_lang(&path, &fields, lang).await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

/// Moves the digest's watermark of `id` back to `at`, as if it had last been sent then.
async fn last_sent(db: &DatabaseConnection, id: i32, at: OffsetDateTime) {
    petition_digest::Entity::update_many()
        .col_expr(petition_digest::Column::SentUntil, Expr::value(at))
        .filter(petition_digest::Column::PetitionId.eq(id))
        .exec(db)
        .await
        .expect("move the watermark");
}

fn letterhead(app: &TestApp) -> Letterhead {
    Letterhead::of(app.client.rocket().state::<Site>().expect("site"))
}

/// Runs the job as the background task does, at `now`: how many mails it queued.
async fn run_job(app: &TestApp, now: OffsetDateTime) -> u64 {
    digest::send_due(&app.db, &letterhead(app), now, HOUR)
        .await
        .expect("the digest job")
}

/// Lets the mails of the setup (registrations, invitations) go out, then forgets them.
async fn first_mails_gone(app: &TestApp, smtp: &SmtpServer) {
    assert!(app.wait_queue_empty(Duration::from_secs(15)).await);
    smtp.clear();
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
async fn the_digest_mails_each_address_the_days_confirmed_signers_once_and_nothing_on_a_quiet_day()
{
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app(backend, &smtp).await;
        let (_, located) = campaign(&app).await;
        let id = located.petition.id;

        // The dashboard links the page; the page has the form.
        let (_, dashboard) = app.get_lang("/dashboard", "en").await;
        assert!(
            dashboard.contains(&format!("/petitions/{id}/digest")),
            "{dashboard}"
        );
        let (status, page) = app.get_lang(&format!("/petitions/{id}/digest"), "en").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Send the daily digest"), "{page}");

        let (status, _) = save_digest(
            &app,
            id,
            true,
            "ann@example.org\r\n bob@example.org \r\n",
            true,
            "en",
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let saved = digest::of_petition(&app.db, id)
            .await
            .expect("query")
            .expect("saved");
        assert!(saved.enabled && saved.include_names);
        assert_eq!(saved.recipients, "ann@example.org\nbob@example.org");
        let (_, page) = app
            .get_lang(&format!("/petitions/{id}/digest?done=saved"), "en")
            .await;
        assert!(page.contains("The daily digest settings are saved."));

        let now = signons::domain::now();
        let yesterday = now - time::Duration::hours(20);
        last_sent(&app.db, id, now - time::Duration::days(2)).await;
        signer(&app.db, id, ("Ann", "Lee"), Some("Lyon"), Some(yesterday)).await;
        signer(&app.db, id, ("Bruno", "Diaz"), None, Some(yesterday)).await;
        signer(
            &app.db,
            id,
            ("Chloé", "Martin"),
            Some("Nantes"),
            Some(yesterday),
        )
        .await;
        signer(&app.db, id, ("Dan", "Unconfirmed"), Some("Paris"), None).await;
        // Only the digests from here on (registering mailed root).
        first_mails_gone(&app, &smtp).await;

        assert_eq!(run_job(&app, now).await, 2, "{backend:?}");
        let mails = smtp.wait_for(2, Duration::from_secs(15)).await;
        assert_eq!(mails.len(), 2, "{backend:?}");
        // The same day, and on any other instance, nothing more.
        assert_eq!(run_job(&app, now + time::Duration::minutes(30)).await, 0);
        // The next day, nothing new was confirmed: no mail.
        assert_eq!(run_job(&app, now + time::Duration::days(1)).await, 0);
        tokio::time::sleep(Duration::from_secs(2)).await;
        let counts = received(&smtp);
        assert_eq!(counts.get("ann@example.org"), Some(&1), "{counts:?}");
        assert_eq!(counts.get("bob@example.org"), Some(&1), "{counts:?}");
        assert_eq!(counts.len(), 2, "{counts:?}");

        let mail = smtp.messages_to("bob@example.org").remove(0);
        assert_eq!(
            mail.subject(),
            "“Keep the park green”: 3 new signatures since yesterday"
        );
        let text = mail.text();
        for wanted in [
            "3 new signatures were confirmed on “Keep the park green”",
            "It now has 3 signatures in all.",
            "- Ann Lee (Lyon)",
            "- Bruno Diaz\n",
            "- Chloé Martin (Nantes)",
            &format!("http://signons.test/petitions/{id}/signatures"),
            "You receive this digest because",
            &format!("http://signons.test/petitions/{id}/digest"),
        ] {
            assert!(text.contains(wanted), "{wanted:?} in {text}");
        }
        assert!(!text.contains("Dan"), "not the unconfirmed signer: {text}");
        let html = mail.html().unwrap_or_default();
        assert!(html.contains("<li>Chloé Martin (Nantes)</li>"), "{html}");

        // Once the signers are anonymized, the digest counts them and names no one.
        let mut row = petition_entity::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition")
            .into_active_model();
        row.anonymized_at = Set(Some(now));
        row.update(&app.db).await.expect("anonymized");
        signer(
            &app.db,
            id,
            ("Eve", "Late"),
            Some("Lille"),
            Some(now + time::Duration::hours(26)),
        )
        .await;
        assert_eq!(run_job(&app, now + time::Duration::days(2)).await, 2);
        smtp.wait_for(4, Duration::from_secs(15)).await;
        let later = smtp.messages_to("ann@example.org").remove(1);
        assert_eq!(
            later.subject(),
            "“Keep the park green”: one new signature since yesterday"
        );
        assert!(!later.text().contains("Eve"), "{}", later.text());
        app.finish().await;
    }
}

#[rocket::async_test]
async fn only_members_who_may_view_the_signatures_name_them_and_others_get_a_404() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app(backend, &smtp).await;
        let (slug, located) = campaign(&app).await;
        let id = located.petition.id;
        let path = format!("/petitions/{id}/digest");
        register(&app, "ben").await;
        register(&app, "olga").await;
        // Ben joins with the default rights: he may modify petitions, not view their signatures.
        join(&app, &slug, "root", "ben").await;

        let (status, page) = app.get_lang(&path, "en").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains("Only members who may view the signatures can change this."),
            "{page}"
        );
        assert!(
            page.contains(" disabled"),
            "the names' checkbox is disabled"
        );
        let (status, page) = save_digest(&app, id, true, "ben@example.org", true, "en").await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(
            page.contains(
                "Only members who may view the signatures can include the signers&#x27; names."
            ),
            "{page}"
        );
        assert!(page.contains(">ben@example.org</textarea>"), "kept: {page}");
        assert!(
            digest::of_petition(&app.db, id)
                .await
                .expect("query")
                .is_none(),
            "nothing saved"
        );
        // Without the names he may turn it on.
        let (status, _) = save_digest(&app, id, true, "ben@example.org", false, "en").await;
        assert_eq!(status, Status::SeeOther);
        // Root, who may view them, names them; Ben's next save to the same address (his checkbox
        // is disabled, so it sends nothing) leaves them named.
        log_in(&app, "root").await;
        let (status, _) = save_digest(&app, id, true, "ben@example.org", true, "en").await;
        assert_eq!(status, Status::SeeOther);
        log_in(&app, "ben").await;
        let (status, _) = save_digest(&app, id, true, "ben@example.org", false, "en").await;
        assert_eq!(status, Status::SeeOther);
        let kept = digest::of_petition(&app.db, id)
            .await
            .expect("query")
            .expect("saved");
        assert!(kept.include_names, "names left as root set them");
        // But the names never follow a new address he adds: changing who receives it turns
        // them off.
        let (status, _) = save_digest(
            &app,
            id,
            true,
            "ben@example.org\nroot@example.org",
            false,
            "en",
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let saved = digest::of_petition(&app.db, id)
            .await
            .expect("query")
            .expect("saved");
        assert!(!saved.include_names, "names off once the addresses changed");
        assert_eq!(saved.recipients, "ben@example.org\nroot@example.org");

        // A non-member and an anonymous visitor: 404, and nothing changes.
        for who in [Some("olga"), None] {
            match who {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            let (status, _) = app.get_lang(&path, "en").await;
            assert_eq!(status, Status::NotFound, "{who:?}");
            assert_eq!(
                post(
                    &app,
                    &path,
                    &[("enabled", "false"), ("recipients", "x@example.org")]
                )
                .await,
                Status::NotFound,
                "{who:?}"
            );
        }
        let after = digest::of_petition(&app.db, id)
            .await
            .expect("query")
            .expect("saved");
        assert_eq!(after, saved);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_bad_address_is_explained_per_line_in_the_visitors_language_and_nothing_typed_is_lost() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app(backend, &smtp).await;
        let (_, located) = campaign(&app).await;
        let id = located.petition.id;
        let typed = "ann@example.org\nnot-an-address\nbob@";
        for (lang, line2, line3) in [
            (
                "en",
                "Line 2: “not-an-address” is not an e-mail address.",
                "Line 3: “bob@” is not an e-mail address.",
            ),
            (
                "fr",
                "Ligne 2\u{a0}: «\u{a0}not-an-address\u{a0}» n’est pas une adresse e-mail.",
                "Ligne 3\u{a0}: «\u{a0}bob@\u{a0}» n’est pas une adresse e-mail.",
            ),
        ] {
            let (status, page) = save_digest(&app, id, true, typed, true, lang).await;
            assert_eq!(status, Status::UnprocessableEntity, "{backend:?} {lang}");
            assert!(page.contains(line2), "{lang}: {page}");
            assert!(page.contains(line3), "{lang}: {page}");
            assert!(page.contains(&format!(">{typed}</textarea>")), "{page}");
            assert!(page.contains("id=\"enabled\" name=\"enabled\" value=\"true\" checked"));
        }
        let many: String = (1..=11).map(|i| format!("p{i}@example.org\n")).collect();
        let (status, page) = save_digest(&app, id, true, &many, false, "en").await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("10 e-mail addresses at most."), "{page}");
        let (status, page) = save_digest(&app, id, true, " \n", false, "fr").await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(
            page.contains("Indiquez au moins une adresse e-mail"),
            "{page}"
        );
        assert!(
            digest::of_petition(&app.db, id)
                .await
                .expect("query")
                .is_none(),
            "nothing saved"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn two_instances_on_one_database_send_each_digest_once() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let first = app(backend, &smtp).await;
        let second = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("digest_check_secs", 3600)
            .shared_database(&first.test_db)
            .build()
            .await;
        let (_, located) = campaign(&first).await;
        let id = located.petition.id;
        // Set in French: the organization's digest is written in the language of who set it.
        let (status, _) = save_digest(
            &first,
            id,
            true,
            "ann@example.org\nbob@example.org",
            false,
            "fr",
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let now = signons::domain::now();
        last_sent(&first.db, id, now - time::Duration::days(1)).await;
        for n in 0..2 {
            let at = now - time::Duration::hours(3 + n);
            signer(&first.db, id, ("Signer", &format!("{n}")), None, Some(at)).await;
        }
        first_mails_gone(&first, &smtp).await;
        let mut queued = 0;
        for _ in 0..3 {
            let (a, b) = tokio::join!(run_job(&first, now), run_job(&second, now));
            queued += a + b;
        }
        assert_eq!(queued, 2, "{backend:?}");
        assert_eq!(
            mail_queue::Entity::find()
                .filter(mail_queue::Column::PetitionId.eq(id))
                .count(&first.db)
                .await
                .expect("count"),
            2,
            "{backend:?}: one mail per address in the queue"
        );
        smtp.wait_for(2, Duration::from_secs(15)).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let counts = received(&smtp);
        assert_eq!(counts.get("ann@example.org"), Some(&1), "{counts:?}");
        assert_eq!(counts.get("bob@example.org"), Some(&1), "{counts:?}");
        let mail = smtp.messages_to("ann@example.org").remove(0);
        assert_eq!(
            mail.subject(),
            "«\u{a0}Keep the park green\u{a0}»\u{a0}: 2 nouvelles signatures depuis hier"
        );
        assert!(!mail.text().contains("Signer 0"), "names are off");
        second.finish().await;
        first.finish().await;
    }
}

#[rocket::async_test]
async fn a_recipient_stops_the_digest_with_its_link_and_nothing_goes_out_for_a_hidden_or_handed_over_petition()
 {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app(backend, &smtp).await;
        let (slug, located) = campaign(&app).await;
        let id = located.petition.id;
        let (status, _) = save_digest(
            &app,
            id,
            true,
            "ann@example.org\nbob@example.org",
            false,
            "en",
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let now = signons::domain::now();
        last_sent(&app.db, id, now - time::Duration::days(2)).await;
        signer(
            &app.db,
            id,
            ("Ann", "Lee"),
            None,
            Some(now - time::Duration::hours(20)),
        )
        .await;
        first_mails_gone(&app, &smtp).await;
        assert_eq!(run_job(&app, now).await, 2, "{backend:?}");
        smtp.wait_for(2, Duration::from_secs(15)).await;

        // Bob's mail carries a signed link of his own, also as RFC 8058 headers.
        let mail = smtp.messages_to("bob@example.org").remove(0);
        let header = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
        let link = header
            .trim_matches(|c| c == '<' || c == '>')
            .trim_start_matches("http://signons.test")
            .to_string();
        assert!(
            link.contains(&format!("/petitions/{id}/digest/stop/")),
            "{link}"
        );
        assert!(mail.text().contains(&format!("http://signons.test{link}")));
        assert_eq!(
            mail.header("List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        // Opening it shows a button and changes nothing; a forged one is a 404.
        log_out(&app).await;
        let (status, page) = app.get_lang(&link, "en").await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Stop the digest"), "{page}");
        let forged = link.replace("?to=bob", "?to=ann");
        assert_eq!(app.get(&forged).await.0, Status::NotFound);
        // The mail client's one-click POST, with no cookie and no token, takes Bob off.
        let response = app
            .client
            .post(link.clone())
            .header(rocket::http::ContentType::Form)
            .body("List-Unsubscribe=One-Click")
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        let row = digest::of_petition(&app.db, id)
            .await
            .expect("query")
            .expect("digest");
        assert_eq!(row.recipients, "ann@example.org");
        let (_, page) = app.get_lang(&link, "en").await;
        assert!(
            page.contains("will receive no more daily digests"),
            "{page}"
        );

        // The next day only Ann gets it.
        smtp.clear();
        signer(
            &app.db,
            id,
            ("Bruno", "Diaz"),
            None,
            Some(now + time::Duration::hours(4)),
        )
        .await;
        assert_eq!(run_job(&app, now + time::Duration::days(1)).await, 1);
        smtp.wait_for(1, Duration::from_secs(15)).await;
        assert_eq!(
            received(&smtp).keys().collect::<Vec<_>>(),
            ["ann@example.org"]
        );

        // Unpublished, the petition's digest sends nothing (its day still goes by).
        smtp.clear();
        let mut row = petition_entity::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition")
            .into_active_model();
        row.published = Set(false);
        row.update(&app.db).await.expect("unpublished");
        signer(
            &app.db,
            id,
            ("Chloé", "Martin"),
            None,
            Some(now + time::Duration::hours(28)),
        )
        .await;
        assert_eq!(run_job(&app, now + time::Duration::days(2)).await, 0);

        // Handed over to another owner, the former owner's digest is gone.
        log_in(&app, "root").await;
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{id}/transfer"),
                &[("destination", "personal")]
            )
            .await,
            Status::SeeOther,
            "{slug}"
        );
        assert!(
            digest::of_petition(&app.db, id)
                .await
                .expect("query")
                .is_none(),
            "the digest went with the former owner"
        );
        app.finish().await;
    }
}
