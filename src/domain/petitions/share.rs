//! Sharing a petition (F1.2, F4.2): the share links a page may offer, which of them a petition shows
//! (stored comma-separated in `petitions.share_links`), and where each one leads. Every link on the
//! page is a plain link to this site (or `mailto:`), so nothing on it loads from another host and no
//! address of another host is even written there: the petition's share address,
//! `/petitions/<id>/share/<network>` (`web::petition::share`), sends the reader on to the network's
//! own share page with the petition's title and address. Mastodon and diaspora* have no single
//! server: the reader names theirs first.
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

/// Every share link a page can show, in the order it shows them: the links straight to a network
/// (e-mail and messengers first), then those asking for the reader's server, then the address to
/// copy.
pub const SHARE_LINKS: [&str; 10] = [
    "email", "whatsapp", "telegram", "bluesky", "facebook", "x", "linkedin", "mastodon",
    "diaspora", "link",
];

/// What a new petition shows: every share link, until its editor unticks some.
pub fn every() -> String {
    SHARE_LINKS.join(",")
}

/// The share links stored as `email,link`, in the order of `SHARE_LINKS`; unknown names are left
/// out.
pub fn chosen(stored: &str) -> Vec<&'static str> {
    let chosen: Vec<&str> = stored.split(',').map(str::trim).collect();
    SHARE_LINKS
        .into_iter()
        .filter(|link| chosen.contains(link))
        .collect()
}

/// A share link that leads straight on, with nothing to type: by e-mail, or to a network.
#[derive(Debug, Clone, Serialize)]
pub struct DirectLink {
    /// Among `SHARE_LINKS`; the page labels it with the Fluent key `share-<network>`.
    pub network: &'static str,
    /// `mailto:…`, or the petition's share address for this network.
    pub href: String,
}

