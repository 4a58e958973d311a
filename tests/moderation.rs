//! Running a public instance against abuse (F8.2, F1.3): anyone reports a petition; the
//! administrators and moderators see the reports, hide a petition with a reason its owner is told,
//! restore it, delete it or dismiss the reports, each decision in the audit log. A hidden petition
//! is a 404 for the public at once, its owner sees it with the reason and cannot publish it again;
//! a draft is seen only by those who may edit it, and never from a cache.
mod common;

use std::time::Duration;

use common::app::{TestApp, backends, encode_form};
use common::people::{Person, get_as, moderator, person, personal, post_as, user_model};
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, NewPetition, Owner};
use signons::entity::{audit_entry, mail_queue, membership, petition as petition_entity, report};

/// Reports petition `id` from the client at `remote`, as the report form does; the status and
/// where the answer leads.
async fn report_from(
    app: &TestApp,
    remote: &str,
    id: i32,
    reason: &str,
    comment: &str,
) -> (Status, String) {
    let csrf = app.csrf(&format!("/petitions/{id}/report")).await;
    let response = app
        .client
        .post(format!("/petitions/{id}/report"))
        .header(ContentType::Form)
        .remote(remote.parse().expect("address"))
        .body(encode_form(&[
            ("csrf", &csrf),
            ("reason", reason),
            ("comment", comment),
        ]))
        .dispatch()
        .await;
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string();
    (response.status(), location)
}

async fn open_reports(app: &TestApp, id: i32) -> u64 {
    report::Entity::find()
        .filter(report::Column::PetitionId.eq(id))
        .filter(report::Column::DismissedAt.is_null())
        .count(&app.db)
        .await
        .expect("count")
}

async fn stored(app: &TestApp, id: i32) -> Option<petition_entity::Model> {
    petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
}

