//! A citizen signs a petition, receives the confirmation mail on a real SMTP server, follows its
//! link, presses the button, and is counted — once, however often they sign or confirm.
mod common;

use std::time::Duration;

use common::app::{Provenance, TestApp, backends, local};
use common::smtp::SmtpServer;
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::entity::{mail_queue, signature};

const MAIL_WAIT: Duration = Duration::from_secs(15);

async fn signatures(app: &TestApp) -> u64 {
    signature::Entity::find()
        .count(&app.db)
        .await
        .expect("count signatures")
}

#[rocket::async_test]
async fn signing_and_confirming_by_mail_counts_the_signature_once() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the park").await;
        assert_eq!(app.signature_count(located.petition.id).await, 0);

        let response = app
            .sign(&located, "Ann", "Lee", "Ann.Lee@Example.org")
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        let first_location = response.headers().get_one("Location").map(str::to_string);
        drop(response);

        let mails = smtp.wait_for(1, MAIL_WAIT).await;
        assert_eq!(mails.len(), 1, "{backend:?}: one confirmation mail");
        let mail = &mails[0];
        assert!(
            mail.is_to("ann.lee@example.org"),
            "sent to the normalized address: {:?}",
            mail.to
        );
        assert!(
            mail.subject().contains("Save the park"),
            "{}",
            mail.subject()
        );
        assert!(mail.header("Message-ID").is_some());
        let link = mail
            .link_containing("/confirm/")
            .expect("a confirmation link");

        // Opening the link (GET or HEAD, as a mail scanner would) shows a button and counts nothing.
        let (status, page) = app.get(&local(&link)).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Confirm my signature"), "{page}");
        let head = app.client.head(local(&link)).dispatch().await;
        assert_eq!(head.status(), Status::Ok);
        drop(head);
        assert_eq!(
            app.signature_count(located.petition.id).await,
            0,
            "{backend:?}: GET/HEAD must not confirm"
        );

        // The button confirms.
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        let body = response.into_string().await.unwrap_or_default();
        assert!(body.contains("One person has signed"), "{body}");
        assert_eq!(
            app.signature_count(located.petition.id).await,
            1,
            "{backend:?}"
        );

        // Confirming twice is harmless and shows the same success.
        let response = app.post_form(&local(&link), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("Thank you")
        );
        assert_eq!(
            app.signature_count(located.petition.id).await,
            1,
            "{backend:?}: confirming twice counts once"
        );

        // Signing again with the same address: the same answer, the same count, a useful mail.
        let response = app
            .sign(&located, "Ann", "Lee", "ann.lee@example.org")
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        assert_eq!(
            response.headers().get_one("Location").map(str::to_string),
            first_location
        );
        drop(response);
        let mails = smtp.wait_for(2, MAIL_WAIT).await;
        assert_eq!(mails.len(), 2);
        assert!(
            mails[1].subject().contains("already signed"),
            "{}",
            mails[1].subject()
        );
        assert!(mails[1].link_containing("/confirm/").is_none());
        assert_eq!(
            app.signature_count(located.petition.id).await,
            1,
            "{backend:?}: re-signing never double-counts"
        );
        assert_eq!(signatures(&app).await, 1);

        // The check-mailbox page the 303 leads to.
        let (status, page) = app.get(first_location.as_deref().unwrap_or("/")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Check your mailbox"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_signer_withdraws_through_the_link_in_their_mail_and_nothing_of_them_stays() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the park").await;
        let id = located.petition.id;
        for (first, email) in [("Ann", "ann@example.org"), ("Bob", "bob@example.org")] {
            let response = app.sign(&located, first, "Lee", email).await;
            assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        }
        let mails = smtp.wait_for(2, MAIL_WAIT).await;
        let mail_to = |address: &str| {
            mails
                .iter()
                .find(|m| m.is_to(address))
                .expect("a confirmation mail")
        };
        let ann = mail_to("ann@example.org");
        assert!(
            ann.text().contains("withdraws your signature"),
            "{}",
            ann.text()
        );
        let (confirm, withdraw) = (
            local(
                &ann.link_containing("/confirm/")
                    .expect("a confirmation link"),
            ),
            local(
                &ann.link_containing("/withdraw/")
                    .expect("a withdrawal link"),
            ),
        );
        let bob_withdraw = local(
            &mail_to("bob@example.org")
                .link_containing("/withdraw/")
                .expect("Bob's withdrawal link"),
        );

        // Ann confirms, then changes her mind: opening the link shows a button and deletes nothing.
        let (_, page) = app.get(&confirm).await;
        let csrf = common::app::extract_csrf(&page).expect("csrf");
        let response = app.post_form(&confirm, &[("csrf", &csrf)]).await;
        let body = response.into_string().await.unwrap_or_default();
        assert!(
            body.contains(&format!("href=\"{withdraw}\"")),
            "{backend:?}: offered at once"
        );
        assert_eq!(app.signature_count(id).await, 1, "{backend:?}");
        let (status, page) = app.get(&withdraw).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Withdraw my signature"), "{page}");
        let head = app.client.head(withdraw.clone()).dispatch().await;
        assert_eq!(head.status(), Status::Ok);
        drop(head);
        assert_eq!(
            signatures(&app).await,
            2,
            "{backend:?}: GET/HEAD delete nothing"
        );
        let response = app.post_form(&withdraw, &[("csrf", "forged")]).await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        assert_eq!(signatures(&app).await, 2);

        let response = app.post_form(&withdraw, &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok, "{backend:?}");
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("Signature withdrawn")
        );
        let left: Vec<String> = signature::Entity::find()
            .all(&app.db)
            .await
            .expect("signatures")
            .into_iter()
            .map(|s| s.email)
            .collect();
        assert_eq!(left, ["bob@example.org"], "{backend:?}: Ann's row is gone");
        assert_eq!(
            app.signature_count(id).await,
            0,
            "{backend:?}: off the count"
        );
        assert_eq!(app.json(id).await["signature_count"], 0);
        let (status, _) = app.get(&withdraw).await;
        assert_eq!(status, Status::NotFound, "{backend:?}: used up");
        let (status, _) = app.get(&confirm).await;
        assert_eq!(
            status,
            Status::NotFound,
            "{backend:?}: nothing left to confirm"
        );
        let response = app.post_form(&withdraw, &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::NotFound);
        drop(response);

        // Bob withdraws before confirming, in French: nothing was counted, nothing stays.
        let (_, page) = app.get_lang(&bob_withdraw, "fr").await;
        assert!(page.contains("Retirer ma signature"), "{backend:?}");
        let response = app
            .post_form_lang(&bob_withdraw, &[("csrf", &csrf)], "fr")
            .await;
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("Signature retirée")
        );
        assert_eq!(signatures(&app).await, 0, "{backend:?}");
        assert_eq!(app.signature_count(id).await, 0);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn signing_twice_before_confirming_answers_the_same_keeps_the_first_details_and_only_the_latest_link_works()
 {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the river").await;
        let a = app.sign(&located, "Bo", "Ng", "bo@example.org").await;
        let (a_status, a_location) = (
            a.status(),
            a.headers().get_one("Location").map(str::to_string),
        );
        drop(a);
        let b = app.sign(&located, "Bo", "Nguyen", "bo@example.org").await;
        assert_eq!(
            (a_status, a_location),
            (
                b.status(),
                b.headers().get_one("Location").map(str::to_string)
            )
        );
        drop(b);
        let mails = smtp.wait_for(2, MAIL_WAIT).await;
        assert_eq!(mails.len(), 2);
        assert_eq!(
            signatures(&app).await,
            1,
            "{backend:?}: one row per address"
        );
        // The two mails may be sent side by side and arrive in either order: the new link is the one
        // whose token the signature now holds.
        let links: Vec<String> = mails
            .iter()
            .map(|m| m.link_containing("/confirm/").expect("link"))
            .collect();
        let held = signature::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("row")
            .confirmation_token_hash;
        let is_current = |link: &String| {
            signons::domain::token::hash(link.rsplit('/').next().unwrap_or_default()) == held
        };
        assert_eq!(
            links.iter().filter(|l| is_current(l)).count(),
            1,
            "{backend:?}"
        );
        let new = links.iter().find(|l| is_current(l)).expect("new").clone();
        let old = links.iter().find(|l| !is_current(l)).expect("old").clone();
        let (status, _) = app.get(&local(&old)).await;
        assert_eq!(status, Status::NotFound, "the first link was replaced");
        let csrf = app.csrf(&local(&new)).await;
        let response = app.post_form(&local(&new), &[("csrf", &csrf)]).await;
        assert_eq!(response.status(), Status::Ok);
        drop(response);
        assert_eq!(app.signature_count(located.petition.id).await, 1);
        let stored = signature::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("row");
        // Someone else typing the same address cannot rewrite what the first signer gave: it stays
        // until the address's owner confirms what the confirmation page showed them.
        assert_eq!(
            stored.last_name, "Ng",
            "the first details are kept while unconfirmed"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_sign_form_sent_from_another_site_changes_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the bees").await;
        let path = format!("/petitions/{}/sign", located.petition.id);
        let fields = [
            ("first_name", "Eve"),
            ("last_name", "Forger"),
            ("email", "eve@example.org"),
        ];

        // The page the form is on holds no token: every anonymous visitor gets the same bytes.
        let (_, page) = app.get(&located.path()).await;
        assert!(
            page.contains(&format!("action=\"{path}#error-summary\"")),
            "{page}"
        );
        assert!(
            common::app::extract_csrf(&page).is_none(),
            "no token: {page}"
        );

        // From another site, however the browser says so (or says nothing): refused.
        for from in Provenance::FORGED {
            let response = app.post_form_from(&path, &fields, "en", from).await;
            assert_eq!(
                response.status(),
                Status::Forbidden,
                "{backend:?}: sent {from:?}"
            );
            let body = response.into_string().await.unwrap_or_default();
            assert!(body.contains("This form has expired"), "{from:?}: {body}");
        }

        // A visitor with a token cookie, posting a forged token from elsewhere.
        let _ = app.csrf("/login").await;
        let mut forged = fields.to_vec();
        forged.push(("csrf", "forged-token-forged-token-forged-token-xx"));
        let response = app
            .post_form_from(&path, &forged, "en", Provenance::ForeignOrigin)
            .await;
        assert_eq!(
            response.status(),
            Status::Forbidden,
            "{backend:?}: forged token"
        );
        drop(response);

        // In French too.
        let response = app
            .post_form_from(&path, &fields, "fr", Provenance::CrossSite)
            .await;
        assert_eq!(response.status(), Status::Forbidden);
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("Ce formulaire a expiré")
        );

        assert_eq!(signatures(&app).await, 0, "{backend:?}: nothing stored");
        let queued = mail_queue::Entity::find()
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(queued, 0, "{backend:?}: nothing queued");

        // The confirmation button is protected the same way.
        let response = app.post_form("/confirm/whatever", &[]).await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn invalid_fields_are_answered_with_the_form_translated_messages_and_what_was_typed() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the library").await;
        let csrf = app.csrf(&located.path()).await;
        let path = format!("/petitions/{}/sign", located.petition.id);
        let response = app
            .post_form(
                &path,
                &[
                    ("csrf", &csrf),
                    ("first_name", "Zoë"),
                    ("last_name", ""),
                    ("email", "not-an-address"),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            Status::UnprocessableEntity,
            "{backend:?}"
        );
        let body = response.into_string().await.unwrap_or_default();
        assert!(
            body.contains("value=\"Zoë\""),
            "what was typed is kept: {body}"
        );
        assert!(body.contains("value=\"not-an-address\""));
        assert!(body.contains("Please fill in this field."));
        assert!(body.contains("Please enter a valid e-mail address"));

        let response = app
            .post_form_lang(
                &path,
                &[
                    ("csrf", &csrf),
                    ("first_name", "Zoë"),
                    ("last_name", ""),
                    ("email", "x"),
                ],
                "fr",
            )
            .await;
        let body = response.into_string().await.unwrap_or_default();
        assert!(body.contains("Veuillez remplir ce champ."), "{body}");
        assert_eq!(signatures(&app).await, 0);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_french_reader_gets_french_pages_and_a_french_confirmation_mail() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Sauvons le parc").await;
        let (status, page) = app
            .get_lang(&located.path(), "fr-FR,fr;q=0.9,en;q=0.5")
            .await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("<html lang=\"fr\" dir=\"ltr\">"), "{page}");
        assert!(page.contains("Signer cette pétition"));
        let response = app
            .post_form_lang(
                &format!("/petitions/{}/sign", located.petition.id),
                &[
                    ("first_name", "Élodie"),
                    ("last_name", "Dupré"),
                    ("email", "elodie@example.fr"),
                ],
                "fr",
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        let mails = smtp.wait_for(1, MAIL_WAIT).await;
        assert_eq!(mails.len(), 1, "{backend:?}");
        assert!(
            mails[0].subject().starts_with("Confirmez votre signature"),
            "{}",
            mails[0].subject()
        );
        assert!(
            mails[0].text().contains("Bonjour Élodie"),
            "{}",
            mails[0].text()
        );
        assert!(
            mails[0]
                .html()
                .unwrap_or_default()
                .contains("Confirmer ma signature")
        );
        let (_, page) = app.get_lang("/petitions/1/signed", "fr").await;
        assert!(
            page.contains("Consultez votre boîte de réception"),
            "{page}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_robot_filling_the_hidden_field_is_answered_like_a_person_and_nothing_is_stored() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the trees").await;
        let csrf = app.csrf(&located.path()).await;
        let response = app
            .post_form(
                &format!("/petitions/{}/sign", located.petition.id),
                &[
                    ("csrf", &csrf),
                    ("first_name", "Bot"),
                    ("last_name", "Bot"),
                    ("email", "bot@example.org"),
                    ("website", "http://spam.example"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther);
        drop(response);
        assert_eq!(signatures(&app).await, 0, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn two_hundred_concurrent_signers_are_all_stored_and_mailed_without_error() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        let located = app.petition("Save the square").await;
        let csrf = app.csrf(&located.path()).await;
        let path = format!("/petitions/{}/sign", located.petition.id);
        let emails: Vec<String> = (0..200).map(|i| format!("signer{i}@example.org")).collect();
        let requests = emails.iter().map(|email| {
            let fields = [
                ("csrf", csrf.as_str()),
                ("first_name", "Sam"),
                ("last_name", "Concurrent"),
                ("email", email.as_str()),
            ];
            let body = common::app::encode_form(&fields);
            let request = app
                .client
                .post(path.clone())
                .header(rocket::http::ContentType::Form)
                // Sent from the petition page, as a browser says.
                .header(rocket::http::Header::new("Sec-Fetch-Site", "same-origin"))
                .body(body);
            async move { request.dispatch().await.status() }
        });
        let statuses = futures_util::future::join_all(requests).await;
        let refused: Vec<_> = statuses
            .iter()
            .filter(|s| **s != Status::SeeOther)
            .collect();
        assert!(
            refused.is_empty(),
            "{backend:?}: refused answers {refused:?}"
        );
        assert_eq!(signatures(&app).await, 200, "{backend:?}");
        let delivered = smtp.wait_for(200, Duration::from_secs(60)).await;
        assert_eq!(
            delivered.len(),
            200,
            "{backend:?}: every confirmation delivered"
        );
        let mut recipients: Vec<String> = delivered.iter().flat_map(|m| m.to.clone()).collect();
        recipients.sort();
        recipients.dedup();
        assert_eq!(recipients.len(), 200, "each signer got exactly one mail");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn concurrent_confirmations_keep_the_count_exact() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let located = app.petition("Save the pond").await;
        // 40 signers, each confirming their own link three times at once.
        let mut tokens = Vec::new();
        for i in 0..40 {
            let token = signons::domain::token::generate();
            let now = signons::domain::now();
            let row = signature::ActiveModel {
                petition_id: sea_orm::Set(located.petition.id),
                first_name: sea_orm::Set("C".into()),
                last_name: sea_orm::Set(format!("{i}")),
                email: sea_orm::Set(format!("c{i}@example.org")),
                newsletter: sea_orm::Set(false),
                confirmation_token_hash: sea_orm::Set(signons::domain::token::hash(&token)),
                created_at: sea_orm::Set(now),
                updated_at: sea_orm::Set(now),
                ..Default::default()
            };
            sea_orm::ActiveModelTrait::insert(row, &app.db)
                .await
                .expect("insert");
            tokens.push(token);
        }
        let confirmations = tokens
            .iter()
            .flat_map(|t| std::iter::repeat_n(t.clone(), 3))
            .map(|token| {
                let db = app.db.clone();
                tokio::spawn(async move {
                    signons::domain::signing::signature::confirm(&db, &token)
                        .await
                        .map(|p| p.is_some())
                })
            });
        for result in futures_util::future::join_all(confirmations).await {
            assert!(matches!(result, Ok(Ok(true))), "{backend:?}: {result:?}");
        }
        assert_eq!(
            app.signature_count(located.petition.id).await,
            40,
            "{backend:?}"
        );
        let confirmed = signature::Entity::find()
            .filter(signature::Column::ConfirmedAt.is_not_null())
            .count(&app.db)
            .await
            .expect("count");
        assert_eq!(confirmed, 40);
        app.finish().await;
    }
}
