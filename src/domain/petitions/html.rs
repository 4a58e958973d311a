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

/// A petition's text as its author writes and reads it in a form: its Markdown, or for a text
/// saved before Markdown, its HTML (which Markdown keeps as it is).
pub fn source_of(markdown: Option<&str>, html: &str) -> String {
    markdown.unwrap_or(html).to_string()
}

/// Markdown written by people (CommonMark, with strikethrough), rendered to HTML and sanitized like
/// any other HTML they write. Headings go one level down (`#` is an `h2`): the page has its `h1`.
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
    let lower = |level: HeadingLevel| match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        _ => HeadingLevel::H4,
    };
    let parser =
        pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_STRIKETHROUGH).map(
            |event| match event {
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => Event::Start(Tag::Heading {
                    level: lower(level),
                    id,
                    classes,
                    attrs,
                }),
                Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(lower(level))),
                other => other,
            },
        );
    let mut rendered = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut rendered, parser);
    sanitize(&rendered)
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

/// Tags after which a reader sees a new line: flattening keeps a space there, so that "…to
/// everyone.</p><p>Keep…" reads "…to everyone. Keep…".
const BLOCKS: &[&str] = &[
    "p",
    "br",
    "li",
    "ul",
    "ol",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "div",
    "tr",
    "td",
    "th",
    "hr",
];

/// Stored petition text (sanitized HTML) as one line of plain words: blocks are separated by a
/// space, runs of white space become one, and the line is cut after whole words at `max` characters
/// with an ellipsis. For the social preview and wherever the text is summed up.
pub fn summary(html: &str, max: usize) -> String {
    let mut flat = String::with_capacity(html.len().min(4 * max + 64));
    let mut rest = html;
    // A long text is read only as far as the summary needs (with room for markup-free spaces).
    let enough = 8 * max + 64;
    while let Some(open) = rest.find('<') {
        if flat.len() > enough {
            rest = "";
            break;
        }
        flat.push_str(&rest[..open]);
        rest = &rest[open + 1..];
        // The tag ends at the first `>` outside quotes (an attribute may hold one).
        let mut quote = None;
        let end = rest
            .char_indices()
            .find(|&(_, c)| match quote {
                Some(q) if c == q => {
                    quote = None;
                    false
                }
                Some(_) => false,
                None if c == '"' || c == '\'' => {
                    quote = Some(c);
                    false
                }
                None => c == '>',
            })
            .map_or(rest.len(), |(i, _)| i);
        let name: String = rest[..end]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if BLOCKS.contains(&name.as_str()) {
            flat.push(' ');
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
    flat.push_str(rest);
    let decoded = decode_entities(&flat);
    let line = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        return line;
    }
    // Whole words up to `max` characters, the ellipsis included.
    let room = max.saturating_sub(1);
    let mut cut = String::new();
    for word in line.split(' ') {
        let needed = cut.chars().count() + usize::from(!cut.is_empty()) + word.chars().count();
        if needed > room {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    if cut.is_empty() {
        cut = line.chars().take(room).collect();
    }
    cut.push('…');
    cut
}

/// The entities a serializer writes in text: named ones for `&`, `<`, `>`, quotes and the no-break
/// space, and numeric ones.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether stored text has no words a reader would see (empty, white space, empty paragraphs).
pub fn is_blank(html: &str) -> bool {
    summary(html, 1).is_empty()
}

#[cfg(test)]
mod tests {
    #[test]
    fn summary_keeps_a_space_between_blocks() {
        let html = "<p>The park is open to everyone.</p><p>Keep the <strong>trees</strong>!</p><ul><li>one</li><li>two&nbsp;&amp;&#x20AC;</li></ul>line<br>break";
        assert_eq!(
            super::summary(html, 200),
            "The park is open to everyone. Keep the trees! one two &€ line break"
        );
    }

    #[test]
    fn summary_cuts_after_whole_words() {
        let html = "<p>Save the lake from the new road</p>";
        assert_eq!(super::summary(html, 14), "Save the lake…");
        assert_eq!(super::summary(html, 13), "Save the…");
        assert_eq!(super::summary("<p>Incomprehensibilities</p>", 6), "Incom…");
        assert_eq!(
            super::summary(r#"<a href="x>y">link</a> text"#, 200),
            "link text"
        );
    }

    #[test]
    fn blank_text_is_told_apart() {
        assert!(super::is_blank("<p> </p><p>&nbsp;</p><br>"));
        assert!(super::is_blank("   "));
        assert!(!super::is_blank("<p>x</p>"));
    }

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
