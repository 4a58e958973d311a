//! Slugs for permalinks and organizations: transliterated from any script, never empty, made unique
//! with a numbered suffix (the database's unique index is the final guard).
use std::future::Future;

const MAX_LEN: usize = 80;

/// `"Сохраним парк"` → `sokhranim-park`; a title with nothing to transliterate gets `fallback`.
pub fn slugify(text: &str, fallback: &str) -> String {
    let mut slug = slug::slugify(text);
    if slug.len() > MAX_LEN {
        let mut cut = MAX_LEN;
        while !slug.is_char_boundary(cut) {
            cut -= 1;
        }
        slug.truncate(cut);
        while slug.ends_with('-') {
            slug.pop();
        }
    }
    if slug.is_empty() {
        fallback.to_string()
    } else {
        slug
    }
}

/// The first of `base`, `base-2`, `base-3`… for which `taken` answers false.
pub async fn unique<F, Fut, E>(base: &str, mut taken: F) -> Result<String, E>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<bool, E>>,
{
    let mut candidate = base.to_string();
    let mut n = 2;
    while taken(candidate.clone()).await? {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs_transliterate_any_script_and_are_never_empty() {
        assert_eq!(slugify("Сохраним парк", "petition"), "sokhranim-park");
        assert_eq!(slugify("Sauvons l'école !", "petition"), "sauvons-l-ecole");
        assert_eq!(slugify("   ", "petition"), "petition");
        assert_eq!(slugify("!!!", "petition"), "petition");
        assert!(slugify(&"a".repeat(500), "petition").len() <= 80);
    }
}
