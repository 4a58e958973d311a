//! Members of an association create their organization, invite each other (by username, or by
//! e-mail through a real SMTP server), and each can do exactly what the organization allows them.
mod common;

use std::time::Duration;

use common::app::{TestApp, backends, local};
use common::people::{PASSWORD, create_org, join, log_in, log_out, post, register, user_id};
use common::smtp::SmtpServer;
use rocket::http::Status;
use sea_orm::{EntityTrait, PaginatorTrait};
use signons::domain::people::permission::Permission;
use signons::entity::{invitation, membership};

async fn member(app: &TestApp, slug: &str, username: &str) -> Option<membership::Model> {
    let org = signons::domain::people::organization::find_by_slug(&app.db, slug)
        .await
        .expect("query")
        .expect("org");
    signons::domain::people::permission::membership(&app.db, user_id(app, username).await, org.id)
        .await
        .expect("query")
}

async fn invitations(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

#[rocket::async_test]
async fn the_creator_holds_every_permission_and_the_profile_lists_published_petitions() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Les Amis du Parc").await;
        assert_eq!(slug, "les-amis-du-parc");
        let me = member(&app, &slug, "ana").await.expect("a member");
        assert!(
            Permission::ALL.iter().all(|p| p.granted_by(&me)),
            "{backend:?}"
        );
        let (status, page) = app.get(&format!("/organizations/{slug}")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Les Amis du Parc"));
        let (status, profile) = app.get(&format!("/o/{slug}")).await;
        assert_eq!(status, Status::Ok);
        assert!(profile.contains("Les Amis du Parc"));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_member_invited_by_username_joins_with_the_default_permissions_or_declines() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "ben").await;
        register(&app, "cleo").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        join(&app, &slug, "ana", "ben").await;
        let ben = member(&app, &slug, "ben").await.expect("ben joined");
        let granted: Vec<Permission> = Permission::ALL
            .iter()
            .copied()
            .filter(|p| p.granted_by(&ben))
            .collect();
        assert_eq!(
            granted,
            Permission::NEW_MEMBER.to_vec(),
            "{backend:?}: create/modify petitions and templates only"
        );
        assert_eq!(
            invitations(&app).await,
            0,
            "the answered invitation is gone"
        );

        log_in(&app, "ana").await;
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/invite"),
                &[("who", "cleo")]
            )
            .await,
            Status::SeeOther
        );
        let pending = invitation::Entity::find()
            .one(&app.db)
            .await
            .expect("query")
            .expect("invitation");
        log_in(&app, "cleo").await;
        assert_eq!(
            post(&app, &format!("/invitations/{}/decline", pending.id), &[]).await,
            Status::SeeOther
        );
        assert!(member(&app, &slug, "cleo").await.is_none());
        assert_eq!(invitations(&app).await, 0);

        // Inviting nobody, or a member again, is refused with a message.
        log_in(&app, "ana").await;
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/organizations/{slug}/invite"),
                &[("csrf", &csrf), ("who", "nobody")],
            )
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("There is no account with this username")
        );
        let response = app
            .post_form(
                &format!("/organizations/{slug}/invite"),
                &[("csrf", &csrf), ("who", "ben")],
            )
            .await;
        assert!(
            response
                .into_string()
                .await
                .unwrap_or_default()
                .contains("already a member")
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_invitation_by_email_reaches_the_mailbox_and_a_person_without_an_account_registers_and_joins()
 {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::builder(backend).smtp(&smtp.url()).build().await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/invite"),
                &[("who", "Dana@Example.org")]
            )
            .await,
            Status::SeeOther
        );
        let mail = smtp
            .wait_for_to("dana@example.org", Duration::from_secs(15))
            .await
            .expect("the invitation arrives");
        assert!(
            mail.subject().contains("Park Friends"),
            "{}",
            mail.subject()
        );
        let link = mail.link_containing("/invitations/").expect("a link");

        log_out(&app).await;
        let (status, page) = app.get(&local(&link)).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("/register?next="), "{page}");
        // Registering through the link comes back to the invitation.
        let csrf = app.csrf("/register").await;
        let response = app
            .post_form(
                "/register",
                &[
                    ("csrf", &csrf),
                    ("username", "dana"),
                    ("email", "dana@example.org"),
                    ("password", PASSWORD),
                    ("next", &local(&link)),
                ],
            )
            .await;
        let encoded: String =
            url::form_urlencoded::byte_serialize(local(&link).as_bytes()).collect();
        assert_eq!(
            response.headers().get_one("Location"),
            Some(format!("/register/sent?next={encoded}").as_str())
        );
        drop(response);
        // Her address is verified by the welcome mail; logging in comes back to the invitation.
        common::accounts::verify_address(&app, "dana@example.org").await;
        let (_, sent) = app.get(&format!("/register/sent?next={encoded}")).await;
        assert!(sent.contains("/login?next="), "{sent}");
        let csrf = app.csrf("/login").await;
        let response = app
            .post_form(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("login", "dana"),
                    ("password", PASSWORD),
                    ("next", &local(&link)),
                ],
            )
            .await;
        assert_eq!(
            response.headers().get_one("Location"),
            Some(local(&link).as_str())
        );
        drop(response);
        let (_, page) = app.get(&local(&link)).await;
        let token = local(&link).trim_start_matches("/invitations/").to_string();
        let at = page.find("action=\"/invitations/").expect("an accept form");
        let id: String = page[at + "action=\"/invitations/".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert_eq!(
            post(
                &app,
                &format!("/invitations/{id}/accept"),
                &[("token", &token)]
            )
            .await,
            Status::SeeOther
        );
        assert!(
            member(&app, &slug, "dana").await.is_some(),
            "{backend:?}: dana joined"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_last_administrator_can_neither_leave_nor_be_removed_nor_lose_the_right_while_others_remain()
 {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "ben").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        join(&app, &slug, "ana", "ben").await;
        let ana = user_id(&app, "ana").await.to_string();
        let ben = user_id(&app, "ben").await.to_string();

        log_in(&app, "ana").await;
        assert_eq!(
            post(&app, &format!("/organizations/{slug}/leave"), &[]).await,
            Status::Conflict,
            "{backend:?}: leave"
        );
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/members/{ana}/remove"),
                &[]
            )
            .await,
            Status::Conflict,
            "remove self"
        );
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/members/{ana}/permissions"),
                &[("add_members", "true")]
            )
            .await,
            Status::Conflict,
            "drop own right"
        );
        assert!(
            member(&app, &slug, "ana")
                .await
                .expect("still a member")
                .can_modify_permissions
        );

        // Once ben is an administrator too, ana may go.
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/members/{ben}/permissions"),
                &[("modify_permissions", "true")]
            )
            .await,
            Status::SeeOther
        );
        assert_eq!(
            post(&app, &format!("/organizations/{slug}/leave"), &[]).await,
            Status::SeeOther
        );
        assert!(member(&app, &slug, "ana").await.is_none());
        // ben is now alone: he may not drop his own right, but may leave.
        log_in(&app, "ben").await;
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/members/{ben}/permissions"),
                &[]
            )
            .await,
            Status::Conflict,
            "the last administrator never gives up the right"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn each_organization_route_answers_each_kind_of_visitor_and_refusals_change_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        for name in ["ana", "ben", "cleo", "olga", "target"] {
            register(&app, name).await;
        }
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        log_in(&app, "olga").await;
        create_org(&app, "Other Org").await;
        join(&app, &slug, "ana", "ben").await; // default permissions: none of the member-management ones
        join(&app, &slug, "ana", "cleo").await;
        join(&app, &slug, "ana", "target").await;
        let cleo = user_id(&app, "cleo").await.to_string();
        log_in(&app, "ana").await;
        let all: Vec<(&str, &str)> = Permission::ALL.iter().map(|p| (p.name(), "true")).collect();
        let mut cleo_rights = all.clone();
        cleo_rights.retain(|(name, _)| *name != "modify_petitions"); // everything but one unrelated right
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/members/{cleo}/permissions"),
                &cleo_rights
            )
            .await,
            Status::SeeOther
        );
        let target = user_id(&app, "target").await.to_string();

        // (visitor, logged in as)
        let visitors: [(&str, Option<&str>); 4] = [
            ("anonymous", None),
            ("member of another organization", Some("olga")),
            ("member without the permission", Some("ben")),
            ("member with it", Some("cleo")),
        ];
        for (who, login) in visitors {
            match login {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            let allowed = who == "member with it";
            let is_member = who.starts_with("member with");
            let (status, _) = app.get(&format!("/organizations/{slug}")).await;
            assert_eq!(
                status == Status::Ok,
                is_member,
                "{backend:?} {who}: members page {status}"
            );

            // invite (add members)
            let before = invitations(&app).await;
            let status = post(
                &app,
                &format!("/organizations/{slug}/invite"),
                &[("who", "someone@example.org")],
            )
            .await;
            assert_eq!(
                status,
                if allowed {
                    Status::SeeOther
                } else {
                    Status::NotFound
                },
                "{backend:?} {who}: invite"
            );
            assert_eq!(
                invitations(&app).await,
                before + u64::from(allowed),
                "{who}: invitation rows"
            );

            // permissions (modify permissions)
            let status = post(
                &app,
                &format!("/organizations/{slug}/members/{target}/permissions"),
                &[("view_signatures", "true")],
            )
            .await;
            assert_eq!(
                status,
                if allowed {
                    Status::SeeOther
                } else {
                    Status::NotFound
                },
                "{backend:?} {who}: permissions"
            );
            let t = member(&app, &slug, "target")
                .await
                .expect("target still a member");
            assert_eq!(
                t.can_view_signatures, allowed,
                "{who}: permissions unchanged when refused"
            );
            assert_eq!(t.can_create_petitions, !allowed, "{who}");

            // remove (remove members) — last, since it removes the target
            let status = post(
                &app,
                &format!("/organizations/{slug}/members/{target}/remove"),
                &[],
            )
            .await;
            assert_eq!(
                status,
                if allowed {
                    Status::SeeOther
                } else {
                    Status::NotFound
                },
                "{backend:?} {who}: remove"
            );
            assert_eq!(
                member(&app, &slug, "target").await.is_none(),
                allowed,
                "{who}: membership unchanged when refused"
            );
        }
        // Refused without a CSRF token, whoever asks.
        let response = app
            .post_form(&format!("/organizations/{slug}/leave"), &[])
            .await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        assert!(member(&app, &slug, "cleo").await.is_some());
        app.finish().await;
    }
}

