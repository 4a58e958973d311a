//! When a campaign ends (issue 12 point 7, F9.3): a petition closed 31 days ago on a site that
//! anonymizes after 30 has no name, address or detail of its signers left once the hourly job has
//! run, while its count and its statistics are unchanged and the export is refused; one closed 29
//! days ago is untouched and its signatures page announces the date; a petition can keep its own
//! delay (0: never), and its organizers can erase the data by hand after a confirmation page. Every
//! test runs on SQLite and PostgreSQL.
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, post, register};
use rocket::http::Status;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::domain::signing::anonymization;
use signons::entity::{petition as petition_entity, signature};

/// A published petition of `org_slug`, closed `closed_days_ago` days ago (none: no closing date),
/// with three confirmed signers who gave a city and a comment, and one who never confirmed.
async fn campaign(
    app: &TestApp,
    org_slug: &str,
    title: &str,
    closed_days_ago: Option<i64>,
) -> Located {
    let org = organization::find_by_slug(&app.db, org_slug)
        .await
        .expect("query")
        .expect("organization");
    let located = petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: title.into(),
            body_html: "<p>Keep it.</p>".into(),
            published: true,
            ..Default::default()
        },
    )
    .await
    .expect("petition");
    let id = located.petition.id;
    for (i, name) in ["Ann", "Bob", "Cat"].iter().enumerate() {
        let email = format!("{}{id}@example.org", name.to_lowercase());
        let (sid, _) = app
            .stored_signature(id, (name, "Martin", &email), "en-US", true)
            .await;
        let mut row = signature::Entity::find_by_id(sid)
            .one(&app.db)
            .await
            .expect("query")
            .expect("signature")
            .into_active_model();
        row.city = Set(Some("Lyon".into()));
        row.comment = Set(Some(format!("Comment {i}")));
        row.newsletter = Set(true);
        row.update(&app.db).await.expect("details");
    }
    app.stored_signature(
        id,
        ("Dan", "Never", &format!("dan{id}@example.org")),
        "en-US",
        false,
    )
    .await;
    if let Some(days) = closed_days_ago {
        let mut p = located.petition.clone().into_active_model();
        p.deadline = Set(Some(signons::domain::now() - time::Duration::days(days)));
        p.update(&app.db).await.expect("closing date");
    }
    petition::find(&app.db, id)
        .await
        .expect("query")
        .expect("petition")
}

async fn signatures_of(app: &TestApp, id: i32) -> Vec<signature::Model> {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(id))
        .all(&app.db)
        .await
        .expect("signatures")
}

#[rocket::async_test]
async fn a_campaign_closed_long_enough_keeps_its_counts_and_loses_its_signers_details() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("anonymize_after_days", 30)
            .build()
            .await;
        register(&app, "root").await;
        let slug = create_org(&app, "Friends of the Park").await;
        let old = campaign(&app, &slug, "Closed a month ago", Some(31)).await;
        let recent = campaign(&app, &slug, "Closed four weeks ago", Some(29)).await;
        let (old_id, recent_id) = (old.petition.id, recent.petition.id);

        let (_, page) = app
            .get_lang(&format!("/petitions/{recent_id}/signatures"), "en")
            .await;
        // In words, as the page writes it: "30 December 2026".
        let due = signons::i18n::Lang::source()
            .long_date((signons::domain::now() + time::Duration::days(1)).date());
        assert!(
            page.contains(&format!(
                "will be erased on {due}, 30 days after the petition closes"
            )),
            "the date is announced beforehand: {page}"
        );
        let count_before = app.signature_count(old_id).await;
        let (_, history_before) = app.get(&format!("/api/petitions/{old_id}/history")).await;
        assert_eq!(count_before, 3);

        assert_eq!(
            anonymization::run_due(&app.db, 30).await.expect("the job"),
            1,
            "{backend:?}: one petition was due"
        );
        let rows = signatures_of(&app, old_id).await;
        assert_eq!(
            rows.len(),
            3,
            "confirmed rows stay, the unconfirmed one goes"
        );
        for row in &rows {
            assert!(
                row.first_name.is_empty()
                    && row.last_name.is_empty()
                    && !row.email.contains('@')
                    && row.email_key.is_none()
                    && row.city.is_none()
                    && row.comment.is_none()
                    && row.search_key.is_none()
                    && !row.newsletter
                    && row.confirmed_at.is_some(),
                "{backend:?}: nothing personal left: {row:?}"
            );
        }
        assert_eq!(
            app.signature_count(old_id).await,
            count_before,
            "the count stays"
        );
        let (_, history_after) = app.get(&format!("/api/petitions/{old_id}/history")).await;
        assert_eq!(history_after, history_before, "the statistics stay");
        let response = app
            .client
            .get(format!("/petitions/{old_id}/signatures.csv"))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Gone, "no export any more");
        drop(response);
        let (_, page) = app
            .get_lang(&format!("/petitions/{old_id}/signatures"), "fr")
            .await;
        assert!(page.contains("ont été effacées le"), "{page}");

        let untouched = signatures_of(&app, recent_id).await;
        assert_eq!(untouched.len(), 4);
        assert!(untouched.iter().all(|s| !s.email.is_empty()), "not due yet");
        assert_eq!(
            anonymization::run_due(&app.db, 30).await.expect("the job"),
            0,
            "done once"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn organizers_choose_the_delay_or_erase_by_hand_after_a_confirmation() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("anonymize_after_days", 30)
            .build()
            .await;
        register(&app, "root").await;
        let slug = create_org(&app, "Friends of the Park").await;
        let kept = campaign(&app, &slug, "Kept for good", Some(40)).await;
        let open = campaign(&app, &slug, "Still open", None).await;

        // This petition keeps its signers: 0 days, never.
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{}/anonymization", kept.petition.id),
                &[("days", "0")]
            )
            .await,
            Status::SeeOther
        );
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{}/anonymization", kept.petition.id),
                &[("days", "-4")]
            )
            .await,
            Status::Conflict,
            "a negative delay is refused"
        );
        assert_eq!(anonymization::run_due(&app.db, 30).await.expect("job"), 0);
        assert!(
            signatures_of(&app, kept.petition.id)
                .await
                .iter()
                .all(|s| !s.email.is_empty())
        );
        let stored = petition_entity::Entity::find_by_id(kept.petition.id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition");
        assert_eq!(stored.anonymize_after_days, Some(0));

        // By hand, on an open petition: a confirmation page first, which changes nothing.
        let id = open.petition.id;
        let (status, page) = app
            .get_lang(&format!("/petitions/{id}/anonymize"), "en")
            .await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("erased for good"), "{page}");
        assert!(
            signatures_of(&app, id)
                .await
                .iter()
                .all(|s| !s.email.is_empty())
        );
        assert_eq!(
            post(&app, &format!("/petitions/{id}/anonymize"), &[]).await,
            Status::SeeOther
        );
        let rows = signatures_of(&app, id).await;
        assert_eq!(rows.len(), 3);
        assert!(
            rows.iter()
                .all(|s| !s.email.contains('@') && s.first_name.is_empty())
        );
        assert_eq!(app.signature_count(id).await, 3);

        // Someone without the right to delete signatures gets a 404 and changes nothing.
        register(&app, "member").await;
        let other = campaign(&app, &slug, "Not theirs", None).await;
        assert_eq!(
            post(
                &app,
                &format!("/petitions/{}/anonymize", other.petition.id),
                &[]
            )
            .await,
            Status::NotFound
        );
        assert!(
            signatures_of(&app, other.petition.id)
                .await
                .iter()
                .all(|s| !s.email.is_empty())
        );
        app.finish().await;
    }
}
