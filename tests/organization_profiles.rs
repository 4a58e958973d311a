//! An association's administrators rename their organization (every old address keeps leading to
//! the new one), describe it and link its website on its public page, and may delete it with
//! everything that is its own; no two organizations share a name, whatever the capitals and
//! accents.
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, join, log_in, log_out, post, register, user_id};
use rocket::http::Status;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use signons::domain::people::organization::{self, name};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::entity::{
    invitation, membership, organization as org_entity, organization_slug, petition_template,
    signature,
};

async fn org(app: &TestApp, slug: &str) -> Option<org_entity::Model> {
    organization::find_by_slug(&app.db, slug)
        .await
        .expect("query")
}

async fn published(app: &TestApp, slug: &str, title: &str) -> Located {
    let owner = Owner::Organization(org(app, slug).await.expect("organization"));
    let new = NewPetition {
        title: title.into(),
        body_html: "<p>Keep the pond clean.</p>".into(),
        published: true,
        ..Default::default()
    };
    petition::create(&app.db, &owner, new)
        .await
        .expect("petition")
}

/// Posts the settings form of `slug` in `lang`; returns the status, where it leads and the page.
async fn save_settings(
    app: &TestApp,
    slug: &str,
    fields: &[(&str, &str)],
    lang: &str,
) -> (Status, Option<String>, String) {
    let csrf = app.csrf("/").await;
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let response = app
        .post_form_lang(&format!("/organizations/{slug}/settings"), &all, lang)
        .await;
    let status = response.status();
    let location = response.headers().get_one("Location").map(str::to_string);
    (
        status,
        location,
        response.into_string().await.unwrap_or_default(),
    )
}

async fn rename(app: &TestApp, slug: &str, to: &str) -> Option<String> {
    let (status, location, page) = save_settings(app, slug, &[("name", to)], "en-US").await;
    assert_eq!(status, Status::SeeOther, "rename {slug} to {to}: {page}");
    location
}

async fn redirect_of(app: &TestApp, path: &str) -> (Status, Option<String>) {
    let response = app.client.get(path.to_string()).dispatch().await;
    (
        response.status(),
        response.headers().get_one("Location").map(str::to_string),
    )
}

