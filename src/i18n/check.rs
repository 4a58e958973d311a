//! `signons locales check` and `signons locales export` (F7.3). The check compares a set of
//! translations with the built-in English, so it needs no source tree: for each language, the keys
//! missing from it, the keys English does not have, the messages whose placeables (`{ $name }`)
//! differ, the plural variants the language needs where English selects on a number, the syntax
//! errors with their file and line, and how much of English it translates.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use super::SOURCE_LANGUAGE;
use super::catalog::{self, SHIPPED};
use crate::error::StartupError;

/// What a translation of one message or attribute says about its placeables.
#[derive(Debug, Default, Clone)]
struct Entry {
    /// The variables it uses.
    vars: BTreeSet<String>,
    /// Variable → the variant keys of the selections on it (`one`, `other`, `0`…).
    selections: BTreeMap<String, BTreeSet<String>>,
}

/// Message or term id (with `.attribute` for attributes) → what it uses.
type Catalog = BTreeMap<String, Entry>;

/// The CLDR plural categories, as Fluent names them in variant keys.
const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

#[derive(Debug, Default)]
pub struct LanguageReport {
    pub missing: Vec<String>,
    pub obsolete: Vec<String>,
    /// (key, variables in English, variables in this language)
    pub placeables: Vec<(String, String, String)>,
    /// (key, the plural variants missing, e.g. `[one]`)
    pub plurals: Vec<(String, String)>,
    pub syntax_errors: Vec<String>,
    /// English keys translated here with their placeables and plural variants right.
    pub valid: usize,
    /// English in a folder: wordings that replace built-in ones, not a translation to complete.
    pub overrides: bool,
}

impl LanguageReport {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
            && self.placeables.is_empty()
            && self.plurals.is_empty()
            && self.syntax_errors.is_empty()
    }
}

#[derive(Debug, Default)]
pub struct Report {
    pub source_keys: usize,
    pub languages: BTreeMap<String, LanguageReport>,
}

impl Report {
    /// Every language has every key, with the same placeables and the plural variants it needs,
    /// and parses.
    pub fn complete(&self) -> bool {
        self.languages.values().all(LanguageReport::complete)
    }

