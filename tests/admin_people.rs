//! The accounts of an instance, as its administrators run them (issue 11, people): `/admin/users`
//! finds an account and shows what it holds; an administrator blocks it (no login, its sessions
//! end, its petitions a 404 at once) and unblocks it (all back as it was), gives and takes
//! instance roles, deletes it after a confirmation page by the rules of leaving. The instance
//! always keeps an administrator who can log in; every decision is a line of the audit log, and a
//! refused request changes nothing and writes none.
mod common;

use common::app::{TestApp, backends};
use common::people::{PASSWORD, get_as, person, personal, post_as, user_model};
use rocket::http::{ContentType, Status};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use signons::domain::administration::audit::Actor;
use signons::domain::administration::people::{self, Account, PeopleError};
use signons::domain::administration::roles::Role;
use signons::domain::people::permission::Permission;
use signons::domain::people::{account, organization};
use signons::entity::{
    audit_entry, mail_queue, membership, petition as petition_entity, signature, user,
};

/// Logs in through the form in the client's own cookie jar; the status and the page.
async fn log_in(app: &TestApp, login: &str, password: &str) -> (Status, String) {
    let csrf = app.csrf("/login").await;
    let response = app
        .post_form(
            "/login",
            &[("csrf", &csrf), ("login", login), ("password", password)],
        )
        .await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

async fn actions(app: &TestApp) -> Vec<(String, String)> {
    audit_entry::Entity::find()
        .all(&app.db)
        .await
        .expect("log")
        .into_iter()
        .map(|e| (e.action, e.target_label))
        .collect()
}

async fn audit_count(app: &TestApp) -> u64 {
    audit_entry::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

/// Gives `who` a membership of `org` with `permissions`.
async fn member(app: &TestApp, org: i32, who: &str, permissions: &[Permission]) {
    let mut m = membership::ActiveModel {
        organization_id: Set(org),
        user_id: Set(user_model(app, who).await.id),
        created_at: Set(time::OffsetDateTime::now_utc()),
        ..Default::default()
    };
    for p in Permission::ALL {
        p.grant(&mut m, permissions.contains(&p));
    }
    m.insert(&app.db).await.expect("membership");
}

#[rocket::async_test]
async fn a_blocked_account_cannot_log_in_nor_use_its_session_and_its_petitions_are_404_until_unblocked()
 {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        let ana = person(&app, "ana").await;
        let open = personal(&app, "ana", "Save the old oak", true).await;
        let hidden = personal(&app, "ana", "Buy cheap pills", true).await;
        // A moderator hid this one before: unblocking must not bring it back.
        let mut active = hidden.petition.clone().into_active_model();
        active.moderated = Set(true);
        active.moderation_reason = Set(Some("spam".into()));
        active.update(&app.db).await.expect("hide");
        let path = open.path();
        let json = format!("/api/petitions/{}", open.petition.id);

        // The page is in the page cache before the block.
        assert_eq!(app.get(&path).await.0, Status::Ok, "{backend:?}");
        assert_eq!(app.get(&json).await.0, Status::Ok, "{backend:?}");
        assert!(app.get("/").await.1.contains("Save the old oak"));
        assert_eq!(get_as(&app, Some(&ana), "/dashboard").await.0, Status::Ok);

        let id = user_model(&app, "ana").await.id;
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/users/{id}/block"),
            &[("reason", "Spam account")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");

        // Its open session ends at once.
        assert_ne!(
            get_as(&app, Some(&ana), "/dashboard").await.0,
            Status::Ok,
            "{backend:?}: the session of a blocked account opens nothing"
        );
        // The right password is told of the block; a wrong one is answered as always.
        let (status, page) = log_in(&app, "ana", PASSWORD).await;
        assert_eq!(status, Status::Forbidden, "{backend:?}");
        assert!(page.contains("blocked by the administrators"), "{page}");
        let (status, page) = log_in(&app, "ana", "not the password at all").await;
        assert_eq!(status, Status::Unauthorized, "{backend:?}");
        assert!(!page.contains("blocked"), "{page}");
        // Its petitions are a 404 at once, and leave the lists.
        assert_eq!(app.get(&path).await.0, Status::NotFound, "{backend:?}");
        assert_eq!(app.get(&json).await.0, Status::NotFound, "{backend:?}");
        assert!(!app.get("/").await.1.contains("Save the old oak"));
        assert!(!app.get("/u/ana").await.1.contains("Save the old oak"));
        // The moderators still see it, and why the public does not.
        let (status, page, _) = get_as(&app, Some(&root), &path).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            page.contains("is blocked: the public does not see it"),
            "{page}"
        );
        // The account's page says so.
        let (status, page, _) = get_as(&app, Some(&root), &format!("/admin/users/{id}")).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Unblock this account"), "{page}");

        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/users/{id}/unblock"),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert_eq!(log_in(&app, "ana", PASSWORD).await.0, Status::SeeOther);
        // Seen by the public again (Ana, logged in, would see her hidden one too).
        common::people::log_out(&app).await;
        assert_eq!(app.get(&path).await.0, Status::Ok, "{backend:?}");
        assert!(app.get("/").await.1.contains("Save the old oak"));
        // What a moderator decided stays decided.
        let still_hidden = petition_entity::Entity::find_by_id(hidden.petition.id)
            .one(&app.db)
            .await
            .expect("query")
            .expect("petition");
        assert!(still_hidden.moderated, "{backend:?}");
        assert_eq!(app.get(&hidden.path()).await.0, Status::NotFound);

        let log = actions(&app).await;
        assert!(
            log.contains(&("block-account".into(), "ana".into())),
            "{log:?}"
        );
        assert!(
            log.contains(&("unblock-account".into(), "ana".into())),
            "{log:?}"
        );
        let reason = audit_entry::Entity::find()
            .filter(audit_entry::Column::Action.eq("block-account"))
            .one(&app.db)
            .await
            .expect("query")
            .expect("line");
        assert_eq!(reason.reason, "Spam account");
        assert_eq!(reason.actor_name, "root");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_signature_sent_from_a_page_loaded_before_the_owner_was_blocked_is_refused_and_not_kept()
{
    for backend in backends() {
        // The longest page cache: this instance still holds the petition as it was before the
        // block, which is decided elsewhere (the command line, or another instance).
        let app = TestApp::builder(backend)
            .set("page_cache_millis", 1500)
            .build()
            .await;
        person(&app, "root").await;
        person(&app, "ana").await;
        let oak = personal(&app, "ana", "Save the old oak", true).await;
        let id = oak.petition.id;
        let response = app.sign(&oak, "Ben", "Martin", "ben@example.org").await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);
        let csrf = app.csrf(&oak.path()).await;

        people::block(
            &app.db,
            &Actor::command_line(),
            Account::Username("ana"),
            "Spam account",
        )
        .await
        .expect("blocked");

        let response = app
            .post_form(
                &format!("/petitions/{id}/sign"),
                &[
                    ("csrf", &csrf),
                    ("first_name", "Chloé"),
                    ("last_name", "Durand"),
                    ("email", "chloe@example.org"),
                ],
            )
            .await;
        assert_eq!(response.status(), Status::NotFound, "{backend:?}");
        drop(response);
        let kept: Vec<String> = signature::Entity::find()
            .filter(signature::Column::PetitionId.eq(id))
            .all(&app.db)
            .await
            .expect("signatures")
            .into_iter()
            .map(|s| s.email)
            .collect();
        assert_eq!(kept, ["ben@example.org"], "{backend:?}");
        let mailed = mail_queue::Entity::find()
            .filter(mail_queue::Column::Recipient.eq("chloe@example.org"))
            .count(&app.db)
            .await
            .expect("mail");
        assert_eq!(mailed, 0, "{backend:?}: no confirmation link");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn a_moderator_made_on_the_people_page_gets_the_moderation_queue_and_loses_it_when_demoted() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        let mia = person(&app, "mia").await;
        let id = user_model(&app, "mia").await.id;
        assert_eq!(
            get_as(&app, Some(&mia), "/admin/moderation").await.0,
            Status::NotFound
        );

        let role = format!("/admin/users/{id}/role");
        let given = [("role", "moderator"), ("grant", "1")];
        assert_eq!(
            post_as(&app, Some(&root), &role, &given).await.0,
            Status::SeeOther
        );
        assert_eq!(
            get_as(&app, Some(&mia), "/admin/moderation").await.0,
            Status::Ok,
            "{backend:?}"
        );
        // A moderator does not run the accounts.
        assert_eq!(
            get_as(&app, Some(&mia), "/admin/users").await.0,
            Status::NotFound
        );

        let taken = [("role", "moderator"), ("grant", "0")];
        assert_eq!(
            post_as(&app, Some(&root), &role, &taken).await.0,
            Status::SeeOther
        );
        assert_eq!(
            get_as(&app, Some(&mia), "/admin/moderation").await.0,
            Status::NotFound,
            "{backend:?}"
        );

        // An administrator made here runs the accounts; taken away, no more.
        let admin = [("role", "admin"), ("grant", "1")];
        post_as(&app, Some(&root), &role, &admin).await;
        assert_eq!(get_as(&app, Some(&mia), "/admin/users").await.0, Status::Ok);
        let unadmin = [("role", "admin"), ("grant", "0")];
        post_as(&app, Some(&root), &role, &unadmin).await;
        assert_eq!(
            get_as(&app, Some(&mia), "/admin/users").await.0,
            Status::NotFound
        );

        let log = actions(&app).await;
        for action in [
            "grant-moderator",
            "revoke-moderator",
            "grant-administrator",
            "revoke-administrator",
        ] {
            assert!(log.contains(&(action.into(), "mia".into())), "{log:?}");
        }
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_last_administrator_can_be_neither_demoted_nor_blocked_nor_deleted() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        let id = user_model(&app, "root").await.id;
        let before = audit_count(&app).await;

        // On the site: the last administrator demoting themself, blocking or deleting themself.
        let (status, page) = post_as(
            &app,
            Some(&root),
            &format!("/admin/users/{id}/role"),
            &[("role", "admin"), ("grant", "0")],
        )
        .await;
        assert_eq!(status, Status::Conflict, "{backend:?}");
        assert!(page.contains("last administrator"), "{page}");
        for action in ["block", "delete"] {
            let (status, _) = post_as(
                &app,
                Some(&root),
                &format!("/admin/users/{id}/{action}"),
                &[],
            )
            .await;
            assert_eq!(status, Status::Conflict, "{backend:?}: {action}");
        }

        // On the command line, where nobody is logged in.
        let cli = Actor::command_line();
        let which = Account::Username("root");
        assert!(matches!(
            people::set_role(&app.db, &cli, which, Role::Administrator, false).await,
            Err(PeopleError::LastAdministrator)
        ));
        assert!(matches!(
            people::block(&app.db, &cli, which, "").await,
            Err(PeopleError::LastAdministrator)
        ));
        assert!(matches!(
            people::delete(&app.db, &cli, which, "").await,
            Err(PeopleError::LastAdministrator)
        ));
        let root_now = user_model(&app, "root").await;
        assert!(root_now.is_admin && root_now.blocked_at.is_none());
        assert_eq!(audit_count(&app).await, before, "{backend:?}");

        // A blocked administrator does not count: the other one is then the last.
        person(&app, "bea").await;
        people::set_role(
            &app.db,
            &cli,
            Account::Username("bea"),
            Role::Administrator,
            true,
        )
        .await
        .expect("bea admin");
        people::block(&app.db, &cli, Account::Username("bea"), "")
            .await
            .expect("bea blocked");
        assert!(matches!(
            people::set_role(&app.db, &cli, which, Role::Administrator, false).await,
            Err(PeopleError::LastAdministrator)
        ));
        app.finish().await;
    }
}

#[rocket::async_test]
async fn deleting_an_account_asks_first_and_follows_the_rules_of_leaving() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        person(&app, "ana").await;
        person(&app, "bob").await;
        person(&app, "cleo").await;
        let ana = user_model(&app, "ana").await;
        let bob = user_model(&app, "bob").await;
        let alone = organization::create(&app.db, "Ana Alone", &ana)
            .await
            .expect("org");
        let shared = organization::create(&app.db, "Shared Garden", &bob)
            .await
            .expect("org");
        member(&app, shared.id, "cleo", &Permission::NEW_MEMBER).await;
        let oak = personal(&app, "ana", "Save the old oak", true).await;

        // The confirmation page says what goes; nothing is deleted by opening it.
        let (status, page, _) = get_as(
            &app,
            Some(&root),
            &format!("/admin/users/{}/delete", ana.id),
        )
        .await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("Ana Alone"), "{page}");
        assert!(page.contains("Delete the account"), "{page}");

        // Bob is the last administrator of an organization with another member: refused.
        let (status, page, _) = get_as(
            &app,
            Some(&root),
            &format!("/admin/users/{}/delete", bob.id),
        )
        .await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Shared Garden"), "{page}");
        let before = audit_count(&app).await;
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/users/{}/delete", bob.id),
            &[],
        )
        .await;
        assert_eq!(status, Status::Conflict, "{backend:?}");
        assert!(
            account::find_by_username(&app.db, "bob")
                .await
                .expect("q")
                .is_some()
        );
        assert_eq!(audit_count(&app).await, before);

        // Ana goes, with her petition and the organization she alone belonged to.
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/users/{}/delete", ana.id),
            &[("reason", "Asked by mail")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert!(
            account::find_by_username(&app.db, "ana")
                .await
                .expect("q")
                .is_none()
        );
        assert!(
            organization::find_by_slug(&app.db, &alone.slug)
                .await
                .expect("q")
                .is_none()
        );
        assert!(
            petition_entity::Entity::find_by_id(oak.petition.id)
                .one(&app.db)
                .await
                .expect("q")
                .is_none()
        );
        assert_eq!(app.get(&oak.path()).await.0, Status::NotFound);

        // Once Cleo may modify permissions, Bob may go and the organization stays.
        let mut m = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_model(&app, "cleo").await.id))
            .one(&app.db)
            .await
            .expect("q")
            .expect("membership")
            .into_active_model();
        m.can_modify_permissions = Set(true);
        m.update(&app.db).await.expect("grant");
        let (status, _) = post_as(
            &app,
            Some(&root),
            &format!("/admin/users/{}/delete", bob.id),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        assert!(
            organization::find_by_slug(&app.db, &shared.slug)
                .await
                .expect("q")
                .is_some()
        );

        let log = actions(&app).await;
        assert!(
            log.contains(&("delete-account".into(), "ana".into())),
            "{log:?}"
        );
        assert!(
            log.contains(&("delete-account".into(), "bob".into())),
            "{log:?}"
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn people_pages_search_accounts_and_show_what_each_holds() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        person(&app, "elodie").await;
        person(&app, "marc").await;
        let elodie = user_model(&app, "elodie").await;
        let mut named = elodie.clone().into_active_model();
        named.display_name = Set("Élodie Martin".into());
        named.update(&app.db).await.expect("name");
        organization::create(&app.db, "Friends of the Park", &elodie)
            .await
            .expect("org");
        personal(&app, "elodie", "Save the old oak", true).await;

        let (status, page, _) = get_as(&app, Some(&root), "/admin/users?q=MARTIN").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(page.contains("elodie"), "{page}");
        assert!(!page.contains(">marc<"), "{page}");
        let (_, page, _) = get_as(&app, Some(&root), "/admin/users?q=marc%40example").await;
        assert!(page.contains(">marc<"), "{page}");
        let (_, page, _) = get_as(&app, Some(&root), "/admin/users").await;
        assert!(page.contains(">root<") && page.contains(">marc<"), "{page}");

        let (status, page, _) =
            get_as(&app, Some(&root), &format!("/admin/users/{}", elodie.id)).await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("Friends of the Park"), "{page}");
        assert!(page.contains("Save the old oak"), "{page}");
        assert!(page.contains("Make moderator"), "{page}");
        let (status, page, _) = get_as(&app, Some(&root), "/admin/users/99999").await;
        assert_eq!(status, Status::NotFound, "{page}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_people_search_is_blind_to_accents_and_case_for_accounts_made_before_it_too() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        for (username, name) in [
            ("zlf", "Zoé Lefèvre"),
            ("zbr", "ZOE Brun"),
            ("mdu", "Marc Dupont"),
        ] {
            person(&app, username).await;
            // Only the name is written: the key takes the rest from the stored row.
            user::ActiveModel {
                id: sea_orm::ActiveValue::Unchanged(user_model(&app, username).await.id),
                display_name: Set(name.into()),
                ..Default::default()
            }
            .update(&app.db)
            .await
            .expect("name");
        }
        let found = async |term: &str| {
            let (status, page, _) =
                get_as(&app, Some(&root), &format!("/admin/users?q={term}")).await;
            assert_eq!(status, Status::Ok, "{backend:?}: {term}");
            ["zlf", "zbr", "mdu"]
                .into_iter()
                .filter(|u| page.contains(&format!(">{u}<")))
                .collect::<Vec<_>>()
        };
        assert_eq!(found("zoe").await, ["zlf", "zbr"], "{backend:?}");
        // Zo%C3%A9 is "Zoé".
        assert_eq!(found("Zo%C3%A9").await, ["zlf", "zbr"], "{backend:?}");
        assert_eq!(found("LEFEVRE").await, ["zlf"], "{backend:?}");
        assert_eq!(found("lef%C3%A8vre").await, ["zlf"], "{backend:?}");
        assert_eq!(found("MDU%40EXAMPLE").await, ["mdu"], "{backend:?}");

        // Accounts written before accounts had search keys get theirs at the next start.
        user::Entity::update_many()
            .col_expr(user::Column::SearchKey, Expr::value(Option::<String>::None))
            .exec(&app.db)
            .await
            .expect("keys erased");
        let (rows, _) = people::search(&app.db, "zoe", 0, 50).await.expect("search");
        assert!(rows.is_empty(), "{backend:?}: no key, no match");
        signons::db::migrate(&app.db).await.expect("start again");
        let (rows, total) = people::search(&app.db, "ZOÉ", 0, 50).await.expect("search");
        let names: Vec<&str> = rows.iter().map(|r| r.username.as_str()).collect();
        assert_eq!(names, ["zbr", "zlf"], "{backend:?}");
        assert_eq!(total, 2);
        app.finish().await;
    }
}