#[rocket::async_test]
async fn a_renamed_organization_moves_and_every_old_address_redirects_for_good() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Friends of the Park").await;
        assert_eq!(slug, "friends-of-the-park");
        published(&app, &slug, "Save the pond").await;

        assert_eq!(
            rename(&app, &slug, "Park Keepers").await.as_deref(),
            Some("/organizations/park-keepers?done=profile-saved"),
            "{backend:?}"
        );
        let (status, page) = app
            .get("/organizations/park-keepers?done=profile-saved")
            .await;
        assert_eq!(status, Status::Ok);
        assert!(page.contains("The name, description and website are saved."));
        let (status, profile) = app.get("/o/park-keepers").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(profile.contains("<h1>Park Keepers</h1>"), "{profile}");
        assert!(profile.contains("/o/park-keepers/save-the-pond"));
        let (status, _) = app.get("/o/park-keepers/save-the-pond").await;
        assert_eq!(status, Status::Ok);

        log_out(&app).await;
        for (old, new) in [
            ("/o/friends-of-the-park", "/o/park-keepers"),
            (
                "/o/friends-of-the-park/save-the-pond",
                "/o/park-keepers/save-the-pond",
            ),
            (
                "/organizations/friends-of-the-park",
                "/organizations/park-keepers",
            ),
        ] {
            assert_eq!(
                redirect_of(&app, old).await,
                (Status::MovedPermanently, Some(new.to_string())),
                "{backend:?}: {old}"
            );
        }
        // An old address of a petition that does not exist is no redirect.
        assert_eq!(
            redirect_of(&app, "/o/friends-of-the-park/no-such-petition")
                .await
                .0,
            Status::NotFound
        );

        // A second rename: both old addresses lead to the newest.
        log_in(&app, "ana").await;
        rename(&app, "park-keepers", "Pond Keepers").await;
        log_out(&app).await;
        for old in ["friends-of-the-park", "park-keepers"] {
            assert_eq!(
                redirect_of(&app, &format!("/o/{old}")).await,
                (
                    Status::MovedPermanently,
                    Some("/o/pond-keepers".to_string())
                ),
                "{backend:?}: {old}"
            );
            assert_eq!(
                redirect_of(&app, &format!("/o/{old}/save-the-pond")).await,
                (
                    Status::MovedPermanently,
                    Some("/o/pond-keepers/save-the-pond".to_string())
                ),
                "{backend:?}: {old}"
            );
        }

        // The old name is free again, but not its address: a new "Friends of the Park" gets
        // another one, and the old links still lead to Pond Keepers.
        register(&app, "ben").await;
        let other = create_org(&app, "Friends of the Park").await;
        assert_eq!(other, "friends-of-the-park-2", "{backend:?}");
        assert_eq!(
            redirect_of(&app, "/o/friends-of-the-park").await,
            (
                Status::MovedPermanently,
                Some("/o/pond-keepers".to_string())
            )
        );

        // Taking back a name it had gives the organization its old address back.
        log_in(&app, "ana").await;
        rename(&app, "pond-keepers", "Park Keepers").await;
        let (status, _) = app.get("/o/park-keepers").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert_eq!(
            redirect_of(&app, "/o/pond-keepers").await,
            (
                Status::MovedPermanently,
                Some("/o/park-keepers".to_string())
            )
        );
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_description_and_website_show_on_the_profile_and_a_bad_website_keeps_what_was_typed() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Friends of the Park").await;
        let (status, form) = app.get(&format!("/organizations/{slug}/settings")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(form.contains("value=\"Friends of the Park\""));

        let description =
            "We look after the park.\nEvery Sunday.\n\nJoin <b>us</b> & <script>x</script>";
        let (status, _, page) = save_settings(
            &app,
            &slug,
            &[
                ("name", "Friends of the Park"),
                ("description", description),
                ("website", "https://park.example.org/about"),
            ],
            "en-US",
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}: {page}");
        log_out(&app).await;
        let (_, profile) = app.get(&format!("/o/{slug}")).await;
        assert!(
            profile.contains("<p>We look after the park.<br>Every Sunday.</p>"),
            "{backend:?}: {profile}"
        );
        assert!(
            profile
                .contains("<p>Join &lt;b&gt;us&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p>"),
            "the description is text, never markup: {profile}"
        );
        assert!(!profile.contains("<script>x"));
        assert!(
            profile.contains(
                "<a href=\"https://park.example.org/about\" rel=\"nofollow noopener ugc\">"
            ),
            "{profile}"
        );

        // A `javascript:` website: refused with the message, everything typed kept, nothing saved.
        log_in(&app, "ana").await;
        for (lang, message) in [
            (
                "en-US",
                "Enter a web address starting with https:// or http://.",
            ),
            (
                "fr",
                "Saisissez une adresse web commençant par https:// ou http://.",
            ),
        ] {
            let (status, _, page) = save_settings(
                &app,
                &slug,
                &[
                    ("name", "Park Keepers"),
                    ("description", "A new text"),
                    ("website", "javascript:alert(1)"),
                ],
                lang,
            )
            .await;
            assert_eq!(status, Status::UnprocessableEntity, "{backend:?} {lang}");
            assert!(page.contains(message), "{backend:?} {lang}: {page}");
            assert!(page.contains("value=\"javascript:alert(1)\""), "{page}");
            assert!(page.contains("value=\"Park Keepers\""));
            assert!(page.contains(">A new text</textarea>"), "{page}");
        }
        let stored = org(&app, &slug).await.expect("unchanged");
        assert_eq!(stored.name, "Friends of the Park");
        assert_eq!(
            stored.website.as_deref(),
            Some("https://park.example.org/about")
        );
        assert!(stored.description.starts_with("We look after the park."));

        // Too long a description is refused too; an empty website removes the link.
        let (status, _, page) = save_settings(
            &app,
            &slug,
            &[
                ("name", "Friends of the Park"),
                ("description", &"a".repeat(5_001)),
            ],
            "en-US",
        )
        .await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("This is too long."));
        let (status, _, _) = save_settings(
            &app,
            &slug,
            &[("name", "Friends of the Park"), ("description", "")],
            "en-US",
        )
        .await;
        assert_eq!(status, Status::SeeOther);
        let (_, profile) = app.get(&format!("/o/{slug}")).await;
        assert!(!profile.contains("nofollow"), "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn only_administrators_rename_or_describe_and_only_a_member_with_every_right_deletes() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        for name in ["ana", "ben", "cleo", "olga"] {
            register(&app, name).await;
        }
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Friends of the Park").await;
        log_in(&app, "olga").await;
        create_org(&app, "Other Org").await;
        join(&app, &slug, "ana", "ben").await;
        join(&app, &slug, "ana", "cleo").await;
        // cleo is an administrator, but without one unrelated right: she may not delete.
        log_in(&app, "ana").await;
        let cleo = user_id(&app, "cleo").await;
        let rights: Vec<(&str, &str)> = signons::domain::people::permission::Permission::ALL
            .iter()
            .map(|p| (p.name(), "true"))
            .filter(|(name, _)| *name != "view_signatures")
            .collect();
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/members/{cleo}/permissions"),
                &rights
            )
            .await,
            Status::SeeOther
        );

        for (who, login) in [
            ("anonymous", None),
            ("member of another organization", Some("olga")),
            ("member without the right", Some("ben")),
        ] {
            match login {
                Some(name) => log_in(&app, name).await,
                None => log_out(&app).await,
            }
            for page in ["settings", "delete"] {
                let (status, _) = app.get(&format!("/organizations/{slug}/{page}")).await;
                assert_eq!(status, Status::NotFound, "{backend:?} {who}: {page}");
            }
            let (status, _, _) = save_settings(
                &app,
                &slug,
                &[("name", "Taken Over"), ("website", "https://evil.example")],
                "en-US",
            )
            .await;
            assert_eq!(status, Status::NotFound, "{backend:?} {who}: rename");
            assert_eq!(
                post(&app, &format!("/organizations/{slug}/delete"), &[]).await,
                Status::NotFound,
                "{backend:?} {who}: delete"
            );
            let stored = org(&app, &slug).await.expect("still there");
            assert_eq!(stored.name, "Friends of the Park", "{who}: nothing changed");
            assert_eq!(stored.website, None, "{who}");
        }
        let (_, members_page) = app.get(&format!("/organizations/{slug}")).await;
        assert!(
            !members_page.contains(&format!("/organizations/{slug}/settings\"")),
            "ben sees no settings link"
        );

        // cleo may rename and describe, not delete.
        log_in(&app, "cleo").await;
        let (_, members_page) = app.get(&format!("/organizations/{slug}")).await;
        assert!(members_page.contains(&format!("/organizations/{slug}/settings\"")));
        assert!(!members_page.contains(&format!("/organizations/{slug}/delete\"")));
        let (status, settings) = app.get(&format!("/organizations/{slug}/settings")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(!settings.contains("/delete\""));
        let (status, _) = app.get(&format!("/organizations/{slug}/delete")).await;
        assert_eq!(status, Status::NotFound);
        assert_eq!(
            post(&app, &format!("/organizations/{slug}/delete"), &[]).await,
            Status::NotFound,
            "{backend:?}"
        );
        assert!(org(&app, &slug).await.is_some());
        rename(&app, &slug, "Park Keepers").await;
        assert!(org(&app, "park-keepers").await.is_some(), "{backend:?}");

        // Without the CSRF token, even ana changes nothing.
        log_in(&app, "ana").await;
        let response = app
            .post_form("/organizations/park-keepers/delete", &[])
            .await;
        assert_eq!(response.status(), Status::Forbidden);
        drop(response);
        assert!(org(&app, "park-keepers").await.is_some());
        app.finish().await;
    }
}

