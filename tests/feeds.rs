//! A reader follows new petitions in a feed reader, and a signer passes a petition on (F1.5, F1.2):
//! the site's Atom feed and each organization's list what the public sees, newest first, as valid
//! Atom read by a real XML parser; the home page and the profile point to them. The share links a
//! petition chose lead straight to each network with its address, on its page and on the "thank
//! you" page after confirming, and nothing on those pages loads from another host.
mod common;

use common::app::{TestApp, backends};
use common::people::{create_org, log_in, register};
use rocket::http::Status;
use sea_orm::EntityTrait;
use signons::domain::administration::audit::Actor;
use signons::domain::administration::people::{self as administration, Account};
use signons::domain::administration::site_settings::{self, SettingsInput};
use signons::domain::people::{account, organization};
use signons::domain::petitions::petition::{self, Located, NewPetition, Owner};
use signons::entity::petition as petition_entity;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const ATOM: &str = "http://www.w3.org/2005/Atom";
const PUBLIC_URL: &str = "http://signons.test";

/// A feed as a reader sees it, every element Atom requires checked on the way.
#[derive(Debug)]
struct Feed {
    id: String,
    title: String,
    lang: String,
    self_href: String,
    alternate_href: String,
    updated: OffsetDateTime,
    entries: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    id: String,
    title: String,
    link: String,
    updated: OffsetDateTime,
    published: OffsetDateTime,
    author: String,
    summary: String,
}

fn parse_feed(xml: &str) -> Feed {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "an Atom feed: {xml}");
    let entries = children(feed, "entry")
        .into_iter()
        .map(|entry| {
            let alternate = children(entry, "link")
                .into_iter()
                .find(|l| l.attribute("rel").unwrap_or("alternate") == "alternate")
                .expect("an entry links to its page");
            let author = one(entry, "author");
            Entry {
                id: text(entry, "id"),
                title: text(entry, "title"),
                link: alternate.attribute("href").expect("href").to_string(),
                updated: time(&text(entry, "updated")),
                published: time(&text(entry, "published")),
                author: text(author, "name"),
                summary: text(entry, "summary"),
            }
        })
        .collect();
    let link = |rel: &str| {
        children(feed, "link")
            .into_iter()
            .find(|l| l.attribute("rel") == Some(rel))
            .and_then(|l| l.attribute("href"))
            .unwrap_or_else(|| panic!("a link rel={rel}"))
            .to_string()
    };
    Feed {
        id: text(feed, "id"),
        title: text(feed, "title"),
        lang: feed
            .attribute(("http://www.w3.org/XML/1998/namespace", "lang"))
            .unwrap_or_default()
            .to_string(),
        self_href: link("self"),
        alternate_href: link("alternate"),
        updated: time(&text(feed, "updated")),
        entries,
    }
}

fn children<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    node.children()
        .filter(|n| n.has_tag_name((ATOM, name)))
        .collect()
}

/// The one child `name` that Atom requires.
fn one<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    let found = children(node, name);
    assert_eq!(
        found.len(),
        1,
        "one <{name}> in <{}>",
        node.tag_name().name()
    );
    found[0]
}

fn text(node: roxmltree::Node<'_, '_>, name: &str) -> String {
    let text = one(node, name).text().unwrap_or_default().to_string();
    assert!(
        !text.trim().is_empty() || name == "summary",
        "<{name}> empty"
    );
    text
}

fn time(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{text:?} is no RFC 3339: {e}"))
}

/// Fetches a feed, checks how it is served and parses it.
async fn feed(app: &TestApp, path: &str, lang: &str) -> Feed {
    let response = app
        .client
        .get(path.to_string())
        .header(rocket::http::Header::new(
            "Accept-Language",
            lang.to_string(),
        ))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    assert_eq!(
        response.headers().get_one("Content-Type"),
        Some("application/atom+xml; charset=utf-8"),
        "{path}"
    );
    parse_feed(&response.into_string().await.unwrap_or_default())
}

fn titles(feed: &Feed) -> Vec<&str> {
    feed.entries.iter().map(|e| e.title.as_str()).collect()
}

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

