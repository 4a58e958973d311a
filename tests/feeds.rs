//! A signer passes a petition on (F1.2): the share links a petition chose lead straight to each
//! network with its address, on its page and on the "thank you" page after confirming, and nothing
//! on those pages loads from another host.
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, log_in, register};
use rocket::http::Status;
use sea_orm::EntityTrait;
use signons::domain::people::organization;
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::entity::petition as petition_entity;

const PUBLIC_URL: &str = "http://signons.test";

async fn organization_petition(app: &TestApp, slug: &str, title: &str, published: bool) -> Located {
    let org = organization::find_by_slug(&app.db, slug)
        .await
        .expect("query")
        .expect("organization");
    petition::create(
        &app.db,
        &Owner::Organization(org),
        NewPetition {
            title: title.into(),
            body_html: "<p>The lake is <em>ours</em>.</p><p>Keep it clean &amp; open.</p>".into(),
            published,
            ..Default::default()
        },
    )
    .await
    .expect("petition")
}

/// Posts a form as the logged-in visitor, with their CSRF token; the status.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Status {
    common::people::post(app, path, fields).await
}

// ---------------------------------------------------------------------------------------------
// Share links.

/// Every address a browser loads by itself on this page: the `src` of scripts, images, frames and
/// media, the `href` of `<link>` elements, the `data` of objects.
fn loaded_addresses(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name = tag
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let attribute = match name.as_str() {
            "script" | "img" | "iframe" | "frame" | "source" | "video" | "audio" | "embed"
            | "track" | "input" => "src",
            "link" => "href",
            "object" => "data",
            _ => continue,
        };
        if let Some(value) = attribute_of(tag, attribute) {
            out.push(value);
        }
    }
    out
}

fn attribute_of(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let end = start + tag[start..].find('"')?;
    Some(tag[start..end].to_string())
}

/// The `href` of every link in the page's share block.
fn share_hrefs(html: &str) -> Vec<String> {
    let start = html
        .find("<section class=\"share\"")
        .unwrap_or_else(|| panic!("a share block: {html}"));
    let block = &html[start..start + html[start..].find("</section>").expect("its end")];
    block
        .match_indices("<a href=\"")
        .map(|(at, marker)| {
            let from = at + marker.len();
            block[from..from + block[from..].find('"').expect("quote")].to_string()
        })
        .collect()
}

fn is_own(address: &str) -> bool {
    (address.starts_with('/') && !address.starts_with("//"))
        || address.starts_with(&format!("{PUBLIC_URL}/"))
}

/// Nothing loads from another host, and no link names one: the share links are this site's own
/// addresses (or `mailto:`), which send the reader on only when followed.
fn assert_nothing_from_elsewhere(html: &str, what: &str) {
    let addresses = loaded_addresses(html);
    assert!(!addresses.is_empty(), "{what}: the stylesheet at least");
    for address in addresses {
        assert!(is_own(&address), "{what} loads {address} from another host");
    }
    for (at, marker) in html.match_indices(" href=\"") {
        let from = at + marker.len();
        let href = &html[from..from + html[from..].find('"').expect("quote")];
        assert!(
            is_own(href) || href.starts_with('#') || href.starts_with("mailto:"),
            "{what} links to {href}"
        );
    }
}

/// Where a share link of this site sends the reader.
async fn destination(app: &TestApp, href: &str) -> String {
    let response = app.client.get(href.to_string()).dispatch().await;
    assert_eq!(response.status(), Status::SeeOther, "{href}");
    response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_string()
}

/// What the share links of `page` lead to: `mailto:` links as they are, the others followed.
async fn destinations(app: &TestApp, page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for href in share_hrefs(page) {
        let href = href.replace("&amp;", "&");
        if href.starts_with("mailto:") {
            out.push(href);
        } else {
            out.push(destination(app, &href).await);
        }
    }
    out
}

/// The editor's form as the petition has it, with `share` the links ticked; saved by its owner.
async fn choose_share_links(app: &TestApp, id: i32, share: &[&str]) {
    let row = petition_entity::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("row");
    let mut fields: Vec<(&str, &str)> = vec![
        ("title", row.title.as_str()),
        ("body_html", row.body_html.as_str()),
        ("goal", ""),
        ("deadline", ""),
        ("paper_signatures", "0"),
        ("data_notice", ""),
        ("reply_to", ""),
        ("theme", "default"),
        ("accent", ""),
    ];
    fields.extend(share.iter().map(|network| ("share", *network)));
    let status = post(app, &format!("/petitions/{id}/edit"), &fields).await;
    assert_eq!(status, Status::SeeOther, "the editor saved");
}

