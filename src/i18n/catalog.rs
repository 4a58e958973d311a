//! The messages in force (F7.3): the Fluent files compiled into the binary, with the files of the
//! locales folder (`<data_dir>/locales/<lang>/*.ftl`) merged over them message by message at start.
//!
//! Each language gets one bundle, built once: English first (built in, then the folder's), then the
//! language's own files (built in, then the folder's), each later message replacing an earlier one
//! of the same id. A lookup is therefore one map access and one formatting, never a chain of
//! loaders, and a language the folder adds (`de`) falls back to English message by message. A new
//! set of messages takes effect by `install`ing a whole new catalog behind the lock, which is what
//! translations edited by administrators will reuse (rebuilding reuses the parsed resources).
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use fluent_templates::fluent_bundle::{FluentArgs, FluentResource};
use include_dir::{Dir, include_dir};
use unic_langid::LanguageIdentifier;

/// The `locales/` folder of the repository, as it was when the binary was built.
pub(crate) static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/locales");

type Bundle = fluent_templates::FluentBundle<Arc<FluentResource>>;

/// The Fluent files of each language, in the order they apply.
pub type Resources = Vec<(LanguageIdentifier, Vec<Arc<FluentResource>>)>;

/// The built-in files, parsed once.
static BUILT_IN: LazyLock<Resources> = LazyLock::new(|| {
    let mut problems = Vec::new();
    let mut out: Resources = Vec::new();
    for dir in SHIPPED.dirs() {
        let Ok(lang) = dir.path().to_string_lossy().parse::<LanguageIdentifier>() else {
            continue;
        };
        let mut files: Vec<_> = dir
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort_by(|a, b| a.path().cmp(b.path()));
        let resources = files
            .into_iter()
            .map(|f| {
                let text = f.contents_utf8().unwrap_or_default().to_string();
                Arc::new(parse(&f.path().display().to_string(), text, &mut problems))
            })
            .collect();
        out.push((lang, resources));
    }
    // `locales check` keeps the shipped files valid; should one slip through, say so.
    for problem in problems {
        tracing::warn!("built-in translation skipped: {problem}");
    }
    out
});

static CURRENT: LazyLock<RwLock<Arc<Catalog>>> =
    LazyLock::new(|| RwLock::new(Arc::new(Catalog::new(&Resources::new()))));

/// The two layers merged over the built-in messages, in this order: the locales folder read at
/// start (with its files' text, which the translation page shows), then the messages the
/// administrators saved on `/admin/translations`.
#[derive(Default)]
struct Layers {
    folder: Resources,
    folder_files: Vec<(LanguageIdentifier, Vec<(String, String)>)>,
    site: Resources,
}

static LAYERS: LazyLock<RwLock<Layers>> = LazyLock::new(Default::default);

/// Builds the catalog from the layers in force and puts it in force.
fn rebuild(layers: &Layers) {
    let overlay: Resources = layers
        .folder
        .iter()
        .chain(layers.site.iter())
        .cloned()
        .collect();
    install(Catalog::new(&overlay));
}

/// Puts in force, over the built-in messages and the locales folder, the messages saved by the
/// administrators: `(language, Fluent text of its messages)`. Returns what could not be read
/// (validated when saved, so only a message an older version accepted).
pub fn set_site_translations(texts: &[(LanguageIdentifier, String)]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let site = texts
        .iter()
        .map(|(lang, text)| {
            let resource = parse(
                &format!("/admin/translations ({lang})"),
                text.clone(),
                &mut problems,
            );
            (lang.clone(), vec![Arc::new(resource)])
        })
        .collect();
    let mut layers = LAYERS.write().unwrap_or_else(PoisonError::into_inner);
    layers.site = site;
    rebuild(&layers);
    problems
}

/// The files of the locales folder read at start: language → (file, text).
pub fn folder_files() -> Vec<(LanguageIdentifier, Vec<(String, String)>)> {
    LAYERS
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .folder_files
        .clone()
}

/// A part of a Fluent file that could not be read; the rest of the file still applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// 1-based; 0 when the problem is the file or folder itself.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

pub struct Catalog {
    bundles: HashMap<LanguageIdentifier, Bundle>,
    /// The messages each language (other than English) has of its own, not from English.
    own: HashMap<LanguageIdentifier, std::collections::HashSet<String>>,
    /// The source language first, then by code.
    languages: Vec<LanguageIdentifier>,
    source: LanguageIdentifier,
}