#[rocket::async_test]
async fn deleting_an_organization_says_what_goes_then_takes_all_of_it() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "ben").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Friends of the Park").await;
        let pond = published(&app, &slug, "Save the pond").await;
        let trees = published(&app, &slug, "Save the trees").await;
        app.stored_signature(
            pond.petition.id,
            ("Jo", "Doe", "jo@example.org"),
            "en-US",
            true,
        )
        .await;
        app.stored_signature(
            pond.petition.id,
            ("Al", "Doe", "al@example.org"),
            "en-US",
            false,
        )
        .await;
        app.stored_signature(
            trees.petition.id,
            ("Jo", "Doe", "jo@example.org"),
            "en-US",
            true,
        )
        .await;
        let ana = signons::domain::people::account::find_by_username(&app.db, "ana")
            .await
            .expect("query")
            .expect("ana");
        signons::domain::petitions::petition_template::save_from_petition(
            &app.db,
            &ana,
            pond.petition.id,
            "Our usual petition",
        )
        .await
        .expect("template");
        join(&app, &slug, "ana", "ben").await;
        log_in(&app, "ana").await;
        assert_eq!(
            post(
                &app,
                &format!("/organizations/{slug}/invite"),
                &[("who", "dan@example.org")]
            )
            .await,
            Status::SeeOther
        );
        rename(&app, &slug, "Park Keepers").await;
        let slug = "park-keepers";
        let id = org(&app, slug).await.expect("organization").id;

        let (_, members_page) = app.get(&format!("/organizations/{slug}")).await;
        assert!(members_page.contains(&format!("/organizations/{slug}/delete\"")));
        let (status, page) = app.get(&format!("/organizations/{slug}/delete")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        for said in [
            "Delete Park Keepers?",
            "its 2 petitions and their 3 signatures;",
            "its template;",
            "its pending invitation;",
            "the memberships of its 2 members, yours included.",
        ] {
            assert!(page.contains(said), "{backend:?}: {said}: {page}");
        }
        let (_, page) = app
            .get_lang(&format!("/organizations/{slug}/delete"), "fr")
            .await;
        assert!(
            page.contains("ses 2 pétitions et leurs 3 signatures\u{202f};"),
            "{backend:?}: {page}"
        );
        // Looking changed nothing.
        assert!(org(&app, slug).await.is_some());

        // The public saw the petitions until the organization went.
        let (status, _) = app.get("/o/park-keepers/save-the-pond").await;
        assert_eq!(status, Status::Ok);

        let csrf = app.csrf("/").await;
        let response = app
            .post_form(&format!("/organizations/{slug}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), Status::SeeOther, "{backend:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/dashboard?done=organization-deleted")
        );
        drop(response);
        let (_, dashboard) = app.get("/dashboard?done=organization-deleted").await;
        assert!(dashboard.contains("The organization is deleted, with its petitions."));
        assert!(!dashboard.contains("Park Keepers"), "{backend:?}");

        // Right away, on this instance: every public address of it is gone.
        log_out(&app).await;
        for path in [
            "/o/park-keepers/save-the-pond".to_string(),
            "/o/park-keepers/save-the-trees".to_string(),
            "/o/friends-of-the-park/save-the-pond".to_string(),
            "/o/park-keepers".to_string(),
            "/o/friends-of-the-park".to_string(),
            format!("/api/petitions/{}", pond.petition.id),
        ] {
            let (status, _) = app.get(&path).await;
            assert_eq!(status, Status::NotFound, "{backend:?}: {path}");
        }
        let (_, home) = app.get("/").await;
        assert!(!home.contains("Save the pond"), "{backend:?}");

        assert!(org(&app, slug).await.is_none());
        assert_eq!(
            membership::Entity::find()
                .filter(membership::Column::OrganizationId.eq(id))
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            invitation::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            petition_template::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            signons::entity::petition::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            signature::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        assert_eq!(
            organization_slug::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        // Its members keep their accounts.
        log_in(&app, "ben").await;
        let (status, _) = app.get("/dashboard").await;
        assert_eq!(status, Status::Ok);

        // The audit log keeps who deleted which organization, by the name it had then, and what
        // went with it; the instance's administrator (ana, its first account) reads it.
        log_in(&app, "ana").await;
        let (status, log) = app.get("/admin/log").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        let line = log
            .split("<tr>")
            .find(|row| row.contains("Deleted an organization"))
            .unwrap_or_else(|| panic!("{backend:?}: no deletion in the log: {log}"));
        for said in [
            "<td>ana</td>",
            &format!("Park Keepers (#{id})"),
            "With it: 2 petitions, 3 signatures, one template, one pending invitation, 2 members.",
        ] {
            assert!(line.contains(said), "{backend:?}: {said}: {line}");
        }
        let (_, log) = app.get_lang("/admin/log", "fr").await;
        assert!(
            log.contains("A supprimé une organisation"),
            "{backend:?}: {log}"
        );
        assert!(
            log.contains("Avec elle\u{a0}: 2 pétitions, 3 signatures, un modèle, une invitation en attente, 2 membres."),
            "{backend:?}: {log}"
        );
        app.finish().await;
    }
}

/// Posts the creation form; returns the status and the page.
async fn try_create(app: &TestApp, name: &str, lang: &str) -> (Status, String) {
    let csrf = app.csrf("/organizations/new").await;
    let response = app
        .post_form_lang("/organizations", &[("csrf", &csrf), ("name", name)], lang)
        .await;
    (
        response.status(),
        response.into_string().await.unwrap_or_default(),
    )
}

#[rocket::async_test]
async fn no_two_organizations_share_a_name_whatever_the_capitals_and_accents() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        register(&app, "ben").await;
        log_in(&app, "ana").await;
        let slug = create_org(&app, "Friends of the Park").await;

        log_in(&app, "ben").await;
        let (status, page) = try_create(&app, "friends of the PÂRK", "en-US").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(
            page.contains("Another organization already has this name"),
            "{page}"
        );
        assert!(
            page.contains("value=\"friends of the PÂRK\""),
            "what was typed is kept"
        );
        let (_, page) = try_create(&app, "  Friends   of the park ", "fr").await;
        assert!(
            page.contains("Une autre organisation porte déjà ce nom"),
            "{page}"
        );
        for dots in [".", "..", "...", "!?"] {
            let (status, page) = try_create(&app, dots, "en-US").await;
            assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: {dots}");
            assert!(
                page.contains("A name needs at least one letter or digit."),
                "{dots}: {page}"
            );
        }
        let (status, page) = try_create(&app, "New", "en-US").await;
        assert_eq!(status, Status::UnprocessableEntity);
        assert!(page.contains("its address is a page of the site"), "{page}");
        assert_eq!(
            org_entity::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            1,
            "{backend:?}: none of these was created"
        );

        // The same on a rename.
        let other = create_org(&app, "Other Org").await;
        for (to, message) in [
            (
                "FRIENDS OF THE PARK",
                "Another organization already has this name",
            ),
            (
                "Friends of the Pärk",
                "Another organization already has this name",
            ),
            ("...", "A name needs at least one letter or digit."),
            ("Other\u{0}Org", "invisible control character"),
        ] {
            let (status, _, page) = save_settings(&app, &other, &[("name", to)], "en-US").await;
            assert_eq!(status, Status::UnprocessableEntity, "{backend:?}: {to}");
            assert!(page.contains(message), "{to}: {page}");
        }
        assert_eq!(org(&app, &other).await.expect("other").name, "Other Org");

        // An organization may change the capitals or accents of its own name; its address stays.
        log_in(&app, "ana").await;
        assert_eq!(
            rename(&app, &slug, "Friends of the PARK").await.as_deref(),
            Some("/organizations/friends-of-the-park?done=profile-saved"),
            "{backend:?}"
        );
        assert_eq!(
            organization_slug::Entity::find()
                .count(&app.db)
                .await
                .expect("count"),
            0
        );
        app.finish().await;
    }
}

/// A database from before names were unique may hold two organizations with one name. Upgrading
/// it (`db::migrate`, as every start does) keeps both: the older gets the name's key and the later
/// one the key with its id, so the unique index holds; neither name can then be taken by a third
/// organization.
#[rocket::async_test]
async fn an_upgrade_keeps_duplicate_names_from_before_apart_and_both_stay_taken() {
    use migration::MigratorTrait;
    use sea_orm::ConnectionTrait;
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        // The schema as the previous version left it, with two organizations named alike.
        migration::Migrator::down(&app.db, Some(1))
            .await
            .expect("back to the previous schema");
        for (slug, name) in [
            ("friends-of-the-park", "Friends of the Park"),
            ("friends-of-the-park-2", "friends of the PARK"),
        ] {
            app.db
                .execute_unprepared(&format!(
                    "INSERT INTO organizations (slug, name, description, created_at) \
                     VALUES ('{slug}', '{name}', '', '2026-11-28T10:00:00+00:00')"
                ))
                .await
                .expect("an organization of the previous version");
        }
        signons::db::migrate(&app.db).await.expect("upgrade");
        assert_eq!(
            name::fill_missing_keys(&app.db).await.expect("again"),
            0,
            "{backend:?}: every key is there"
        );
        let first = "friends-of-the-park";
        let second = "friends-of-the-park-2";
        let older = org(&app, first).await.expect("first");
        let later = org(&app, second).await.expect("second");
        assert_eq!(older.name_key.as_deref(), Some("friends of the park"));
        assert_eq!(
            later.name_key,
            Some(format!("friends of the park\n{}", later.id)),
            "{backend:?}"
        );
        let ana = user_id(&app, "ana").await;
        for id in [older.id, later.id] {
            app.db
                .execute_unprepared(&format!(
                    "INSERT INTO memberships (organization_id, user_id, can_modify_permissions, \
                     created_at) VALUES ({id}, {ana}, TRUE, '2026-11-28T10:00:00+00:00')"
                ))
                .await
                .expect("ana administers both");
        }

        // The older one takes another name: the later one still holds this one.
        rename(&app, first, "Park Keepers").await;
        let (status, page) = try_create(&app, "FRIENDS of the park", "en-US").await;
        assert_eq!(status, Status::UnprocessableEntity, "{backend:?}");
        assert!(page.contains("Another organization already has this name"));
        // Renamed, the later one gets its plain key.
        rename(&app, second, "Pond Keepers").await;
        let later = org(&app, "pond-keepers").await.expect("renamed");
        assert_eq!(later.name_key.as_deref(), Some("pond keepers"));
        let (status, _) = try_create(&app, "Friends of the Park", "en-US").await;
        assert_eq!(
            status,
            Status::SeeOther,
            "{backend:?}: the name is free again"
        );
        app.finish().await;
    }
}
