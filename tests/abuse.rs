//! A public instance under attack, and the honest people around it (F2.7, F9.2): a flood from one
//! client address is answered as usual but held back and mails at most a few dozen; signers behind
//! a shared address are never held; one mailbox receives at most its daily share of mail whatever
//! path sends it and whatever variant of its address is typed; the people running the petition see
//! what was held and release or discard it; limits hold across instances sharing a database.
mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::app::{TestApp, backends, encode_form, extract_csrf, local};
use common::people;
use common::smtp::{Mode, SmtpServer};
use rocket::http::{ContentType, Header, Status};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::domain::petitions::petition::Located;
use signons::entity::{ip_hash_key, mail_queue, signature};

const MAIL_WAIT: Duration = Duration::from_secs(30);

/// Posts the sign form of `located` as a browser whose requests come from `ip` (the socket).
async fn sign_from(
    app: &TestApp,
    csrf: &str,
    located: &Located,
    (first, last, email): (&str, &str, &str),
    ip: &str,
) -> (Status, Option<String>) {
    let response = app
        .client
        .post(format!("/petitions/{}/sign", located.petition.id))
        .header(ContentType::Form)
        // Sent from the petition page, as a browser says.
        .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
        .remote(SocketAddr::new(ip.parse().expect("ip"), 40000))
        .body(encode_form(&[
            ("csrf", csrf),
            ("first_name", first),
            ("last_name", last),
            ("email", email),
        ]))
        .dispatch()
        .await;
    let location = response.headers().get_one("Location").map(str::to_string);
    (response.status(), location)
}

async fn held(app: &TestApp, petition_id: i32) -> u64 {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(petition_id))
        .filter(signature::Column::HeldAt.is_not_null())
        .count(&app.db)
        .await
        .expect("count held")
}

async fn stored(app: &TestApp, petition_id: i32) -> u64 {
    signature::Entity::find()
        .filter(signature::Column::PetitionId.eq(petition_id))
        .count(&app.db)
        .await
        .expect("count signatures")
}

/// Waits until the queue has sent everything it holds, then a little more for the last messages to
/// be counted by the server.
async fn settled(app: &TestApp) {
    assert!(app.wait_queue_empty(MAIL_WAIT).await, "the queue drains");
    tokio::time::sleep(Duration::from_millis(200)).await;
}

