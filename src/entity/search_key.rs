//! The folded text that petitions, signatures and accounts keep in `search_key` (set by their
//! `before_save`), and that `domain::petitions::search` folds a typed term into before comparing.

/// Lower-case ASCII transliteration with runs of white space made one space: the form in which
/// both the stored keys and the typed terms are compared.
pub fn fold(text: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(text, "\u{fffd}").to_lowercase();
    ascii.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a signature is found by: the full name, then (after a line break no term can contain) the
/// address.
pub fn signature_key(first_name: &str, last_name: &str, email: &str) -> String {
    format!(
        "{}\n{}",
        fold(&format!("{first_name} {last_name}")),
        fold(email)
    )
}

/// What an account is found by: its username, display name and address, each on a line of its own
/// (no term can span two).
pub fn account_key(username: &str, display_name: &str, email: &str) -> String {
    format!(
        "{}\n{}\n{}",
        fold(username),
        fold(display_name),
        fold(email)
    )
}