    /// The share of English a language translates, rounded down to a tenth of a percent.
    pub fn percent(&self, lang: &str) -> Option<String> {
        let r = self.languages.get(lang)?;
        if self.source_keys == 0 || r.valid >= self.source_keys {
            return Some("100".into());
        }
        let tenths = r.valid * 1000 / self.source_keys;
        Some(if tenths.is_multiple_of(10) {
            (tenths / 10).to_string()
        } else {
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{SOURCE_LANGUAGE}: {} keys (built-in source)",
            self.source_keys
        );
        for (lang, r) in &self.languages {
            let state = if r.complete() {
                "complete"
            } else {
                "INCOMPLETE"
            };
            if r.overrides {
                let _ = writeln!(
                    out,
                    "{lang}: overrides of the built-in English, {} ({} unknown keys, {} placeable mismatches, {} syntax errors)",
                    if r.complete() { "valid" } else { "INVALID" },
                    r.obsolete.len(),
                    r.placeables.len(),
                    r.syntax_errors.len()
                );
            } else {
                let _ = writeln!(
                    out,
                    "{lang}: {state}, {} % translated ({} missing, {} obsolete, {} placeable mismatches, {} missing plural variants, {} syntax errors)",
                    self.percent(lang).unwrap_or_default(),
                    r.missing.len(),
                    r.obsolete.len(),
                    r.placeables.len(),
                    r.plurals.len(),
                    r.syntax_errors.len()
                );
            }
            for key in &r.missing {
                let _ = writeln!(out, "  missing:  {key}");
            }
            for key in &r.obsolete {
                let _ = writeln!(out, "  obsolete: {key}");
            }
            for (key, source, here) in &r.placeables {
                let _ = writeln!(
                    out,
                    "  placeables differ: {key} (English: [{source}], here: [{here}])"
                );
            }
            for (key, variants) in &r.plurals {
                let _ = writeln!(
                    out,
                    "  plural variants missing: {key} ({lang} needs {variants})"
                );
            }
            for error in &r.syntax_errors {
                let _ = writeln!(out, "  syntax error: {error}");
            }
        }
        out
    }
}

/// The built-in files: language → (file name, text).
pub(crate) fn shipped_files() -> BTreeMap<String, Vec<(String, String)>> {
    let mut files: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for dir in SHIPPED.dirs() {
        let lang = dir.path().to_string_lossy().to_string();
        for file in dir.files() {
            if file.path().extension().is_some_and(|e| e == "ftl") {
                let text = file.contents_utf8().unwrap_or_default().to_string();
                files
                    .entry(lang.clone())
                    .or_default()
                    .push((file.path().display().to_string(), text));
            }
        }
    }
    files
}

/// Checks the languages compiled into this binary.
pub fn check_shipped() -> Report {
    let mut files = shipped_files();
    let source = files.remove(SOURCE_LANGUAGE).unwrap_or_default();
    compare(&source, files, false)
}

/// Checks a folder laid out like `locales/` (one sub-folder of .ftl files per language) against the
/// built-in English. An `en-US` sub-folder holds wordings that replace built-in ones.
pub fn check_dir(dir: &Path) -> Result<Report, StartupError> {
    let mut files: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut unreadable: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(|e| StartupError::io(dir, e))? {
        let path = entry.map_err(|e| StartupError::io(dir, e))?.path();
        if !path.is_dir() {
            continue;
        }
        let lang = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let (found, problems) = catalog::ftl_files(&path);
        files.insert(lang.clone(), found);
        unreadable
            .entry(lang)
            .or_default()
            .extend(problems.iter().map(ToString::to_string));
    }
    let source = shipped_files().remove(SOURCE_LANGUAGE).unwrap_or_default();
    let mut report = compare(&source, files, true);
    for (lang, problems) in unreadable {
        if let Some(r) = report.languages.get_mut(&lang) {
            r.syntax_errors.extend(problems);
        }
    }
    Ok(report)
}

/// Checks languages given as their files, language → (file name, text), against the built-in
/// English; an `en-US` entry holds wordings that replace built-in ones.
pub fn check_files(files: BTreeMap<String, Vec<(String, String)>>) -> Report {
    let source = shipped_files().remove(SOURCE_LANGUAGE).unwrap_or_default();
    compare(&source, files, true)
}

/// What is wrong with one message of `lang` (Fluent text `candidate`, e.g. `id = …`) next to the
/// same message in English (`english`): its placeables differ (English's, then its own), or it
/// lacks plural variants the language needs (`[one], [few]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageMismatch {
    Placeables { english: String, here: String },
    PluralVariants(String),
}

pub fn check_message(lang: &str, english: &str, candidate: &str) -> Option<MessageMismatch> {
    let mut errors = Vec::new();
    let mut source = Catalog::new();
    read_catalog("en", english, &mut source, &mut errors);
    let mut here = Catalog::new();
    read_catalog(lang, candidate, &mut here, &mut errors);
    let needed = plural_categories(lang);
    for (key, english) in &source {
        let Some(translated) = here.get(key) else {
            continue;
        };
        if translated.vars != english.vars {
            return Some(MessageMismatch::Placeables {
                english: join(&english.vars),
                here: join(&translated.vars),
            });
        }
        let lacking = missing_plural_variants(english, translated, &needed);
        if !lacking.is_empty() && lang != SOURCE_LANGUAGE {
            return Some(MessageMismatch::PluralVariants(lacking));
        }
    }
    None
}

/// The messages saved on `/admin/translations`: language → message id → text.
pub type SiteTexts = BTreeMap<String, BTreeMap<String, String>>;

