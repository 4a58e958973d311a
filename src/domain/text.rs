//! Text typed into forms: what may be stored. Control characters other than tab and line breaks
//! never belong in a name, an address or a petition text — PostgreSQL refuses a NUL outright and
//! SQLite would keep it — so every form's domain function asks here and answers with a message.
use super::people::account::FieldErrors;

/// The message shown next to a field holding a control character.
pub const CONTROL_CHARACTERS: &str = "field-control-characters";

/// Whether `text` holds a control character other than tab, line feed or carriage return.
pub fn has_control(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Marks each named field whose text holds a control character (replacing any other message: run
/// it after the other checks).
pub fn check(errors: &mut FieldErrors, fields: &[(&'static str, &str)]) {
    for (name, text) in fields {
        if has_control(text) {
            errors.insert(name, CONTROL_CHARACTERS);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_line_breaks_are_text_but_nul_and_escape_are_not() {
        assert!(!has_control("a\tb\r\nc é"));
        assert!(has_control("a\0b"));
        assert!(has_control("\u{1b}[31m"));
        assert!(has_control("\u{7f}"));
    }
}
