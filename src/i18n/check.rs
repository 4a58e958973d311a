//! `signons locales check` (F7.3): for each language, the keys missing from it, the keys English no
//! longer has, and the messages whose placeables (`{ $name }`) differ from English.
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use fluent_syntax::ast;
use include_dir::{Dir, include_dir};

use super::SOURCE_LANGUAGE;
use crate::error::StartupError;

static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

/// Message or term id (with `.attribute` for attributes) → the variables it uses.
type Catalog = BTreeMap<String, BTreeSet<String>>;

#[derive(Debug, Default)]
pub struct LanguageReport {
    pub missing: Vec<String>,
    pub obsolete: Vec<String>,
    /// (key, variables in English, variables in this language)
    pub placeables: Vec<(String, String, String)>,
    pub syntax_errors: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Report {
    pub source_keys: usize,
    pub languages: BTreeMap<String, LanguageReport>,
}

impl Report {
    /// Every language has every key, with the same placeables, and parses.
    pub fn complete(&self) -> bool {
        self.languages
            .values()
            .all(|l| l.missing.is_empty() && l.placeables.is_empty() && l.syntax_errors.is_empty())
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{SOURCE_LANGUAGE}: {} keys (source)", self.source_keys);
        for (lang, r) in &self.languages {
            let state =
                if r.missing.is_empty() && r.placeables.is_empty() && r.syntax_errors.is_empty() {
                    "complete"
                } else {
                    "INCOMPLETE"
                };
            let _ = writeln!(
                out,
                "{lang}: {state} ({} missing, {} obsolete, {} placeable mismatches, {} syntax errors)",
                r.missing.len(),
                r.obsolete.len(),
                r.placeables.len(),
                r.syntax_errors.len()
            );
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
            for error in &r.syntax_errors {
                let _ = writeln!(out, "  syntax error: {error}");
            }
        }
        out
    }
}

/// Checks the languages compiled into this binary.
pub fn check_shipped() -> Report {
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
    compare(files)
}

/// Checks a folder laid out like `locales/`: one sub-folder of .ftl files per language.
pub fn check_dir(dir: &Path) -> Result<Report, StartupError> {
    let mut files: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(|e| StartupError::io(dir, e))? {
        let path = entry.map_err(|e| StartupError::io(dir, e))?.path();
        if !path.is_dir() {
            continue;
        }
        let lang = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for file in std::fs::read_dir(&path).map_err(|e| StartupError::io(&path, e))? {
            let file = file.map_err(|e| StartupError::io(&path, e))?.path();
            if file.extension().is_some_and(|e| e == "ftl") {
                let text =
                    std::fs::read_to_string(&file).map_err(|e| StartupError::io(&file, e))?;
                files
                    .entry(lang.clone())
                    .or_default()
                    .push((file.display().to_string(), text));
            }
        }
    }
    if !files.contains_key(SOURCE_LANGUAGE) {
        return Err(StartupError::Config(format!(
            "{}: no {SOURCE_LANGUAGE} folder to compare with",
            dir.display()
        )));
    }
    Ok(compare(files))
}

fn compare(files: BTreeMap<String, Vec<(String, String)>>) -> Report {
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let catalogs: BTreeMap<String, Catalog> = files
        .into_iter()
        .map(|(lang, files)| {
            let mut catalog = Catalog::new();
            for (name, text) in files {
                read_catalog(
                    &name,
                    &text,
                    &mut catalog,
                    errors.entry(lang.clone()).or_default(),
                );
            }
            (lang, catalog)
        })
        .collect();
    let empty = Catalog::new();
    let source = catalogs.get(SOURCE_LANGUAGE).unwrap_or(&empty);
    let mut report = Report {
        source_keys: source.len(),
        languages: BTreeMap::new(),
    };
    if let Some(source_errors) = errors.get(SOURCE_LANGUAGE).filter(|e| !e.is_empty()) {
        report.languages.insert(
            SOURCE_LANGUAGE.to_string(),
            LanguageReport {
                syntax_errors: source_errors.clone(),
                ..Default::default()
            },
        );
    }
    for (lang, catalog) in &catalogs {
        if lang == SOURCE_LANGUAGE {
            continue;
        }
        let mut r = LanguageReport {
            syntax_errors: errors.remove(lang).unwrap_or_default(),
            ..Default::default()
        };
        for (key, vars) in source {
            match catalog.get(key) {
                None => r.missing.push(key.clone()),
                Some(here) if here != vars => {
                    r.placeables.push((key.clone(), join(vars), join(here)))
                }
                Some(_) => {}
            }
        }
        r.obsolete = catalog
            .keys()
            .filter(|k| !source.contains_key(*k))
            .cloned()
            .collect();
        report.languages.insert(lang.clone(), r);
    }
    report
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
            errors.extend(parse_errors.iter().map(|e| format!("{name}: {e:?}")));
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
            let mut vars = BTreeSet::new();
            pattern_vars(&value, &mut vars);
            catalog.insert(id.clone(), vars);
        }
        for attribute in attributes {
            let mut vars = BTreeSet::new();
            pattern_vars(&attribute.value, &mut vars);
            catalog.insert(format!("{id}.{}", attribute.id.name), vars);
        }
    }
}

fn pattern_vars(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_vars(expression, vars);
        }
    }
}

fn expression_vars(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Select { selector, variants } => {
            inline_vars(selector, vars);
            for variant in variants {
                pattern_vars(&variant.value, vars);
            }
        }
        ast::Expression::Inline(inline) => inline_vars(inline, vars),
    }
}

fn inline_vars(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_string());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            for arg in &arguments.positional {
                inline_vars(arg, vars);
            }
            for arg in &arguments.named {
                inline_vars(&arg.value, vars);
            }
        }
        ast::InlineExpression::Placeable { expression } => expression_vars(expression, vars),
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
    fn a_missing_key_and_a_changed_placeable_are_reported() {
        let mut files = std::collections::BTreeMap::new();
        files.insert(
            "en-US".to_string(),
            vec![(
                "en.ftl".to_string(),
                "a = A\nb = Hello { $name }\nc = C\n".to_string(),
            )],
        );
        files.insert(
            "fr".to_string(),
            vec![(
                "fr.ftl".to_string(),
                "a = A\nb = Bonjour { $nom }\nd = D\n".to_string(),
            )],
        );
        let report = super::compare(files);
        let fr = &report.languages["fr"];
        assert_eq!(fr.missing, vec!["c".to_string()]);
        assert_eq!(fr.obsolete, vec!["d".to_string()]);
        assert_eq!(fr.placeables.len(), 1);
        assert!(!report.complete());
    }
}