#[rocket::async_test]
async fn only_administrators_reach_the_people_pages_and_refusals_change_nothing() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        let root = person(&app, "root").await;
        let member = person(&app, "ana").await;
        let moderator = person(&app, "mod").await;
        people::set_role(
            &app.db,
            &Actor::command_line(),
            Account::Username("mod"),
            Role::Moderator,
            true,
        )
        .await
        .expect("moderator");
        person(&app, "target").await;
        let target = user_model(&app, "target").await;
        let id = target.id;
        let gets = [
            "/admin/users".to_string(),
            "/admin/users?q=t".to_string(),
            format!("/admin/users/{id}"),
            format!("/admin/users/{id}/delete"),
        ];
        let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (format!("/admin/users/{id}/block"), vec![("reason", "x")]),
            (format!("/admin/users/{id}/unblock"), vec![]),
            (
                format!("/admin/users/{id}/role"),
                vec![("role", "admin"), ("grant", "1")],
            ),
            (
                format!("/admin/users/{id}/role"),
                vec![("role", "moderator"), ("grant", "1")],
            ),
            (format!("/admin/users/{id}/delete"), vec![]),
        ];
        let before = audit_count(&app).await;
        for (who, label) in [
            (None, "anonymous"),
            (Some(&member), "member"),
            (Some(&moderator), "moderator"),
        ] {
            for path in &gets {
                let (status, _, _) = get_as(&app, who, path).await;
                assert_eq!(status, Status::NotFound, "{backend:?}: {label} GET {path}");
            }
            for (path, fields) in &posts {
                let (status, _) = post_as(&app, who, path, fields).await;
                assert_eq!(status, Status::NotFound, "{backend:?}: {label} POST {path}");
            }
        }
        // A form without its token is refused, even for an administrator.
        let response = app
            .client
            .post(format!("/admin/users/{id}/block"))
            .header(ContentType::Form)
            .private_cookie(root.cookie.clone())
            .body("reason=x")
            .dispatch()
            .await;
        assert_ne!(response.status(), Status::SeeOther, "{backend:?}");
        drop(response);
        let unchanged = user_model(&app, "target").await;
        assert_eq!(unchanged, target, "{backend:?}: refusals change nothing");
        assert_eq!(
            audit_count(&app).await,
            before,
            "{backend:?}: and log nothing"
        );

        for path in &gets {
            let (status, _, _) = get_as(&app, Some(&root), path).await;
            assert_eq!(status, Status::Ok, "{backend:?}: administrator GET {path}");
        }
        for (path, fields) in &posts {
            let (status, _) = post_as(&app, Some(&root), path, fields).await;
            assert_eq!(
                status,
                Status::SeeOther,
                "{backend:?}: administrator POST {path}"
            );
        }
        let log = actions(&app).await;
        for action in [
            "block-account",
            "unblock-account",
            "grant-administrator",
            "grant-moderator",
            "delete-account",
        ] {
            assert!(log.contains(&(action.into(), "target".into())), "{log:?}");
        }
        app.finish().await;
    }
}
