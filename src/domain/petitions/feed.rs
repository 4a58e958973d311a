//! Atom feeds (RFC 4287) of published petitions (F1.5): the site's newest and one organization's,
//! each built here as a whole document that `web::feed` only serves (from the page cache). They list
//! what the home page lists — published, not hidden by a moderator, not a blocked account's — newest
//! first, `ENTRIES` at most, in the reader's language.
//!
//! An entry's id is a tag URI (RFC 4151) of the site's host, the day the petition was created and
//! its id: it stays the same when the petition is renamed, moves to another address or another
//! owner, so a feed reader never shows it twice. A public petition also has the feed of its news:
//! the updates to its signers that are not private (`outreach::updates`), whole.
use sea_orm::{ConnectionTrait, DbErr};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::Site;
use crate::domain::people::organization::address::{self, Resolved};
use crate::domain::petitions::html;
use crate::domain::petitions::petition::{self, Browse, Located};
use crate::entity::organization;
use crate::i18n::Lang;

/// The most entries a feed holds.
pub const ENTRIES: u64 = 50;
/// The site's feed, under the public address.
pub const SITE_FEED_PATH: &str = "/feeds/petitions.atom";
/// How long an entry's summary (the start of the petition's text) may be, in characters.
const SUMMARY: usize = 300;
/// A feed with no entry was last updated at the epoch: the date must not change while it is empty.
const EMPTY_FEED_UPDATED: &str = "1970-01-01T00:00:00Z";

/// An organization's feed, under the public address.
pub fn organization_feed_path(slug: &str) -> String {
    format!("/o/{slug}/feed.atom")
}

/// The site's feed: its newest published petitions.
pub async fn petitions<C: ConnectionTrait>(
    conn: &C,
    site: &Site,
    lang: &Lang,
) -> Result<String, DbErr> {
    let listed = petition::browse(conn, &Browse::default(), 0, ENTRIES).await?;
    let public_url = site.settings.public_url();
    let site_name = site.live.get().site_name.clone();
    let self_url = format!("{public_url}{SITE_FEED_PATH}");
    Ok(write(
        &Head {
            // The feed's own address: as lasting as the site's.
            id: self_url.clone(),
            title: lang.t_args("feed-petitions-title", &[("site", site_name.into())]),
            self_url,
            page_url: format!("{public_url}/"),
            lang: lang.code(),
        },
        &listed,
        public_url,
    ))
}

/// What an organization's feed address leads to.
pub enum OrganizationFeed {
    /// The feed of its published petitions.
    Feed(String),
    /// An address from before a rename: the feed is at the organization's current slug.
    Moved { slug: String },
}

/// The feed of the organization `slug` names (now or before a rename); nothing when none does.
pub async fn organization<C: ConnectionTrait>(
    conn: &C,
    site: &Site,
    lang: &Lang,
    slug: &str,
) -> Result<Option<OrganizationFeed>, DbErr> {
    let org = match address::resolve(conn, slug).await? {
        Some(Resolved::Current(org)) => org,
        Some(Resolved::Moved(org)) => return Ok(Some(OrganizationFeed::Moved { slug: org.slug })),
        None => return Ok(None),
    };
    let what = Browse {
        organization_id: Some(org.id),
        ..Default::default()
    };
    let listed = petition::browse(conn, &what, 0, ENTRIES).await?;
    let public_url = site.settings.public_url();
    let site_name = site.live.get().site_name.clone();
    Ok(Some(OrganizationFeed::Feed(write(
        &Head {
            id: organization_feed_id(public_url, &org),
            title: lang.t_args(
                "feed-organization-title",
                &[
                    ("organization", org.name.clone().into()),
                    ("site", site_name.into()),
                ],
            ),
            self_url: format!("{public_url}{}", organization_feed_path(&org.slug)),
            page_url: format!("{public_url}/o/{}", org.slug),
            lang: lang.code(),
        },
        &listed,
        public_url,
    ))))
}

/// A petition's news feed, under the public address.
pub fn news_feed_path(petition_id: i32) -> String {
    format!("/petitions/{petition_id}/news.atom")
}