/// Writes the built-in .ftl files into `dir/<lang>/`, for every language or only `lang`, with the
/// messages saved on `/admin/translations` (`site`) written into them — each in the file its
/// English message is in — so that a translation made on the site can be contributed back;
/// returns the files written.
pub fn export(
    dir: &Path,
    lang: Option<&str>,
    site: &SiteTexts,
) -> Result<Vec<PathBuf>, StartupError> {
    let mut shipped = shipped_files();
    for code in site.keys() {
        shipped.entry(code.clone()).or_default();
    }
    if let Some(wanted) = lang
        && !shipped.contains_key(wanted)
    {
        let known: Vec<&str> = shipped.keys().map(String::as_str).collect();
        return Err(StartupError::Config(format!(
            "--lang {wanted}: not a language of this site (known: {})",
            known.join(", ")
        )));
    }
    let english_files: Vec<String> = shipped
        .get(SOURCE_LANGUAGE)
        .map(|files| files.iter().map(|(name, _)| file_name(name)).collect())
        .unwrap_or_default();
    let mut written = Vec::new();
    for (code, mut files) in shipped {
        if lang.is_some_and(|wanted| wanted != code) {
            continue;
        }
        if let Some(texts) = site.get(&code).filter(|t| !t.is_empty()) {
            files = with_site_texts(&code, files, &english_files, texts);
        }
        for (name, text) in files {
            let path = dir.join(&name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| StartupError::io(parent, e))?;
            }
            std::fs::write(&path, text).map_err(|e| StartupError::io(&path, e))?;
            written.push(path);
        }
    }
    Ok(written)
}

fn file_name(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).to_string()
}

/// The files of language `code` with the administrators' `texts` written in: a message they
/// changed replaced where it stands (its comment kept), one the language lacked added to the file
/// its English message is in (created when the language has no such file).
fn with_site_texts(
    code: &str,
    mut files: Vec<(String, String)>,
    english_files: &[String],
    texts: &BTreeMap<String, String>,
) -> Vec<(String, String)> {
    let home: BTreeMap<&str, &str> = super::messages::english_order()
        .iter()
        .map(|(file, id)| (id.as_str(), file.as_str()))
        .collect();
    let entries: BTreeMap<&str, String> = texts
        .iter()
        .map(|(id, text)| (id.as_str(), super::messages::entry(id, text)))
        .collect();
    for file in english_files {
        if !files.iter().any(|(name, _)| file_name(name) == *file) {
            files.push((format!("{code}/{file}"), String::new()));
        }
    }
    // A message the language's files already hold somewhere is replaced there, never added.
    let present: BTreeSet<String> = files
        .iter()
        .flat_map(|(_, text)| {
            super::messages::texts_of(text)
                .into_iter()
                .map(|(id, _)| id)
        })
        .collect();
    files
        .into_iter()
        .filter_map(|(name, text)| {
            let file = file_name(&name);
            let parsed: Vec<(&str, ast::Resource<&str>)> = entries
                .iter()
                .map(|(id, entry)| {
                    let resource = match fluent_syntax::parser::parse(entry.as_str()) {
                        Ok(r) | Err((r, _)) => r,
                    };
                    (*id, resource)
                })
                .collect();
            let mut resource = match fluent_syntax::parser::parse(text.as_str()) {
                Ok(r) | Err((r, _)) => r,
            };
            let mut placed = BTreeSet::new();
            for entry in resource.body.iter_mut() {
                let ast::Entry::Message(message) = entry else {
                    continue;
                };
                let Some((id, replacement)) = parsed.iter().find(|(id, _)| *id == message.id.name)
                else {
                    continue;
                };
                if let Some(ast::Entry::Message(new)) = replacement.body.first() {
                    let mut new = new.clone();
                    new.comment = message.comment.take();
                    *message = new;
                    placed.insert(*id);
                }
            }
            let mut added = false;
            for (id, replacement) in &parsed {
                if placed.contains(id)
                    || present.contains(*id)
                    || home.get(id).is_none_or(|h| *h != file)
                {
                    continue;
                }
                if let Some(entry) = replacement.body.first().cloned() {
                    resource.body.push(entry);
                    added = true;
                }
            }
            if placed.is_empty() && !added {
                return (!text.is_empty()).then_some((name, text));
            }
            Some((name, fluent_syntax::serializer::serialize(&resource)))
        })
        .collect()
}