impl Catalog {
    /// The built-in messages with `overlay` merged over them.
    pub fn new(overlay: &Resources) -> Catalog {
        let source: LanguageIdentifier = unic_langid::langid!("en-US");
        let files_of = |set: &Resources, lang: &LanguageIdentifier| -> Vec<Arc<FluentResource>> {
            set.iter()
                .filter(|(l, _)| l == lang)
                .flat_map(|(_, r)| r.iter().cloned())
                .collect()
        };
        let mut languages: Vec<LanguageIdentifier> = BUILT_IN
            .iter()
            .chain(overlay.iter())
            .map(|(l, _)| l.clone())
            .collect();
        languages.sort_by_key(|l| (*l != source, l.to_string()));
        languages.dedup();
        let english: Vec<_> = files_of(&BUILT_IN, &source)
            .into_iter()
            .chain(files_of(overlay, &source))
            .collect();
        let mut own_ids = HashMap::new();
        let bundles = languages
            .iter()
            .map(|lang| {
                let mut bundle = Bundle::new_concurrent(vec![lang.clone()]);
                // Bidi isolation marks would leak into <title>, e-mail subjects and CSV.
                bundle.set_use_isolating(false);
                // A regional variant (`fr-CA`) reads its parent language (`fr`) for every message
                // it does not have, rather than English.
                let parent = LanguageIdentifier::from_parts(lang.language, None, None, &[]);
                let own: Vec<_> = if *lang == source {
                    Vec::new()
                } else {
                    let inherited = if parent != *lang && parent != source {
                        files_of(&BUILT_IN, &parent)
                            .into_iter()
                            .chain(files_of(overlay, &parent))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    inherited
                        .into_iter()
                        .chain(files_of(&BUILT_IN, lang))
                        .chain(files_of(overlay, lang))
                        .collect()
                };
                for resource in english.iter().chain(own.iter()) {
                    bundle.add_resource_overriding(resource.clone());
                }
                own_ids.insert(
                    lang.clone(),
                    own.iter()
                        .flat_map(|r| {
                            r.entries().filter_map(|e| match e {
                                fluent_syntax::ast::Entry::Message(m) => {
                                    Some(m.id.name.to_string())
                                }
                                _ => None,
                            })
                        })
                        .collect(),
                );
                // The language switch shows each language's own name; a language that does not
                // say it is shown by its code rather than as a second "English".
                if *lang != source
                    && !own.iter().any(|r| defines(r, "language-name"))
                    && let Ok(name) = FluentResource::try_new(format!("language-name = {lang}\n"))
                {
                    bundle.add_resource_overriding(Arc::new(name));
                }
                // Numbers in messages are written with the language's own separators.
                let separator = |key: &str, default: &str| {
                    format_in(&bundle, key, None)
                        .and_then(Result::ok)
                        .unwrap_or_else(|| default.to_string())
                };
                let separators = super::format::Separators {
                    group: separator("number-group-separator", ","),
                    decimal: separator("number-decimal-separator", "."),
                };
                super::format::set_separators(lang, separators);
                bundle.set_formatter(Some(super::format::number_formatter));
                (lang.clone(), bundle)
            })
            .collect();
        Catalog {
            bundles,
            own: own_ids,
            languages,
            source,
        }
    }

    /// Whether `lang` shows message `key` (`key.attribute`) in English, having none of its own.
    pub fn falls_back(&self, lang: &LanguageIdentifier, key: &str) -> bool {
        if *lang == self.source {
            return false;
        }
        let message = key.split_once('.').map_or(key, |(m, _)| m);
        let own = self.own.get(lang).or_else(|| {
            let language = LanguageIdentifier::from_parts(lang.language, None, None, &[]);
            self.own.get(&language)
        });
        !own.is_some_and(|ids| ids.contains(message))
    }

    pub fn languages(&self) -> &[LanguageIdentifier] {
        &self.languages
    }

    /// `key` (or `key.attribute`) in `lang`, else in English, else a visible placeholder.
    pub fn format(
        &self,
        lang: &LanguageIdentifier,
        key: &str,
        args: Option<&FluentArgs>,
    ) -> String {
        self.try_format(lang, key, args)
            .unwrap_or_else(|| format!("Unknown localization key: {key:?}"))
    }

    /// `key` (or `key.attribute`) in `lang`, else in English.
    pub fn try_format(
        &self,
        lang: &LanguageIdentifier,
        key: &str,
        args: Option<&FluentArgs>,
    ) -> Option<String> {
        let bundle = self.bundles.get(lang).or_else(|| {
            // `fr-CA` reads `fr` when only that exists.
            let language = LanguageIdentifier::from_parts(lang.language, None, None, &[]);
            self.bundles.get(&language)
        });
        let own = bundle.and_then(|b| format_in(b, key, args));
        if let Some(Ok(text)) = own {
            return Some(text);
        }
        // A message that cannot be formatted (a variable it does not receive) reads better in
        // English; when English cannot either (a changed English wording), it shows as it is.
        match self
            .bundles
            .get(&self.source)
            .and_then(|b| format_in(b, key, args))
        {
            Some(Ok(text)) => Some(text),
            english => own.or(english).map(|r| r.unwrap_or_else(|t| t)),
        }
    }
}

fn defines(resource: &FluentResource, id: &str) -> bool {
    resource
        .entries()
        .any(|e| matches!(e, fluent_syntax::ast::Entry::Message(m) if m.id.name == id))
}

/// The message formatted, `Err` holding the text when formatting met errors.
fn format_in(
    bundle: &Bundle,
    key: &str,
    args: Option<&FluentArgs>,
) -> Option<Result<String, String>> {
    let pattern = match key.split_once('.') {
        Some((message, attribute)) => bundle
            .get_message(message)?
            .get_attribute(attribute)?
            .value(),
        None => bundle.get_message(key)?.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    let text = text.into_owned();
    Some(if errors.is_empty() {
        Ok(text)
    } else {
        Err(text)
    })
}

/// Runs `f` on the catalog in force.
pub fn with<T>(f: impl FnOnce(&Catalog) -> T) -> T {
    let guard = CURRENT.read().unwrap_or_else(PoisonError::into_inner);
    f(&guard)
}

/// Puts `catalog` in force for every later lookup of this process.
pub fn install(catalog: Catalog) {
    *CURRENT.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(catalog);
}

/// Reads the locales folder, puts its messages in force over the built-in ones, and logs every
/// part that could not be read (it is skipped). A missing folder leaves the built-in messages.
pub fn load(dir: &Path) -> Vec<Problem> {
    let (overlay, files, problems) = read_folder_with_text(dir);
    for problem in &problems {
        tracing::warn!("translation skipped: {problem}");
    }
    if !overlay.is_empty() {
        let languages: Vec<String> = overlay.iter().map(|(l, _)| l.to_string()).collect();
        tracing::info!(dir = %dir.display(), ?languages, "translations read");
        // A variable English does not pass shows as `{$name}` on the page: say so now.
        if let Ok(report) = super::check::check_dir(dir) {
            for (lang, r) in &report.languages {
                for (key, english, here) in &r.placeables {
                    tracing::warn!(
                        "translation {lang} {key}: placeables [{here}] differ from English [{english}]; English shows where one has no value"
                    );
                }
            }
        }
    }
    let mut layers = LAYERS.write().unwrap_or_else(PoisonError::into_inner);
    layers.folder = overlay;
    layers.folder_files = files;
    rebuild(&layers);
    problems
}

/// The `.ftl` files of `dir/<lang>/`, with what could not be read. A missing folder is no problem.
pub fn read_folder(dir: &Path) -> (Resources, Vec<Problem>) {
    let (resources, _, problems) = read_folder_with_text(dir);
    (resources, problems)
}

type FolderFiles = Vec<(LanguageIdentifier, Vec<(String, String)>)>;

/// `read_folder`, with the text of each file read.
fn read_folder_with_text(dir: &Path) -> (Resources, FolderFiles, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut out = Resources::new();
    let mut texts = FolderFiles::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (out, texts, problems);
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let Ok(lang) = name.parse::<LanguageIdentifier>() else {
            problems.push(Problem {
                file: folder.display().to_string(),
                line: 0,
                message: format!("{name:?} is not a language code such as de or pt-BR"),
            });
            continue;
        };
        let (files, unreadable) = ftl_files(&folder);
        problems.extend(unreadable);
        let resources = files
            .iter()
            .map(|(file, text)| Arc::new(parse(file, text.clone(), &mut problems)))
            .collect();
        out.push((lang.clone(), resources));
        texts.push((lang, files));
    }
    (out, texts, problems)
}

/// The `.ftl` files of one folder with their text, sorted by name.
pub fn ftl_files(folder: &Path) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(folder) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ftl"))
            .collect(),
        Err(e) => {
            problems.push(Problem {
                file: folder.display().to_string(),
                line: 0,
                message: e.to_string(),
            });
            Vec::new()
        }
    };
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        match std::fs::read_to_string(&path) {
            Ok(text) => files.push((path.display().to_string(), text)),
            Err(e) => problems.push(Problem {
                file: path.display().to_string(),
                line: 0,
                message: e.to_string(),
            }),
        }
    }
    (files, problems)
}

