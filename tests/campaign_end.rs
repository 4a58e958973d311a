//! Ending a campaign (issue 12 point 7, F9.3): its organizers mark a petition successful or closed;
//! signing stops at once, the page and the JSON document say how it ended, the dashboard shows it,
//! and the member goes on to a final update already begun in their language, which reaches the
//! signers who asked for news (real SMTP server). The anonymization delay counts from the end;
//! reopening works until the signers were anonymized; only those who may modify the petition may
//! end it, and only those who may send updates are offered the final update. Every test runs on
//! SQLite and PostgreSQL.
mod common;

use std::time::{Duration, Instant};

use common::app::{TestApp, backends};
use common::people::{create_org, join, log_in, log_out, post, register};
use common::smtp::SmtpServer;
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::signing::anonymization;
use signons::entity::{petition as petition_entity, signature};

/// A published petition of a new organization of `root`, with a closing date `days_left` ahead.
async fn campaign(app: &TestApp, days_left: i64) -> (Located, String) {
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
    let mut p = located.petition.clone().into_active_model();
    p.deadline = Set(Some(
        signons::domain::now() + time::Duration::days(days_left),
    ));
    p.update(&app.db).await.expect("closing date");
    (located, slug)
}

/// A confirmed signer, kept informed or not.
async fn signer(app: &TestApp, id: i32, name: &str, newsletter: bool) {
    let (sid, _) = app
        .stored_signature(
            id,
            (
                name,
                "Martin",
                &format!("{}@example.org", name.to_lowercase()),
            ),
            "en-US",
            true,
        )
        .await;
    let mut row = signature::Entity::find_by_id(sid)
        .one(&app.db)
        .await
        .expect("query")
        .expect("signature")
        .into_active_model();
    row.newsletter = Set(newsletter);
    row.update(&app.db).await.expect("newsletter");
}

async fn stored(app: &TestApp, id: i32) -> petition_entity::Model {
    petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("petition")
}

async fn signatures(app: &TestApp, id: i32) -> usize {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(id))
        .all(&app.db)
        .await
        .expect("signatures")
        .len()
}