#[rocket::async_test]
async fn the_site_feed_is_atom_listing_the_public_petitions_newest_first_and_a_published_one_at_once()
 {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        // Ana, the first account, is the administrator; she names the site.
        register(&app, "ana").await;
        let ana = account::find_by_username(&app.db, "ana")
            .await
            .expect("query")
            .expect("ana");
        let live = &app
            .client
            .rocket()
            .state::<signons::Site>()
            .expect("site")
            .live;
        let mut settings = SettingsInput::from_settings(&live.get());
        settings.site_name = "Our petitions".into();
        site_settings::save(&app.db, live, &ana, &settings)
            .await
            .expect("settings saved");
        let slug = create_org(&app, "Park Friends").await;

        let lake = organization_petition(&app, &slug, "Save the lake", true).await;
        let tricky =
            organization_petition(&app, &slug, "Tom & Jerry say \"<no>\" to 'cars'", true).await;
        let draft = organization_petition(&app, &slug, "A quiet draft", false).await;
        let pills = organization_petition(&app, &slug, "Buy cheap pills", true).await;
        // Bob's own petition, and Bob is blocked.
        let bob = account::create(&app.db, "bob", "bob@example.org", "a long enough password")
            .await
            .expect("bob");
        petition::create(
            &app.db,
            &Owner::User(bob),
            NewPetition {
                title: "Bob's flood".into(),
                body_html: "<p>Spam.</p>".into(),
                published: true,
                ..Default::default()
            },
        )
        .await
        .expect("petition");
        administration::block(
            &app.db,
            &Actor::command_line(),
            Account::Username("bob"),
            "Spam",
        )
        .await
        .expect("blocked");
        // The moderators hide the pills.
        let status = post(
            &app,
            &format!("/admin/moderation/{}/hide", pills.petition.id),
            &[("reason", "Advertising is not allowed here.")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");

        let site = feed(&app, "/feeds/petitions.atom", "en-US").await;
        assert_eq!(
            titles(&site),
            ["Tom & Jerry say \"<no>\" to 'cars'", "Save the lake"],
            "{backend:?}: neither the draft, the hidden petition nor the blocked account's"
        );
        assert_eq!(site.title, "Petitions on Our petitions", "{backend:?}");
        assert_eq!(site.lang, "en-US");
        assert_eq!(site.self_href, format!("{PUBLIC_URL}/feeds/petitions.atom"));
        assert_eq!(site.alternate_href, format!("{PUBLIC_URL}/"));
        assert!(!site.id.is_empty());
        let entry = &site.entries[1];
        assert_eq!(
            entry.id,
            format!(
                "tag:signons.test,{}:petitions/{}",
                lake.petition.created_at.date(),
                lake.petition.id
            )
        );
        assert_eq!(entry.link, format!("{PUBLIC_URL}{}", lake.path()));
        assert_eq!(entry.author, "Park Friends");
        assert_eq!(entry.summary, "The lake is ours. Keep it clean & open.");
        assert!(entry.published <= entry.updated, "{backend:?}");
        assert_eq!(
            site.updated,
            site.entries
                .iter()
                .map(|e| e.updated)
                .max()
                .expect("entries"),
            "{backend:?}: the feed changed when its newest entry did"
        );
        assert_ne!(site.entries[0].id, entry.id);
        assert_eq!(
            site.entries[0].link,
            format!("{PUBLIC_URL}{}", tricky.path())
        );

        // Published from the dashboard: in the feeds on the next request (no cache in between).
        let status = post(
            &app,
            &format!("/petitions/{}/publish", draft.petition.id),
            &[],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        for path in [
            "/feeds/petitions.atom".to_string(),
            format!("/o/{slug}/feed.atom"),
        ] {
            let now = feed(&app, &path, "en-US").await;
            assert!(
                titles(&now).contains(&"A quiet draft"),
                "{backend:?}: {path}: {now:?}"
            );
        }

        // In French, with the French title; twice the same document (from the cache).
        let french = feed(&app, "/feeds/petitions.atom", "fr").await;
        assert_eq!(french.title, "Pétitions sur Our petitions", "{backend:?}");
        assert_eq!(french.lang, "fr");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn an_organizations_feed_lists_its_own_and_follows_it_when_renamed() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let park = create_org(&app, "Park Friends").await;
        let river = create_org(&app, "River Friends").await;
        organization_petition(&app, &park, "Save the lake", true).await;
        organization_petition(&app, &park, "A park draft", false).await;
        organization_petition(&app, &river, "Clean the river", true).await;

        let own = feed(&app, &format!("/o/{park}/feed.atom"), "en-US").await;
        assert_eq!(titles(&own), ["Save the lake"], "{backend:?}");
        assert_eq!(own.title, "Petitions by Park Friends on Signons");
        assert_eq!(own.self_href, format!("{PUBLIC_URL}/o/{park}/feed.atom"));
        assert_eq!(own.alternate_href, format!("{PUBLIC_URL}/o/{park}"));
        let both = feed(&app, "/feeds/petitions.atom", "en-US").await;
        assert_eq!(titles(&both), ["Clean the river", "Save the lake"]);

        // Renamed: the old address leads to the feed at the new one, which keeps its id.
        let status = post(
            &app,
            &format!("/organizations/{park}/settings"),
            &[("name", "Lake Keepers")],
        )
        .await;
        assert_eq!(status, Status::SeeOther, "{backend:?}");
        let response = app
            .client
            .get(format!("/o/{park}/feed.atom"))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::MovedPermanently, "{backend:?}");
        assert_eq!(
            response.headers().get_one("Location"),
            Some("/o/lake-keepers/feed.atom")
        );
        drop(response);
        let renamed = feed(&app, "/o/lake-keepers/feed.atom", "en-US").await;
        assert_eq!(renamed.id, own.id, "{backend:?}");
        assert_eq!(renamed.entries[0].id, own.entries[0].id);
        assert_eq!(renamed.entries[0].author, "Lake Keepers");
        assert_eq!(
            renamed.entries[0].link,
            format!("{PUBLIC_URL}/o/lake-keepers/save-the-lake")
        );

        // An organization without a public petition has an empty feed, dated at the epoch.
        let empty_slug = create_org(&app, "Quiet Friends").await;
        let empty = feed(&app, &format!("/o/{empty_slug}/feed.atom"), "en-US").await;
        assert!(empty.entries.is_empty());
        assert_eq!(empty.updated, OffsetDateTime::UNIX_EPOCH);
        let (status, _) = app.get("/o/nobody-at-all/feed.atom").await;
        assert_eq!(status, Status::NotFound, "{backend:?}");
        app.finish().await;
    }
}

#[rocket::async_test]
async fn the_home_page_and_the_organization_profile_point_to_their_feeds() {
    for backend in backends() {
        let app = TestApp::start(backend).await;
        register(&app, "ana").await;
        let slug = create_org(&app, "Park Friends").await;
        organization_petition(&app, &slug, "Save the lake", true).await;
        let (status, home) = app.get("/").await;
        assert_eq!(status, Status::Ok, "{backend:?}");
        assert!(
            home.contains(&format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Petitions on \
                 Signons\" href=\"{PUBLIC_URL}/feeds/petitions.atom\">"
            )),
            "{backend:?}: {home}"
        );
        assert!(
            home.contains("href=\"/feeds/petitions.atom\""),
            "a visible link too"
        );
        let (status, profile) = app.get(&format!("/o/{slug}")).await;
        assert_eq!(status, Status::Ok);
        assert!(
            profile.contains(&format!(
                "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Petitions by \
                 Park Friends on Signons\" href=\"{PUBLIC_URL}/o/{slug}/feed.atom\">"
            )),
            "{backend:?}: {profile}"
        );
        let (_, profile) = app.get_lang(&format!("/o/{slug}"), "fr").await;
        assert!(
            profile.contains("title=\"Pétitions lancées par Park Friends sur Signons\""),
            "{backend:?}"
        );
        app.finish().await;
    }
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