fn compare(
    source_files: &[(String, String)],
    files: BTreeMap<String, Vec<(String, String)>>,
    english_overrides: bool,
) -> Report {
    let mut source_errors = Vec::new();
    let mut source = Catalog::new();
    for (name, text) in source_files {
        read_catalog(name, text, &mut source, &mut source_errors);
    }
    let mut report = Report {
        source_keys: source.len(),
        languages: BTreeMap::new(),
    };
    if !source_errors.is_empty() {
        report.languages.insert(
            SOURCE_LANGUAGE.to_string(),
            LanguageReport {
                syntax_errors: source_errors,
                overrides: true,
                ..Default::default()
            },
        );
    }
    for (lang, files) in files {
        let mut r = LanguageReport::default();
        let mut catalog = Catalog::new();
        for (name, text) in &files {
            read_catalog(name, text, &mut catalog, &mut r.syntax_errors);
        }
        let overrides = english_overrides && lang == SOURCE_LANGUAGE;
        let needed = plural_categories(&lang);
        for (key, english) in &source {
            let Some(here) = catalog.get(key) else {
                if !overrides {
                    r.missing.push(key.clone());
                }
                continue;
            };
            let mut valid = true;
            if here.vars != english.vars {
                r.placeables
                    .push((key.clone(), join(&english.vars), join(&here.vars)));
                valid = false;
            }
            let lacking = missing_plural_variants(english, here, &needed);
            if !lacking.is_empty() && !overrides {
                r.plurals.push((key.clone(), lacking));
                valid = false;
            }
            if valid {
                r.valid += 1;
            }
        }
        r.obsolete = catalog
            .keys()
            .filter(|k| !source.contains_key(*k))
            .cloned()
            .collect();
        if overrides {
            let previous = report.languages.remove(&lang).unwrap_or_default();
            r.syntax_errors.extend(previous.syntax_errors);
            r.overrides = true;
        }
        report.languages.insert(lang, r);
    }
    report
}