/// "Send the invitation" says it was sent; the members page lists the invitations waiting for an
/// answer (to whom, from whom) to those who may invite, and lets them cancel one: its link and its
/// place on the invitee's dashboard are gone. Inviting the same person twice is refused.
#[rocket::async_test]
async fn pending_invitations_are_listed_announced_and_can_be_cancelled() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "ben").await;
        register(&app, "cleo").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        join(&app, &slug, "ana", "ben").await;

        log_in(&app, "ana").await;
        for who in ["cleo", "dan@example.org"] {
            let csrf = app.csrf("/").await;
            let response = app
                .post_form(
                    &format!("/organizations/{slug}/invite"),
                    &[("csrf", &csrf), ("who", who)],
                )
                .await;
            assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
            assert_eq!(
                response.headers().get_one("Location"),
                Some(&*format!("/organizations/{slug}?done=invited#invitations"))
            );
        }
        let (status, page) = app
            .get(&format!("/organizations/{slug}?done=invited"))
            .await;
        assert_eq!(status, Status::Ok);
        assert!(
            page.contains("The invitation is sent."),
            "{backend:?}: {page}"
        );
        assert!(page.contains("<strong>cleo</strong>"), "{backend:?}");
        assert!(page.contains("<strong>dan@example.org</strong>"));
        assert!(page.contains("invited by ana on "), "{backend:?}");

        // The same person again: refused, what was typed kept.
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/organizations/{slug}/invite"),
                &[("csrf", &csrf), ("who", "cleo")],
            )
            .await;
        assert_eq!(response.status(), Status::UnprocessableEntity);
        let page = response.into_string().await.unwrap_or_default();
        assert!(page.contains("already been invited"), "{backend:?}: {page}");
        assert!(page.contains("value=\"cleo\""), "{backend:?}");
        assert_eq!(invitations(&app).await, 2);

        // A member who may not invite sees no addresses.
        log_in(&app, "ben").await;
        let (_, page) = app.get(&format!("/organizations/{slug}")).await;
        assert!(!page.contains("dan@example.org"), "{backend:?}");
        let cleo = user_id(&app, "cleo").await;
        let cleos = invitation::Entity::find()
            .all(&app.db)
            .await
            .expect("query")
            .into_iter()
            .find(|i| i.user_id == Some(cleo))
            .expect("cleo's invitation")
            .id;
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/invitations/{cleos}/cancel"),
                &[]
            )
            .await,
            Status::NotFound,
            "{backend:?}: ben may not cancel"
        );
        assert_eq!(invitations(&app).await, 2);

        // Cancelled: gone from the list and from cleo's dashboard; answering it finds nothing.
        log_in(&app, "ana").await;
        let csrf = app.csrf("/").await;
        let response = app
            .post_form(
                &format!("/organizations/{slug}/invitations/{cleos}/cancel"),
                &[("csrf", &csrf)],
            )
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        let to = response
            .headers()
            .get_one("Location")
            .unwrap_or_default()
            .to_string();
        drop(response);
        // As a browser does: the fragment stays on the client.
        let (_, page) = app.get(to.split('#').next().unwrap_or_default()).await;
        assert!(page.contains("The invitation is cancelled"), "{backend:?}");
        assert!(!page.contains("<strong>cleo</strong>"), "{backend:?}");
        assert!(page.contains("<strong>dan@example.org</strong>"));
        assert_eq!(invitations(&app).await, 1);
        log_in(&app, "cleo").await;
        let (_, dashboard) = app.get("/dashboard").await;
        assert!(!dashboard.contains("/invitations/"), "{backend:?}");
        assert_eq!(
            post(&app, &format!("/invitations/{cleos}/accept"), &[]).await,
            Status::NotFound
        );
        assert!(member(&app, &slug, "cleo").await.is_none());
        app.finish().await;
    }
}

#[rocket::async_test]
async fn removing_a_member_and_leaving_ask_once_more_before_acting() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "bob").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        join(&app, &slug, "ana", "bob").await;
        log_in(&app, "ana").await;
        let (status, page) = app.get(&format!("/organizations/{slug}")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        // The button that acts is inside a closed <details>: a first press only opens it and says
        // what will happen; nothing changes until the second.
        let remove = format!(
            "<details class=\"confirm\">\n      <summary>Remove bob</summary>\n      <p>bob will no longer see or manage this organization&#x27;s petitions.</p>\n      <form method=\"post\" action=\"/organizations/{slug}/members/{}/remove\">",
            user_id(&app, "bob").await
        );
        assert!(page.contains(&remove), "{backend:?}: {page}");
        assert!(
            page.contains("<summary>Leave this organization</summary>"),
            "{backend:?}"
        );
        assert!(member(&app, &slug, "bob").await.is_some(), "{backend:?}");
        app.finish().await;
    }
}