async fn audit_entries(app: &TestApp) -> u64 {
    audit_entry::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

#[rocket::async_test]
async fn a_reported_petition_is_hidden_its_owner_told_and_kept_from_publishing_until_restored() {
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("reports_per_ip_per_hour", 3)
            .build()
            .await;
        let root = person(&app, "root").await;
        let ana = person(&app, "ana").await;
        let pills = personal(&app, "ana", "Buy cheap pills", true).await;
        let (id, path) = (pills.petition.id, pills.path());

        // The public page links to the report form, which needs no account.
        let (status, page, _) = get_as(&app, None, &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains(&format!("/petitions/{id}/report")), "{page}");
        let (status, form, _) = get_as(&app, None, &format!("/petitions/{id}/report")).await;
        assert_eq!(status, Status::Ok);
        assert!(form.contains("Spam or advertising"), "{form}");

        // A report, then the same client again: one report, the same thanks.
        let thanks = (Status::SeeOther, format!("/petitions/{id}/reported"));
        let first = report_from(&app, "192.0.2.1:5000", id, "spam", "Sells pills").await;
        assert_eq!(first, thanks, "{backend:?}");
        let again = report_from(&app, "192.0.2.1:5001", id, "hate", "").await;
        assert_eq!(again, thanks, "{backend:?}: a repeat is thanked alike");
        assert_eq!(open_reports(&app, id).await, 1, "{backend:?}: deduplicated");
        let (status, page, _) = get_as(&app, None, &thanks.1).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Thank you for your report"), "{page}");

        // Another client over its limit (3 an hour): thanked, not recorded.
        let mut others = Vec::new();
        for n in 0..4 {
            others.push(personal(&app, "ana", &format!("Other petition {n}"), true).await);
        }
        for (n, other) in others.iter().enumerate() {
            let oid = other.petition.id;
            let answer = report_from(&app, "192.0.2.2:5000", oid, "other", "").await;
            assert_eq!(
                answer,
                (Status::SeeOther, format!("/petitions/{oid}/reported")),
                "{backend:?}: report {n}"
            );
            let expected = if n < 3 { 1 } else { 0 };
            assert_eq!(open_reports(&app, oid).await, expected, "{backend:?}: {n}");
        }
        // A third client reports the pills too.
        report_from(&app, "192.0.2.3:5000", id, "hate", "Insults the reader").await;
        assert_eq!(open_reports(&app, id).await, 2);

        // The administrator's queue: the petition, its count, reasons and comments.
        let (status, queue, _) = get_as(&app, Some(&root), "/admin/moderation").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        for needle in [
            "Buy cheap pills",
            "2 reports",
            "Spam or advertising",
            "Hate or harassment",
            "Sells pills",
            "Insults the reader",
            &format!("/admin/moderation/{id}/hide"),
        ] {
            assert!(queue.contains(needle), "{backend:?}: {needle} in {queue}");
        }
        // The pills were reported last: first in the queue.
        let at = |title: &str| queue.find(title).expect(title);
        assert!(at("Buy cheap pills") < at("Other petition 0"));

        // The public has the page in the cache; the administrator hides it with a reason.
        for _ in 0..2 {
            assert_eq!(get_as(&app, None, &path).await.0, Status::Ok);
        }
        assert_eq!(app.json(id).await["id"], id);
        let reason = "Advertising for medicines is not allowed here.";
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/moderation/{id}/hide"),
            &[("reason", reason)],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(
            get_as(&app, None, &path).await.0,
            Status::NotFound,
            "{backend:?}: 404 at once, despite the cache"
        );
        let (status, _) = app.get(&format!("/api/petitions/{id}")).await;
        assert_eq!(status, Status::NotFound);
        let (_, home) = app.get("/").await;
        assert!(!home.contains("Buy cheap pills"), "{home}");
        assert_eq!(
            open_reports(&app, id).await,
            0,
            "hiding settles the reports"
        );

        // Its owner sees it, with the reason, in a page no cache keeps; the public still not.
        let (status, page, cache) = get_as(&app, Some(&ana), &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains(&format!("Hidden by the moderators: {reason}")),
            "{page}"
        );
        assert_eq!(cache, "private, no-store");
        assert!(!page.contains("/admin/moderation/"), "no moderation links");
        assert_eq!(get_as(&app, None, &path).await.0, Status::NotFound);

        // The owner was told by mail, through the queue.
        let mails = mail_queue::Entity::find()
            .filter(mail_queue::Column::Recipient.eq("ana@example.org"))
            .all(&app.db)
            .await
            .expect("mails");
        let told = mails
            .iter()
            .find(|m| m.subject.contains("was hidden"))
            .expect("a mail to the owner");
        assert_eq!(told.subject, "Your petition “Buy cheap pills” was hidden");
        assert!(told.body_text.contains(reason), "{}", told.body_text);
        assert!(app.wait_queue_empty(Duration::from_secs(10)).await);
        assert!(
            app.eml_files()
                .iter()
                .any(|m| m.contains("ana@example.org")),
            "{backend:?}: the mail was sent"
        );

        // The owner cannot publish it again: not from the dashboard, not from the wizard.
        let (status, _) =
            post_as(&app, Some(&ana), &format!("/petitions/{id}/unpublish"), &[]).await;
        assert_eq!(status, Status::SeeOther);
        let (status, page) =
            post_as(&app, Some(&ana), &format!("/petitions/{id}/publish"), &[]).await;
        assert_eq!(status, Status::Conflict, "{backend:?}");
        assert!(page.contains("cannot be published again"), "{page}");
        let (status, _) = post_as(
            &app,
            Some(&ana),
            &format!("/petitions/{id}/wizard/preview"),
            &[("publish", "true")],
        )
        .await;
        assert_eq!(status, Status::Conflict, "{backend:?}");
        let (_, dashboard, _) = get_as(&app, Some(&ana), "/dashboard").await;
        assert!(
            dashboard.contains("Hidden by the moderators"),
            "{dashboard}"
        );
        assert!(
            !dashboard.contains(&format!("/petitions/{id}/publish")),
            "{backend:?}"
        );
        let (status, _) =
            post_as(&app, Some(&ana), &format!("/petitions/{id}/duplicate"), &[]).await;
        assert_eq!(status, Status::Conflict, "{backend:?}: no copy either");
        let row = stored(&app, id).await.expect("petition");
        assert!(row.moderated && !row.published, "{backend:?}");

        // The administrator restores it; its owner publishes it again.
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/moderation/{id}/restore"),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert!(!stored(&app, id).await.expect("petition").moderated);
        let (status, _) = post_as(&app, Some(&ana), &format!("/petitions/{id}/publish"), &[]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(get_as(&app, None, &path).await.0, Status::Ok);

        // Dismissing the reports of another petition leaves it as it was.
        let other = others[0].petition.id;
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/moderation/{other}/dismiss"),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        assert_eq!(open_reports(&app, other).await, 0);
        assert!(!stored(&app, other).await.expect("petition").moderated);

        // The audit log lists each decision, newest first.
        let (status, log, _) = get_as(&app, Some(&root), "/admin/log").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        let dismissed = log.find("Dismissed the reports").expect("dismissed");
        let restored = log.find("Restored a petition").expect("restored");
        let hidden = log.find("Hid a petition").expect("hidden");
        assert!(dismissed < restored && restored < hidden, "{log}");
        assert!(log.contains(reason) && log.contains(&root.name), "{log}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn each_moderation_route_answers_each_kind_of_visitor_and_refusals_change_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        person(&app, "ana").await;
        let ben = person(&app, "ben").await;
        let mo = moderator(&app, "moe").await;
        let visitors: [(&str, Option<&Person>); 4] = [
            ("anonymous", None),
            ("member", Some(&ben)),
            ("moderator", Some(&mo)),
            ("administrator", Some(&root)),
        ];
        for (n, (who, person)) in visitors.into_iter().enumerate() {
            let moderates = matches!(who, "moderator" | "administrator");
            let expected = |ok: Status| if moderates { ok } else { Status::NotFound };
            let located = personal(&app, "ana", &format!("Petition for {who}"), true).await;
            let (id, path) = (located.petition.id, located.path());

            // Anyone may report.
            let (status, _, _) = get_as(&app, person, &format!("/petitions/{id}/report")).await;
            assert_eq!(status, Status::Ok, "{backend:?} {who}: report form");
            let remote = format!("198.51.100.{}:5000", n + 1);
            let (status, _) = report_from(&app, &remote, id, "spam", "").await;
            assert_eq!(status, Status::SeeOther, "{backend:?} {who}: report");
            assert_eq!(open_reports(&app, id).await, 1);

            // The pages.
            for page in [
                "/admin/moderation".to_string(),
                format!("/admin/moderation/{id}/hide"),
                format!("/admin/moderation/{id}/delete"),
            ] {
                let (status, _, _) = get_as(&app, person, &page).await;
                assert_eq!(status, expected(Status::Ok), "{backend:?} {who}: {page}");
            }
            let (status, _, _) = get_as(&app, person, "/admin/log").await;
            let log_status = if who == "administrator" {
                Status::Ok
            } else {
                Status::NotFound
            };
            assert_eq!(status, log_status, "{backend:?} {who}: /admin/log");
            // The petition page offers moderation to moderators only.
            let (status, page, _) = get_as(&app, person, &path).await;
            assert_eq!(status, Status::Ok);
            assert_eq!(
                page.contains(&format!("/admin/moderation/{id}/hide")),
                moderates,
                "{backend:?} {who}: links on the page"
            );

            let logged = audit_entries(&app).await;
            // Dismiss.
            let (status, _) = post_as(
                &app,
                person,
                &format!("/admin/moderation/{id}/dismiss"),
                &[],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: dismiss"
            );
            assert_eq!(open_reports(&app, id).await, if moderates { 0 } else { 1 });
            // Hide.
            let (status, _) = post_as(
                &app,
                person,
                &format!("/admin/moderation/{id}/hide"),
                &[("reason", "Not allowed")],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: hide"
            );
            let hidden = stored(&app, id).await.expect("petition").moderated;
            assert_eq!(hidden, moderates, "{backend:?} {who}");
            if !moderates {
                // Hidden by the administrator, for the restore to be tried.
                let (status, _) = post_as(
                    &app,
                    Some(&root),
                    &format!("/admin/moderation/{id}/hide"),
                    &[("reason", "Not allowed")],
                )
                .await;
                assert_eq!(status, Status::SeeOther);
            }
            let logged_before_restore = audit_entries(&app).await;
            // Restore.
            let (status, _) = post_as(
                &app,
                person,
                &format!("/admin/moderation/{id}/restore"),
                &[],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: restore"
            );
            assert_eq!(
                stored(&app, id).await.expect("petition").moderated,
                !moderates,
                "{backend:?} {who}"
            );
            if !moderates {
                assert_eq!(audit_entries(&app).await, logged_before_restore);
            }
            // Delete.
            let (status, _) = post_as(
                &app,
                person,
                &format!("/admin/moderation/{id}/delete"),
                &[("reason", "")],
            )
            .await;
            assert_eq!(
                status,
                expected(Status::SeeOther),
                "{backend:?} {who}: delete"
            );
            assert_eq!(
                stored(&app, id).await.is_none(),
                moderates,
                "{backend:?} {who}"
            );
            // Refusals wrote nothing to the log (but the administrator's own hide).
            let written = audit_entries(&app).await - logged;
            assert_eq!(written, if moderates { 4 } else { 1 }, "{backend:?} {who}");
        }
        // Without a CSRF token nobody moderates.
        let located = personal(&app, "ana", "Without a token", true).await;
        let id = located.petition.id;
        let response = app
            .client
            .post(format!("/admin/moderation/{id}/hide"))
            .header(ContentType::Form)
            .private_cookie(root.cookie.clone())
            .body(encode_form(&[("reason", "No token")]))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        assert!(!stored(&app, id).await.expect("petition").moderated);
        app.finish().await;
    }
}

/// The header's links to the instance's administration pages, as the page shows them.
fn admin_links(page: &str) -> Vec<&'static str> {
    let header = &page[..page.find("</header>").expect("a header")];
    [
        "/admin/mail",
        "/admin/moderation",
        "/admin/users",
        "/admin/log",
    ]
    .into_iter()
    .filter(|path| header.contains(&format!("href=\"{path}\"")))
    .collect()
}

#[rocket::async_test]
async fn the_header_links_moderators_to_the_queue_and_administrators_to_every_administration_page()
{
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        let ben = person(&app, "ben").await;
        let mo = moderator(&app, "moe").await;
        let everything = vec![
            "/admin/mail",
            "/admin/moderation",
            "/admin/users",
            "/admin/log",
        ];
        let petition = personal(&app, "ben", "Plant trees", true).await.path();
        for (who, person, links) in [
            ("anonymous", None, vec![]),
            ("member", Some(&ben), vec![]),
            ("moderator", Some(&mo), vec!["/admin/moderation"]),
            ("administrator", Some(&root), everything),
        ] {
            for path in ["/", petition.as_str()] {
                let (status, page, _) = get_as(&app, person, path).await;
                assert_eq!(status, Status::Ok, "{backend:?} {who}: {path}");
                assert_eq!(admin_links(&page), links, "{backend:?} {who}: {path}");
            }
        }
        // The public's pages still come from the page cache, which answers with an ETag.
        for path in ["/", petition.as_str()] {
            let response = app.client.get(path).dispatch().await;
            assert!(
                response.headers().get_one("ETag").is_some(),
                "{backend:?}: {path} from the page cache"
            );
        }

        // The moderation queue links to the audit log for those who may read it.
        let (_, queue, _) = get_as(&app, Some(&root), "/admin/moderation").await;
        assert!(
            queue.contains("href=\"/admin/log\">Audit log</a></p>"),
            "{queue}"
        );
        let (_, queue, _) = get_as(&app, Some(&mo), "/admin/moderation").await;
        assert!(!queue.contains("Audit log"), "{queue}");

        // A moderator logging in through the form gets the same header.
        common::people::log_in(&app, "moe").await;
        let (status, page) = app.get("/").await;
        assert_eq!(status, Status::Ok);
        assert_eq!(admin_links(&page), ["/admin/moderation"], "{backend:?}");
        // In French too.
        let (_, page) = app.get_lang("/", "fr").await;
        assert!(page.contains(">Modération</a>"), "{page}");
        common::people::log_out(&app).await;
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_draft_is_seen_by_those_who_may_edit_it_with_a_banner_and_by_nobody_else_nor_from_a_cache()
 {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        person(&app, "root").await;
        let ana = person(&app, "ana").await;
        let ben = person(&app, "ben").await;
        let cleo = person(&app, "cleo").await;
        let mo = moderator(&app, "moe").await;

        // A personal draft.
        let draft = personal(&app, "ana", "Not ready yet", false).await;
        let path = draft.path();
        let (status, page, cache) = get_as(&app, Some(&ana), &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("Draft — only you"), "{page}");
        assert!(page.contains("Nobody can sign it while it is not public."));
        assert!(!page.contains(&format!("/petitions/{}/sign", draft.petition.id)));
        assert_eq!(cache, "private, no-store");
        // Right after the owner, the public: 404, twice (nothing was kept for it).
        for _ in 0..2 {
            assert_eq!(
                get_as(&app, None, &path).await.0,
                Status::NotFound,
                "{backend:?}"
            );
        }
        assert_eq!(get_as(&app, Some(&ben), &path).await.0, Status::NotFound);
        let (status, page, _) = get_as(&app, Some(&mo), &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}: moderators see it");
        assert!(page.contains(&format!("/admin/moderation/{}/hide", draft.petition.id)));

        // An organization's draft: its members who may modify petitions, and nobody else.
        let org = organization::create(&app.db, "Park Friends", &user_model(&app, "ana").await)
            .await
            .expect("organization");
        for (name, modify) in [("ben", false), ("cleo", true)] {
            membership::ActiveModel {
                organization_id: Set(org.id),
                user_id: Set(user_model(&app, name).await.id),
                can_modify_petitions: Set(modify),
                created_at: Set(signons::domain::now()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .expect("membership");
        }
        let org_draft = petition::create(
            &app.db,
            &Owner::Organization(org),
            NewPetition {
                title: "Our draft".into(),
                body_html: "<p>Soon.</p>".into(),
                published: false,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        let path = org_draft.path();
        for (who, person, seen) in [
            ("creator", Some(&ana), true),
            ("member who may modify", Some(&cleo), true),
            ("member who may not", Some(&ben), false),
            ("public", None, false),
        ] {
            let (status, page, _) = get_as(&app, person, &path).await;
            let expected = if seen { Status::Ok } else { Status::NotFound };
            assert_eq!(status, expected, "{backend:?} {who}");
            if seen {
                assert!(page.contains("Draft — only you"), "{who}: {page}");
            }
        }

        // Published, the same page is public, with no banner.
        let (status, _) = post_as(
            &app,
            Some(&ana),
            &format!("/petitions/{}/publish", org_draft.petition.id),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (status, page, _) = get_as(&app, None, &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(!page.contains("Draft — only you"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_control_character_in_a_report_or_a_reason_gets_a_translated_422_and_records_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        person(&app, "ana").await;
        let located = personal(&app, "ana", "Plant trees", true).await;
        let id = located.petition.id;

        let csrf = app.csrf(&format!("/petitions/{id}/report")).await;
        let response = app
            .client
            .post(format!("/petitions/{id}/report"))
            .header(ContentType::Form)
            .header(Header::new("Accept-Language", "fr"))
            .remote("192.0.2.9:5000".parse().expect("address"))
            .body(encode_form(&[
                ("csrf", &csrf),
                ("reason", "spam"),
                ("comment", "a\u{0}b"),
            ]))
            .dispatch()
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("Signaler"), "{backend:?}: in French: {page}");
        assert_eq!(open_reports(&app, id).await, 0);
        let (status, page) = post_as(&app, None, &format!("/petitions/{id}/report"), &[]).await;
        assert_eq!(status, Status::UnprocessableEntity, "no reason");
        assert!(page.contains("Choose a reason."), "{page}");
        assert_eq!(open_reports(&app, id).await, 0);

        let (status, page) = post_as(
            &app,
            Some(&root),
            &format!("/admin/moderation/{id}/hide"),
            &[("reason", "bad\u{7}")],
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("Reason given to the owner"), "{page}");
        let (status, page) = post_as(
            &app,
            Some(&root),
            &format!("/admin/moderation/{id}/hide"),
            &[("reason", " ")],
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("Give the owner a reason."), "{page}");
        assert!(!stored(&app, id).await.expect("petition").moderated);
        assert_eq!(audit_entries(&app).await, 0);
        app.finish().await;
    }
}
