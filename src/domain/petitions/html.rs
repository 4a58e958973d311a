//! The one place where HTML written by people is made safe: sanitized on write, printed as stored.
use std::collections::HashSet;

/// Keeps structure and links; drops scripts, event handlers, styles and unsafe link schemes.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .tags(HashSet::from([
            "p",
            "br",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "s",
            "ul",
            "ol",
            "li",
            "a",
            "blockquote",
            "h2",
            "h3",
            "h4",
        ]))
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .clean(html)
        .to_string()
}

/// A line of plain text such as a title: markup goes (with the content of scripts and styles),
/// and so do angle brackets; entities are decoded, since the text is escaped where it is printed.
pub fn plain_text(text: &str) -> String {
    ammonia::Builder::empty()
        .clean(text)
        .to_string()
        .replace("&lt;", "")
        .replace("&gt;", "")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    #[test]
    fn scripts_handlers_and_javascript_links_do_not_survive() {
        let dirty = r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a><img src=x onerror=alert(1)></p>"#;
        let clean = super::sanitize(dirty);
        assert!(!clean.contains("script"), "{clean}");
        assert!(!clean.contains("onclick"), "{clean}");
        assert!(!clean.contains("javascript"), "{clean}");
        assert!(!clean.contains("onerror"), "{clean}");
        assert!(clean.contains("Hi"));
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup() {
        let clean = super::plain_text(
            r#"Save <script>alert(1)</script>the <b>lake</b> & "us" <img src=x onerror=alert(1)>"#,
        );
        assert_eq!(clean, r#"Save the lake & "us" "#);
    }
}
