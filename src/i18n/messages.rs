//! Messages as text, for the people who translate them on `/admin/translations` (issue 14 point 3):
//! each message's Fluent text (what follows `id =`, several lines for a selection), in the
//! built-in files, the locales folder and the administrators' layer; turning an edited text back
//! into a Fluent entry, and refusing one that does not parse or whose placeables differ from
//! English, before it can reach a page.
use std::collections::BTreeMap;
use std::sync::LazyLock;

use fluent_syntax::{ast, parser, serializer};

use super::SOURCE_LANGUAGE;
use super::check::{self, MessageMismatch};

/// Longest text of one message, in characters (whose form, encoded, stays within the 32 KiB
/// Rocket accepts even in a script of several bytes a letter).
pub const TEXT_MAX: usize = 4_000;

/// The messages of a set of Fluent files: id → text, in the files' order.
pub type Texts = BTreeMap<String, String>;

/// The text of each message of `ftl` (terms and comments left out).
pub fn texts_of(ftl: &str) -> Vec<(String, String)> {
    let resource = match parser::parse(ftl) {
        Ok(resource) | Err((resource, _)) => resource,
    };
    resource
        .body
        .into_iter()
        .filter_map(|entry| match entry {
            ast::Entry::Message(mut message) => {
                message.comment = None;
                let id = message.id.name.to_string();
                let written = serializer::serialize(&ast::Resource {
                    body: vec![ast::Entry::Message(message)],
                });
                Some((id.clone(), body_of(&id, &written)))
            }
            _ => None,
        })
        .collect()
}

/// `id = text` (or `id =` and indented lines) → `text`, its lines unindented.
fn body_of(id: &str, written: &str) -> String {
    let rest = written
        .strip_prefix(id)
        .and_then(|r| r.strip_prefix(" ="))
        .unwrap_or(written);
    let rest = rest.trim_end_matches('\n');
    match rest.strip_prefix('\n') {
        Some(lines) => lines
            .lines()
            .map(|l| l.strip_prefix("    ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n"),
        None => rest.strip_prefix(' ').unwrap_or(rest).to_string(),
    }
}

/// The Fluent entry for message `id` written as `text` (the inverse of `texts_of`).
pub fn entry(id: &str, text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let text = text.trim_end();
    if text.contains('\n') {
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                if l.trim().is_empty() {
                    String::new()
                } else {
                    format!("    {l}")
                }
            })
            .collect();
        format!("{id} =\n{}\n", lines.join("\n"))
    } else {
        format!("{id} = {}\n", text.trim_start())
    }
}

/// Why a translation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// Nothing to save (an empty text puts back the text it replaced instead).
    Empty,
    TooLong,
    /// Not a message Fluent can read, from this line of the text on.
    Syntax {
        line: usize,
    },
    /// The message has variables English does not have, or lacks some it has.
    Placeables {
        english: String,
        here: String,
    },
    /// A selection on a number lacks variants the language needs.
    PluralVariants(String),
    /// English has no such message.
    UnknownMessage,
}

/// Checks `text` as the translation of message `id` in `lang`; returns the Fluent entry to store.
pub fn validate(lang: &str, id: &str, text: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::Empty);
    }
    if text.chars().count() > TEXT_MAX {
        return Err(Invalid::TooLong);
    }
    let Some(english) = built_in(SOURCE_LANGUAGE).get(id) else {
        return Err(Invalid::UnknownMessage);
    };
    let candidate = entry(id, text);
    let first_line_offset = candidate.find('\n').filter(|_| text.contains('\n'));
    match parser::parse(candidate.as_str()) {
        Ok(resource) => {
            let messages: Vec<_> = resource
                .body
                .iter()
                .filter_map(|e| match e {
                    ast::Entry::Message(m) => Some(m),
                    _ => None,
                })
                .collect();
            let whole = messages.len() == 1
                && resource.body.len() == 1
                && messages[0].id.name == id
                && messages[0].value.is_some();
            if !whole {
                // `a = x` then `b = y` on the next line: a second message, not a second line.
                let line = candidate.lines().skip(1).position(|l| !l.starts_with(' '));
                return Err(Invalid::Syntax {
                    line: line.map(|l| l + 2).unwrap_or(1),
                });
            }
        }
        Err((_, errors)) => {
            let error = &errors[0];
            let line = super::catalog::line_of(&candidate, error.pos.start);
            // Line 1 of the entry is `id =` when the text has several lines.
            let line = if first_line_offset.is_some() {
                line.saturating_sub(1).max(1)
            } else {
                1
            };
            return Err(Invalid::Syntax { line });
        }
    }
    match check::check_message(lang, &entry(id, english), &candidate) {
        Some(MessageMismatch::Placeables { english, here }) => {
            Err(Invalid::Placeables { english, here })
        }
        Some(MessageMismatch::PluralVariants(variants)) => Err(Invalid::PluralVariants(variants)),
        None => Ok(candidate),
    }
}