#[rocket::async_test]
async fn a_flood_from_one_address_is_answered_as_usual_held_back_and_released_by_the_organizers() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the orchard").await;
        let id = located.petition.id;
        let csrf = app.csrf(&located.path()).await;
        let usual = sign_from(
            &app,
            &csrf,
            &located,
            ("First", "Signer", "first@example.org"),
            "203.0.113.7",
        )
        .await;
        assert_eq!(usual.0, Status::SeeOther, "{backend:?}");
        for i in 1..300 {
            let email = format!("flood{i}@example.org");
            let answer = sign_from(
                &app,
                &csrf,
                &located,
                ("Flood", "Signer", &email),
                "203.0.113.7",
            )
            .await;
            assert_eq!(
                answer, usual,
                "{backend:?}: signature {i} is answered like the first"
            );
        }
        let (status, page) = app.get(usual.1.as_deref().expect("a location")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Check your mailbox"), "{page}");

        settled(&app).await;
        assert_eq!(
            stored(&app, id).await,
            300,
            "{backend:?}: every signature is kept"
        );
        assert_eq!(
            smtp.messages().len(),
            30,
            "{backend:?}: at most 30 confirmation mails for a flood of 300 from one address"
        );
        assert_eq!(held(&app, id).await, 270, "{backend:?}");
        assert_eq!(app.signature_count(id).await, 0);

        // The owner of the petition sees what was held, and where it came from.
        let csrf = app.csrf("/login").await;
        let response = app
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("login", "alice"),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "alice logs in");
        drop(response);
        let (status, page) = app.get(&format!("/petitions/{id}/signatures")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("270 signatures held back"), "{page}");
        let label_at = page
            .find("name=\"source\" value=\"")
            .expect("a source to release");
        let label: String = page[label_at + "name=\"source\" value=\"".len()..]
            .chars()
            .take_while(|c| *c != '"')
            .collect();
        assert_eq!(label.len(), 8, "a short label of the source: {label}");
        assert!(page.contains("Release all 270"), "{page}");
        let (_, dashboard) = app.get("/dashboard").await;
        assert!(dashboard.contains("270 held back"), "{dashboard}");

        // Releasing all from that source mails each of them once.
        smtp.clear();
        assert_eq!(
            people::post(
                &app,
                &format!("/petitions/{id}/signatures/release"),
                &[("source", &label)]
            )
            .await,
            Status::SeeOther
        );
        let (_, page) = app.get(&format!("/petitions/{id}/signatures")).await;
        assert!(page.contains("270 signatures released"), "{page}");
        settled(&app).await;
        let mails = smtp.messages();
        assert_eq!(
            mails.len(),
            270,
            "{backend:?}: one mail per released signature"
        );
        assert_eq!(held(&app, id).await, 0);
        let link = mails[0].link_containing("/confirm/").expect("a link");
        let csrf = app.csrf(&local(&link)).await;
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert_eq!(
            app.signature_count(id).await,
            1,
            "a released signature counts once confirmed"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn signers_behind_a_trusted_proxy_from_two_hundred_addresses_are_never_held() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("ip_header", "X-Real-IP")
            .build()
            .await;
        let located = app.petition("Save the library").await;
        let csrf = app.csrf(&located.path()).await;
        for i in 0..200 {
            let response = app
                .client
                .post(format!("/petitions/{}/sign", located.petition.id))
                .header(ContentType::Form)
                // Sent from the petition page, as a browser says.
                .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
                .header(Header::new("X-Real-IP", format!("198.51.100.{i}")))
                .remote("127.0.0.1:4242".parse().expect("proxy address"))
                .body(encode_form(&[
                    ("csrf", &csrf),
                    ("first_name", "Honest"),
                    ("last_name", "Signer"),
                    ("email", &format!("signer{i}@example.org")),
                ]))
                .dispatch()
                .await;
            assert_eq!(response.status(), Status::SeeOther);
        }
        settled(&app).await;
        assert_eq!(held(&app, located.petition.id).await, 0, "{backend:?}");
        assert_eq!(smtp.messages().len(), 200, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn twenty_people_of_one_school_sign_within_minutes_without_friction() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("A crossing by the school").await;
        let csrf = app.csrf(&located.path()).await;
        for i in 0..20 {
            let email = format!("pupil{i}@school.example");
            sign_from(
                &app,
                &csrf,
                &located,
                ("Pupil", "Parent", &email),
                "192.0.2.44",
            )
            .await;
        }
        settled(&app).await;
        assert_eq!(held(&app, located.petition.id).await, 0, "{backend:?}");
        assert_eq!(smtp.messages().len(), 20, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn one_address_signed_twenty_times_receives_at_most_three_mails_greeted_by_the_first_name() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the pond").await;
        let csrf = app.csrf(&located.path()).await;
        for i in 0..20 {
            // From twenty addresses, so that only the cap per recipient can stop it.
            let name = format!("Insult{i}");
            let ip = format!("192.0.2.{}", i + 1);
            let answer = sign_from(
                &app,
                &csrf,
                &located,
                (&name, "Rude", "victim@example.org"),
                &ip,
            )
            .await;
            assert_eq!(answer.0, Status::SeeOther);
        }
        settled(&app).await;
        let mails = smtp.messages_to("victim@example.org");
        assert_eq!(
            mails.len(),
            3,
            "{backend:?}: three mails a day about one petition"
        );
        for mail in &mails {
            assert!(mail.text().contains("Insult0"), "{}", mail.text());
            assert!(!mail.text().contains("Insult1"), "{}", mail.text());
            assert!(
                !mail.text().contains("Rude"),
                "no last name: {}",
                mail.text()
            );
        }
        assert_eq!(stored(&app, located.petition.id).await, 1);

        // The confirmation page shows what will be confirmed, so the owner of the address sees it.
        let current = signature::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("row")
            .confirmation_token_hash;
        let link = mails
            .iter()
            .filter_map(|m| m.link_containing("/confirm/"))
            .find(|l| {
                signons::domain::token::hash(l.rsplit('/').next().unwrap_or_default()) == current
            })
            .expect("the latest link works");
        let (status, page) = app.get(&local(&link)).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Insult0") && page.contains("Rude"), "{page}");
        assert!(page.contains("withdraw this signature"), "{page}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_address_gets_at_most_ten_mails_a_day_across_petitions_and_paths() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let mut petitions = Vec::new();
        for i in 0..6 {
            petitions.push(app.petition(&format!("Petition number {i}")).await);
        }
        let csrf = app.csrf(&petitions[0].path()).await;
        for (i, located) in petitions.iter().enumerate() {
            for j in 0..2 {
                let ip = format!("192.0.2.{}", 10 * i + j + 1);
                sign_from(&app, &csrf, located, ("Cam", "Lo", "cam@example.org"), &ip).await;
            }
        }
        settled(&app).await;
        assert_eq!(smtp.messages_to("cam@example.org").len(), 10, "{backend:?}");
        // Password resets to the account of alice share her address's cap.
        let alice = "alice@example.org";
        for i in 0..12 {
            let csrf = app.csrf("/password/forgot").await;
            let response = app
                .client
                .post("/password/forgot")
                .header(ContentType::Form)
                .remote(SocketAddr::new(
                    format!("198.18.0.{}", i + 1).parse().expect("ip"),
                    1234,
                ))
                .body(encode_form(&[("csrf", &csrf), ("email", alice)]))
                .dispatch()
                .await;
            assert_eq!(response.status(), Status::SeeOther);
        }
        settled(&app).await;
        assert_eq!(smtp.messages_to(alice).len(), 10, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn gmail_variants_are_one_signer_and_the_note_greets_with_the_confirmed_name() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the meadow").await;
        let id = located.petition.id;
        let csrf = app.csrf(&located.path()).await;
        sign_from(
            &app,
            &csrf,
            &located,
            ("Jane", "Doe", "Jane.Doe@gmail.com"),
            "192.0.2.1",
        )
        .await;
        let mail = smtp.wait_for(1, MAIL_WAIT).await.remove(0);
        assert!(
            mail.is_to("Jane.Doe@gmail.com"),
            "mailed as typed: {:?}",
            mail.to
        );
        let link = mail.link_containing("/confirm/").expect("link");
        let csrf_confirm = app.csrf(&local(&link)).await;
        let response = app
            .post_form(&local(&link), &[("csrf", &csrf_confirm)])
            .await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert_eq!(app.signature_count(id).await, 1);

        smtp.clear();
        sign_from(
            &app,
            &csrf,
            &located,
            ("Impostor", "Name", "j.a.n.e.d.o.e+again@googlemail.com"),
            "192.0.2.2",
        )
        .await;
        let note = smtp.wait_for(1, MAIL_WAIT).await.remove(0);
        assert!(
            note.subject().contains("already signed"),
            "{}",
            note.subject()
        );
        assert!(note.text().contains("Jane"), "{}", note.text());
        assert!(!note.text().contains("Impostor"), "{}", note.text());
        assert_eq!(
            stored(&app, id).await,
            1,
            "{backend:?}: one signature per mailbox"
        );
        assert_eq!(
            app.signature_count(id).await,
            1,
            "{backend:?}: counted once"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn two_instances_on_one_database_share_the_limits() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let first = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let second = TestApp::builder(backend)
            .smtp(&smtp.url())
            .shared_database(&first.test_db)
            .build()
            .await;
        let located = first.petition("Save the square").await;
        let csrf_first = first.csrf(&located.path()).await;
        let csrf_second = second.csrf(&located.path()).await;
        // Both instances at once, half of a flood each.
        let mut tasks = Vec::new();
        for i in 0..60 {
            let (app, csrf) = if i % 2 == 0 {
                (&first, &csrf_first)
            } else {
                (&second, &csrf_second)
            };
            let email = format!("split{i}@example.org");
            let located = &located;
            tasks.push(async move {
                sign_from(
                    app,
                    csrf,
                    located,
                    ("Split", "Flood", &email),
                    "203.0.113.9",
                )
                .await
            });
        }
        for answer in futures_util::future::join_all(tasks).await {
            assert_eq!(answer.0, Status::SeeOther);
        }
        settled(&first).await;
        settled(&second).await;
        assert_eq!(
            smtp.messages().len(),
            30,
            "{backend:?}: the flood split across two instances is held at the same total"
        );
        assert_eq!(held(&first, located.petition.id).await, 30);
        second.finish().await;
        first.finish().await;
    }
}

#[rocket::async_test]
async fn a_withdrawal_takes_the_confirmation_mail_still_waiting_in_the_queue_with_it() {
    for backend in backends() {
        let smtp = SmtpServer::start_with(Mode::TempFail);
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the hedge").await;
        let response = app.sign(&located, "Wes", "Tern", "wes@example.org").await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let waiting = mail_queue::Entity::find()
            .filter(mail_queue::Column::Recipient.eq("wes@example.org"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("the confirmation waits in the queue");
        let link = common::smtp::extract_links(&waiting.body_text)
            .into_iter()
            .find(|l| l.contains("/withdraw/"))
            .expect("a withdrawal link");
        let (_, page) = app.get(&local(&link)).await;
        let csrf = extract_csrf(&page).expect("csrf");
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        let left = mail_queue::Entity::find()
            .filter(mail_queue::Column::Recipient.eq("wes@example.org"))
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(
            left, 0,
            "{backend:?}: nothing of the signer stays in the queue"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn client_addresses_are_hashed_with_a_daily_key_that_is_discarded_with_the_hashes() {
    use sea_orm::{ActiveModelTrait, Set};
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the wood").await;
        let csrf = app.csrf(&located.path()).await;
        sign_from(
            &app,
            &csrf,
            &located,
            ("Kim", "Lee", "kim@example.org"),
            "192.0.2.99",
        )
        .await;
        let row = signature::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("row");
        let hash = row.ip_hash.clone().expect("a hashed source");
        assert!(!hash.contains("192.0.2.99"));
        // Not the hash of a key anyone can derive from the instance's secret.
        let derived = signons::config::Keys::derive(&common::app::test_figment());
        let ip = "192.0.2.99".parse().expect("ip");
        assert_ne!(hash, signons::domain::token::ip_hash(&derived.ip_hash, ip));
        let keys = ip_hash_key::Entity::find()
            .all(&app.db)
            .await
            .expect("keys");
        assert_eq!(keys.len(), 1, "{backend:?}: today's key");

        // Three days later: an old key and an old hash are forgotten.
        let today = keys[0].period;
        ip_hash_key::ActiveModel {
            period: Set(today - 3),
            secret: Set("00".repeat(32)),
            created_at: Set(0),
        }
        .insert(&app.db)
        .await
        .expect("an old key");
        let mut old = signature::ActiveModel {
            id: Set(row.id),
            ..Default::default()
        };
        old.created_at = Set(row.created_at - time::Duration::days(3));
        old.update(&app.db).await.expect("age the signature");
        let erased = signons::domain::abuse::source::forget_old(&app.db)
            .await
            .expect("forget");
        assert_eq!(erased, 1);
        let row = signature::Entity::find_by_id(row.id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("row");
        assert_eq!(
            row.ip_hash, None,
            "{backend:?}: the hash is erased after a day"
        );
        let periods: Vec<i64> = ip_hash_key::Entity::find()
            .all(&app.db)
            .await
            .expect("keys")
            .into_iter()
            .map(|k| k.period)
            .collect();
        assert_eq!(
            periods,
            vec![today],
            "{backend:?}: older keys are discarded"
        );
        app.finish().await;
    }
}

/// The challenge this client's sign form gets, and a nonce solving it.
async fn solved_challenge(app: &TestApp, petition_id: i32) -> (String, String) {
    let (status, body) = app
        .get(&format!("/petitions/{petition_id}/challenge"))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let challenge = json["challenge"].as_str().expect("a challenge").to_string();
    let bits = json["bits"].as_u64().expect("bits") as u32;
    let nonce = signons::domain::abuse::proof_of_work::solve(&challenge, bits);
    (challenge, nonce)
}

async fn sign_with_proof(
    app: &TestApp,
    csrf: &str,
    located: &Located,
    email: &str,
    ip: &str,
    proof: Option<(&str, &str)>,
) -> (Status, String) {
    let mut fields = vec![
        ("csrf", csrf),
        ("first_name", "Pat"),
        ("last_name", "Solver"),
        ("email", email),
    ];
    if let Some((challenge, nonce)) = proof {
        fields.push(("pow_challenge", challenge));
        fields.push(("pow_nonce", nonce));
    }
    let response = app
        .client
        .post(format!("/petitions/{}/sign", located.petition.id))
        .header(ContentType::Form)
        // Sent from the petition page, as a browser says.
        .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
        .remote(SocketAddr::new(ip.parse().expect("ip"), 40000))
        .body(encode_form(&fields))
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn a_solved_proof_of_work_counts_once_and_a_replayed_or_forged_one_is_refused() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend)
            .smtp(&smtp.url())
            .set("proof_of_work", true)
            .set("proof_of_work_bits", 10)
            .build()
            .await;
        let located = app.petition("Save the dunes").await;
        let id = located.petition.id;
        let (_, page) = app.get(&located.path()).await;
        assert!(
            page.contains("data-pow-url"),
            "the form asks for a proof: {page}"
        );
        assert!(page.contains("/static/pow.js"));
        // The page everyone shares holds no token; the challenge is bound to the one asking for
        // it gives this browser (a cookie).
        assert!(extract_csrf(&page).is_none(), "{page}");
        let csrf = String::new();
        let (challenge, nonce) = solved_challenge(&app, id).await;

        let (status, _) = sign_with_proof(
            &app,
            &csrf,
            &located,
            "one@example.org",
            "192.0.2.1",
            Some((&challenge, &nonce)),
        )
        .await;
        assert_eq!(
            status,
            Status::SeeOther,
            "{backend:?}: a solved challenge is accepted"
        );

        let (status, body) = sign_with_proof(
            &app,
            &csrf,
            &located,
            "two@example.org",
            "192.0.2.2",
            Some((&challenge, &nonce)),
        )
        .await;
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "{backend:?}: a replay is refused"
        );
        assert!(body.contains("already used to sign"), "{body}");
        assert_eq!(
            stored(&app, id).await,
            1,
            "{backend:?}: the replay stored nothing"
        );

        let (fresh, _) = solved_challenge(&app, id).await;
        let (status, body) = sign_with_proof(
            &app,
            &csrf,
            &located,
            "three@example.org",
            "192.0.2.3",
            Some((&fresh, "not-a-solution")),
        )
        .await;
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "{backend:?}: a wrong nonce"
        );
        assert!(body.contains("could not be verified"), "{body}");
        let forged = format!("{id}.99999999999.aaaaaaaaaaaaaaaa.00000000000000000000000000000000");
        let forged_nonce = signons::domain::abuse::proof_of_work::solve(&forged, 10);
        let (status, body) = sign_with_proof(
            &app,
            &csrf,
            &located,
            "four@example.org",
            "192.0.2.4",
            Some((&forged, &forged_nonce)),
        )
        .await;
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "{backend:?}: a forged challenge"
        );
        assert!(body.contains("could not be verified"), "{body}");
        assert_eq!(stored(&app, id).await, 1);

        // Without a solution (JavaScript off), a signature still goes through, under a third of
        // the limits: from one address, ten are mailed and the rest held.
        for i in 0..12 {
            let email = format!("nojs{i}@example.org");
            let (status, _) =
                sign_with_proof(&app, &csrf, &located, &email, "198.51.100.5", None).await;
            assert_eq!(status, Status::SeeOther);
        }
        settled(&app).await;
        assert_eq!(held(&app, id).await, 2, "{backend:?}");
        assert_eq!(
            smtp.messages().len(),
            11,
            "{backend:?}: one solved, ten unsolved"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn signatures_written_before_canonical_addresses_are_recognised_after_the_upgrade() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the bridge").await;
        let id = located.petition.id;
        // A row as an older version wrote it: no canonical address.
        app.stored_signature(id, ("Old", "Timer", "old.timer@gmail.com"), "en-US", true)
            .await;
        let filled = signons::domain::abuse::address::fill_missing_email_keys(&app.db)
            .await
            .expect("fill");
        assert_eq!(filled, 1, "{backend:?}");
        let csrf = app.csrf(&located.path()).await;
        sign_from(
            &app,
            &csrf,
            &located,
            ("Old", "Timer", "OldTimer+x@gmail.com"),
            "192.0.2.8",
        )
        .await;
        assert_eq!(
            stored(&app, id).await,
            1,
            "{backend:?}: the variant is the same signer"
        );
        assert_eq!(app.signature_count(id).await, 1);
        app.finish().await;
    }
}

/// The challenge of this client's registration form, and a nonce solving it.
async fn registration_challenge(app: &TestApp) -> (String, String) {
    let (status, body) = app.get("/register/challenge").await;
    assert_eq!(status, Status::Ok, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let challenge = json["challenge"].as_str().expect("challenge").to_string();
    let bits = json["bits"].as_u64().expect("bits") as u32;
    let nonce = signons::domain::abuse::proof_of_work::solve(&challenge, bits);
    (challenge, nonce)
}

/// Posts the registration form from `ip`, with a proof of work if given; the answer's status.
async fn register_from(
    app: &TestApp,
    csrf: &str,
    username: &str,
    ip: &str,
    proof: Option<(&str, &str)>,
) -> (Status, String) {
    let email = format!("{username}@example.org");
    let mut fields = vec![
        ("csrf", csrf),
        ("username", username),
        ("email", email.as_str()),
        ("password", "a long enough password"),
    ];
    if let Some((challenge, nonce)) = proof {
        fields.push(("pow_challenge", challenge));
        fields.push(("pow_nonce", nonce));
    }
    let response = app
        .client
        .post("/register")
        .header(ContentType::Form)
        .remote(SocketAddr::new(ip.parse().expect("ip"), 40000))
        .body(encode_form(&fields))
        .dispatch()
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

#[rocket::async_test]
async fn registration_asks_for_the_proof_of_work_when_the_instance_does() {
    use signons::entity::user;
    for backend in backends() {
        let app = TestApp::builder(backend)
            .set("proof_of_work", true)
            .set("proof_of_work_bits", 10)
            .build()
            .await;
        let (_, page) = app.get("/register").await;
        assert!(
            page.contains("data-pow-url=\"/register/challenge\""),
            "{page}"
        );
        let csrf = extract_csrf(&page).expect("csrf");
        let (c, n) = registration_challenge(&app).await;
        let (status, _) = register_from(&app, &csrf, "solver", "192.0.2.20", Some((&c, &n))).await;
        assert_eq!(
            status,
            Status::SeeOther,
            "{backend:?}: a solved puzzle registers"
        );
        let (status, body) =
            register_from(&app, &csrf, "replayer", "192.0.2.21", Some((&c, &n))).await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: a replay");
        assert!(body.contains("already used"), "{body}");
        let (status, body) =
            register_from(&app, &csrf, "forger", "192.0.2.22", Some((&c, "1"))).await;
        assert_eq!(
            status,
            Status::UnprocessableEntity,
            "{backend:?}: a forgery"
        );
        assert!(body.contains("could not be verified"), "{body}");
        // Without JavaScript: still possible, under a third of the limit (one an hour by default).
        let (status, _) = register_from(&app, &csrf, "nojsone", "192.0.2.23", None).await;
        assert_eq!(status, Status::SeeOther);
        let (status, _) = register_from(&app, &csrf, "nojstwo", "192.0.2.23", None).await;
        assert_eq!(status, Status::TooManyRequests, "{backend:?}");
        let names: Vec<String> = user::Entity::find()
            .all(&app.db)
            .await
            .expect("users")
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert!(names.contains(&"solver".to_string()) && names.contains(&"nojsone".to_string()));
        assert!(
            !names
                .iter()
                .any(|n| n == "replayer" || n == "forger" || n == "nojstwo")
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_withdrawn_signers_address_is_nowhere_in_the_sqlite_files() {
    // SQLite only: the files are the point. PostgreSQL's own storage is its administrator's.
    if !backends().contains(&common::app::Backend::Sqlite) {
        eprintln!("SKIP: this run covers no SQLite database (TEST_BACKENDS)");
        return;
    }
    let smtp = SmtpServer::start();
    let app = TestApp::builder(common::app::Backend::Sqlite)
        .smtp(&smtp.url())
        .build()
        .await;
    let located = app.petition("Save the marsh").await;
    let address = "unmistakable.withdrawer@example.org";
    let response = app.sign(&located, "Uma", "Withdrawer", address).await;
    assert_eq!(response.status(), Status::SeeOther);
    drop(response);
    let mail = smtp.wait_for(1, MAIL_WAIT).await.remove(0);
    settled(&app).await;
    let link = mail
        .link_containing("/withdraw/")
        .expect("a withdrawal link");
    let (_, page) = app.get(&local(&link)).await;
    let csrf = extract_csrf(&page).expect("csrf");
    let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), Status::Ok);
    drop(response);
    for file in ["test.db", "test.db-wal"] {
        let bytes = std::fs::read(app.dir.path().join(file)).unwrap_or_default();
        let found = bytes
            .windows(address.len())
            .any(|w| w.eq_ignore_ascii_case(address.as_bytes()));
        assert!(!found, "{file} still holds the withdrawn address");
    }
    app.finish().await;
}