/// Parses one file; the parser skips what it cannot read and goes on with the next entry.
pub fn parse(file: &str, text: String, problems: &mut Vec<Problem>) -> FluentResource {
    let errors: Vec<(usize, String)> = match fluent_syntax::parser::parse(text.as_str()) {
        Ok(_) => Vec::new(),
        Err((_, errors)) => errors
            .iter()
            .map(|e| (line_of(&text, e.pos.start), e.kind.to_string()))
            .collect(),
    };
    problems.extend(errors.into_iter().map(|(line, message)| Problem {
        file: file.to_string(),
        line,
        message,
    }));
    match FluentResource::try_new(text) {
        Ok(resource) | Err((resource, _)) => resource,
    }
}

/// The 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::{Catalog, Resources, parse};
    use std::sync::Arc;

    fn overlay(files: &[(&str, &str)]) -> (Resources, Vec<super::Problem>) {
        let mut problems = Vec::new();
        let resources = files
            .iter()
            .map(|(lang, text)| {
                (
                    lang.parse().expect("language"),
                    vec![Arc::new(parse("x.ftl", text.to_string(), &mut problems))],
                )
            })
            .collect();
        (resources, problems)
    }

    #[test]
    fn a_folder_message_replaces_the_built_in_one_and_a_new_language_falls_back_to_english() {
        let (resources, problems) = overlay(&[
            ("en-US", "sign-button = Add my name\n"),
            ("de", "language-name = Deutsch\n"),
        ]);
        assert!(problems.is_empty());
        let catalog = Catalog::new(&resources);
        let en = "en-US".parse().expect("en");
        let de = "de".parse().expect("de");
        let fr = "fr".parse().expect("fr");
        assert_eq!(catalog.format(&en, "sign-button", None), "Add my name");
        assert_eq!(catalog.format(&de, "sign-button", None), "Add my name");
        assert_eq!(catalog.format(&de, "language-name", None), "Deutsch");
        assert_ne!(catalog.format(&fr, "sign-button", None), "Add my name");
        assert!(catalog.languages().contains(&de));
        assert_eq!(catalog.languages()[0], en);
    }

    #[test]
    fn a_regional_variant_reads_its_parent_language_before_english() {
        let (resources, _) = overlay(&[("fr-CA", "language-name = Français (Canada)\n")]);
        let catalog = Catalog::new(&resources);
        let ca = "fr-CA".parse().expect("fr-CA");
        let fr = "fr".parse().expect("fr");
        assert_eq!(
            catalog.format(&ca, "language-name", None),
            "Français (Canada)"
        );
        assert_eq!(
            catalog.format(&ca, "sign-title", None),
            catalog.format(&fr, "sign-title", None)
        );
        assert!(!catalog.falls_back(&ca, "sign-title"));
    }

    #[test]
    fn a_wording_with_an_unknown_variable_still_shows() {
        let (resources, _) = overlay(&[
            ("en-US", "sign-button = Add { $who }\n"),
            ("fr", "sign-button = Signer { $qui }\n"),
        ]);
        let catalog = Catalog::new(&resources);
        let en = "en-US".parse().expect("en");
        let fr = "fr".parse().expect("fr");
        assert_eq!(catalog.format(&en, "sign-button", None), "Add {$who}");
        assert_eq!(catalog.format(&fr, "sign-button", None), "Signer {$qui}");
    }

    #[test]
    fn a_syntax_error_is_reported_with_its_line_and_the_rest_still_applies() {
        let (resources, problems) =
            overlay(&[("de", "language-name = Deutsch\n\nbroken = { $\nok = Gut\n")]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 3, "{problems:?}");
        let catalog = Catalog::new(&resources);
        let de = "de".parse().expect("de");
        assert_eq!(catalog.format(&de, "ok", None), "Gut");
        assert_eq!(catalog.format(&de, "language-name", None), "Deutsch");
    }
}