/// The built-in messages of a language (empty for one not built in).
pub fn built_in(lang: &str) -> &'static Texts {
    static EMPTY: LazyLock<Texts> = LazyLock::new(Texts::new);
    BUILT_IN.get(lang).map(|(t, _)| t).unwrap_or(&EMPTY)
}

/// The English messages in the order of the built-in files, each with its file's name
/// (`main.ftl`).
pub fn english_order() -> &'static [(String, String)] {
    BUILT_IN
        .get(SOURCE_LANGUAGE)
        .map(|(_, order)| order.as_slice())
        .unwrap_or(&[])
}

/// Language → (its messages, and (file, id) in the files' order).
type BuiltIn = BTreeMap<String, (Texts, Vec<(String, String)>)>;

static BUILT_IN: LazyLock<BuiltIn> = LazyLock::new(|| {
    let mut out = BuiltIn::new();
    for (lang, mut files) in check::shipped_files() {
        files.sort();
        let mut texts = Texts::new();
        let mut order = Vec::new();
        for (file, ftl) in files {
            let name = file.rsplit('/').next().unwrap_or(&file).to_string();
            for (id, text) in texts_of(&ftl) {
                order.push((name.clone(), id.clone()));
                texts.insert(id, text);
            }
        }
        out.insert(lang, (texts, order));
    }
    out
});

#[cfg(test)]
mod tests {
    use super::{Invalid, entry, texts_of, validate};

    #[test]
    fn a_text_goes_back_to_the_same_entry() {
        let ftl = "one = Sign\n# a comment\nmany =\n    { $count ->\n        [one] one signature\n       *[other] { $count } signatures\n    }\n";
        let texts = texts_of(ftl);
        assert_eq!(texts[0], ("one".into(), "Sign".into()));
        assert_eq!(
            texts[1].1,
            "{ $count ->\n    [one] one signature\n   *[other] { $count } signatures\n}"
        );
        assert_eq!(entry("one", &texts[0].1), "one = Sign\n");
        let again = texts_of(&entry("many", &texts[1].1));
        assert_eq!(again[0].1, texts[1].1);
    }

    #[test]
    fn a_misspelt_placeable_or_broken_syntax_is_refused() {
        let (id, english) = super::built_in("en-US")
            .iter()
            .find(|(_, t)| t.contains("{ $") && !t.contains('\n'))
            .expect("an English message with a variable");
        let var_start = english.find("{ $").expect("placeable") + 3;
        let var: String = english[var_start..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let misspelt = english.replace(&format!("{{ ${var}"), "{ $cuont");
        assert!(matches!(
            validate("de", id, &misspelt),
            Err(Invalid::Placeables { .. })
        ));
        assert!(matches!(
            validate("de", id, "Text { $"),
            Err(Invalid::Syntax { .. })
        ));
        assert!(matches!(
            validate("de", id, "Line\n*[other] stray variant"),
            Err(Invalid::Syntax { .. })
        ));
        assert_eq!(validate("de", id, "  "), Err(Invalid::Empty));
        assert_eq!(
            validate("de", "no-such-message", "x"),
            Err(Invalid::UnknownMessage)
        );
        assert!(validate("de", id, english).is_ok());
    }
}