/// The feed of a public petition's news: its updates that are not private, newest first. Nothing
/// for a petition the public may not see.
pub async fn news<C: ConnectionTrait>(
    conn: &C,
    site: &Site,
    lang: &Lang,
    petition_id: i32,
) -> Result<Option<String>, DbErr> {
    let Some(located) = petition::find(conn, petition_id)
        .await?
        .filter(Located::is_public)
    else {
        return Ok(None);
    };
    let updates = crate::domain::outreach::updates::news_rows(conn, petition_id).await?;
    let public_url = site.settings.public_url();
    let authority = tag_authority(public_url);
    let p = &located.petition;
    let page_url = format!("{public_url}{}", located.path());
    let updated = updates
        .iter()
        .filter_map(|u| u.sending_at)
        .max()
        .map_or_else(|| EMPTY_FEED_UPDATED.to_string(), rfc3339);
    let mut xml = String::with_capacity(1024 + 2000 * updates.len());
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(&lang.code())
    ));
    xml.push_str(&format!(
        "  <id>tag:{authority},{}:petitions/{}/news</id>\n",
        p.created_at.date(),
        p.id
    ));
    xml.push_str(&format!(
        "  <title>{}</title>\n",
        escape(&lang.t_args("feed-news-title", &[("title", p.title.clone().into())]))
    ));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&format!("{public_url}{}", news_feed_path(p.id)))
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&page_url)
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "  <author>\n    <name>{}</name>\n  </author>\n",
        escape(located.owner.name())
    ));
    for u in &updates {
        let at = rfc3339(u.sending_at.unwrap_or(u.created_at));
        xml.push_str("  <entry>\n");
        xml.push_str(&format!(
            "    <id>tag:{authority},{}:updates/{}</id>\n",
            u.created_at.date(),
            u.id
        ));
        xml.push_str(&format!("    <title>{}</title>\n", escape(&u.subject)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&format!("{page_url}#update-{}", u.id))
        ));
        xml.push_str(&format!("    <published>{at}</published>\n"));
        xml.push_str(&format!("    <updated>{at}</updated>\n"));
        xml.push_str(&format!(
            "    <content type=\"html\">{}</content>\n",
            escape(&u.body_html)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(Some(xml))
}

/// What a feed says of itself.
struct Head {
    id: String,
    title: String,
    self_url: String,
    /// The page the feed follows (the home page, a profile).
    page_url: String,
    lang: String,
}

fn write(head: &Head, listed: &[Located], public_url: &str) -> String {
    let authority = tag_authority(public_url);
    let updated = listed
        .iter()
        .map(entry_updated)
        .max()
        .map_or_else(|| EMPTY_FEED_UPDATED.to_string(), rfc3339);
    let mut xml = String::with_capacity(1024 + 800 * listed.len());
    xml.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        escape(&head.lang)
    ));
    xml.push_str(&format!("  <id>{}</id>\n", escape(&head.id)));
    xml.push_str(&format!("  <title>{}</title>\n", escape(&head.title)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&head.self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&head.page_url)
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    for located in listed {
        write_entry(&mut xml, located, public_url, &authority);
    }
    xml.push_str("</feed>\n");
    xml
}

fn write_entry(xml: &mut String, located: &Located, public_url: &str, authority: &str) {
    let p = &located.petition;
    xml.push_str("  <entry>\n");
    xml.push_str(&format!(
        "    <id>tag:{authority},{}:petitions/{}</id>\n",
        p.created_at.date(),
        p.id
    ));
    xml.push_str(&format!("    <title>{}</title>\n", escape(&p.title)));
    xml.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&format!("{public_url}{}", located.path()))
    ));
    xml.push_str(&format!(
        "    <published>{}</published>\n",
        rfc3339(p.created_at)
    ));
    xml.push_str(&format!(
        "    <updated>{}</updated>\n",
        rfc3339(entry_updated(located))
    ));
    xml.push_str("    <author>\n");
    xml.push_str(&format!(
        "      <name>{}</name>\n",
        escape(located.owner.name())
    ));
    xml.push_str(&format!(
        "      <uri>{}</uri>\n",
        escape(&format!("{public_url}{}", located.owner.path()))
    ));
    xml.push_str("    </author>\n");
    let summary = html::summary(&p.body_html, SUMMARY);
    if !summary.is_empty() {
        xml.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&summary)
        ));
    }
    xml.push_str("  </entry>\n");
}

/// When the entry last changed: its last edit, and never before it was created.
fn entry_updated(located: &Located) -> OffsetDateTime {
    located.petition.updated_at.max(located.petition.created_at)
}

/// The organization's feed id: by its id, not its slug, so a rename keeps it.
fn organization_feed_id(public_url: &str, org: &organization::Model) -> String {
    format!(
        "tag:{},{}:organizations/{}/petitions",
        tag_authority(public_url),
        org.created_at.date(),
        org.id
    )
}

/// The host of the public address, as a tag URI's authority (a DNS name: no port, no brackets).
fn tag_authority(public_url: &str) -> String {
    url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .filter(|host| {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        })
        .unwrap_or_else(|| "localhost".to_string())
}

/// UTC to the second, e.g. `2026-11-29T14:03:00Z`.
fn rfc3339(at: OffsetDateTime) -> String {
    let utc = at.checked_to_offset(time::UtcOffset::UTC).unwrap_or(at);
    let whole = utc.replace_nanosecond(0).unwrap_or(utc);
    whole
        .format(&Rfc3339)
        .unwrap_or_else(|_| EMPTY_FEED_UPDATED.to_string())
}

/// Text for XML content and attribute values: the five special characters escaped, and the
/// characters XML 1.0 does not allow at all (most control characters) left out.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t'
            | '\n'
            | '\r'
            | '\u{20}'..='\u{D7FF}'
            | '\u{E000}'..='\u{FFFD}'
            | '\u{10000}'.. => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_what_xml_forbids_is_left_out() {
        assert_eq!(
            escape("Tom & Jerry <\"'>\u{0}\u{1b}\u{fffe}é\n"),
            "Tom &amp; Jerry &lt;&quot;&apos;&gt;é\n"
        );
    }

    #[test]
    fn the_tag_authority_is_the_public_host_without_its_port() {
        assert_eq!(
            tag_authority("https://Petitions.Example.org"),
            "petitions.example.org"
        );
        assert_eq!(tag_authority("http://127.0.0.1:8000"), "127.0.0.1");
        assert_eq!(tag_authority("http://[::1]:8000"), "localhost");
    }

    #[test]
    fn times_are_utc_to_the_second() {
        let at = time::macros::datetime!(2026-11-29 14:03:07.123456 +01:00);
        assert_eq!(rfc3339(at), "2026-11-29T13:03:07Z");
    }
}