/// The plural categories `lang` uses for whole numbers (`other` always), as Fluent's own plural
/// rules select them; a language they do not know gets `other` alone.
fn plural_categories(lang: &str) -> BTreeSet<String> {
    use fluent_templates::fluent_bundle::{FluentArgs, FluentBundle, FluentResource};
    let mut categories = BTreeSet::from(["other".to_string()]);
    let Ok(id) = lang.parse::<unic_langid::LanguageIdentifier>() else {
        return categories;
    };
    let probe = format!(
        "category = {{ $n ->\n{}\n}}\n",
        PLURAL_CATEGORIES
            .iter()
            .map(|c| format!("    {}[{c}] {c}", if *c == "other" { "*" } else { " " }))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let Ok(resource) = FluentResource::try_new(probe) else {
        return categories;
    };
    let mut bundle = FluentBundle::new(vec![id]);
    bundle.set_use_isolating(false);
    if bundle.add_resource(&resource).is_err() {
        return categories;
    }
    let Some(pattern) = bundle.get_message("category").and_then(|m| m.value()) else {
        return categories;
    };
    for n in 0..=1000u32 {
        let mut args = FluentArgs::new();
        args.set("n", n);
        let mut errors = Vec::new();
        categories.insert(
            bundle
                .format_pattern(pattern, Some(&args), &mut errors)
                .into_owned(),
        );
    }
    categories
}

/// Where English selects on a number, the categories `needed` that the translation has no
/// variant for (`[one]`); a translation that does not select on that variable has only `other`.
fn missing_plural_variants(english: &Entry, here: &Entry, needed: &BTreeSet<String>) -> String {
    let mut lacking = BTreeSet::new();
    for (var, keys) in &english.selections {
        let is_plural = keys
            .iter()
            .any(|k| k != "other" && PLURAL_CATEGORIES.contains(&k.as_str()))
            && keys
                .iter()
                .all(|k| PLURAL_CATEGORIES.contains(&k.as_str()) || k.parse::<f64>().is_ok());
        if !is_plural {
            continue;
        }
        let other = BTreeSet::from(["other".to_string()]);
        let present = here.selections.get(var).unwrap_or(&other);
        lacking.extend(needed.difference(present).cloned());
    }
    lacking
        .iter()
        .map(|c| format!("[{c}]"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn join(vars: &BTreeSet<String>) -> String {
    vars.iter()
        .map(|v| format!("${v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_catalog(name: &str, text: &str, catalog: &mut Catalog, errors: &mut Vec<String>) {
    let resource = match fluent_syntax::parser::parse(text) {
        Ok(resource) => resource,
        Err((resource, parse_errors)) => {
            errors.extend(parse_errors.iter().map(|e| {
                catalog::Problem {
                    file: name.to_string(),
                    line: catalog::line_of(text, e.pos.start),
                    message: e.kind.to_string(),
                }
                .to_string()
            }));
            resource
        }
    };
    for entry in resource.body {
        let (id, value, attributes) = match entry {
            ast::Entry::Message(m) => (m.id.name.to_string(), m.value, m.attributes),
            ast::Entry::Term(t) => (format!("-{}", t.id.name), Some(t.value), t.attributes),
            _ => continue,
        };
        if let Some(value) = value {
            let mut found = Entry::default();
            pattern_vars(&value, &mut found);
            catalog.insert(id.clone(), found);
        }
        for attribute in attributes {
            let mut found = Entry::default();
            pattern_vars(&attribute.value, &mut found);
            catalog.insert(format!("{id}.{}", attribute.id.name), found);
        }
    }
}

fn pattern_vars(pattern: &ast::Pattern<&str>, found: &mut Entry) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, found);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, found: &mut Entry) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, found);
            if let Some(var) = selected_variable(selector) {
                let keys = found.selections.entry(var).or_default();
                for variant in variants {
                    keys.insert(match &variant.key {
                        ast::VariantKey::Identifier { name } => name.to_string(),
                        ast::VariantKey::NumberLiteral { value } => value.to_string(),
                    });
                }
            }
            for variant in variants {
                pattern_vars(&variant.value, found);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, found),
    }
}

/// `$count` in `{ $count -> …}` and in `{ NUMBER($count) -> …}`.
fn selected_variable(selector: &ast::InlineExpression<&str>) -> Option<String> {
    match selector {
        ast::InlineExpression::VariableReference { id } => Some(id.name.to_string()),
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            arguments.positional.first().and_then(selected_variable)
        }
        _ => None,
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, found: &mut Entry) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            found.vars.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                inline_vars(arg, found);
            }
            for arg in &arguments.named {
                inline_vars(&arg.value, found);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, found),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_shipped_language_is_complete() {
        let report = super::check_shipped();
        assert!(report.source_keys > 0);
        assert!(report.languages.contains_key("fr"), "{}", report.render());
        assert!(report.complete(), "{}", report.render());
    }

    #[test]
    fn a_missing_key_a_changed_placeable_and_a_missing_plural_variant_are_reported() {
        let english = vec![(
            "en.ftl".to_string(),
            "a = A\nb = Hello { $name }\nc = C\nn = { $count ->\n    [one] One\n   *[other] { $count }\n}\n"
                .to_string(),
        )];
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            "fr".to_string(),
            vec![(
                "fr.ftl".to_string(),
                "a = A\nb = Bonjour { $nom }\nd = D\nn = { $count ->\n   *[other] { $count }\n}\n"
                    .to_string(),
            )],
        );
        let report = super::compare(&english, files, true);
        let fr = &report.languages["fr"];
        assert_eq!(fr.missing, vec!["c".to_string()]);
        assert_eq!(fr.obsolete, vec!["d".to_string()]);
        assert_eq!(fr.placeables.len(), 1);
        assert_eq!(fr.plurals, vec![("n".to_string(), "[one]".to_string())]);
        assert_eq!(fr.valid, 1);
        assert_eq!(report.percent("fr").as_deref(), Some("25"));
        assert!(!report.complete());
    }

    #[test]
    fn french_needs_one_and_other_and_japanese_other_alone() {
        let categories = |lang: &str| {
            super::plural_categories(lang)
                .into_iter()
                .collect::<Vec<_>>()
        };
        assert_eq!(categories("fr"), vec!["one", "other"]);
        assert_eq!(categories("ja"), vec!["other"]);
        assert_eq!(categories("ru"), vec!["few", "many", "one", "other"]);
    }
}
