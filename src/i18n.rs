//! Translations: language negotiation, and the lookups used by Rust code (e-mail subjects, CSV
//! headers, notices) and by templates (the `fluent` Tera function). Every lookup reads the messages
//! in force in `catalog`: the built-in files with the locales folder merged over them.
use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::Loader;
use fluent_templates::fluent_bundle::{FluentArgs, FluentValue};
use unic_langid::LanguageIdentifier;

/// The source language: every other language is checked against it.
pub const SOURCE_LANGUAGE: &str = "en-US";

/// A language the interface is available in (built in or from the locales folder), e.g. `en-US`,
/// `fr` or `de`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lang(pub LanguageIdentifier);

impl Lang {
    pub fn source() -> Lang {
        Lang(unic_langid::langid!("en-US"))
    }

    /// The language, built in or from the locales folder, matching `code` exactly
    /// (case-insensitive), if any.
    pub fn shipped(code: &str) -> Option<Lang> {
        let wanted: LanguageIdentifier = code.parse().ok()?;
        available().into_iter().find(|l| l.0 == wanted)
    }

    pub fn code(&self) -> String {
        self.0.to_string()
    }

    /// Translates `key` with no arguments.
    pub fn t(&self, key: &str) -> String {
        catalog::with(|c| c.format(&self.0, key, None))
    }

    /// Translates `key` with arguments, e.g. `lang.t_args("signature-count", &[("count", 3.into())])`.
    pub fn t_args(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        catalog::with(|c| c.format(&self.0, key, Some(&fluent_args)))
    }
}

/// Every language, built in or from the locales folder, the source language first.
pub fn available() -> Vec<Lang> {
    catalog::with(|c| c.languages().iter().map(|l| Lang(l.clone())).collect())
}

/// Picks the language for a request: an explicit choice (the `lang` cookie or the account's
/// preference) when it is available, else the best match for `Accept-Language`, else `default`.
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

/// The Tera function `fluent(key=…, lang=…, …)`: fluent-templates' function (argument names
/// kebab-cased, JSON turned into Fluent values) over the catalog in force.
///
/// Bidirectional text: the bundles do not isolate placeables (the marks would reach e-mail
/// subjects and CSV, which Rust formats), so this function does it where it matters — a text
/// argument is wrapped in FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE on a right-to-left page,
/// and on any page when it holds right-to-left letters: an English name keeps its order in an
/// Arabic sentence, and an Arabic title does not swallow the English words around it.
pub fn tera_function() -> impl tera::Function {
    let fluent = fluent_templates::FluentLoader::new(InForce)
        .with_default_lang(unic_langid::langid!("en-US"));
    move |args: &HashMap<String, tera::Value>| -> tera::Result<tera::Value> {
        let rtl_page = args
            .get("lang")
            .and_then(|v| v.as_str())
            .is_some_and(is_rtl);
        let isolate = |name: &str, value: &tera::Value| {
            name != "key"
                && name != "lang"
                && value.as_str().is_some_and(|s| rtl_page || has_rtl(s))
        };
        let text = if args.iter().any(|(name, value)| isolate(name, value)) {
            let isolated: HashMap<String, tera::Value> = args
                .iter()
                .map(|(name, value)| match value.as_str() {
                    Some(text) if isolate(name, value) => (
                        name.clone(),
                        tera::Value::String(format!("\u{2068}{text}\u{2069}")),
                    ),
                    _ => (name.clone(), value.clone()),
                })
                .collect();
            tera::Function::call(&fluent, &isolated)?
        } else {
            tera::Function::call(&fluent, args)?
        };
        // An English wording on a right-to-left page (a translation not finished yet) keeps its
        // own order: LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE.
        if rtl_page
            && let (Some(lang), Some(key), Some(shown)) = (
                args.get("lang").and_then(|v| v.as_str()),
                args.get("key").and_then(|v| v.as_str()),
                text.as_str(),
            )
            && let Ok(id) = lang.parse::<LanguageIdentifier>()
            && catalog::with(|c| c.falls_back(&id, key))
        {
            return Ok(tera::Value::String(format!("\u{2066}{shown}\u{2069}")));
        }
        Ok(text)
    }
}

/// The Tera function `direction(lang=…)`: `rtl` for a language written right to left (Arabic,
/// Hebrew, Persian, Urdu…), else `ltr`; for `<html dir>`.
pub fn tera_direction(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let rtl = args
        .get("lang")
        .and_then(|v| v.as_str())
        .is_some_and(is_rtl);
    Ok(tera::Value::String(if rtl { "rtl" } else { "ltr" }.into()))
}

/// Whether the language `code` is written right to left.
pub fn is_rtl(code: &str) -> bool {
    code.parse::<LanguageIdentifier>()
        .is_ok_and(|l| l.character_direction() == unic_langid::CharacterDirection::RTL)
}

/// Whether `text` holds a letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko…).
fn has_rtl(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
    })
}

/// The catalog in force, seen as a fluent-templates loader for the Tera function.
struct InForce;

impl Loader for InForce {
    fn lookup_complete(
        &self,
        lang: &LanguageIdentifier,
        text_id: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
    ) -> String {
        self.try_lookup_complete(lang, text_id, args)
            .unwrap_or_else(|| format!("Unknown localization key: {text_id:?}"))
    }

    fn try_lookup_complete(
        &self,
        lang: &LanguageIdentifier,
        text_id: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
    ) -> Option<String> {
        let args: Option<FluentArgs> =
            args.map(|map| map.iter().map(|(k, v)| (k.as_ref(), v.clone())).collect());
        catalog::with(|c| c.try_format(lang, text_id, args.as_ref()))
    }

    /// Not used by the Tera function; `available()` lists the languages.
    fn locales(&self) -> Box<dyn Iterator<Item = &LanguageIdentifier> + '_> {
        Box::new(std::iter::empty())
    }
}

pub mod catalog;
pub mod check;
pub mod format;
pub mod messages;