/// The links of `chosen` that lead straight on (all but the server-typed ones and the address to
/// copy), for the petition `id` titled `title` at the absolute `url`.
pub fn direct_links(id: i32, chosen: &[&'static str], title: &str, url: &str) -> Vec<DirectLink> {
    chosen
        .iter()
        .filter_map(|&network| {
            let href = if network == "email" {
                format!("mailto:?subject={}&body={}", encode(title), encode(url))
            } else {
                network_address(network, title, url)?;
                format!("/petitions/{id}/share/{network}")
            };
            Some(DirectLink { network, href })
        })
        .collect()
}

/// Where a petition's share address for `network` leads.
pub enum Target {
    /// The network's own share page, with the petition's title and address.
    Network(String),
    /// The reader's own Mastodon server or diaspora* pod, once they name it (`via_server`).
    ReadersServer,
    /// Nowhere: a network this petition does not offer, or no network at all.
    Nowhere,
}

/// Where the share address for `network` of a petition offering `chosen` leads.
pub fn target(chosen: &[&'static str], network: &str, title: &str, url: &str) -> Target {
    if !chosen.contains(&network) {
        return Target::Nowhere;
    }
    match network {
        "mastodon" | "diaspora" => Target::ReadersServer,
        _ => network_address(network, title, url).map_or(Target::Nowhere, Target::Network),
    }
}

/// Each network's own address for sharing, as the network documents it (X's is still
/// `intent/tweet`). Every value is percent-encoded, spaces as `%20`.
fn network_address(network: &str, title: &str, url: &str) -> Option<String> {
    let title_and_url = format!("{title} {url}");
    let (title_and_url, title, url) = (encode(&title_and_url), encode(title), encode(url));
    Some(match network {
        "whatsapp" => format!("https://wa.me/?text={title_and_url}"),
        "telegram" => format!("https://t.me/share/url?url={url}&text={title}"),
        "bluesky" => format!("https://bsky.app/intent/compose?text={title_and_url}"),
        "facebook" => format!("https://www.facebook.com/sharer/sharer.php?u={url}"),
        "x" => format!("https://x.com/intent/tweet?text={title}&url={url}"),
        "linkedin" => format!("https://www.linkedin.com/sharing/share-offsite/?url={url}"),
        _ => return None,
    })
}

/// Where the reader's own Mastodon server or diaspora* pod `host` takes a post ready to share
/// (form-encoded, as both read it); nothing for another network.
pub fn via_server(network: &str, host: &str, title: &str, url: &str) -> Option<String> {
    let encode =
        |text: &str| url::form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    match network {
        "mastodon" => Some(format!(
            "https://{host}/share?text={}",
            encode(&format!("{title} {url}"))
        )),
        "diaspora" => Some(format!(
            "https://{host}/bookmarklet?url={}&title={}",
            encode(url),
            encode(title)
        )),
        _ => None,
    }
}

/// A server's host name as a reader types it (`mastodon.social`, `https://pod.example/`,
/// `@me@mastodon.social`), or nothing when it is not one.
pub fn server_host(typed: &str) -> Option<String> {
    let typed = typed
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let host = typed
        .rsplit('@')
        .next()?
        .split('/')
        .next()?
        .to_ascii_lowercase();
    let valid = (3..=253).contains(&host.len())
        && host.contains('.')
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':')
        && !host.starts_with(['.', '-'])
        && !host.ends_with(['.', '-']);
    valid.then_some(host)
}

/// Everything but letters, digits and `-._~` (RFC 3986's unreserved characters).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_keeps_known_links_in_page_order() {
        assert_eq!(
            chosen("link, bluesky,whatsapp,myspace"),
            ["whatsapp", "bluesky", "link"]
        );
        assert_eq!(chosen(&every()), SHARE_LINKS);
        assert!(chosen("").is_empty());
    }

    #[test]
    fn links_stay_on_this_site_and_lead_to_the_network_with_the_encoded_address() {
        let chosen = chosen("email,whatsapp,mastodon,x,link");
        let (title, url) = (
            "Save the park & the lake",
            "https://example.org/o/friends/save",
        );
        let links = direct_links(7, &chosen, title, url);
        let hrefs: Vec<(&str, &str)> = links.iter().map(|l| (l.network, l.href.as_str())).collect();
        assert_eq!(
            hrefs,
            [
                (
                    "email",
                    "mailto:?subject=Save%20the%20park%20%26%20the%20lake&body=https%3A%2F%2Fexample.org%2Fo%2Ffriends%2Fsave"
                ),
                ("whatsapp", "/petitions/7/share/whatsapp"),
                ("x", "/petitions/7/share/x"),
            ]
        );
        let Target::Network(whatsapp) = target(&chosen, "whatsapp", title, url) else {
            panic!("WhatsApp is offered");
        };
        assert_eq!(
            whatsapp,
            "https://wa.me/?text=Save%20the%20park%20%26%20the%20lake%20https%3A%2F%2Fexample.org%2Fo%2Ffriends%2Fsave"
        );
        let Target::Network(x) = target(&chosen, "x", title, url) else {
            panic!("X is offered");
        };
        assert_eq!(
            x,
            "https://x.com/intent/tweet?text=Save%20the%20park%20%26%20the%20lake&url=https%3A%2F%2Fexample.org%2Fo%2Ffriends%2Fsave"
        );
        assert!(matches!(
            target(&chosen, "mastodon", title, url),
            Target::ReadersServer
        ));
        for nowhere in ["bluesky", "diaspora", "email", "link", "myspace"] {
            assert!(
                matches!(target(&chosen, nowhere, title, url), Target::Nowhere),
                "{nowhere}"
            );
        }
    }

    #[test]
    fn a_typed_server_is_a_host_name_or_nothing() {
        assert_eq!(
            server_host("@me@Mastodon.Social").as_deref(),
            Some("mastodon.social")
        );
        assert_eq!(
            server_host("https://diasp.org/").as_deref(),
            Some("diasp.org")
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "not a host",
            "evil.example/@x\"<",
        ] {
            assert_eq!(server_host(bad), None, "{bad:?}");
        }
    }
}