/// The `Location` of a form posted with the visitor's own token.
async fn post_to(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (Status, String) {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = app.post_form(path, &all).await;
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string();
    (response.status(), location)
}

#[rocket::async_test]
async fn a_successful_campaign_stops_signing_says_so_and_its_final_update_reaches_the_signers() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let (located, _) = campaign(&app, 20).await;
        let id = located.petition.id;
        signer(&app, id, "Ann", true).await;
        signer(&app, id, "Bob", true).await;
        signer(&app, id, "Cat", false).await;

        let (status, page) = app.get_lang(&format!("/petitions/{id}/end"), "en").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("Its 3 signatures stay counted"), "{page}");
        assert!(
            page.contains("Then write a final update to the 2 signers who asked for news"),
            "{page}"
        );

        // No choice: a clear, translated refusal, and nothing changes.
        let csrf = app.csrf("/").await;
        let response = app
            .post_form_lang(&format!("/petitions/{id}/end"), &[("csrf", &csrf)], "fr")
            .await;
        assert_eq!(response.status(), Status::Conflict);
        let refusal = response.into_string().await.unwrap_or_default();
        assert!(
            refusal.contains("Choisissez comment la campagne s’est terminée"),
            "{refusal}"
        );
        assert_eq!(stored(&app, id).await.outcome, None);

        let (status, location) = post_to(
            &app,
            &format!("/petitions/{id}/end"),
            &[("outcome", "successful"), ("final_update", "true")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(
            location,
            format!("/petitions/{id}/updates?ending=successful#new-update")
        );
        let ended = stored(&app, id).await;
        assert_eq!(ended.outcome.as_deref(), Some("successful"));
        let closed_at = ended.deadline.expect("a closing date");
        assert!(
            (signons::domain::now() - closed_at).whole_seconds().abs() < 60,
            "it closes now, not on its former date"
        );

        // The final update is begun in the member's language, to edit.
        let (_, form) = app
            .get_lang(&format!("/petitions/{id}/updates?ending=successful"), "en")
            .await;
        assert!(form.contains("We won: Keep the park green"), "{form}");

        // The public sees how it ended; signing is refused and stores nothing.
        log_out(&app).await;
        let (_, public) = app.get_lang(&located.path(), "en").await;
        assert!(
            public.contains("This petition succeeded. Thank you to the 3 people who signed it!"),
            "{public}"
        );
        let json = app.json(id).await;
        assert_eq!(json["outcome"], "successful");
        assert_eq!(json["closed"], true);
        let before = signatures(&app, id).await;
        let status = app
            .sign(&located, "Dan", "Late", "dan@example.org")
            .await
            .status();
        assert_eq!(status, Status::Conflict);
        assert_eq!(signatures(&app, id).await, before);

        // The final update reaches exactly the two who asked for news.
        log_in(&app, "root").await;
        let path = format!("/petitions/{id}/updates");
        let (status, location) = post_to(
            &app,
            &path,
            &[
                ("subject", "We won: Keep the park green"),
                ("body", "The council kept the park. **Thank you!**"),
                ("action", "save"),
            ],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let update = location.split('?').next().unwrap_or_default().to_string();
        assert_eq!(
            post(&app, &format!("{update}/send"), &[]).await,
            Status::SeeOther
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        while smtp.messages().len() < 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        // Besides the member's own account mail.
        let mut to: Vec<String> = smtp
            .messages()
            .iter()
            .flat_map(|m| m.to.clone())
            .filter(|to| to != "root@example.org")
            .collect();
        to.sort();
        assert_eq!(to, ["ann@example.org", "bob@example.org"], "{backend:?}");

        let (_, dashboard) = app.get_lang("/dashboard", "en").await;
        assert!(dashboard.contains("Successful"), "{dashboard}");
        assert!(dashboard.contains(&format!("/petitions/{id}/end")));

        // Reopened: signing works again and the page no longer says it ended.
        let (status, location) = post_to(&app, &format!("/petitions/{id}/reopen"), &[]).await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(location, format!("/petitions/{id}/end?done=reopened"));
        let reopened = stored(&app, id).await;
        assert_eq!((reopened.outcome, reopened.deadline), (None, None));
        log_out(&app).await;
        let (_, public) = app.get_lang(&located.path(), "en").await;
        assert!(!public.contains("This petition succeeded"), "{public}");
        let status = app
            .sign(&located, "Dan", "Late", "dan@example.org")
            .await
            .status();
        assert_eq!(status, Status::SeeOther);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_anonymization_delay_counts_from_the_end_and_only_those_who_may_end_a_campaign() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("anonymize_after_days", 30)
            .build()
            .await;
        let (located, slug) = campaign(&app, 60).await;
        let id = located.petition.id;
        signer(&app, id, "Ann", true).await;
        register(&app, "sam").await;
        register(&app, "eve").await;
        join(&app, &slug, "root", "sam").await;

        // Someone outside the organization sees nothing and changes nothing.
        log_in(&app, "eve").await;
        let (status, _) = app.get(&format!("/petitions/{id}/end")).await;
        assert_eq!(status, Status::NotFound);
        let (status, _) = post_to(
            &app,
            &format!("/petitions/{id}/end"),
            &[("outcome", "closed")],
        )
        .await;
        assert_eq!(status, Status::NotFound);
        assert_eq!(stored(&app, id).await.outcome, None);

        // A member who may modify petitions but not send updates ends it, with no final update.
        log_in(&app, "sam").await;
        let (status, page) = app.get_lang(&format!("/petitions/{id}/end"), "en").await;
        assert_eq!(status, Status::Ok);
        assert!(!page.contains("final_update"), "{page}");
        assert!(
            page.contains("erased 30 days after the end"),
            "the page says what ending means: {page}"
        );
        let (status, location) = post_to(
            &app,
            &format!("/petitions/{id}/end"),
            &[("outcome", "closed"), ("final_update", "true")],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(location, format!("/petitions/{id}/end?done=ended"));
        let ended = stored(&app, id).await;
        assert_eq!(ended.outcome.as_deref(), Some("closed"));
        let due = anonymization::due(&ended, 30).expect("a date");
        let expected = signons::domain::now() + time::Duration::days(30);
        assert!(
            (due - expected).whole_seconds().abs() < 60,
            "30 days from the end, not from the former closing date"
        );
        let (_, page) = app.get_lang(&format!("/petitions/{id}/end"), "en").await;
        assert!(
            page.contains(&format!(
                "will be erased on {}",
                signons::i18n::Lang::source().long_date(expected.date())
            )),
            "{page}"
        );
        log_out(&app).await;
        let (_, public) = app.get_lang(&located.path(), "fr").await;
        assert!(public.contains("Cette campagne est terminée."), "{public}");
        assert_eq!(
            anonymization::run_due(&app.db, 30).await.expect("job"),
            0,
            "not yet"
        );

        // A month later the signers are anonymized, and the campaign cannot start again.
        let mut p = ended.into_active_model();
        p.deadline = Set(Some(signons::domain::now() - time::Duration::days(31)));
        p.update(&app.db).await.expect("a month ago");
        assert_eq!(anonymization::run_due(&app.db, 30).await.expect("job"), 1);
        log_in(&app, "sam").await;
        let csrf = app.csrf("/").await;
        let response = app
            .post_form_lang(&format!("/petitions/{id}/reopen"), &[("csrf", &csrf)], "en")
            .await;
        assert_eq!(response.status(), Status::Conflict);
        let refusal = response.into_string().await.unwrap_or_default();
        assert!(refusal.contains("cannot be reopened"), "{refusal}");
        assert_eq!(
            stored(&app, id).await.outcome.as_deref(),
            Some("closed"),
            "still ended"
        );
        assert_eq!(app.signature_count(id).await, 1, "the count stays");
        app.finish().await;
    }
}