#[rocket::async_test]
async fn a_petition_shows_exactly_the_share_links_chosen_for_it_and_loads_nothing_from_elsewhere() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let lake = organization_petition(&app, &slug, "Save the lake & the ducks", true).await;
        let id = lake.petition.id;
        let url = format!("{PUBLIC_URL}{}", lake.path());
        let encoded_url: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
        assert!(encoded_url.starts_with("http%3A%2F%2Fsignons.test%2Fo%2F"));
        let title_and_url = format!("Save%20the%20lake%20%26%20the%20ducks%20{encoded_url}");

        // A new petition offers every network; the editor offers each as a choice.
        let (_, page) = app.get(&lake.path()).await;
        let share = |network: &str| format!("/petitions/{id}/share/{network}");
        assert_eq!(
            share_hrefs(&page)[1..],
            [
                "whatsapp", "telegram", "bluesky", "facebook", "x", "linkedin"
            ]
            .map(share),
            "{backend:?}"
        );
        let every = destinations(&app, &page).await;
        for (at, start) in [
            "mailto:?subject=Save%20the%20lake%20%26%20the%20ducks&body=",
            "https://wa.me/?text=",
            "https://t.me/share/url?url=",
            "https://bsky.app/intent/compose?text=",
            "https://www.facebook.com/sharer/sharer.php?u=",
            "https://x.com/intent/tweet?text=",
            "https://www.linkedin.com/sharing/share-offsite/?url=",
        ]
        .into_iter()
        .enumerate()
        {
            assert!(every[at].starts_with(start), "{backend:?}: {every:?}");
            assert!(
                every[at].contains(&encoded_url),
                "{backend:?}: {}",
                every[at]
            );
        }
        let (status, editor) = app.get(&format!("/petitions/{id}/edit")).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        for network in [
            "whatsapp", "telegram", "bluesky", "facebook", "x", "linkedin",
        ] {
            assert!(
                editor.contains(&format!("name=\"share\" value=\"{network}\" checked")),
                "{backend:?}: {network}"
            );
        }

        // WhatsApp and Bluesky only.
        choose_share_links(&app, id, &["whatsapp", "bluesky"]).await;
        common::people::log_out(&app).await;
        let (status, page) = app.get(&lake.path()).await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert_eq!(share_hrefs(&page), [share("whatsapp"), share("bluesky")]);
        assert_eq!(
            destinations(&app, &page).await,
            [
                format!("https://wa.me/?text={title_and_url}"),
                format!("https://bsky.app/intent/compose?text={title_and_url}"),
            ],
            "{backend:?}"
        );
        for gone in [
            "/share/mastodon",
            "/share/diaspora",
            "id=\"share-link\"",
            "mailto:",
        ] {
            assert!(!page.contains(gone), "{backend:?}: {gone}");
        }
        for offered_no_more in ["telegram", "x", "mastodon"] {
            let (status, _) = app.get(&share(offered_no_more)).await;
            assert_eq!(status, Status::NotFound, "{backend:?}: {offered_no_more}");
        }
        assert!(page.contains(">Share on WhatsApp</a>"), "{backend:?}");
        let (_, french) = app.get_lang(&lake.path(), "fr").await;
        assert!(french.contains(">Partager sur Bluesky</a>"), "{backend:?}");
        assert_nothing_from_elsewhere(&page, "the petition page");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_thank_you_page_after_confirming_offers_the_petitions_share_links() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        let lake = organization_petition(&app, &slug, "Save the lake", true).await;
        let id = lake.petition.id;
        choose_share_links(&app, id, &["telegram", "x", "mastodon", "link"]).await;
        common::people::log_out(&app).await;
        let (_, token) = app
            .stored_signature(id, ("Ann", "Signer", "ann@example.org"), "en-US", false)
            .await;

        // Opening the link shows the button; the button confirms and thanks.
        let csrf = app.csrf(&format!("/confirm/{token}")).await;
        let response = app
            .post_form(&format!("/confirm/{token}"), &[("csrf", &csrf)])
            .await;
        assert_eq!(response.status(), Status::Ok, "{backend:?}");
        let page = response.into_string().await.unwrap_or_default();
        assert!(
            page.contains("One person has signed"),
            "{backend:?}: {page}"
        );
        let url = format!("{PUBLIC_URL}{}", lake.path());
        let encoded_url: String = url::form_urlencoded::byte_serialize(url.as_bytes()).collect();
        assert_eq!(
            share_hrefs(&page),
            [
                format!("/petitions/{id}/share/telegram"),
                format!("/petitions/{id}/share/x"),
            ],
            "{backend:?}"
        );
        assert_eq!(
            destinations(&app, &page).await,
            [
                format!("https://t.me/share/url?url={encoded_url}&text=Save%20the%20lake"),
                format!("https://x.com/intent/tweet?text=Save%20the%20lake&url={encoded_url}"),
            ],
            "{backend:?}"
        );
        assert!(page.contains(&format!("/petitions/{id}/share/mastodon")));
        assert!(
            page.contains(&format!("value=\"{url}\"")),
            "the address to copy"
        );
        assert_nothing_from_elsewhere(&page, "the thank-you page");

        // Opening the link again later shows the same thanks.
        let (status, again) = app.get(&format!("/confirm/{token}")).await;
        assert_eq!(status, Status::Ok);
        assert_eq!(share_hrefs(&again), share_hrefs(&page), "{backend:?}");

        // A petition the public can no longer see offers nothing to share.
        log_in(&app, "ana").await;
        let status = post(&app, &format!("/petitions/{id}/unpublish"), &[]).await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        common::people::log_out(&app).await;
        let (_, hidden) = app.get(&format!("/confirm/{token}")).await;
        assert!(!hidden.contains("<section class=\"share\""), "{backend:?}");
        let (status, _) = app.get(&format!("/petitions/{id}/share/telegram")).await;
        assert_eq!(status, Status::NotFound, "{backend:?}");
        app.finish().await;
    }
}
