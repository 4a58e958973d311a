//! Signer data is kept no longer than it serves (F9.3): an unconfirmed signature is deleted some
//! days after its last confirmation link went out, by every running instance, while confirmed
//! signatures and recent ones stay and no count moves. A report forgets who filed it after a day.
mod common;

use std::time::{Duration, Instant};

use common::app::{TestApp, backends, encode_form};
use rocket::http::{ContentType, Status};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use signons::domain::administration::reports;
use signons::domain::{signing::counter, signing::retention};
use signons::entity::{report, signature};

/// A signature of `petition_id` whose last link went out `days_ago` days ago, confirmed or not.
async fn signed(app: &TestApp, petition_id: i32, email: &str, days_ago: i64, confirmed: bool) {
    let (id, _) = app
        .stored_signature(petition_id, ("Sam", "Signer", email), "en-US", confirmed)
        .await;
    signature::Entity::update_many()
        .col_expr(
            signature::Column::UpdatedAt,
            Expr::value(signons::domain::now() - time::Duration::days(days_ago)),
        )
        .filter(signature::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .expect("backdate");
}

async fn addresses(app: &TestApp) -> Vec<String> {
    signature::Entity::find()
        .order_by_asc(signature::Column::Email)
        .all(&app.db)
        .await
        .expect("signatures")
        .into_iter()
        .map(|s| s.email)
        .collect()
}

#[rocket::async_test]
async fn unconfirmed_signatures_go_after_the_kept_days_and_nothing_else_does() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let id = app.petition("Save the park").await.petition.id;
        signed(&app, id, "old.unconfirmed@example.org", 31, false).await;
        signed(&app, id, "recent.unconfirmed@example.org", 29, false).await;
        signed(&app, id, "old.confirmed@example.org", 400, true).await;
        let purged = retention::purge_unconfirmed(&app.db, time::Duration::days(30))
            .await
            .expect("purge");
        assert_eq!(purged, 1, "{backend:?}");
        assert_eq!(
            addresses(&app).await,
            [
                "old.confirmed@example.org",
                "recent.unconfirmed@example.org"
            ],
            "{backend:?}"
        );
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 1);
        // Nothing more to do a second time.
        let again = retention::purge_unconfirmed(&app.db, time::Duration::days(30)).await;
        assert_eq!(again.expect("purge"), 0);

        // A running instance purges by itself, at start (here a second one on the same database,
        // keeping unconfirmed signatures for 20 days); one keeping them forever leaves them.
        let keeper = TestApp::builder(backend)
            .shared_database(&app.test_db)
            .set("unconfirmed_keep_days", 0)
            .build()
            .await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(addresses(&app).await.len(), 2, "{backend:?}: 0 keeps them");
        keeper.finish().await;
        let purger = TestApp::builder(backend)
            .shared_database(&app.test_db)
            .set("unconfirmed_keep_days", 20)
            .build()
            .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while addresses(&app).await.len() > 1 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            addresses(&app).await,
            ["old.confirmed@example.org"],
            "{backend:?}: purged by the instance at start"
        );
        assert_eq!(counter::confirmed(&app.db, id).await.expect("count"), 1);
        purger.finish().await;
        app.finish().await;
    }
}

/// Reports petition `id` through its form, from the client at `remote`.
async fn report_from(app: &TestApp, remote: &str, id: i32) {
    let csrf = app.csrf(&format!("/petitions/{id}/report")).await;
    let response = app
        .client
        .post(format!("/petitions/{id}/report"))
        .header(ContentType::Form)
        .remote(remote.parse().expect("address"))
        .body(encode_form(&[
            ("csrf", &csrf),
            ("reason", "spam"),
            ("comment", ""),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::SeeOther);
}

/// Whether each report, oldest first, still holds its reporter's key.
async fn keys_kept(app: &TestApp) -> Vec<bool> {
    report::Entity::find()
        .order_by_asc(report::Column::Id)
        .all(&app.db)
        .await
        .expect("reports")
        .into_iter()
        .map(|r| r.reporter_key.is_some())
        .collect()
}

#[rocket::async_test]
async fn a_report_forgets_who_filed_it_after_a_day_even_while_it_is_open() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let id = app.petition("Buy cheap pills").await.petition.id;
        report_from(&app, "192.0.2.1:4000", id).await;
        report_from(&app, "192.0.2.2:4000", id).await;
        // The first one was filed two days ago.
        let first = report::Entity::find()
            .order_by_asc(report::Column::Id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("report");
        report::Entity::update_many()
            .col_expr(
                report::Column::CreatedAt,
                Expr::value(signons::domain::now() - time::Duration::days(2)),
            )
            .filter(report::Column::Id.eq(first.id))
            .exec(&app.db)
            .await
            .expect("backdate");
        assert_eq!(keys_kept(&app).await, [true, true], "{backend:?}");

        // An instance erases the old key by itself, at start (here a second one on the database).
        let second = TestApp::builder(backend)
            .shared_database(&app.test_db)
            .build()
            .await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while keys_kept(&app).await[0] && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            keys_kept(&app).await,
            [false, true],
            "{backend:?}: the day-old key erased, the recent one kept"
        );
        second.finish().await;
        assert_eq!(
            reports::forget_old_reporters(&app.db).await.expect("erase"),
            0,
            "{backend:?}: nothing more to erase"
        );
        // The report itself stays open, for the moderators.
        let kept = report::Entity::find_by_id(first.id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("report");
        assert!(kept.dismissed_at.is_none(), "{backend:?}");

        // So the first client reporting the petition again files a new report; the second,
        // whose report is a day old at most, still adds nothing.
        report_from(&app, "192.0.2.1:4000", id).await;
        report_from(&app, "192.0.2.2:4000", id).await;
        assert_eq!(keys_kept(&app).await, [false, true, true], "{backend:?}");
        app.finish().await;
    }
}
