//! Translations: the Fluent files of `locales/` compiled into the binary, language negotiation, and
//! the lookups used by Rust code (e-mail subjects) and by templates (the `fluent` Tera function).
use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::LanguageIdentifier;

static_loader! {
    pub static LOCALES = {
        locales: "./locales",
        fallback_language: "en-US",
        // Bidi isolation marks would leak into <title>, e-mail subjects and CSV.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The source language: every other language is checked against it.
pub const SOURCE_LANGUAGE: &str = "en-US";

/// A language the interface is shipped in, e.g. `en-US` or `fr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang(pub LanguageIdentifier);

impl Lang {
    pub fn source() -> Lang {
        Lang(unic_langid::langid!("en-US"))
    }

    /// The shipped language matching `code` exactly (case-insensitive), if any.
    pub fn shipped(code: &str) -> Option<Lang> {
        let wanted: LanguageIdentifier = code.parse().ok()?;
        available().into_iter().find(|l| l.0 == wanted)
    }

    pub fn code(&self) -> String {
        self.0.to_string()
    }

    /// Translates `key` with no arguments.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&self.0, key)
    }

    /// Translates `key` with arguments, e.g. `lang.t_args("signature-count", &[("count", 3.into())])`.
    pub fn t_args(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), v.clone()))
            .collect();
        LOCALES.lookup_with_args(&self.0, key, &map)
    }

    /// `n` with its thousands grouped as the language writes them: `1,234` in English, `1 234` with
    /// a narrow no-break space in French. The separator is the message `number-group-separator`.
    pub fn grouped(&self, n: i64) -> String {
        let separator = self.t("number-group-separator");
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * separator.len() + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(&separator);
            }
            out.push(digit);
        }
        out
    }
}

/// Every shipped language, the source language first.
pub fn available() -> Vec<Lang> {
    let mut langs: Vec<Lang> = LOCALES.locales().map(|l| Lang(l.clone())).collect();
    langs.sort_by_key(|l| (l.code() != SOURCE_LANGUAGE, l.code()));
    langs
}

/// Picks the language for a request: an explicit choice (the `lang` cookie or the account's
/// preference) when it is shipped, else the best match for `Accept-Language`, else `default`.
pub fn negotiate(choice: Option<&str>, accept_language: Option<&str>, default: &str) -> Lang {
    if let Some(lang) = choice.and_then(Lang::shipped) {
        return lang;
    }
    let default = Lang::shipped(default).unwrap_or_else(Lang::source);
    let Some(header) = accept_language else {
        return default;
    };
    let requested = fluent_langneg::accepted_languages::parse(header);
    let available: Vec<LanguageIdentifier> = available().into_iter().map(|l| l.0).collect();
    let supported = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        Some(&default.0),
        fluent_langneg::NegotiationStrategy::Filtering,
    );
    supported
        .first()
        .map(|l| Lang((*l).clone()))
        .unwrap_or(default)
}

/// The Tera function `fluent(key=…, lang=…, …)`.
pub fn tera_function() -> impl tera::Function {
    fluent_templates::FluentLoader::new(&*LOCALES).with_default_lang(unic_langid::langid!("en-US"))
}

pub mod check;
